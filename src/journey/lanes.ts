// The authored lanes of a journey map — goals, questions, actions, opportunities — written by the CX team
// per persona (or for all customers) and stage, and stored beside the measured lanes.

import { type Static, Type } from "@sinclair/typebox";
import { type Actor, auditedChange } from "../audit/log.js";
import { err, ok, type Result } from "../result.js";
import { all, type Store } from "../store/database.js";
import type { Connection } from "../store/driver.js";
import type { JourneyDefinitions } from "./definitions.js";
import { checkCohort } from "./map/scope.js";

export const LaneNames = ["goals", "questions", "actions", "opportunities"] as const;
export type LaneName = (typeof LaneNames)[number];

export const LaneItems = Type.Array(Type.String({ minLength: 1, maxLength: 500 }), { maxItems: 50 });
export type LaneItems = Static<typeof LaneItems>;

export type StageLanes = Record<LaneName, string[]>;

/** Lanes are stored under '' for the map of all customers. */
const personaKey = (persona: string | undefined) => persona ?? "";

/** On the caller's connection: a map already holds one, and asking the pool for another can deadlock. */
export async function readLanes(
  conn: Connection,
  persona: string | undefined,
): Promise<Map<string, StageLanes>> {
  const rows = await all(conn, "SELECT stage, lane, items FROM journey_lanes WHERE persona = $1", [
    personaKey(persona),
  ]);
  const out = new Map<string, StageLanes>();
  for (const r of rows) {
    const stage = String(r.stage);
    const lanes = out.get(stage) ?? { goals: [], questions: [], actions: [], opportunities: [] };
    lanes[String(r.lane) as LaneName] = JSON.parse(String(r.items)) as string[];
    out.set(stage, lanes);
  }
  return out;
}

export async function writeLane(
  store: Store,
  defs: JourneyDefinitions,
  persona: string | undefined,
  stage: string,
  lane: LaneName,
  items: string[],
  actor: Actor,
): Promise<Result<{ persona: string | null; stage: string; lane: LaneName; items: string[] }, string>> {
  if (!defs.model.stages.some((s) => s.key === stage))
    return err(`stage "${stage}" is not in the journey model`);
  const unknown = checkCohort({ persona }, defs);
  if (unknown) return err(unknown);
  const written = { persona: persona ?? null, stage, lane, items };
  await auditedChange(store, async (conn) => {
    const key = [personaKey(persona), stage, lane];
    const [old] = await all(
      conn,
      "SELECT items FROM journey_lanes WHERE persona = $1 AND stage = $2 AND lane = $3",
      key,
    );
    await conn.run("INSERT OR REPLACE INTO journey_lanes VALUES ($1, $2, $3, $4, now())", [
      ...key,
      JSON.stringify(items),
    ]);
    const before = { ...written, items: old ? (JSON.parse(String(old.items)) as string[]) : [] };
    return {
      value: written,
      entry: {
        actor,
        action: "lane.update",
        target: `${persona ?? "*"}/${stage}/${lane}`,
        before,
        after: written,
      },
    };
  });
  return ok(written);
}
