// Finds customers by any identifier (exact, phone in any format, email in any case) or by the start
// of an email address or a name. Exact identifier matches win: an agent who types a whole email or
// phone number wants that customer, not everyone whose address starts the same way.

import type { IdentifierRules } from "../identity/identifiers.js";
import { readDefinitions } from "../journey/definitions.js";
import { all, runQuery, type Store } from "../store/database.js";
import type { Connection } from "../store/driver.js";
import { indexedLookup, placeholders } from "./members.js";
import { prefixUpperBound } from "./terms.js";

export interface CustomerMatch {
  id: number;
  name: string | null;
  identifiers: Array<{ kind: string; value: string }>;
  /** How the query matched: the identifier kind, or "name". */
  matchedBy: string[];
  /** Where the last journey refresh placed the customer (null before it has seen them). */
  stage: string | null;
  persona: { id: string; name: string } | null;
  lastSeen: string | null;
}

interface Hit {
  customer: number; // customer row as stored (may have been merged since)
  matched: string;
}

async function exactHits(conn: Connection, keys: string[]): Promise<Hit[]> {
  if (keys.length === 0) return [];
  const rows = await all(
    conn,
    `SELECT customer_id, kind FROM identities WHERE key IN (${placeholders(keys.length)})`,
    keys,
  );
  return rows.map((r) => ({ customer: Number(r.customer_id), matched: String(r.kind) }));
}

async function prefixHits(conn: Connection, prefix: string, limit: number): Promise<Hit[]> {
  // A range (not starts_with) lets zone maps skip row groups of the sorted table; see terms.ts.
  const rows = await all(
    conn,
    "SELECT customer_id, kind FROM search_terms WHERE term >= $1 AND term < $2 LIMIT $3",
    [prefix, prefixUpperBound(prefix), limit],
  );
  return rows.map((r) => ({ customer: Number(r.customer_id), matched: String(r.kind) }));
}

export async function searchCustomers(
  store: Store,
  rules: IdentifierRules,
  query: string,
  limit: number,
): Promise<CustomerMatch[]> {
  const q = query.trim();
  if (q === "") return [];
  const keys = rules.candidatesFor(q).map((c) => `${c.kind}:${c.value}`);
  return runQuery(store, {
    duckdb: () =>
      store.read(async (conn) => {
        let hits = await exactHits(conn, keys);
        if (hits.length === 0) hits = await prefixHits(conn, q.toLowerCase(), limit * 5);
        if (hits.length === 0) return [];
        return describe(conn, hits, limit);
      }),
  });
}

/** Groups hits by their customer as it is now and loads what a result row shows. */
async function describe(conn: Connection, hits: Hit[], limit: number): Promise<CustomerMatch[]> {
  const rows = [...new Set(hits.map((h) => h.customer))];
  const canon = await all(
    conn,
    `SELECT id, canonical_id FROM customers WHERE id IN (${placeholders(rows.length)})`,
    rows,
  );
  const canonicalOf = new Map(canon.map((r) => [Number(r.id), Number(r.canonical_id)]));
  const matched = new Map<number, Set<string>>();
  for (const h of hits) {
    const c = canonicalOf.get(h.customer);
    if (c === undefined) continue;
    if (!matched.has(c)) matched.set(c, new Set());
    matched.get(c)!.add(h.matched);
  }
  const ids = [...matched.keys()].sort((a, b) => a - b).slice(0, limit);
  if (ids.length === 0) return [];
  const members = await all(
    conn,
    `SELECT id, canonical_id, name FROM customers WHERE canonical_id IN (${placeholders(ids.length)})`,
    ids,
  );
  const originals = members.map((m) => Number(m.id));
  const canonicalOfMember = new Map(members.map((m) => [Number(m.id), Number(m.canonical_id)]));
  const identities = await all(
    conn,
    `SELECT customer_id, kind, value
       FROM (${indexedLookup("identities", "customer_id, kind, value, first_seen, id", "customer_id", originals.length)})
      WHERE kind <> 'anonymous_id' ORDER BY first_seen, id`,
    originals,
  );
  const byCustomer = new Map<number, CustomerMatch>(
    ids.map((id) => [
      id,
      {
        id,
        name: null,
        identifiers: [],
        matchedBy: [...matched.get(id)!].sort(),
        stage: null,
        persona: null,
        lastSeen: null,
      },
    ]),
  );
  for (const r of identities) {
    byCustomer
      .get(canonicalOfMember.get(Number(r.customer_id))!)
      ?.identifiers.push({ kind: String(r.kind), value: String(r.value) });
  }
  // The survivor's own name first; a merged-in row's name when it has none.
  for (const r of [...members].sort(
    (a, b) => Number(a.id === a.canonical_id) - Number(b.id === b.canonical_id),
  )) {
    const m = byCustomer.get(Number(r.canonical_id));
    if (m && r.name !== null) m.name = String(r.name);
  }
  await placeOnJourney(conn, byCustomer);
  return [...byCustomer.values()];
}

/** Stage, persona and last seen from the journey's customer facts, for a result row. */
async function placeOnJourney(conn: Connection, byCustomer: Map<number, CustomerMatch>): Promise<void> {
  const ids = [...byCustomer.keys()];
  const facts = await all(
    conn,
    `SELECT customer_id, persona, stage, epoch_ms(last_seen) AS last_seen FROM customer_facts
      WHERE customer_id IN (${placeholders(ids.length)})`,
    ids,
  );
  if (facts.length === 0) return;
  const defs = await readDefinitions(conn);
  for (const f of facts) {
    const m = byCustomer.get(Number(f.customer_id));
    if (!m) continue;
    const position = f.stage === null ? 0 : Number(f.stage);
    m.stage = position === 0 ? null : (defs.model.stages[position - 1]?.key ?? null);
    const persona = defs.personas.find((p) => p.id === f.persona);
    m.persona = persona ? { id: persona.id, name: persona.name } : null;
    m.lastSeen = new Date(Number(f.last_seen)).toISOString();
  }
}
