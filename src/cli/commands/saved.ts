// `itinera views list|show|create|delete` and `itinera boards list|show|create|delete|pin|unpin`: saved
// dashboard views (a view's kind and URL state under a name) and the boards they are pinned to.
import type { Command } from "commander";
import { cliActor } from "../../audit/log.js";
import {
  createBoard,
  DEFAULT_TILE,
  deleteBoard,
  findBoard,
  listBoards,
  tileInputs,
  updateBoard,
} from "../../saved/boards.js";
import {
  type Board,
  type BoardList,
  kindOfPath,
  type SavedView,
  type SavedViewInput,
  type SavedViewList,
  type TileInput,
  type ViewKind,
  ViewKinds,
  type ViewState,
} from "../../saved/schema.js";
import { createView, deleteView, findView, listViews } from "../../saved/views.js";
import { collect, orFail, withQuery } from "../input.js";
import { configFrom, type GlobalOptions, positiveInt } from "../options.js";
import { CliError, emit, fail, table } from "../output.js";
import { viaServerOr } from "../target.js";

const viewPath = (id: string) => `/api/views/${encodeURIComponent(id)}`;
const boardPath = (id: string) => `/api/boards/${encodeURIComponent(id)}`;

function renderViews(l: SavedViewList): string {
  const rows = l.items.map((v) => ({
    id: v.id,
    kind: v.kind,
    name: v.name,
    owner: v.owner.name,
    updated: v.updatedAt,
    boards: v.boards.length,
  }));
  return `${table(rows, ["id", "kind", "name", "owner", "updated", "boards"])}\n\n${l.items.length} of ${l.total} saved views.`;
}

function renderView(v: SavedView): string {
  const state = new URLSearchParams(v.state).toString();
  return [
    `${v.name} (${v.id}), a ${v.kind} view saved by ${v.owner.name}, changed ${v.updatedAt}`,
    v.description && `  ${v.description}`,
    `  state: ${state ? `?${state}` : "(the view's defaults)"}`,
    `  on boards: ${v.boards.length ? v.boards.join(", ") : "none"}`,
  ]
    .filter(Boolean)
    .join("\n");
}

function renderBoards(l: BoardList): string {
  const rows = l.items.map((b) => ({
    id: b.id,
    name: b.name,
    tiles: b.tiles,
    owner: b.owner.name,
    updated: b.updatedAt,
  }));
  return `${table(rows, ["id", "name", "tiles", "owner", "updated"])}\n\n${l.items.length} of ${l.total} boards.`;
}

function renderBoard(b: Board): string {
  const rows = b.tiles.map((t, i) => ({
    "#": i + 1,
    view: t.view.id,
    kind: t.view.kind,
    name: t.view.name,
    size: `${t.width}×${t.height}`,
  }));
  return [
    `${b.name} (${b.id}), by ${b.owner.name}, changed ${b.updatedAt}`,
    ...(b.description ? [`  ${b.description}`] : []),
    "",
    table(rows, ["#", "view", "kind", "name", "size"]),
  ].join("\n");
}

function kindFlag(raw: string): ViewKind {
  if ((ViewKinds as readonly string[]).includes(raw)) return raw as ViewKind;
  throw new CliError(`--kind must be one of ${ViewKinds.join(", ")} (got "${raw}")`, 2);
}

/** The view a dashboard link shows: its kind from the path, its state from the query. */
export function viewOfLink(link: string): { kind: ViewKind; state: ViewState } {
  let url: URL;
  try {
    url = new URL(link, "http://dashboard.invalid");
  } catch {
    throw new CliError(`--url ${link} is not a link`, 2);
  }
  const kind = kindOfPath(url.pathname);
  if (!kind)
    throw new CliError(
      `--url ${link}: ${url.pathname} is not a view that can be saved (${ViewKinds.join(", ")})`,
      2,
    );
  return { kind, state: Object.fromEntries(url.searchParams) };
}

