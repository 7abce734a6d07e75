// The funnel view's calls, and the step pickers' lists (event names, touchpoints, stages, property
// keys) that the time-to-convert view shares.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import type { FunnelCustomerPage, FunnelRequest, FunnelResult } from "../../../../src/analytics/funnel.js";
import type { JourneyModel } from "../../../../src/journey/model.js";
import type { Touchpoint } from "../../../../src/journey/touchpoints.js";
import { api } from "../../api/client.js";
import type { CustomerListRequest } from "../../components/CustomerList.js";
import { formatFor, useFormat } from "../../i18n/format.js";

/** The formatter, the same object while the language stays: chart options built from it can be memoised. */
export function useStableFormat() {
  const { locale } = useFormat();
  return useMemo(() => formatFor(locale), [locale]);
}

export interface EventName {
  type: "track" | "page" | "screen";
  event: string;
  events: number;
  lastSeen: string;
}

/** Most frequent event names, narrowed by `q` on the server (so names beyond the first page are found). */
export function useEventNames(q: string) {
  return useQuery({
    queryKey: ["event-names", q],
    queryFn: ({ signal }) =>
      api<{ items: EventName[] }>("/api/events/names", { query: { q, limit: 100 }, signal }),
    staleTime: 60_000,
    placeholderData: keepPreviousData,
  });
}

export function useEventProperties(step: { event?: string | undefined; type?: string | undefined }) {
  return useQuery({
    queryKey: ["event-properties", step.type ?? "track", step.event],
    queryFn: ({ signal }) =>
      api<{ items: Array<{ property: string; events: number }> }>("/api/events/properties", {
        query: { event: step.event, type: step.type ?? "track", limit: 50 },
        signal,
      }),
    enabled: Boolean(step.event),
    staleTime: 60_000,
  });
}

export function useTouchpoints() {
  return useQuery({
    queryKey: ["touchpoints"],
    queryFn: ({ signal }) => api<{ items: Touchpoint[] }>("/api/touchpoints", { signal }),
    staleTime: 60_000,
  });
}

export function useJourneyModel() {
  return useQuery({
    queryKey: ["journey-model"],
    queryFn: ({ signal }) => api<JourneyModel>("/api/journey-model", { signal }),
    staleTime: 60_000,
  });
}

export function useFunnel(request: FunnelRequest | null) {
  return useQuery({
    queryKey: ["funnel", request],
    queryFn: ({ signal }) =>
      api<FunnelResult>("/api/insights/funnel", { method: "POST", body: request, signal }),
    enabled: request !== null,
    placeholderData: keepPreviousData,
  });
}

/** The customers who reached step `step` (1-based), or reached it and went no further. */
export function funnelCustomerList(
  request: FunnelRequest,
  step: number,
  kind: "reached" | "dropped",
  title: string,
  detail: (c: FunnelCustomerPage["customers"][number]) => string,
): CustomerListRequest {
  return {
    key: ["funnel", request, step, kind],
    title,
    page: async (after, signal) => {
      const page = await api<FunnelCustomerPage>("/api/insights/funnel/customers", {
        method: "POST",
        body: { ...request, step, kind, limit: 50, ...(after === undefined ? {} : { after }) },
        signal,
      });
      return {
        total: page.total,
        next: page.next,
        customers: page.customers.map((c) => ({ id: c.id, name: c.name, detail: detail(c) })),
      };
    },
  };
}
