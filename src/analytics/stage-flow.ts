// Stage flow: a Sankey of the journey's stage changes in a period, read from stage_transitions after
// bringing the journey tables up to date. The semantics:
// - every stage change whose time falls in the period [from, to) is one unit of a link from the stage
//   left to the stage entered; a customer's first entry into the journey comes from "(start)";
// - forward moves come from stage signals (they may skip stages: consideration → retention); moves
//   back come from lapsing (the journey model's `lapse`) and are flagged `backward`;
// - "(exit)": a customer leaves the flow from stage X when their last stage change ever (as of the
//   refresh) falls in the period and leaves them in X, and no stage signal followed it for the model's
//   lapse length (45 days when lapsing is off), counted up to the refresh. A customer above the lapse
//   stage who goes quiet lapses first, so they exit from the lapse stage after a backward link;
// - value counts stage changes, customers counts distinct customers (a customer who lapses and comes
//   back twice adds 2 to value and 1 to customers);
// - persona: customers whose current persona (customer_facts) it is, or "unassigned".

import { type Static, Type } from "@sinclair/typebox";
import type { JourneyDefinitions } from "../journey/definitions.js";
import { type Cohort, checkCohort, cohortSql, hasCohort } from "../journey/map/scope.js";
import { stagePosition } from "../journey/model.js";
import type { JourneyRefresher } from "../journey/refresh.js";
import { invalid, notFound, type Problem } from "../problem.js";
import { ok, type Result } from "../result.js";
import { all, type Store } from "../store/database.js";
import type { Connection } from "../store/driver.js";
import { Params } from "../store/sql.js";
import { StringEnum } from "../typebox.js";
import type { Audience } from "./audience.js";
import { type Insight, type InsightContext, runInsight } from "./insight.js";
import { PeriodFields, resolvePeriod } from "./period.js";
import { StageFilter } from "./steps.js";

export const StageFlowRequest = Type.Object(
  {
    ...PeriodFields,
    stage: StageFilter,
    persona: Type.Optional(
      Type.String({ maxLength: 80, description: "Persona id, `unassigned`, or omit for all customers" }),
    ),
  },
  { additionalProperties: false },
);
export type StageFlowRequest = Static<typeof StageFlowRequest>;

export const START_NODE = "(start)";
export const EXIT_NODE = "(exit)";

export const StageFlowResult = Type.Object({
  nodes: Type.Array(
    Type.Object({
      id: Type.String({ description: "A stage key, `(start)` or `(exit)`" }),
      name: Type.String(),
    }),
    { description: "(start), the stages in journey order, (exit)" },
  ),
  links: Type.Array(
    Type.Object({
      source: Type.String({ description: "Node id" }),
      target: Type.String({ description: "Node id" }),
      value: Type.Integer({ description: "Stage changes (or exits)" }),
      customers: Type.Integer({ description: "Distinct customers" }),
      backward: Type.Boolean({ description: "A move back to an earlier stage (a lapse)" }),
      cause: StringEnum(["signal", "lapse", "exit"]),
    }),
  ),
  transitions: Type.Integer({ description: "Stage changes in the period" }),
  customers: Type.Integer({ description: "Customers with a stage change in the period" }),
  exitAfterDays: Type.Integer({ description: "Days without a stage signal after which a customer exits" }),
  persona: Type.Union([Type.String(), Type.Null()]),
  period: Type.Object({ from: Type.String(), to: Type.String() }),
  asOf: Type.String({ description: "When the journey tables were refreshed" }),
});
export type StageFlowResult = Static<typeof StageFlowResult>;

const DEFAULT_QUIET_DAYS = 45;

/**
 * The CTEs of a stage flow: t (the cohort's stage changes, flagged in_period), moves (links between
 * stages), last (each customer's newest change) and exits (links to (exit)). The result and the
 * customers behind a link read the same ones.
 */