function stateFlag(raw: string | undefined): ViewState {
  if (raw === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    throw new CliError(`--state is not JSON: ${(e as Error).message}`, 2);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
    throw new CliError(
      '--state must be a JSON object of the view\'s URL parameters, e.g. {"persona":"tim"}',
      2,
    );
  return parsed as ViewState;
}

function sizeFlags(o: { width?: string; height?: string }): Pick<TileInput, "width" | "height"> {
  return {
    width: positiveInt("--width", o.width, DEFAULT_TILE.width),
    height: positiveInt("--height", o.height, DEFAULT_TILE.height),
  };
}

export function savedViewCommands(program: Command): void {
  const views = program
    .command("views")
    .description("saved views: a dashboard view's state under a name, to reopen, search and pin to boards");

  views
    .command("list")
    .description("saved views, most recently changed first")
    .option("--search <words>", "words in the name or description")
    .option("--kind <kind>", `only this kind: ${ViewKinds.join(", ")}`)
    .addHelpText(
      "after",
      "\nExamples:\n  $ itinera views list\n  $ itinera views list --search checkout --kind funnels",
    )
    .action(async (o: { search?: string; kind?: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      try {
        const config = configFrom(g);
        const kind = o.kind === undefined ? undefined : kindFlag(o.kind);
        const query = { limit: 1000, ...(o.search ? { search: o.search } : {}), ...(kind ? { kind } : {}) };
        const list = await viaServerOr<SavedViewList>(
          config,
          { method: "GET", path: withQuery("/api/views", query) },
          (ctx) => listViews(ctx.store, query),
        );
        emit(g, list, renderViews);
      } catch (e) {
        fail(g, e);
      }
    });

  views
    .command("show <id>")
    .description("one saved view: its kind, state and the boards it is on")
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      try {
        const config = configFrom(g);
        const view = await viaServerOr<SavedView>(
          config,
          { method: "GET", path: viewPath(id) },
          async (ctx) => orFail(await findView(ctx.store, id)),
        );
        emit(g, view, renderView);
      } catch (e) {
        fail(g, e);
      }
    });

  views
    .command("create")
    .description("save a view from a dashboard link (--url), or from --kind and --state")
    .requiredOption("--name <name>", "what to call it")
    .option("--description <text>", "what it shows and why", "")
    .option("--url <link>", "a dashboard link, e.g. '/funnels?persona=tech-savvy-tim'")
    .option("--kind <kind>", `the view: ${ViewKinds.join(", ")}`)
    .option("--state <json>", "the view's URL parameters as a JSON object (with --kind)")
    .addHelpText(
      "after",
      `
Examples:
  $ itinera views create --name "Tim's checkout" --url '/funnels?persona=tech-savvy-tim'
  $ itinera views create --name "Retention, app" --kind retention --state '{"persona":"tech-savvy-tim"}'`,
    )
    .action(
      async (
        o: { name: string; description: string; url?: string; kind?: string; state?: string },
        cmd: Command,
      ) => {
        const g = cmd.optsWithGlobals<GlobalOptions>();
        try {
          const config = configFrom(g);
          if ((o.url === undefined) === (o.kind === undefined))
            throw new CliError("give either --url or --kind (with --state)", 2);
          if (o.url !== undefined && o.state !== undefined)
            throw new CliError("--state goes with --kind; a --url carries its own state", 2);
          const view = o.url ? viewOfLink(o.url) : { kind: kindFlag(o.kind!), state: stateFlag(o.state) };
          const input: SavedViewInput = { ...view, name: o.name, description: o.description };
          const saved = await viaServerOr<SavedView>(
            config,
            { method: "POST", path: "/api/views", body: input },
            async (ctx) => orFail(await createView(ctx.store, input, cliActor())),
          );
          emit(g, saved, (v) => `Saved ${v.name} as ${v.id}.`);
        } catch (e) {
          fail(g, e);
        }
      },
    );

  views
    .command("delete <id>")
    .description("delete a saved view; its tiles go from every board it was pinned to")
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      try {
        const config = configFrom(g);
        const removed = await viaServerOr<{ id: string; boards: string[] }>(
          config,
          { method: "DELETE", path: viewPath(id) },
          async (ctx) => orFail(await deleteView(ctx.store, id, cliActor())),
        );
        emit(
          g,
          removed,
          (r) =>
            `Deleted saved view ${r.id}${r.boards.length ? `; removed its tiles from ${r.boards.join(", ")}` : ""}.`,
        );
      } catch (e) {
        fail(g, e);
      }
    });

  boardCommands(program);
}

