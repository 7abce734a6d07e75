// A step or a funnel as the builder edits it (a draft: steps may still be empty, condition values are
// text) and as the API takes it. The URL keeps the API's form, so a link is the exact request.
import type { FunnelOrders, FunnelRequest } from "../../../../src/analytics/funnel.js";
import type { Step } from "../../../../src/analytics/steps.js";
import type { Condition, Operator } from "../../../../src/journey/rules.js";

export type FunnelOrder = (typeof FunnelOrders)[number];
export const ORDERS: readonly FunnelOrder[] = ["ordered", "strict", "unordered"];
export const OPERATORS: readonly Operator[] = [
  "eq",
  "neq",
  "contains",
  "gt",
  "gte",
  "lt",
  "lte",
  "in",
  "not_in",
  "exists",
  "not_exists",
];
export const WINDOWS = ["30m", "1h", "6h", "1d", "3d", "7d", "14d", "30d", "60d"] as const;
export const DEFAULT_WINDOW = "14d";
const PROPERTY = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const NUMBER = /^-?\d+(\.\d+)?$/;

export interface DraftCondition {
  property: string;
  op: Operator;
  /** As typed; lists are comma-separated. */
  value: string;
}

export interface DraftStep {
  /** Keeps a step's editor (and its search text) with the step when steps move. */
  id: number;
  /** What the step is, as the picker's value: `track:<name>`, `page:<name>`, `screen:<name>`, `touchpoint:<id>`, `stage:<key>`; "" when not chosen yet. */
  choice: string;
  where: DraftCondition[];
}

export interface DraftExclusion extends DraftStep {
  /** 0-based step indexes: after the first, before the second. */
  between: [number, number];
}

export interface FunnelDraft {
  steps: DraftStep[];
  window: string;
  order: FunnelOrder;
  exclusions: DraftExclusion[];
  breakdown: string;
}

/** The funnel as kept in the URL: the API's request without the period (which has its own parameters). */
export type FunnelDefinition = Omit<FunnelRequest, "from" | "to" | "interval">;

let lastId = 0;
export const emptyStep = (): DraftStep => ({ id: ++lastId, choice: "", where: [] });

/** Segment's e-commerce spec, which the demo world and most stores send: the funnel shown first. */
export const DEFAULT_FUNNEL: FunnelDefinition = {
  steps: [
    { event: "Product Viewed" },
    { event: "Product Added" },
    { event: "Checkout Started" },
    { event: "Order Completed" },
  ],
  window: DEFAULT_WINDOW,
  order: "ordered",
};

export const needsValue = (op: Operator) => op !== "exists" && op !== "not_exists";

export function choiceOf(step: Step): string {
  if (step.touchpoint !== undefined) return `touchpoint:${step.touchpoint}`;
  if (step.stage !== undefined) return `stage:${step.stage}`;
  if (step.event !== undefined) return `${step.type ?? "track"}:${step.event}`;
  return "";
}

export function conditionValue(c: DraftCondition): Condition["value"] {
  if (!needsValue(c.op)) return undefined;
  const text = c.value.trim();
  if (c.op === "in" || c.op === "not_in")
    return text
      .split(",")
      .map((v) => v.trim())
      .filter(Boolean);
  if (c.op === "gt" || c.op === "gte" || c.op === "lt" || c.op === "lte") return Number(text);
  // A number compares as a number (3 matches 3.0 and "3"); anything else as text.
  if ((c.op === "eq" || c.op === "neq") && NUMBER.test(text)) return Number(text);
  return text;
}

export function conditionComplete(c: DraftCondition): boolean {
  if (!PROPERTY.test(c.property.trim())) return false;
  if (!needsValue(c.op)) return true;
  const text = c.value.trim();
  if (!text) return false;
  if (c.op === "gt" || c.op === "gte" || c.op === "lt" || c.op === "lte") return NUMBER.test(text);
  return true;
}

export function draftCondition(c: Condition): DraftCondition {
  const value = Array.isArray(c.value) ? c.value.join(", ") : c.value === undefined ? "" : String(c.value);
  return { property: c.property, op: c.op, value };
}

/** The API's step, or null while the draft is incomplete. */
export function stepOf(draft: Pick<DraftStep, "choice" | "where">): Step | null {
  const at = draft.choice.indexOf(":");
  if (at < 0) return null;
  const kind = draft.choice.slice(0, at);
  const value = draft.choice.slice(at + 1);
  if (!value || !draft.where.every(conditionComplete)) return null;
  const where = draft.where.map((c) => {
    const value = conditionValue(c);
    return { property: c.property.trim(), op: c.op, ...(value === undefined ? {} : { value }) };
  });
  const conditions = where.length ? { where } : {};
  if (kind === "touchpoint") return { touchpoint: value, ...conditions };
  if (kind === "stage") return { stage: value };
  if (kind === "track") return { event: value, ...conditions };
  if (kind === "page" || kind === "screen") return { event: value, type: kind, ...conditions };
  return null;
}

export function draftStep(step: Step): DraftStep {
  return { id: ++lastId, choice: choiceOf(step), where: (step.where ?? []).map(draftCondition) };
}

export function draftOf(def: FunnelDefinition): FunnelDraft {
  return {
    steps: def.steps.map(draftStep),
    window: def.window ?? DEFAULT_WINDOW,
    order: def.order ?? "ordered",
    exclusions: (def.exclusions ?? []).map(({ between, ...step }) => ({ ...draftStep(step), between })),
    breakdown: def.breakdown?.property ?? "",
  };
}

/** Why the draft cannot run yet (a message key), or the definition it stands for. */
export function definitionOf(
  draft: FunnelDraft,
): { ok: true; value: FunnelDefinition } | { ok: false; reason: string } {
  const steps = draft.steps.map(stepOf);
  if (draft.steps.length < 2) return { ok: false, reason: "invalid.twoSteps" };
  if (steps.some((s) => s === null)) return { ok: false, reason: "invalid.incompleteStep" };
  const exclusions = draft.exclusions.map((x) => {
    const step = stepOf(x);
    return step ? { ...step, between: x.between } : null;
  });
  if (exclusions.some((x) => x === null)) return { ok: false, reason: "invalid.incompleteExclusion" };
  const breakdown = draft.breakdown.trim();
  if (breakdown && !PROPERTY.test(breakdown)) return { ok: false, reason: "invalid.breakdown" };
  if (breakdown && draft.order === "unordered") return { ok: false, reason: "invalid.breakdownUnordered" };
  return {
    ok: true,
    value: {
      steps: steps as Step[],
      window: draft.window,
      order: draft.order,
      ...(exclusions.length ? { exclusions: exclusions as NonNullable<FunnelDefinition["exclusions"]> } : {}),
      ...(breakdown ? { breakdown: { property: breakdown } } : {}),
    },
  };
}

/** Keeps each exclusion's step range inside a funnel of `n` steps (after steps move or go). */
export function clampExclusions(exclusions: DraftExclusion[], n: number): DraftExclusion[] {
  return exclusions.map((x) => {
    const [a, b] = x.between;
    return a < b && b < n ? x : { ...x, between: [0, Math.max(1, n - 1)] as [number, number] };
  });
}

/** A definition read from the URL, checked enough to draw the builder (the API checks the rest). */
export function isDefinition(value: unknown): value is FunnelDefinition {
  if (!value || typeof value !== "object") return false;
  const steps = (value as { steps?: unknown }).steps;
  return Array.isArray(steps) && steps.every((s) => s !== null && typeof s === "object");
}
