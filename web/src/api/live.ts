// The live feed in the dashboard: GET /api/live/events read with fetch (the session cookie, an abort the
// page controls, the same error envelope as every call), reconnecting with Last-Event-ID after a drop.
// The Live view lists its events; the overview and the map poll the feed's status to reload what they show
// when the journey tables change.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import type { Freshness, LiveEvent, LiveStatus } from "../../../src/live/schema.js";
import { ApiError, api, type QueryValue, queryString } from "./client.js";

export type { Freshness, LiveEvent, LiveStatus };

export type LiveMessage =
  | { kind: "hello"; journey: Freshness }
  | { kind: "event"; event: LiveEvent }
  | { kind: "journey"; journey: Freshness }
  | { kind: "skipped"; skipped: number };

export type LiveConnection = "connecting" | "open" | "reconnecting";

const RECONNECT_MS = 3000;

/** Reads one connection until it ends; `lastId` is the newest event id seen (for a reconnect). */
async function readStream(
  query: Record<string, QueryValue>,
  lastId: string | undefined,
  signal: AbortSignal,
  onOpen: () => void,
  onMessage: (m: LiveMessage, id: string | undefined) => void,
): Promise<void> {
  const res = await fetch(`/api/live/events${queryString(query)}`, {
    credentials: "same-origin",
    headers: { accept: "text/event-stream", ...(lastId ? { "last-event-id": lastId } : {}) },
    signal,
  });
  if (!res.ok || !res.body) {
    const body = (await res.json().catch(() => undefined)) as { error?: { code: string; message: string } };
    throw new ApiError(
      res.status,
      body?.error?.code ?? "http_error",
      body?.error?.message ?? `HTTP ${res.status}`,
    );
  }
  onOpen();
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let cut = buffer.indexOf("\n\n");
    while (cut >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      cut = buffer.indexOf("\n\n");
      let name = "";
      let data = "";
      let id: string | undefined;
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) name = line.slice(7);
        else if (line.startsWith("data: ")) data = line.slice(6);
        else if (line.startsWith("id: ")) id = line.slice(4);
      }
      if (!name || !data) continue;
      const parsed = JSON.parse(data) as Record<string, unknown>;
      if (name === "event") onMessage({ kind: "event", event: parsed as unknown as LiveEvent }, id);
      else if (name === "journey")
        onMessage({ kind: "journey", journey: parsed as unknown as Freshness }, id);
      else if (name === "hello")
        onMessage({ kind: "hello", journey: (parsed as { journey: Freshness }).journey }, id);
      else if (name === "skipped") onMessage({ kind: "skipped", skipped: Number(parsed.skipped) }, id);
    }
  }
}

/**
 * Keeps a live stream open while the component is mounted (and `enabled`), calling `onMessage` for each
 * message; a new `query` opens a new stream. Returns the connection's state.
 */
export function useLiveStream(
  query: Record<string, QueryValue>,
  onMessage: (m: LiveMessage) => void,
  enabled = true,
): LiveConnection {
  const [state, setState] = useState<LiveConnection>("connecting");
  const handler = useRef(onMessage);
  handler.current = onMessage;
  const key = queryString(query);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the query string is the stream's identity
  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    let lastId: string | undefined;
    setState("connecting");
    void (async () => {
      while (!controller.signal.aborted) {
        try {
          await readStream(
            query,
            lastId,
            controller.signal,
            () => setState("open"),
            (m, id) => {
              if (id) lastId = id;
              handler.current(m);
            },
          );
        } catch (e) {
          if (controller.signal.aborted) return;
          // Signed out: the next call the page makes sends the person to sign in; no point retrying.
          if (e instanceof ApiError && e.status === 401) return;
        }
        if (controller.signal.aborted) return;
        setState("reconnecting");
        await new Promise((r) => setTimeout(r, RECONNECT_MS));
      }
    })();
    return () => controller.abort();
  }, [key, enabled]);
  return state;
}

/** The query keys of what is computed from the journey tables and shown with its freshness. */
const JOURNEY_QUERIES = [["overview"], ["stats"], ["journey-map"], ["frictions"]];

/** How often an open overview or map asks whether the journey tables changed. */
const STATUS_POLL_MS = 3000;

/**
 * Reloads the overview, the journey map and what they read when a journey refresh changed the tables
 * (within seconds of new events, see live.refreshAfterEventsSeconds), without a page reload. It asks
 * GET /api/live/status every few seconds while the page is visible rather than holding a stream open:
 * every dashboard tab holding one would use up the browser's six connections to the server.
 */
export function useJourneyUpdates(shown: Freshness | undefined): void {
  const client = useQueryClient();
  const status = useQuery({
    queryKey: ["live-status"],
    queryFn: ({ signal }) => api<LiveStatus>("/api/live/status", { signal }),
    refetchInterval: STATUS_POLL_MS,
    enabled: shown !== undefined,
  });
  const latest = status.data?.journey.generation;
  useEffect(() => {
    if (shown === undefined || latest === undefined || latest <= shown.generation) return;
    for (const queryKey of JOURNEY_QUERIES) void client.invalidateQueries({ queryKey });
  }, [client, latest, shown]);
}

/** The current time, ticking every `ms`: for "5 s ago" labels. */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
