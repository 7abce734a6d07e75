// The live feed on a real server: events sent through /v1 arrive on GET /api/live/events with the
// customer they were stitched to, the touchpoint and the stage change the journey refresh then records
// (checked against the store's own tables), filters keep only what they name, the journey message follows
// a refresh, and closing the server ends open streams instead of waiting on them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LiveEvent } from "../src/live/schema.js";
import { startTestServer, type TestServer, uid } from "./helpers/server.js";

interface Frame {
  id?: string;
  event: string;
  data: unknown;
}

/** A server-sent-event stream read with fetch: its frames as they come, and a way to wait for one. */
interface Stream {
  frames: Frame[];
  comments: number;
  status: number;
  headers: Headers;
  ended: Promise<void>;
  waitFor(pred: (f: Frame) => boolean, what: string, ms?: number): Promise<Frame>;
  close(): void;
}

async function openStream(server: TestServer, query = "", token = server.apiToken): Promise<Stream> {
  const controller = new AbortController();
  const res = await fetch(`${server.url}/api/live/events${query}`, {
    headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" },
    signal: controller.signal,
  });
  const frames: Frame[] = [];
  const waiters: Array<() => void> = [];
  const stream: Stream = {
    frames,
    comments: 0,
    status: res.status,
    headers: res.headers,
    ended: Promise.resolve(),
    async waitFor(pred, what, ms = 15_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const found = frames.find(pred);
        if (found) return found;
        if (Date.now() > deadline)
          throw new Error(`no ${what} within ${ms} ms; got ${JSON.stringify(frames.map((f) => f.event))}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 100);
        });
      }
    },
    close: () => controller.abort(),
  };
  if (!res.ok || !res.body) return stream;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  stream.ended = (async () => {
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let cut = buffer.indexOf("\n\n");
        while (cut >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const f: Partial<Frame> & { data?: unknown } = {};
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) stream.comments++;
            else if (line.startsWith("id: ")) f.id = line.slice(4);
            else if (line.startsWith("event: ")) f.event = line.slice(7);
            else if (line.startsWith("data: ")) f.data = JSON.parse(line.slice(6));
          }
          if (f.event) frames.push(f as Frame);
          for (const w of waiters.splice(0)) w();
          cut = buffer.indexOf("\n\n");
        }
      }
    } catch {
      // Aborted by the test.
    }
  })();
  return stream;
}

const liveEvents = (s: Stream) => s.frames.filter((f) => f.event === "event").map((f) => f.data as LiveEvent);

/** The customer each stored event belongs to, by the same identity → customer mapping every reader uses. */
async function customerOf(server: TestServer, messageId: string): Promise<number | null> {
  const [row] = await server.query(
    `SELECT c.canonical_id AS id FROM events e JOIN identities i ON i.id = e.identity_id
       JOIN customers c ON c.id = i.customer_id WHERE e.message_id = $1`,
    [messageId],
  );
  return row ? Number(row.id) : null;
}

describe("GET /api/live/events", () => {
  let server: TestServer;
  beforeAll(async () => {
    // No refresh behind the events: the stage changes are judged against a journey that has not seen them.
    server = await startTestServer({
      config: { live: { refreshAfterEventsSeconds: 0, heartbeatSeconds: 0.2 } },
    });
  });
  // A close that waits on a connection the streams left behind would take the keep-alive timeout (72 s).
  afterAll(async () => {
    await server?.close();
  }, 30_000);

  it("streams stored events with the stitched customer, touchpoint and the stage change the refresh records", async () => {
    const stream = await openStream(server);
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const hello = await stream.waitFor((f) => f.event === "hello", "hello");
    expect((hello.data as { journey: { generation: number } }).journey.generation).toBeTypeOf("number");

    const anon = uid("anon");
    const user = uid("user");
    const sent = [
      {
        type: "track",
        messageId: uid("m"),
        anonymousId: anon,
        event: "Product Viewed",
        context: { channel: "web" },
      },
      {
        type: "track",
        messageId: uid("m"),
        anonymousId: anon,
        event: "Product Viewed",
        context: { channel: "web" },
      },
      // A sign-in joins the anonymous visitor and the order to one customer.
      {
        type: "track",
        messageId: uid("m"),
        anonymousId: anon,
        userId: user,
        event: "Order Completed",
        context: { channel: "web" },
        properties: { revenue: 120 },
      },
      {
        type: "track",
        messageId: uid("m"),
        userId: user,
        event: "Something Nobody Named",
        context: { channel: "email" },
      },
    ];
    // One request per event: four batches, so the stage of one is carried to the next.
    for (const e of sent) expect((await server.collect("/v1/track", e)).status).toBe(200);
    await stream.waitFor(
      (f) => f.event === "event" && (f.data as LiveEvent).messageId === sent[3]!.messageId,
      "the last event",
    );
    const got = liveEvents(stream).filter((e) => sent.some((s) => s.messageId === e.messageId));
    expect(got.map((e) => e.messageId)).toEqual(sent.map((s) => s.messageId));
    // Ids increase by one per event, as the SSE ids do.
    for (let i = 1; i < got.length; i++) expect(got[i]!.id).toBe(got[i - 1]!.id + 1);
    const ids = stream.frames.filter((f) => f.event === "event").map((f) => Number(f.id));
    expect(ids).toEqual(liveEvents(stream).map((e) => e.id));

    // Customers as stored: the anonymous events were stored under the visitor, who is the user's customer now.
    const customers = await Promise.all(sent.map((s) => customerOf(server, s.messageId)));
    expect(customers[0]).not.toBeNull();
    expect(new Set(customers).size).toBe(1);
    expect(got.map((e) => e.customerId)).toEqual(customers);
    expect(got.map((e) => e.channel)).toEqual(["web", "web", "web", "email"]);

    // The refresher classifies the same events: the feed's touchpoints and stage changes are its.
    expect((await server.api("/api/journey/refresh", { method: "POST" })).status).toBe(200);
    const tps = new Map(
      (
        await server.query(
          `SELECT message_id, touchpoint FROM journey_events WHERE message_id IN ($1, $2, $3, $4)`,
          sent.map((s) => s.messageId),
        )
      ).map((r) => [String(r.message_id), r.touchpoint === null ? null : String(r.touchpoint)]),
    );
    expect(got.map((e) => e.touchpoint?.id ?? null)).toEqual(sent.map((s) => tps.get(s.messageId) ?? null));
    expect(got[0]!.touchpoint).toMatchObject({ stage: { key: "consideration" } });
    expect(got[2]!.touchpoint).toMatchObject({ stage: { key: "purchase" } });
    expect(got[3]!.touchpoint).toBeNull();

    const model = (await server.api<{ stages: Array<{ key: string }> }>("/api/journey-model")).body;
    const keyAt = (pos: number) => (pos === 0 ? null : model.stages[pos - 1]!.key);
    const transitions = new Map(
      (
        await server.query(
          `SELECT message_id, from_stage, to_stage FROM stage_transitions WHERE message_id IN ($1, $2, $3, $4)`,
          sent.map((s) => s.messageId),
        )
      ).map((r) => [
        String(r.message_id),
        { from: keyAt(Number(r.from_stage)), to: keyAt(Number(r.to_stage)) },
      ]),
    );
    expect(
      got.map((e) =>
        e.stageChange ? { from: e.stageChange.from?.key ?? null, to: e.stageChange.to.key } : null,
      ),
    ).toEqual(sent.map((s) => transitions.get(s.messageId) ?? null));
    // By hand: a first product view enters consideration, the order purchase; the repeat view changes nothing.
    expect(got.map((e) => e.stageChange?.to.key ?? null)).toEqual(["consideration", null, "purchase", null]);
    expect(got[2]!.stageChange).toEqual({
      from: { key: "consideration", name: "Consideration" },
      to: { key: "purchase", name: "Purchase" },
      provisional: true,
    });
    // An idle stream gets heartbeat comments.
    await expect.poll(() => stream.comments, { timeout: 5000 }).toBeGreaterThan(0);
    stream.close();
  });

  it("keeps only the events its filters name", async () => {
    const user = uid("user");
    const other = uid("user");
    const seed = {
      type: "track",
      messageId: uid("m"),
      userId: user,
      event: "Product Viewed",
      context: { channel: "app" },
    };
    expect((await server.collect("/v1/track", seed)).status).toBe(200);
    const customer = await customerOf(server, seed.messageId);
    const all = await openStream(server);
    const byEvent = await openStream(server, `?event=${encodeURIComponent("Order Completed")}&channel=web`);
    const byCustomer = await openStream(server, `?customer=${customer}`);
    const byType = await openStream(server, "?type=identify");
    for (const s of [all, byEvent, byCustomer, byType]) await s.waitFor((f) => f.event === "hello", "hello");
    const mk = (userId: string, event: string, channel: string) => ({
      type: "track",
      messageId: uid("m"),
      userId,
      event,
      context: { channel },
    });
    const batch = [
      mk(user, "Order Completed", "web"),
      mk(other, "Order Completed", "web"),
      mk(user, "Order Completed", "app"),
      mk(other, "Product Viewed", "web"),
      { type: "identify", messageId: uid("m"), userId: other, traits: { plan: "pro" } },
      // Last, and matching every filter but the type's: when it has arrived, everything before it has.
      mk(user, "Order Completed", "web"),
    ];
    expect((await server.collect("/v1/batch", { batch })).status).toBe(200);
    const last = batch[5]!.messageId;
    for (const s of [all, byEvent, byCustomer])
      await s.waitFor(
        (f) => f.event === "event" && (f.data as LiveEvent).messageId === last,
        "the last event",
      );
    await byType.waitFor((f) => f.event === "event", "the identify");
    const ids = (s: Stream) => liveEvents(s).map((e) => e.messageId);
    const m = batch.map((b) => b.messageId);
    expect(new Set(ids(all))).toEqual(new Set(m));
    expect(new Set(ids(byEvent))).toEqual(new Set([m[0], m[1], m[5]]));
    expect(new Set(ids(byCustomer))).toEqual(new Set([m[0], m[2], m[5]]));
    expect(ids(byType)).toEqual([m[4]]);
    for (const s of [all, byEvent, byCustomer, byType]) s.close();
  });

  it("answers a bad filter and a missing token with the error envelope", async () => {
    const bad = await server.api<{ error: { code: string } }>("/api/live/events?topics=everything");
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_request");
    const anonymous = await server.api<{ error: { code: string } }>("/api/live/events", { token: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe("missing_token");
  });

  it("replays the events a reconnecting client missed (Last-Event-ID)", async () => {
    const first = await openStream(server);
    const sent = [0, 1, 2].map(() => ({
      type: "track",
      messageId: uid("m"),
      userId: uid("u"),
      event: "Product Viewed",
    }));
    expect((await server.collect("/v1/batch", { batch: sent })).status).toBe(200);
    const firstId = await first.waitFor(
      (f) => f.event === "event" && (f.data as LiveEvent).messageId === sent[0]!.messageId,
      "the first event",
    );
    first.close();
    const res = await fetch(`${server.url}/api/live/events`, {
      headers: { authorization: `Bearer ${server.apiToken}`, "last-event-id": firstId.id! },
    });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!sent.slice(1).every((s) => text.includes(s.messageId))) text += (await reader.read()).value ?? "";
    expect(text).not.toContain(sent[0]!.messageId);
    await reader.cancel();
  });
});

describe("journey freshness", () => {
  it("refreshes the journey a moment after new events, tells the stream and answers it in the overview", async () => {
    const server = await startTestServer({ config: { live: { refreshAfterEventsSeconds: 0.5 } } });
    try {
      // The start-up refresh (of an empty store) is done and told before the stream opens.
      await server.api("/api/journey/refresh", { method: "POST" });
      const stream = await openStream(server, "?topics=journey");
      const hello = await stream.waitFor((f) => f.event === "hello", "hello");
      const before = (hello.data as { journey: { generation: number } }).journey.generation;
      const user = uid("user");
      const e = {
        type: "track",
        messageId: uid("m"),
        userId: user,
        event: "Product Viewed",
        context: { channel: "web" },
      };
      expect((await server.collect("/v1/track", e)).status).toBe(200);
      // No request asks for a refresh: the one behind the events does it.
      const news = await stream.waitFor(
        (f) => f.event === "journey" && (f.data as { generation: number }).generation > before,
        "a journey message",
      );
      const fresh = news.data as { generation: number; refreshedAt: string; lastEventReceivedAt: string };
      expect(fresh.generation).toBeGreaterThan(before);
      const [row] = await server.query("SELECT epoch_ms(max(received_at)) AS t FROM events");
      expect(fresh.lastEventReceivedAt).toBe(new Date(Number(row!.t)).toISOString());
      // A journey-only stream gets no events.
      expect(stream.frames.some((f) => f.event === "event")).toBe(false);

      const status = (
        await server.api<{ journey: typeof fresh; lastStoredAt: string; listeners: number }>(
          "/api/live/status",
        )
      ).body;
      expect(status.journey).toEqual(fresh);
      expect(status.listeners).toBe(1);
      const overview = (await server.api<{ freshness: typeof fresh; events: number }>("/api/overview")).body;
      expect(overview.freshness).toEqual(fresh);
      expect(overview.events).toBe(1);
      const map = (await server.api<{ freshness: typeof fresh }>("/api/journey-map")).body;
      expect(map.freshness).toEqual(fresh);
      stream.close();
    } finally {
      await server.close();
    }
  });

  it("closes with streams open: they end and the close does not wait for them", async () => {
    const server = await startTestServer();
    const stream = await openStream(server);
    await stream.waitFor((f) => f.event === "hello", "hello");
    // A client that stops reading without closing its connection (a fetch whose body reader was
    // cancelled): the server must not wait for it (the keep-alive timeout is 72 s, past this test's limit).
    const res = await fetch(`${server.url}/api/live/events`, {
      headers: { authorization: `Bearer ${server.apiToken}` },
    });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes("event: hello")) text += (await reader.read()).value ?? "";
    await reader.cancel();
    await server.close();
    await stream.ended;
    expect(stream.frames.map((f) => f.event)).toEqual(["hello"]);
  }, 30_000);
});
