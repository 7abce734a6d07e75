// What the friction finder looks for, in one place: the steps whose failures and abandonment it measures
// (Segment e-commerce names by default), the dimensions a segment is made of, the self-service that can
// fail, and the thresholds that make a difference worth reporting. The detectors hold no event names of
// their own: contacts, responses, messages and feedback come from the touchpoint catalogue's kinds.
import { type Static, Type } from "@sinclair/typebox";
import { Condition, checkCondition, checkMatch, EventMatch } from "../../journey/rules.js";
import { StringEnum } from "../../typebox.js";

/**
 * A step with an outcome keyed on a property both events carry: a payment attempt that fails (outcome
 * `failure`), or a checkout that never becomes an order (outcome `success`, whose absence is the friction).
 * Without a key, a unit is a customer's visit to the start (starts within `discovery.windowMinutes` of the
 * one before are one visit), reached when the customer does the outcome after it: how the steps discovered
 * from the data are measured.
 */
export const StepDefinition = Type.Object(
  {
    id: Type.String({
      pattern: "^[a-z][a-z0-9_-]{0,39}$",
      description: "Stable, url-safe: part of the friction's id",
    }),
    unit: Type.String({
      minLength: 1,
      maxLength: 60,
      description: 'What one unit is, in the singular ("payment attempt")',
    }),
    start: EventMatch,
    outcome: EventMatch,
    key: Type.Optional(
      Type.String({
        pattern: "^[A-Za-z_][A-Za-z0-9_]*$",
        description:
          "Property of both events that ties an outcome to its start (e.g. checkout_id); without it, any outcome of the customer after the start",
      }),
    ),
    outcomeIs: StringEnum(["failure", "success"]),
    value: Type.Optional(
      Type.String({
        pattern: "^[A-Za-z_][A-Za-z0-9_]*$",
        description: "Property of the start event with the money at stake",
      }),
    ),
    abandonment: Type.Boolean({
      description: "Also list units that never reached the outcome as abandonment",
    }),
  },
  { additionalProperties: false },
);
export type StepDefinition = Static<typeof StepDefinition>;

/** A dimension read from every start event's context (or its channel). */
export const ContextDimension = Type.Object(
  {
    name: Type.String({ pattern: "^[a-z][a-z0-9_]{0,39}$" }),
    path: Type.String({
      pattern: "^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$",
      description: "`channel`, or a path inside the event's context such as `os.name`",
    }),
  },
  { additionalProperties: false },
);
export type ContextDimension = Static<typeof ContextDimension>;

/**
 * How steps are found in the data: the frequent consecutive transitions A → B between a customer's track
 * events of the period, kept when enough customers take them and B usually comes next after A.
 */
export const StepDiscovery = Type.Object(
  {
    maxSteps: Type.Integer({
      minimum: 0,
      maximum: 30,
      description: "At most this many discovered steps (those most customers take); 0 turns discovery off",
    }),
    windowMinutes: Type.Integer({
      minimum: 1,
      maximum: 10080,
      description: "B counts as following A when it comes within this many minutes (the session gap)",
    }),
    minCustomers: Type.Integer({ minimum: 1, description: "A transition needs this many customers" }),
    minShare: Type.Number({
      minimum: 0,
      maximum: 1,
      description: "…and B must be what comes next after at least this share of A (runs of A count once)",
    }),
  },
  { additionalProperties: false },
);
export type StepDiscovery = Static<typeof StepDiscovery>;

export const FrictionSettings = Type.Object(
  {
    steps: Type.Array(StepDefinition, { maxItems: 30 }),
    discovery: Type.Optional(StepDiscovery),
    dimensions: Type.Array(ContextDimension, {
      maxItems: 20,
      description:
        "Segments are made of these, the customer's persona, and the start event's own scalar properties",
    }),
    maxPropertyValues: Type.Integer({
      minimum: 2,
      maximum: 100,
      description: "A property of a start event is a dimension when it takes 2 to this many values",
    }),
    channelSwitch: Type.Object(
      {
        selfService: EventMatch,
        failed: Type.Array(Type.Array(Condition, { maxItems: 10 }), {
          maxItems: 10,
          description: "Each list of conditions is one way of failing (e.g. unresolved; answered by a bot)",
        }),
        assistedChannels: Type.Array(Type.String({ minLength: 1 }), { maxItems: 10 }),
        withinHours: Type.Number({ exclusiveMinimum: 0, maximum: 720 }),
      },
      {
        additionalProperties: false,
        description: "Self-service that can fail, and where customers go after it",
      },
    ),
    minZ: Type.Number({
      minimum: 1,
      description: "|z| a difference must reach; the scans test many segments and days, so well above 2",
    }),
    minUnits: Type.Integer({ minimum: 1, description: "A segment needs this many units" }),
    minCases: Type.Integer({ minimum: 1, description: "…and this many bad ones" }),
    minRatio: Type.Number({
      minimum: 1,
      description: "The segment's rate must be this many times the baseline's",
    }),
    abandonmentShare: Type.Number({
      minimum: 0,
      maximum: 1,
      description:
        "Abandonment is listed when at least this share of a touchpoint's units never reach the outcome",
    }),
    slowShare: Type.Number({
      minimum: 0,
      maximum: 1,
      description: "Share of responses over the channel's target above which slow responses are a friction",
    }),
    spikeDays: Type.Integer({
      minimum: 1,
      maximum: 90,
      description: "Negative-feedback spikes: the recent window",
    }),
    laterWindowDays: Type.Integer({
      minimum: 1,
      maximum: 90,
      description: "Repeat contacts: a follow-up this many days after the window is the baseline (chance)",
    }),
  },
  { additionalProperties: false },
);
export type FrictionSettings = Static<typeof FrictionSettings>;

