// What one journey map looks at: a persona (or everyone) and a period. Every number of the map and every
// list of customers behind a number is computed from the same tables built here, in the scratchpad of
// one run on one connection.
import { createHash } from "node:crypto";
import { resolvePeriod } from "../../analytics/period.js";
import { type Freshness, freshnessOf } from "../../live/schema.js";
import { notFound, type Problem } from "../../problem.js";
import { ok, type Result } from "../../result.js";
import { runQuery, type Store } from "../../store/database.js";
import type { Connection } from "../../store/driver.js";
import { type Scratchpad, withScratchpad } from "../../store/scratchpad.js";
import { Params, quoteString } from "../../store/sql.js";
import { type JourneyDefinitions, readDefinitions } from "../definitions.js";
import { stagePosition } from "../model.js";
import { type JourneyRefresher, journeyGeneration, type RefreshReport } from "../refresh.js";

/**
 * Whose customers an analysis counts: a persona's (UNASSIGNED: those no persona matched) and/or those
 * whose current journey stage is `stage` (a key); everyone when both are absent.
 */
export interface Cohort {
  persona?: string | undefined;
  stage?: string | undefined;
}

/** A cohort and a period. */
export interface MapScope extends Cohort {
  from: Date;
  to: Date;
}

export const UNASSIGNED = "unassigned";
const _DAY_MS = 86_400_000;

export const hasCohort = (c: Cohort): boolean => c.persona !== undefined || c.stage !== undefined;

/**
 * SELECT of the ids of the cohort's customers (call it only when hasCohort). The persona goes in through
 * `p`: a parameter (Params), or a quoted literal where SQL takes none (a view); the stage as its position
 * in the model, a number taken from the definitions (check the cohort first).
 */
export function cohortSql(c: Cohort, defs: JourneyDefinitions, p: { add(value: string): string }): string {
  const where: string[] = [];
  if (c.persona !== undefined)
    where.push(c.persona === UNASSIGNED ? "persona IS NULL" : `persona = ${p.add(c.persona)}`);
  if (c.stage !== undefined) where.push(`stage = ${stagePosition(defs.model, c.stage)}`);
  return `SELECT customer_id FROM customer_facts WHERE ${where.join(" AND ") || "true"}`;
}

/** Why the cohort names no persona or stage of `defs`, or undefined. */
export function checkCohort(c: Cohort, defs: JourneyDefinitions): string | undefined {
  const { persona, stage } = c;
  if (persona !== undefined && persona !== UNASSIGNED && !defs.personas.some((p) => p.id === persona)) {
    const known = [...defs.personas.map((p) => p.id), UNASSIGNED].join(", ");
    return `no persona "${persona}" (personas: ${known})`;
  }
  if (stage !== undefined && stagePosition(defs.model, stage) === 0)
    return `no stage "${stage}" (stages: ${defs.model.stages.map((s) => s.key).join(", ")})`;
  return undefined;
}
/** A scope's tables in its run's scratchpad, by qualified name. */
export interface ScopeTables {
  /** customer_id: the cohort's customers. */
  cohort: string;
  /**
   * customer_id, stage, first_at, last_at: per customer and stage, first and last time they reached it in
   * the period — a forward move from stage a to b reaches every stage in (a, b], a move back only its target.
   */
  reach: string;
  /** A view of the cohort's journey events in the period, with what followed each (see journey_events). */
  journey: string;
}

/** A scope with its tables built: what every number of a map and every list behind one reads. */
export interface OpenScope extends MapScope {
  tables: ScopeTables;
}

/**
 * Checks the persona and the period against `defs` and builds the scope's tables in `scratch`: what
 * every map and every list of customers starts from.
 */
async function openScope(
  conn: Connection,
  scratch: Scratchpad,
  q: ScopeQuery,
  defs: JourneyDefinitions,
): Promise<Result<OpenScope, Problem>> {
  const unknown = checkCohort(q, defs);
  if (unknown) return notFound(unknown);
  const period = await resolvePeriod(conn, q.from, q.to);
  if (!period.ok) return period;
  const scope = { persona: q.persona, stage: q.stage, ...period.value };
  const tables = await buildScope(conn, scratch, defs, scope);
  return ok({ ...scope, tables });
}

export type ScopeQuery = Cohort & { from?: Date | undefined; to?: Date | undefined };

/**
 * Runs `fn` on one read connection with the scope's tables built, after bringing the journey tables
 * up to date: the frame of every map, list of customers and overview. `prepare` checks the rest of the
 * request against the definitions first (its problem wins) and hands `fn` what it made of it.
 */
export async function inScope<T, P = undefined>(
  store: Store,
  refresher: JourneyRefresher,
  q: ScopeQuery,
  fn: (
    conn: Connection,
    defs: JourneyDefinitions,
    scope: OpenScope,
    asOf: string,
    prepared: P,
  ) => Promise<Result<T, Problem>>,
  prepare?: (defs: JourneyDefinitions) => Result<P, Problem>,
): Promise<Result<T, Problem>> {
  const fresh = await refresher.refresh();
  return runQuery(store, {
    duckdb: () =>
      store.read(async (conn) => {
        const defs = await readDefinitions(conn);
        const prepared = prepare ? prepare(defs) : ok(undefined as P);
        if (!prepared.ok) return prepared;
        return withScratchpad(conn, async (scratch) => {
          const opened = await openScope(conn, scratch, q, defs);
          if (!opened.ok) return opened;
          return fn(conn, defs, opened.value, fresh.refreshedAt, prepared.value);
        });
      }),
  });
}

