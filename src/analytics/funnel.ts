// Funnels, computed in SQL per stitched customer. The semantics (README, "Funnels"):
// - a customer counts at step k only if they did steps 1..k in order within the window, which runs from
//   their step-1 event and includes its end;
// - one event fills at most one step; every step-1 event starts an attempt, and the customer's best
//   attempt counts (most steps, then the earliest);
// - ordered allows other events between steps, strict does not, unordered takes the steps in any order;
// - an exclusion event between the given steps of the counted attempt removes the customer;
// - a breakdown takes its value from the counted attempt's step-1 event.

import { type Static, Type } from "@sinclair/typebox";
import type { JourneyDefinitions } from "../journey/definitions.js";
import type { JourneyRefresher } from "../journey/refresh.js";
import { invalid, type Problem } from "../problem.js";
import { ok, type Result } from "../result.js";
import { all, type Store } from "../store/database.js";
import type { Connection } from "../store/driver.js";
import type { Scratchpad } from "../store/scratchpad.js";
import { Params, quoteString } from "../store/sql.js";
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
import { buildStream, type Stream } from "./stream.js";

export const FunnelOrders = ["ordered", "strict", "unordered"] as const;

export const FunnelRequest = Type.Object(
  {
    persona: PersonaFilter,
    stage: StageFilter,
    steps: Type.Array(Step, { minItems: 2, maxItems: 30 }),
    window: Type.Optional(DurationText),
    order: Type.Optional(StringEnum(FunnelOrders)),
    ...PeriodFields,
    exclusions: Type.Optional(
      Type.Array(
        Type.Composite([
          Step,
          Type.Object({
            between: Type.Tuple([Type.Integer({ minimum: 0 }), Type.Integer({ minimum: 1 })], {
              description: "0-based step indexes: the exclusion counts after the first and before the second",
            }),
          }),
        ]),
        { maxItems: 10 },
      ),
    ),
    breakdown: Type.Optional(
      Type.Object(
        { property: Type.String({ pattern: "^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$" }) },
        { additionalProperties: false },
      ),
    ),
    interval: Type.Optional(
      StringEnum(["day", "week"], { description: "Conversion over time, by attempt start" }),
    ),
  },
  { additionalProperties: false },
);
export type FunnelRequest = Static<typeof FunnelRequest>;

const FunnelStep = Type.Object({
  name: Type.String(),
  count: Type.Integer(),
  conversionFromFirst: Type.Number(),
  conversionFromPrevious: Type.Number(),
  medianSecondsFromPrevious: Type.Union([Type.Number(), Type.Null()]),
});

export const FunnelResult = Type.Object({
  steps: Type.Array(FunnelStep),
  breakdown: Type.Optional(
    Type.Array(
      Type.Object({ value: Type.Union([Type.String(), Type.Null()]), steps: Type.Array(FunnelStep) }),
    ),
  ),
  overTime: Type.Optional(
    Type.Array(
      Type.Object({
        start: Type.String(),
        entered: Type.Integer(),
        converted: Type.Integer(),
        conversion: Type.Number(),
      }),
    ),
  ),
  excluded: Type.Integer({ description: "Customers removed by an exclusion" }),
  period: Type.Object({ from: Type.String(), to: Type.String() }),
  window: Type.String(),
  order: StringEnum(FunnelOrders),
});
export type FunnelResult = Static<typeof FunnelResult>;

interface Plan {
  names: string[];
  n: number;
  windowMs: number;
  order: (typeof FunnelOrders)[number];
  from: Date;
  to: Date;
}

