// How many customers each persona has, as of the last journey refresh.
import { all, runQuery, type Store } from "../store/database.js";

/** Customers per persona id; the null key counts customers no persona matched. */
export async function countPersonas(store: Store): Promise<Map<string | null, number>> {
  return runQuery(store, {
    duckdb: () =>
      store.read(async (conn) => {
        const rows = await all(conn, "SELECT persona, count(*) AS n FROM customer_facts GROUP BY persona");
        return new Map(rows.map((r) => [r.persona === null ? null : String(r.persona), Number(r.n)]));
      }),
  });
}
