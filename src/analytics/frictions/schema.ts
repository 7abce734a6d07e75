// The friction finder's answers, as schemas: the API validates and documents them, the finder takes its
// types from them.

import { type Static, Type } from "@sinclair/typebox";
import { StringEnum } from "../../typebox.js";
import { CustomerPage } from "../audience.js";

export const FrictionKinds = [
  "drop-off",
  "abandonment",
  "repeat-contact",
  "channel-switch",
  "slow-response",
  "over-contact",
  "negative-feedback",
] as const;
export type FrictionKind = (typeof FrictionKinds)[number];

const Value = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);
const Detail = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]);
const Ref = Type.Object({ id: Type.String(), name: Type.String() });

export const Evidence = Type.Object({
  measure: Type.String({ description: "What is measured, e.g. share of payment attempts that fail" }),
  value: Type.Number({ description: "The measure where the friction is (the segment, since its start)" }),
  cases: Type.Integer({ description: "Bad cases behind `value` (failed attempts, abandoned checkouts…)" }),
  units: Type.Integer({ description: "All cases behind `value`" }),
  baseline: Type.Number({ description: "The same measure where the friction is not" }),
  baselineCases: Type.Integer(),
  baselineUnits: Type.Integer(),
  baselineLabel: Type.String({ description: "What the baseline is" }),
  z: Type.Union([Type.Number(), Type.Null()], {
    description: "Two-proportion z of value against baseline; null when no test applies",
  }),
  details: Type.Record(Type.String(), Detail, { description: "Further numbers behind the friction" }),
});
export type Evidence = Static<typeof Evidence>;

export const Friction = Type.Object({
  id: Type.String({ description: "<kind>:<what>; stable for the same data and period" }),
  rank: Type.Integer({ minimum: 1 }),
  kind: StringEnum(FrictionKinds),
  title: Type.String(),
  stage: Type.Union([Type.String(), Type.Null()], { description: "Stage key of the touchpoint" }),
  touchpoint: Type.Union([Ref, Type.Null()], { description: "Where customers meet it" }),
  touchpoints: Type.Array(Ref, { description: "Every touchpoint involved" }),
  events: Type.Array(Type.String(), { description: "Event names involved" }),
  segment: Type.Record(Type.String(), Value, {
    description:
      'Where it concentrates, e.g. {"os": "Android", "app_version": "5.2.0"}; a comparison is a string such as "> 3"; {} for everyone',
  }),
  since: Type.Union([Type.String(), Type.Null()], {
    description: "Day it started (a change point), or null when it spans the period",
  }),
  customers: Type.Integer({ description: "Customers behind it: the length of its customer list" }),
  impact: Type.Number({
    description:
      "What ranks it: conversions lost, or contacts, unsubscribes and slow answers above the baseline",
  }),
  lostConversions: Type.Union([Type.Number(), Type.Null()]),
  lostRevenue: Type.Union([Type.Number(), Type.Null()]),
  evidence: Evidence,
});
export type Friction = Static<typeof Friction>;

export const FrictionList = Type.Object({
  period: Type.Object({ from: Type.String(), to: Type.String() }),
  asOf: Type.String({ description: "When the journey tables were last brought up to date" }),
  total: Type.Integer({ description: "Frictions found, before the limit" }),
  frictions: Type.Array(Friction, { description: "Ranked by impact" }),
});
export type FrictionList = Static<typeof FrictionList>;

export const FrictionCustomers = Type.Composite([Type.Object({ friction: Type.String() }), CustomerPage]);
export type FrictionCustomers = Static<typeof FrictionCustomers>;