/** Checks the request against the definitions and settles its defaults. */
async function plan(
  conn: Connection,
  defs: JourneyDefinitions,
  req: FunnelRequest,
): Promise<Result<Plan, Problem>> {
  const exclusions = req.exclusions ?? [];
  const problem = checkSteps(
    req,
    Object.fromEntries([
      ...req.steps.map((s, i) => [`steps[${i}]`, s]),
      ...exclusions.map(({ between: _b, ...s }, i) => [`exclusions[${i}]`, s]),
    ]),
    defs,
  );
  if (problem) return problem;
  for (const [i, { between }] of exclusions.entries())
    if (between[0] >= between[1] || between[1] >= req.steps.length)
      return invalid(`exclusions[${i}].between must be two step indexes a < b < ${req.steps.length}`);
  if (req.breakdown && req.order === "unordered")
    return invalid("a breakdown needs an ordered or strict funnel");
  const window = lengthOf("window", req.window, "14d");
  if (!window.ok) return window;
  const period = await resolvePeriod(conn, req.from, req.to);
  if (!period.ok) return period;
  const { from, to } = period.value;
  return ok({
    names: req.steps.map((s) => stepName(s, defs)),
    n: req.steps.length,
    windowMs: window.value,
    order: req.order ?? "ordered",
    from,
    to,
  });
}

const seconds = (ms: number) => `INTERVAL (${Math.round(ms / 1000)}) SECOND`;
const cols = (n: number, f: (i: number) => string, sep = ", ") =>
  Array.from({ length: n }, (_, i) => f(i)).join(sep);

/**
 * Ordered and strict funnels: every step-1 event starts an attempt; each next step is the customer's
 * earliest later event of that step (the greedy choice is optimal for order-preserving funnels), and an
 * attempt stops at the first step beyond its window. Fills `attempts`: one counted attempt per customer.
 */
async function orderedAttempts(conn: Connection, stream: Stream, t: FunnelTables, pl: Plan): Promise<void> {
  const n = pl.n;
  const fromSql = `${quoteString(pl.from.toISOString())}::TIMESTAMP`;
  const toSql = `${quoteString(pl.to.toISOString())}::TIMESTAMP`;
  // Events in order per customer (rn breaks ties of equal timestamps by message id).
  await conn.run(`CREATE TABLE ${t.rows} AS
    SELECT *, row_number() OVER (PARTITION BY customer_id ORDER BY ts, mid) AS rn FROM ${stream.stream}`);
  const rows = t.rows;
  const limit = `a.t0 + ${seconds(pl.windowMs)}`;
  const inPeriod = `s0 AND ts >= ${fromSql} AND ts < ${toSql}`;
  const ctes: string[] = [];
  if (pl.order === "strict") {
    // Strict: the next step must be the customer's very next event, so every attempt is its own chain.
    ctes.push(`c0 AS (SELECT customer_id, rn AS r0, ts AS t0, bd FROM ${rows} WHERE ${inPeriod})`);
    for (let k = 1; k < n; k++)
      ctes.push(`c${k} AS (SELECT a.*, CASE WHEN b.ts <= ${limit} THEN b.rn END AS r${k},
                                 CASE WHEN b.ts <= ${limit} THEN b.ts END AS t${k}
                            FROM c${k - 1} a LEFT JOIN ${rows} b
                              ON b.customer_id = a.customer_id AND b.rn = a.r${k - 1} + 1 AND b.s${k})`);
  } else {
    // A step-1 event followed by another before the step-2 event they both lead to starts the same chain
    // later, and that later attempt reaches at least as far: so the attempts are the last step-1 event
    // before each step-2 event, and the customer's last step-1 event.
    ctes.push(`c0 AS (
      SELECT DISTINCT z.customer_id, z.rn AS r0, z.ts AS t0, z.bd
        FROM (SELECT customer_id, rn FROM ${rows} WHERE s1) q
        ASOF JOIN (SELECT customer_id, rn, ts, bd FROM ${rows} WHERE ${inPeriod}) z
          ON q.customer_id = z.customer_id AND q.rn > z.rn
      UNION
      SELECT customer_id, max(rn), arg_max(ts, rn), arg_max(bd, rn) FROM ${rows} WHERE ${inPeriod} GROUP BY customer_id)`);
    // Each next step: the earliest event of that step after the previous one (an as-of join).
    for (let k = 1; k < n; k++)
      // An as-of join matches a NULL key too: a chain that stopped must stay stopped.
      ctes.push(`c${k} AS (SELECT a.*, CASE WHEN a.r${k - 1} IS NOT NULL AND b.ts <= ${limit} THEN b.rn END AS r${k},
                                 CASE WHEN a.r${k - 1} IS NOT NULL AND b.ts <= ${limit} THEN b.ts END AS t${k}
                            FROM c${k - 1} a ASOF LEFT JOIN (SELECT customer_id, rn, ts FROM ${rows} WHERE s${k}) b
                              ON a.customer_id = b.customer_id AND a.r${k - 1} < b.rn)`);
  }
  const reached = cols(n, (i) => `(r${i} IS NOT NULL)::INTEGER`, " + ");
  await conn.run(
    `CREATE TABLE ${t.attempts} AS
     WITH ${ctes.join(",\n")}
     SELECT DISTINCT ON (customer_id) customer_id, bd, ${cols(n, (i) => `t${i}`)}, ${reached} AS reached
       FROM c${n - 1} ORDER BY customer_id, reached DESC, t0, r0`,
  );
}

