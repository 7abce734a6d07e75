// Saved views and boards. Anyone who reads analyses reads them; saving, changing and deleting needs
// views.edit (analysts, marketers, admins). A board's tiles are changed (added, removed, reordered,
// resized) by PATCHing its whole ordered list.
import { Type } from "@sinclair/typebox";
import { ok } from "../../result.js";
import { createBoard, deleteBoard, findBoard, listBoards, updateBoard } from "../../saved/boards.js";
import {
  Board,
  BoardInput,
  BoardList,
  BoardListQuery,
  BoardPatch,
  ListQuery,
  SavedView,
  SavedViewInput,
  SavedViewList,
  SavedViewPatch,
} from "../../saved/schema.js";
import { createView, deleteView, findView, listViews, updateView } from "../../saved/views.js";
import { operation } from "../operation.js";

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 80 }) });

const viewTags = ["saved views"];

export const viewListOperation = operation({
  id: "views.list",
  method: "GET",
  path: "/api/views",
  access: "analytics.read",
  summary: "Saved views, most recently changed first; ?search= finds words in the name or description",
  tags: viewTags,
  query: ListQuery,
  response: SavedViewList,
  run: async (ctx, { query }) => ok(await listViews(ctx.store, query)),
});

export const createViewOperation = operation({
  id: "views.create",
  method: "POST",
  path: "/api/views",
  access: "views.edit",
  summary: "Save a view: its kind, a name, a description and its state (the view's URL query)",
  tags: viewTags,
  body: SavedViewInput,
  response: SavedView,
  status: 201,
  run: (ctx, { body }, caller) => createView(ctx.store, body, caller.actor),
});

export const viewOperation = operation({
  id: "views.show",
  method: "GET",
  path: "/api/views/:id",
  access: "analytics.read",
  summary: "One saved view, with the boards it is pinned to",
  tags: viewTags,
  params: IdParams,
  response: SavedView,
  run: (ctx, { params }) => findView(ctx.store, params.id),
});

export const updateViewOperation = operation({
  id: "views.update",
  method: "PATCH",
  path: "/api/views/:id",
  access: "views.edit",
  summary: "Rename a saved view, change its description or replace its state",
  tags: viewTags,
  params: IdParams,
  body: SavedViewPatch,
  response: SavedView,
  run: (ctx, { params, body }, caller) => updateView(ctx.store, params.id, body, caller.actor),
});

export const deleteViewOperation = operation({
  id: "views.delete",
  method: "DELETE",
  path: "/api/views/:id",
  access: "views.edit",
  summary: "Delete a saved view and its tiles",
  description:
    "As PostHog does with a deleted insight, the view's tiles go from every board it was pinned to (the boards stay); `boards` lists them.",
  tags: viewTags,
  params: IdParams,
  response: Type.Object({
    id: Type.String(),
    boards: Type.Array(Type.String(), { description: "Boards that lost the view's tile" }),
  }),
  run: (ctx, { params }, caller) => deleteView(ctx.store, params.id, caller.actor),
});

export const viewOperations = [
  viewListOperation,
  createViewOperation,
  viewOperation,
  updateViewOperation,
  deleteViewOperation,
];

const boardTags = ["boards"];

export const boardListOperation = operation({
  id: "boards.list",
  method: "GET",
  path: "/api/boards",
  access: "analytics.read",
  summary: "Boards, most recently changed first; ?search= finds words in the name or description",
  tags: boardTags,
  query: BoardListQuery,
  response: BoardList,
  run: async (ctx, { query }) => ok(await listBoards(ctx.store, query)),
});

export const createBoardOperation = operation({
  id: "boards.create",
  method: "POST",
  path: "/api/boards",
  access: "views.edit",
  summary: "Create a board, empty or with tiles of saved views",
  description: "Each tile names an existing saved view (once per board); an unknown one is a 400.",
  tags: boardTags,
  body: BoardInput,
  response: Board,
  status: 201,
  run: (ctx, { body }, caller) => createBoard(ctx.store, body, caller.actor),
});

export const boardOperation = operation({
  id: "boards.show",
  method: "GET",
  path: "/api/boards/:id",
  access: "analytics.read",
  summary: "One board with its tiles in order, each with its saved view",
  tags: boardTags,
  params: IdParams,
  response: Board,
  run: (ctx, { params }) => findBoard(ctx.store, params.id),
});

export const updateBoardOperation = operation({
  id: "boards.update",
  method: "PATCH",
  path: "/api/boards/:id",
  access: "views.edit",
  summary: "Rename a board, change its description, or replace its tiles",
  description:
    "`tiles` is the board's whole ordered list: add, remove, reorder or resize tiles by sending the list as it should be. Each names an existing saved view, once; an unknown one is a 400 and nothing changes.",
  tags: boardTags,
  params: IdParams,
  body: BoardPatch,
  response: Board,
  run: (ctx, { params, body }, caller) => updateBoard(ctx.store, params.id, body, caller.actor),
});

export const deleteBoardOperation = operation({
  id: "boards.delete",
  method: "DELETE",
  path: "/api/boards/:id",
  access: "views.edit",
  summary: "Delete a board (its saved views stay)",
  tags: boardTags,
  params: IdParams,
  response: Type.Object({ id: Type.String() }),
  run: (ctx, { params }, caller) => deleteBoard(ctx.store, params.id, caller.actor),
});

export const boardOperations = [
  boardListOperation,
  createBoardOperation,
  boardOperation,
  updateBoardOperation,
  deleteBoardOperation,
];
