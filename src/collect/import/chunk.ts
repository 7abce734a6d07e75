// Stores one chunk of staged rows in one transaction on the writer connection: the chunk becomes a
// batch-shaped table (src/loader/batch.ts) with its identifier keys built in SQL, and goes through the
// loader's storing step (src/loader/store-batch.ts), so an import dedupes, suppresses and stitches exactly
// as HTTP ingest does.

import type { IdentityGraph } from "../../identity/graph.js";
import { storeBatch } from "../../loader/store-batch.js";
import type { Connection } from "../../store/driver.js";
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

/**
 * The valid rows [from, to] of the staging table in the batch shape, as a view: the storing step reads
 * the narrow columns once and the wide ones once, so a copy would only cost a pass over every column.
 */
function chunkViewSql(t: ImportTables, s: ChunkSettings, from: number, to: number): string {
  // `kind:value`, NULL when the value is; list_filter drops the NULLs and keeps strongest first.
  const keys = slots(s).map(([kind, value]) => `${quoteString(`${kind}:`)} || ${value}`);
  const channel = s.constantChannel ? quoteString(s.constantChannel) : "coalesce(c.channel, 'other')";
  return `
  CREATE OR REPLACE TEMP VIEW ${t.chunk} AS
  SELECT s.__row AS seq, NULL::BIGINT AS tag, s.message_id, s."type", s.event, ${channel} AS channel, s.ts_ms,
         ${Math.trunc(s.receivedAt)}::BIGINT AS received_ms,
         s.sent_ms, s.anonymous_id, s.user_id, s.previous_id, s.properties, s.traits, s.context,
         ${quoteString(s.source)} AS source, list_filter([${keys.join(", ")}], k -> k IS NOT NULL) AS keys, s.names
    FROM ${t.staged} s
    ${s.hasPhones ? `LEFT JOIN ${t.phones} p ON p.raw = s.phone_raw` : ""}
    ${s.constantChannel ? "" : `LEFT JOIN ${t.channels} c ON c.ch = s.ch`}
   WHERE s.__row BETWEEN ${Math.trunc(from)} AND ${Math.trunc(to)} AND s.reason IS NULL`;
}

/** Stores rows [from, to] of the staging table; returns how many events were appended and dropped. */
export async function storeChunk(
  conn: Connection,
  t: ImportTables,
  s: ChunkSettings,
  from: number,
  to: number,
): Promise<{ stored: number; suppressed: number }> {
  // Created outside the transaction: a temp view created inside one vanishes on rollback.
  await conn.run(chunkViewSql(t, s, from, to));
  await conn.run("BEGIN TRANSACTION");
  try {
    const { outcome, afterCommit } = await storeBatch(conn, t.chunk, { graph: s.graph });
    await conn.run("COMMIT");
    afterCommit();
    return { stored: outcome.stored, suppressed: outcome.suppressed };
  } catch (e) {
    await conn.run("ROLLBACK").catch(() => undefined);
    throw e;
  } finally {
    await conn.run(`DROP VIEW IF EXISTS ${t.chunk}`).catch(() => undefined);
  }
}
