// The friction finder's answers, as schemas: the API validates and documents them, the finder takes its
// types from them.

import { type Static, Type } from "@sinclair/typebox";
import { Message } from "../../findings/message.js";
import { StringEnum } from "../../typebox.js";
import { CustomerPage } from "../audience.js";

export const FrictionKinds = [
  "drop-off",
  "failure",
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
  messages: Type.Object(
    { measure: Message, baseline: Message },
    { description: "`measure` and `baselineLabel` as message keys and parameters, for any language" },
  ),
});
export type Evidence = Static<typeof Evidence>;

const SeriesPoint = Type.Object({
  units: Type.Integer({ description: "Cases of the day (attempts, contacts, answers…)" }),
  cases: Type.Integer({ description: "Bad ones among them" }),
  rate: Type.Union([Type.Number(), Type.Null()], {
    description: "cases / units; null on a day without units",
  }),
});

export const SeriesDay = Type.Object({
  day: Type.String({ description: "UTC day, YYYY-MM-DD (over-contact: the first day of a customer-week)" }),
  affected: SeriesPoint,
  baseline: SeriesPoint,
});
export type SeriesDay = Static<typeof SeriesDay>;

export const Friction = Type.Object({
  id: Type.String({ description: "<kind>:<what>; stable for the same data and period" }),
  rank: Type.Integer({ minimum: 1 }),
  kind: StringEnum(FrictionKinds),
  title: Type.String({ description: "`message` and `notes` in English, joined by semicolons" }),
  message: Message,
  notes: Type.Array(Message, {
    description: "What the title goes on to say (what explains it, what followed)",
  }),
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
  series: Type.Array(SeriesDay, {
    description:
      "Every day of the period: the affected segment's units and bad cases next to the baseline's (drop-off: the segment against every other unit of the step; abandonment: the touchpoint against the step's other touchpoints; repeat contact: follow-ups within the window against 'later'; channel switch: failed against other sessions; slow response: after slow against after on-time answers, or slow responses against the target; over-contact: weeks above the threshold against the rest; negative feedback: the touchpoint against the other feedback touchpoints). The affected days from `since` on add up to the evidence's cases and units.",
  }),
  changePoint: Type.Union([Type.String(), Type.Null()], {
    description:
      "Day (YYYY-MM-DD) the affected segment's own rate rose, by the best likelihood-ratio split of its series; null when it did not",
  }),
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
