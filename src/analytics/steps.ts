// The steps of an analysis (an event, a touchpoint or entering a stage), the cohort filters, lengths such
// as a window, and the checks every step analysis (funnel, paths, retention, time to convert) starts with.
import { type Static, Type } from "@sinclair/typebox";
import type { JourneyDefinitions } from "../journey/definitions.js";
import { type Cohort, checkCohort, hasCohort } from "../journey/map/scope.js";
import { stagePosition } from "../journey/model.js";
import { Condition, checkCondition } from "../journey/rules.js";
import { invalid, notFound, type Problem } from "../problem.js";
import { ok, type Result } from "../result.js";
import { StringEnum } from "../typebox.js";

export const Step = Type.Object(
  {
    event: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: "A track event name, or a page or screen name",
      }),
    ),
    type: Type.Optional(
      StringEnum(["track", "page", "screen"], {
        description:
          'With event: what kind of event the name is (default track); a page view named Home is {event: "Home", type: "page"}',
      }),
    ),
    touchpoint: Type.Optional(Type.String({ minLength: 1, maxLength: 80, description: "A touchpoint id" })),
    stage: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: "Entering a stage (key)" })),
    where: Type.Optional(
      Type.Array(Condition, { maxItems: 20, description: "Conditions on the event (not for stages)" }),
    ),
    name: Type.Optional(Type.String({ maxLength: 120, description: "Label in the result" })),
  },
  { additionalProperties: false, description: "Exactly one of event, touchpoint or stage" },
);
export type Step = Static<typeof Step>;

/** What the schema cannot check: one kind per step, known touchpoints and stages, valid conditions. */
export function checkStep(step: Step, defs: JourneyDefinitions, label: string): string | undefined {
  const kinds = [step.event, step.touchpoint, step.stage].filter((v) => v !== undefined).length;
  if (kinds !== 1) return `${label}: give exactly one of event, touchpoint or stage`;
  if (step.touchpoint !== undefined && !defs.touchpoints.some((t) => t.id === step.touchpoint))
    return `${label}: no touchpoint "${step.touchpoint}" (GET /api/touchpoints lists them)`;
  if (step.type !== undefined && step.event === undefined)
    return `${label}: type goes with event (a page or screen name)`;
  if (step.stage !== undefined) {
    if (stagePosition(defs.model, step.stage) === 0)
      return `${label}: no stage "${step.stage}" (stages: ${defs.model.stages.map((s) => s.key).join(", ")})`;
    if (step.where?.length) return `${label}: a stage step takes no conditions`;
  }
  for (const c of step.where ?? []) {
    const why = checkCondition(c);
    if (why) return `${label}: ${why}`;
  }
  return undefined;
}

/** A request's steps by the labels its problems name them by ("start", "steps[2]"); absent ones are skipped. */
export type LabelledSteps = Readonly<Record<string, Step | undefined>>;

/**
 * What every step analysis checks first: its cohort names a persona and a stage of `defs` (not found),
 * and each step is valid (invalid). The problem, or undefined.
 */
export function checkSteps(
  cohort: Cohort,
  steps: LabelledSteps,
  defs: JourneyDefinitions,
): { ok: false; error: Problem } | undefined {
  const unknown = checkCohort(cohort, defs);
  if (unknown) return notFound(unknown);
  for (const [label, step] of Object.entries(steps)) {
    if (step === undefined) continue;
    const why = checkStep(step, defs, label);
    if (why) return invalid(why);
  }
  return undefined;
}

/** A request's length (its `field`, `fallback` when absent) in milliseconds. */
export function lengthOf(field: string, text: string | undefined, fallback: string): Result<number, Problem> {
  const ms = parseDuration(text ?? fallback);
  return ms === undefined ? invalid(`${field} "${text}" is not a length such as 30m, 12h or 14d`) : ok(ms);
}

/**
 * Whether the journey tables are read, and so refreshed first: stage steps read stage_transitions, a
 * cohort customer_facts; event and touchpoint steps read the events.
 */
export const readsJourneyTables = (cohort: Cohort, steps: ReadonlyArray<Step>): boolean =>
  hasCohort(cohort) || steps.some((s) => s.stage !== undefined);

export function stepName(step: Step, defs: JourneyDefinitions): string {
  if (step.name) return step.name;
  if (step.event) return step.event;
  if (step.touchpoint) return defs.touchpoints.find((t) => t.id === step.touchpoint)?.name ?? step.touchpoint;
  const stage = defs.model.stages.find((s) => s.key === step.stage);
  return `Entered ${stage?.name ?? step.stage}`;
}

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "14d", "90m", "2w" as milliseconds, or undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$/.exec(text);
  if (!m) return undefined;
  const ms = Number(m[1]) * UNITS[m[2]!]!;
  return ms > 0 && Number.isFinite(ms) ? ms : undefined;
}

export const DurationText = Type.String({
  pattern: "^\\s*\\d+(\\.\\d+)?\\s*[smhdw]\\s*$",
  description: "A length such as 30m, 12h, 14d, 2w",
});

/** The customers an analysis counts: a persona's (or those no persona matched), or everyone when absent. */
export const StageFilter = Type.Optional(
  Type.String({
    minLength: 1,
    maxLength: 40,
    description: "Only customers whose current journey stage is this (a stage key); omit for every stage",
  }),
);

export const PersonaFilter = Type.Optional(
  Type.String({
    minLength: 1,
    maxLength: 80,
    description: "A persona id, or `unassigned` for customers no persona matched; omit for everyone",
  }),
);
