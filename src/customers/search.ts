// Finds customers by any identifier (exact, phone in any format, email in any case) or by the start
// of an email address or a name.
import type { IdentifierRules } from "../identity/identifiers.js";
import { all, runQuery, type Store } from "../store/database.js";
import { placeholders } from "./members.js";

export interface CustomerMatch {
  id: number;
  name: string | null;
  identifiers: Array<{ kind: string; value: string }>;
  /** How the query matched: the identifier kind, or "name". */
  matchedBy: string[];
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
  const prefix = q.toLowerCase();
  return runQuery(store, {
    duckdb: () =>
      store.read(async (conn) => {
        const n = keys.length;
        const hits = await all(
          conn,
          `WITH hits AS (
             SELECT customer_id, kind AS matched FROM identities WHERE key IN (${placeholders(n)})
             UNION ALL
             SELECT customer_id, 'email' FROM identities WHERE kind = 'email' AND starts_with(value, $${n + 1})
             UNION ALL
             SELECT customer_id, 'name' FROM search_terms WHERE starts_with(term, $${n + 1})
           )
           SELECT c.canonical_id AS id, list(DISTINCT matched ORDER BY matched) AS matched
             FROM hits JOIN customers c ON c.id = hits.customer_id
            GROUP BY 1 ORDER BY 1 LIMIT $${n + 2}`,
          [...keys, prefix, limit],
        );
        if (hits.length === 0) return [];
        const ids = hits.map((h) => Number(h.id));
        const details = await all(
          conn,
          `SELECT c.canonical_id AS id,
                  list({'kind': i.kind, 'value': i.value} ORDER BY i.first_seen) FILTER (i.kind <> 'anonymous_id') AS ids,
                  -- The longest name term is the full name ("kim minji" over "kim"; "김지민" alone).
                  (SELECT arg_max(term, length(term)) FROM search_terms s JOIN customers c2 ON c2.id = s.customer_id
                    WHERE c2.canonical_id = c.canonical_id) AS name
             FROM customers c JOIN identities i ON i.customer_id = c.id
            WHERE c.canonical_id IN (${placeholders(ids.length)})
            GROUP BY 1`,
          ids,
        );
        const byId = new Map(details.map((d) => [Number(d.id), d]));
        return hits.map((h) => {
          const d = byId.get(Number(h.id));
          const idsList = (d?.ids ?? []) as Array<{ kind: string; value: string }>;
          return {
            id: Number(h.id),
            name: d?.name == null ? null : String(d.name),
            identifiers: idsList.map((x) => ({ kind: x.kind, value: x.value })),
            matchedBy: (h.matched as string[]).map(String),
          };
        });
      }),
  });
}
