// Where the journey model, the touchpoint catalogue and the personas are stored, and every change to them.
// Each change bumps a version in store_meta, which tells the refresher what to recompute, and is audited
// (who, before, after) in the same transaction.

import { Value } from "@sinclair/typebox/value";
import { type Actor, insertAudit } from "../audit/log.js";
import { invalid as invalidInput, type Problem } from "../problem.js";
import { err, ok, type Result } from "../result.js";
import { all, type Store } from "../store/database.js";
import type { Connection } from "../store/driver.js";
import { defaultTouchpoints } from "./catalogue.js";
import { checkModel, defaultModel, JourneyModel } from "./model.js";
import { defaultPersonas } from "./persona-defaults.js";
import { type Persona, PersonaInput, personaProblem } from "./personas.js";
import {
  idFromName,
  type Touchpoint,
  TouchpointInput,
  type TouchpointPatch,
  touchpointProblem,
  withDefaults,
} from "./touchpoints.js";

const problem = (code: Problem["code"], message: string) => err<Problem>({ code, message });
const invalidAt = (p: { message: string; path: string }) => invalidInput(p.message, p.path);

export interface JourneyDefinitions {
  model: JourneyModel;
  touchpoints: Touchpoint[];
  personas: Persona[];
  /** Changes with the model or the catalogue: classification must be rebuilt. */
  classificationVersion: number;
  /** Changes with the personas: assignment must be recomputed. */
  personaVersion: number;
}

export const META = {
  classification: "journey_classification_version",
  personas: "journey_persona_version",
  seeded: "journey_defaults_seeded",
} as const;

async function meta(conn: Connection, key: string): Promise<number> {
  const rows = await all(conn, "SELECT value FROM store_meta WHERE key = $1", [key]);
  return rows.length ? Number(rows[0]!.value) : 0;
}

async function bump(conn: Connection, key: string): Promise<void> {
  await conn.run(
    `INSERT INTO store_meta VALUES ($1, 1) ON CONFLICT DO UPDATE SET value = store_meta.value + 1`,
    [key],
  );
}

export async function readDefinitions(conn: Connection): Promise<JourneyDefinitions> {
  const [model] = await all(conn, "SELECT doc FROM journey_model WHERE id = 1");
  const tps = await all(conn, "SELECT id, doc FROM touchpoints ORDER BY position, id");
  const ps = await all(conn, "SELECT id, priority, doc FROM personas ORDER BY priority, id");
  return {
    model: model ? (JSON.parse(String(model.doc)) as JourneyModel) : defaultModel,
    touchpoints: tps.map((r) => ({
      id: String(r.id),
      ...withDefaults(JSON.parse(String(r.doc)) as TouchpointInput),
    })),
    personas: ps.map((r) => ({
      id: String(r.id),
      priority: Number(r.priority),
      ...(JSON.parse(String(r.doc)) as PersonaInput),
    })),
    classificationVersion: await meta(conn, META.classification),
    personaVersion: await meta(conn, META.personas),
  };
}

export const loadDefinitions = (store: Store): Promise<JourneyDefinitions> => store.read(readDefinitions);

/** Writes `fn`'s changes in one transaction on the writer. */
async function change<T>(store: Store, fn: (conn: Connection) => Promise<T>): Promise<T> {
  return store.exclusive(async (conn) => {
    await conn.run("BEGIN TRANSACTION");
    try {
      const out = await fn(conn);
      await conn.run("COMMIT");
      return out;
    } catch (e) {
      await conn.run("ROLLBACK");
      throw e;
    }
  });
}

/** Stores the default model, catalogue and personas once, on a new database. */
export async function seedJourneyDefaults(store: Store): Promise<boolean> {
  return change(store, async (conn) => {
    if ((await meta(conn, META.seeded)) > 0) return false;
    await conn.run("INSERT INTO journey_model VALUES (1, $1, now()) ON CONFLICT DO NOTHING", [
      JSON.stringify(defaultModel),
    ]);
    for (const [i, t] of defaultTouchpoints.entries())
      await conn.run("INSERT INTO touchpoints VALUES ($1, $2, $3, now()) ON CONFLICT DO NOTHING", [
        idFromName(t.name),
        (i + 1) * 10,
        JSON.stringify(withDefaults(t)),
      ]);
    for (const [i, p] of defaultPersonas.entries())
      await conn.run("INSERT INTO personas VALUES ($1, $2, $3, now()) ON CONFLICT DO NOTHING", [
        idFromName(p.name),
        i + 1,
        JSON.stringify(p),
      ]);
    await conn.run("INSERT INTO store_meta VALUES ($1, 1) ON CONFLICT DO UPDATE SET value = 1", [
      META.seeded,
    ]);
    await bump(conn, META.classification);
    await bump(conn, META.personas);
    return true;
  });
}

