// Time to convert: how long stitched customers take from one step to another, computed in SQL. The
// semantics:
// - a customer enters with their first `start` step event in the period [from, to) — only the first
//   counts;
// - they convert at the first `end` step event after it (later in time, or at the same time with a later
//   message id) within the window, which includes its end (default 14 days); `end` events after `to`
//   count while the window is open;
// - median and p90 interpolate between neighbouring conversions (DuckDB quantile_cont, as the funnel's
//   median does);
// - the histogram covers converted customers: by default in human steps (1 min, 5 min, 15 min, 1 h, 4 h,
//   12 h, 1 d, 2 d, 4 d, 7 d, 14 d, 30 d, …) up to the window; with `bins`, that many bins evenly spaced
//   on a log scale from the fastest to the slowest conversion. A bin holds [from, to), the last also its
//   upper end.

import { type Static, Type } from "@sinclair/typebox";
import type { JourneyDefinitions } from "../journey/definitions.js";
import type { JourneyRefresher } from "../journey/refresh.js";
import { invalid, type Problem } from "../problem.js";
import { ok, type Result } from "../result.js";
import { all, type Store } from "../store/database.js";
import type { Connection } from "../store/driver.js";
import type { Scratchpad } from "../store/scratchpad.js";
import { Params } from "../store/sql.js";
import { StringEnum } from "../typebox.js";
import type { Audience } from "./audience.js";
import { type Insight, runInsight } from "./insight.js";
import { PeriodFields, resolvePeriod } from "./period.js";
import {
  checkSteps,
  DurationText,
  lengthOf,
  PersonaFilter,
  readsJourneyTables,
  StageFilter,
  Step,
  stepName,
} from "./steps.js";
import { buildStream } from "./stream.js";

export const TimeToConvertRequest = Type.Object(
  {
    persona: PersonaFilter,
    stage: StageFilter,
    start: Step,
    end: Step,
    window: Type.Optional(DurationText),
    ...PeriodFields,
    bins: Type.Optional(
      Type.Integer({
        minimum: 2,
        maximum: 50,
        description: "Log-spaced bins from the fastest to the slowest conversion (default: human steps)",
      }),
    ),
  },
  { additionalProperties: false },
);
export type TimeToConvertRequest = Static<typeof TimeToConvertRequest>;

const Seconds = Type.Union([Type.Number(), Type.Null()]);

export const TimeToConvertResult = Type.Object({
  steps: Type.Object({ start: Type.String(), end: Type.String() }),
  entered: Type.Integer({ description: "Customers with a `start` event in the period" }),
  converted: Type.Integer(),
  notConverted: Type.Integer(),
  medianSeconds: Seconds,
  p90Seconds: Seconds,
  averageSeconds: Seconds,
  fastestSeconds: Seconds,
  slowestSeconds: Seconds,
  histogram: Type.Array(
    Type.Object({
      label: Type.String({ description: "e.g. 1h–4h" }),
      fromSeconds: Type.Number(),
      toSeconds: Type.Number(),
      customers: Type.Integer(),
      percentage: Type.Number({ description: "Of the converted customers, 0–100, two decimals" }),
    }),
  ),
  window: Type.String(),
  period: Type.Object({ from: Type.String(), to: Type.String() }),
});
export type TimeToConvertResult = Static<typeof TimeToConvertResult>;

const MINUTE = 60;
const HOUR = 3600;
const DAY_S = 86_400;
const HUMAN_EDGES = [
  MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  HOUR,
  4 * HOUR,
  12 * HOUR,
  DAY_S,
  2 * DAY_S,
  4 * DAY_S,
  7 * DAY_S,
  14 * DAY_S,
  30 * DAY_S,
  60 * DAY_S,
  90 * DAY_S,
  180 * DAY_S,
  365 * DAY_S,
];

/** 90 → "1.5m", 3600 → "1h", 12.3 → "12s": the largest unit that reads well, up to one decimal. */
export function formatSeconds(s: number): string {
  for (const [unit, size] of [
    ["d", DAY_S],
    ["h", HOUR],
    ["m", MINUTE],
  ] as const) {
    if (s >= size) return `${Math.round((s / size) * 10) / 10}${unit}`;
  }
  return `${Math.round(s * 10) / 10}s`;
}

/** Bin edges [e0, e1, …, en]: bin i holds [e_i, e_i+1). */
function binEdges(
  windowSeconds: number,
  bins: number | undefined,
  fastest: number,
  slowest: number,
): number[] {
  if (bins === undefined) return [0, ...HUMAN_EDGES.filter((e) => e < windowSeconds), windowSeconds];
  const lo = Math.max(fastest, 1);
  const hi = Math.max(slowest, lo);
  if (hi === lo) return [fastest, slowest];
  const edges = Array.from(
    { length: bins + 1 },
    (_, i) => Math.round(lo * (hi / lo) ** (i / bins) * 1000) / 1000,
  );
  edges[0] = Math.min(fastest, lo);
  edges[bins] = hi;
  return edges;
}

