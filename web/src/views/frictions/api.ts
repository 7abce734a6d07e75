// The friction finder's two calls, shared by this view and the overview's top frictions (one cache entry
// per persona and period, so opening a friction from the overview does not run the finder again).
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import type { FrictionCustomers, FrictionList } from "../../../../src/analytics/frictions/schema.js";
import { api } from "../../api/client.js";
import { cohortQuery, periodQuery } from "../../components/filters.js";

export type { Friction, FrictionKind, FrictionList } from "../../../../src/analytics/frictions/schema.js";

/** Frictions listed when the URL does not say: the API's own default. */
export const DEFAULT_LIMIT = 20;
export const LIMITS = [10, 20, 50, 100] as const;
export const CUSTOMERS_PAGE = 25;

/** Whose frictions and when: a persona id and a stage key ("" for everyone), and the URL's dates. */
export interface FrictionScope {
  persona: string;
  stage?: string;
  from: string;
  to: string;
}

const scopeQuery = (s: FrictionScope) => ({
  ...cohortQuery(s.persona, s.stage ?? ""),
  ...periodQuery(s.from, s.to),
});

export function useFrictions(scope: FrictionScope, limit: number = DEFAULT_LIMIT) {
  return useQuery({
    queryKey: ["frictions", scope.persona, scope.stage ?? "", scope.from, scope.to, limit],
    queryFn: ({ signal }) =>
      api<FrictionList>("/api/frictions", {
        query: { ...scopeQuery(scope), limit },
        signal,
      }),
    // The finder scans the whole period; its answer changes only with new events.
    staleTime: 60_000,
  });
}

export function useFrictionCustomers(id: string, scope: FrictionScope) {
  return useInfiniteQuery({
    queryKey: ["friction-customers", id, scope.persona, scope.stage ?? "", scope.from, scope.to],
    queryFn: ({ pageParam, signal }) =>
      api<FrictionCustomers>(`/api/frictions/${encodeURIComponent(id)}/customers`, {
        query: {
          ...scopeQuery(scope),
          limit: CUSTOMERS_PAGE,
          after: pageParam,
        },
        signal,
      }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.next ?? undefined,
    staleTime: 60_000,
  });
}
