// The overview's call: one answer for the period (customers and events per channel, stages, NPS, CSAT).
import { useQuery } from "@tanstack/react-query";
import type { Overview } from "../../../../src/analytics/overview.js";
import type { AudiencePage } from "../../../../src/journey/map/schema.js";
import { api } from "../../api/client.js";
import { cohortQuery, periodQuery } from "../../components/filters.js";

export type { Overview };

/** Whose numbers and when: a persona id and a stage key ("" for everyone), and the URL's dates. */
export interface OverviewScope {
  persona: string;
  stage: string;
  from: string;
  to: string;
}

const scopeQuery = (s: OverviewScope) => ({
  ...cohortQuery(s.persona, s.stage),
  ...periodQuery(s.from, s.to),
});

export function useOverview(scope: OverviewScope) {
  return useQuery({
    queryKey: ["overview", scope.persona, scope.stage, scope.from, scope.to],
    queryFn: ({ signal }) => api<Overview>("/api/overview", { query: scopeQuery(scope), signal }),
    staleTime: 30_000,
  });
}

/** A page of the customers (of the scope) who reached a stage in the period: the map's audience, same numbers. */
export function stageAudience(
  stage: string,
  scope: OverviewScope,
  after: number | undefined,
  signal: AbortSignal,
) {
  return api<AudiencePage>("/api/journey-map/customers", {
    query: { ...scopeQuery(scope), audience: `stage:${stage}:reached`, limit: 50, after },
    signal,
  });
}