interface Plan {
  windowMs: number;
  from: Date;
  to: Date;
}

async function plan(
  conn: Connection,
  defs: JourneyDefinitions,
  req: TimeToConvertRequest,
): Promise<Result<Plan, Problem>> {
  const problem = checkSteps(req, { start: req.start, end: req.end }, defs);
  if (problem) return problem;
  const window = lengthOf("window", req.window, "14d");
  if (!window.ok) return window;
  const period = await resolvePeriod(conn, req.from, req.to);
  if (!period.ok) return period;
  return ok({ windowMs: window.value, ...period.value });
}

/** The bin of the conversions' `seconds` for the edges (numbers computed here, never user text). */
function binSql(edges: number[]): string {
  const cases = edges
    .slice(1, -1)
    .map((e, i) => `WHEN seconds < ${e} THEN ${i}`)
    .join(" ");
  return cases ? `CASE ${cases} ELSE ${edges.length - 2} END` : "0";
}

/**
 * Checks the request and builds `conversions` in `scratch`: per customer who entered, their first `from`
 * event (t0) and the seconds to their first later `to` event within the window (NULL: not converted).
 */
async function prepareTimeToConvert(
  conn: Connection,
  scratch: Scratchpad,
  defs: JourneyDefinitions,
  req: TimeToConvertRequest,
): Promise<Result<{ plan: Plan; conversions: string }, Problem>> {
  const planned = await plan(conn, defs, req);
  if (!planned.ok) return planned;
  const pl = planned.value;
  const { stream } = await buildStream(
    conn,
    scratch,
    defs,
    {
      steps: [req.start, req.end],
      from: pl.from,
      until: new Date(pl.to.getTime() + pl.windowMs),
      cohort: req,
    },
    new Params(),
  );
  const p = new Params();
  const conversions = scratch.table("conversions");
  // Events in order per customer (rn breaks ties of equal timestamps by message id), so a step that is
  // both `from` and `to` converts on its next event, never on itself.
  await conn.run(
    `CREATE TABLE ${conversions} AS
     WITH ordered AS MATERIALIZED (
            SELECT customer_id, ts, s0, s1, row_number() OVER (PARTITION BY customer_id ORDER BY ts, mid) AS rn
              FROM ${stream}),
          f AS (SELECT customer_id, min(rn) AS rn, min(ts) AS t0 FROM ordered
                 WHERE s0 AND ts >= ${p.add(pl.from.toISOString())}::TIMESTAMP
                   AND ts < ${p.add(pl.to.toISOString())}::TIMESTAMP
                 GROUP BY customer_id)
     SELECT f.customer_id, f.t0,
            CASE WHEN b.ts <= f.t0 + INTERVAL (${Math.round(pl.windowMs)}) MILLISECOND
                 THEN (epoch_ms(b.ts) - epoch_ms(f.t0)) / 1000 END AS seconds
       FROM f ASOF LEFT JOIN (SELECT customer_id, rn, ts FROM ordered WHERE s1) b
         ON f.customer_id = b.customer_id AND f.rn < b.rn`,
    p.values,
  );
  return ok({ plan: pl, conversions });
}

const percent = (n: number, of: number) => (of ? Math.round((10_000 * n) / of) / 100 : 0);
/** Seconds to the millisecond: interpolated quantiles and means carry float noise beyond it. */
const num = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 1000) / 1000);

