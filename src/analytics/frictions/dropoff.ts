// Abnormal drop-off at a step, and the segment that explains it. For every step (payment attempt →
// failure, checkout → no order…), every segment of one or two dimensions and every start day, the rate of
// bad outcomes in "the segment from that day on" is compared with everything else (a scan statistic);
// the strongest significant cell wins. Its start is then placed where the segment's own rate jumped
// (the best split of its days into before and after), so `since` is the change point, not the day that
// happened to maximise the contrast.

import * as m from "../../findings/message.js";
import { all } from "../../store/database.js";
import type { SqlValue } from "../../store/driver.js";
import { Params, quoteString } from "../../store/sql.js";
import {
  type Detection,
  type Detector,
  type Found,
  num,
  ref,
  round,
  segmentValue,
  touchpointById,
  zScore,
  zSql,
} from "./detector.js";
import type { Step } from "./discovery.js";
import { dailyCounts, evidenceOverTime } from "./series.js";
import { buildUnits, stepRules } from "./steps.js";

/** Single values that may pair up into two-dimension segments, per step. */
const PAIR_CANDIDATES = 6;
/** A two-dimension segment must beat its best single dimension by this share of z to be preferred. */
const PAIR_PENALTY = 0.03;
/** The change point inside the chosen segment needs this |z| to count as a start. */
const CHANGE_Z = 3.5;

/**
 * For each segment (d1 = v1, and d2 = v2 when not NULL) of `segDays`, the start day whose "segment from
 * then on" contrasts most with everything else.
 */
function scanSql(d: Detection, segDays: string, minUnits: string, minCases: string): string {
  return `
    SELECT c.step, c.d1, c.v1, c.d2, c.v2, c.day, c.n, c.x, ${zSql("c.x", "c.n", "t.x - c.x", "t.n - c.n")} AS z
      FROM (SELECT step, d1, v1, d2, v2, day, sum(n) OVER w AS n, sum(x) OVER w AS x
              FROM ${segDays}
            WINDOW w AS (PARTITION BY step, d1, v1, d2, v2 ORDER BY day DESC ROWS UNBOUNDED PRECEDING)) c
      JOIN ${d.tables.tot} t USING (step)
     WHERE c.n >= ${minUnits} AND c.x >= ${minCases} AND t.n > c.n
    QUALIFY row_number() OVER (PARTITION BY c.step, c.d1, c.v1, c.d2, c.v2 ORDER BY z DESC NULLS LAST, c.day) = 1`;
}

/** Dimensions in the order segments are preferred and shown: the settings', then persona, then properties. */
const dimensionOrder = (d: Detection): string[] => [...d.settings.dimensions.map((x) => x.name), "persona"];

interface Segment {
  dims: string[];
  vals: string[];
}

/** Units of the step inside the segment, as a predicate on `tables.units` u. */
function inSegment(d: Detection, step: string, s: Segment, p: Params): string {
  return s.dims
    .map(
      (dim, i) =>
        `u.unit IN (SELECT unit FROM ${d.tables.dims} WHERE step = ${p.add(step)} AND dim = ${p.add(dim)} AND val = ${p.add(s.vals[i]!)})`,
    )
    .join(" AND ");
}

