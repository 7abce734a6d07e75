// The living journey map: for a persona and a period, each stage with its measured numbers, its top
// touchpoints, emotion, pain points and the authored lanes; optionally compared with another persona or
// period. Everything is computed in SQL over the refreshed journey tables; a finished map is kept until
// those tables or the definitions change (src/journey/result-cache.ts).
import { createHash } from "node:crypto";
import type { DuckDBConnection } from "@duckdb/node-api";
import type { Problem } from "../../problem.js";
import { ok, type Result } from "../../result.js";
import { all, runQuery, type Store } from "../../store/database.js";
import { Params } from "../../store/sql.js";
import { type JourneyDefinitions, readDefinitions } from "../definitions.js";
import { readLanes, type StageLanes } from "../lanes.js";
import { type JourneyRefresher, journeyGeneration } from "../refresh.js";
import { findPainPoints } from "./painpoints.js";
import type { JourneyMap, MapComparison, MapStage } from "./schema.js";
import { type MapScope, openScope, UNASSIGNED } from "./scope.js";
import { stageMetrics } from "./stages.js";
import { touchpointMetrics } from "./touchpoints.js";

export interface MapQuery {
  persona?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Touchpoints and pain points listed per stage. */
  top?: number | undefined;
}

const EMPTY_LANES: StageLanes = { goals: [], questions: [], actions: [], opportunities: [] };

/** Computes the map on `conn` for a scope whose temp tables are built. */
async function compute(
  conn: DuckDBConnection,
  defs: JourneyDefinitions,
  scope: MapScope,
  top: number,
): Promise<Omit<JourneyMap, "asOf" | "persona" | "stages"> & { stages: Omit<MapStage, "lanes">[] }> {
  const [cohort] = await all(conn, "SELECT count(*) AS n FROM m_cohort");
  const stages = await stageMetrics(conn, defs, scope);
  const tps = await touchpointMetrics(conn, defs, scope);
  const pains = await findPainPoints(conn, defs, tps, () => new Params());
  return {
    period: { from: scope.from.toISOString(), to: scope.to.toISOString() },
    customers: Number(cohort?.n ?? 0),
    stages: stages.map((s) => ({
      ...s,
      touchpoints: tps
        .filter((t) => t.stage === s.key)
        .sort((a, b) => b.volume - a.volume || a.name.localeCompare(b.name))
        .slice(0, top),
      painPoints: pains.filter((p) => p.stage === s.key).slice(0, top),
    })),
  };
}

/** A digest of the definitions: part of a cached map's key, since names and rules shape the map. */
const digestOf = (defs: JourneyDefinitions) =>
  createHash("sha256").update(JSON.stringify(defs)).digest("hex");

type MapBody = Awaited<ReturnType<typeof compute>>;

/**
 * The map for `q`. A map of the same journey tables (their generation), definitions and query is served
 * from the refresher's result cache; otherwise it is computed in one snapshot of the store.
 */
export async function buildJourneyMap(
  store: Store,
  refresher: JourneyRefresher,
  q: MapQuery,
): Promise<Result<JourneyMap, Problem>> {
  const fresh = await refresher.refresh();
  const top = q.top ?? 6;
  return runQuery(store, {
    duckdb: async () => {
      const { defs, lanes } = await store.read(async (conn) => ({
        defs: await readDefinitions(conn),
        lanes: await readLanes(conn, q.persona),
      }));
      const digest = digestOf(defs);
      const key = JSON.stringify([
        "map",
        fresh.generation,
        digest,
        q.persona ?? null,
        q.from?.toISOString() ?? null,
        q.to?.toISOString() ?? null,
        top,
      ]);
      const body = await refresher.results.get(key, () =>
        store.read((conn) =>
          inSnapshot(conn, async () => {
            // Read again inside the snapshot: a refresh or a definitions edit may have landed since.
            const now = await readDefinitions(conn);
            const keep = (await journeyGeneration(conn)) === fresh.generation && digestOf(now) === digest;
            const opened = await openScope(conn, q, now);
            const value: Result<MapBody, Problem> = opened.ok
              ? ok(await compute(conn, now, opened.value.scope, top))
              : opened;
            return { value, keep };
          }),
        ),
      );
      if (!body.ok) return body;
      const persona = defs.personas.find((p) => p.id === q.persona);
      return ok({
        persona: persona
          ? { id: persona.id, name: persona.name, narrative: persona.narrative }
          : q.persona === UNASSIGNED
            ? { id: UNASSIGNED, name: "No persona", narrative: null }
            : null,
        period: body.value.period,
        asOf: fresh.refreshedAt,
        customers: body.value.customers,
        stages: body.value.stages.map((s) => ({ ...s, lanes: lanes.get(s.key) ?? EMPTY_LANES })),
      });
    },
  });
}

/**
 * Runs `fn` in one read transaction: every statement of a map sees the same journey tables, even when a
 * refresh commits meanwhile (its temp tables go with the transaction; nothing here writes).
 */
async function inSnapshot<T>(conn: DuckDBConnection, fn: () => Promise<T>): Promise<T> {
  await conn.run("BEGIN TRANSACTION");
  try {
    return await fn();
  } finally {
    await conn.run("ROLLBACK").catch(() => undefined);
  }
}

const minus = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);

export function compareMaps(base: JourneyMap, other: JourneyMap): MapComparison {
  const differences = base.stages.map((s) => {
    const o = other.stages.find((x) => x.key === s.key);
    return {
      key: s.key,
      reached: (o?.reached ?? 0) - s.reached,
      conversion: minus(o?.conversion ?? null, s.conversion),
      medianSecondsInStage: minus(o?.timeInStage.medianSeconds ?? null, s.timeInStage.medianSeconds),
      emotion: minus(o?.emotion.value ?? null, s.emotion.value),
    };
  });
  return { base, other, differences };
}
