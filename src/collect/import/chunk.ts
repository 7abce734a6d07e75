// Stores one chunk of staged rows in one transaction on the writer connection: dedupe on messageId,
// stitch identities, append the events, record search names. Only the DISTINCT identifier combinations
// that can change the graph (an unknown identifier, identifiers of two customers, an alias) travel to
// Node for IdentityGraph.resolve; everything already stitched is looked up in SQL.
import type { DuckDBConnection } from "@duckdb/node-api";
import type { IdentityGraph } from "../../identity/graph.js";
import type { LinkEvent } from "../../identity/resolve.js";
import { suppressStaged } from "../../privacy/tombstones.js";
import { ensureScratchTables } from "../../store/scratch.js";
import { quoteString } from "./sql.js";

export interface ImportTables {
  staged: string;
  phones: string;
  channels: string;
  chunk: string;
  combos: string;
  ids: string;
  fresh: string;
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

/** Identifier slots, strongest first as IdentifierRules.extract orders them: [column, kind, staged value]. */
function slots(traitIdentifiers: readonly string[]): Array<[string, string, string]> {
  return [
    ["user", "user_id", "s.id_user"],
    ["email", "email", "s.id_email"],
    ["phone", "phone", "p.e164"],
    ...traitIdentifiers.map((k, i): [string, string, string] => [`t${i}`, k, `s.id_t${i}`]),
    ["anon", "anonymous_id", "s.id_anon"],
  ];
}

const key = (kind: string, value: string) => `${quoteString(`${kind}:`)} || ${value}`;

/**
 * The chunk's rows that are valid, new to seen_messages, and first of their messageId in the file, with
 * their identifier values (v_*) and the key of the strongest one, the identity the event is stored with.
 */
function selectChunkSql(t: ImportTables, s: ChunkSettings): string {
  const all = slots(s.traitIdentifiers);
  const values = all.map(([col, , value]) =>
    value === "p.e164" && !s.hasPhones ? `NULL::VARCHAR AS v_${col}` : `${value} AS v_${col}`,
  );
  const primary = all.map(([col, kind]) => `WHEN v_${col} IS NOT NULL THEN ${key(kind, `v_${col}`)}`);
  const channel = s.constantChannel ? quoteString(s.constantChannel) : "coalesce(c.channel, 'other')";
  return `
  CREATE OR REPLACE TEMP TABLE ${t.chunk} AS
  SELECT *, CASE ${primary.join(" ")} END AS primary_key
    FROM (
      SELECT s.message_id, s."type", s.event, ${channel} AS channel, s.ts_ms, s.sent_ms, s.user_id,
             s.anonymous_id, s.previous_id, s.properties, s.traits, s.context, s.names, ${values.join(", ")}
        FROM ${t.staged} s
        ${s.hasPhones ? `LEFT JOIN ${t.phones} p ON p.raw = s.phone_raw` : ""}
        ${s.constantChannel ? "" : `LEFT JOIN ${t.channels} c ON c.ch = s.ch`}
       WHERE s.__row BETWEEN $1 AND $2 AND s.reason IS NULL
         AND NOT EXISTS (SELECT 1 FROM seen_messages m WHERE m.message_id = s.message_id)
      QUALIFY row_number() OVER (PARTITION BY s.message_id ORDER BY s.__row) = 1)`;
}

/**
 * Groups the chunk into distinct identifier combinations, maps every already-known key to its identity
 * (table `ids`), and returns the combinations the graph must decide, oldest first.
 */
async function linkEvents(
  conn: DuckDBConnection,
  t: ImportTables,
  traitIdentifiers: readonly string[],
): Promise<Array<LinkEvent & { previousId: string | null }>> {
  const all = slots(traitIdentifiers);
  const keyCols = all.map(([col]) => `k_${col}`);
  // Keys are spelled once per combination, not once per row.
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE ${t.combos} AS
     SELECT row_number() OVER () AS cid, ${all.map(([col, kind]) => `${key(kind, `v_${col}`)} AS k_${col}`).join(", ")},
            previous_id, first_at, message_id, event_type
       FROM (SELECT ${all.map(([col]) => `v_${col}`).join(", ")}, previous_id, min(ts_ms) AS first_at,
                    arg_min(message_id, ts_ms) AS message_id, arg_min("type", ts_ms) AS event_type
               FROM ${t.chunk} WHERE primary_key IS NOT NULL GROUP BY ALL)`,
  );
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE ${t.ids} AS
     SELECT i.key, i.id AS identity_id, cu.canonical_id AS customer
       FROM (SELECT DISTINCT unnest([${keyCols.join(", ")}]) AS key FROM ${t.combos}) k
       JOIN identities i ON i.key = k.key
       JOIN customers cu ON cu.id = i.customer_id`,
  );
  const reader = await conn.runAndReadAll(
    `WITH u AS (SELECT cid, unnest([${keyCols.join(", ")}]) AS key FROM ${t.combos}),
          s AS (SELECT u.cid, count(u.key) AS n, count(ids.key) AS found, count(DISTINCT ids.customer) AS customers
                  FROM u LEFT JOIN ${t.ids} ids ON ids.key = u.key GROUP BY u.cid)
     SELECT c.* EXCLUDE (cid) FROM ${t.combos} c JOIN s USING (cid)
      WHERE c.previous_id IS NOT NULL OR s.found < s.n OR s.customers > 1
      ORDER BY c.first_at, c.message_id`,
  );
  const columns = reader.getColumnsJS();
  const keyColumns = columns.slice(0, keyCols.length) as Array<Array<string | null>>;
  const [prev = [], at = [], mid = [], type = []] = columns.slice(keyCols.length);
  return mid.map((m, i) => ({
    keys: keyColumns.map((c) => c[i]).filter((k): k is string => k !== null && k !== undefined),
    previousId: (prev[i] as string | null) ?? null,
    at: Number(at[i]),
    messageId: String(m),
    eventType: String(type[i]),
  }));
}