async function bestSegments(d: Detection): Promise<Map<string, Segment & { z: number }>> {
  const s = d.settings;
  const p = new Params();
  const minUnits = p.add(s.minUnits);
  const minCases = p.add(s.minCases);
  await d.conn.run(`CREATE OR REPLACE TABLE ${d.tables.tot} AS
    SELECT step, count(*)::DOUBLE AS n, count(*) FILTER (WHERE bad)::DOUBLE AS x FROM ${d.tables.units} GROUP BY step`);
  await d.conn.run(
    `CREATE OR REPLACE TABLE ${d.tables.single} AS ${scanSql(
      d,
      `(SELECT step, dim AS d1, val AS v1, NULL::VARCHAR AS d2, NULL::VARCHAR AS v2, day,
               count(*)::DOUBLE AS n, count(*) FILTER (WHERE bad)::DOUBLE AS x
          FROM ${d.tables.dims} GROUP BY ALL)`,
      minUnits,
      minCases,
    )}`,
    p.values,
  );
  const q = new Params();
  const pairs = scanSql(
    d,
    `(WITH cand AS (SELECT step, d1 AS dim, v1 AS val FROM ${d.tables.single} WHERE z >= 2
                    QUALIFY row_number() OVER (PARTITION BY step ORDER BY z DESC, d1, v1) <= ${PAIR_CANDIDATES}),
           cd AS (SELECT * FROM ${d.tables.dims} SEMI JOIN cand USING (step, dim, val))
      SELECT a.step, a.dim AS d1, a.val AS v1, b.dim AS d2, b.val AS v2, a.day,
             count(*)::DOUBLE AS n, count(*) FILTER (WHERE a.bad)::DOUBLE AS x
        FROM cd a JOIN cd b ON a.step = b.step AND a.unit = b.unit AND a.dim < b.dim
       GROUP BY ALL)`,
    q.add(s.minUnits),
    q.add(s.minCases),
  );
  // Equal segments (os Android and device type android, say) are told apart by the settings' order.
  const order = `[${dimensionOrder(d).map(quoteString).join(", ")}]`;
  const rank = (col: string) => `coalesce(list_position(${order}, ${col}), 99)`;
  const rows = await all(
    d.conn,
    `WITH every AS (SELECT * FROM ${d.tables.single} UNION ALL (${pairs}))
     SELECT e.step, e.d1, e.v1, e.d2, e.v2, e.z, e.x / e.n AS rate, (t.x - e.x) / (t.n - e.n) AS rest
       FROM every e JOIN ${d.tables.tot} t USING (step)
      WHERE e.z IS NOT NULL
    QUALIFY row_number() OVER (
              PARTITION BY e.step
              ORDER BY e.z * (1 - ${q.add(PAIR_PENALTY)} * (e.d2 IS NOT NULL)::INTEGER) DESC, e.d2 IS NOT NULL,
                       ${rank("e.d1")} + coalesce(${rank("e.d2")}, 0), e.d1, e.v1, e.d2, e.v2) = 1`,
    q.values,
  );
  const out = new Map<string, Segment & { z: number }>();
  for (const r of rows) {
    const z = num(r.z);
    const rate = num(r.rate);
    const rest = num(r.rest);
    if (z < s.minZ || rate < rest * s.minRatio) continue;
    const dims = [String(r.d1), ...(r.d2 === null ? [] : [String(r.d2)])];
    const vals = [String(r.v1), ...(r.v2 === null ? [] : [String(r.v2)])];
    out.set(String(r.step), { dims, vals, z });
  }
  return out;
}

/** Binomial log-likelihood of x bad out of n at their own rate, SQL. */
const logLikelihood = (x: string, n: string) =>
  `(CASE WHEN ${x} > 0 THEN ${x} * ln(${x} / ${n}) ELSE 0 END +
    CASE WHEN ${n} - ${x} > 0 THEN (${n} - ${x}) * ln(1 - ${x} / ${n}) ELSE 0 END)`;

/**
 * The day the segment's own rate jumped: the split of its days into before and after with the largest
 * likelihood ratio (a rise only), kept when the rise is significant.
 */
async function changePoint(d: Detection, step: string, seg: Segment): Promise<Date | null> {
  const p = new Params();
  const pred = inSegment(d, step, seg, p);
  const [row] = await all(
    d.conn,
    `WITH days AS (SELECT date_trunc('day', u.ts) AS day, count(*)::DOUBLE AS n,
                          count(*) FILTER (WHERE u.bad)::DOUBLE AS x
                     FROM ${d.tables.units} u WHERE u.step = ${p.add(step)} AND ${pred} GROUP BY 1),
          tot AS (SELECT sum(n) AS n, sum(x) AS x FROM days),
          c AS (SELECT day, sum(n) OVER w AS an, sum(x) OVER w AS ax FROM days
                WINDOW w AS (ORDER BY day DESC ROWS UNBOUNDED PRECEDING)),
          splits AS (SELECT c.day, c.an, c.ax, tot.n - c.an AS bn, tot.x - c.ax AS bx, tot.n AS n, tot.x AS x FROM c, tot)
     SELECT epoch_ms(day) AS day, ${zSql("ax", "an", "bx", "bn")} AS z,
            ${logLikelihood("ax", "an")} + ${logLikelihood("bx", "bn")} - ${logLikelihood("x", "n")} AS llr
       FROM splits
      WHERE an >= ${p.add(d.settings.minUnits)} AND bn >= ${p.add(d.settings.minUnits)} AND ax / an > bx / bn
      ORDER BY llr DESC, day LIMIT 1`,
    p.values,
  );
  return row && num(row.z) >= CHANGE_Z ? new Date(num(row.day)) : null;
}

