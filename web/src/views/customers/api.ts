// The customer API as the customer views use it: search, profile, journey and the paged timeline.
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import type { CustomerProfile } from "../../../../src/customers/profile.js";
import type { CustomerMatch } from "../../../../src/customers/search.js";
import type { TimelinePage } from "../../../../src/customers/timeline.js";
import type { CustomerJourney } from "../../../../src/journey/customer-journey.js";
import { api } from "../../api/client.js";

export type { CustomerJourney, CustomerMatch, CustomerProfile, TimelinePage };
export type TimelineEvent = TimelinePage["events"][number];

/** Events per timeline page: enough to fill a screen, small enough to answer at once. */
export const TIMELINE_PAGE = 25;

export function useCustomerSearch(q: string) {
  return useQuery({
    queryKey: ["customer-search", q],
    queryFn: ({ signal }) =>
      api<{ customers: CustomerMatch[] }>("/api/customers", { query: { q, limit: 50 }, signal }),
    enabled: q.trim() !== "",
  });
}

export function useCustomer(id: number) {
  return useQuery({
    queryKey: ["customer", id],
    queryFn: ({ signal }) => api<CustomerProfile>(`/api/customers/${id}`, { signal }),
  });
}

export function useCustomerJourney(id: number) {
  return useQuery({
    queryKey: ["customer-journey", id],
    queryFn: ({ signal }) => api<CustomerJourney>(`/api/customers/${id}/journey`, { signal }),
  });
}

/** The timeline, newest first, a page at a time; `channels` narrows it ("" = every channel). */
export function useTimeline(id: number, channels: string) {
  return useInfiniteQuery({
    queryKey: ["customer-timeline", id, channels],
    queryFn: ({ pageParam, signal }) =>
      api<TimelinePage>(`/api/customers/${id}/timeline`, {
        query: { limit: TIMELINE_PAGE, cursor: pageParam, channel: channels },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
