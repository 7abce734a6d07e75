// Per touchpoint of a journey map: volume, reach, conversion after it (the customer went on to signal a
// later stage within `conversionDays`), and satisfaction (its own feedback, or the next feedback the
// customer gave within `satisfactionDays`).

import { all } from "../../store/database.js";
import type { Connection } from "../../store/driver.js";
import type { JourneyDefinitions } from "../definitions.js";
import { settled, type TouchpointMetrics } from "./schema.js";
import type { ScopeTables } from "./scope.js";

/** SQL predicates over the scope's journey rows, shared by the counts and the customer lists. */
export function touchpointPredicates(defs: JourneyDefinitions) {
  return {
    converted: `next_stage_at <= ts + INTERVAL (${defs.model.conversionDays}) DAY`,
    laterFeedback: `next_feedback_at <= ts + INTERVAL (${defs.model.satisfactionDays}) DAY`,
  };
}

export const touchpointAudiences = (defs: JourneyDefinitions, t: ScopeTables) => {
  const pred = touchpointPredicates(defs);
  const users = (id: string) => `SELECT DISTINCT customer_id FROM ${t.journey} WHERE touchpoint = ${id}`;
  const converted = (id: string) =>
    `SELECT DISTINCT customer_id FROM ${t.journey} WHERE touchpoint = ${id} AND ${pred.converted}`;
  return {
    /** `id` is a SQL parameter reference. */
    reach: users,
    converted,
    dropped: (id: string) => `${users(id)} EXCEPT ${converted(id)}`,
  };
};

export async function touchpointMetrics(
  conn: Connection,
  defs: JourneyDefinitions,
  t: ScopeTables,
): Promise<TouchpointMetrics[]> {
  const pred = touchpointPredicates(defs);
  // Per customer first, then per touchpoint: one pass instead of a DISTINCT count per figure.
  const rows = await all(
    conn,
    `WITH per AS (
       SELECT touchpoint, customer_id, any_value(kind) AS kind, count(*) AS volume,
              bool_or(${pred.converted}) AS converted,
              sum(feedback) AS fb_sum, count(feedback) AS fb_n,
              sum(next_feedback) FILTER (WHERE ${pred.laterFeedback}) AS after_sum,
              count(next_feedback) FILTER (WHERE ${pred.laterFeedback}) AS after_n
         FROM ${t.journey} WHERE touchpoint IS NOT NULL GROUP BY touchpoint, customer_id)
     SELECT touchpoint, sum(volume) AS volume, count(*) AS reach, count(*) FILTER (WHERE converted) AS converted,
            CASE WHEN any_value(kind) = 'feedback' THEN sum(fb_sum) / nullif(sum(fb_n), 0)
                 ELSE sum(after_sum) / nullif(sum(after_n), 0) END AS satisfaction,
            CASE WHEN any_value(kind) = 'feedback' THEN sum(fb_n) ELSE sum(after_n) END AS answers
       FROM per GROUP BY touchpoint`,
  );
  const byId = new Map(defs.touchpoints.map((t) => [t.id, t]));
  const last = defs.model.stages.at(-1)?.key;
  return rows.flatMap((r) => {
    const t = byId.get(String(r.touchpoint));
    if (!t) return [];
    const reach = Number(r.reach);
    const converted = t.stage === last ? null : Number(r.converted);
    return [
      {
        id: t.id,
        name: t.name,
        stage: t.stage,
        kind: t.kind,
        volume: Number(r.volume),
        reach,
        converted,
        conversion: converted === null || reach === 0 ? null : converted / reach,
        satisfaction: {
          value: r.satisfaction === null ? null : settled(Number(r.satisfaction)),
          answers: Number(r.answers),
        },
      },
    ];
  });
}
