// Set-wise identity stitching for one batch (store-batch.ts), in SQL: every identifier key is looked up
// with one join, the batch's links become a graph whose connected components are found by min-label
// propagation, and a component that no guard rail could stop (its identifiers per kind, counting those of
// the customers already in it, stay within every cap) becomes one customer in a few statements. Only
// components that could breach a rail, and aliases between two existing customers, are decided one link
// at a time by resolveLinks, in event order (store-conflicts.ts).
//
// Nodes are BIGINTs: an existing customer is its canonical id; a new key is NEW_BASE + its first
// occurrence (ord * 1024 + position). The smallest node of a component is therefore its oldest customer
// (who survives a merge, as resolveLinks decides) or else its first-seen new key.

import type { IdentityGraph } from "../identity/graph.js";
import { ALIAS_REASON } from "../identity/resolve.js";
import { all } from "../store/database.js";
import type { Connection } from "../store/driver.js";
import { quoteString } from "../store/sql.js";
import { resolveConflicts } from "./store-conflicts.js";

export const NEW_BASE = 2n ** 50n;
/** Keys per event are far fewer; a position is packed beside the event's order. */
const POSITIONS = 1024;

/** Temp tables of this step, dropped by dropStitchTables. */
export const STITCH_TABLES = [
  "sb_known",
  "sb_sk",
  "sb_occ0",
  "sb_occ",
  "sb_node",
  "sb_edge",
  "sb_label",
  "sb_adj",
  "sb_ccount",
  "sb_conflict",
  "sb_comp",
  "sb_newid",
  "sb_newcust",
  "sb_merge",
  "sb_link",
  "sb_ids",
];

const kindPart = (key: string) => `${key}[1:strpos(${key}, ':') - 1]`;
const valuePart = (key: string) => `${key}[strpos(${key}, ':') + 1:]`;

/**
 * `sb_known(key, id, original, customer)`: every stored identifier the batch (`rows`, with `keys` and
 * `previous_id`) names, with the customer row it was first given and its canonical customer now.
 */
export async function lookupKnown(conn: Connection, rows: string): Promise<void> {
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE sb_known AS
     SELECT i.key, i.id, i.customer_id AS original, c.canonical_id AS customer
       FROM (SELECT DISTINCT key FROM (
               SELECT unnest(keys) AS key FROM ${rows}
               UNION ALL SELECT 'user_id:' || previous_id FROM ${rows} WHERE previous_id IS NOT NULL
               UNION ALL SELECT 'anonymous_id:' || previous_id FROM ${rows} WHERE previous_id IS NOT NULL)) k
       JOIN identities i ON i.key = k.key
       JOIN customers c ON c.id = i.customer_id`,
  );
}

/** The graph of the batch: stitch keys per event, nodes, links, and components (sb_label). */
async function buildComponents(conn: Connection, rows: string): Promise<number> {
  // An alias's previousId is an existing user id when one is stored, else an anonymous id; it is
  // appended to the event's keys, and its link is the sender's declaration.
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE sb_sk AS
     WITH d AS (
       SELECT r.ord, r.message_id, r."type", r.ts_ms, coalesce(r.keys, []) AS keys,
              CASE WHEN r.previous_id IS NOT NULL
                   THEN coalesce(u.key, 'anonymous_id:' || r.previous_id) END AS declared
         FROM ${rows} r LEFT JOIN sb_known u ON u.key = 'user_id:' || r.previous_id)
     -- One row per distinct combination, as its first event: a repeat links nothing new.
     SELECT min(ord) AS ord, arg_min(message_id, ord) AS message_id, arg_min("type", ord) AS "type",
            arg_min(ts_ms, ord) AS ts_ms,
            CASE WHEN declared IS NULL THEN keys ELSE list_append(keys, declared) END AS keys, declared
       FROM d GROUP BY keys, declared;
     CREATE OR REPLACE TEMP TABLE sb_occ0 AS
     SELECT ord, unnest(keys) AS key, generate_subscripts(keys, 1) AS pos FROM sb_sk;
     CREATE OR REPLACE TEMP TABLE sb_node AS
     SELECT o.key, any_value(k.customer) IS NULL AS is_new, min(o.ord) AS first_ord,
            coalesce(any_value(k.customer), ${NEW_BASE} + min(o.ord * ${POSITIONS} + o.pos)) AS node
       FROM sb_occ0 o LEFT JOIN sb_known k ON k.key = o.key GROUP BY o.key;
     -- Each occurrence with its node, so the links below are one equi-join on the event (joining nodes
     -- on "a <> b" would let the planner pair every node with every other).
     CREATE OR REPLACE TEMP TABLE sb_occ AS
     SELECT o.ord, o.pos, o.key, n.node FROM sb_occ0 o JOIN sb_node n ON n.key = o.key;
     CREATE OR REPLACE TEMP TABLE sb_edge AS
     SELECT p.ord, o.pos, p.key AS pkey, o.key AS okey, p.node AS a, o.node AS b,
            coalesce(o.key = s.declared, false) AS declared, s.message_id, s."type", s.ts_ms
       FROM sb_occ p
       JOIN sb_occ o ON o.ord = p.ord
       JOIN sb_sk s ON s.ord = p.ord
      WHERE p.pos = 1 AND o.pos > 1 AND p.node <> o.node;
     CREATE OR REPLACE TEMP TABLE sb_label AS
     SELECT node, node AS label FROM (
       SELECT node FROM sb_node WHERE is_new UNION SELECT a FROM sb_edge UNION SELECT b FROM sb_edge);
     CREATE OR REPLACE TEMP TABLE sb_adj AS
     SELECT DISTINCT a, b FROM (SELECT a, b FROM sb_edge UNION ALL SELECT b, a FROM sb_edge)`,
  );
  // Min-label propagation with pointer jumping: each round takes the smallest label of a neighbour, then
  // the label of its label, so a long chain settles in about log(length) rounds.
  let rounds = 0;
  for (;;) {
    rounds++;
    const hook = await conn.run(
      `UPDATE sb_label SET label = s.label
         FROM (SELECT j.a AS node, min(x.label) AS label FROM sb_adj j JOIN sb_label x ON x.node = j.b GROUP BY j.a) s
        WHERE sb_label.node = s.node AND s.label < sb_label.label`,
    );
    if (hook.rowsChanged === 0) break;
    await conn.run(
      `UPDATE sb_label SET label = s.label
         FROM (SELECT x.node, p.label FROM sb_label x JOIN sb_label p ON p.node = x.label WHERE p.label < x.label) s
        WHERE sb_label.node = s.node`,
    );
  }
  return rounds;
}

