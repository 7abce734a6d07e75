// Drop-off after a touchpoint, measured the way the journey map reads its stages: of the customers who
// used a touchpoint that should move them on (an advancing touchpoint, or a failure such as a declined
// payment), the share that did not reach a later stage within the model's conversionDays — against the
// same share over every touchpoint of its stage, and against the touchpoint's own days before a change
// point. It needs no step definitions, so it finds drop-offs in any catalogue, and the map's pain points
// are these findings with the rest of the finder's.

import * as m from "../../findings/message.js";
import { type SqlValue, sqlList } from "../../store/driver.js";
import { Params } from "../../store/sql.js";
import {
  atTouchpoint,
  type Detection,
  type Detector,
  type Found,
  inPeriod,
  round,
  touchpointById,
  zScore,
} from "./detector.js";
import type { SeriesDay } from "./schema.js";
import { changePointOf, dailyCounts, seriesOf } from "./series.js";

const DAY_MS = 86_400_000;

/** "went on to a later stage within `days` after this row" over journey rows. */
const wentOn = (days: number) => `coalesce(next_stage_at <= timestamp + INTERVAL (${days}) DAY, false)`;

/** Touchpoints whose customers are expected to move on: advancing ones and failures, not in the last stage. */
function candidates(d: Detection) {
  const last = d.defs.model.stages.length;
  const position = (key: string) => d.defs.model.stages.findIndex((s) => s.key === key) + 1;
  return d.defs.touchpoints.filter(
    (t) => (t.advances || t.kind === "failure") && position(t.stage) > 0 && position(t.stage) < last,
  );
}

export const stageDropOffDetector: Detector = {
  kinds: ["drop-off", "failure"],
  async find(d) {
    const s = d.settings;
    const tps = candidates(d);
    if (!tps.length) return [];
    const days = d.defs.model.conversionDays;
    const p = new Params();
    // Per customer, touchpoint and day: did they reach a later stage within conversionDays after that
    // day's uses; per customer, stage and day the same over all of the stage's touchpoints. Days, not
    // customers: bucketing a customer on their first day would favour the early days, when the most
    // active customers show up first.
    const counts = await dailyCounts(
      d,
      `WITH per AS (
         SELECT touchpoint, stage, customer_id, epoch_ms(date_trunc('day', timestamp)) AS day,
                bool_or(${wentOn(days)}) AS converted
           FROM ${d.tables.journey} WHERE touchpoint IS NOT NULL AND ${inPeriod(d, p, "timestamp")}
          GROUP BY ALL),
       td AS (
         SELECT touchpoint, stage, day, count(*) AS n, count(*) FILTER (WHERE NOT converted) AS x
           FROM per WHERE touchpoint = ANY(${p.add(sqlList(tps.map((t) => t.id)))}) GROUP BY ALL),
       sd AS (
         SELECT stage, day, count(*) AS n, count(*) FILTER (WHERE NOT converted) AS x
           FROM (SELECT stage, customer_id, day, bool_or(converted) AS converted FROM per GROUP BY ALL)
          GROUP BY ALL)
       SELECT touchpoint AS key, day, n AS au, x AS ax, 0 AS bu, 0 AS bx FROM td
       UNION ALL
       SELECT k.touchpoint, s.day, 0, 0, s.n, s.x
         FROM (SELECT DISTINCT touchpoint, stage FROM td) k JOIN sd s USING (stage)`,
      p.values as SqlValue[],
    );
    // A change point only among the days whose conversion window ended within the period: the last
    // conversionDays would look worse only because they are not over.
    const complete = new Date(d.to.getTime() - days * DAY_MS).toISOString().slice(0, 10);
    const found: Found[] = [];
    for (const [id, byDay] of [...counts].sort((a, b) => a[0].localeCompare(b[0]))) {
      const tp = touchpointById(d.defs, id);
      const series = seriesOf(d, byDay);
      const all = totals(series, () => true);
      if (!tp || all.n < s.minUnits) continue;
      const failure = tp.kind === "failure";
      const settled = series.filter((day) => day.day < complete);
      const changePoint = changePointOf(settled, s.minUnits);
      const grew = changePoint ? grewSince(settled, changePoint, s) : false;
      // A failure when its days lead on less than the stage's (refunds that end nothing are not one);
      // any other touchpoint only when it got worse: a steadily lower conversion than its stage's is what
      // an early step of a stage looks like (browsing converts less than checkout), not a problem.
      // (The ratio is of conversions: drop-off shares near 1 leave no room for a ratio above it.)
      const worse =
        failure &&
        all.x >= s.minCases &&
        (1 - all.x / all.n) * s.minRatio <= 1 - all.bx / all.bn &&
        (zScore(all.x, all.n, all.bx, all.bn) ?? 0) >= s.minZ;
      if (!worse && !(grew && !failure)) continue;
      // A failure against its stage over the period; a grown drop-off: the customers since the change point against the touchpoint's own before it, so the
      // evidence and the series from `since` agree.
      const since = grew && !failure ? `${changePoint}T00:00:00.000Z` : null;
      const e = since
        ? (() => {
            const after = totals(series, (day) => day.day >= changePoint!);
            const before = totals(series, (day) => day.day < changePoint!);
            return { n: after.n, x: after.x, bn: before.n, bx: before.x };
          })()
        : all;
      const rate = e.x / e.n;
      const baseline = e.bn ? e.bx / e.bn : 0;
      const lost = Math.max(0, e.n * (rate - baseline));
      const a = new Params();
      found.push({
        friction: {
          id: failure ? `failure:${tp.id}` : `drop-off:touchpoint:${tp.id}`,
          kind: failure ? "failure" : "drop-off",
          message: m.message(`friction.stageDropOff.${failure ? "failure" : "grew"}`, {
            touchpoint: m.name(tp.name),
            customers: m.number(e.n),
            rate: m.percent(rate),
            baseline: m.percent(baseline),
            days: m.number(days),
            ...(since ? { since: m.day(since) } : {}),
          }),
          notes: [],
          ...atTouchpoint(tp),
          segment: {},
          since,
          impact: round(failure ? Math.max(lost, e.x) : lost, 1),
          lostConversions: failure ? null : round(lost, 1),
          lostRevenue: null,
          series,
          changePoint,
          evidence: {
            value: round(rate),
            cases: e.x,
            units: e.n,
            baseline: round(baseline),
            baselineCases: e.bx,
            baselineUnits: e.bn,
            z: round(zScore(e.x, e.n, e.bx, e.bn) ?? 0, 2),
            details: { conversionDays: days, stageRate: all.bn ? round(all.bx / all.bn) : null },
            messages: {
              measure: m.message("friction.stageDropOff.measure", { days: m.number(days) }),
              baseline: since
                ? m.message("friction.stageDropOff.baselineBefore", { since: m.day(since) })
                : m.message("friction.stageDropOff.baseline"),
            },
          },
        },
        // Its customers with a day there that led to no later stage (since the change point, if it grew).
        audience: {
          sql: `SELECT customer_id FROM ${d.tables.journey}
                 WHERE touchpoint = ${a.add(tp.id)} AND ${inPeriod(d, a, "timestamp")}
                       ${since ? `AND timestamp >= ${a.add(since)}::TIMESTAMP` : ""}
                 GROUP BY customer_id, date_trunc('day', timestamp)
                HAVING NOT bool_or(${wentOn(days)})`,
          params: a.values as SqlValue[],
        },
      });
    }
    return found;
  },
};

