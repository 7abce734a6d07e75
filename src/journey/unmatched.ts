// Events no touchpoint names, grouped by type, name and channel, so nothing leaves the journey map
// silently: each group is a rule someone may want to add.
import { all, runQuery, type Store } from "../store/database.js";
import { Params } from "../store/sql.js";
import { touchpointIndexSql } from "./classify.js";
import { readDefinitions } from "./definitions.js";

export interface UnmatchedGroup {
  type: string;
  event: string | null;
  channel: string;
  events: number;
  firstSeen: string;
  lastSeen: string;
  /** A message id to look at. */
  example: string;
}

export interface Unmatched {
  /** All events that match no touchpoint. */
  events: number;
  /** Share of all events. */
  share: number;
  groups: UnmatchedGroup[];
}

export async function findUnmatched(store: Store, limit = 100): Promise<Unmatched> {
  return runQuery(store, {
    duckdb: () =>
      store.read(async (conn) => {
        const defs = await readDefinitions(conn);
        const p = new Params();
        const tp = touchpointIndexSql(defs.touchpoints, p, "e.");
        const rows = await all(
          conn,
          `WITH u AS (SELECT e.type, e.event, e.channel, e.timestamp, e.message_id FROM events e WHERE (${tp}) IS NULL)
           SELECT type, event, channel, count(*) AS events, epoch_ms(min(timestamp)) AS first,
                  epoch_ms(max(timestamp)) AS last, any_value(message_id) AS example,
                  sum(count(*)) OVER () AS total, (SELECT count(*) FROM events) AS everything
             FROM u GROUP BY ALL ORDER BY events DESC, type, event, channel LIMIT ${p.add(limit)}`,
          p.values,
        );
        const total = Number(rows[0]?.total ?? 0);
        const everything = rows.length ? Number(rows[0]!.everything) : 0;
        return {
          events: total,
          share: everything ? total / everything : 0,
          groups: rows.map((r) => ({
            type: String(r.type),
            event: r.event === null ? null : String(r.event),
            channel: String(r.channel),
            events: Number(r.events),
            firstSeen: new Date(Number(r.first)).toISOString(),
            lastSeen: new Date(Number(r.last)).toISOString(),
            example: String(r.example),
          })),
        };
      }),
  });
}
