// The journey map's shapes, as schemas: the API validates and documents its answers with them, and the
// map code takes its TypeScript types from them, so the two cannot drift.

import { type Static, Type } from "@sinclair/typebox";
import { CustomerPage } from "../../analytics/audience.js";
import { Friction } from "../../analytics/frictions/schema.js";
import { Freshness } from "../../live/schema.js";
import { Narrative } from "../personas.js";

const Num = Type.Union([Type.Number(), Type.Null()]);

/**
 * Means rounded to 6 decimals: a parallel sum adds in varying order, and the last digits would change
 * from run to run on the same data (exports would not be byte-stable).
 */
export function settled(v: number): number;
export function settled(v: number | null): number | null;
export function settled(v: number | null): number | null {
  return v === null ? null : Math.round(v * 1e6) / 1e6;
}

/**
 * A pain point of the map is a finding of the friction finder (src/analytics/frictions/) at one of the
 * stage's touchpoints, for the map's cohort and period: one engine, so the map and the frictions view
 * cannot disagree about a touchpoint.
 */
export const PainPoint = Friction;
export type PainPoint = Friction;

export const TouchpointMetrics = Type.Object({
  id: Type.String(),
  name: Type.String(),
  stage: Type.String(),
  kind: Type.String(),
  volume: Type.Integer({ description: "Events" }),
  reach: Type.Integer({ description: "Customers" }),
  converted: Type.Union([Type.Integer(), Type.Null()], {
    description:
      "Customers who signalled a later stage within conversionDays after it; null in the last stage",
  }),
  conversion: Num,
  satisfaction: Type.Object({
    value: Num,
    answers: Type.Integer({ description: "Feedback answers (or uses followed by feedback) it rests on" }),
  }),
});
export type TouchpointMetrics = Static<typeof TouchpointMetrics>;

export const StageMetrics = Type.Object({
  key: Type.String(),
  name: Type.String(),
  position: Type.Integer(),
  reached: Type.Integer({ description: "Customers who entered (or passed through) the stage in the period" }),
  converted: Type.Union([Type.Integer(), Type.Null()]),
  conversion: Num,
  dropped: Type.Union([Type.Integer(), Type.Null()]),
  timeInStage: Type.Object({
    medianSeconds: Num,
    p90Seconds: Num,
    completedStays: Type.Integer(),
    openStays: Type.Integer(),
  }),
  emotion: Type.Object({
    value: Num,
    answers: Type.Integer(),
    source: Type.Union([Type.Literal("direct"), Type.Literal("after"), Type.Null()]),
  }),
});
export type StageMetrics = Static<typeof StageMetrics>;

export const Lanes = Type.Object({
  goals: Type.Array(Type.String()),
  questions: Type.Array(Type.String()),
  actions: Type.Array(Type.String()),
  opportunities: Type.Array(Type.String()),
});

export const MapStage = Type.Composite([
  StageMetrics,
  Type.Object({
    touchpoints: Type.Array(TouchpointMetrics),
    painPoints: Type.Array(PainPoint, {
      description:
        "The friction finder's findings at this stage, best first (`top` of them); `pain:<friction id>` lists a finding's customers",
    }),
    lanes: Lanes,
  }),
]);
export type MapStage = Static<typeof MapStage>;

export const JourneyMap = Type.Object({
  persona: Type.Union([
    Type.Object({ id: Type.String(), name: Type.String(), narrative: Type.Union([Narrative, Type.Null()]) }),
    Type.Null(),
  ]),
  period: Type.Object({ from: Type.String(), to: Type.String() }),
  asOf: Type.String({ description: "When the journey tables were last brought up to date" }),
  freshness: Freshness,
  customers: Type.Integer(),
  stages: Type.Array(MapStage),
});
export type JourneyMap = Static<typeof JourneyMap>;

export const StageDifference = Type.Object({
  key: Type.String(),
  reached: Type.Integer(),
  conversion: Num,
  medianSecondsInStage: Num,
  emotion: Num,
});
export type StageDifference = Static<typeof StageDifference>;

export const MapComparison = Type.Object({
  base: JourneyMap,
  other: JourneyMap,
  differences: Type.Array(StageDifference, { description: "other − base, per stage" }),
});
export type MapComparison = Static<typeof MapComparison>;

export const AudiencePage = Type.Composite([
  Type.Object({ audience: Type.String({ description: "The number the customers are behind" }) }),
  CustomerPage,
]);
export type AudiencePage = Static<typeof AudiencePage>;
