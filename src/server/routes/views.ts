// Saved views: GET/POST /api/views, GET/PATCH/DELETE /api/views/{id}. Anyone who reads analyses reads
// them; saving, changing and deleting needs views.edit (analysts, marketers, admins).
import { Type } from "@sinclair/typebox";
import { ListQuery, SavedView, SavedViewInput, SavedViewList, SavedViewPatch } from "../../saved/schema.js";
import { createView, deleteView, findView, listViews, updateView } from "../../saved/views.js";
import type { App } from "../app.js";
import type { AppContext } from "../context.js";
import { errorResponses, unwrapProblem } from "../errors.js";
import { actorOf } from "../permissions.js";

const security = [{ bearerAuth: [] }];
const tags = ["saved views"];
export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 80 }) });

export function viewRoutes(app: App, ctx: AppContext): void {
  app.get(
    "/api/views",
    {
      config: { access: "analytics.read" },
      schema: {
        summary: "Saved views, most recently changed first; ?search= finds words in the name or description",
        tags,
        security,
        querystring: ListQuery,
        response: { 200: SavedViewList, ...errorResponses },
      },
    },
    async (req) => listViews(ctx.store, req.query),
  );

  app.post(
    "/api/views",
    {
      config: { access: "views.edit" },
      schema: {
        summary: "Save a view: its kind, a name, a description and its state (the view's URL query)",
        tags,
        security,
        body: SavedViewInput,
        response: { 201: SavedView, ...errorResponses },
      },
    },
    async (req, reply) =>
      reply.status(201).send(unwrapProblem(await createView(ctx.store, req.body, actorOf(req)))),
  );

  app.get(
    "/api/views/:id",
    {
      config: { access: "analytics.read" },
      schema: {
        summary: "One saved view, with the boards it is pinned to",
        tags,
        security,
        params: IdParams,
        response: { 200: SavedView, ...errorResponses },
      },
    },
    async (req) => unwrapProblem(await findView(ctx.store, req.params.id)),
  );

  app.patch(
    "/api/views/:id",
    {
      config: { access: "views.edit" },
      schema: {
        summary: "Rename a saved view, change its description or replace its state",
        tags,
        security,
        params: IdParams,
        body: SavedViewPatch,
        response: { 200: SavedView, ...errorResponses },
      },
    },
    async (req) => unwrapProblem(await updateView(ctx.store, req.params.id, req.body, actorOf(req))),
  );

  app.delete(
    "/api/views/:id",
    {
      config: { access: "views.edit" },
      schema: {
        summary: "Delete a saved view and its tiles",
        description:
          "As PostHog does with a deleted insight, the view's tiles go from every board it was pinned to (the boards stay); `boards` lists them.",
        tags,
        security,
        params: IdParams,
        response: {
          200: Type.Object({
            id: Type.String(),
            boards: Type.Array(Type.String(), { description: "Boards that lost the view's tile" }),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => unwrapProblem(await deleteView(ctx.store, req.params.id, actorOf(req))),
  );
}
