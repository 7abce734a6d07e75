// The retention request for a URL state: the view and a board's tile send the same one.
import type { RetentionRequest, RetentionResult } from "../../../../src/analytics/retention.js";
import { cohortQuery, periodQuery } from "../../components/filters.js";
import { stepFromChoice } from "../../components/StepPicker.js";

export type PeriodUnit = RetentionResult["period"];
export const UNITS: PeriodUnit[] = ["day", "week", "month"];

// A step is in the URL in the step picker's compact form: `event:<name>`, `touchpoint:<id>`, `stage:<key>`.
export const DEFAULTS = {
  start: "event:Product Viewed",
  return: "event:Order Completed",
  mode: "first_time",
  period: "week",
  periods: "8",
  show: "percent",
  persona: "",
  stage: "",
  from: "",
  to: "",
};
export type RetentionUrlState = typeof DEFAULTS;

/** The request for a state (a saved one may lack parameters: the defaults fill them), or none without steps. */
export function retentionRequestOf(partial: Partial<RetentionUrlState>): RetentionRequest | undefined {
  const state = { ...DEFAULTS, ...partial };
  const start = stepFromChoice(state.start);
  const ret = stepFromChoice(state.return);
  if (!start || !ret) return undefined;
  return {
    start,
    return: ret,
    mode: state.mode === "recurring" ? "recurring" : "first_time",
    period: UNITS.find((u) => u === state.period) ?? "week",
    periods: Math.min(52, Math.max(1, Number.parseInt(state.periods, 10) || 8)),
    ...cohortQuery(state.persona, state.stage),
    ...periodQuery(state.from, state.to),
  };
}