function flowCtes(
  period: { from: Date; to: Date },
  cohort: Cohort,
  defs: JourneyDefinitions,
  quietDays: number,
  asOf: Date,
  p: Params,
): string {
  const from = `${p.add(period.from.toISOString())}::TIMESTAMP`;
  const to = `${p.add(period.to.toISOString())}::TIMESTAMP`;
  const only = hasCohort(cohort)
    ? `SEMI JOIN (${cohortSql(cohort, defs, p)}) c ON c.customer_id = t.customer_id`
    : "";
  return `WITH t AS (SELECT t.*, changed_at >= ${from} AND changed_at < ${to} AS in_period
                       FROM stage_transitions t ${only}),
          moves AS (SELECT from_stage, to_stage, any_value(cause) AS cause, count(*) AS value,
                           count(DISTINCT customer_id) AS customers
                      FROM t WHERE in_period GROUP BY ALL),
          last AS (SELECT customer_id, max(changed_at) AS at,
                          -- A lapse and a signal at the same time: the signal comes after it.
                          arg_max(to_stage, epoch_us(changed_at) * 2 + (cause <> 'lapse')::BIGINT) AS stage
                     FROM t GROUP BY customer_id),
          exited AS (SELECT l.customer_id, l.stage FROM last l JOIN customer_facts f ON f.customer_id = l.customer_id
                      WHERE l.at >= ${from} AND l.at < ${to}
                        AND f.last_signal + INTERVAL (${quietDays}) DAY <= ${p.add(asOf.toISOString())}::TIMESTAMP),
          exits AS (SELECT stage AS from_stage, NULL::SMALLINT AS to_stage, 'exit' AS cause,
                           count(*) AS value, count(*) AS customers
                      FROM exited GROUP BY ALL)`;
}

/** The request checked against the definitions, with its period and lapse length settled. */
async function plan(
  conn: Connection,
  defs: JourneyDefinitions,
  req: StageFlowRequest,
): Promise<Result<{ period: { from: Date; to: Date }; quietDays: number }, Problem>> {
  const unknown = checkCohort(req, defs);
  if (unknown) return notFound(unknown);
  const period = await resolvePeriod(conn, req.from, req.to);
  if (!period.ok) return period;
  return ok({ period: period.value, quietDays: defs.model.lapse?.afterDays ?? DEFAULT_QUIET_DAYS });
}

export async function computeStageFlow(
  conn: Connection,
  defs: JourneyDefinitions,
  req: StageFlowRequest,
  asOf: Date,
): Promise<Result<StageFlowResult, Problem>> {
  const persona = req.persona;
  const planned = await plan(conn, defs, req);
  if (!planned.ok) return planned;
  const { period, quietDays } = planned.value;

  const p = new Params();
  const rows = await all(
    conn,
    `${flowCtes(period, req, defs, quietDays, asOf, p)}
     SELECT * FROM moves UNION ALL SELECT * FROM exits
     UNION ALL
     SELECT NULL, NULL, 'total', count(*), count(DISTINCT customer_id) FROM t WHERE in_period`,
    p.values,
  );
  const stages = defs.model.stages;
  const nodeId = (position: number | null) =>
    position === null
      ? EXIT_NODE
      : position === 0
        ? START_NODE
        : (stages[position - 1]?.key ?? `#${position}`);
  const order = (position: number | null) => (position === null ? stages.length + 1 : position);
  const total = rows.find((r) => r.cause === "total");
  const links = rows
    .filter((r) => r.cause !== "total")
    .map((r) => ({
      from: Number(r.from_stage),
      to: r.to_stage === null ? null : Number(r.to_stage),
      cause: String(r.cause) as "signal" | "lapse" | "exit",
      value: Number(r.value),
      customers: Number(r.customers),
    }))
    .sort((a, b) => a.from - b.from || order(a.to) - order(b.to))
    .map((l) => ({
      source: nodeId(l.from),
      target: nodeId(l.to),
      value: l.value,
      customers: l.customers,
      backward: l.to !== null && l.to < l.from,
      cause: l.cause,
    }));
  return ok({
    nodes: [
      { id: START_NODE, name: START_NODE },
      ...stages.map((s) => ({ id: s.key, name: s.name })),
      { id: EXIT_NODE, name: EXIT_NODE },
    ],
    links,
    transitions: Number(total?.value ?? 0),
    customers: Number(total?.customers ?? 0),
    exitAfterDays: quietDays,
    persona: persona ?? null,
    period: { from: period.from.toISOString(), to: period.to.toISOString() },
    asOf: asOf.toISOString(),
  });
}

