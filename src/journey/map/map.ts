// The living journey map: for a persona and a period, each stage with its measured numbers, its top
// touchpoints, emotion, pain points (the friction finder's findings) and the authored lanes; optionally compared with another persona or
// period. Everything is computed in SQL over the refreshed journey tables; a finished map is kept until
// those tables or the definitions change (src/journey/result-cache.ts).

import { keptFrictions } from "../../analytics/frictions/frictions.js";
import { readFrictionSettings } from "../../analytics/frictions/settings-store.js";
import { settlePeriod } from "../../analytics/period.js";
import { invalid, type Problem } from "../../problem.js";
import { ok, type Result } from "../../result.js";
import { all, type Store } from "../../store/database.js";
import type { Connection } from "../../store/driver.js";
import type { JourneyDefinitions } from "../definitions.js";
import { readLanes, type StageLanes } from "../lanes.js";
import type { JourneyRefresher, RefreshReport } from "../refresh.js";
import type { JourneyMap, MapComparison, MapStage } from "./schema.js";
import { keptInScope, type OpenScope, UNASSIGNED } from "./scope.js";
import { stageMetrics } from "./stages.js";
import { touchpointMetrics } from "./touchpoints.js";

export interface MapQuery {
  persona?: string | undefined;
  /** Only the customers now in this stage (a key). */
  stage?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Touchpoints and pain points listed per stage. */
  top?: number | undefined;
}

const EMPTY_LANES: StageLanes = { goals: [], questions: [], actions: [], opportunities: [] };

/** Computes the map on `conn` for a scope whose tables are built. */
async function compute(
  conn: Connection,
  defs: JourneyDefinitions,
  scope: OpenScope,
  top: number,
): Promise<
  Omit<JourneyMap, "asOf" | "freshness" | "persona" | "stages"> & {
    stages: Omit<MapStage, "lanes" | "painPoints">[];
  }
> {
  const [cohort] = await all(conn, `SELECT count(*) AS n FROM ${scope.tables.cohort}`);
  const stages = await stageMetrics(conn, defs, scope);
  const tps = await touchpointMetrics(conn, defs, scope.tables);
  return {
    period: { from: scope.from.toISOString(), to: scope.to.toISOString() },
    customers: Number(cohort?.n ?? 0),
    stages: stages.map((s) => ({
      ...s,
      touchpoints: tps
        .filter((t) => t.stage === s.key)
        .sort((a, b) => b.volume - a.volume || a.name.localeCompare(b.name))
        .slice(0, top),
    })),
  };
}

/**
 * The map for `q`: served from the refresher's result cache when the journey tables, the definitions and
 * the query are those of a map computed before (src/journey/map/scope.ts, keptInScope).
 */
export async function buildJourneyMap(
  store: Store,
  refresher: JourneyRefresher,
  q: MapQuery,
  refreshed?: RefreshReport,
): Promise<Result<JourneyMap, Problem>> {
  const top = q.top ?? 6;
  const kept = await keptInScope(
    store,
    refresher,
    q,
    ["map", top],
    (conn, defs, scope) => compute(conn, defs, scope, top),
    refreshed,
  );
  if (!kept.ok) return kept;
  const { value: body, defs, asOf, freshness } = kept.value;
  // The pain points are the friction finder's list of the same scope, kept apart from the map: the
  // frictions view reads the same computation, and a settings change recomputes only the list.
  const settings = await store.read(readFrictionSettings);
  const pains = await keptFrictions(store, refresher, q, settings, refreshed);
  if (!pains.ok) return pains;
  const lanes = await store.read((conn) => readLanes(conn, q.persona));
  const persona = defs.personas.find((p) => p.id === q.persona);
  return ok({
    persona: persona
      ? { id: persona.id, name: persona.name, narrative: persona.narrative }
      : q.persona === UNASSIGNED
        ? { id: UNASSIGNED, name: "No persona", narrative: null }
        : null,
    period: body.period,
    asOf,
    freshness,
    customers: body.customers,
    stages: body.stages.map((s) => ({
      ...s,
      painPoints: pains.value.frictions.filter((f) => f.stage === s.key).slice(0, top),
      lanes: lanes.get(s.key) ?? EMPTY_LANES,
    })),
  });
}

const minus = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);

const COMPARE_FORM = 'expected "persona:<id>" or "period:<from>/<to>", e.g. period:2026-03-01/2026-04-01';

/**
 * What a compared map differs in: "persona:<id>" or "period:<from>/<to>" (ISO times, or dates: whole days
 * in `timeZone`, as every period).
 */
export function compareScope(
  text: string,
  timeZone: string,
): Result<Pick<MapQuery, "persona" | "from" | "to">, Problem> {
  if (text.startsWith("persona:")) {
    const persona = text.slice("persona:".length);
    if (persona && !persona.includes(":")) return ok({ persona });
  } else if (text.startsWith("period:")) {
    const parts = text.slice("period:".length).split("/");
    if (parts.length === 2 && parts[0] && parts[1]) {
      const settled = settlePeriod({ from: parts[0], to: parts[1] }, timeZone);
      if (settled.ok) return ok({ from: new Date(settled.value.from!), to: new Date(settled.value.to!) });
    }
  }
  return invalid(`compare "${text}": ${COMPARE_FORM}`);
}

/** The map of `base`, or with `compare` that map beside a second one and their differences. */
export async function mapWithComparison(
  store: Store,
  refresher: JourneyRefresher,
  base: MapQuery,
  compare: string | undefined,
  timeZone: string,
): Promise<Result<JourneyMap | MapComparison, Problem>> {
  const other = compare === undefined ? undefined : compareScope(compare, timeZone);
  if (other && !other.ok) return other;
  const map = await buildJourneyMap(store, refresher, base);
  if (!map.ok || !other) return map;
  const second = await buildJourneyMap(store, refresher, { ...base, ...other.value });
  if (!second.ok) return second;
  return ok(compareMaps(map.value, second.value));
}

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
