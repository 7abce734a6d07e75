// The touchpoint catalogue: list, add, edit, remove, and the events no touchpoint names. A change is
// applied to the whole history by the next journey refresh, which it starts.
import { Type } from "@sinclair/typebox";
import {
  addTouchpoint,
  editTouchpoint,
  loadDefinitions,
  removeTouchpoint,
} from "../../journey/definitions.js";
import { previewTouchpoint, TouchpointPreview, TouchpointPreviewRequest } from "../../journey/preview.js";
import { Touchpoint, TouchpointInput, TouchpointPatch } from "../../journey/touchpoints.js";
import { findUnmatched } from "../../journey/unmatched.js";
import type { App } from "../app.js";
import type { AppContext } from "../context.js";
import { errorResponses, unwrapProblem } from "../errors.js";
import { actorOf } from "../permissions.js";

const security = [{ bearerAuth: [] }];
const tags = ["touchpoints"];

export function touchpointRoutes(app: App, ctx: AppContext): void {
  const changed = <T>(value: T): T => {
    void ctx.journey.refresh().catch((e: unknown) => ctx.log.warn({ err: e }, "journey refresh failed"));
    return value;
  };
  const Id = Type.Object({ id: Type.String({ maxLength: 80 }) });

  app.get(
    "/api/touchpoints",
    {
      config: { access: "analytics.read" },
      schema: {
        summary: "The touchpoint catalogue, in the order rules are checked (an event takes the first match)",
        tags,
        security,
        response: { 200: Type.Object({ items: Type.Array(Touchpoint) }), ...errorResponses },
      },
    },
    async () => ({ items: (await loadDefinitions(ctx.store)).touchpoints }),
  );

  app.post(
    "/api/touchpoints",
    {
      config: { access: "journey.edit" },
      schema: {
        summary: "Add a touchpoint (last, or before another with ?before=<id>)",
        tags,
        security,
        querystring: Type.Object({ before: Type.Optional(Type.String({ maxLength: 80 })) }),
        body: TouchpointInput,
        response: { 201: Touchpoint, ...errorResponses },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(
          changed(unwrapProblem(await addTouchpoint(ctx.store, req.body, req.query.before, actorOf(req)))),
        ),
  );

  app.post(
    "/api/touchpoints/preview",
    {
      // The examples are events of customers, masked for roles without pii.read.
      config: { access: "customers.list", personal: "bulk" },
      schema: {
        summary:
          "What a draft rule would match before it is saved: events and customers in the latest days, their share, examples, and how many an earlier touchpoint already takes",
        tags,
        security,
        body: TouchpointPreviewRequest,
        response: { 200: TouchpointPreview, ...errorResponses },
      },
    },
    async (req) => unwrapProblem(await previewTouchpoint(ctx.store, req.body)),
  );

  app.patch(
    "/api/touchpoints/:id",
    {
      config: { access: "journey.edit" },
      schema: {
        summary: "Change a touchpoint; fields given replace the current ones (null removes an optional one)",
        tags,
        security,
        params: Id,
        body: TouchpointPatch,
        response: { 200: Touchpoint, ...errorResponses },
      },
    },
    async (req) =>
      changed(unwrapProblem(await editTouchpoint(ctx.store, req.params.id, req.body, actorOf(req)))),
  );

  app.delete(
    "/api/touchpoints/:id",
    {
      config: { access: "journey.edit" },
      schema: {
        summary: "Remove a touchpoint; its events become unmatched unless another rule names them",
        tags,
        security,
        params: Id,
        response: { 200: Type.Object({ id: Type.String() }), ...errorResponses },
      },
    },
    async (req) => changed(unwrapProblem(await removeTouchpoint(ctx.store, req.params.id, actorOf(req)))),
  );

  app.get(
    "/api/touchpoints/unmatched",
    {
      config: { access: "analytics.read" },
      schema: {
        summary: "Events no touchpoint names, grouped by type, name and channel, most frequent first",
        tags,
        security,
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }) }),
        response: {
          200: Type.Object({
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
          ...errorResponses,
        },
      },
    },
    async (req) => findUnmatched(ctx.store, req.query.limit),
  );
}
