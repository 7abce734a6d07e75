// Boards: named grids of saved views (like PostHog dashboards). A board's tiles are an ordered list of
// saved views, each with a width (columns of 12) and a height (rows); adding, removing and reordering
// tiles is replacing that list. A tile must name an existing view, once per board. Every change is
// audited in its transaction.
import { randomBytes } from "node:crypto";
import { type Actor, auditedChange } from "../audit/log.js";
import { invalid, notFound, type Problem } from "../problem.js";
import { ok, type Result } from "../result.js";
import { all, runQuery, type Store } from "../store/database.js";
import type { Connection } from "../store/driver.js";
import { Params } from "../store/sql.js";
import {
  type Board,
  BoardInput,
  type BoardList,
  type BoardListQuery,
  BoardPatch,
  type TileInput,
} from "./schema.js";
import {
  containsPattern,
  nowIso,
  ownedColumns,
  ownedFields,
  type Refusal,
  schemaProblem,
  VIEW_COLUMNS,
  viewOf,
} from "./views.js";

export const DEFAULT_TILE = { width: 6, height: 2 } as const;

export async function listBoards(store: Store, q: BoardListQuery): Promise<BoardList> {
  const rows = await runQuery(store, {
    duckdb: () => {
      const p = new Params();
      const where: string[] = [];
      if (q.search?.trim()) {
        const like = p.add(containsPattern(q.search.trim()));
        where.push(`(b.name ILIKE ${like} ESCAPE '\\' OR b.description ILIKE ${like} ESCAPE '\\')`);
      }
      const sql = `SELECT b.id, b.name, b.description, ${ownedColumns("b")},
                          (SELECT count(*) FROM board_tiles t WHERE t.board_id = b.id) AS tiles,
                          count(*) OVER () AS total
                     FROM boards b ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
                    ORDER BY b.updated_at DESC, b.id LIMIT ${p.add(q.limit)}`;
      return store.read((c) => all(c, sql, p.values));
    },
  });
  return {
    items: rows.map((r) => ({
      id: String(r.id),
      name: String(r.name),
      description: String(r.description),
      tiles: Number(r.tiles),
      ...ownedFields(r),
    })),
    total: Number(rows[0]?.total ?? 0),
  };
}

async function readBoard(conn: Connection, id: string): Promise<Board | undefined> {
  const [board] = await all(
    conn,
    `SELECT b.id, b.name, b.description, ${ownedColumns("b")} FROM boards b WHERE b.id = $1`,
    [id],
  );
  if (!board) return undefined;
  const tiles = await all(
    conn,
    `SELECT ${VIEW_COLUMNS}, t.width AS tile_width, t.height AS tile_height
       FROM board_tiles t JOIN saved_views v ON v.id = t.view_id
      WHERE t.board_id = $1 ORDER BY t.position`,
    [id],
  );
  return {
    id: String(board.id),
    name: String(board.name),
    description: String(board.description),
    tiles: tiles.map((r) => ({
      view: viewOf(r),
      width: Number(r.tile_width),
      height: Number(r.tile_height),
    })),
    ...ownedFields(board),
  };
}

const missing = (id: string) => notFound(`no board "${id}"`);

export async function findBoard(store: Store, id: string): Promise<Result<Board, Problem>> {
  const board = await runQuery(store, { duckdb: () => store.read((c) => readBoard(c, id)) });
  return board ? ok(board) : missing(id);
}

/** Why the tiles cannot be stored (an unknown or repeated view), or nothing. */
async function checkTiles(conn: Connection, tiles: TileInput[]): Promise<Refusal | undefined> {
  const seen = new Set<string>();
  for (const [i, t] of tiles.entries()) {
    const path = `/tiles/${i}/view`;
    if (seen.has(t.view))
      return { message: `tiles/${i}: the view "${t.view}" is on the board already`, path };
    seen.add(t.view);
    const [found] = await all(conn, "SELECT 1 AS found FROM saved_views WHERE id = $1", [t.view]);
    if (!found) return { message: `tiles/${i}: no saved view "${t.view}"; save the view first`, path };
  }
  return undefined;
}

