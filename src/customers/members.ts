// Which stored rows make up one customer: the canonical id behind any customer id, and its identifiers.

import { all } from "../store/database.js";
import type { Connection } from "../store/driver.js";

export interface CustomerIdentity {
  id: number;
  kind: string;
  value: string;
  firstSeen: string;
}

export interface CustomerMembers {
  /** The id the customer is known by now (a merged-away id resolves to its survivor). */
  id: number;
  identities: CustomerIdentity[];
}

export const placeholders = (n: number, from = 1): string =>
  Array.from({ length: n }, (_, i) => `$${i + from}`).join(",");

/**
 * Rows of `table` whose `column` equals any of n parameters, as a UNION ALL of equality lookups:
 * DuckDB probes an ART index for `col = $k`, but often turns `col IN (…)` into a range filter over a
 * full scan.
 */
export function indexedLookup(table: string, columns: string, column: string, n: number, from = 1): string {
  return Array.from(
    { length: n },
    (_, i) => `SELECT ${columns} FROM ${table} WHERE ${column} = $${i + from}`,
  ).join(" UNION ALL ");
}

export async function findMembers(
  conn: Connection,
  customerId: number,
): Promise<CustomerMembers | undefined> {
  // One round trip: the survivor behind the id, and every customer row merged into it.
  const members = await all(
    conn,
    `WITH c AS (SELECT canonical_id FROM customers WHERE id = $1)
     SELECT id, (SELECT canonical_id FROM c) AS canonical FROM customers WHERE canonical_id = (SELECT canonical_id FROM c)`,
    [customerId],
  );
  if (members.length === 0) return undefined;
  const id = Number(members[0]!.canonical);
  const originals = members.map((r) => Number(r.id));
  const rows = await all(
    conn,
    `SELECT id, kind, value, epoch_ms(first_seen) AS first_seen
       FROM (${indexedLookup("identities", "id, kind, value, first_seen", "customer_id", originals.length)})
      ORDER BY first_seen, id`,
    originals,
  );
  return {
    id,
    identities: rows.map((r) => ({
      id: Number(r.id),
      kind: String(r.kind),
      value: String(r.value),
      firstSeen: new Date(Number(r.first_seen)).toISOString(),
    })),
  };
}

/**
 * The customer's events as a CTE. MATERIALIZED keeps DuckDB on the identity index: left inline, a
 * later ORDER BY … LIMIT makes the optimiser prefer a full scan.
 */
export function customerEventsCte(identityCount: number, from = 1): string {
  return `ev AS MATERIALIZED (${indexedLookup("events", "*", "identity_id", identityCount, from)})`;
}