function boardCommands(program: Command): void {
  const boards = program.command("boards").description("boards: grids of saved views, to share and print");

  boards
    .command("list")
    .description("boards, most recently changed first")
    .option("--search <words>", "words in the name or description")
    .action(async (o: { search?: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      try {
        const config = configFrom(g);
        const query = { limit: 1000, ...(o.search ? { search: o.search } : {}) };
        const list = await viaServerOr<BoardList>(
          config,
          { method: "GET", path: withQuery("/api/boards", query) },
          (ctx) => listBoards(ctx.store, query),
        );
        emit(g, list, renderBoards);
      } catch (e) {
        fail(g, e);
      }
    });

  boards
    .command("show <id>")
    .description("a board's tiles in order (--json has each tile's saved view)")
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      try {
        const config = configFrom(g);
        const board = await viaServerOr<Board>(config, { method: "GET", path: boardPath(id) }, async (ctx) =>
          orFail(await findBoard(ctx.store, id)),
        );
        emit(g, board, renderBoard);
      } catch (e) {
        fail(g, e);
      }
    });

  boards
    .command("create")
    .description("create a board, empty or with saved views as its first tiles")
    .requiredOption("--name <name>", "what to call it")
    .option("--description <text>", "what it is for", "")
    .option("--view <id>", "a saved view to pin (repeat, in order)", collect, [])
    .addHelpText(
      "after",
      '\nExample:\n  $ itinera boards create --name "Weekly checkout" --view view_1a2b3c --view view_4d5e6f',
    )
    .action(async (o: { name: string; description: string; view: string[] }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      try {
        const config = configFrom(g);
        const input = { name: o.name, description: o.description, tiles: o.view.map((view) => ({ view })) };
        const board = await viaServerOr<Board>(
          config,
          { method: "POST", path: "/api/boards", body: input },
          async (ctx) => orFail(await createBoard(ctx.store, input, cliActor())),
        );
        emit(g, board, (b) => `Created board ${b.name} as ${b.id} with ${b.tiles.length} tiles.`);
      } catch (e) {
        fail(g, e);
      }
    });

  boards
    .command("delete <id>")
    .description("delete a board (its saved views stay)")
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      try {
        const config = configFrom(g);
        const removed = await viaServerOr<{ id: string }>(
          config,
          { method: "DELETE", path: boardPath(id) },
          async (ctx) => orFail(await deleteBoard(ctx.store, id, cliActor())),
        );
        emit(g, removed, (r) => `Deleted board ${r.id}.`);
      } catch (e) {
        fail(g, e);
      }
    });

  boards
    .command("pin <board> <view>")
    .description("add a saved view to a board, last or at --position")
    .option("--position <n>", "its place among the tiles, 1 first (default last)")
    .option("--width <columns>", `columns of 12, 3–12 (default ${DEFAULT_TILE.width})`)
    .option("--height <rows>", `rows, 1–4 (default ${DEFAULT_TILE.height})`)
    .addHelpText("after", "\nExample:\n  $ itinera boards pin board_0a1b2c view_1a2b3c --width 12")
    .action(
      async (
        board: string,
        view: string,
        o: { position?: string; width?: string; height?: string },
        cmd: Command,
      ) => {
        const g = cmd.optsWithGlobals<GlobalOptions>();
        try {
          const size = sizeFlags(o);
          const position = o.position === undefined ? undefined : positiveInt("--position", o.position, 1);
          const changed = await changeTiles(g, board, (tiles) => {
            const at = Math.min(position ?? tiles.length + 1, tiles.length + 1) - 1;
            return [...tiles.slice(0, at), { view, ...size }, ...tiles.slice(at)];
          });
          emit(g, changed, (b) => `Pinned ${view} to ${b.name} (${b.id}): ${b.tiles.length} tiles.`);
        } catch (e) {
          fail(g, e);
        }
      },
    );

  boards
    .command("unpin <board> <view>")
    .description("remove a saved view's tile from a board (the view stays)")
    .action(async (board: string, view: string, _o: unknown, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      try {
        const changed = await changeTiles(g, board, (tiles) => {
          if (!tiles.some((t) => t.view === view))
            throw new CliError(`the view ${view} is not on the board ${board}`, 3);
          return tiles.filter((t) => t.view !== view);
        });
        emit(g, changed, (b) => `Unpinned ${view} from ${b.name} (${b.id}): ${b.tiles.length} tiles.`);
      } catch (e) {
        fail(g, e);
      }
    });
}

/** Reads a board's tiles and writes them back changed: the API's one way to change tiles (PATCH). */
async function changeTiles(
  g: GlobalOptions,
  id: string,
  change: (tiles: TileInput[]) => TileInput[],
): Promise<Board> {
  const config = configFrom(g);
  const board = await viaServerOr<Board>(config, { method: "GET", path: boardPath(id) }, async (ctx) =>
    orFail(await findBoard(ctx.store, id)),
  );
  const tiles = change(tileInputs(board));
  return viaServerOr<Board>(config, { method: "PATCH", path: boardPath(id), body: { tiles } }, async (ctx) =>
    orFail(await updateBoard(ctx.store, id, { tiles }, cliActor())),
  );
}