async function describe(d: Detection, step: Step, seg: Segment, since: Date | null): Promise<Found> {
  const p = new Params();
  const pred = inSegment(d, step.id, seg, p);
  const after = since ? `u.ts >= ${p.add(since.toISOString())}::TIMESTAMP` : "true";
  const [r] = await all(
    d.conn,
    `WITH u AS (SELECT u.*, (${pred}) AS inseg, ${after} AS after FROM ${d.tables.units} u WHERE u.step = ${p.add(step.id)})
     SELECT count(*) FILTER (WHERE inseg AND after) AS n, count(*) FILTER (WHERE inseg AND after AND bad) AS x,
            count(*) FILTER (WHERE NOT (inseg AND after)) AS bn,
            count(*) FILTER (WHERE NOT (inseg AND after) AND bad) AS bx,
            count(*) FILTER (WHERE inseg AND NOT after) AS sn, count(*) FILTER (WHERE inseg AND NOT after AND bad) AS sx,
            count(*) FILTER (WHERE NOT inseg AND after) AS rn, count(*) FILTER (WHERE NOT inseg AND after AND bad) AS rx,
            avg(value) FILTER (WHERE inseg AND after) AS value,
            mode(touchpoint) FILTER (WHERE inseg AND after) AS touchpoint,
            list(DISTINCT touchpoint ORDER BY touchpoint) FILTER (WHERE inseg AND after AND touchpoint IS NOT NULL) AS tps,
            list(DISTINCT channel ORDER BY channel) FILTER (WHERE inseg AND after) AS channels
       FROM u`,
    p.values,
  );
  const n = num(r?.n);
  const x = num(r?.x);
  const bn = num(r?.bn);
  const bx = num(r?.bx);
  const rate = n ? x / n : 0;
  const baseline = bn ? bx / bn : 0;
  const excess = Math.max(0, x - n * baseline);
  const order = dimensionOrder(d);
  const rank = (dim: string) => (order.includes(dim) ? order.indexOf(dim) : order.length);
  const pairs = seg.dims
    .map((dim, i) => [dim, segmentValue(seg.vals[i]!)] as const)
    .sort((a, b) => rank(a[0]) - rank(b[0]) || a[0].localeCompare(b[0]));
  const segment: Record<string, string | number | boolean> = Object.fromEntries(pairs);
  const channels = (r?.channels as string[] | null) ?? [];
  if (!("channel" in segment) && channels.length === 1) segment.channel = channels[0]!;
  const tp = touchpointById(d.defs, r?.touchpoint as string | null);
  const tps = ((r?.tps as string[] | null) ?? []).flatMap((id) => {
    const t = touchpointById(d.defs, id);
    return t ? [ref(t)] : [];
  });
  const failing = step.outcomeIs === "failure";
  const value = r?.value === null || r?.value === undefined ? null : num(r.value);
  const sn = num(r?.sn);
  const rn = num(r?.rn);
  const audience = new Params();
  const audiencePred = inSegment(d, step.id, seg, audience);
  const audienceSince = since ? `AND u.ts >= ${audience.add(since.toISOString())}::TIMESTAMP` : "";
  // The segment's units per day against every other unit of the step.
  const daily = new Params();
  const counts = await dailyCounts(
    d,
    `SELECT 'step' AS key, epoch_ms(date_trunc('day', u.ts)) AS day,
            count(*) FILTER (WHERE inseg) AS au, count(*) FILTER (WHERE inseg AND u.bad) AS ax,
            count(*) FILTER (WHERE NOT inseg) AS bu, count(*) FILTER (WHERE NOT inseg AND u.bad) AS bx
       FROM (SELECT u.ts, u.bad, (${inSegment(d, step.id, seg, daily)}) AS inseg
               FROM ${d.tables.units} u WHERE u.step = ${daily.add(step.id)}) u
      GROUP BY ALL`,
    daily.values as SqlValue[],
  );
  const words = {
    unit: m.name(step.unit),
    start: m.name(step.start.event ?? step.id),
    outcome: m.name(step.outcome.event ?? step.id),
  };
  const when: Record<string, m.MessageParam> = since ? { since: m.day(since) } : {};
  // A step without a key is measured by visits (did the customer go on within the window), and worded so.
  const visits = !step.key;
  const titleKey = `friction.dropOff.${visits ? "stopped" : failing ? "fail" : "abandoned"}${since ? "Since" : ""}`;
  return {
    friction: {
      id: `drop-off:${step.id}`,
      kind: "drop-off",
      message: m.message(titleKey, {
        ...words,
        ...when,
        segment: m.segment(segment),
        rate: m.percent(rate),
        baseline: m.percent(baseline),
      }),
      notes: [],
      stage: tp?.stage ?? null,
      touchpoint: tp ? ref(tp) : null,
      touchpoints: tps,
      events: [step.start.event, step.outcome.event].filter((e): e is string => e !== undefined),
      segment,
      since: since ? since.toISOString() : null,
      impact: round(excess, 1),
      lostConversions: failing ? null : round(excess, 1),
      lostRevenue: value === null || failing ? null : round(excess * value, 0),
      ...evidenceOverTime(d, counts.get("step")),
      evidence: {
        value: round(rate),
        cases: x,
        units: n,
        baseline: round(baseline),
        baselineCases: bx,
        baselineUnits: bn,
        z: round(zScore(x, n, bx, bn) ?? 0, 2),
        details: {
          segmentBefore: sn ? round(num(r?.sx) / sn) : null,
          segmentUnitsBefore: sn,
          restSince: rn ? round(num(r?.rx) / rn) : null,
          restUnitsSince: rn,
          excessCases: round(excess, 1),
          meanValue: value === null ? null : round(value, 2),
        },
        messages: {
          measure: visits
            ? m.message("friction.dropOff.measureStopped", words)
            : m.message(
                failing ? "friction.dropOff.measureFail" : "friction.dropOff.measureAbandoned",
                words,
              ),
          baseline: m.message(`friction.dropOff.baseline${visits ? "Stopped" : ""}${since ? "Since" : ""}`, {
            ...words,
            ...when,
          }),
        },
      },
    },
    audience: {
      sql: `SELECT u.customer_id FROM ${d.tables.units} u
             WHERE u.step = ${audience.add(step.id)} AND u.bad AND ${audiencePred} ${audienceSince}`,
      params: audience.values as SqlValue[],
    },
  };
}

