// The audit trail: who changed what, when — credentials, accounts, roles, the journey's definitions,
// settings, exports and erasures. Rows are only ever appended; definitions keep their before and after.
import { all, runQuery, type Store } from "../store/database.js";

/** Who did it: a signed-in person, an API token, the CLI on the database file, or the server itself. */
export interface Actor {
  kind: "account" | "token" | "cli" | "system";
  id: string | null;
  name: string;
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

/** Appends one entry. */
export async function recordAudit(store: Store, entry: AuditEntry): Promise<void> {
  await runQuery(store, {
    duckdb: () =>
      store.exclusive((c) =>
        c.run(
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
        ),
      ),
  });
}

/** How many entries there are (the list and its filters are in the audit routes' query). */
export async function countAudit(store: Store): Promise<number> {
  const [row] = await store.read((c) => all(c, "SELECT count(*) AS n FROM audit_log"));
  return Number(row?.n ?? 0);
}
