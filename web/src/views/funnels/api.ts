// The funnel view's calls, and the chart-friendly formatter the time-to-convert view shares.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import type { FunnelRequest, FunnelResult } from "../../../../src/analytics/funnel.js";
import { api } from "../../api/client.js";
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
