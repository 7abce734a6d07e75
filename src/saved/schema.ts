// The shapes of saved views and boards, shared by the API (validation, OpenAPI), the CLI and the
// dashboard, which takes its types from here.
import { type Static, Type } from "@sinclair/typebox";
import { StringEnum } from "../typebox.js";

/** The dashboard views whose state can be saved: each keeps its whole state in its URL query. */
export const ViewKinds = [
  "overview",
  "journey-map",
  "funnels",
  "paths",
  "retention",
  "stage-flow",
  "time-to-convert",
  "frictions",
] as const;
export type ViewKind = (typeof ViewKinds)[number];

/** The most a view's state may take, as JSON text: a long funnel with filters is about 2 KB. */
export const MAX_STATE_BYTES = 16_384;

export const ViewState = Type.Record(
  Type.String({ pattern: "^[A-Za-z][A-Za-z0-9_-]{0,39}$" }),
  Type.String({ maxLength: 8000 }),
  {
    additionalProperties: false,
    maxProperties: 30,
    description:
      "The view's URL query parameters (name → value), e.g. { funnel: '{\"steps\":…}', persona: 'tim' }; at most 16 KB as JSON",
  },
);
export type ViewState = Static<typeof ViewState>;

const Name = Type.String({ minLength: 1, maxLength: 120 });
const Description = Type.String({ maxLength: 2000 });

export const Owner = Type.Object({
  kind: Type.String({ description: "account | token | cli | system" }),
  id: Type.Union([Type.String(), Type.Null()]),
  name: Type.String({ description: "Account email, token name or operating-system user" }),
});

export const SavedViewInput = Type.Object(
  {
    kind: StringEnum(ViewKinds, { description: "Which dashboard view the state belongs to" }),
    name: Name,
    description: Type.Optional(Description),
    state: ViewState,
  },
  { additionalProperties: false },
);
export type SavedViewInput = Static<typeof SavedViewInput>;

export const SavedViewPatch = Type.Partial(SavedViewInput, { additionalProperties: false });
export type SavedViewPatch = Static<typeof SavedViewPatch>;

export const SavedView = Type.Object({
  id: Type.String(),
  kind: StringEnum(ViewKinds),
  name: Type.String(),
  description: Type.String(),
  state: ViewState,
  owner: Owner,
  createdAt: Type.String({ description: "UTC, ISO-8601" }),
  updatedAt: Type.String({ description: "UTC, ISO-8601" }),
  boards: Type.Array(Type.String(), { description: "Ids of the boards it is pinned to" }),
});
export type SavedView = Static<typeof SavedView>;

export const ListQuery = Type.Object({
  search: Type.Optional(
    Type.String({ maxLength: 200, description: "Words in the name or description (case-insensitive)" }),
  ),
  kind: Type.Optional(StringEnum(ViewKinds)),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 200 }),
});
export type ListQuery = Static<typeof ListQuery>;

export const SavedViewList = Type.Object({
  items: Type.Array(SavedView, { description: "Most recently changed first" }),
  total: Type.Integer({ description: "How many match, of which `items` holds up to `limit`" }),
});
export type SavedViewList = Static<typeof SavedViewList>;

/** Boards lay tiles out on a 12-column grid, left to right and top to bottom in their order. */
export const GRID_COLUMNS = 12;
export const MAX_TILES = 40;

export const TileInput = Type.Object(
  {
    view: Type.String({ minLength: 1, maxLength: 80, description: "A saved view's id" }),
    width: Type.Optional(
      Type.Integer({ minimum: 3, maximum: GRID_COLUMNS, description: "Columns of 12 (default 6: half)" }),
    ),
    height: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 4, description: "Rows of 180 px (default 2)" }),
    ),
  },
  { additionalProperties: false },
);
export type TileInput = Static<typeof TileInput>;

export const Tile = Type.Object({
  view: SavedView,
  width: Type.Integer(),
  height: Type.Integer(),
});
export type Tile = Static<typeof Tile>;

export const BoardInput = Type.Object(
  {
    name: Name,
    description: Type.Optional(Description),
    tiles: Type.Optional(Type.Array(TileInput, { maxItems: MAX_TILES })),
  },
  { additionalProperties: false },
);
export type BoardInput = Static<typeof BoardInput>;

export const BoardPatch = Type.Partial(BoardInput, { additionalProperties: false });
export type BoardPatch = Static<typeof BoardPatch>;

export const Board = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  tiles: Type.Array(Tile, { description: "In order: the grid fills left to right, top to bottom" }),
  owner: Owner,
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type Board = Static<typeof Board>;

export const BoardSummary = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  tiles: Type.Integer({ description: "How many tiles it has" }),
  owner: Owner,
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type BoardSummary = Static<typeof BoardSummary>;

export const BoardList = Type.Object({
  items: Type.Array(BoardSummary, { description: "Most recently changed first" }),
  total: Type.Integer(),
});
export type BoardList = Static<typeof BoardList>;

export const BoardListQuery = Type.Omit(ListQuery, ["kind"]);
export type BoardListQuery = Static<typeof BoardListQuery>;

/** Where each kind of view lives in the dashboard (its link is this path and the state as the query). */
export const VIEW_KIND_PATHS: Record<ViewKind, string> = {
  overview: "/",
  "journey-map": "/journey-map",
  funnels: "/funnels",
  paths: "/paths",
  retention: "/retention",
  "stage-flow": "/stage-flow",
  "time-to-convert": "/time-to-convert",
  frictions: "/frictions",
};

/** The kind of view a dashboard path shows, if it is one whose state can be saved. */
export function kindOfPath(pathname: string): ViewKind | undefined {
  const clean = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  return ViewKinds.find((k) => VIEW_KIND_PATHS[k] === clean);
}
