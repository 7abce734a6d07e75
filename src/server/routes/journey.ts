// The journey map (with comparison and export), the customers behind its numbers, its authored lanes,
// the journey model (stages) and the refresh of the journey tables.
import { type Static, Type } from "@sinclair/typebox";
import { getOverview, Overview } from "../../analytics/overview.js";
import { PeriodFields } from "../../analytics/period.js";
import { StageFilter } from "../../analytics/steps.js";
import { recordAudit } from "../../audit/log.js";
import { loadDefinitions, putModel } from "../../journey/definitions.js";
import { LaneItems, LaneNames, writeLane } from "../../journey/lanes.js";
import { listAudience } from "../../journey/map/audience.js";
import { mapToCsv } from "../../journey/map/export.js";
import { buildJourneyMap, type MapQuery, mapWithComparison } from "../../journey/map/map.js";
import { AudiencePage, JourneyMap, MapComparison } from "../../journey/map/schema.js";
import { JourneyModel } from "../../journey/model.js";
import { StringEnum } from "../../typebox.js";
import type { App } from "../app.js";
import type { AppContext } from "../context.js";
import { errorResponses, HttpError, unwrapProblem } from "../errors.js";
import { actorOf } from "../permissions.js";
import { limitAnalysis } from "./analysis-limit.js";

const security = [{ bearerAuth: [] }];
const tags = ["journey"];

const Scope = {
  persona: Type.Optional(
    Type.String({ maxLength: 80, description: "Persona id, `unassigned`, or omit for all customers" }),
  ),
  stage: StageFilter,
  ...PeriodFields,
};
const ScopeQuery = Type.Object(Scope);

const MapQuerystring = Type.Object({
  ...Scope,
  top: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 50, description: "Touchpoints and pain points per stage" }),
  ),
  compare: Type.Optional(
    Type.String({
      pattern: "^(persona:[^:]+|period:[^/]+/[^/]+)$",
      description: "`persona:<id>` or `period:<from>/<to>`: a second map with the differences",
    }),
  ),
});

export function parseDate(value: string | undefined, name: string): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime()))
    throw new HttpError(400, "invalid_request", `${name} is not an ISO-8601 date: ${value}`);
  return d;
}

const scopeOf = (q: Static<typeof ScopeQuery>): MapQuery => ({
  persona: q.persona,
  stage: q.stage,
  from: parseDate(q.from, "from"),
  to: parseDate(q.to, "to"),
});