/** A digest of the definitions: part of a kept result's key, since names and rules shape the result. */
const digestOf = (defs: JourneyDefinitions) =>
  createHash("sha256").update(JSON.stringify(defs)).digest("hex");

/**
 * A result kept in the refresher's result cache (src/journey/result-cache.ts) by the journey tables'
 * generation, the definitions, the scope and `key` (what else shapes the result). The generation covers
 * the events too: a refresh that finds a new event or link raises it, and every analysis here asks for a
 * refresh first. A result computed while a refresh committed is not kept. `fn` computes it on one read
 * connection with a scratchpad of its own.
 */
export async function keptResult<T>(
  store: Store,
  refresher: JourneyRefresher,
  q: ScopeQuery,
  key: unknown[],
  fn: (conn: Connection, defs: JourneyDefinitions, scratch: Scratchpad) => Promise<Result<T, Problem>>,
  /** A refresh just made (computing ahead after it): used as it is instead of asking for another. */
  refreshed?: RefreshReport,
): Promise<Result<{ value: T; defs: JourneyDefinitions; asOf: string; freshness: Freshness }, Problem>> {
  const fresh = refreshed ?? (await refresher.refresh());
  return runQuery(store, {
    duckdb: async () => {
      const defs = await store.read(readDefinitions);
      const digest = digestOf(defs);
      const scope = [
        q.persona ?? null,
        q.stage ?? null,
        q.from?.toISOString() ?? null,
        q.to?.toISOString() ?? null,
      ];
      const id = JSON.stringify([fresh.generation, digest, ...scope, ...key]);
      const kept = await refresher.results.get(id, () =>
        store.read(async (conn) => {
          // Read again: a refresh or a definitions edit may have landed since. The generation is read
          // before and after: equal to the key's both times, no refresh committed while this computed.
          const now = await readDefinitions(conn);
          const before = await journeyGeneration(conn);
          const value = await withScratchpad(conn, (scratch) => fn(conn, now, scratch));
          const after = await journeyGeneration(conn);
          const keep = before === fresh.generation && after === fresh.generation && digestOf(now) === digest;
          return { value, keep };
        }),
      );
      return kept.ok
        ? ok({ value: kept.value, defs, asOf: fresh.refreshedAt, freshness: freshnessOf(fresh) })
        : kept;
    },
  });
}

/** As inScope, but kept (see keptResult): a map or an overview, computed over the scope's tables. */
export function keptInScope<T>(
  store: Store,
  refresher: JourneyRefresher,
  q: ScopeQuery,
  key: unknown[],
  /** `scratch` holds the scope's tables, and any more `fn` builds (they go with them). */
  fn: (conn: Connection, defs: JourneyDefinitions, scope: OpenScope, scratch: Scratchpad) => Promise<T>,
  refreshed?: RefreshReport,
): Promise<Result<{ value: T; defs: JourneyDefinitions; asOf: string; freshness: Freshness }, Problem>> {
  return keptResult(
    store,
    refresher,
    q,
    key,
    async (conn, defs, scratch): Promise<Result<T, Problem>> => {
      const opened = await openScope(conn, scratch, q, defs);
      return opened.ok ? ok(await fn(conn, defs, opened.value, scratch)) : opened;
    },
    refreshed,
  );
}

/** Builds the scope's tables (see ScopeTables) in `scratch`. */
async function buildScope(
  conn: Connection,
  scratch: Scratchpad,
  defs: JourneyDefinitions,
  scope: MapScope,
): Promise<ScopeTables> {
  const t: ScopeTables = {
    cohort: scratch.table("scope_cohort"),
    reach: scratch.table("scope_reach"),
    journey: scratch.table("scope_journey"),
  };
  const p = new Params();
  const members = cohortSql(scope, defs, p);
  await conn.run(`CREATE TABLE ${t.cohort} AS ${members}`, p.values);
  const n = defs.model.stages.length;
  const period = [scope.from.toISOString(), scope.to.toISOString()];
  await conn.run(
    `CREATE TABLE ${t.reach} AS
       SELECT t.customer_id, r.k AS stage, min(t.changed_at) AS first_at, max(t.changed_at) AS last_at
         FROM stage_transitions t SEMI JOIN ${t.cohort} c ON c.customer_id = t.customer_id, range(1, ${n + 1}) r(k)
        WHERE t.changed_at >= $1::TIMESTAMP AND t.changed_at < $2::TIMESTAMP
          AND (r.k = t.to_stage OR (t.from_stage < r.k AND r.k < t.to_stage))
        GROUP BY ALL`,
    period,
  );
  // The journey rows are a view: for everyone over journey_events, for a persona over its cohort's rows (a
  // semi-join that each query repeats: at 10M events copying a persona's rows into a table took longer
  // than every query that reads them). The period goes in as literals (views take no parameters): ISO
  // strings of parsed dates.
  const columns = `j.customer_id, j.timestamp AS ts, j.touchpoint, j.stage, j.signal, j.kind, j.channel, j.feedback,
       j.response_minutes, j.subject, j.next_stage_at, j.next_feedback_at, j.next_feedback`;
  const inPeriod = `j.timestamp >= ${quoteString(period[0]!)}::TIMESTAMP AND j.timestamp < ${quoteString(period[1]!)}::TIMESTAMP`;
  const cohort = hasCohort(scope) ? `SEMI JOIN ${t.cohort} c ON c.customer_id = j.customer_id` : "";
  await conn.run(
    `CREATE VIEW ${t.journey} AS SELECT ${columns} FROM journey_events j ${cohort} WHERE ${inPeriod}`,
  );
  return t;
}
