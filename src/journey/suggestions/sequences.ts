// Where each event name sits in customers' paths, computed in the database: for every name no touchpoint
// fully takes, its unmatched events and customers, how far along customers' paths it first comes, how
// often it is the last thing they do, and (second query) how far along it comes relative to a conversion.

import { all } from "../../store/database.js";
import type { Connection } from "../../store/driver.js";
import { Params } from "../../store/sql.js";
import { touchpointIndexSql } from "../classify.js";
import type { Touchpoint } from "../touchpoints.js";

export interface NameKey {
  type: string;
  event: string;
}

export interface NameSequence extends NameKey {
  /** Unmatched events of this name and their customers: what a touchpoint for it would take. */
  events: number;
  customers: number;
  channels: string[];
  /** Customers with any event of this name (matched or not), behind the figures below. */
  seenBy: number;
  /** Median position of the name's first occurrence among the distinct names of each customer's path, 0 (first) to 1 (last). */
  position: number;
  /** Share of those customers whose last event is this name (nothing else follows it). */
  lastShare: number;
}

export interface RelativePosition extends NameKey {
  /** Median of (the name's first rank) / (the conversion's first rank) among customers who reached a conversion: < 1 before it, > 1 after. */
  relative: number;
  customers: number;
}

/**
 * A customer's path as the first time of each distinct name, ranked. Repeats (ten product views) would
 * otherwise push a name's position around, so only the first occurrence counts. Events without a
 * customer (no identity yet) have no path.
 */
function rankedSql(tps: readonly Touchpoint[], p: Params): string {
  const tp = touchpointIndexSql(tps, p, "e.");
  return `ev AS (
      SELECT e.type, e.event, e.channel, e.timestamp, c.canonical_id AS customer, (${tp}) IS NULL AS unmatched
        FROM events e LEFT JOIN identities i ON i.id = e.identity_id LEFT JOIN customers c ON c.id = i.customer_id
       WHERE e.type IN ('track', 'page', 'screen') AND e.event IS NOT NULL),
    firsts AS (
      SELECT customer, type, event, min(timestamp) AS first_at, max(timestamp) AS last_at
        FROM ev WHERE customer IS NOT NULL GROUP BY ALL),
    ranked AS (
      SELECT *, row_number() OVER (PARTITION BY customer ORDER BY first_at, type, event) - 1 AS rank,
             count(*) OVER (PARTITION BY customer) AS names,
             max(last_at) OVER (PARTITION BY customer) AS customer_last
        FROM firsts)`;
}

export async function nameSequences(
  conn: Connection,
  tps: readonly Touchpoint[],
  limit: number,
): Promise<{ customers: number; names: NameSequence[] }> {
  const p = new Params();
  const rows = await all(
    conn,
    `WITH ${rankedSql(tps, p)},
      unmatched AS (
        SELECT type, event, count(*) AS events, count(DISTINCT customer) AS customers, list(DISTINCT channel ORDER BY channel) AS channels
          FROM ev WHERE unmatched GROUP BY ALL),
      placed AS (
        SELECT type, event, count(*) AS seen_by,
               median(CASE WHEN names > 1 THEN rank / (names - 1) ELSE 0 END) AS position,
               avg(CASE WHEN last_at = customer_last THEN 1 ELSE 0 END) AS last_share
          FROM ranked GROUP BY ALL),
      named AS (
        SELECT u.*, coalesce(pl.seen_by, 0) AS seen_by, coalesce(pl.position, 0) AS position,
               coalesce(pl.last_share, 0) AS last_share
          FROM unmatched u LEFT JOIN placed pl USING (type, event)
         ORDER BY u.events DESC, u.type, u.event LIMIT ${p.add(limit)})
     -- One row even when nothing is unmatched, to carry the count of customers.
     SELECT named.*, (SELECT count(DISTINCT customer) FROM firsts) AS everyone
       FROM (SELECT 1) one LEFT JOIN named ON true
      ORDER BY named.events DESC, named.type, named.event`,
    p.values,
  );
  const names = rows
    .filter((r) => r.type !== null)
    .map((r) => ({
      type: String(r.type),
      event: String(r.event),
      events: Number(r.events),
      customers: Number(r.customers),
      channels: (r.channels as unknown[]).map(String),
      seenBy: Number(r.seen_by),
      position: Number(r.position),
      lastShare: Number(r.last_share),
    }));
  return { customers: Number(rows[0]?.everyone ?? 0), names };
}

/** Each name's place relative to the first of the given conversions, among the customers who reached one. */
export async function positionsBefore(
  conn: Connection,
  tps: readonly Touchpoint[],
  conversions: readonly NameKey[],
): Promise<RelativePosition[]> {
  if (conversions.length === 0) return [];
  const p = new Params();
  const isConversion = conversions
    .map((c) => `(type = ${p.add(c.type)} AND event = ${p.add(c.event)})`)
    .join(" OR ");
  const rows = await all(
    conn,
    `WITH ${rankedSql(tps, p)},
      reached AS (SELECT customer, min(rank) AS conversion_rank FROM ranked WHERE ${isConversion} GROUP BY customer)
     SELECT type, event, median(rank / conversion_rank) AS relative, count(*) AS customers
       FROM ranked JOIN reached USING (customer)
      WHERE conversion_rank > 0
      GROUP BY ALL`,
    p.values,
  );
  return rows.map((r) => ({
    type: String(r.type),
    event: String(r.event),
    relative: Number(r.relative),
    customers: Number(r.customers),
  }));
}
