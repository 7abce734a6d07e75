// Abandonment of carts, checkouts and forms: per step and start touchpoint, the units that never reached
// their outcome (no checkout for the cart id, no order for the checkout id) and the value they carried,
// against the same step's other touchpoints.

import * as m from "../../findings/message.js";
import { all } from "../../store/database.js";
import type { SqlValue } from "../../store/driver.js";
import { Params } from "../../store/sql.js";
import { type Detector, type Found, num, ref, round, touchpointById, zScore } from "./detector.js";
import { dailyCounts, evidenceOverTime } from "./series.js";
import { buildUnits, stepRules } from "./steps.js";

export const abandonmentDetector: Detector = {
  kinds: ["abandonment"],
  rules: stepRules,
  async find(d) {
    // Abandonment is of keyed units (a cart, a checkout): a visit without its next step is a drop-off's.
    const steps = (await buildUnits(d)).flatMap((s) =>
      s.abandonment && s.outcomeIs === "success" && s.key ? [{ ...s, key: s.key }] : [],
    );
    if (!steps.length) return [];
    const p = new Params();
    const rows = await all(
      d.conn,
      `WITH per AS (
         SELECT step, touchpoint, count(*) AS n, count(*) FILTER (WHERE bad) AS x,
                sum(value) FILTER (WHERE bad) AS lost, count(value) FILTER (WHERE bad) AS valued,
                list(DISTINCT channel ORDER BY channel) AS channels
           FROM ${d.tables.units} WHERE step IN (${steps.map((s) => p.add(s.id)).join(", ")}) GROUP BY ALL)
       SELECT per.*, sum(n) OVER (PARTITION BY step) - n AS bn, sum(x) OVER (PARTITION BY step) - x AS bx
         FROM per ORDER BY step, touchpoint NULLS LAST`,
      p.values,
    );
    // Per day, each touchpoint's units against the step's other touchpoints' (the step's day total, from
    // the same grouping, minus its own).
    const q = new Params();
    const counts = await dailyCounts(
      d,
      `WITH g AS (
         SELECT step, touchpoint, grouping(touchpoint) AS total, epoch_ms(date_trunc('day', ts)) AS day,
                count(*) AS n, count(*) FILTER (WHERE bad) AS x
           FROM ${d.tables.units} WHERE step IN (${steps.map((s) => q.add(s.id)).join(", ")})
          GROUP BY GROUPING SETS ((step, touchpoint, day), (step, day)))
       SELECT k.step || ':' || coalesce(k.touchpoint, 'other') AS key, t.day,
              coalesce(own.n, 0) AS au, coalesce(own.x, 0) AS ax,
              t.n - coalesce(own.n, 0) AS bu, t.x - coalesce(own.x, 0) AS bx
         FROM (SELECT DISTINCT step, touchpoint FROM g WHERE total = 0) k
         JOIN g t ON t.total = 1 AND t.step = k.step
         LEFT JOIN g own ON own.total = 0 AND own.step = k.step AND own.day = t.day
                        AND own.touchpoint IS NOT DISTINCT FROM k.touchpoint`,
      q.values as SqlValue[],
    );
    const found: Found[] = [];
    for (const r of rows) {
      const step = steps.find((s) => s.id === String(r.step))!;
      const n = num(r.n);
      const x = num(r.x);
      if (x < d.settings.minCases || x / n < d.settings.abandonmentShare) continue;
      const bn = num(r.bn);
      const bx = num(r.bx);
      const tpId = r.touchpoint === null ? null : String(r.touchpoint);
      const tp = touchpointById(d.defs, tpId);
      const channels = (r.channels as string[] | null) ?? [];
      const lost = num(r.valued) > 0 ? round(num(r.lost), 0) : null;
      const words = {
        unit: m.name(step.unit),
        start: m.name(step.start.event ?? step.id),
        outcome: m.name(step.outcome.event ?? step.id),
      };
      const a = new Params();
      found.push({
        friction: {
          id: `abandonment:${step.id}:${tpId ?? "other"}`,
          kind: "abandonment",
          message: m.message(tp ? "friction.abandonment.title" : "friction.abandonment.titleNoTouchpoint", {
            ...words,
            ...(tp ? { touchpoint: m.name(tp.name) } : {}),
            rate: m.percent(x / n),
            units: m.number(n),
          }),
          notes: lost === null ? [] : [m.message("friction.abandonment.lostValue", { lost: m.money(lost) })],
          stage: tp?.stage ?? null,
          touchpoint: tp ? ref(tp) : null,
          touchpoints: tp ? [ref(tp)] : [],
          events: [step.start.event, step.outcome.event].filter((e): e is string => e !== undefined),
          segment: channels.length === 1 ? { channel: channels[0]! } : {},
          since: null,
          impact: x,
          lostConversions: x,
          lostRevenue: lost,
          ...evidenceOverTime(d, counts.get(`${step.id}:${tpId ?? "other"}`)),
          evidence: {
            value: round(x / n),
            cases: x,
            units: n,
            baseline: bn ? round(bx / bn) : 0,
            baselineCases: bx,
            baselineUnits: bn,
            z: bn ? round(zScore(x, n, bx, bn) ?? 0, 2) : null,
            details: { lostValue: lost, key: step.key },
            messages: {
              measure: m.message("friction.abandonment.measure", {
                ...words,
                key: m.name(step.key.replace(/^properties\./, "")),
              }),
              baseline: m.message(
                bn ? "friction.abandonment.baseline" : "friction.abandonment.baselineNone",
                words,
              ),
            },
          },
        },
        audience: {
          sql: `SELECT customer_id FROM ${d.tables.units}
                 WHERE step = ${a.add(step.id)} AND bad AND touchpoint IS NOT DISTINCT FROM ${a.add(tpId)}::VARCHAR`,
          params: a.values as SqlValue[],
        },
      });
    }
    return found;
  },
};