async function writeTiles(conn: Connection, board: string, tiles: TileInput[]): Promise<void> {
  await conn.run("DELETE FROM board_tiles WHERE board_id = $1", [board]);
  for (const [i, t] of tiles.entries())
    await conn.run("INSERT INTO board_tiles VALUES ($1, $2, $3, $4, $5)", [
      board,
      i,
      t.view,
      t.width ?? DEFAULT_TILE.width,
      t.height ?? DEFAULT_TILE.height,
    ]);
}

export async function createBoard(
  store: Store,
  input: BoardInput,
  actor: Actor,
): Promise<Result<Board, Problem>> {
  const why = schemaProblem(BoardInput, input);
  if (why) return invalid(why.message, why.path);
  const id = `board_${randomBytes(6).toString("hex")}`;
  return auditedChange<Result<Board, Problem>>(store, async (conn) => {
    const refused = await checkTiles(conn, input.tiles ?? []);
    if (refused) return { value: invalid(refused.message, refused.path), entry: null };
    await conn.run("INSERT INTO boards VALUES ($1, $2, $3, $4, $5, $6, $7::TIMESTAMP, $7::TIMESTAMP)", [
      id,
      input.name.trim(),
      input.description?.trim() ?? "",
      actor.kind,
      actor.id,
      actor.name,
      nowIso(),
    ]);
    await writeTiles(conn, id, input.tiles ?? []);
    const board = (await readBoard(conn, id))!;
    return {
      value: ok(board),
      entry: { actor, action: "board.create", target: id, before: null, after: auditShape(board) },
    };
  });
}

/** Changes a board's name, description or tiles (the whole ordered list: add, remove, reorder, resize). */
export async function updateBoard(
  store: Store,
  id: string,
  patch: BoardPatch,
  actor: Actor,
): Promise<Result<Board, Problem>> {
  const why = schemaProblem(BoardPatch, patch);
  if (why) return invalid(why.message, why.path);
  return auditedChange<Result<Board, Problem>>(store, async (conn) => {
    const before = await readBoard(conn, id);
    if (!before) return { value: missing(id), entry: null };
    if (patch.tiles) {
      const refused = await checkTiles(conn, patch.tiles);
      if (refused) return { value: invalid(refused.message, refused.path), entry: null };
      await writeTiles(conn, id, patch.tiles);
    }
    await conn.run(
      "UPDATE boards SET name = $2, description = $3, updated_at = $4::TIMESTAMP WHERE id = $1",
      [id, patch.name?.trim() ?? before.name, patch.description?.trim() ?? before.description, nowIso()],
    );
    const after = (await readBoard(conn, id))!;
    return {
      value: ok(after),
      entry: {
        actor,
        action: "board.update",
        target: id,
        before: auditShape(before),
        after: auditShape(after),
      },
    };
  });
}

export async function deleteBoard(
  store: Store,
  id: string,
  actor: Actor,
): Promise<Result<{ id: string }, Problem>> {
  return auditedChange<Result<{ id: string }, Problem>>(store, async (conn) => {
    const before = await readBoard(conn, id);
    if (!before) return { value: missing(id), entry: null };
    await conn.run("DELETE FROM board_tiles WHERE board_id = $1", [id]);
    await conn.run("DELETE FROM boards WHERE id = $1", [id]);
    return {
      value: ok({ id }),
      entry: { actor, action: "board.delete", target: id, before: auditShape(before), after: null },
    };
  });
}

/** A board as the audit trail keeps it: its tiles by view id, not the views' whole state. */
function auditShape(b: Board) {
  return {
    name: b.name,
    description: b.description,
    tiles: b.tiles.map((t) => ({ view: t.view.id, width: t.width, height: t.height })),
  };
}

/** The tiles as the API takes them back (for pinning and unpinning one view). */
export const tileInputs = (b: Board): TileInput[] =>
  b.tiles.map((t) => ({ view: t.view.id, width: t.width, height: t.height }));
