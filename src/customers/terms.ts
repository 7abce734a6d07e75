// Keeps search_terms sorted by term so a prefix search reads one or two row groups (DuckDB's zone
// maps skip the rest) instead of the whole table. New terms append unsorted at the end; once that
// tail is large, the table is rewritten in order.

import { all, runQuery, type Store } from "../store/database.js";
import type { Connection } from "../store/driver.js";

/** Unsorted rows tolerated before a rewrite: one DuckDB row group is 122,880 rows. */
export const UNSORTED_TAIL_LIMIT = 100_000;

async function sortedRows(conn: Connection): Promise<number> {
  const [row] = await all(conn, "SELECT value FROM store_meta WHERE key = 'search_terms_sorted_rows'");
  return Number(row?.value ?? 0);
}

/** Rewrites search_terms in term order when its unsorted tail is long; returns whether it did. */
export async function compactSearchTerms(store: Store, opts: { force?: boolean } = {}): Promise<boolean> {
  return runQuery(store, {
    duckdb: () =>
      store.exclusive(async (conn) => {
        const [row] = await all(conn, "SELECT count(*) AS n FROM search_terms");
        const total = Number(row?.n ?? 0);
        if (!opts.force && total - (await sortedRows(conn)) < UNSORTED_TAIL_LIMIT) return false;
        // Build the sorted copy beside the live table and swap, so the writer waits for one
        // sort, not for a row-by-row delete and re-insert.
        await conn.run("BEGIN TRANSACTION");
        try {
          await conn.run(
            "CREATE TABLE search_terms_sorted AS SELECT DISTINCT term, customer_id, kind FROM search_terms ORDER BY term",
          );
          await conn.run("DROP TABLE search_terms");
          await conn.run("ALTER TABLE search_terms_sorted RENAME TO search_terms");
          await conn.run("CREATE INDEX search_terms_customer ON search_terms (customer_id)");
          await conn.run(
            `INSERT INTO store_meta SELECT 'search_terms_sorted_rows', count(*) FROM search_terms
             ON CONFLICT DO UPDATE SET value = excluded.value`,
          );
          await conn.run("COMMIT");
        } catch (e) {
          await conn.run("ROLLBACK");
          throw e;
        }
        return true;
      }),
  });
}

/** The smallest string greater than every string starting with `prefix` (UTF-8 order is code-point order). */
export function prefixUpperBound(prefix: string): string {
  const points = [...prefix];
  const last = points.pop();
  if (last === undefined) return "\u{10FFFF}";
  const next = last.codePointAt(0)! + 1;
  return points.join("") + String.fromCodePoint(Math.min(next, 0x10ffff));
}
