// The touchpoint catalogue: list, add, preview, edit, remove, and the events no touchpoint names. A change
// is applied to the whole history by the next journey refresh, which the server starts.
import { Type } from "@sinclair/typebox";
import {
  addTouchpoint,
  editTouchpoint,
  loadDefinitions,
  removeTouchpoint,
} from "../../journey/definitions.js";
import { previewTouchpoint, TouchpointPreview, TouchpointPreviewRequest } from "../../journey/preview.js";
import { applySuggestions } from "../../journey/suggestions/apply.js";
import { ApplyRequest, ApplyResult, Suggestions } from "../../journey/suggestions/schema.js";
import { suggestTouchpoints } from "../../journey/suggestions/suggest.js";
import { Touchpoint, TouchpointInput, TouchpointPatch } from "../../journey/touchpoints.js";
import { findUnmatched } from "../../journey/unmatched.js";
import { ok } from "../../result.js";
import { operation } from "../operation.js";

const tags = ["touchpoints"];
const Id = Type.Object({ id: Type.String({ maxLength: 80 }) });

export const touchpointListOperation = operation({
  id: "touchpoints.list",
  method: "GET",
  path: "/api/touchpoints",
  access: "analytics.read",
  summary: "The touchpoint catalogue, in the order rules are checked (an event takes the first match)",
  tags,
  response: Type.Object({ items: Type.Array(Touchpoint) }),
  run: async (ctx) => ok({ items: (await loadDefinitions(ctx.store)).touchpoints }),
});

export const addTouchpointOperation = operation({
  id: "touchpoints.add",
  method: "POST",
  path: "/api/touchpoints",
  access: "journey.edit",
  summary: "Add a touchpoint (last, or before another with ?before=<id>)",
  tags,
  query: Type.Object({ before: Type.Optional(Type.String({ maxLength: 80 })) }),
  body: TouchpointInput,
  response: Touchpoint,
  status: 201,
  changesJourney: true,
  run: (ctx, { query, body }, caller) => addTouchpoint(ctx.store, body, query.before, caller.actor),
});

export const previewTouchpointOperation = operation({
  id: "touchpoints.preview",
  method: "POST",
  path: "/api/touchpoints/preview",
  // The examples are events of customers, masked for roles without pii.read.
  access: "customers.list",
  personal: "bulk",
  summary:
    "What a draft rule would match before it is saved: events and customers in the latest days, their share, examples, and how many an earlier touchpoint already takes",
  tags,
  body: TouchpointPreviewRequest,
  response: TouchpointPreview,
  run: (ctx, { body }) => previewTouchpoint(ctx.store, body),
});

export const editTouchpointOperation = operation({
  id: "touchpoints.edit",
  method: "PATCH",
  path: "/api/touchpoints/:id",
  access: "journey.edit",
  summary: "Change a touchpoint; fields given replace the current ones (null removes an optional one)",
  tags,
  params: Id,
  body: TouchpointPatch,
  response: Touchpoint,
  changesJourney: true,
  run: (ctx, { params, body }, caller) => editTouchpoint(ctx.store, params.id, body, caller.actor),
});

export const removeTouchpointOperation = operation({
  id: "touchpoints.remove",
  method: "DELETE",
  path: "/api/touchpoints/:id",
  access: "journey.edit",
  summary: "Remove a touchpoint; its events become unmatched unless another rule names them",
  tags,
  params: Id,
  response: Type.Object({ id: Type.String() }),
  changesJourney: true,
  run: (ctx, { params }, caller) => removeTouchpoint(ctx.store, params.id, caller.actor),
});

export const unmatchedOperation = operation({
  id: "touchpoints.unmatched",
  method: "GET",
  path: "/api/touchpoints/unmatched",
  access: "analytics.read",
  summary: "Events no touchpoint names, grouped by type, name and channel, most frequent first",
  tags,
  query: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }) }),
  response: Type.Object({
    events: Type.Integer(),
    share: Type.Number(),
    groups: Type.Array(
      Type.Object({
        type: Type.String(),
        event: Type.Union([Type.String(), Type.Null()]),
        channel: Type.String(),
        events: Type.Integer(),
        firstSeen: Type.String(),
        lastSeen: Type.String(),
        example: Type.String(),
      }),
    ),
  }),
  run: async (ctx, { query }) => ok(await findUnmatched(ctx.store, query.limit)),
});

export const suggestionsOperation = operation({
  id: "touchpoints.suggestions",
  method: "GET",
  path: "/api/touchpoints/suggestions",
  access: "analytics.read",
  summary:
    "A touchpoint for each unmatched event name: a readable name, a stage from the name's words and from its place in customers' paths, the likely conversion, a confidence and what it would match",
  tags,
  query: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 1000, default: 200 }) }),
  response: Suggestions,
  run: async (ctx, { query }) => ok(await suggestTouchpoints(ctx.store, { limit: query.limit })),
});

export const applySuggestionsOperation = operation({
  id: "touchpoints.suggestions.apply",
  method: "POST",
  path: "/api/touchpoints/suggestions/apply",
  access: "journey.edit",
  summary:
    "Create touchpoints from suggestions (all, or the ids given, each with its name, stage or advances changed if given), as POST /api/touchpoints would; those refused say why",
  tags,
  body: ApplyRequest,
  response: ApplyResult,
  changesJourney: true,
  run: async (ctx, { body }, caller) => ok(await applySuggestions(ctx.store, body, caller.actor)),
});

export const touchpointOperations = [
  touchpointListOperation,
  addTouchpointOperation,
  previewTouchpointOperation,
  editTouchpointOperation,
  removeTouchpointOperation,
  unmatchedOperation,
  suggestionsOperation,
  applySuggestionsOperation,
];
