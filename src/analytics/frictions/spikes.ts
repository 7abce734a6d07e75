// Negative-feedback spikes: a feedback touchpoint whose share of negative answers in the last days of the
// period is significantly above its own share before.

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

const DAY_MS = 86_400_000;

export const feedbackSpikeDetector: Detector = {
  kinds: ["negative-feedback"],
  async find(d) {
    const s = d.settings;
    const recent = new Date(Math.max(d.from.getTime(), d.to.getTime() - s.spikeDays * DAY_MS));
    // A spike needs a baseline at least as long as the window it is compared with.
    if (recent.getTime() - d.from.getTime() < s.spikeDays * DAY_MS) return [];
    const p = new Params();
    const since = p.add(recent.toISOString());
    const rows = await all(
      d.conn,
      `SELECT touchpoint,
              count(*) FILTER (WHERE timestamp >= ${since}::TIMESTAMP) AS n,
              count(*) FILTER (WHERE timestamp >= ${since}::TIMESTAMP AND feedback < 0) AS x,
              count(*) FILTER (WHERE timestamp < ${since}::TIMESTAMP) AS bn,
              count(*) FILTER (WHERE timestamp < ${since}::TIMESTAMP AND feedback < 0) AS bx,
              avg(feedback) FILTER (WHERE timestamp >= ${since}::TIMESTAMP) AS mean,
              avg(feedback) FILTER (WHERE timestamp < ${since}::TIMESTAMP) AS base_mean
         FROM ${d.tables.journey}
        WHERE kind = 'feedback' AND feedback IS NOT NULL AND touchpoint IS NOT NULL AND ${inPeriod(d, p, "timestamp")}
        GROUP BY 1 ORDER BY 1`,
      p.values,
    );
    // Per day, each feedback touchpoint's answers against the other feedback touchpoints' (the day's
    // total from the same grouping, minus its own).
    const q = new Params();
    const counts = await dailyCounts(
      d,
      `WITH g AS (
         SELECT touchpoint, grouping(touchpoint) AS total, epoch_ms(date_trunc('day', timestamp)) AS day,
                count(*) AS n, count(*) FILTER (WHERE feedback < 0) AS x
           FROM ${d.tables.journey}
          WHERE kind = 'feedback' AND feedback IS NOT NULL AND touchpoint IS NOT NULL AND ${inPeriod(d, q, "timestamp")}
          GROUP BY GROUPING SETS ((touchpoint, day), (day)))
       SELECT k.touchpoint AS key, t.day, coalesce(own.n, 0) AS au, coalesce(own.x, 0) AS ax,
              t.n - coalesce(own.n, 0) AS bu, t.x - coalesce(own.x, 0) AS bx
         FROM (SELECT DISTINCT touchpoint FROM g WHERE total = 0) k
         JOIN g t ON t.total = 1
         LEFT JOIN g own ON own.total = 0 AND own.touchpoint = k.touchpoint AND own.day = t.day`,
      q.values as SqlValue[],
    );
    const found: Found[] = [];
    for (const r of rows) {
      const tp = touchpointById(d.defs, String(r.touchpoint));
      const n = num(r.n);
      const x = num(r.x);
      const bn = num(r.bn);
      const bx = num(r.bx);
      if (!tp || x < s.minCases || bn < s.minUnits) continue;
      const rate = x / n;
      const baseline = bx / bn;
      const z = zScore(x, n, bx, bn) ?? 0;
      if (z < s.minZ || rate < baseline * s.minRatio) continue;
      const excess = Math.max(0, x - n * baseline);
      const a = new Params();
      found.push({
        friction: {
          id: `negative-feedback:${tp.id}`,
          kind: "negative-feedback",
          message: m.message("friction.negativeFeedback.title", {
            touchpoint: m.name(tp.name),
            since: m.day(recent),
            rate: m.percent(rate),
            baseline: m.percent(baseline),
          }),
          notes: [],
          ...atTouchpoint(tp),
          segment: {},
          since: recent.toISOString(),
          impact: round(excess, 1),
          lostConversions: null,
          lostRevenue: null,
          ...evidenceOverTime(d, counts.get(tp.id)),
          evidence: {
            value: round(rate),
            cases: x,
            units: n,
            baseline: round(baseline),
            baselineCases: bx,
            baselineUnits: bn,
            z: round(z, 2),
            details: {
              meanFeedback: r.mean === null ? null : round(num(r.mean), 3),
              meanFeedbackBefore: r.base_mean === null ? null : round(num(r.base_mean), 3),
              windowDays: s.spikeDays,
            },
            messages: {
              measure: m.message("friction.negativeFeedback.measure"),
              baseline: m.message("friction.negativeFeedback.baseline", { since: m.day(recent) }),
            },
          },
        },
        audience: {
          sql: `SELECT customer_id FROM ${d.tables.journey}
                 WHERE kind = 'feedback' AND feedback < 0 AND touchpoint = ${a.add(tp.id)}
                   AND timestamp >= ${a.add(recent.toISOString())}::TIMESTAMP
                   AND timestamp < ${a.add(d.to.toISOString())}::TIMESTAMP`,
          params: a.values as SqlValue[],
        },
      });
    }
    return found;
  },
};
