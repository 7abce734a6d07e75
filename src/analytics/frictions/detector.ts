// What every friction detector shares: the question it answers (a period, the journey definitions, the
// settings, one connection), what it hands back (a friction and the SQL of the customers behind it), and
// the small SQL and number helpers the detectors have in common.

import { touchpointIndexSql } from "../../journey/classify.js";
import type { JourneyDefinitions } from "../../journey/definitions.js";
import type { Cohort } from "../../journey/map/scope.js";
import type { EventMatch } from "../../journey/rules.js";
import type { Touchpoint } from "../../journey/touchpoints.js";
import type { Connection, SqlValue } from "../../store/driver.js";
import type { Scratchpad } from "../../store/scratchpad.js";
import { type Params, quoteString } from "../../store/sql.js";
import type { Evidence, Friction, FrictionKind } from "./schema.js";
import type { FrictionSettings } from "./settings.js";

/** The statistics module, for the detectors that import their helpers from here. */
export { round, zScore, zSql } from "../stats.js";

export interface Detection {
  conn: Connection;
  defs: JourneyDefinitions;
  settings: FrictionSettings;
  from: Date;
  to: Date;
  /** Only this cohort's customers (a persona's, those in a stage); everyone when empty. */
  cohort: Cohort;
  /** The detection's tables, in its run's scratchpad. */
  tables: FrictionTables;
}

/** The tables detectors build and read, by qualified name; each is described where it is built. */
export interface FrictionTables {
  /**
   * The journey rows detectors read: a view of journey_events, over the cohort's customers when the
   * detection has one (made by the finder before any detector runs).
   */
  journey: string;
  /** The one scan of the events table (events.ts). */
  events: string;
  /** Steps' units, their starts and their segment values (steps.ts). */
  units: string;
  starts: string;
  dims: string;
  /** Drop-off's totals and single-dimension segments (dropoff.ts). */
  tot: string;
  single: string;
  /** Messages per customer and week (pressure.ts). */
  weeks: string;
  /** Contacts, the subjects behind repeats and their segments (repeats.ts). */
  contacts: string;
  repeatSegment: string;
  subjectEvents: string;
  subjectProps: string;
  /** Answers and their response times (responses.ts). */
  responses: string;
  /** Self-service sessions and whether the customer switched channel (switching.ts). */
  selfService: string;
}

export function frictionTables(scratch: Scratchpad): FrictionTables {
  const names: Record<keyof FrictionTables, string> = {
    journey: "friction_journey",
    events: "friction_events",
    units: "friction_units",
    starts: "friction_starts",
    dims: "friction_dims",
    tot: "friction_tot",
    single: "friction_single",
    weeks: "friction_weeks",
    contacts: "friction_contacts",
    repeatSegment: "friction_repeat_segment",
    subjectEvents: "friction_subject_events",
    subjectProps: "friction_subject_props",
    responses: "friction_responses",
    selfService: "friction_self_service",
  };
  return Object.fromEntries(
    Object.entries(names).map(([k, name]) => [k, scratch.table(name)]),
  ) as unknown as FrictionTables;
}

/**
 * A friction as a detector finds it: its words are message keys and parameters; the finder renders the
 * English `title`, `measure` and `baselineLabel` from them.
 */
export type Finding = Omit<Friction, "rank" | "customers" | "title" | "evidence"> & {
  evidence: Omit<Evidence, "measure" | "baselineLabel">;
};

/** A friction and its audience: SQL (with its parameters) selecting the customer_id of everyone behind it. */
export interface Found {
  friction: Finding;
  audience: { sql: string; params: SqlValue[] };
}

export interface Detector {
  /** The kinds of friction it finds: a friction's id starts with its kind. */
  kinds: readonly FrictionKind[];
  /**
   * The events it reads from `tables.events`, the one scan of the events table all detectors share (see
   * events.ts); called before the scan, it may prepare what it needs to know which events those are.
   */
  rules?(d: Detection): Promise<EventMatch[]> | EventMatch[];
  find(d: Detection): Promise<Found[]>;
}

/** The customer an event belongs to today: its identity's customer, followed to the surviving one. */
export const EVENT_CUSTOMER =
  "JOIN identities i ON i.id = e.identity_id JOIN customers c ON c.id = i.customer_id";

/** `[from, to)` of `column` with the period as parameters. */
export function inPeriod(d: Detection, p: Params, column: string): string {
  return `${column} >= ${p.add(d.from.toISOString())}::TIMESTAMP AND ${column} < ${p.add(d.to.toISOString())}::TIMESTAMP`;
}

/** The id of the touchpoint an events-table row (`e.`) is classified as, by the catalogue's first match. */
export function touchpointOfEvent(tps: readonly Touchpoint[], p: Params): string {
  if (!tps.length) return "NULL::VARCHAR";
  const ids = tps.map((t) => quoteString(t.id)).join(", ");
  return `([${ids}]::VARCHAR[])[(${touchpointIndexSql(tps, p, "e.")}) + 1]`;
}

export const ref = (t: Touchpoint) => ({ id: t.id, name: t.name });

/** Where a friction at one touchpoint is: its stage, that touchpoint (the only one involved) and its event. */
export const atTouchpoint = (t: Touchpoint) => ({
  stage: t.stage,
  touchpoint: ref(t),
  touchpoints: [ref(t)],
  events: t.match.event ? [t.match.event] : [],
});

export function touchpointById(
  defs: JourneyDefinitions,
  id: string | null | undefined,
): Touchpoint | undefined {
  return id === null || id === undefined ? undefined : defs.touchpoints.find((t) => t.id === id);
}

export const dayOf = (d: Date | string): string => new Date(d).toISOString().slice(0, 10);
export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** A segment value read back from the JSON text it was grouped by. */
export function segmentValue(json: string): string | number | boolean {
  const v = JSON.parse(json) as unknown;
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? v : String(v);
}
