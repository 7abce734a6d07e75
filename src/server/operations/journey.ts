// The journey map (with its comparison), the customers behind its numbers, its authored lanes, the journey
// model, the overview and the refresh of the journey tables. The map's download (CSV or JSON file) is a
// route of its own (src/server/routes/journey.ts): its answer is a file, not a schema'd document.
import { type Static, Type } from "@sinclair/typebox";
import { getOverview, Overview } from "../../analytics/overview.js";
import { PeriodFields } from "../../analytics/period.js";
import { StageFilter } from "../../analytics/steps.js";
import { recordAudit } from "../../audit/log.js";
import { loadDefinitions, putModel } from "../../journey/definitions.js";
import { LaneItems, LaneNames, writeLane } from "../../journey/lanes.js";
import { listAudience } from "../../journey/map/audience.js";
import { type MapQuery, mapWithComparison } from "../../journey/map/map.js";
import { AudiencePage, JourneyMap, MapComparison } from "../../journey/map/schema.js";
import { JourneyModel } from "../../journey/model.js";
import { notFound, type Problem } from "../../problem.js";
import { ok, type Result } from "../../result.js";
import { StringEnum } from "../../typebox.js";
import { operation } from "../operation.js";
import { CustomerPageFields, periodOf } from "./scope.js";

const tags = ["journey"];

export const Scope = {
  persona: Type.Optional(
    Type.String({ maxLength: 80, description: "Persona id, `unassigned`, or omit for all customers" }),
  ),
  stage: StageFilter,
  ...PeriodFields,
};
const ScopeQuery = Type.Object(Scope);

/** The persona, stage and period of a query as the journey map's libraries take them. */
export function scopeOf(q: Static<typeof ScopeQuery>, timeZone: string): Result<MapQuery, Problem> {
  const period = periodOf(q, timeZone);
  if (!period.ok) return period;
  return ok({ persona: q.persona, stage: q.stage, ...period.value });
}

export const TopField = Type.Optional(
  Type.Integer({ minimum: 1, maximum: 50, description: "Touchpoints and pain points per stage" }),
);

export const journeyMapOperation = operation({
  id: "journey.map",
  method: "GET",
  path: "/api/journey-map",
  access: "analytics.read",
  summary: "The journey map of a persona (or everyone) for a period, measured from the data",
  description:
    "Per stage: customers who reached it, conversion to the next stage, median and p90 time in stage, top touchpoints (volume, reach, conversion after, satisfaction), emotion (−1…1) with its answers, pain points with evidence, and the authored lanes. `compare` adds a second map and the differences. Each number's customers: GET /api/journey-map/customers.",
  tags,
  query: Type.Object({
    ...Scope,
    top: TopField,
    compare: Type.Optional(
      Type.String({
        pattern: "^(persona:[^:]+|period:[^/]+/[^/]+)$",
        description: "`persona:<id>` or `period:<from>/<to>`: a second map with the differences",
      }),
    ),
  }),
  response: Type.Union([JourneyMap, MapComparison]),
  analysis: true,
  async run(ctx, { query }) {
    const scope = scopeOf(query, ctx.config.timeZone);
    if (!scope.ok) return scope;
    // The comparison is read and checked in one place: mapWithComparison (src/journey/map/map.ts).
    return mapWithComparison(
      ctx.store,
      ctx.journey,
      { ...scope.value, top: query.top },
      query.compare,
      ctx.config.timeZone,
    );
  },
});

export const journeyCustomersOperation = operation({
  id: "journey.customers",
  method: "GET",
  path: "/api/journey-map/customers",
  access: "customers.list",
  personal: "bulk",
  summary: "The customers behind a number of the journey map, page by page",
  description:
    "audience: `cohort`, `stage:<key>:reached|converted|dropped|feedback`, `touchpoint:<id>:reach|converted|dropped`, `pain:<friction id>` (a pain point: a friction of GET /api/frictions). Same persona and period as the map; `total` equals the map's number.",
  tags,
  query: Type.Object({
    ...Scope,
    audience: Type.String({ minLength: 1, maxLength: 200 }),
    ...CustomerPageFields,
  }),
  response: AudiencePage,
  analysis: true,
  async run(ctx, { query }) {
    const scope = scopeOf(query, ctx.config.timeZone);
    if (!scope.ok) return scope;
    const { audience, limit, after } = query;
    return listAudience(ctx.store, ctx.journey, { ...scope.value, audience, limit, after });
  },
});

export const laneOperation = operation({
  id: "journey.lanes.write",
  method: "PUT",
  path: "/api/journey-map/lanes/:stage/:lane",
  access: "journey.edit",
  summary: "Write an authored lane (goals, questions, actions or opportunities) of a stage",
  tags,
  params: Type.Object({ stage: Type.String({ maxLength: 40 }), lane: StringEnum(LaneNames) }),
  body: Type.Object(
    { persona: Type.Optional(Type.String({ maxLength: 80 })), items: LaneItems },
    { additionalProperties: false },
  ),
  response: Type.Object({
    persona: Type.Union([Type.String(), Type.Null()]),
    stage: Type.String(),
    lane: Type.String(),
    items: Type.Array(Type.String()),
  }),
  async run(ctx, { params, body }, caller) {
    const defs = await loadDefinitions(ctx.store);
    const r = await writeLane(
      ctx.store,
      defs,
      body.persona,
      params.stage,
      params.lane,
      body.items,
      caller.actor,
    );
    return r.ok ? r : notFound(r.error);
  },
});

export const modelOperation = operation({
  id: "journey.model",
  method: "GET",
  path: "/api/journey-model",
  access: "analytics.read",
  summary: "The journey model: stages in order with entry rules, lapse, and the figures pain points use",
  tags,
  response: JourneyModel,
  run: async (ctx) => ok((await loadDefinitions(ctx.store)).model),
});

export const putModelOperation = operation({
  id: "journey.model.put",
  method: "PUT",
  path: "/api/journey-model",
  access: "journey.edit",
  summary: "Replace the journey model; stage history is recomputed from the events",
  tags,
  body: JourneyModel,
  response: JourneyModel,
  changesJourney: true,
  run: (ctx, { body }, caller) => putModel(ctx.store, body, caller.actor),
});

export const refreshOperation = operation({
  id: "journey.refresh",
  method: "POST",
  path: "/api/journey/refresh",
  access: "journey.edit",
  // A full refresh of a large store can outlast the connection timeout.
  longRunning: true,
  summary: "Bring the journey tables up to date now and say what was done",
  tags,
  response: Type.Object({
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
  async run(ctx, _req, caller) {
    const report = await ctx.journey.refresh();
    // Asked for by someone (the periodic refresh is not audited).
    await recordAudit(ctx.store, { actor: caller.actor, action: "journey.refresh", detail: { ...report } });
    return ok(report);
  },
});

export const overviewOperation = operation({
  id: "overview",
  method: "GET",
  path: "/api/overview",
  access: "analytics.read",
  summary:
    "A period at a glance, for everyone or a persona: customers and events per channel, stages and conversion, NPS and CSAT",
  tags,
  query: ScopeQuery,
  response: Overview,
  analysis: true,
  async run(ctx, { query }) {
    const scope = scopeOf(query, ctx.config.timeZone);
    return scope.ok ? getOverview(ctx.store, ctx.journey, scope.value) : scope;
  },
});

export const journeyOperations = [
  journeyMapOperation,
  journeyCustomersOperation,
  laneOperation,
  modelOperation,
  putModelOperation,
  refreshOperation,
  overviewOperation,
];
