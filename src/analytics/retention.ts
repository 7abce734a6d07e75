// Retention cohorts, computed in SQL per stitched customer. The semantics follow PostHog's retention
// insight (its RetentionQueryRunner):
// - periods are UTC days, ISO weeks (Monday to Sunday) or calendar months; `from` is rounded down to the
//   start of its period, and the cohorts are the periods from there up to the one holding `to`
//   (exclusive); without `from`, the last `periods` periods up to `to`;
// - first_time: a customer's cohort is the period of their first start event ever, which must fall in
//   the range (a customer who started before it is in no cohort); recurring: every period in which a
//   customer did the start event puts them in that period's cohort;
// - period 0 is the cohort period itself and always holds the whole cohort (100%): as in PostHog, the
//   start event counts and a return event in the same period adds nothing;
// - period k (1 ≤ k < periods) counts the cohort's customers who did the return event at any time in
//   the k-th period after the cohort's, read up to `to`; periods that begin at or after `to` are left
//   out (the table is a triangle); the last one shown may be partial;
// - totals weigh each period by cohort size: the retained customers of every cohort that reached that
//   period over the sum of those cohorts' sizes.

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
import { dataEnd, PeriodFields } from "./period.js";
import { checkSteps, PersonaFilter, readsJourneyTables, StageFilter, Step, stepName } from "./steps.js";
import { buildStream } from "./stream.js";

export const RetentionModes = ["first_time", "recurring"] as const;
export const RetentionPeriods = ["day", "week", "month"] as const;
export type RetentionPeriod = (typeof RetentionPeriods)[number];

export const RetentionRequest = Type.Object(
  {
    persona: PersonaFilter,
    stage: StageFilter,
    start: Step,
    return: Step,
    mode: Type.Optional(
      StringEnum(RetentionModes, {
        description:
          "first_time: cohort by each customer's first start event ever; recurring: every start event puts the customer in that period's cohort",
        default: "first_time",
      }),
    ),
    period: Type.Optional(StringEnum(RetentionPeriods, { description: "UTC day, ISO week or month" })),
    periods: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 52,
        default: 12,
        description:
          "Periods followed after each cohort (0 … periods−1), and cohorts when `from` is not given",
      }),
    ),
    ...PeriodFields,
  },
  { additionalProperties: false },
);
export type RetentionRequest = Static<typeof RetentionRequest>;

const RetentionValue = Type.Object({
  period: Type.Integer({ description: "0 is the cohort period itself" }),
  customers: Type.Integer(),
  percentage: Type.Number({ description: "Of the cohort, 0–100, two decimals" }),
});

export const RetentionResult = Type.Object({
  cohorts: Type.Array(
    Type.Object({
      start: Type.String({ description: "Start of the cohort period (UTC)" }),
      size: Type.Integer(),
      values: Type.Array(RetentionValue),
    }),
  ),
  totals: Type.Array(
    Type.Object({
      period: Type.Integer(),
      customers: Type.Integer({ description: "Retained customers of the cohorts that reached this period" }),
      size: Type.Integer({ description: "Sum of the sizes of those cohorts" }),
      percentage: Type.Number(),
    }),
  ),
  steps: Type.Object({ start: Type.String(), return: Type.String() }),
  mode: StringEnum(RetentionModes),
  period: StringEnum(RetentionPeriods),
  periods: Type.Integer(),
  range: Type.Object({ from: Type.String(), to: Type.String() }),
});
export type RetentionResult = Static<typeof RetentionResult>;

const DAY = 86_400_000;
/** More cohorts than this is a table nobody reads (a year of days fits). */
const MAX_COHORTS = 400;

/** The start of the UTC period holding `ms`, as date_trunc computes it in SQL. */
export function periodStart(ms: number, unit: RetentionPeriod): number {
  if (unit === "month") {
    const d = new Date(ms);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
  const day = Math.floor(ms / DAY) * DAY;
  return unit === "day" ? day : day - ((new Date(day).getUTCDay() + 6) % 7) * DAY;
}

export function addPeriods(ms: number, unit: RetentionPeriod, k: number): number {
  if (unit !== "month") return ms + k * (unit === "day" ? 1 : 7) * DAY;
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + k, 1);
}

interface Plan {
  mode: (typeof RetentionModes)[number];
  unit: RetentionPeriod;
  periods: number;
  /** Start of the first cohort period. */
  from: number;
  to: number;
  /** Start of each cohort period. */
  cohorts: number[];
}

