// Touchpoints: named kinds of interaction ("Checkout (web)", "Support call"), each a rule on events and
// a stage. The catalogue is ordered: an event takes the first touchpoint whose rule it matches.
import { type Static, type TSchema, Type } from "@sinclair/typebox";
import { StringEnum } from "../typebox.js";
import type { JourneyModel } from "./model.js";
import { EventMatch, matchProblem } from "./rules.js";

export const TouchpointKinds = [
  "interaction",
  "contact",
  "response",
  "feedback",
  "message",
  "failure",
] as const;
export type TouchpointKind = (typeof TouchpointKinds)[number];

const PROPERTY = "^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$";

export const Feedback = Type.Union(
  [
    Type.Object(
      {
        property: Type.String({ pattern: PROPERTY }),
        min: Type.Number(),
        max: Type.Number(),
        invert: Type.Optional(Type.Boolean({ description: "A high value is bad (e.g. customer effort)" })),
      },
      { additionalProperties: false, description: "A score on a scale, mapped onto −1…1" },
    ),
    Type.Object(
      {
        property: Type.String({ pattern: PROPERTY }),
        labels: Type.Record(Type.String(), Type.Number({ minimum: -1, maximum: 1 })),
      },
      { additionalProperties: false, description: "A label (e.g. sentiment) with a value in −1…1 for each" },
    ),
    Type.Object(
      { value: Type.Number({ minimum: -1, maximum: 1 }) },
      { additionalProperties: false, description: "The event itself says this much (an unsubscribe is −1)" },
    ),
  ],
  { description: "How to read satisfaction from this interaction, as a value from −1 (bad) to 1 (good)" },
);
export type Feedback = Static<typeof Feedback>;

const Kind = StringEnum(TouchpointKinds, {
  description:
    "interaction (default); contact: the customer asks for help; response: the brand answers; feedback: carries satisfaction; message: marketing sent; failure: something broke",
});

const ResponseMinutes = Type.Object(
  {
    property: Type.String({ pattern: PROPERTY }),
    unit: Type.Optional(
      Type.Union([Type.Literal("seconds"), Type.Literal("minutes"), Type.Literal("hours")]),
    ),
  },
  { additionalProperties: false, description: "For responses: where the response time is" },
);

const Subject = Type.String({
  pattern: PROPERTY,
  description: "For contacts: the property that says what it is about (an order id, a topic)",
});

export const TouchpointInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 80 }),
    stage: Type.String({ description: "Stage key" }),
    match: EventMatch,
    kind: Type.Optional(Kind),
    advances: Type.Optional(
      Type.Boolean({
        description: "Puts the customer in this stage (default true; false for what the brand does)",
      }),
    ),
    feedback: Type.Optional(Feedback),
    responseMinutes: Type.Optional(ResponseMinutes),
    subject: Type.Optional(Subject),
  },
  { additionalProperties: false },
);
export type TouchpointInput = Static<typeof TouchpointInput>;

const nullable = <T extends TSchema>(t: T) => Type.Optional(Type.Union([t, Type.Null()]));

/** A change to a touchpoint: fields given replace the current ones; null removes an optional one. */
export const TouchpointPatch = Type.Object(
  {
    name: Type.Optional(TouchpointInput.properties.name),
    stage: Type.Optional(TouchpointInput.properties.stage),
    match: Type.Optional(EventMatch),
    kind: nullable(Kind),
    advances: nullable(Type.Boolean()),
    feedback: nullable(Feedback),
    responseMinutes: nullable(ResponseMinutes),
    subject: nullable(Subject),
  },
  { additionalProperties: false },
);
export type TouchpointPatch = Static<typeof TouchpointPatch>;

export const Touchpoint = Type.Object(
  {
    id: Type.String({ description: "Stable id, from the name" }),
    ...TouchpointInput.properties,
    kind: Kind,
    advances: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type Touchpoint = Static<typeof Touchpoint>;

/** A url-safe id from a name (touchpoints and personas): "Checkout (web)" → "checkout-web". */
export function idFromName(name: string): string {
  const slug = name
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
  return slug || `tp-${Buffer.from(name).toString("hex").slice(0, 16)}`;
}

/**
 * What the schema cannot check: the stage exists, the rule compiles, kind-specific fields fit; with the
 * JSON pointer of the field at fault.
 */
export function touchpointProblem(
  t: TouchpointInput,
  model: JourneyModel,
): { message: string; path: string } | undefined {
  if (!model.stages.some((s) => s.key === t.stage))
    return {
      message: `stage "${t.stage}" is not in the journey model (stages: ${model.stages.map((s) => s.key).join(", ")})`,
      path: "/stage",
    };
  const rule = matchProblem(t.match);
  if (rule) return { message: rule.message, path: `/match${rule.path}` };
  if (t.feedback && "min" in t.feedback && !(t.feedback.max > t.feedback.min))
    return { message: "feedback.max must be greater than feedback.min", path: "/feedback/max" };
  if (t.responseMinutes && (t.kind ?? "interaction") !== "response")
    return { message: "responseMinutes is only for touchpoints of kind response", path: "/responseMinutes" };
  return undefined;
}

export const checkTouchpoint = (t: TouchpointInput, model: JourneyModel): string | undefined =>
  touchpointProblem(t, model)?.message;

export const withDefaults = (t: TouchpointInput): Omit<Touchpoint, "id"> => ({
  ...t,
  kind: t.kind ?? "interaction",
  advances: t.advances ?? !["response", "message"].includes(t.kind ?? "interaction"),
});
