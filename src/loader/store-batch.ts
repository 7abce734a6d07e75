// The one storing step of the write path, shared by the loader (HTTP ingest through the ingest log) and
// `itinera import`: takes a batch-shaped table (src/loader/batch.ts) and, inside the caller's transaction,
// dedupes it on messageId, drops erased people's events, stitches identities set-wise (store-stitch.ts),
// and appends the events, their messageIds and search terms — a fixed number of statements per batch.

import type { IdentityGraph } from "../identity/graph.js";
import { suppressStaged } from "../privacy/tombstones.js";
import { all } from "../store/database.js";
import type { Connection } from "../store/driver.js";
import type { BatchOutcome, TagOutcome } from "./batch.js";
import { dropStitchTables, lookupKnown, stitchBatch } from "./store-stitch.js";

/** The batch's rows that will be stored, with `ord`: event order (time, then arrival). */
const ROWS = "sb_rows";

export interface StoreBatchDeps {
  graph: IdentityGraph;
  /**
   * A temp table to create with the stored rows (`seq`, `identity_id`) for the caller to read after
   * committing (the live feed); left out when nothing will read it.
   */
  keepStored?: string | undefined;
}

async function countByTag(conn: Connection, table: string): Promise<Map<number | null, number>> {
  const out = new Map<number | null, number>();
  for (const r of await all(conn, `SELECT tag, count(*) AS n FROM ${table} GROUP BY tag`))
    out.set(r.tag === null ? null : Number(r.tag), Number(r.n));
  return out;
}

function outcomeOf(
  total: Map<number | null, number>,
  stored: Map<number | null, number>,
  suppressed: Map<number | null, number>,
): BatchOutcome {
  const perTag = new Map<number, TagOutcome>();
  const sum: TagOutcome = { stored: 0, duplicates: 0, suppressed: 0 };
  for (const [tag, n] of total) {
    const s = stored.get(tag) ?? 0;
    const x = suppressed.get(tag) ?? 0;
    const o = { stored: s, duplicates: n - s - x, suppressed: x };
    sum.stored += o.stored;
    sum.duplicates += o.duplicates;
    sum.suppressed += o.suppressed;
    if (tag !== null) perTag.set(tag, o);
  }
  return { ...sum, perTag };
}

/**
 * Stores the batch in `table` inside the caller's open transaction. The caller commits (or rolls back)
 * and then calls `afterCommit`, which brings the graph's in-memory state up to date.
 *
 * Semantics: the first row (lowest seq) of a messageId wins and a messageId in seen_messages is a
 * duplicate; an event naming an identifier under a live tombstone is dropped and counted; identities are
 * stitched in event order (time, then seq) under the guard rails; each event is stored with the identity
 * of its strongest key (keys[1]).
 */
export async function storeBatch(
  conn: Connection,
  table: string,
  deps: StoreBatchDeps,
): Promise<{ outcome: BatchOutcome; afterCommit: () => void }> {
  const total = await countByTag(conn, table);
  // Decided on the narrowest columns first (which rows, in which order), then joined back: carrying the
  // key and name lists through the dedupe and the sort cost about twice as much. The wide columns
  // (properties, traits, context) are read once, by the final insert.
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE sb_keep AS
     SELECT seq, row_number() OVER (ORDER BY ts_ms, seq) AS ord
       FROM (SELECT min(seq) AS seq, arg_min(ts_ms, seq) AS ts_ms
               FROM (SELECT seq, message_id, ts_ms FROM ${table} t
                      WHERE NOT EXISTS (SELECT 1 FROM seen_messages m WHERE m.message_id = t.message_id))
              GROUP BY message_id);
     CREATE OR REPLACE TEMP TABLE ${ROWS} AS
     SELECT t.seq, t.tag, t.message_id, t."type", t.ts_ms, t.received_ms, t.keys, t.previous_id, t.names, k.ord
       FROM ${table} t JOIN sb_keep k ON k.seq = t.seq`,
  );
  try {
    // A resend of stored events (an SDK's retries after an outage) stops here: all duplicates.
    const [fresh] = await all(conn, `SELECT count(*) AS n FROM ${ROWS}`);
    if (Number(fresh?.n ?? 0) === 0)
      return { outcome: outcomeOf(total, new Map(), new Map()), afterCommit: () => undefined };
    await lookupKnown(conn, ROWS);
    // Before anything is claimed: an erased person's event leaves no trace, not even its messageId.
    const suppressed = await suppressStaged(conn, ROWS, "sb_known");
    await stitchBatch(conn, ROWS, deps.graph);
    await conn.run(
      `INSERT INTO events (message_id, type, event, channel, timestamp, received_at, sent_at, anonymous_id,
                           user_id, identity_id, properties, traits, context, source)
       SELECT r.message_id, r."type", r.event, r.channel, make_timestamp(r.ts_ms * 1000),
              make_timestamp(r.received_ms * 1000), make_timestamp(r.sent_ms * 1000), r.anonymous_id,
              r.user_id, i.id, r.properties, r.traits, r.context, r.source
         FROM ${table} r LEFT JOIN sb_ids i ON i.key = r.keys[1]
        WHERE r.seq IN (SELECT seq FROM ${ROWS});
       INSERT INTO seen_messages SELECT message_id, make_timestamp(received_ms * 1000) FROM ${ROWS};
       ${SEARCH_TERMS_SQL}`,
    );
    if (deps.keepStored)
      await conn.run(
        `CREATE OR REPLACE TEMP TABLE ${deps.keepStored} AS
         SELECT r.seq, i.id AS identity_id FROM ${ROWS} r LEFT JOIN sb_ids i ON i.key = r.keys[1]`,
      );
    const stored = await countByTag(conn, ROWS);
    return { outcome: outcomeOf(total, stored, suppressed), afterCommit: () => deps.graph.forgetCounts() };
  } finally {
    // After a failed statement the transaction is aborted and refuses even this; its rollback drops them.
    await conn.run(`DROP TABLE IF EXISTS ${ROWS}; DROP TABLE IF EXISTS sb_keep`).catch(() => undefined);
    await dropStitchTables(conn).catch(() => undefined);
  }
}

// Names from traits are search terms of the customer row the event's identity was first given; an email
// address becomes one the first time it is stored. The display name is the newest event's full name.
const SEARCH_TERMS_SQL = `
  INSERT INTO search_terms (term, customer_id, kind)
  SELECT DISTINCT term, original, 'name'
    FROM (SELECT unnest(r.names) AS term, i.original
            FROM ${ROWS} r JOIN sb_ids i ON i.key = r.keys[1] WHERE len(r.names) > 0);
  INSERT INTO search_terms (term, customer_id, kind)
  SELECT key[7:], customer, 'email' FROM sb_newid WHERE starts_with(key, 'email:');
  UPDATE customers SET name = n.term
    FROM (SELECT i.original AS customer_id, arg_max(r.names[1], r.ord) AS term
            FROM ${ROWS} r JOIN sb_ids i ON i.key = r.keys[1]
           WHERE len(r.names) > 0 GROUP BY 1) n
   WHERE customers.id = n.customer_id;`;