async function plan(
  conn: Connection,
  defs: JourneyDefinitions,
  req: RetentionRequest,
): Promise<Result<Plan, Problem>> {
  const problem = checkSteps(req, { start: req.start, return: req.return }, defs);
  if (problem) return problem;
  const unit = req.period ?? "week";
  const periods = req.periods ?? 12;
  const to = req.to ? Date.parse(req.to) : await dataEnd(conn);
  const last = periodStart(to - 1, unit);
  const from = req.from ? periodStart(Date.parse(req.from), unit) : addPeriods(last, unit, 1 - periods);
  if (!(from < to)) return invalid("from must be before to");
  const cohorts: number[] = [];
  for (let c = from; c < to; c = addPeriods(c, unit, 1)) {
    if (cohorts.length === MAX_COHORTS)
      return invalid(
        `the range holds more than ${MAX_COHORTS} ${unit}s: use a longer period or a shorter range`,
      );
    cohorts.push(c);
  }
  return ok({ mode: req.mode ?? "first_time", unit, periods, from, to, cohorts });
}

const iso = (ms: number) => new Date(ms).toISOString();
const percent = (n: number, of: number) => (of ? Math.round((10_000 * n) / of) / 100 : 0);

/**
 * The CTEs `cohort` (customer_id, c: the start of their cohort period) and `ret` (customer_id, r: a
 * period with a return event), from the stream (s0 start, s1 return): what the cells and their audiences
 * read.
 */
function retentionCtes(pl: Plan, stream: string, p: Params): string {
  const from = `${p.add(iso(pl.from))}::TIMESTAMP`;
  const to = `${p.add(iso(pl.to))}::TIMESTAMP`;
  const trunc = (col: string) => `date_trunc('${pl.unit}', ${col})`;
  const cohort =
    pl.mode === "first_time"
      ? // Start events are read from the beginning of the history: the first one ever decides.
        `SELECT customer_id, ${trunc("min(ts)")} AS c FROM ${stream} WHERE s0 AND ts < ${to}
          GROUP BY customer_id HAVING min(ts) >= ${from}`
      : `SELECT DISTINCT customer_id, ${trunc("ts")} AS c FROM ${stream} WHERE s0 AND ts >= ${from} AND ts < ${to}`;
  return `WITH cohort AS (${cohort}),
          ret AS (SELECT DISTINCT customer_id, ${trunc("ts")} AS r FROM ${stream}
                   WHERE s1 AND ts >= ${from} AND ts < ${to})`;
}

/** A returning customer's period k > 0: returned after the cohort period and within `periods` of it. */
const returned = (pl: Plan) => `r.r > c.c AND r.r < c.c + INTERVAL (${pl.periods}) ${pl.unit.toUpperCase()}`;

/** Cohort sizes (k = 0) and retained customers per cohort and period. */
async function cells(conn: Connection, pl: Plan, stream: string): Promise<Map<number, Map<number, number>>> {
  const p = new Params();
  const rows = await all(
    conn,
    `${retentionCtes(pl, stream, p)}
     SELECT epoch_ms(c) AS c, 0 AS k, count(*) AS n FROM cohort GROUP BY c
     UNION ALL
     SELECT epoch_ms(c.c), date_diff('${pl.unit}', c.c, r.r), count(*)
       FROM cohort c JOIN ret r ON r.customer_id = c.customer_id
      WHERE ${returned(pl)}
      GROUP BY ALL`,
    p.values,
  );
  const out = new Map<number, Map<number, number>>();
  for (const r of rows) {
    const c = Number(r.c);
    if (!out.has(c)) out.set(c, new Map());
    out.get(c)!.set(Number(r.k), Number(r.n));
  }
  return out;
}

/** Checks the request and builds the stream in `scratch`: what the cells and their audiences read. */
async function prepareRetention(
  conn: Connection,
  scratch: Scratchpad,
  defs: JourneyDefinitions,
  req: RetentionRequest,
): Promise<Result<{ plan: Plan; stream: string }, Problem>> {
  const planned = await plan(conn, defs, req);
  if (!planned.ok) return planned;
  const pl = planned.value;
  const { stream } = await buildStream(
    conn,
    scratch,
    defs,
    {
      steps: [req.start, req.return],
      from: new Date(pl.mode === "first_time" ? 0 : pl.from),
      until: new Date(pl.to),
      cohort: req,
    },
    new Params(),
  );
  return ok({ plan: pl, stream });
}

