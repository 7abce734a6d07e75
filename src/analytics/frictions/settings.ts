// What the friction finder looks for, in one place: the steps whose failures and abandonment it measures
// (Segment e-commerce names by default), the dimensions a segment is made of, the self-service that can
// fail, and the thresholds that make a difference worth reporting. The detectors hold no event names of
// their own: contacts, responses, messages and feedback come from the touchpoint catalogue's kinds.
import type { Condition, EventMatch } from "../../journey/rules.js";

/**
 * A step with an outcome keyed on a property both events carry: a payment attempt that fails (outcome
 * `failure`), or a checkout that never becomes an order (outcome `success`, whose absence is the friction).
 */
export interface StepDefinition {
  /** Stable, url-safe: part of the friction's id. */
  id: string;
  /** What one unit is, in the singular ("payment attempt"). */
  unit: string;
  start: EventMatch;
  outcome: EventMatch;
  /** Property of both events that ties an outcome to its start (e.g. `checkout_id`). */
  key: string;
  outcomeIs: "failure" | "success";
  /** Property of the start event with the money at stake (lost revenue). */
  value?: string;
  /** Also list the units that never reached the outcome as abandonment, per touchpoint. */
  abandonment: boolean;
}

/** A dimension read from every start event's context (or its channel). */
export interface ContextDimension {
  name: string;
  /** `channel`, or a path inside the event's context such as `os.name`. */
  path: string;
}

export interface FrictionSettings {
  steps: StepDefinition[];
  /** Segments are made of these, the customer's persona, and the start event's own scalar properties. */
  dimensions: ContextDimension[];
  /** A property of a start event is a dimension when it takes 2 to this many values. */
  maxPropertyValues: number;
  /** Self-service that can fail, and the assisted channels a customer switches to after it. */
  channelSwitch: {
    selfService: EventMatch;
    /** Each list of conditions is one way of failing (e.g. unresolved; answered by a bot). */
    failed: Condition[][];
    assistedChannels: string[];
    withinHours: number;
  };
  /** |z| a difference must reach; the scans test many segments and days, so this is well above 2. */
  minZ: number;
  /** A segment needs this many units and this many bad ones. */
  minUnits: number;
  minCases: number;
  /** The rate in the segment must be at least this many times the baseline's. */
  minRatio: number;
  /** Abandonment is listed when at least this share of a touchpoint's units never reach the outcome. */
  abandonmentShare: number;
  /** Share of responses over the channel's target above which slow responses are a friction on their own. */
  slowShare: number;
  /** Negative-feedback spikes: the recent window compared with the rest of the period. */
  spikeDays: number;
  /** Repeat contacts: a follow-up in this many days after the window is the baseline (chance). */
  laterWindowDays: number;
}

const track = (event: string): EventMatch => ({ event });

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
