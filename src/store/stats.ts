// Store-wide counts: what has landed, per channel and type, and how identity resolution is doing.
import { LOADER_COUNTERS } from "../loader/duckdb-target.js";
import type { LoaderStatus } from "../loader/loader.js";
import { all, runQuery, type Store } from "./database.js";

/** The loader: how far behind the ingest log it is, and what it has done since the store was made. */
export interface LoaderStats extends LoaderStatus {
  storedTotal: number;
  duplicatesTotal: number;
  suppressedTotal: number;
}

export interface StoreStats {
  events: number;
  eventsLast24h: number;
  customers: number;
  unattributedEvents: number;
  identifiers: Record<string, number>;
  channels: Record<string, number>;
  types: Record<string, number>;
  merges: number;
  refusedLinks: number;
  /** Events of erased people dropped under their tombstones (src/privacy/tombstones.ts). */
  suppressedEvents: number;
  firstEvent: string | null;
  lastEvent: string | null;
  loader: LoaderStats;
}

const toRecord = (rows: Array<Record<string, unknown>>): Record<string, number> =>
  Object.fromEntries(rows.map((r) => [String(r.k), Number(r.n)]));

export async function getStats(store: Store, loader: LoaderStatus): Promise<StoreStats> {
  return runQuery(store, {
    duckdb: () =>
      store.read(async (conn) => {
        const [totals] = await all(
          conn,
          `SELECT count(*) AS events,
                  count(*) FILTER (timestamp >= now()::TIMESTAMP - INTERVAL 1 DAY) AS last24h,
                  count(*) FILTER (identity_id IS NULL) AS unattributed,
                  epoch_ms(min(timestamp)) AS first, epoch_ms(max(timestamp)) AS last
             FROM events`,
        );
        const [graph] = await all(
          conn,
          `SELECT (SELECT count(*) FROM customers WHERE id = canonical_id) AS customers,
                  (SELECT count(*) FROM identity_links WHERE accepted AND absorbed_customer IS NOT NULL) AS merges,
                  (SELECT count(*) FROM identity_links WHERE NOT accepted) AS refused,
                  (SELECT coalesce(sum(dropped), 0) FROM tombstones) AS suppressed`,
        );
        const channels = await all(
          conn,
          "SELECT channel AS k, count(*) AS n FROM events GROUP BY 1 ORDER BY 2 DESC",
        );
        const types = await all(
          conn,
          "SELECT type AS k, count(*) AS n FROM events GROUP BY 1 ORDER BY 2 DESC",
        );
        const kinds = await all(
          conn,
          "SELECT kind AS k, count(*) AS n FROM identities GROUP BY 1 ORDER BY 2 DESC",
        );
        const counters = toRecord(
          await all(conn, "SELECT key AS k, value AS n FROM store_meta WHERE key IN ($1, $2, $3)", [
            LOADER_COUNTERS.stored,
            LOADER_COUNTERS.duplicates,
            LOADER_COUNTERS.suppressed,
          ]),
        );
        const when = (v: unknown) =>
          v === null || v === undefined ? null : new Date(Number(v)).toISOString();
        return {
          events: Number(totals?.events ?? 0),
          eventsLast24h: Number(totals?.last24h ?? 0),
          customers: Number(graph?.customers ?? 0),
          unattributedEvents: Number(totals?.unattributed ?? 0),
          identifiers: toRecord(kinds),
          channels: toRecord(channels),
          types: toRecord(types),
          merges: Number(graph?.merges ?? 0),
          refusedLinks: Number(graph?.refused ?? 0),
          suppressedEvents: Number(graph?.suppressed ?? 0),
          firstEvent: when(totals?.first),
          lastEvent: when(totals?.last),
          loader: {
            ...loader,
            storedTotal: counters[LOADER_COUNTERS.stored] ?? 0,
            duplicatesTotal: counters[LOADER_COUNTERS.duplicates] ?? 0,
            suppressedTotal: counters[LOADER_COUNTERS.suppressed] ?? 0,
          },
        };
      }),
  });
}
