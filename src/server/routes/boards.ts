// Boards: GET/POST /api/boards, GET/PATCH/DELETE /api/boards/{id}. A board's tiles are changed (added,
// removed, reordered, resized) by PATCHing its whole ordered list. Reading needs analytics.read,
// changing views.edit.
import { Type } from "@sinclair/typebox";
import { createBoard, deleteBoard, findBoard, listBoards, updateBoard } from "../../saved/boards.js";
import { Board, BoardInput, BoardList, BoardListQuery, BoardPatch } from "../../saved/schema.js";
import type { App } from "../app.js";
import type { AppContext } from "../context.js";
import { errorResponses, unwrapProblem } from "../errors.js";
import { actorOf } from "../permissions.js";
import { IdParams } from "./views.js";

const security = [{ bearerAuth: [] }];
const tags = ["boards"];

export function boardRoutes(app: App, ctx: AppContext): void {
  app.get(
    "/api/boards",
    {
      config: { access: "analytics.read" },
      schema: {
        summary: "Boards, most recently changed first; ?search= finds words in the name or description",
        tags,
        security,
        querystring: BoardListQuery,
        response: { 200: BoardList, ...errorResponses },
      },
    },
    async (req) => listBoards(ctx.store, req.query),
  );

  app.post(
    "/api/boards",
    {
      config: { access: "views.edit" },
      schema: {
        summary: "Create a board, empty or with tiles of saved views",
        description: "Each tile names an existing saved view (once per board); an unknown one is a 400.",
        tags,
        security,
        body: BoardInput,
        response: { 201: Board, ...errorResponses },
      },
    },
    async (req, reply) =>
      reply.status(201).send(unwrapProblem(await createBoard(ctx.store, req.body, actorOf(req)))),
  );

  app.get(
    "/api/boards/:id",
    {
      config: { access: "analytics.read" },
      schema: {
        summary: "One board with its tiles in order, each with its saved view",
        tags,
        security,
        params: IdParams,
        response: { 200: Board, ...errorResponses },
      },
    },
    async (req) => unwrapProblem(await findBoard(ctx.store, req.params.id)),
  );

  app.patch(
    "/api/boards/:id",
    {
      config: { access: "views.edit" },
      schema: {
        summary: "Rename a board, change its description, or replace its tiles",
        description:
          "`tiles` is the board's whole ordered list: add, remove, reorder or resize tiles by sending the list as it should be. Each names an existing saved view, once; an unknown one is a 400 and nothing changes.",
        tags,
        security,
        params: IdParams,
        body: BoardPatch,
        response: { 200: Board, ...errorResponses },
      },
    },
    async (req) => unwrapProblem(await updateBoard(ctx.store, req.params.id, req.body, actorOf(req))),
  );

  app.delete(
    "/api/boards/:id",
    {
      config: { access: "views.edit" },
      schema: {
        summary: "Delete a board (its saved views stay)",
        tags,
        security,
        params: IdParams,
        response: { 200: Type.Object({ id: Type.String() }), ...errorResponses },
      },
    },
    async (req) => unwrapProblem(await deleteBoard(ctx.store, req.params.id, actorOf(req))),
  );
}
