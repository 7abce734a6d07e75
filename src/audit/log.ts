// The audit trail: who changed what, when — credentials, accounts, roles, the journey's definitions,
// settings, imports, exports and erasures. Rows are only ever appended; definitions keep their before and
// after. Secrets, passwords and customers' personal data never go in.
import os from "node:os";
import { type Static, Type } from "@sinclair/typebox";
import { all, runQuery, type Store } from "../store/database.js";
import type { Connection } from "../store/driver.js";
import { Params } from "../store/sql.js";
import { StringEnum } from "../typebox.js";

export const ActorKinds = ["account", "token", "cli", "system"] as const;

/** Who did it: a signed-in person, an API token, the CLI on the database file, or the server itself. */
export interface Actor {
  kind: (typeof ActorKinds)[number];
  id: string | null;
  name: string;
}

/** The CLI working on the database file (no server running): the operating-system user. */
export function cliActor(): Actor {
  let name = "unknown";
  try {
    name = os.userInfo().username;
  } catch {
    // No passwd entry for this uid (some containers): keep "unknown".
  }
  return { kind: "cli", id: null, name };
}

export interface AuditEntry {
  actor: Actor;
  /** `noun.verb`, e.g. `token.create`, `touchpoint.update`, `customer.delete`. */
  action: string;
  /** What it was done to: an id, a key. */
  target?: string | null;
  before?: unknown;
  after?: unknown;
  /** Anything else worth keeping (row counts, the role given). Never secrets or personal data. */
  detail?: Record<string, unknown>;
}

const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));

/**
 * Appends one entry on the caller's connection, so a change and its entry can share a transaction (the
 * journey's definitions do): an entry is never written for a change that rolled back.
 */
export async function insertAudit(conn: Connection, entry: AuditEntry): Promise<void> {
  await conn.run(
    `INSERT INTO audit_log (id, occurred_at, actor_kind, actor_id, actor_name, action, target, before, after, detail)
     VALUES (nextval('audit_seq'), $1::TIMESTAMP, $2, $3, $4, $5, $6, $7::JSON, $8::JSON, $9::JSON)`,
    [
      new Date().toISOString(),
      entry.actor.kind,
      entry.actor.id,
      entry.actor.name,
      entry.action,
      entry.target ?? null,
      json(entry.before),
      json(entry.after),
      json(entry.detail),
    ],
  );
}

/**
 * Makes a change and appends its entry in one transaction on the writer. `fn` answers the change's
 * result and its entry, or no entry when nothing changed (a refusal, an unknown id).
 */
export function auditedChange<T>(
  store: Store,
  fn: (conn: Connection) => Promise<{ value: T; entry: AuditEntry | null }>,
): Promise<T> {
  return store.exclusive(async (conn) => {
    await conn.run("BEGIN TRANSACTION");
    try {
      const { value, entry } = await fn(conn);
      if (entry) await insertAudit(conn, entry);
      await conn.run("COMMIT");
      return value;
    } catch (e) {
      await conn.run("ROLLBACK");
      throw e;
    }
  });
}

/** Appends one entry. */
export async function recordAudit(store: Store, entry: AuditEntry): Promise<void> {
  await runQuery(store, { duckdb: () => store.exclusive((c) => insertAudit(c, entry)) });
}

/** How many entries there are. */
export async function countAudit(store: Store): Promise<number> {
  const [row] = await store.read((c) => all(c, "SELECT count(*) AS n FROM audit_log"));
  return Number(row?.n ?? 0);
}

// ---- reading ---------------------------------------------------------------------------------------

export const AuditRecord = Type.Object({
  id: Type.Integer({ description: "Grows with every entry; the paging cursor" }),
  at: Type.String({ description: "When, UTC (ISO-8601)" }),
  actor: Type.Object({
    kind: StringEnum(ActorKinds),
    id: Type.Union([Type.String(), Type.Null()]),
    name: Type.String({ description: "Account email, token name, operating-system user or server part" }),
  }),
  action: Type.String({ description: "noun.verb, e.g. touchpoint.update" }),
  target: Type.Union([Type.String(), Type.Null()]),
  before: Type.Unknown({ description: "The definition before the change (null when created)" }),
  after: Type.Unknown({ description: "The definition after the change (null when removed)" }),
  detail: Type.Unknown({ description: "Counts, the role given, the file name…" }),
});
export type AuditRecord = Static<typeof AuditRecord>;

export const AuditQuery = Type.Object({
  action: Type.Optional(
    Type.String({ minLength: 1, maxLength: 80, description: "Action or its start, e.g. `touchpoint.`" }),
  ),
  actor: Type.Optional(
    Type.String({ minLength: 1, maxLength: 200, description: "The actor's name or id, exactly" }),
  ),
  target: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "The target, exactly" })),
  from: Type.Optional(Type.String({ format: "date-time", description: "At or after (inclusive)" })),
  to: Type.Optional(Type.String({ format: "date-time", description: "Before (exclusive)" })),
  after: Type.Optional(Type.Integer({ minimum: 1, description: "`next` of the previous page" })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
});
export type AuditQuery = Static<typeof AuditQuery>;

export const AuditPage = Type.Object({
  items: Type.Array(AuditRecord, { description: "Newest first" }),
  next: Type.Union([Type.Integer(), Type.Null()], {
    description: "Pass as `after` for the next (older) page; null on the last page",
  }),
});
export type AuditPage = Static<typeof AuditPage>;

const parse = (v: unknown): unknown => (v === null || v === undefined ? null : JSON.parse(String(v)));

/** Entries newest first, filtered, one page at a time (keyset paging on the id). */
export async function listAudit(store: Store, q: AuditQuery): Promise<AuditPage> {
  const rows = await runQuery(store, {
    duckdb: () => {
      const p = new Params();
      const where: string[] = [];
      if (q.action !== undefined) where.push(`starts_with(action, ${p.add(q.action)})`);
      if (q.actor !== undefined) {
        const a = p.add(q.actor);
        where.push(`(actor_name = ${a} OR actor_id = ${a})`);
      }
      if (q.target !== undefined) where.push(`target = ${p.add(q.target)}`);
      if (q.from !== undefined) where.push(`occurred_at >= ${p.add(utc(q.from))}::TIMESTAMP`);
      if (q.to !== undefined) where.push(`occurred_at < ${p.add(utc(q.to))}::TIMESTAMP`);
      if (q.after !== undefined) where.push(`id < ${p.add(q.after)}`);
      const sql = `SELECT id, strftime(occurred_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS at, actor_kind, actor_id,
                          actor_name, action, target, before::VARCHAR AS before, after::VARCHAR AS after,
                          detail::VARCHAR AS detail
                     FROM audit_log ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
                    ORDER BY id DESC LIMIT ${p.add(q.limit + 1)}`;
      return store.read((c) => all(c, sql, p.values));
    },
  });
  const items: AuditRecord[] = rows.slice(0, q.limit).map((r) => ({
    id: Number(r.id),
    at: String(r.at),
    actor: {
      kind: String(r.actor_kind) as Actor["kind"],
      id: r.actor_id === null ? null : String(r.actor_id),
      name: String(r.actor_name),
    },
    action: String(r.action),
    target: r.target === null ? null : String(r.target),
    before: parse(r.before),
    after: parse(r.after),
    detail: parse(r.detail),
  }));
  return { items, next: rows.length > q.limit ? (items.at(-1)?.id ?? null) : null };
}

/** An ISO-8601 time with any offset, as the UTC the table holds. */
const utc = (iso: string): string => new Date(iso).toISOString();
