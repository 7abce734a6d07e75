// The overview's call: one answer for the period (customers and events per channel, stages, NPS, CSAT).
import { useQuery } from "@tanstack/react-query";
import type { Overview } from "../../../../src/analytics/overview.js";
import type { AudiencePage } from "../../../../src/journey/map/schema.js";
import { api } from "../../api/client.js";
import { periodQuery, personaQuery } from "../../components/filters.js";

export type { Overview };

/** `persona`: a persona id, or "" for everyone. */
export function useOverview(persona: string, from: string, to: string) {
  return useQuery({
    queryKey: ["overview", persona, from, to],
    queryFn: ({ signal }) =>
      api<Overview>("/api/overview", {
        query: { ...personaQuery(persona), ...periodQuery(from, to) },
        signal,
      }),
    staleTime: 30_000,
  });
}

/** A page of the customers (of the persona) who reached a stage in the period: the map's audience, same numbers. */
export function stageAudience(
  stage: string,
  persona: string,
  from: string,
  to: string,
  after: number | undefined,
  signal: AbortSignal,
) {
  return api<AudiencePage>("/api/journey-map/customers", {
    query: {
      ...personaQuery(persona),
      ...periodQuery(from, to),
      audience: `stage:${stage}:reached`,
      limit: 50,
      after,
    },
    signal,
  });
}
