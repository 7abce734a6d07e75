// Slow responses: per response touchpoint and channel, the first responses slower than the channel's
// target in the journey model, and the feedback customers gave after a slow answer against after one on
// time (the customer's next feedback within the model's satisfaction window).

import * as m from "../../findings/message.js";
import { all } from "../../store/database.js";
import type { SqlValue } from "../../store/driver.js";
import { Params } from "../../store/sql.js";
import {
  atTouchpoint,
  type Detector,
  type Found,
  inPeriod,
  num,
  round,
  touchpointById,
  zScore,
} from "./detector.js";
import { dailyCounts, evidenceOverTime } from "./series.js";

/** Minutes in one unit of a response-time property. */
const PER_MINUTE = { seconds: 1 / 60, minutes: 1, hours: 60 } as const;

export const slowResponseDetector: Detector = {
  kinds: ["slow-response"],
  async find(d) {
    const targets = Object.entries(d.defs.model.responseTargetMinutes);
    if (!targets.length) return [];
    const p = new Params();
    const target = `CASE channel ${targets.map(([ch, m]) => `WHEN ${p.add(ch)} THEN ${p.add(m)}::DOUBLE`).join(" ")} END`;
    const days = Math.trunc(d.defs.model.satisfactionDays);
    await d.conn.run(
      `CREATE OR REPLACE TABLE ${d.tables.responses} AS
         SELECT customer_id, touchpoint, channel, timestamp AS ts, response_minutes, ${target} AS target,
                response_minutes > ${target} AS slow,
                CASE WHEN next_feedback_at <= timestamp + INTERVAL ${days} DAY THEN next_feedback END AS feedback
           FROM ${d.tables.journey}
          WHERE kind = 'response' AND response_minutes IS NOT NULL AND ${target} IS NOT NULL
            AND ${inPeriod(d, p, "timestamp")}`,
      p.values,
    );
    const rows = await all(
      d.conn,
      `SELECT touchpoint, channel, any_value(target) AS target, count(*) AS n, count(*) FILTER (WHERE slow) AS x,
              median(response_minutes) AS median, quantile_cont(response_minutes, 0.9) AS p90,
              count(feedback) FILTER (WHERE slow) AS fs, count(*) FILTER (WHERE slow AND feedback < 0) AS fsn,
              avg(feedback) FILTER (WHERE slow) AS mean_slow,
              count(feedback) FILTER (WHERE NOT slow) AS ff, count(*) FILTER (WHERE NOT slow AND feedback < 0) AS ffn,
              avg(feedback) FILTER (WHERE NOT slow) AS mean_fast
         FROM ${d.tables.responses} WHERE touchpoint IS NOT NULL GROUP BY ALL ORDER BY touchpoint, channel`,
    );
    // Per touchpoint, channel and day: answers with feedback after a slow response (affected) and after
    // one on time (baseline), with the negative ones; and the responses with the slow ones, for
    // frictions without feedback to compare (their baseline is the target: none slow).
    const counts = await dailyCounts(
      d,
      `SELECT touchpoint || ':' || channel || ':feedback' AS key, epoch_ms(date_trunc('day', ts)) AS day,
              count(feedback) FILTER (WHERE slow) AS au, count(*) FILTER (WHERE slow AND feedback < 0) AS ax,
              count(feedback) FILTER (WHERE NOT slow) AS bu, count(*) FILTER (WHERE NOT slow AND feedback < 0) AS bx
         FROM ${d.tables.responses} WHERE touchpoint IS NOT NULL GROUP BY ALL
       UNION ALL
       SELECT touchpoint || ':' || channel || ':slow', epoch_ms(date_trunc('day', ts)),
              count(*), count(*) FILTER (WHERE slow), count(*), 0
         FROM ${d.tables.responses} WHERE touchpoint IS NOT NULL GROUP BY ALL`,
    );
    const s = d.settings;
    const found: Found[] = [];
    for (const r of rows) {
      const tp = touchpointById(d.defs, String(r.touchpoint));
      const n = num(r.n);
      const x = num(r.x);
      if (!tp || x < s.minCases) continue;
      const fs = num(r.fs);
      const fsn = num(r.fsn);
      const ff = num(r.ff);
      const ffn = num(r.ffn);
      const feedbackZ = fs >= s.minCases && ff >= s.minCases ? (zScore(fsn, fs, ffn, ff) ?? 0) : null;
      const worse = feedbackZ !== null && feedbackZ >= s.minZ;
      if (x / n < s.slowShare && !worse) continue;
      const channel = String(r.channel);
      const targetMin = num(r.target);
      const property = tp.responseMinutes?.property.replace(/^properties\./, "") ?? "response_minutes";
      // The segment names the touchpoint's own property, so its threshold is in that property's unit.
      const inUnit = targetMin / PER_MINUTE[tp.responseMinutes?.unit ?? "minutes"];
      const a = new Params();
      const withFeedback = feedbackZ !== null;
      found.push({
        friction: {
          id: `slow-response:${tp.id}:${channel}`,
          kind: "slow-response",
          message: m.message("friction.slowResponse.title", {
            touchpoint: m.name(tp.name),
            channel: m.channel(channel),
            share: m.percent(x / n),
            responses: m.number(n),
            target: m.minutes(targetMin),
            median: m.minutes(num(r.median)),
          }),
          notes: withFeedback
            ? [
                m.message("friction.slowResponse.feedback", {
                  slow: m.percent(fsn / fs),
                  onTime: m.percent(ff ? ffn / ff : 0),
                }),
              ]
            : [],
          ...atTouchpoint(tp),
          segment: { channel, [property]: `> ${round(inUnit, 2)}` },
          since: null,
          impact: x,
          lostConversions: null,
          lostRevenue: null,
          ...evidenceOverTime(d, counts.get(`${tp.id}:${channel}:${withFeedback ? "feedback" : "slow"}`)),
          evidence: withFeedback
            ? {
                value: round(fsn / fs),
                cases: fsn,
                units: fs,
                baseline: round(ff ? ffn / ff : 0),
                baselineCases: ffn,
                baselineUnits: ff,
                z: round(feedbackZ, 2),
                details: details(r, n, x, targetMin),
                messages: {
                  measure: m.message("friction.slowResponse.measureFeedback", { days: m.number(days) }),
                  baseline: m.message("friction.slowResponse.baselineFeedback", {
                    target: m.minutes(targetMin),
                  }),
                },
              }
            : {
                value: round(x / n),
                cases: x,
                units: n,
                baseline: 0,
                baselineCases: 0,
                baselineUnits: n,
                z: null,
                details: details(r, n, x, targetMin),
                messages: {
                  measure: m.message("friction.slowResponse.measureSlow", { target: m.minutes(targetMin) }),
                  baseline: m.message("friction.slowResponse.baselineTarget"),
                },
              },
        },
        audience: {
          sql: `SELECT customer_id FROM ${d.tables.responses}
                 WHERE touchpoint = ${a.add(tp.id)} AND channel = ${a.add(channel)} AND slow`,
          params: a.values as SqlValue[],
        },
      });
    }
    return found;
  },
};

function details(r: Record<string, unknown>, n: number, x: number, target: number) {
  const mean = (v: unknown) => (v === null || v === undefined ? null : round(Number(v), 3));
  return {
    responses: n,
    slowResponses: x,
    slowShare: round(x / n),
    targetMinutes: target,
    medianMinutes: round(num(r.median), 1),
    p90Minutes: round(num(r.p90), 1),
    meanFeedbackAfterSlow: mean(r.mean_slow),
    meanFeedbackOnTime: mean(r.mean_fast),
  };
}
