// Stage history as SQL. A customer moves forward when an event signals a higher stage than the one they
// are in (signals of lower stages leave them where they are), and moves back to the model's lapse stage
// after `lapse.afterDays` without any signal. Quiet spells split the history into episodes; within one,
// the stage is the highest signal so far, floored at the lapse stage once the customer had passed it.
import type { Params } from "../store/sql.js";
import { type JourneyModel, stagePosition } from "./model.js";

/** SELECT of stage_transitions rows for every customer of `journey` (journey_events or a part of it). */
export function stageTransitionsSql(model: JourneyModel, p: Params, now: Date, journey: string): string {
  const lapse = model.lapse;
  const lapseTo = lapse ? stagePosition(model, lapse.to) : 0;
  const gap = lapse ? `INTERVAL (${p.add(lapse.afterDays)}) DAY` : "";
  const signals = `
    s AS (SELECT customer_id, timestamp AS ts, message_id, signal FROM ${journey} WHERE signal IS NOT NULL),
    g AS (SELECT *, lead(ts) OVER w AS next_at,
                 CASE WHEN ${lapse ? `ts - lag(ts) OVER w > ${gap}` : "false"} THEN 1 ELSE 0 END AS gap
            FROM s WINDOW w AS (PARTITION BY customer_id ORDER BY ts, message_id)),
    e AS (SELECT *, sum(gap) OVER w AS episode,
                 max(signal) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before_max
            FROM g WINDOW w AS (PARTITION BY customer_id ORDER BY ts, message_id)),
    f AS (SELECT customer_id, ts, message_id, next_at,
                 greatest(
                   CASE WHEN episode = 0 THEN 0 ELSE least(${lapseTo}, first_value(before_max) OVER ep) END,
                   max(signal) OVER ep) AS level
            FROM e WINDOW ep AS (PARTITION BY customer_id, episode ORDER BY ts, message_id
                                 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))`;
  // A lapse happens after the last signal of an episode, if the customer stood above the lapse stage
  // and the quiet spell was long enough (up to now for the last episode).
  const lapses = lapse
    ? `UNION ALL
       SELECT customer_id, ts + ${gap} AS ts, NULL AS message_id, ${lapseTo} AS level, 'lapse' AS cause FROM f
        WHERE level > ${lapseTo}
          AND (CASE WHEN next_at IS NULL THEN ts + ${gap} <= ${p.add(now.toISOString())}::TIMESTAMP ELSE next_at - ts > ${gap} END)`
    : "";
  return `
    WITH ${signals},
    u AS (SELECT customer_id, ts, message_id, level, 'signal' AS cause FROM f ${lapses}),
    c AS (SELECT *, coalesce(lag(level) OVER (PARTITION BY customer_id ORDER BY ts, cause <> 'lapse', message_id), 0) AS prev
            FROM u)
    SELECT customer_id, ts AS changed_at, prev AS from_stage, level AS to_stage, cause, message_id
      FROM c WHERE level <> prev`;
}