/** A number of a stage flow: a link (source and target node ids), or every customer with a change (neither). */
export const StageFlowCell = Type.Object(
  {
    source: Type.Optional(Type.String({ maxLength: 40, description: "A node id: a stage key or (start)" })),
    target: Type.Optional(Type.String({ maxLength: 40, description: "A node id: a stage key or (exit)" })),
  },
  { additionalProperties: false },
);
export type StageFlowCell = Static<typeof StageFlowCell>;

async function stageFlowAudience(
  conn: Connection,
  defs: JourneyDefinitions,
  req: StageFlowRequest,
  cell: StageFlowCell,
  at: InsightContext,
): Promise<Result<Audience, Problem>> {
  const planned = await plan(conn, defs, req);
  if (!planned.ok) return planned;
  if ((cell.source === undefined) !== (cell.target === undefined))
    return invalid("cell: give source and target (a link), or neither (every customer with a stage change)");
  const position = (id: string): number | null | undefined =>
    id === START_NODE ? 0 : id === EXIT_NODE ? null : stagePosition(defs.model, id) || undefined;
  const p = new Params();
  const ctes = flowCtes(planned.value.period, req, defs, planned.value.quietDays, at.asOf, p);
  if (cell.source === undefined)
    return ok({ sql: `${ctes} SELECT customer_id FROM t WHERE in_period`, params: p.values });
  const source = position(cell.source);
  const target = position(cell.target!);
  if (source === undefined || source === null) return invalid(`cell.source: no node "${cell.source}"`);
  if (target === undefined || target === 0) return invalid(`cell.target: no node "${cell.target}"`);
  const sql =
    target === null
      ? `${ctes} SELECT customer_id FROM exited WHERE stage = ${p.add(source)}`
      : `${ctes} SELECT customer_id FROM t WHERE in_period AND from_stage = ${p.add(source)} AND to_stage = ${p.add(target)}`;
  return ok({ sql, params: p.values });
}

export const stageFlowInsight: Insight<StageFlowRequest, StageFlowResult, StageFlowCell> = {
  kind: "stage-flow",
  summary: "Stage flow: how customers moved between journey stages in a period (Sankey nodes and links)",
  description:
    "Every stage change in [from, to) is a unit of a link; first entries come from `(start)`, lapses are backward links, and a customer whose last stage change ever falls in the period and who then had no stage signal for the model's lapse length flows to `(exit)`. Refreshes the journey tables first. `persona` and `stage` keep the customers whose current persona (`unassigned` for none) and stage they are. The customers behind any link: POST /api/insights/stage-flow/customers.",
  request: StageFlowRequest,
  result: StageFlowResult,
  cell: StageFlowCell,
  readsJourney: () => true,
  // Its CTEs hand over within one statement: no scratch tables.
  compute: (conn, _scratch, defs, req, at) => computeStageFlow(conn, defs, req, at.asOf),
  audience: (conn, _scratch, defs, req, cell, at) => stageFlowAudience(conn, defs, req, cell, at),
};

export const runStageFlow = (store: Store, refresher: JourneyRefresher, req: StageFlowRequest) =>
  runInsight(store, refresher, stageFlowInsight, req);
