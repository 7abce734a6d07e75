// The time-to-convert request for a URL state: the view and a board's tile send the same one.
import type { Step } from "../../../../src/analytics/steps.js";
import type { TimeToConvertRequest } from "../../../../src/analytics/time-to-convert.js";
import { decodeJson } from "../../app/url-state.js";
import { cohortQuery, periodQuery } from "../../components/filters.js";
import { DEFAULT_WINDOW } from "../funnels/definition.js";

export const DEFAULT_START: Step = { event: "Product Viewed" };
export const DEFAULT_END: Step = { event: "Order Completed" };

export const readStep = (text: string, fallback: Step): Step => {
  const value = decodeJson<unknown>(text, null);
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Step) : fallback;
};

export interface TimeToConvertUrlState {
  start: string;
  end: string;
  window: string;
  persona: string;
  stage: string;
  from: string;
  to: string;
}

export function timeToConvertRequestOf(
  state: TimeToConvertUrlState,
  start = readStep(state.start, DEFAULT_START),
  end = readStep(state.end, DEFAULT_END),
): TimeToConvertRequest {
  return {
    start,
    end,
    window: state.window || DEFAULT_WINDOW,
    ...cohortQuery(state.persona, state.stage),
    ...periodQuery(state.from, state.to),
  };
}
