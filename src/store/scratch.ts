// Temp tables the writer connection stages rows in. Created once per connection, outside any
// transaction (a temp table created inside one vanishes on rollback), and emptied by the statement
// that consumes them, so a group commit spends no round trips on set-up.
import type { DuckDBConnection } from "@duckdb/node-api";

const ddl = [
  // Same columns as events; see store/schema.ts.
  "CREATE TEMP TABLE IF NOT EXISTS incoming_events AS SELECT * FROM events LIMIT 0",
  "CREATE TEMP TABLE IF NOT EXISTS incoming_ids (message_id VARCHAR, received_at TIMESTAMP)",
  "CREATE TEMP TABLE IF NOT EXISTS incoming_terms (term VARCHAR, customer_id BIGINT, kind VARCHAR)",
  "CREATE TEMP TABLE IF NOT EXISTS merge_map (loser BIGINT, winner BIGINT)",
  "CREATE TEMP TABLE IF NOT EXISTS lookup_keys (key VARCHAR)",
];

const ready = new WeakSet<DuckDBConnection>();

/** Call before BEGIN on a connection that will write. */
export async function ensureScratchTables(conn: DuckDBConnection): Promise<void> {
  if (ready.has(conn)) return;
  for (const sql of ddl) await conn.run(sql);
  ready.add(conn);
}

/** Empties every scratch table (after a rollback: rows staged outside the transaction stay). */
export const clearScratchTables = [
  "incoming_events",
  "incoming_ids",
  "incoming_terms",
  "merge_map",
  "lookup_keys",
]
  .map((t) => `DELETE FROM ${t};`)
  .join(" ");
