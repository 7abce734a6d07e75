// What a rule can name, for the rule editors' pickers: property and context paths of recent events and
// customers' traits, each with how often it is seen and its most frequent values, read from a bounded
// sample (the latest events) so the answer is as quick at 10M events as at 10k; and the channels.
import { isPersonalKey, looksLikeEmail } from "../auth/masking.js";
import { all, runQuery, type Store } from "../store/database.js";
import { Params } from "../store/sql.js";

export type FieldColumn = "properties" | "context" | "traits";

export interface FieldSuggestion {
  column: FieldColumn;
  /** The dotted path inside the column (`total`, `os.name`, `age`). */
  path: string;
  /** Sampled rows that carry it. */
  seen: number;
  kind: "string" | "number" | "boolean";
  /** The most frequent values seen at least twice; none for personal data. */
  values: Array<{ value: string | number | boolean; count: number }>;
}

export interface FieldsQuery {
  /** Only events of this type and name (their properties), when given. */
  type?: string | undefined;
  event?: string | undefined;
  /** Values per field. */
  top: number;
  /** Latest events (and customers) read. */
  sample: number;
  /** Trait keys configured as identifiers: personal like the built-in keys. */
  identifierKeys: readonly string[];
}

/** At most this many fields per column, the most seen first. */
const MAX_FIELDS = 150;
const PLAIN_PATH = String.raw`\$(\.[A-Za-z_][A-Za-z0-9_]*){1,5}`;

const kindOf = (type: string): FieldSuggestion["kind"] =>
  type === "BOOLEAN" ? "boolean" : ["VARCHAR", "NULL"].includes(type) ? "string" : "number";

/** Leaves of JSON documents (`rows` yields `doc`), with their counts per value and the top ranks kept. */
function leavesSql(column: FieldColumn, rows: string, top: string): string {
  return `WITH s AS (${rows}),
    leaves AS (SELECT j.fullkey AS k, j.type AS t, j.atom AS a FROM s, json_tree(s.doc) j
                WHERE j.type NOT IN ('OBJECT', 'ARRAY', 'NULL') AND regexp_full_match(j.fullkey, '${PLAIN_PATH}')),
    agg AS (SELECT k, a, any_value(t) AS t, count(*) AS n FROM leaves GROUP BY k, a),
    ranked AS (SELECT k, a, n, row_number() OVER (PARTITION BY k ORDER BY n DESC, a) AS rk,
                      sum(n) OVER (PARTITION BY k) AS seen, arg_max(t, n) OVER (PARTITION BY k) AS kind FROM agg)
    SELECT '${column}' AS col, k, seen, kind, a, n, rk FROM ranked WHERE rk <= ${top}
     ORDER BY seen DESC, k, rk`;
}

function shape(rows: Array<Record<string, unknown>>, q: FieldsQuery): FieldSuggestion[] {
  const out = new Map<string, FieldSuggestion>();
  for (const r of rows) {
    const path = String(r.k).slice(2);
    const key = `${r.col}:${path}`;
    let field = out.get(key);
    if (!field) {
      if (out.size >= MAX_FIELDS) continue;
      field = {
        column: r.col as FieldColumn,
        path,
        seen: Number(r.seen),
        kind: kindOf(String(r.kind)),
        values: [],
      };
      out.set(key, field);
    }
    // Values of personal fields are never suggested, nor one-offs (an order id, free text) or emails.
    const personal = path.split(".").some((segment) => isPersonalKey(segment, q.identifierKeys));
    const count = Number(r.n);
    if (personal || count < 2 || r.a === null) continue;
    const value = JSON.parse(String(r.a)) as string | number | boolean;
    if (typeof value === "string" && looksLikeEmail(value)) continue;
    field.values.push({ value, count });
  }
  return [...out.values()];
}

export async function findFields(store: Store, q: FieldsQuery): Promise<FieldSuggestion[]> {
  return runQuery(store, {
    duckdb: () =>
      store.read(async (conn) => {
        const result: FieldSuggestion[] = [];
        for (const column of ["properties", "context"] as const) {
          const p = new Params();
          const only =
            q.event !== undefined
              ? `WHERE type = ${p.add(q.type ?? "track")} AND event = ${p.add(q.event)}`
              : q.type !== undefined
                ? `WHERE type = ${p.add(q.type)}`
                : "";
          const rows = `SELECT ${column} AS doc FROM events ${only} ORDER BY timestamp DESC LIMIT ${p.add(q.sample)}`;
          result.push(...shape(await all(conn, leavesSql(column, rows, p.add(q.top)), p.values), q));
        }
        const p = new Params();
        const rows = `SELECT traits AS doc FROM customer_facts WHERE traits IS NOT NULL ORDER BY last_seen DESC LIMIT ${p.add(q.sample)}`;
        result.push(...shape(await all(conn, leavesSql("traits", rows, p.add(q.top)), p.values), q));
        return result;
      }),
  });
}

/** Channels with their number of events, most first. */
export async function findChannels(store: Store): Promise<Array<{ channel: string; events: number }>> {
  return runQuery(store, {
    duckdb: () =>
      store.read(async (conn) =>
        (
          await all(
            conn,
            "SELECT channel, count(*) AS n FROM events GROUP BY channel ORDER BY n DESC, channel LIMIT 100",
          )
        ).map((r) => ({ channel: String(r.channel), events: Number(r.n) })),
      ),
  });
}
