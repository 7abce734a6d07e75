// The friction finder: what is really wrong in a period, ranked, and the customers behind each friction.
import { Type } from "@sinclair/typebox";
import { findFrictions, listFrictionCustomers } from "../../analytics/frictions/frictions.js";
import { FrictionCustomers, FrictionList } from "../../analytics/frictions/schema.js";
import { FrictionSettings } from "../../analytics/frictions/settings.js";
import { loadFrictionSettings, putFrictionSettings } from "../../analytics/frictions/settings-store.js";
import { PeriodFields } from "../../analytics/period.js";
import { PersonaFilter, StageFilter } from "../../analytics/steps.js";
import type { App } from "../app.js";
import type { AppContext } from "../context.js";
import { errorResponses, unwrapProblem } from "../errors.js";
import { actorOf } from "../permissions.js";
import { limitAnalysis } from "./analysis-limit.js";
import { parseDate } from "./journey.js";

const security = [{ bearerAuth: [] }];
const tags = ["analytics"];

export function frictionRoutes(app: App, ctx: AppContext): void {
  app.get(
    "/api/frictions",
    {
      config: { access: "analytics.read" },
      schema: {
        summary: "Frictions: where customers measurably struggle, ranked by estimated impact",
        description:
          "Abnormal drop-off at a step with the segment (OS, app version, device, channel, persona, campaign, a property of the step, and the day it started) that explains it; abandoned carts, checkouts and forms with their value; repeat contacts about the same subject and what explains them; channel switching after failed self-service; responses slower than the channel's target with the feedback after them; messages per week against unsubscribes; negative-feedback spikes. Each comes with its evidence and baseline. Its customers: GET /api/frictions/{id}/customers with the same persona, from and to.",
        tags,
        security,
        querystring: Type.Object({
          persona: PersonaFilter,
          stage: StageFilter,
          ...PeriodFields,
          limit: Type.Integer({ minimum: 1, maximum: 100, default: 20, description: "Frictions listed" }),
        }),
        response: { 200: FrictionList, ...errorResponses },
      },
    },
    async (req, reply) =>
      unwrapProblem(
        await limitAnalysis(ctx.config, reply, () =>
          findFrictions(ctx.store, ctx.journey, {
            persona: req.query.persona,
            stage: req.query.stage,
            from: parseDate(req.query.from, "from"),
            to: parseDate(req.query.to, "to"),
            limit: req.query.limit,
          }),
        ),
      ),
  );

  app.get(
    "/api/frictions/:id/customers",
    {
      config: { access: "customers.list", personal: "bulk" },
      schema: {
        summary: "The customers behind a friction, page by page",
        description:
          "Same persona and period as the list (give the same persona, from and to); `total` equals the friction's `customers`.",
        tags,
        security,
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) }),
        querystring: Type.Object({
          persona: PersonaFilter,
          stage: StageFilter,
          ...PeriodFields,
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 50 }),
          after: Type.Optional(
            Type.Integer({
              minimum: 0,
              maximum: Number.MAX_SAFE_INTEGER,
              description: "`next` of the previous page",
            }),
          ),
        }),
        response: { 200: FrictionCustomers, ...errorResponses },
      },
    },
    async (req, reply) =>
      unwrapProblem(
        await limitAnalysis(ctx.config, reply, () =>
          listFrictionCustomers(ctx.store, ctx.journey, {
            id: req.params.id,
            persona: req.query.persona,
            stage: req.query.stage,
            from: parseDate(req.query.from, "from"),
            to: parseDate(req.query.to, "to"),
            limit: req.query.limit,
            after: req.query.after,
          }),
        ),
      ),
  );

  app.get(
    "/api/frictions/settings",
    {
      config: { access: "analytics.read" },
      schema: {
        summary: "What the friction finder looks for: steps, segment dimensions, self-service, thresholds",
        tags,
        security,
        response: { 200: FrictionSettings, ...errorResponses },
      },
    },
    async () => loadFrictionSettings(ctx.store),
  );

  app.put(
    "/api/frictions/settings",
    {
      config: { access: "journey.edit" },
      schema: {
        summary: "Replace the friction finder's settings (e.g. your own step and event names)",
        tags,
        security,
        body: FrictionSettings,
        response: { 200: FrictionSettings, ...errorResponses },
      },
    },
    async (req) => unwrapProblem(await putFrictionSettings(ctx.store, req.body, actorOf(req))),
  );

  app.delete(
    "/api/frictions/settings",
    {
      config: { access: "journey.edit" },
      schema: {
        summary: "Go back to the default friction settings",
        tags,
        security,
        response: { 200: FrictionSettings, ...errorResponses },
      },
    },
    async (req) => unwrapProblem(await putFrictionSettings(ctx.store, null, actorOf(req))),
  );
}
