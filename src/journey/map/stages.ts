// Per stage of a journey map: customers who reached it, conversion to the next stage, time in stage and
// the emotion of the feedback given there. Counts and the customer lists behind them share their SQL.

import { all, type Row } from "../../store/database.js";
import type { Connection } from "../../store/driver.js";
import type { JourneyDefinitions } from "../definitions.js";
import { type StageMetrics, settled } from "./schema.js";
import type { OpenScope, ScopeTables } from "./scope.js";
import { touchpointPredicates } from "./touchpoints.js";

/** Customer sets behind the stage numbers, as SELECTs of customer_id over the scope's tables. */
export function stageAudiences(t: ScopeTables) {
  const reached = (k: number) => `SELECT customer_id FROM ${t.reach} WHERE stage = ${k}`;
  const converted = (k: number) =>
    `SELECT a.customer_id FROM ${t.reach} a JOIN ${t.reach} b
        ON b.customer_id = a.customer_id AND b.stage = ${k + 1} AND b.last_at >= a.first_at
      WHERE a.stage = ${k}`;
  return {
    reached,
    converted,
    dropped: (k: number) => `${reached(k)} EXCEPT ${converted(k)}`,
    feedback: (k: number) =>
      `SELECT DISTINCT customer_id FROM ${t.journey} WHERE stage = ${k} AND feedback IS NOT NULL`,
  };
}

/** Per stage position: customers who reached it in the scope, and those of them who reached the next. */
export async function stageCounts(
  conn: Connection,
  t: ScopeTables,
): Promise<Map<number, { reached: number; converted: number }>> {
  const rows = await all(
    conn,
    `SELECT a.stage, count(*) AS reached, count(b.customer_id) AS converted
       FROM ${t.reach} a LEFT JOIN ${t.reach} b
         ON b.customer_id = a.customer_id AND b.stage = a.stage + 1 AND b.last_at >= a.first_at
      GROUP BY a.stage`,
  );
  return new Map(
    rows.map((r) => [Number(r.stage), { reached: Number(r.reached), converted: Number(r.converted) }]),
  );
}

export async function stageMetrics(
  conn: Connection,
  defs: JourneyDefinitions,
  scope: OpenScope,
): Promise<StageMetrics[]> {
  const n = defs.model.stages.length;
  const t = scope.tables;
  const counts = await stageCounts(conn, t);
  // Stays that began in the period; a stay ends with the customer's next transition, whenever it came.
  const stays = await all(
    conn,
    `WITH s AS (
       SELECT t.to_stage AS stage, t.changed_at AS entered,
              lead(t.changed_at) OVER (PARTITION BY t.customer_id ORDER BY t.changed_at, t.from_stage) AS left_at
         FROM stage_transitions t SEMI JOIN ${t.cohort} c ON c.customer_id = t.customer_id)
     SELECT stage,
            quantile_cont(epoch(left_at - entered), 0.5) FILTER (WHERE left_at IS NOT NULL) AS median,
            quantile_cont(epoch(left_at - entered), 0.9) FILTER (WHERE left_at IS NOT NULL) AS p90,
            count(left_at) AS completed, count(*) FILTER (WHERE left_at IS NULL) AS open
       FROM s WHERE entered >= $1::TIMESTAMP AND entered < $2::TIMESTAMP GROUP BY stage`,
    [scope.from.toISOString(), scope.to.toISOString()],
  );
  const emotion = await all(
    conn,
    `SELECT stage, avg(feedback) AS value, count(*) AS answers
       FROM ${t.journey} WHERE feedback IS NOT NULL GROUP BY stage`,
  );
  const after = await all(
    conn,
    `SELECT stage, avg(next_feedback) AS value, count(*) AS answers FROM (
       SELECT DISTINCT stage, customer_id, next_feedback_at, next_feedback FROM ${t.journey}
        WHERE touchpoint IS NOT NULL AND ${touchpointPredicates(defs).laterFeedback})
      GROUP BY stage`,
  );
  const by = (rows: Row[]) => new Map(rows.map((r) => [Number(r.stage), r]));
  const s = by(stays);
  const e = by(emotion);
  const ea = by(after);
  return defs.model.stages.map((stage, i) => {
    const k = i + 1;
    const reached = counts.get(k)?.reached ?? 0;
    const converted = k < n ? (counts.get(k)?.converted ?? 0) : null;
    const stay = s.get(k);
    const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
    return {
      key: stage.key,
      name: stage.name,
      position: k,
      reached,
      converted,
      conversion: converted === null || reached === 0 ? null : converted / reached,
      dropped: converted === null ? null : reached - converted,
      timeInStage: {
        medianSeconds: num(stay?.median),
        p90Seconds: num(stay?.p90),
        completedStays: Number(stay?.completed ?? 0),
        openStays: Number(stay?.open ?? 0),
      },
      emotion: e.has(k)
        ? { value: settled(num(e.get(k)?.value)), answers: Number(e.get(k)?.answers ?? 0), source: "direct" }
        : ea.has(k)
          ? {
              value: settled(num(ea.get(k)?.value)),
              answers: Number(ea.get(k)?.answers ?? 0),
              source: "after",
            }
          : { value: null, answers: 0, source: null },
    };
  });
}
