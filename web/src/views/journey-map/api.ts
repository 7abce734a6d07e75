// The journey map's calls: the map (alone or compared), the customers behind one of its numbers, and
// the writing of an authored lane.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type {
  AudiencePage,
  JourneyMap,
  MapComparison,
  MapStage,
} from "../../../../src/journey/map/schema.js";
import { api } from "../../api/client.js";
import type { CustomerListRequest } from "../../components/CustomerList.js";
import { periodQuery } from "../../components/filters.js";

/** What one map is drawn for: a persona ("" = all customers) and a period of YYYY-MM-DD dates. */
export type LaneName = keyof MapStage["lanes"];
export const LANE_NAMES: readonly LaneName[] = ["goals", "questions", "actions", "opportunities"];

export interface MapScope {
  persona: string;
  from: string;
  to: string;
}

export const scopeQuery = (s: MapScope) => ({
  persona: s.persona || undefined,
  ...periodQuery(s.from, s.to),
});

/** `compare` as kept in the URL (`persona:<id>` or `period:<YYYY-MM-DD>/<YYYY-MM-DD>`) → the other map's scope. */
export function otherScope(base: MapScope, compare: string): MapScope | null {
  if (compare.startsWith("persona:")) {
    const persona = compare.slice("persona:".length);
    return persona ? { ...base, persona } : null;
  }
  if (compare.startsWith("period:")) {
    const [from = "", to = ""] = compare.slice("period:".length).split("/");
    return from && to ? { ...base, from, to } : null;
  }
  return null;
}

/** The API's form of `compare`: a period's dates become the same whole-day ISO bounds the map uses. */
function compareParam(base: MapScope, compare: string): string | undefined {
  const other = otherScope(base, compare);
  if (!other) return undefined;
  if (compare.startsWith("persona:")) return `persona:${other.persona}`;
  const p = periodQuery(other.from, other.to);
  return `period:${p.from}/${p.to}`;
}

export type MapAnswer = { kind: "single"; map: JourneyMap } | ({ kind: "compare" } & MapComparison);

/** Touchpoints and pain points the map lists per stage unless the URL says otherwise (the API's default). */
export const DEFAULT_TOP = 6;

export function useJourneyMap(scope: MapScope, compare: string, top: number = DEFAULT_TOP) {
  const compareApi = compareParam(scope, compare);
  return useQuery({
    queryKey: ["journey-map", scope.persona, scope.from, scope.to, compareApi ?? "", top],
    queryFn: async ({ signal }): Promise<MapAnswer> => {
      const query = { ...scopeQuery(scope), compare: compareApi, ...(top === DEFAULT_TOP ? {} : { top }) };
      if (!compareApi)
        return { kind: "single", map: await api<JourneyMap>("/api/journey-map", { query, signal }) };
      return { kind: "compare", ...(await api<MapComparison>("/api/journey-map", { query, signal })) };
    },
    // Switching persona keeps the old map on screen (dimmed) instead of flashing a loader.
    placeholderData: keepPreviousData,
  });
}

/** The customers behind a number: the same persona and period as the map the number is on. */
export function audienceRequest(scope: MapScope, audience: string, title: string): CustomerListRequest {
  return {
    key: ["journey-map", scope.persona, scope.from, scope.to, audience],
    title,
    page: (after, signal) =>
      api<AudiencePage>("/api/journey-map/customers", {
        query: { ...scopeQuery(scope), audience, limit: 50, after },
        signal,
      }),
  };
}

export function useSaveLane() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (v: { persona: string; stage: string; lane: LaneName; items: string[] }) =>
      api<{ items: string[] }>(`/api/journey-map/lanes/${encodeURIComponent(v.stage)}/${v.lane}`, {
        method: "PUT",
        body: { ...(v.persona ? { persona: v.persona } : {}), items: v.items },
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: ["journey-map"] }),
  });
}