/** Stores rows [from, to] of the staging table; returns how many events were appended. */
export async function storeChunk(
  conn: DuckDBConnection,
  t: ImportTables,
  s: ChunkSettings,
  from: number,
  to: number,
): Promise<{ stored: number; suppressed: number }> {
  await ensureScratchTables(conn); // graph.resolve stages rows in them
  await conn.run("BEGIN TRANSACTION");
  try {
    await conn.run(selectChunkSql(t, s), [from, to]);
    // Rows of erased people are dropped (and counted on their tombstone) before anything is claimed.
    const idColumns = slots(s.traitIdentifiers).map(([col, kind]): [string, string] => [`v_${col}`, kind]);
    const suppressed = await suppressStaged(conn, t.chunk, idColumns, "previous_id");
    const received = `make_timestamp(${Math.trunc(s.receivedAt) * 1000})`;
    const inserted = await conn.runAndReadAll(
      `INSERT INTO seen_messages SELECT message_id, ${received} FROM ${t.chunk}`,
    );
    const count = Number(inserted.getColumnsJS()[0]?.[0] ?? 0);

    const events = await linkEvents(conn, t, s.traitIdentifiers);
    const pending = await s.graph.resolve(conn, events);
    // New identities join the known ones; a known key keeps its identity, so it is not added twice.
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${t.fresh} (key VARCHAR, identity_id BIGINT)`);
    const ap = await conn.createAppender(t.fresh, null, "temp");
    for (const [key, id] of pending.identityOf) {
      ap.appendVarchar(key);
      ap.appendBigInt(BigInt(id));
      ap.endRow();
    }
    ap.closeSync();
    // As the event writer does, an email address seen for the first time becomes a search term.
    // This process is the only writer, so the batch's new identities are exactly ids >= the first one.
    const firstCreated = pending.created[0]?.id;
    if (firstCreated !== undefined) {
      await conn.run(
        `INSERT INTO search_terms (term, customer_id, kind)
         SELECT value, customer_id, 'email' FROM identities WHERE id >= $1 AND kind = 'email'`,
        [firstCreated],
      );
    }
    await conn.run(
      `INSERT INTO ${t.ids} SELECT f.key, f.identity_id, NULL FROM ${t.fresh} f
        WHERE NOT EXISTS (SELECT 1 FROM ${t.ids} i WHERE i.key = f.key)`,
    );

    // Each event carries the identity of its strongest identifier.
    await conn.run(
      `INSERT INTO events (message_id, type, event, channel, timestamp, received_at, sent_at, anonymous_id,
                           user_id, identity_id, properties, traits, context, source)
       SELECT c.message_id, c."type", c.event, c.channel, make_timestamp(c.ts_ms * 1000), ${received},
              make_timestamp(c.sent_ms * 1000), c.anonymous_id, c.user_id, i.identity_id,
              c.properties, c.traits, c.context, $1
         FROM ${t.chunk} c LEFT JOIN ${t.ids} i ON i.key = c.primary_key`,
      [s.source],
    );
    await conn.run(
      `INSERT INTO search_terms (term, customer_id, kind)
       SELECT DISTINCT n.term, idt.customer_id, 'name'
         FROM (SELECT unnest(c.names) AS term, i.identity_id
                 FROM ${t.chunk} c JOIN ${t.ids} i ON i.key = c.primary_key
                WHERE len(c.names) > 0) n
         JOIN identities idt ON idt.id = n.identity_id`,
    );
    await conn.run(
      `UPDATE customers SET name = n.term
         FROM (SELECT idt.customer_id, arg_max(c.names[1], c.ts_ms) AS term
                 FROM ${t.chunk} c JOIN ${t.ids} i ON i.key = c.primary_key
                 JOIN identities idt ON idt.id = i.identity_id
                WHERE len(c.names) > 0 GROUP BY 1) n
        WHERE customers.id = n.customer_id`,
    );
    await conn.run("COMMIT");
    pending.commit();
    return { stored: count, suppressed };
  } catch (e) {
    await conn.run("ROLLBACK").catch(() => undefined);
    throw e;
  }
}
