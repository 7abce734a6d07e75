// The one scan of the events table a detection makes: every detector says which events it reads (step
// starts and outcomes, self-service sessions, the events that carry a contact's subject), and the rows
// matching any of those rules from the period's start on land in one table with their customer (of the
// detection's persona, when it has one). Reading
// the JSON columns of a large table is the costly part of the finder, so it happens once.
import { cohortSql, hasCohort } from "../../journey/map/scope.js";
import { type EventMatch, matchSql } from "../../journey/rules.js";
import { Params } from "../../store/sql.js";
import { type Detection, EVENT_CUSTOMER } from "./detector.js";

/** Builds `tables.events` (type, event, timestamp, channel, properties, context, traits, customer_id). */
export async function scanEvents(d: Detection, rules: readonly EventMatch[]): Promise<void> {
  const unique = [...new Map(rules.map((r) => [JSON.stringify(r), r])).values()];
  const p = new Params();
  const any = unique.length ? unique.map((m) => matchSql(m, p)).join(" OR ") : "false";
  // A plain list of names lets the scan skip most rows before the rules are evaluated.
  const names =
    unique.length && unique.every((m) => m.event)
      ? `e.event IN (${[...new Set(unique.map((m) => m.event!))].map((n) => p.add(n)).join(", ")}) AND`
      : "";
  // Traits are copied only when a touchpoint rule (classified again on these rows) reads them.
  const traits = d.defs.touchpoints.some((t) => t.match.where?.some((c) => c.property.startsWith("traits.")))
    ? "e.traits"
    : "NULL::JSON AS traits";
  await d.conn.run(
    `CREATE OR REPLACE TABLE ${d.tables.events} AS
       SELECT e.type, e.event, e.timestamp, e.channel, e.properties, e.context, ${traits},
              c.canonical_id AS customer_id
         FROM events e ${EVENT_CUSTOMER}
        WHERE ${names} e.timestamp >= ${p.add(d.from.toISOString())}::TIMESTAMP AND (${any})
          ${hasCohort(d.cohort) ? `AND c.canonical_id IN (${cohortSql(d.cohort, d.defs, p)})` : ""}`,
    p.values,
  );
}