/**
 * Unordered funnels: from each step event, the distinct steps done within the window after it (a step
 * listed twice needs two events); a customer's best start counts.
 */
async function unorderedAttempts(
  conn: Connection,
  stream: Stream,
  t: FunnelTables,
  pl: Plan,
  req: FunnelRequest,
  p: Params,
): Promise<void> {
  // Steps with the same definition share their events: count each definition once, up to its multiplicity.
  const groups = new Map<string, number[]>();
  req.steps.forEach((s, i) => {
    const key = JSON.stringify({ ...s, name: undefined });
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const frame = `(PARTITION BY customer_id ORDER BY ts RANGE BETWEEN CURRENT ROW AND ${seconds(pl.windowMs)} FOLLOWING)`;
  const done = [...groups.values()]
    .map((idx) => `least(count(*) FILTER (WHERE s${idx[0]}) OVER ${frame}, ${idx.length})`)
    .join(" + ");
  const any = cols(pl.n, (i) => `s${i}`, " OR ");
  await conn.run(
    `CREATE TABLE ${t.attempts} AS
     SELECT DISTINCT ON (customer_id) customer_id, NULL::VARCHAR AS bd, ts AS t0, ${cols(pl.n - 1, (i) => `NULL::TIMESTAMP AS t${i + 1}`)}, reached
       FROM (SELECT customer_id, ts, ${done} AS reached FROM ${stream.stream} WHERE ${any})
      WHERE ts >= ${p.add(pl.from.toISOString())}::TIMESTAMP AND ts < ${p.add(pl.to.toISOString())}::TIMESTAMP
      ORDER BY customer_id, reached DESC, ts`,
    p.values,
  );
}

/**
 * The counted attempts without those of customers who had an exclusion event between the given steps:
 * the table the counts and lists read, and how many customers it left out.
 */
async function applyExclusions(
  conn: Connection,
  stream: Stream,
  t: FunnelTables,
  pl: Plan,
  req: FunnelRequest,
): Promise<{ best: string; excluded: number }> {
  const xs = req.exclusions ?? [];
  if (!xs.length) return { best: t.attempts, excluded: 0 };
  const conds = xs.map((x, j) => {
    const col = `s${pl.n + j}`;
    const [a, b] = x.between;
    // Not reaching step b: the exclusion counts up to the end of the window.
    const end = `coalesce(f.t${b}, f.t0 + ${seconds(pl.windowMs)})`;
    return `EXISTS (SELECT 1 FROM ${stream.stream} x WHERE x.customer_id = f.customer_id AND x.${col}
                      AND f.t${a} IS NOT NULL AND x.ts > f.t${a} AND x.ts < ${end})`;
  });
  // A second table rather than a DELETE: no backend has to support changing rows in place.
  await conn.run(`CREATE TABLE ${t.best} AS SELECT * FROM ${t.attempts} f WHERE NOT (${conds.join(" OR ")})`);
  const [row] = await all(
    conn,
    `SELECT (SELECT count(*) FROM ${t.attempts}) - (SELECT count(*) FROM ${t.best}) AS excluded`,
  );
  return { best: t.best, excluded: Number(row?.excluded ?? 0) };
}

type StepRow = Static<typeof FunnelStep>;

async function stepCounts(
  conn: Connection,
  best: string,
  pl: Plan,
  groupBy?: string,
): Promise<Map<string | null, StepRow[]>> {
  const counts = cols(pl.n, (i) => `count(*) FILTER (WHERE reached >= ${i + 1}) AS c${i}`);
  const medians = cols(
    pl.n - 1,
    (i) => `median(epoch(t${i + 1}) - epoch(t${i})) FILTER (WHERE reached >= ${i + 2}) AS m${i + 1}`,
  );
  const rows = await all(
    conn,
    `SELECT ${groupBy ?? "NULL"} AS g, ${counts}${pl.n > 1 ? `, ${medians}` : ""} FROM ${best} ${groupBy ? `GROUP BY ${groupBy}` : ""} ORDER BY c0 DESC, g`,
  );
  const out = new Map<string | null, StepRow[]>();
  for (const r of rows) {
    const c = (i: number) => Number(r[`c${i}`] ?? 0);
    out.set(
      r.g === null || r.g === undefined ? null : String(r.g),
      pl.names.map((name, i) => ({
        name,
        count: c(i),
        conversionFromFirst: c(0) ? c(i) / c(0) : 0,
        conversionFromPrevious: i === 0 ? 1 : c(i - 1) ? c(i) / c(i - 1) : 0,
        medianSecondsFromPrevious:
          i === 0 || pl.order === "unordered" || r[`m${i}`] === null ? null : Number(r[`m${i}`]),
      })),
    );
  }
  if (!out.size && !groupBy)
    out.set(
      null,
      pl.names.map((name, i) => ({
        name,
        count: 0,
        conversionFromFirst: 0,
        conversionFromPrevious: i === 0 ? 1 : 0,
        medianSecondsFromPrevious: null,
      })),
    );
  return out;
}

/** The funnel's tables in the run's scratchpad. */
interface FunnelTables {
  /** The stream's events in order per customer (rn). */
  rows: string;
  /** One counted attempt per customer: customer_id, bd, t0…tN-1 (step times), reached (steps). */
  attempts: string;
  /** The counted attempts left after the exclusions. */
  best: string;
}

/**
 * Builds the counted attempts for the request in `scratch`: `best`, the table the counts and the customer
 * lists read.
 */
async function prepareFunnel(
  conn: Connection,
  scratch: Scratchpad,
  defs: JourneyDefinitions,
  req: FunnelRequest,
): Promise<Result<{ plan: Plan; best: string; excluded: number }, Problem>> {
  const planned = await plan(conn, defs, req);
  if (!planned.ok) return planned;
  const pl = planned.value;
  const p = new Params();
  const exclusionSteps = (req.exclusions ?? []).map(({ between: _b, ...s }) => s);
  const stream = await buildStream(
    conn,
    scratch,
    defs,
    {
      steps: [...req.steps, ...exclusionSteps],
      from: pl.from,
      until: new Date(pl.to.getTime() + pl.windowMs),
      allEvents: pl.order === "strict",
      breakdown: req.breakdown?.property,
      cohort: req,
    },
    p,
  );
  const t: FunnelTables = {
    rows: scratch.table("funnel_rows"),
    attempts: scratch.table("funnel_attempts"),
    best: scratch.table("funnel_best"),
  };
  if (pl.order === "unordered") await unorderedAttempts(conn, stream, t, pl, req, new Params());
  else await orderedAttempts(conn, stream, t, pl);
  const { best, excluded } = await applyExclusions(conn, stream, t, pl, req);
  return ok({ plan: pl, best, excluded });
}

export async function computeFunnel(
  conn: Connection,
  scratch: Scratchpad,
  defs: JourneyDefinitions,
  req: FunnelRequest,
): Promise<Result<FunnelResult, Problem>> {
  const prepared = await prepareFunnel(conn, scratch, defs, req);
  if (!prepared.ok) return prepared;
  const { plan: pl, best, excluded } = prepared.value;
  const total = await stepCounts(conn, best, pl);
  const result: FunnelResult = {
    steps: total.get(null) ?? [],
    excluded,
    period: { from: pl.from.toISOString(), to: pl.to.toISOString() },
    window: req.window ?? "14d",
    order: pl.order,
  };
  if (req.breakdown) {
    const groups = await stepCounts(conn, best, pl, "bd");
    result.breakdown = [...groups].map(([value, steps]) => ({ value, steps }));
  }
  if (req.interval) {
    const rows = await all(
      conn,
      `SELECT epoch_ms(date_trunc('${req.interval === "week" ? "week" : "day"}', t0)) AS start, count(*) AS entered,
              count(*) FILTER (WHERE reached = ${pl.n}) AS converted
         FROM ${best} GROUP BY 1 ORDER BY 1`,
    );
    result.overTime = rows.map((r) => ({
      start: new Date(Number(r.start)).toISOString(),
      entered: Number(r.entered),
      converted: Number(r.converted),
      conversion: Number(r.entered) ? Number(r.converted) / Number(r.entered) : 0,
    }));
  }
  return ok(result);
}

/** A number of a funnel's result: a step's count, or its count in a breakdown row or an over-time point. */
export const FunnelCell = Type.Object(
  {
    step: Type.Integer({ minimum: 1, description: "1-based step" }),
    kind: StringEnum(["reached", "dropped"], {
      description: "reached: did the step; dropped: did the step and not the next",
    }),
    breakdown: Type.Optional(
      Type.Union([Type.String({ maxLength: 1000 }), Type.Null()], {
        description: "Only the customers of this breakdown value (null: those without one)",
      }),
    ),
    period: Type.Optional(
      Type.String({
        format: "date-time",
        description:
          "Only the attempts that started in the over-time interval beginning then (step 1 reached: entered; last step reached: converted)",
      }),
    ),
  },
  { additionalProperties: false },
);
export type FunnelCell = Static<typeof FunnelCell>;

/** The customers behind a cell: those who did the step, or who did it and went no further. */
async function funnelAudience(
  conn: Connection,
  scratch: Scratchpad,
  defs: JourneyDefinitions,
  req: FunnelRequest,
  cell: FunnelCell,
): Promise<Result<Audience, Problem>> {
  const n = req.steps.length;
  if (cell.step > n) return invalid(`step ${cell.step} is beyond the funnel's ${n} steps`);
  // Nobody drops after the last step: "dropped" there would list the customers who converted.
  if (cell.kind === "dropped" && cell.step === n)
    return invalid(`step ${cell.step} is the funnel's last: nobody drops after it (ask for reached)`);
  if (cell.breakdown !== undefined && !req.breakdown)
    return invalid("breakdown: the funnel has no breakdown");
  if (cell.period !== undefined && !req.interval) return invalid("period: the funnel has no interval");
  const prepared = await prepareFunnel(conn, scratch, defs, req);
  if (!prepared.ok) return prepared;
  const p = new Params();
  const where = [cell.kind === "reached" ? `reached >= ${cell.step}` : `reached = ${cell.step}`];
  if (cell.breakdown !== undefined) where.push(`bd IS NOT DISTINCT FROM ${p.add(cell.breakdown)}`);
  if (cell.period !== undefined)
    where.push(
      `date_trunc('${req.interval === "week" ? "week" : "day"}', t0) = ${p.add(new Date(cell.period).toISOString())}::TIMESTAMP`,
    );
  return ok({
    sql: `SELECT customer_id FROM ${prepared.value.best} WHERE ${where.join(" AND ")}`,
    params: p.values,
  });
}

export const funnelInsight: Insight<FunnelRequest, FunnelResult, FunnelCell> = {
  kind: "funnel",
  summary: "A funnel: customers who did steps 1..k in order within the window, per step",
  description:
    "Counted per stitched customer. The window runs from the step-1 event and includes its end (default 14d). One event fills at most one step; every step-1 event starts an attempt and the customer's best attempt counts. ordered allows other events between steps, strict does not, unordered takes the steps in any order. An exclusion event between the given steps of the counted attempt removes the customer. A breakdown takes the step-1 event's property; an interval counts entered and converted per day or week of the attempt's start. The customers behind any step, breakdown row or over-time point: POST /api/insights/funnel/customers.",
  request: FunnelRequest,
  result: FunnelResult,
  cell: FunnelCell,
  readsJourney: (req) => readsJourneyTables(req, [...req.steps, ...(req.exclusions ?? [])]),
  compute: computeFunnel,
  audience: funnelAudience,
};

export const runFunnel = (store: Store, refresher: JourneyRefresher, req: FunnelRequest) =>
  runInsight(store, refresher, funnelInsight, req);