/**
 * `sb_ccount(label, customer, kind, n)`: identifier counts of the existing customers in components that
 * gain something, and `sb_conflict(label)`: the components that could breach a guard rail.
 */
async function findConflicts(conn: Connection, caps: Record<string, number>): Promise<void> {
  const capRows = Object.entries(caps).map(([k, n]) => `(${quoteString(k)}, ${Math.trunc(n)})`);
  const capTable =
    capRows.length > 0
      ? `(VALUES ${capRows.join(", ")}) caps(kind, cap)`
      : "(SELECT NULL::VARCHAR AS kind, NULL::BIGINT AS cap WHERE false) caps";
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE sb_comp AS
     SELECT label, count(*) AS nodes FROM sb_label GROUP BY label;
     CREATE OR REPLACE TEMP TABLE sb_ccount AS
     SELECT l.label, l.node AS customer, i.kind, count(*) AS n
       FROM sb_label l
       JOIN sb_comp cp ON cp.label = l.label AND cp.nodes > 1
       JOIN customers c ON c.canonical_id = l.node
       JOIN identities i ON i.customer_id = c.id
      WHERE l.node < ${NEW_BASE}
      GROUP BY ALL;
     CREATE OR REPLACE TEMP TABLE sb_conflict AS
     SELECT DISTINCT label FROM (
       SELECT t.label FROM (
         SELECT label, kind, sum(n) AS n FROM (
           SELECT label, kind, n FROM sb_ccount
           UNION ALL
           SELECT l.label, ${kindPart("n.key")} AS kind, count(*) AS n
             FROM sb_node n JOIN sb_label l ON l.node = n.node WHERE n.is_new GROUP BY ALL)
         GROUP BY ALL) t
       JOIN ${capTable} ON caps.kind = t.kind
      WHERE t.n > caps.cap
      UNION ALL
      -- An alias between two existing customers: the one-user-id rail's exception is decided link by link.
      SELECT l.label FROM sb_edge e JOIN sb_label l ON l.node = e.a
       WHERE e.declared AND e.a < ${NEW_BASE} AND e.b < ${NEW_BASE})`,
  );
}

/**
 * Decides the conflict-free components in SQL: one customer each (its oldest, or a new one), new
 * identities, merges and link evidence. Each node but the component's first joins it by its earliest link.
 */
async function resolveInSql(conn: Connection, graph: IdentityGraph): Promise<void> {
  const [n] = await all(
    conn,
    `SELECT (SELECT count(*) FROM sb_comp c WHERE c.label >= ${NEW_BASE}
               AND NOT EXISTS (SELECT 1 FROM sb_conflict x WHERE x.label = c.label)) AS customers,
            (SELECT count(*) FROM sb_node n JOIN sb_label l ON l.node = n.node
              WHERE n.is_new AND NOT EXISTS (SELECT 1 FROM sb_conflict x WHERE x.label = l.label)) AS identities`,
  );
  const customerBase = graph.reserveCustomers(Number(n?.customers ?? 0));
  const identityBase = graph.reserveIdentities(Number(n?.identities ?? 0));
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE sb_newcust AS
     SELECT ${customerBase} - 1 + row_number() OVER (ORDER BY c.label) AS id, c.label, s.ts_ms AS at_ms
       FROM sb_comp c
       JOIN sb_sk s ON s.ord = (c.label - ${NEW_BASE}) // ${POSITIONS}
      WHERE c.label >= ${NEW_BASE} AND NOT EXISTS (SELECT 1 FROM sb_conflict x WHERE x.label = c.label);
     -- Customer of every conflict-free component.
     CREATE OR REPLACE TEMP TABLE sb_ccust AS
     SELECT c.label, coalesce(nc.id, c.label) AS customer
       FROM sb_comp c LEFT JOIN sb_newcust nc ON nc.label = c.label
      WHERE NOT EXISTS (SELECT 1 FROM sb_conflict x WHERE x.label = c.label);
     CREATE OR REPLACE TEMP TABLE sb_newid AS
     SELECT ${identityBase} - 1 + row_number() OVER (ORDER BY n.node) AS id, n.key, cc.customer,
            s.ts_ms AS at_ms, s.message_id
       FROM sb_node n
       JOIN sb_label l ON l.node = n.node
       JOIN sb_ccust cc ON cc.label = l.label
       JOIN sb_sk s ON s.ord = n.first_ord
      WHERE n.is_new;
     CREATE OR REPLACE TEMP TABLE sb_merge AS
     SELECT l.node AS loser, l.label AS winner
       FROM sb_label l JOIN sb_ccust cc ON cc.label = l.label
      WHERE l.node < ${NEW_BASE} AND l.node <> l.label;
     -- DISTINCT: two nodes first reached by the same edge (a new anonymous id and a new user id of one
     -- event) would otherwise record that edge twice.
     CREATE OR REPLACE TEMP TABLE sb_link AS
     SELECT DISTINCT e.ts_ms AS at_ms, e.message_id, e."type" AS event_type, e.pkey, e.okey,
            cc.customer AS kept, CASE WHEN f.v < ${NEW_BASE} THEN f.v END AS absorbed, true AS accepted,
            CASE WHEN e.declared THEN ${quoteString(ALIAS_REASON)}
                 ELSE e."type" || ' event carried both identifiers' END AS reason
       FROM (SELECT v, min(k) AS k
               FROM (SELECT a AS v, ord * ${POSITIONS} + pos AS k FROM sb_edge
                     UNION ALL SELECT b AS v, ord * ${POSITIONS} + pos AS k FROM sb_edge) GROUP BY v) f
       JOIN sb_edge e ON e.ord * ${POSITIONS} + e.pos = f.k
       JOIN sb_label l ON l.node = f.v
       JOIN sb_ccust cc ON cc.label = l.label
      WHERE f.v <> l.label`,
  );
}

