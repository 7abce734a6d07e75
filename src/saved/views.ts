// Saved views: a dashboard view's state (its URL query) kept under a name, to reopen, search and pin
// to boards. Anyone who may edit saved views may change or delete any of them (a team's shared
// library, as in PostHog); the owner is who saved it. Every change is audited in its transaction.
import { randomBytes } from "node:crypto";
import type { TSchema } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { type Actor, auditedChange } from "../audit/log.js";
import { invalid, notFound, type Problem } from "../problem.js";
import { ok, type Result } from "../result.js";
import { all, type Row, runQuery, type Store } from "../store/database.js";
import type { Connection } from "../store/driver.js";
import { Params } from "../store/sql.js";
import {
  type ListQuery,
  MAX_STATE_BYTES,
  type SavedView,
  SavedViewInput,
  type SavedViewList,
  SavedViewPatch,
  type ViewKind,
  type ViewState,
} from "./schema.js";

const TIME = "'%Y-%m-%dT%H:%M:%S.%gZ'";

/** The owner and times of a saved view or board row (columns owner_*, created, updated). */
export function ownedFields(r: Row) {
  return {
    owner: {
      kind: String(r.owner_kind),
      id: r.owner_id === null ? null : String(r.owner_id),
      name: String(r.owner_name),
    },
    createdAt: String(r.created),
    updatedAt: String(r.updated),
  };
}

/** The owner and time columns of table alias `a`, as ownedFields reads them. */
export const ownedColumns = (a: string) =>
  `${a}.owner_kind, ${a}.owner_id, ${a}.owner_name, strftime(${a}.created_at, ${TIME}) AS created,
   strftime(${a}.updated_at, ${TIME}) AS updated`;

/** A saved view's columns over alias `v`, with the boards it is pinned to. */
export const VIEW_COLUMNS = `v.id, v.kind, v.name, v.description, v.state::VARCHAR AS state, ${ownedColumns("v")},
  coalesce((SELECT list_sort(list_distinct(list(t.board_id))) FROM board_tiles t WHERE t.view_id = v.id),
           []::VARCHAR[]) AS boards`;

export function viewOf(r: Row): SavedView {
  return {
    id: String(r.id),
    kind: String(r.kind) as ViewKind,
    name: String(r.name),
    description: String(r.description),
    state: JSON.parse(String(r.state)) as ViewState,
    ...ownedFields(r),
    boards: ((r.boards as string[] | null) ?? []).map(String),
  };
}

/** `search` as an ILIKE pattern that matches it anywhere, its own % and _ taken literally. */
export function containsPattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Why an input is refused, and the JSON pointer of the field at fault (as in the error envelope). */
export interface Refusal {
  message: string;
  path: string;
}

/** The first way `value` breaks `schema`. */
export function schemaProblem(schema: TSchema, value: unknown): Refusal | undefined {
  const first = [...Value.Errors(schema, value)][0];
  return first ? { message: `${first.path || "/"}: ${first.message}`, path: first.path || "/" } : undefined;
}

function checkState(state: ViewState | undefined): Refusal | undefined {
  if (state === undefined) return undefined;
  const bytes = Buffer.byteLength(JSON.stringify(state));
  return bytes > MAX_STATE_BYTES
    ? {
        message: `state: ${bytes} bytes as JSON; a saved view's state may take at most ${MAX_STATE_BYTES}`,
        path: "/state",
      }
    : undefined;
}

export const nowIso = () => new Date().toISOString();

export async function listViews(store: Store, q: ListQuery): Promise<SavedViewList> {
  const rows = await runQuery(store, {
    duckdb: () => {
      const p = new Params();
      const where: string[] = [];
      if (q.search?.trim()) {
        const like = p.add(containsPattern(q.search.trim()));
        where.push(`(v.name ILIKE ${like} ESCAPE '\\' OR v.description ILIKE ${like} ESCAPE '\\')`);
      }
      if (q.kind) where.push(`v.kind = ${p.add(q.kind)}`);
      const sql = `SELECT ${VIEW_COLUMNS}, count(*) OVER () AS total
                     FROM saved_views v ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
                    ORDER BY v.updated_at DESC, v.id LIMIT ${p.add(q.limit)}`;
      return store.read((c) => all(c, sql, p.values));
    },
  });
  return { items: rows.map((r) => viewOf(r)), total: Number(rows[0]?.total ?? 0) };
}

