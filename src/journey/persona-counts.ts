// Personas with how many customers each has now (after bringing the journey tables up to date).
import { all, runQuery, type Store } from "../store/database.js";
import { loadDefinitions } from "./definitions.js";
import type { Persona } from "./personas.js";
import type { JourneyRefresher } from "./refresh.js";

export interface PersonaCounts {
  items: Array<Persona & { customers: number }>;
  /** Customers no persona matches. */
  unassigned: number;
  asOf: string;
}

export async function listPersonas(store: Store, refresher: JourneyRefresher): Promise<PersonaCounts> {
  const fresh = await refresher.refresh();
  const defs = await loadDefinitions(store);
  const counts = await runQuery(store, {
    duckdb: () =>
      store.read(async (conn) => {
        const rows = await all(conn, "SELECT persona, count(*) AS n FROM customer_facts GROUP BY persona");
        return new Map(rows.map((r) => [r.persona === null ? null : String(r.persona), Number(r.n)]));
      }),
  });
  return {
    items: defs.personas.map((p) => ({ ...p, customers: counts.get(p.id) ?? 0 })),
    unassigned: counts.get(null) ?? 0,
    asOf: fresh.refreshedAt,
  };
}