/** Writes what both halves decided, and leaves `sb_ids(key, id, original)` for every key of the batch. */
async function writeDecisions(conn: Connection): Promise<void> {
  await conn.run(
    `INSERT INTO customers (id, canonical_id, created_at, name)
     SELECT id, id, make_timestamp(at_ms * 1000), NULL FROM sb_newcust;
     INSERT INTO identities (id, key, kind, value, customer_id, first_seen, message_id)
     SELECT id, key, ${kindPart("key")}, ${valuePart("key")}, customer, make_timestamp(at_ms * 1000), message_id
       FROM sb_newid;
     CREATE OR REPLACE TEMP TABLE sb_ids AS
     SELECT key, id, original FROM sb_known
     UNION ALL SELECT key, id, customer FROM sb_newid;
     -- Everything that pointed at an absorbed customer now points at the survivor.
     UPDATE customers SET canonical_id = m.winner FROM sb_merge m WHERE customers.canonical_id = m.loser;
     INSERT INTO identity_links (linked_at, message_id, event_type, from_identity, to_identity, kept_customer,
                                 absorbed_customer, accepted, reason)
     SELECT make_timestamp(l.at_ms * 1000), l.message_id, l.event_type, f.id, t.id, l.kept, l.absorbed,
            l.accepted, l.reason
       FROM sb_link l JOIN sb_ids f ON f.key = l.pkey JOIN sb_ids t ON t.key = l.okey`,
  );
}

/**
 * Stitches the batch in `rows` (batch-shaped, with a unique `ord`: event order) inside the caller's
 * transaction; leaves `sb_ids(key, id, original)` for every identifier key of it and the email keys it
 * stored for the first time in `sb_newid`. `sb_known` must exist (lookupKnown).
 */
export async function stitchBatch(conn: Connection, rows: string, graph: IdentityGraph): Promise<void> {
  await buildComponents(conn, rows);
  await findConflicts(conn, graph.caps);
  await resolveInSql(conn, graph);
  // The conflicting components, link by link; their results join the SQL half's tables.
  await resolveConflicts(conn, graph);
  await writeDecisions(conn);
}

export async function dropStitchTables(conn: Connection): Promise<void> {
  await conn.run([...STITCH_TABLES, "sb_ccust"].map((t) => `DROP TABLE IF EXISTS ${t};`).join(" "));
}
