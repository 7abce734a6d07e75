// Abandonment of carts, checkouts and forms: per step and start touchpoint, the units that never reached
// their outcome (no checkout for the cart id, no order for the checkout id) and the value they carried,
// against the same step's other touchpoints.
import type { DuckDBValue } from "@duckdb/node-api";
import { all } from "../../store/database.js";
import { Params } from "../../store/sql.js";
import { type Detector, type Found, num, pct, ref, round, touchpointById, zScore } from "./detector.js";
import { buildUnits, stepRules } from "./steps.js";

export const abandonmentDetector: Detector = {
  kinds: ["abandonment"],
  rules: stepRules,
  async find(d) {
    const steps = (await buildUnits(d)).filter((s) => s.abandonment && s.outcomeIs === "success");
    if (!steps.length) return [];
    const p = new Params();
    const rows = await all(
      d.conn,
      `WITH per AS (
         SELECT step, touchpoint, count(*) AS n, count(*) FILTER (WHERE bad) AS x,
                sum(value) FILTER (WHERE bad) AS lost, count(value) FILTER (WHERE bad) AS valued,
                list(DISTINCT channel ORDER BY channel) AS channels
           FROM fr_units WHERE step IN (${steps.map((s) => p.add(s.id)).join(", ")}) GROUP BY ALL)
       SELECT per.*, sum(n) OVER (PARTITION BY step) - n AS bn, sum(x) OVER (PARTITION BY step) - x AS bx
         FROM per ORDER BY step, touchpoint NULLS LAST`,
      p.values,
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
      const where = tp?.name ?? `${step.unit}s no touchpoint names`;
      const a = new Params();
      found.push({
        friction: {
          id: `abandonment:${step.id}:${tpId ?? "other"}`,
          kind: "abandonment",
          title: `${where}: ${pct(x / n)} of ${n} ${step.unit}s end without ${step.outcome.event ?? "the outcome"}${lost === null ? "" : ` (${lost} in value)`}`,
          stage: tp?.stage ?? null,
          touchpoint: tp ? ref(tp) : null,
          touchpoints: tp ? [ref(tp)] : [],
          events: [step.start.event, step.outcome.event].filter((e): e is string => e !== undefined),
          segment: channels.length === 1 ? { channel: channels[0]! } : {},
          since: null,
          impact: x,
          lostConversions: x,
          lostRevenue: lost,
          evidence: {
            measure: `share of ${step.unit}s with no ${step.outcome.event ?? "outcome"} (by ${step.key})`,
            value: round(x / n),
            cases: x,
            units: n,
            baseline: bn ? round(bx / bn) : 0,
            baselineCases: bx,
            baselineUnits: bn,
            baselineLabel: bn
              ? `${step.unit}s at the step's other touchpoints`
              : "no other touchpoint of the step",
            z: bn ? round(zScore(x, n, bx, bn) ?? 0, 2) : null,
            details: { lostValue: lost, key: step.key },
          },
        },
        audience: {
          sql: `SELECT customer_id FROM fr_units
                 WHERE step = ${a.add(step.id)} AND bad AND touchpoint IS NOT DISTINCT FROM ${a.add(tpId)}::VARCHAR`,
          params: a.values as DuckDBValue[],
        },
      });
    }
    return found;
  },
};