function invalid(schema: Parameters<typeof Value.Errors>[0], value: unknown): string | undefined {
  const first = [...Value.Errors(schema, value)][0];
  return first ? `${first.path || "/"}: ${first.message}` : undefined;
}

// ---- the model -------------------------------------------------------------------------------------

export async function putModel(
  store: Store,
  model: JourneyModel,
  actor: Actor,
): Promise<Result<JourneyModel, Problem>> {
  const why = invalid(JourneyModel, model) ?? checkModel(model);
  if (why) return problem("invalid", why);
  return change(store, async (conn) => {
    const defs = await readDefinitions(conn);
    const keys = new Set(model.stages.map((s) => s.key));
    const orphans = defs.touchpoints.filter((t) => !keys.has(t.stage));
    if (orphans.length)
      return problem(
        "conflict",
        `touchpoints still use removed stages: ${orphans.map((t) => `${t.id} (${t.stage})`).join(", ")}; move or remove them first`,
      );
    await conn.run("INSERT OR REPLACE INTO journey_model VALUES (1, $1, now())", [JSON.stringify(model)]);
    await bump(conn, META.classification);
    await insertAudit(conn, { actor, action: "journey_model.update", before: defs.model, after: model });
    return ok(model);
  });
}

// ---- touchpoints -----------------------------------------------------------------------------------

export async function addTouchpoint(
  store: Store,
  input: TouchpointInput,
  before: string | undefined,
  actor: Actor,
): Promise<Result<Touchpoint, Problem>> {
  const why = invalid(TouchpointInput, input);
  if (why) return problem("invalid", why);
  return change(store, async (conn) => {
    const defs = await readDefinitions(conn);
    const check = touchpointProblem(input, defs.model);
    if (check) return invalidAt(check);
    const id = idFromName(input.name);
    if (defs.touchpoints.some((t) => t.id === id || t.name === input.name))
      return problem("conflict", `a touchpoint named "${input.name}" exists (${id})`);
    // Rules are checked in order; a new rule goes before `before`, or last.
    let position = (Math.max(0, ...(await positions(conn))) || 0) + 10;
    if (before !== undefined) {
      const anchor = await all(conn, "SELECT position FROM touchpoints WHERE id = $1", [before]);
      if (!anchor.length) return problem("not_found", `no touchpoint "${before}" to insert before`);
      position = Number(anchor[0]!.position);
      await conn.run("UPDATE touchpoints SET position = position + 1 WHERE position >= $1", [position]);
    }
    const doc = withDefaults(input);
    await conn.run("INSERT INTO touchpoints VALUES ($1, $2, $3, now())", [id, position, JSON.stringify(doc)]);
    await bump(conn, META.classification);
    const after = { id, ...doc };
    await insertAudit(conn, { actor, action: "touchpoint.create", target: id, before: null, after });
    return ok(after);
  });
}

async function positions(conn: Connection): Promise<number[]> {
  return (await all(conn, "SELECT position FROM touchpoints")).map((r) => Number(r.position));
}

export async function editTouchpoint(
  store: Store,
  id: string,
  patch: TouchpointPatch,
  actor: Actor,
): Promise<Result<Touchpoint, Problem>> {
  return change(store, async (conn) => {
    const defs = await readDefinitions(conn);
    const current = defs.touchpoints.find((t) => t.id === id);
    if (!current) return problem("not_found", `no touchpoint "${id}"`);
    const { id: _id, ...rest } = current;
    // null removes an optional field; kind and advances then fall back to their defaults.
    const merged: Record<string, unknown> = { ...rest, ...patch };
    for (const k of Object.keys(patch)) if (merged[k] === null) delete merged[k];
    if (patch.kind === null || (patch.kind !== undefined && patch.advances === undefined))
      delete merged.advances;
    const next = merged as TouchpointInput;
    const why = invalid(TouchpointInput, next);
    if (why) return problem("invalid", why);
    const check = touchpointProblem(next, defs.model);
    if (check) return invalidAt(check);
    if (defs.touchpoints.some((t) => t.id !== id && t.name === next.name))
      return problem("conflict", `another touchpoint is named "${next.name}"`);
    const doc = withDefaults(next);
    await conn.run("UPDATE touchpoints SET doc = $2, updated_at = now() WHERE id = $1", [
      id,
      JSON.stringify(doc),
    ]);
    await bump(conn, META.classification);
    const after = { id, ...doc };
    await insertAudit(conn, { actor, action: "touchpoint.update", target: id, before: current, after });
    return ok(after);
  });
}

