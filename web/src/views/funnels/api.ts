// The funnel view's calls, and the chart-friendly formatter the time-to-convert view shares.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import type { FunnelCustomerPage, FunnelRequest, FunnelResult } from "../../../../src/analytics/funnel.js";
import { api } from "../../api/client.js";
import type { CustomerListRequest } from "../../components/CustomerList.js";
import { formatFor, useFormat } from "../../i18n/format.js";

/** The formatter, the same object while the language stays: chart options built from it can be memoised. */
export function useStableFormat() {
  const { locale } = useFormat();
  return useMemo(() => formatFor(locale), [locale]);
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