/** The affected and baseline customers of the days `keep` takes. */
function totals(series: readonly SeriesDay[], keep: (day: SeriesDay) => boolean) {
  const t = { n: 0, x: 0, bn: 0, bx: 0 };
  for (const day of series.filter(keep)) {
    t.n += day.affected.units;
    t.x += day.affected.cases;
    t.bn += day.baseline.units;
    t.bx += day.baseline.cases;
  }
  return t;
}

/** Days either side of a change point that must show the jump itself (a drift shows none up close). */
const JUMP_DAYS = 7;

/**
 * Whether the days from the change point on are worse than the days before by the settings' ratio and
 * z, with enough customers on both sides — and whether the week either side of it shows that jump too:
 * a conversion that slides over the whole period (customers' mix changing) has a best split as well,
 * but no step at it, and is not a problem that started on a day.
 */
function grewSince(series: readonly SeriesDay[], changePoint: string, s: Detection["settings"]): boolean {
  const at = series.findIndex((day) => day.day === changePoint);
  // Two weeks of the touchpoint before it: the first days of a history are unlike the rest (everyone in
  // them is newly seen), and a split there says more about the data's start than about a problem.
  const first = series.findIndex((day) => day.affected.units > 0);
  if (at - first < 2 * JUMP_DAYS) return false;
  const near = (from: number, to: number) => totals(series.slice(Math.max(0, from), to), () => true);
  const sides = [
    [totals(series, (day) => day.day < changePoint), totals(series, (day) => day.day >= changePoint)],
    [near(at - JUMP_DAYS, at), near(at, at + JUMP_DAYS)],
  ] as const;
  return sides.every(
    ([before, after]) =>
      before.n >= s.minUnits &&
      after.n >= s.minUnits &&
      after.x >= s.minCases &&
      after.x / after.n >= (before.x / before.n) * s.minRatio &&
      (zScore(after.x, after.n, before.x, before.n) ?? 0) >= s.minZ,
  );
}
