// The table of analyses: each entry is one module holding its request, result, cell, computation and
// audience (src/analytics/insight.ts). The server and the CLI read this table, so a new analysis is a
// module plus a line here.
import { funnelInsight } from "./funnel.js";
import type { AnyInsight } from "./insight.js";
import { pathsInsight } from "./paths.js";
import { retentionInsight } from "./retention.js";
import { stageFlowInsight } from "./stage-flow.js";
import { timeToConvertInsight } from "./time-to-convert.js";

export const INSIGHTS: readonly AnyInsight[] = [
  funnelInsight,
  pathsInsight,
  retentionInsight,
  stageFlowInsight,
  timeToConvertInsight,
];

export const insightOf = (kind: string): AnyInsight | undefined => INSIGHTS.find((i) => i.kind === kind);