export async function computeRetention(
  conn: Connection,
  scratch: Scratchpad,
  defs: JourneyDefinitions,
  req: RetentionRequest,
): Promise<Result<RetentionResult, Problem>> {
  const prepared = await prepareRetention(conn, scratch, defs, req);
  if (!prepared.ok) return prepared;
  const { plan: pl, stream } = prepared.value;
  const counts = await cells(conn, pl, stream);
  const totals = Array.from({ length: pl.periods }, (_, k) => ({ period: k, customers: 0, size: 0 }));
  const cohorts = pl.cohorts.map((c) => {
    const row = counts.get(c);
    const size = row?.get(0) ?? 0;
    const values: RetentionResult["cohorts"][number]["values"] = [];
    for (let k = 0; k < pl.periods && addPeriods(c, pl.unit, k) < pl.to; k++) {
      const customers = row?.get(k) ?? 0;
      values.push({ period: k, customers, percentage: percent(customers, size) });
      totals[k]!.customers += customers;
      totals[k]!.size += size;
    }
    return { start: iso(c), size, values };
  });
  return ok({
    cohorts,
    totals: totals
      .filter((t) => cohorts.some((c) => c.values.length > t.period))
      .map((t) => ({ ...t, percentage: percent(t.customers, t.size) })),
    steps: { start: stepName(req.start, defs), return: stepName(req.return, defs) },
    mode: pl.mode,
    period: pl.unit,
    periods: pl.periods,
    range: { from: iso(pl.from), to: iso(pl.to) },
  });
}

/** A cell of the retention table: a cohort's size (period 0) or its customers retained in a period. */
export const RetentionCell = Type.Object(
  {
    cohort: Type.String({ format: "date-time", description: "The cohort's start, as in the result" }),
    period: Type.Integer({ minimum: 0, description: "0: the cohort itself; k: retained in its k-th period" }),
  },
  { additionalProperties: false },
);
export type RetentionCell = Static<typeof RetentionCell>;

async function retentionAudience(
  conn: Connection,
  scratch: Scratchpad,
  defs: JourneyDefinitions,
  req: RetentionRequest,
  cell: RetentionCell,
): Promise<Result<Audience, Problem>> {
  const prepared = await prepareRetention(conn, scratch, defs, req);
  if (!prepared.ok) return prepared;
  const { plan: pl, stream } = prepared.value;
  const cohort = Date.parse(cell.cohort);
  if (!pl.cohorts.includes(cohort))
    return invalid(`cell.cohort: no cohort starts at ${cell.cohort} (the result's cohorts[].start are)`);
  if (cell.period >= pl.periods || addPeriods(cohort, pl.unit, cell.period) >= pl.to)
    return invalid(`cell.period: the cohort of ${cell.cohort} has no period ${cell.period} in the range`);
  const p = new Params();
  const ctes = retentionCtes(pl, stream, p);
  const c = `${p.add(iso(cohort))}::TIMESTAMP`;
  const sql =
    cell.period === 0
      ? `${ctes} SELECT customer_id FROM cohort WHERE c = ${c}`
      : `${ctes} SELECT c.customer_id FROM cohort c JOIN ret r ON r.customer_id = c.customer_id
          WHERE c.c = ${c} AND ${returned(pl)} AND date_diff('${pl.unit}', c.c, r.r) = ${cell.period}`;
  return ok({ sql, params: p.values });
}

export const retentionInsight: Insight<RetentionRequest, RetentionResult, RetentionCell> = {
  kind: "retention",
  summary: "Retention cohorts: of the customers who did the start step in a period, who came back",
  description:
    "Cohorts by each customer's first start event (first_time) or by every start event (recurring), per UTC day, ISO week or month. Period 0 is the cohort period and holds the whole cohort; period k counts the cohort's customers who did the return step in the k-th period after it. Totals weigh each period by cohort size. Customers are stitched at read time. The customers behind any cell: POST /api/insights/retention/customers.",
  request: RetentionRequest,
  result: RetentionResult,
  cell: RetentionCell,
  readsJourney: (req) => readsJourneyTables(req, [req.start, req.return]),
  compute: computeRetention,
  audience: retentionAudience,
};

export const runRetention = (store: Store, refresher: JourneyRefresher, req: RetentionRequest) =>
  runInsight(store, refresher, retentionInsight, req);
