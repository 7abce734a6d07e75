// The journey model: the stages in order with their entry rules, when a quiet customer lapses back, and
// the figures pain points are measured against. One document, versioned, editable as a whole.
import { type Static, Type } from "@sinclair/typebox";
import { type Condition, checkMatch, EventMatch } from "./rules.js";

const KEY = "^[a-z][a-z0-9_-]{0,39}$";

export const Stage = Type.Object(
  {
    key: Type.String({ pattern: KEY, description: "Stable id, e.g. `purchase`" }),
    name: Type.String({ minLength: 1, maxLength: 80 }),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
    entry: Type.Array(EventMatch, {
      maxItems: 50,
      description:
        "Extra events that put a customer in this stage, besides the stage's advancing touchpoints (e.g. an NPS score of 9 or more for advocacy)",
    }),
  },
  { additionalProperties: false },
);
export type Stage = Static<typeof Stage>;

export const JourneyModel = Type.Object(
  {
    stages: Type.Array(Stage, { minItems: 2, maxItems: 12, description: "In journey order" }),
    lapse: Type.Union(
      [
        Type.Object(
          {
            afterDays: Type.Integer({ minimum: 1, maximum: 3650 }),
            to: Type.String({ pattern: KEY, description: "Stage a lapsed customer falls back to" }),
          },
          { additionalProperties: false },
        ),
        Type.Null(),
      ],
      { description: "A customer with no stage signal for this long moves back; null turns lapsing off" },
    ),
    conversionDays: Type.Integer({
      minimum: 1,
      maximum: 365,
      description: "How long after a touchpoint reaching the next stage still counts as converting after it",
    }),
    satisfactionDays: Type.Integer({
      minimum: 1,
      maximum: 90,
      description:
        "Feedback given this many days after a touchpoint is counted as that touchpoint's satisfaction",
    }),
    repeatContactDays: Type.Integer({
      minimum: 1,
      maximum: 90,
      description: "A second contact about the same subject within this many days is a repeat contact",
    }),
    responseTargetMinutes: Type.Record(Type.String(), Type.Number({ exclusiveMinimum: 0 }), {
      description: "First-response target per channel; slower answers are slow responses",
    }),
    purchase: Type.Object(
      {
        event: Type.String({ minLength: 1 }),
        revenueProperties: Type.Array(Type.String({ pattern: "^[A-Za-z_][A-Za-z0-9_]*$" }), { minItems: 1 }),
      },
      { additionalProperties: false, description: "The event that is an order, and where its value is" },
    ),
  },
  { additionalProperties: false },
);
export type JourneyModel = Static<typeof JourneyModel>;

/** Checks what the schema cannot: unique keys, a lapse target that exists, rules that compile. */
export function checkModel(m: JourneyModel): string | undefined {
  const keys = new Set<string>();
  for (const s of m.stages) {
    if (keys.has(s.key)) return `stage key "${s.key}" appears twice`;
    keys.add(s.key);
    for (const rule of s.entry) {
      const why = checkMatch(rule);
      if (why) return `stage "${s.key}": ${why}`;
    }
  }
  if (m.lapse && !keys.has(m.lapse.to)) return `lapse.to "${m.lapse.to}" is not a stage`;
  return undefined;
}

/** 1-based position of a stage; 0 means "not in the journey yet". */
export const stagePosition = (m: JourneyModel, key: string): number =>
  m.stages.findIndex((s) => s.key === key) + 1;

const score = (property: string, op: "gte" | "lte" | "eq", value: number | string): Condition => ({
  property,
  op,
  value,
});

/** The five stages of the source articles, with entry rules for the Segment e-commerce and CX events. */
export const defaultModel: JourneyModel = {
  stages: [
    {
      key: "awareness",
      name: "Awareness",
      description: "The customer learns the brand exists: an ad, a post, a friend's link, a first visit.",
      entry: [],
    },
    {
      key: "consideration",
      name: "Consideration",
      description: "Researching and comparing: products, reviews, questions to the brand.",
      entry: [],
    },
    {
      key: "purchase",
      name: "Purchase",
      description: "Deciding and paying: cart, checkout, payment, the order.",
      entry: [],
    },
    {
      key: "retention",
      name: "Retention",
      description: "After the order: delivery, use, service, messages, the next order.",
      // Bought at the counter, the customer walks out with the product: no delivery to wait for.
      entry: [{ event: "Order Completed", channels: ["store"] }],
    },
    {
      key: "advocacy",
      name: "Advocacy",
      description: "Recommending the brand: good reviews, referrals, promoter scores, happy posts.",
      entry: [
        { event: "Product Reviewed", where: [score("rating", "gte", 4)] },
        { event: "Survey Responded", where: [score("survey_type", "eq", "nps"), score("score", "gte", 9)] },
        { event: "Social Mention", where: [score("sentiment", "eq", "positive")] },
      ],
    },
  ],
  lapse: { afterDays: 45, to: "consideration" },
  conversionDays: 30,
  satisfactionDays: 7,
  repeatContactDays: 7,
  // Social: customers expect an answer within the hour (source articles); chat and phone within minutes.
  responseTargetMinutes: { social: 60, chat: 5, phone: 5, email: 24 * 60, sms: 60 },
  purchase: { event: "Order Completed", revenueProperties: ["revenue", "total"] },
};
