// The suggestions' answer, one TypeBox schema for the route's validation, its OpenAPI entry, the CLI's
// JSON and the engine's types.
import { type Static, Type } from "@sinclair/typebox";
import { Touchpoint, TouchpointInput } from "../touchpoints.js";

const Share = Type.Number({ minimum: 0, maximum: 1 });

export const NameEvidence = Type.Union([
  Type.Object({
    stage: Type.String(),
    word: Type.String({ description: "The word of the lexicon found in the event's name" }),
  }),
  Type.Null(),
]);

export const SequenceEvidence = Type.Union([
  Type.Object({
    stage: Type.String({ description: "The stage its place in customers' paths points to" }),
    basis: Type.Union([Type.Literal("conversion"), Type.Literal("path")], {
      description:
        "conversion: placed relative to the likely conversion, among customers who reached it; path: relative to the whole path (no customer reached a conversion)",
    }),
    position: Type.Number({
      minimum: 0,
      description:
        "Median place of its first occurrence: for basis conversion, 1 is the conversion and above 1 after it; for path, 0 first and 1 last",
    }),
    customers: Type.Integer({ description: "Customers behind the position" }),
    lastShare: Type.Number({ ...Share, description: "Share of its customers for whom it is the last event" }),
    reach: Type.Number({ ...Share, description: "Share of all customers with a path who have it" }),
  }),
  Type.Null(),
]);

export const Suggestion = Type.Object({
  id: Type.String({ description: "The touchpoint id it would get; also names the suggestion" }),
  type: Type.String(),
  event: Type.String(),
  channels: Type.Array(Type.String(), { description: "Channels its unmatched events came on" }),
  name: Type.String(),
  stage: Type.String({ description: "The proposed stage: the name's when it has one, else the sequence's" }),
  advances: Type.Boolean(),
  conversion: Type.Boolean({
    description: "The likely conversion: proposed as purchase's advancing touchpoint",
  }),
  conversionScore: Type.Number({ ...Share, description: "Late, reached by a minority, followed by little" }),
  confidence: Type.Number({
    ...Share,
    description: "How much the name and the sequences agree, weighed by how many customers are behind them",
  }),
  evidence: Type.Object({ name: NameEvidence, sequence: SequenceEvidence }),
  matches: Type.Object(
    { events: Type.Integer(), customers: Type.Integer() },
    { description: "The unmatched events and customers it would take" },
  ),
  touchpoint: TouchpointInput,
});
export type Suggestion = Static<typeof Suggestion>;

export const Suggestions = Type.Object({
  customers: Type.Integer({ description: "Customers with a path (any track, page or screen event)" }),
  conversions: Type.Array(Type.String({ description: "Suggestion id" })),
  items: Type.Array(Suggestion),
});
export type Suggestions = Static<typeof Suggestions>;

/** Which suggestions to apply, each as proposed or changed; none given applies them all as proposed. */
export const ApplyRequest = Type.Object(
  {
    items: Type.Optional(
      Type.Array(
        Type.Object(
          {
            id: Type.String({ maxLength: 80, description: "A suggestion's id" }),
            name: Type.Optional(TouchpointInput.properties.name),
            stage: Type.Optional(TouchpointInput.properties.stage),
            advances: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        { maxItems: 1000 },
      ),
    ),
  },
  { additionalProperties: false },
);
export type ApplyRequest = Static<typeof ApplyRequest>;

export const ApplyResult = Type.Object({
  created: Type.Array(Touchpoint),
  refused: Type.Array(
    Type.Object({ id: Type.String(), message: Type.String() }, { description: "Not created, and why" }),
  ),
});
export type ApplyResult = Static<typeof ApplyResult>;
