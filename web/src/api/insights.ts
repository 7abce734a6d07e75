// The analyses' one call: POST /api/insights/{kind} with a view's request. The views and the boards'
// tiles both ask through it, so a tile and its full view share one cache entry per request.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api } from "./client.js";

export type InsightKind = "funnel" | "paths" | "retention" | "stage-flow" | "time-to-convert";

/**
 * The answer to `request` (nothing is asked while it is undefined or null, or `enabled` is false).
 * `keepPrevious` keeps the last answer on screen while a new request runs (`isPlaceholderData`).
 */
export function useInsightResult<R>(
  kind: InsightKind,
  request: unknown,
  { enabled = true, keepPrevious = false }: { enabled?: boolean; keepPrevious?: boolean } = {},
) {
  return useQuery({
    queryKey: ["insights", kind, request],
    queryFn: ({ signal }) => api<R>(`/api/insights/${kind}`, { method: "POST", body: request, signal }),
    enabled: enabled && request !== undefined && request !== null,
    placeholderData: keepPrevious ? keepPreviousData : undefined,
  });
}