/** What the schema cannot check: unique step ids, rules that compile. */
export function checkFrictionSettings(f: FrictionSettings): string | undefined {
  const ids = new Set<string>();
  for (const [i, step] of f.steps.entries()) {
    if (ids.has(step.id)) return `steps[${i}]: id "${step.id}" appears twice`;
    ids.add(step.id);
    const why = checkMatch(step.start) ?? checkMatch(step.outcome);
    if (why) return `steps[${i}] (${step.id}): ${why}`;
  }
  const why = checkMatch(f.channelSwitch.selfService);
  if (why) return `channelSwitch.selfService: ${why}`;
  for (const c of f.channelSwitch.failed.flat()) {
    const bad = checkCondition(c);
    if (bad) return `channelSwitch.failed: ${bad}`;
  }
  return undefined;
}

const track = (event: string): EventMatch => ({ event });

/**
 * The discovery's defaults (settings stored before it existed have none). Off (maxSteps 0) until its cost
 * is bounded: on the 10M-event bench store it made the finder about 7× slower (~10 s → ~70 s, the
 * discovered steps pull high-volume events such as Product Viewed into the scan) and listed four
 * drop-offs nobody planted. Turn it on in the settings (`discovery.maxSteps`, e.g. 12) for data whose
 * event names no configured step knows.
 */
export const defaultStepDiscovery: StepDiscovery = {
  maxSteps: 0,
  windowMinutes: 60,
  minCustomers: 50,
  minShare: 0.3,
};

export const defaultFrictionSettings: FrictionSettings = {
  steps: [
    {
      id: "payment",
      unit: "payment attempt",
      start: track("Payment Info Entered"),
      outcome: track("Payment Failed"),
      key: "attempt_id",
      outcomeIs: "failure",
      abandonment: false,
    },
    {
      id: "checkout",
      unit: "checkout",
      start: track("Checkout Started"),
      outcome: track("Order Completed"),
      key: "checkout_id",
      outcomeIs: "success",
      value: "value",
      abandonment: true,
    },
    {
      id: "cart",
      unit: "cart",
      start: track("Product Added"),
      outcome: track("Checkout Started"),
      key: "cart_id",
      outcomeIs: "success",
      value: "price",
      abandonment: true,
    },
    // Segment's e-commerce spec (v2) ties a checkout to its order by order_id: Checkout Started and Payment
    // Info Entered carry it, and so does Order Completed.
    {
      id: "order",
      unit: "checkout",
      start: track("Checkout Started"),
      outcome: track("Order Completed"),
      key: "order_id",
      outcomeIs: "success",
      value: "value",
      abandonment: false,
    },
    {
      id: "order-payment",
      unit: "payment",
      start: track("Payment Info Entered"),
      outcome: track("Order Completed"),
      key: "order_id",
      outcomeIs: "success",
      abandonment: false,
    },
    {
      id: "form",
      unit: "form",
      start: track("Form Started"),
      outcome: track("Form Submitted"),
      key: "form_id",
      outcomeIs: "success",
      abandonment: true,
    },
  ],
  discovery: defaultStepDiscovery,
  dimensions: [
    { name: "channel", path: "channel" },
    { name: "os", path: "os.name" },
    { name: "app_version", path: "app.version" },
    { name: "device_type", path: "device.type" },
    { name: "campaign", path: "campaign.name" },
  ],
  maxPropertyValues: 12,
  channelSwitch: {
    selfService: track("Chat Ended"),
    failed: [
      [{ property: "resolved", op: "eq", value: false }],
      [{ property: "agent", op: "eq", value: "bot" }],
    ],
    assistedChannels: ["phone"],
    withinHours: 24,
  },
  minZ: 4.5,
  minUnits: 30,
  minCases: 10,
  minRatio: 1.3,
  abandonmentShare: 0.1,
  slowShare: 0.2,
  spikeDays: 14,
  laterWindowDays: 7,
};