export async function computeTimeToConvert(
  conn: Connection,
  scratch: Scratchpad,
  defs: JourneyDefinitions,
  req: TimeToConvertRequest,
): Promise<Result<TimeToConvertResult, Problem>> {
  const prepared = await prepareTimeToConvert(conn, scratch, defs, req);
  if (!prepared.ok) return prepared;
  const { plan: pl, conversions } = prepared.value;
  const [s] = await all(
    conn,
    `SELECT count(*) AS entered, count(seconds) AS converted, median(seconds) AS median,
            quantile_cont(seconds, 0.9) AS p90, avg(seconds) AS average, min(seconds) AS fastest,
            max(seconds) AS slowest
       FROM ${conversions}`,
  );
  const converted = Number(s?.converted ?? 0);
  const fastest = num(s?.fastest);
  const slowest = num(s?.slowest);
  const windowSeconds = pl.windowMs / 1000;
  let histogram: TimeToConvertResult["histogram"] = [];
  if (req.bins === undefined || (fastest !== null && slowest !== null)) {
    const edges = binEdges(windowSeconds, req.bins, fastest ?? 0, slowest ?? 0);
    const rows = await all(
      conn,
      `SELECT ${binSql(edges)} AS bin, count(*) AS n FROM ${conversions} WHERE seconds IS NOT NULL GROUP BY 1`,
    );
    const counts = new Map(rows.map((r) => [Number(r.bin), Number(r.n)]));
    histogram = edges.slice(0, -1).map((lo, i) => {
      const hi = edges[i + 1]!;
      const customers = counts.get(i) ?? 0;
      return {
        label: i === 0 && lo === 0 ? `< ${formatSeconds(hi)}` : `${formatSeconds(lo)}–${formatSeconds(hi)}`,
        fromSeconds: lo,
        toSeconds: hi,
        customers,
        percentage: percent(customers, converted),
      };
    });
  }
  const entered = Number(s?.entered ?? 0);
  return ok({
    steps: { start: stepName(req.start, defs), end: stepName(req.end, defs) },
    entered,
    converted,
    notConverted: entered - converted,
    medianSeconds: num(s?.median),
    p90Seconds: num(s?.p90),
    averageSeconds: num(s?.average),
    fastestSeconds: fastest,
    slowestSeconds: slowest,
    histogram,
    window: req.window ?? "14d",
    period: { from: pl.from.toISOString(), to: pl.to.toISOString() },
  });
}

/** A number of time to convert: a histogram bin, or the customers who entered, converted or did not. */
export const TimeToConvertCell = Type.Object(
  {
    bin: Type.Optional(Type.Integer({ minimum: 0, description: "A histogram bin's index" })),
    outcome: Type.Optional(StringEnum(["entered", "converted", "not_converted"])),
  },
  { additionalProperties: false, description: "Exactly one of bin or outcome" },
);
export type TimeToConvertCell = Static<typeof TimeToConvertCell>;

async function timeToConvertAudience(
  conn: Connection,
  scratch: Scratchpad,
  defs: JourneyDefinitions,
  req: TimeToConvertRequest,
  cell: TimeToConvertCell,
): Promise<Result<Audience, Problem>> {
  if ((cell.bin === undefined) === (cell.outcome === undefined))
    return invalid("cell: give exactly one of bin or outcome");
  const prepared = await prepareTimeToConvert(conn, scratch, defs, req);
  if (!prepared.ok) return prepared;
  const { plan: pl, conversions } = prepared.value;
  if (cell.outcome !== undefined) {
    const outcomes = { entered: "true", converted: "seconds IS NOT NULL", not_converted: "seconds IS NULL" };
    const where = outcomes[cell.outcome as keyof typeof outcomes];
    return ok({ sql: `SELECT customer_id FROM ${conversions} WHERE ${where}`, params: [] });
  }
  const [s] = await all(conn, `SELECT min(seconds) AS fastest, max(seconds) AS slowest FROM ${conversions}`);
  const fastest = num(s?.fastest);
  const slowest = num(s?.slowest);
  if (req.bins !== undefined && (fastest === null || slowest === null))
    return invalid("cell.bin: nobody converted, so the histogram has no bins");
  const edges = binEdges(pl.windowMs / 1000, req.bins, fastest ?? 0, slowest ?? 0);
  if (cell.bin! >= edges.length - 1) return invalid(`cell.bin: the histogram has ${edges.length - 1} bins`);
  return ok({
    sql: `SELECT customer_id FROM ${conversions} WHERE seconds IS NOT NULL AND ${binSql(edges)} = ${cell.bin}`,
    params: [],
  });
}

export const timeToConvertInsight: Insight<TimeToConvertRequest, TimeToConvertResult, TimeToConvertCell> = {
  kind: "time-to-convert",
  summary: "Time to convert: how long customers take from one step to another (histogram, median, p90)",
  description:
    "Per stitched customer: from their first `start` step event in the period [from, to) to the first later `end` step event within the window (default 14d, inclusive). Converted and not converted customers, median, p90 and mean, and a histogram in human steps or `bins` log-spaced bins. The customers behind any bin or count: POST /api/insights/time-to-convert/customers.",
  request: TimeToConvertRequest,
  result: TimeToConvertResult,
  cell: TimeToConvertCell,
  readsJourney: (req) => readsJourneyTables(req, [req.start, req.end]),
  compute: computeTimeToConvert,
  audience: timeToConvertAudience,
};

export const runTimeToConvert = (store: Store, refresher: JourneyRefresher, req: TimeToConvertRequest) =>
  runInsight(store, refresher, timeToConvertInsight, req);