async function readView(conn: Connection, id: string): Promise<SavedView | undefined> {
  const [row] = await all(conn, `SELECT ${VIEW_COLUMNS} FROM saved_views v WHERE v.id = $1`, [id]);
  return row ? viewOf(row) : undefined;
}

const missing = (id: string) => notFound(`no saved view "${id}"`);

export async function findView(store: Store, id: string): Promise<Result<SavedView, Problem>> {
  const view = await runQuery(store, { duckdb: () => store.read((c) => readView(c, id)) });
  return view ? ok(view) : missing(id);
}

export async function createView(
  store: Store,
  input: SavedViewInput,
  actor: Actor,
): Promise<Result<SavedView, Problem>> {
  const why = schemaProblem(SavedViewInput, input) ?? checkState(input.state);
  if (why) return invalid(why.message, why.path);
  const id = `view_${randomBytes(6).toString("hex")}`;
  return auditedChange<Result<SavedView, Problem>>(store, async (conn) => {
    const now = nowIso();
    await conn.run(
      `INSERT INTO saved_views VALUES ($1, $2, $3, $4, $5::JSON, $6, $7, $8, $9::TIMESTAMP, $9::TIMESTAMP)`,
      [
        id,
        input.kind,
        input.name.trim(),
        input.description?.trim() ?? "",
        JSON.stringify(input.state),
        actor.kind,
        actor.id,
        actor.name,
        now,
      ],
    );
    const view = (await readView(conn, id))!;
    return {
      value: ok(view),
      entry: { actor, action: "view.create", target: id, before: null, after: view },
    };
  });
}

export async function updateView(
  store: Store,
  id: string,
  patch: SavedViewPatch,
  actor: Actor,
): Promise<Result<SavedView, Problem>> {
  const why = schemaProblem(SavedViewPatch, patch) ?? checkState(patch.state);
  if (why) return invalid(why.message, why.path);
  return auditedChange<Result<SavedView, Problem>>(store, async (conn) => {
    const before = await readView(conn, id);
    if (!before) return { value: missing(id), entry: null };
    await conn.run(
      `UPDATE saved_views SET kind = $2, name = $3, description = $4, state = $5::JSON, updated_at = $6::TIMESTAMP
        WHERE id = $1`,
      [
        id,
        patch.kind ?? before.kind,
        patch.name?.trim() ?? before.name,
        patch.description?.trim() ?? before.description,
        JSON.stringify(patch.state ?? before.state),
        nowIso(),
      ],
    );
    const after = (await readView(conn, id))!;
    return { value: ok(after), entry: { actor, action: "view.update", target: id, before, after } };
  });
}

/** Deletes a saved view and its tiles on every board (as PostHog removes a deleted insight's tiles). */
export async function deleteView(
  store: Store,
  id: string,
  actor: Actor,
): Promise<Result<{ id: string; boards: string[] }, Problem>> {
  return auditedChange<Result<{ id: string; boards: string[] }, Problem>>(store, async (conn) => {
    const before = await readView(conn, id);
    if (!before) return { value: missing(id), entry: null };
    await conn.run("DELETE FROM board_tiles WHERE view_id = $1", [id]);
    const now = nowIso();
    for (const board of before.boards)
      await conn.run("UPDATE boards SET updated_at = $2::TIMESTAMP WHERE id = $1", [board, now]);
    await conn.run("DELETE FROM saved_views WHERE id = $1", [id]);
    return {
      value: ok({ id, boards: before.boards }),
      entry: {
        actor,
        action: "view.delete",
        target: id,
        before,
        after: null,
        detail: { boards: before.boards },
      },
    };
  });
}
