// Stores one chunk of staged rows in one transaction on the writer connection: the chunk becomes a
// batch-shaped table (src/loader/batch.ts) with its identifier keys built in SQL, and goes through the
// loader's storing step (src/loader/store-batch.ts), so an import dedupes, suppresses and stitches exactly
// as HTTP ingest does.
import type { DuckDBConnection } from "@duckdb/node-api";
import type { IdentityGraph } from "../../identity/graph.js";
import { batchTableDdl } from "../../loader/batch.js";
import { storeBatch } from "../../loader/store-batch.js";
import { quoteString } from "./sql.js";

export interface ImportTables {
  staged: string;
  phones: string;
  channels: string;
  chunk: string;
}

export interface ChunkSettings {
  graph: IdentityGraph;
  traitIdentifiers: readonly string[];
  /** Epoch ms stamped on every event of this import as received_at. */
  receivedAt: number;
  source: string;
  /** Every row's channel when a flag sets it and no column does; else joined from the channels table. */
  constantChannel?: string;
  /** False when the file has no phone numbers, so the phones table need not be joined. */
  hasPhones: boolean;
}

/** Identifier slots, strongest first as IdentifierRules.extract orders them: [kind, staged value]. */
function slots(s: ChunkSettings): Array<[string, string]> {
  return [
    ["user_id", "s.id_user"],
    ["email", "s.id_email"],
    ...(s.hasPhones ? [["phone", "p.e164"] as [string, string]] : []),
    ...s.traitIdentifiers.map((k, i): [string, string] => [k, `s.id_t${i}`]),
    ["anonymous_id", "s.id_anon"],
  ];
}

/** Fills the chunk table with the valid rows [$1, $2] of the staging table, in the batch shape. */
function fillChunkSql(t: ImportTables, s: ChunkSettings): string {
  // `kind:value`, NULL when the value is; list_filter drops the NULLs and keeps strongest first.
  const keys = slots(s).map(([kind, value]) => `${quoteString(`${kind}:`)} || ${value}`);
  const channel = s.constantChannel ? quoteString(s.constantChannel) : "coalesce(c.channel, 'other')";
  return `
  INSERT INTO ${t.chunk}
  SELECT s.__row, NULL, s.message_id, s."type", s.event, ${channel}, s.ts_ms, ${Math.trunc(s.receivedAt)},
         s.sent_ms, s.anonymous_id, s.user_id, s.previous_id, s.properties, s.traits, s.context,
         ${quoteString(s.source)}, list_filter([${keys.join(", ")}], k -> k IS NOT NULL), s.names
    FROM ${t.staged} s
    ${s.hasPhones ? `LEFT JOIN ${t.phones} p ON p.raw = s.phone_raw` : ""}
    ${s.constantChannel ? "" : `LEFT JOIN ${t.channels} c ON c.ch = s.ch`}
   WHERE s.__row BETWEEN $1 AND $2 AND s.reason IS NULL`;
}

/** Stores rows [from, to] of the staging table; returns how many events were appended and dropped. */
export async function storeChunk(
  conn: DuckDBConnection,
  t: ImportTables,
  s: ChunkSettings,
  from: number,
  to: number,
): Promise<{ stored: number; suppressed: number }> {
  // Created outside the transaction: a temp table created inside one vanishes on rollback.
  await conn.run(batchTableDdl(t.chunk));
  await conn.run("BEGIN TRANSACTION");
  try {
    await conn.run(fillChunkSql(t, s), [from, to]);
    const { outcome, afterCommit } = await storeBatch(conn, t.chunk, { graph: s.graph });
    await conn.run("COMMIT");
    afterCommit();
    return { stored: outcome.stored, suppressed: outcome.suppressed };
  } catch (e) {
    await conn.run("ROLLBACK").catch(() => undefined);
    throw e;
  } finally {
    await conn.run(`DROP TABLE IF EXISTS ${t.chunk}`).catch(() => undefined);
  }
}
