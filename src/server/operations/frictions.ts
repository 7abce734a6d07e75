// The friction finder: what is really wrong in a period, ranked, the customers behind each friction, and
// the settings that say what it looks for.
import { Type } from "@sinclair/typebox";
import { findFrictions, listFrictionCustomers } from "../../analytics/frictions/frictions.js";
import { FrictionCustomers, FrictionList } from "../../analytics/frictions/schema.js";
import { FrictionSettings } from "../../analytics/frictions/settings.js";
import { loadFrictionSettings, putFrictionSettings } from "../../analytics/frictions/settings-store.js";
import { PeriodFields } from "../../analytics/period.js";
import { PersonaFilter, StageFilter } from "../../analytics/steps.js";
import { ok } from "../../result.js";
import { operation } from "../operation.js";
import { CustomerPageFields, periodOf } from "./scope.js";

const tags = ["analytics"];
const Scope = { persona: PersonaFilter, stage: StageFilter, ...PeriodFields };

export const frictionListOperation = operation({
  id: "frictions.list",
  method: "GET",
  path: "/api/frictions",
  access: "analytics.read",
  summary: "Frictions: where customers measurably struggle, ranked by estimated impact",
  description:
    "Abnormal drop-off at a step with the segment (OS, app version, device, channel, persona, campaign, a property of the step, and the day it started) that explains it; abandoned carts, checkouts and forms with their value; repeat contacts about the same subject and what explains them; channel switching after failed self-service; responses slower than the channel's target with the feedback after them; messages per week against unsubscribes; negative-feedback spikes. Each comes with its evidence and baseline. Its customers: GET /api/frictions/{id}/customers with the same persona, from and to.",
  tags,
  query: Type.Object({
    ...Scope,
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20, description: "Frictions listed" }),
  }),
  response: FrictionList,
  analysis: true,
  async run(ctx, { query }) {
    const period = periodOf(query, ctx.config.timeZone);
    if (!period.ok) return period;
    const { persona, stage, limit } = query;
    return findFrictions(ctx.store, ctx.journey, { persona, stage, ...period.value, limit });
  },
});

export const frictionCustomersOperation = operation({
  id: "frictions.customers",
  method: "GET",
  path: "/api/frictions/:id/customers",
  access: "customers.list",
  personal: "bulk",
  summary: "The customers behind a friction, page by page",
  description:
    "Same persona and period as the list (give the same persona, from and to); `total` equals the friction's `customers`.",
  tags,
  params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) }),
  query: Type.Object({ ...Scope, ...CustomerPageFields }),
  response: FrictionCustomers,
  analysis: true,
  async run(ctx, { params, query }) {
    const period = periodOf(query, ctx.config.timeZone);
    if (!period.ok) return period;
    const { persona, stage, limit, after } = query;
    return listFrictionCustomers(ctx.store, ctx.journey, {
      id: params.id,
      persona,
      stage,
      ...period.value,
      limit,
      after,
    });
  },
});

export const frictionSettingsOperation = operation({
  id: "frictions.settings",
  method: "GET",
  path: "/api/frictions/settings",
  access: "analytics.read",
  summary: "What the friction finder looks for: steps, segment dimensions, self-service, thresholds",
  tags,
  response: FrictionSettings,
  run: async (ctx) => ok(await loadFrictionSettings(ctx.store)),
});

export const putFrictionSettingsOperation = operation({
  id: "frictions.settings.put",
  method: "PUT",
  path: "/api/frictions/settings",
  access: "journey.edit",
  summary: "Replace the friction finder's settings (e.g. your own step and event names)",
  tags,
  body: FrictionSettings,
  response: FrictionSettings,
  run: (ctx, { body }, caller) => putFrictionSettings(ctx.store, body, caller.actor),
});

export const resetFrictionSettingsOperation = operation({
  id: "frictions.settings.reset",
  method: "DELETE",
  path: "/api/frictions/settings",
  access: "journey.edit",
  summary: "Go back to the default friction settings",
  tags,
  response: FrictionSettings,
  run: (ctx, _req, caller) => putFrictionSettings(ctx.store, null, caller.actor),
});

export const frictionOperations = [
  frictionListOperation,
  frictionCustomersOperation,
  frictionSettingsOperation,
  putFrictionSettingsOperation,
  resetFrictionSettingsOperation,
];
