// The event stream an analysis reads: every event (or stage entry) of stitched customers that matches one
// of its steps, with one boolean column per step, built as a table in the run's scratchpad.
// Identity is resolved here, at read time, so a late login counts the anonymous events before it.

import { touchpointIndexSql } from "../journey/classify.js";
import type { JourneyDefinitions } from "../journey/definitions.js";
import { type Cohort, cohortSql, hasCohort } from "../journey/map/scope.js";
import { stagePosition } from "../journey/model.js";
import { allSql, matchSql, splitPath } from "../journey/rules.js";
import type { Connection } from "../store/driver.js";
import type { Scratchpad } from "../store/scratchpad.js";
import { Params, quoteString } from "../store/sql.js";
import type { Step } from "./steps.js";

export interface StreamSpec {
  steps: readonly Step[];
  from: Date;
  /** Inclusive end of the events read (the period's end plus the longest window). */
  until: Date;
  /** Keep every event of the customers, not only step events (strict funnels need the neighbours). */
  allEvents?: boolean;
  /** A property of the step-0 event to carry as `bd` (breakdown). */
  breakdown?: string | undefined;
  /**
   * Only this cohort's customers (a persona's, those in a stage), as the journey tables last assigned
   * them: the caller refreshes them first. Checked against the definitions by the caller.
   */
  cohort?: Cohort | undefined;
}

/** A SQL predicate over events `e` for an event or touchpoint step. */
export function eventStepSql(step: Step, defs: JourneyDefinitions, p: Params): string {
  const where = allSql(step.where ?? [], p, "e.");
  if (step.event !== undefined)
    return `(e.type = ${p.add(step.type ?? "track")} AND e.event = ${p.add(step.event)} AND ${where})`;
  const index = defs.touchpoints.findIndex((t) => t.id === step.touchpoint);
  const tp = defs.touchpoints[index]!;
  // The touchpoint's own rule first (cheap, narrows the rows); then that no earlier rule took the event.
  return `(${matchSql(tp.match, p, "e.")} AND ${where} AND (${touchpointIndexSql(defs.touchpoints, p, "e.")}) = ${index})`;
}

/**
 * A cheap necessary condition for any event step (names and types only), so the full step predicates
 * run on the few events that can match instead of on every event of the period.
 */
function prefilter(steps: readonly Step[], defs: JourneyDefinitions, p: Params): string {
  const names = new Set<string>();
  const types = new Set<string>();
  for (const s of steps) {
    if (s.event !== undefined) names.add(s.event);
    const tp = s.touchpoint === undefined ? undefined : defs.touchpoints.find((t) => t.id === s.touchpoint);
    if (tp?.match.event) names.add(tp.match.event);
    else if (tp) types.add(tp.match.type ?? "track");
  }
  const parts: string[] = [];
  if (names.size) parts.push(`e.event IN (${[...names].map((n) => p.add(n)).join(", ")})`);
  if (types.size) parts.push(`e.type IN (${[...types].map((t) => p.add(t)).join(", ")})`);
  return parts.length ? `(${parts.join(" OR ")})` : "false";
}

/** A predicate over stage_transitions `t`: the move reaches the stage (a forward move passes through). */
const stageStepSql = (k: number) => `(t.to_stage = ${k} OR (t.from_stage < ${k} AND ${k} < t.to_stage))`;

/** The stream's tables in the run's scratchpad, by qualified name. */
export interface Stream {
  /** identity_id → customer_id, the customer the identity belongs to now (of the cohort, if any). */
  members: string;
  /** customer_id, ts, mid, s0…sN, bd: `mid` orders events with the same timestamp. */
  stream: string;
}

/** Builds the stream's tables for `spec` in `scratch`. */
export async function buildStream(
  conn: Connection,
  scratch: Scratchpad,
  defs: JourneyDefinitions,
  spec: StreamSpec,
  p: Params,
): Promise<Stream> {
  const t: Stream = { members: scratch.table("stream_members"), stream: scratch.table("stream") };
  const mp = new Params();
  const inCohort = spec.cohort !== undefined && hasCohort(spec.cohort);
  const cohort = inCohort ? `WHERE c.canonical_id IN (${cohortSql(spec.cohort!, defs, mp)})` : "";
  await conn.run(
    `CREATE TABLE ${t.members} AS
      SELECT i.id AS identity_id, c.canonical_id AS customer_id
        FROM identities i JOIN customers c ON c.id = i.customer_id ${cohort}`,
    mp.values,
  );
  const range = (col: string) =>
    `${col} >= ${p.add(spec.from.toISOString())}::TIMESTAMP AND ${col} <= ${p.add(spec.until.toISOString())}::TIMESTAMP`;
  const eventCols = spec.steps.map((s, i) =>
    s.stage === undefined ? `${eventStepSql(s, defs, p)} AS s${i}` : `false AS s${i}`,
  );
  const stageCols = spec.steps.map((s, i) =>
    s.stage !== undefined ? `${stageStepSql(stagePosition(defs.model, s.stage))} AS s${i}` : `false AS s${i}`,
  );
  const eventAny = spec.steps.some((s) => s.stage === undefined);
  const stageAny = spec.steps.some((s) => s.stage !== undefined);
  let bd = "NULL::VARCHAR";
  if (spec.breakdown) {
    const { column, path } = splitPath(spec.breakdown);
    bd = `json_extract_string(e.${column}, ${quoteString(path)})`;
  }
  const parts: string[] = [];
  if (eventAny || spec.allEvents) {
    const any = spec.allEvents ? "true" : spec.steps.map((_s, i) => `s${i}`).join(" OR ");
    parts.push(`SELECT * FROM (
      SELECT m.customer_id, e.timestamp AS ts, e.message_id AS mid, ${eventCols.join(", ")}, ${bd} AS bd
        FROM events e JOIN ${t.members} m ON m.identity_id = e.identity_id
       WHERE ${range("e.timestamp")} AND ${spec.allEvents ? "true" : prefilter(spec.steps, defs, p)}) WHERE ${any}`);
  }
  if (stageAny) {
    const any = spec.steps
      .map((s) => (s.stage !== undefined ? stageStepSql(stagePosition(defs.model, s.stage)) : undefined))
      .filter(Boolean)
      .join(" OR ");
    parts.push(`SELECT t.customer_id, t.changed_at AS ts, 'stage:' || t.to_stage || ':' || epoch_ms(t.changed_at) AS mid,
        ${stageCols.join(", ")}, NULL::VARCHAR AS bd
      FROM stage_transitions t WHERE ${range("t.changed_at")} AND (${any})
       ${inCohort ? `AND t.customer_id IN (${cohortSql(spec.cohort!, defs, p)})` : ""}`);
  }
  await conn.run(`CREATE TABLE ${t.stream} AS ${parts.join(" UNION ALL ")}`, p.values);
  return t;
}
