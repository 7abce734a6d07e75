// The live feed over HTTP: GET /api/live/events streams events as they are stored (server-sent events,
// the browser's EventSource with the session cookie, or any HTTP client with a token) and the journey
// tables' generation when a refresh changes it. A route rather than an operation of the table: its answer
// is a stream. GET /api/live/status is an operation (src/server/operations/live.ts).
import type { Socket } from "node:net";
import { PassThrough } from "node:stream";
import { Type } from "@sinclair/typebox";
import { journeyFreshness } from "../../journey/refresh.js";
import { type LiveTopic, LiveTopics } from "../../live/schema.js";
import type { App } from "../app.js";
import type { AppContext } from "../context.js";
import { errorResponses } from "../errors.js";

const security = [{ bearerAuth: [] }];
const tags = ["live"];

const LiveQuery = Type.Object({
  event: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "Only this event name" })),
  type: Type.Optional(
    Type.Union(
      ["track", "identify", "page", "screen", "group", "alias"].map((t) => Type.Literal(t)),
      { description: "Only this message type" },
    ),
  ),
  channel: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: "Only this channel" })),
  customer: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: Number.MAX_SAFE_INTEGER,
      description: "Only this customer's events",
    }),
  ),
  topics: Type.String({
    default: "events,journey",
    pattern: `^(${LiveTopics.join("|")})(,(${LiveTopics.join("|")}))*$`,
    description:
      "What to stream, comma-separated: `events` (each stored event) and/or `journey` (the journey tables changed)",
  }),
});

/** The SSE id a reconnecting EventSource sends back, if it is one of ours. */
function lastEventId(header: string | string[] | undefined): number | undefined {
  const v = Array.isArray(header) ? header[0] : header;
  return v !== undefined && /^\d{1,15}$/.test(v) ? Number(v) : undefined;
}

export function liveRoutes(app: App, ctx: AppContext): void {
  const feed = ctx.live;
  /** The connections that carry a stream. */
  const sockets = new Set<Socket>();
  // Before the server stops listening: open streams would otherwise keep app.close() waiting. Streams are
  // ended, and a moment later their connections are cut: a client that stopped reading without closing
  // its connection would hold the close for the keep-alive timeout.
  app.addHook("preClose", async () => {
    feed.close();
    if (sockets.size === 0) return;
    await new Promise((r) => setTimeout(r, 100));
    for (const socket of sockets) socket.destroy();
  });

  app.get(
    "/api/live/events",
    {
      // An open stream is quiet between heartbeats: the idle-connection timeout must not cut it.
      config: { access: "analytics.read", longRunning: true },
      schema: {
        summary: "Events as they are stored, with customer, touchpoint and stage change (server-sent events)",
        description:
          "A `text/event-stream`. `event: event` carries one stored event (id: the feed's sequence number, data: a LiveEvent with the stitched customer, the touchpoint the current catalogue names it and a provisional stage change); `event: journey` the journey tables' freshness after a refresh changed them; `event: skipped` how many messages a client too slow to read them lost (the oldest go first, so memory stays bounded); `event: hello` the freshness on connect. Comment lines (`: heartbeat`) keep an idle stream open. A reconnect with Last-Event-ID gets the recent events it missed.",
        tags,
        security,
        querystring: LiveQuery,
        response: {
          200: {
            description: "Server-sent events",
            content: { "text/event-stream": { schema: Type.String() } },
          },
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const topics = new Set(q.topics.split(",") as LiveTopic[]);
      const hello = { journey: await ctx.store.read(journeyFreshness), topics: [...topics] };
      const socket = req.raw.socket;
      sockets.add(socket);
      socket.once("close", () => sockets.delete(socket));
      const out = new PassThrough();
      const stream = feed.open(out, {
        topics,
        filter: { event: q.event, type: q.type, channel: q.channel, customerId: q.customer },
        lastEventId: lastEventId(req.headers["last-event-id"]),
        hello,
      });
      // The client went away: the stream is forgotten and its queue freed.
      reply.raw.once("close", () => {
        stream.end();
        out.destroy();
      });
      return (
        reply
          .header("content-type", "text/event-stream; charset=utf-8")
          .header("cache-control", "no-store")
          .header("x-accel-buffering", "no")
          // A stream's connection is not reused after it.
          .header("connection", "close")
          // The schema documents the stream as text; what is sent is the stream itself.
          .send(out as unknown as string)
      );
    },
  );
}