export function journeyRoutes(app: App, ctx: AppContext): void {
  const map = async (q: MapQuery) => unwrapProblem(await buildJourneyMap(ctx.store, ctx.journey, q));

  app.get(
    "/api/journey-map",
    {
      config: { access: "analytics.read" },
      schema: {
        summary: "The journey map of a persona (or everyone) for a period, measured from the data",
        description:
          "Per stage: customers who reached it, conversion to the next stage, median and p90 time in stage, top touchpoints (volume, reach, conversion after, satisfaction), emotion (−1…1) with its answers, pain points with evidence, and the authored lanes. `compare` adds a second map and the differences. Each number's customers: GET /api/journey-map/customers.",
        tags,
        security,
        querystring: MapQuerystring,
        response: { 200: Type.Union([JourneyMap, MapComparison]), ...errorResponses },
      },
    },
    async (req, reply) =>
      limitAnalysis(ctx.config, reply, async () =>
        unwrapProblem(
          await mapWithComparison(
            ctx.store,
            ctx.journey,
            { ...scopeOf(req.query), top: req.query.top },
            req.query.compare,
          ),
        ),
      ),
  );

  app.get(
    "/api/journey-map/export",
    {
      config: { access: "analytics.read" },
      schema: {
        summary: "Download a journey map as JSON or CSV (one number per row)",
        tags,
        security,
        querystring: Type.Object({
          ...Scope,
          top: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
          format: Type.Union([Type.Literal("json"), Type.Literal("csv")], { default: "json" }),
        }),
        response: { 200: Type.String({ description: "The file" }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const m = await limitAnalysis(ctx.config, reply, () =>
        map({ ...scopeOf(req.query), top: req.query.top }),
      );
      const name = `journey-map-${m.persona?.id ?? "all"}-${m.period.from.slice(0, 10)}-${m.period.to.slice(0, 10)}`;
      const csv = req.query.format === "csv";
      return reply
        .header("content-disposition", `attachment; filename="${name}.${csv ? "csv" : "json"}"`)
        .type(csv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8")
        .serializer((payload: unknown) => String(payload))
        .send(csv ? mapToCsv(m) : JSON.stringify(m, null, 2));
    },
  );

  app.get(
    "/api/journey-map/customers",
    {
      config: { access: "customers.list", personal: "bulk" },
      schema: {
        summary: "The customers behind a number of the journey map, page by page",
        description:
          "audience: `cohort`, `stage:<key>:reached|converted|dropped|feedback`, `touchpoint:<id>:reach|converted|dropped`, `pain:<kind>:<touchpoint id>`. Same persona and period as the map; `total` equals the map's number.",
        tags,
        security,
        querystring: Type.Object({
          ...Scope,
          audience: Type.String({ minLength: 1, maxLength: 200 }),
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 50 }),
          after: Type.Optional(
            Type.Integer({
              minimum: 0,
              maximum: Number.MAX_SAFE_INTEGER,
              description: "`next` of the previous page",
            }),
          ),
        }),
        response: { 200: AudiencePage, ...errorResponses },
      },
    },
    async (req, reply) =>
      unwrapProblem(
        await limitAnalysis(ctx.config, reply, () =>
          listAudience(ctx.store, ctx.journey, {
            ...scopeOf(req.query),
            audience: req.query.audience,
            limit: req.query.limit,
            after: req.query.after,
          }),
        ),
      ),
  );

  app.put(
    "/api/journey-map/lanes/:stage/:lane",
    {
      config: { access: "journey.edit" },
      schema: {
        summary: "Write an authored lane (goals, questions, actions or opportunities) of a stage",
        tags,
        security,
        params: Type.Object({
          stage: Type.String({ maxLength: 40 }),
          lane: StringEnum(LaneNames),
        }),
        body: Type.Object(
          { persona: Type.Optional(Type.String({ maxLength: 80 })), items: LaneItems },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            persona: Type.Union([Type.String(), Type.Null()]),
            stage: Type.String(),
            lane: Type.String(),
            items: Type.Array(Type.String()),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const defs = await loadDefinitions(ctx.store);
      const r = await writeLane(
        ctx.store,
        defs,
        req.body.persona,
        req.params.stage,
        req.params.lane,
        req.body.items,
        actorOf(req),
      );
      if (!r.ok) throw new HttpError(404, "not_found", r.error);
      return r.value;
    },
  );

  app.get(
    "/api/journey-model",
    {
      config: { access: "analytics.read" },
      schema: {
        summary:
          "The journey model: stages in order with entry rules, lapse, and the figures pain points use",
        tags,
        security,
        response: { 200: JourneyModel, ...errorResponses },
      },
    },
    async () => (await loadDefinitions(ctx.store)).model,
  );

  app.put(
    "/api/journey-model",
    {
      config: { access: "journey.edit" },
      schema: {
        summary: "Replace the journey model; stage history is recomputed from the events",
        tags,
        security,
        body: JourneyModel,
        response: { 200: JourneyModel, ...errorResponses },
      },
    },
    async (req) => {
      const r = await putModel(ctx.store, req.body, actorOf(req));
      const model = unwrapProblem(r);
      void ctx.journey.refresh().catch((e: unknown) => ctx.log.warn({ err: e }, "journey refresh failed"));
      return model;
    },
  );

  app.post(
    "/api/journey/refresh",
    {
      // A full refresh of a large store can outlast the connection timeout.
      config: { access: "journey.edit", longRunning: true },
      schema: {
        summary: "Bring the journey tables up to date now and say what was done",
        tags,
        security,
        response: {
          200: Type.Object({
            mode: Type.String({ description: "none | incremental | full | personas" }),
            customers: Type.Integer(),
            events: Type.Integer(),
            ms: Type.Integer(),
            refreshedAt: Type.String(),
            generation: Type.Integer({
              description: "Raised by every refresh that changed the journey tables; equal means unchanged",
            }),
            lastEventReceivedAt: Type.Union([Type.String(), Type.Null()], {
              description: "When the newest event the journey tables include was received",
            }),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const report = await ctx.journey.refresh();
      // Asked for by someone (the periodic refresh is not audited).
      await recordAudit(ctx.store, { actor: actorOf(req), action: "journey.refresh", detail: { ...report } });
      return report;
    },
  );

  app.get(
    "/api/overview",
    {
      config: { access: "analytics.read" },
      schema: {
        summary:
          "A period at a glance, for everyone or a persona: customers and events per channel, stages and conversion, NPS and CSAT",
        tags,
        security,
        querystring: ScopeQuery,
        response: { 200: Overview, ...errorResponses },
      },
    },
    async (req, reply) =>
      unwrapProblem(
        await limitAnalysis(ctx.config, reply, () => getOverview(ctx.store, ctx.journey, scopeOf(req.query))),
      ),
  );
}