/** A drop-off whose customers are this share or more behind one already kept is the same problem. */
const SAME_PROBLEM = 0.5;

/**
 * One problem shows at every step its customers pass (a payment that fails also ends the checkout): it is
 * reported once, at the step that shows it best. Configured steps come first (they say what the data's
 * names mean), then the strongest evidence; a drop-off is dropped when most of its customers are behind
 * one kept before it.
 */
async function oneFrictionPerProblem(
  d: Detection,
  found: Array<{ found: Found; step: Step; z: number }>,
): Promise<Found[]> {
  const order = [...found].sort(
    (a, b) =>
      Number(a.step.discovered) - Number(b.step.discovered) ||
      b.z - a.z ||
      a.step.id.localeCompare(b.step.id),
  );
  const kept: Found[] = [];
  for (const f of order) {
    let same = false;
    for (const k of kept) {
      const [row] = await all(
        d.conn,
        `WITH a AS (SELECT DISTINCT customer_id FROM (${f.found.audience.sql})),
              b AS (SELECT DISTINCT customer_id FROM (${renumber(k.audience.sql, f.found.audience.params.length)}))
         SELECT count(*) AS n, count(*) FILTER (WHERE customer_id IN (SELECT customer_id FROM b)) AS shared FROM a`,
        [...f.found.audience.params, ...k.audience.params],
      );
      if (num(row?.n) > 0 && num(row?.shared) >= SAME_PROBLEM * num(row?.n)) {
        same = true;
        break;
      }
    }
    if (!same) kept.push(f.found);
  }
  return kept;
}

/** The statement's $1, $2… moved up by `by`, so two audiences' parameters can share one statement. */
const renumber = (sql: string, by: number) => sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + by}`);

export const dropOffDetector: Detector = {
  kinds: ["drop-off"],
  rules: stepRules,
  async find(d) {
    const steps = await buildUnits(d);
    const best = await bestSegments(d);
    const found: Array<{ found: Found; step: Step; z: number }> = [];
    for (const step of steps) {
      const seg = best.get(step.id);
      if (!seg) continue;
      const since = await changePoint(d, step.id, seg);
      // A discovered step is a path most customers take; a segment that always went another way is how
      // the data is, not a problem. It is reported when the segment's drop-off began at a change point.
      if (step.discovered && !since) continue;
      const one = await describe(d, step, seg, since);
      found.push({ found: one, step, z: one.friction.evidence.z ?? 0 });
    }
    return oneFrictionPerProblem(d, found);
  },
};