export async function removeTouchpoint(
  store: Store,
  id: string,
  actor: Actor,
): Promise<Result<{ id: string }, Problem>> {
  return change(store, async (conn) => {
    const current = (await readDefinitions(conn)).touchpoints.find((t) => t.id === id);
    if (!current) return problem("not_found", `no touchpoint "${id}"`);
    await conn.run("DELETE FROM touchpoints WHERE id = $1", [id]);
    await bump(conn, META.classification);
    await insertAudit(conn, { actor, action: "touchpoint.delete", target: id, before: current, after: null });
    return ok({ id });
  });
}

// ---- personas --------------------------------------------------------------------------------------

export async function addPersona(
  store: Store,
  input: PersonaInput,
  priority: number | undefined,
  actor: Actor,
): Promise<Result<Persona, Problem>> {
  const why = invalid(PersonaInput, input);
  if (why) return problem("invalid", why);
  const check = personaProblem(input);
  if (check) return invalidAt(check);
  return change(store, async (conn) => {
    const defs = await readDefinitions(conn);
    const id = idFromName(input.name);
    if (defs.personas.some((p) => p.id === id))
      return problem("conflict", `a persona named "${input.name}" exists`);
    const at = Math.min(Math.max(1, priority ?? defs.personas.length + 1), defs.personas.length + 1);
    await conn.run("UPDATE personas SET priority = priority + 1 WHERE priority >= $1", [at]);
    await conn.run("INSERT INTO personas VALUES ($1, $2, $3, now())", [id, at, JSON.stringify(input)]);
    await bump(conn, META.personas);
    const after = { id, priority: at, ...input };
    await insertAudit(conn, { actor, action: "persona.create", target: id, before: null, after });
    return ok(after);
  });
}

export async function editPersona(
  store: Store,
  id: string,
  patch: Partial<PersonaInput> & { priority?: number },
  actor: Actor,
): Promise<Result<Persona, Problem>> {
  return change(store, async (conn) => {
    const defs = await readDefinitions(conn);
    const current = defs.personas.find((p) => p.id === id);
    if (!current) return problem("not_found", `no persona "${id}"`);
    const { priority, ...rest } = patch;
    const next: PersonaInput = {
      name: rest.name ?? current.name,
      match: rest.match ?? current.match,
      conditions: rest.conditions ?? current.conditions,
      narrative: rest.narrative ?? current.narrative,
    };
    const why = invalid(PersonaInput, next);
    if (why) return problem("invalid", why);
    const check = personaProblem(next);
    if (check) return invalidAt(check);
    let at = current.priority;
    if (priority !== undefined && priority !== current.priority) {
      // Re-number so priorities stay 1..n with this persona at its new place.
      const order = defs.personas.filter((p) => p.id !== id).map((p) => p.id);
      at = Math.min(Math.max(1, priority), order.length + 1);
      order.splice(at - 1, 0, id);
      for (const [i, pid] of order.entries())
        await conn.run("UPDATE personas SET priority = $2 WHERE id = $1", [pid, i + 1]);
    }
    await conn.run("UPDATE personas SET doc = $2, updated_at = now() WHERE id = $1", [
      id,
      JSON.stringify(next),
    ]);
    await bump(conn, META.personas);
    const after = { id, priority: at, ...next };
    await insertAudit(conn, { actor, action: "persona.update", target: id, before: current, after });
    return ok(after);
  });
}

export async function removePersona(
  store: Store,
  id: string,
  actor: Actor,
): Promise<Result<{ id: string }, Problem>> {
  return change(store, async (conn) => {
    const current = (await readDefinitions(conn)).personas.find((p) => p.id === id);
    if (!current) return problem("not_found", `no persona "${id}"`);
    await conn.run("DELETE FROM personas WHERE id = $1", [id]);
    await conn.run("UPDATE personas SET priority = priority - 1 WHERE priority > $1", [current.priority]);
    await bump(conn, META.personas);
    await insertAudit(conn, { actor, action: "persona.delete", target: id, before: current, after: null });
    return ok({ id });
  });
}
