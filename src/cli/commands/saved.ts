// `itinera views list|show|create|delete` and `itinera boards list|show|create|delete|pin|unpin`: saved
// dashboard views (a view's kind and URL state under a name) and the boards they are pinned to.
import type { Command } from "commander";
import type { Config } from "../../config.js";
import { DEFAULT_TILE, tileInputs } from "../../saved/boards.js";
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
import {
  boardListOperation,
  boardOperation,
  createBoardOperation,
  createViewOperation,
  deleteBoardOperation,
  deleteViewOperation,
  updateBoardOperation,
  viewListOperation,
  viewOperation,
} from "../../server/operations/saved.js";
import { collect } from "../input.js";
import { positiveInt } from "../options.js";
import { CliError, table } from "../output.js";
import { act, perform } from "../target.js";

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
    .action((o: { search?: string; kind?: string }, cmd: Command) =>
      act(
        cmd,
        (config) => {
          const kind = o.kind === undefined ? undefined : kindFlag(o.kind);
          const query = { limit: 1000, ...(o.search ? { search: o.search } : {}), ...(kind ? { kind } : {}) };
          return perform(config, viewListOperation, { query });
        },
        renderViews,
      ),
    );

  views
    .command("show <id>")
    .description("one saved view: its kind, state and the boards it is on")
    .action((id: string, _o: unknown, cmd: Command) =>
      act(cmd, (config) => perform(config, viewOperation, { params: { id } }), renderView),
    );

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
      (o: { name: string; description: string; url?: string; kind?: string; state?: string }, cmd: Command) =>
        act(
          cmd,
          (config) => {
            if ((o.url === undefined) === (o.kind === undefined))
              throw new CliError("give either --url or --kind (with --state)", 2);
            if (o.url !== undefined && o.state !== undefined)
              throw new CliError("--state goes with --kind; a --url carries its own state", 2);
            const view = o.url ? viewOfLink(o.url) : { kind: kindFlag(o.kind!), state: stateFlag(o.state) };
            const input: SavedViewInput = { ...view, name: o.name, description: o.description };
            return perform(config, createViewOperation, { body: input });
          },
          (v) => `Saved ${v.name} as ${v.id}.`,
        ),
    );

  views
    .command("delete <id>")
    .description("delete a saved view; its tiles go from every board it was pinned to")
    .action((id: string, _o: unknown, cmd: Command) =>
      act(
        cmd,
        (config) => perform(config, deleteViewOperation, { params: { id } }),
        (r) =>
          `Deleted saved view ${r.id}${r.boards.length ? `; removed its tiles from ${r.boards.join(", ")}` : ""}.`,
      ),
    );

  boardCommands(program);
}

function boardCommands(program: Command): void {
  const boards = program.command("boards").description("boards: grids of saved views, to share and print");

  boards
    .command("list")
    .description("boards, most recently changed first")
    .option("--search <words>", "words in the name or description")
    .action((o: { search?: string }, cmd: Command) =>
      act(
        cmd,
        (config) =>
          perform(config, boardListOperation, {
            query: { limit: 1000, ...(o.search ? { search: o.search } : {}) },
          }),
        renderBoards,
      ),
    );

  boards
    .command("show <id>")
    .description("a board's tiles in order (--json has each tile's saved view)")
    .action((id: string, _o: unknown, cmd: Command) =>
      act(cmd, (config) => perform(config, boardOperation, { params: { id } }), renderBoard),
    );

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
    .action((o: { name: string; description: string; view: string[] }, cmd: Command) =>
      act(
        cmd,
        (config) =>
          perform(config, createBoardOperation, {
            body: { name: o.name, description: o.description, tiles: o.view.map((view) => ({ view })) },
          }),
        (b) => `Created board ${b.name} as ${b.id} with ${b.tiles.length} tiles.`,
      ),
    );

  boards
    .command("delete <id>")
    .description("delete a board (its saved views stay)")
    .action((id: string, _o: unknown, cmd: Command) =>
      act(
        cmd,
        (config) => perform(config, deleteBoardOperation, { params: { id } }),
        (r) => `Deleted board ${r.id}.`,
      ),
    );

  boards
    .command("pin <board> <view>")
    .description("add a saved view to a board, last or at --position")
    .option("--position <n>", "its place among the tiles, 1 first (default last)")
    .option("--width <columns>", `columns of 12, 3–12 (default ${DEFAULT_TILE.width})`)
    .option("--height <rows>", `rows, 1–4 (default ${DEFAULT_TILE.height})`)
    .addHelpText("after", "\nExample:\n  $ itinera boards pin board_0a1b2c view_1a2b3c --width 12")
    .action(
      (
        board: string,
        view: string,
        o: { position?: string; width?: string; height?: string },
        cmd: Command,
      ) =>
        act(
          cmd,
          (config) => {
            const size = sizeFlags(o);
            const position = o.position === undefined ? undefined : positiveInt("--position", o.position, 1);
            return changeTiles(config, board, (tiles) => {
              const at = Math.min(position ?? tiles.length + 1, tiles.length + 1) - 1;
              return [...tiles.slice(0, at), { view, ...size }, ...tiles.slice(at)];
            });
          },
          (b) => `Pinned ${view} to ${b.name} (${b.id}): ${b.tiles.length} tiles.`,
        ),
    );

  boards
    .command("unpin <board> <view>")
    .description("remove a saved view's tile from a board (the view stays)")
    .action((board: string, view: string, _o: unknown, cmd: Command) =>
      act(
        cmd,
        (config) =>
          changeTiles(config, board, (tiles) => {
            if (!tiles.some((t) => t.view === view))
              throw new CliError(`the view ${view} is not on the board ${board}`, 3);
            return tiles.filter((t) => t.view !== view);
          }),
        (b) => `Unpinned ${view} from ${b.name} (${b.id}): ${b.tiles.length} tiles.`,
      ),
    );
}

/** Reads a board's tiles and writes them back changed: the API's one way to change tiles (PATCH). */
async function changeTiles(
  config: Config,
  id: string,
  change: (tiles: TileInput[]) => TileInput[],
): Promise<Board> {
  const board = await perform(config, boardOperation, { params: { id } });
  const tiles = change(tileInputs(board));
  return perform(config, updateBoardOperation, { params: { id }, body: { tiles } });
}
