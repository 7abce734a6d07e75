// A funnel as the builder edits it (a draft: steps may still be empty, condition values are text) and as
// the API takes it. The URL keeps the API's form, so a link is the exact request.
import type { FunnelOrders, FunnelRequest } from "../../../../src/analytics/funnel.js";
import type { Step } from "../../../../src/analytics/steps.js";
import { decodeJson } from "../../app/url-state.js";
import { cohortQuery, periodQuery } from "../../components/filters.js";
import { isPropertyPath, type StepDraft, stepDraft, stepOf } from "../../components/StepPicker.js";

export type FunnelOrder = (typeof FunnelOrders)[number];
export const ORDERS: readonly FunnelOrder[] = ["ordered", "strict", "unordered"];
export const WINDOWS = ["30m", "1h", "6h", "1d", "3d", "7d", "14d", "30d", "60d"] as const;
export const DEFAULT_WINDOW = "14d";

/** A funnel's step: the picker's draft, with an id that keeps its editor (and search text) with it. */
export interface DraftStep extends StepDraft {
  id: number;
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

export function draftStep(step: Step): DraftStep {
  return { id: ++lastId, ...stepDraft(step) };
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
  const steps = draft.steps.map((s) => stepOf(s));
  if (draft.steps.length < 2) return { ok: false, reason: "invalid.twoSteps" };
  if (steps.some((s) => s === null)) return { ok: false, reason: "invalid.incompleteStep" };
  const exclusions = draft.exclusions.map((x) => {
    const step = stepOf(x);
    return step ? { ...step, between: x.between } : null;
  });
  if (exclusions.some((x) => x === null)) return { ok: false, reason: "invalid.incompleteExclusion" };
  const breakdown = draft.breakdown.trim();
  if (breakdown && !isPropertyPath(breakdown)) return { ok: false, reason: "invalid.breakdown" };
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

/** The funnel a URL's `funnel` parameter holds, or the default one when it is missing or broken. */
export function readDefinition(text: string): FunnelDefinition {
  const value = decodeJson<unknown>(text, null);
  return isDefinition(value) ? value : DEFAULT_FUNNEL;
}

/** The view's URL state (the funnels page's, or a saved view's). */
export interface FunnelUrlState {
  funnel: string;
  persona: string;
  stage: string;
  from: string;
  to: string;
  interval: string;
}

/** The request the funnels view sends for a URL state: a board's tile sends the same, so its numbers are the view's. */
export function funnelRequestOf(
  state: FunnelUrlState,
  definition = readDefinition(state.funnel),
): FunnelRequest {
  const interval = state.interval === "day" || state.interval === "week" ? state.interval : undefined;
  return {
    ...definition,
    ...cohortQuery(state.persona, state.stage),
    ...periodQuery(state.from, state.to),
    ...(interval ? { interval } : {}),
  };
}
