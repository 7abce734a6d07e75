// Queries more than one view needs: personas and stages (for filters) and the store's size (for empty states).
import { useQuery } from "@tanstack/react-query";
import type { JourneyModel } from "../../../src/journey/model.js";
import type { Persona } from "../../../src/journey/personas.js";
import { api } from "./client.js";

export interface PersonaList {
  items: Array<Persona & { customers: number }>;
  unassigned: number;
  asOf: string;
}

export function usePersonas() {
  return useQuery({
    queryKey: ["personas"],
    queryFn: ({ signal }) => api<PersonaList>("/api/personas", { signal }),
    staleTime: 60_000,
  });
}

/** The journey's stages (and the rest of the model). */
export function useJourneyModel() {
  return useQuery({
    queryKey: ["journey-model"],
    queryFn: ({ signal }) => api<JourneyModel>("/api/journey-model", { signal }),
    staleTime: 60_000,
  });
}

export interface Stats {
  events: number;
  eventsLast24h: number;
  customers: number;
}

export function useStats() {
  return useQuery({
    queryKey: ["stats"],
    queryFn: ({ signal }) => api<Stats>("/api/stats", { signal }),
    staleTime: 30_000,
  });
}
