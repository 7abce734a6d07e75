// The half of set-wise stitching that a guard rail could stop: components of the batch's graph whose
// identifiers per kind would pass a cap (or that hold an alias between two existing customers) are decided
// by resolveLinks, one link at a time in event order, so "first user id wins on a shared device" holds.
// Its answers are appended to the same tables the SQL half fills (store-stitch.ts).

import type { IdentityGraph } from "../identity/graph.js";
import { type KnownIdentity, type LinkEvent, resolveLinks } from "../identity/resolve.js";
import { all } from "../store/database.js";
import type { Appender, Connection } from "../store/driver.js";

const big = (ap: Appender, v: number | null) => (v === null ? ap.appendNull() : ap.appendBigInt(BigInt(v)));

/** Decides the components listed in sb_conflict; returns how many events took part. */
export async function resolveConflicts(conn: Connection, graph: IdentityGraph): Promise<number> {
  const [any] = await all(conn, "SELECT count(*) AS n FROM sb_conflict");
  if (Number(any?.n ?? 0) === 0) return 0;
  const inConflict = `JOIN sb_label l ON l.node = n.node JOIN sb_conflict c ON c.label = l.label`;
  // Events that link two nodes of such a component, or that carry one of its new keys.
  const rows = await all(
    conn,
    `SELECT s.keys, s.declared, s.ts_ms, s.message_id, s."type"
       FROM sb_sk s
      WHERE s.ord IN (SELECT e.ord FROM sb_edge e JOIN sb_label l ON l.node = e.a
                        JOIN sb_conflict c ON c.label = l.label
                      UNION
                      SELECT o.ord FROM sb_occ o JOIN sb_node n ON n.key = o.key AND n.is_new ${inConflict})
      ORDER BY s.ord`,
  );
  const events: LinkEvent[] = rows.map((r) => ({
    keys: (r.keys as string[]).map(String),
    at: Number(r.ts_ms),
    messageId: String(r.message_id),
    eventType: String(r.type),
    ...(r.declared === null ? {} : { declared: String(r.declared) }),
  }));
  const known = new Map<string, KnownIdentity>();
  for (const r of await all(
    conn,
    `SELECT k.key, k.id, k.customer FROM sb_known k JOIN sb_node n ON n.key = k.key ${inConflict}`,
  ))
    known.set(String(r.key), { id: Number(r.id), customer: Number(r.customer) });
  const counts = new Map<number, Map<string, number>>();
  for (const r of await all(
    conn,
    "SELECT k.customer, k.kind, k.n FROM sb_ccount k JOIN sb_conflict c ON c.label = k.label",
  )) {
    const c = Number(r.customer);
    if (!counts.has(c)) counts.set(c, new Map());
    counts.get(c)!.set(String(r.kind), Number(r.n));
  }

  const res = resolveLinks({
    events,
    known,
    counts,
    caps: graph.caps,
    newIdentityId: () => graph.reserveIdentities(1),
    newCustomerId: () => graph.reserveCustomers(1),
  });

  const keyOf = new Map<number, string>();
  for (const [k, id] of res.identityOf) keyOf.set(id, k);
  let ap = await conn.createAppender("sb_newcust", null, "temp");
  for (const c of res.customers) {
    big(ap, c.id);
    ap.appendNull(); // no component label: decided here
    big(ap, c.at);
    ap.endRow();
  }
  ap.closeSync();
  ap = await conn.createAppender("sb_newid", null, "temp");
  for (const n of res.identities) {
    big(ap, n.id);
    ap.appendVarchar(n.key);
    big(ap, n.customer);
    big(ap, n.at);
    ap.appendVarchar(n.messageId);
    ap.endRow();
  }
  ap.closeSync();
  ap = await conn.createAppender("sb_merge", null, "temp");
  for (const m of res.merges) {
    big(ap, m.loser);
    big(ap, m.winner);
    ap.endRow();
  }
  ap.closeSync();
  ap = await conn.createAppender("sb_link", null, "temp");
  for (const l of res.links) {
    big(ap, l.at);
    ap.appendVarchar(l.messageId);
    ap.appendVarchar(l.eventType);
    ap.appendVarchar(keyOf.get(l.fromIdentity)!);
    ap.appendVarchar(keyOf.get(l.toIdentity)!);
    big(ap, l.keptCustomer);
    big(ap, l.absorbedCustomer);
    ap.appendBoolean(l.accepted);
    ap.appendVarchar(l.reason);
    ap.endRow();
  }
  ap.closeSync();
  return events.length;
}
