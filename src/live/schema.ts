// The live feed's messages, shared by the API (GET /api/live/events, /api/live/status), the CLI
// (`itinera live`) and the dashboard's Live view.
import { type Static, Type } from "@sinclair/typebox";

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

const StageRef = Type.Object({ key: Type.String(), name: Type.String() });

export const LiveEvent = Type.Object({
  id: Type.Integer({ description: "The feed's sequence number (the SSE id): increases by one per event" }),
  messageId: Type.String(),
  type: Type.String({ description: "track, identify, page, screen, group or alias" }),
  event: Nullable(Type.String()),
  channel: Type.String(),
  timestamp: Type.String({ description: "When it happened (UTC, skew-corrected)" }),
  receivedAt: Type.String(),
  customerId: Type.Union([Type.Integer(), Type.Null()], {
    description: "The stitched customer the event belongs to as it was stored (null: no identifier)",
  }),
  touchpoint: Type.Union(
    [
      Type.Object({ id: Type.String(), name: Type.String(), stage: StageRef, kind: Type.String() }),
      Type.Null(),
    ],
    { description: "The touchpoint the current catalogue names it (null: no rule matches)" },
  ),
  stageChange: Type.Union(
    [
      Type.Object({
        from: Type.Union([StageRef, Type.Null()]),
        to: StageRef,
        provisional: Type.Literal(true, {
          description:
            "Judged against the customer's stage at the last journey refresh; the next refresh (seconds later) records it in the stage history, where a lapse or an earlier event may place it differently",
        }),
      }),
      Type.Null(),
    ],
    { description: "The stage this event moves its customer to, when it signals a later stage than theirs" },
  ),
});
export type LiveEvent = Static<typeof LiveEvent>;

/** How fresh the journey tables are: what the overview, the map and every analysis read. */
export const Freshness = Type.Object({
  generation: Type.Integer({ description: "Goes up with every refresh that changed the journey tables" }),
  refreshedAt: Type.Union([Type.String(), Type.Null()], {
    description: "When the journey tables were last brought up to date (null: not built yet)",
  }),
  lastEventReceivedAt: Type.Union([Type.String(), Type.Null()], {
    description: "When the newest event the journey tables include was received (null: no events)",
  }),
});
export type Freshness = Static<typeof Freshness>;

/** A refresh's report as the freshness of what was computed from it. */
export const freshnessOf = (r: {
  generation: number;
  refreshedAt: string | null;
  lastEventReceivedAt: string | null;
}): Freshness => ({
  generation: r.generation,
  refreshedAt: r.refreshedAt,
  lastEventReceivedAt: r.lastEventReceivedAt,
});

export const LiveStatus = Type.Object({
  journey: Freshness,
  loader: Type.Object({
    pendingEvents: Type.Integer({ description: "Acknowledged events not yet stored" }),
    lagSeconds: Type.Number(),
  }),
  lastStoredAt: Type.Union([Type.String(), Type.Null()], {
    description: "When this server last stored new events (null: none since it started)",
  }),
  listeners: Type.Integer({ description: "Open live streams" }),
});
export type LiveStatus = Static<typeof LiveStatus>;

export const LiveTopics = ["events", "journey"] as const;
export type LiveTopic = (typeof LiveTopics)[number];

/** Which events a stream wants; every field set must match. */
export interface LiveFilter {
  event?: string | undefined;
  type?: string | undefined;
  channel?: string | undefined;
  customerId?: number | undefined;
}

export function matchesFilter(e: LiveEvent, f: LiveFilter): boolean {
  return (
    (f.event === undefined || e.event === f.event) &&
    (f.type === undefined || e.type === f.type) &&
    (f.channel === undefined || e.channel === f.channel) &&
    (f.customerId === undefined || e.customerId === f.customerId)
  );
}
