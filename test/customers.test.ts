// The customer API: search, profile (traits latest-wins with their source) and the timeline.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  at,
  customerOf,
  profile,
  search,
  send,
  type TimelineEvent,
  timelineAll,
  timelinePage,
} from "./helpers/customers.js";
import { type ErrorReply, startTestServer, type TestServer, uid } from "./helpers/server.js";

let server: TestServer;
const userId = uid("jiwoo");
const anonymousId = uid("jiwoo-browser");
const email = `jiwoo.${uid("park").toLowerCase()}@example.com`;
const emailPrefix = email.slice(0, email.indexOf("@") - 2);
// The later value of `plan` is sent first: latest means latest by event time, not by arrival.
const later = {
  type: "identify",
  messageId: uid("plan-pro"),
  userId,
  traits: { plan: "pro" },
  timestamp: at(50),
};
const earlier = {
  type: "identify",
  messageId: uid("plan-free"),
  userId,
  anonymousId,
  traits: { plan: "free", email, first_name: "Jiwoo", last_name: "Parkinson-Lee", city: "Seoul" },
  timestamp: at(1),
};
const journey: Array<Record<string, unknown>> = [
  { type: "page", anonymousId, name: "Home", timestamp: at(0) },
  { type: "track", userId, event: "Email Opened", timestamp: at(2) },
  { type: "track", userId, event: "Email Clicked", timestamp: at(3) },
  { type: "track", userId, event: "Support Call", context: { channel: "call center" }, timestamp: at(4) },
  { type: "track", userId, event: "Chat Started", timestamp: at(5) },
  {
    type: "track",
    userId,
    event: "Order Completed",
    properties: { channel: "pos", total: 10 },
    timestamp: at(6),
  },
  {
    type: "track",
    userId,
    event: "Order Completed",
    properties: { total: 20 },
    channel: "browser",
    timestamp: at(7),
  },
  // Three events at the same millisecond: the cursor must page through ties without loss.
  { type: "track", userId, event: "Tie", timestamp: at(8) },
  { type: "track", userId, event: "Tie", timestamp: at(8) },
  { type: "track", userId, event: "Tie", timestamp: at(8) },
  { type: "screen", userId, name: "Cart", timestamp: at(9) },
  { type: "track", userId, event: "Review posted social mention", timestamp: at(10) },
].map((m) => ({ messageId: uid("j"), ...m }));
const allMessages = [earlier, later, ...journey];
let customerId: number;

beforeAll(async () => {
  server = await startTestServer();
  await send(server, later, earlier, ...journey);
  // Another customer, whose events must never show up in Jiwoo's.
  await send(server, { type: "track", messageId: uid("o"), userId: uid("other"), event: "Email Opened" });
  customerId = await customerOf(server, userId);
});
afterAll(async () => {
  await server?.close();
});

describe("search", () => {
  it("finds the customer by user id, anonymous id and email, each saying how it matched", async () => {
    const byUser = await search(server, userId);
    expect(byUser.map((c) => c.id)).toEqual([customerId]);
    expect(byUser[0]!.matchedBy).toEqual(["user_id"]);
    expect(byUser[0]!.identifiers).toEqual(
      expect.arrayContaining([
        { kind: "user_id", value: userId },
        { kind: "email", value: email },
      ]),
    );
    // Anonymous ids find the customer but are not listed as the customer's identifiers.
    expect(byUser[0]!.identifiers.some((i) => i.kind === "anonymous_id")).toBe(false);
    // A result row also says where the journey had the customer at its last refresh (the journey
    // route brings it up to date).
    const journey = await server.api<{ stage: string | null }>(`/api/customers/${customerId}/journey`);
    expect(journey.body.stage).not.toBeNull();
    const placed = await search(server, userId);
    expect(placed[0]).toMatchObject({ stage: journey.body.stage, lastSeen: at(50) });
    const byAnon = await search(server, anonymousId);
    expect(byAnon.map((c) => c.id)).toEqual([customerId]);
    expect(byAnon[0]!.matchedBy).toEqual(["anonymous_id"]);
    const byEmail = await search(server, email.toUpperCase());
    expect(byEmail.map((c) => c.id)).toEqual([customerId]);
    expect(byEmail[0]!.matchedBy).toContain("email");
  });

  it("matches the start of an email address and of a name, in any case", async () => {
    const byPrefix = await search(server, emailPrefix.toUpperCase());
    expect(byPrefix.map((c) => c.id)).toEqual([customerId]);
    expect(byPrefix[0]!.matchedBy).toEqual(["email"]);
    const byName = await search(server, "jiwoo park");
    expect(byName.map((c) => c.id)).toEqual([customerId]);
    expect(byName[0]!.matchedBy).toEqual(["name"]);
    expect(byName[0]!.name).toBe("jiwoo parkinson-lee");
    const byLastName = await search(server, "PARKINSON");
    expect(byLastName.map((c) => c.id)).toEqual([customerId]);
  });

  it("finds nothing for a value nobody has, and honours limit", async () => {
    expect(await search(server, "nobody-has-this-id")).toEqual([]);
    expect(await search(server, "parkinson-lee-junior")).toEqual([]);
    const res = await server.api<{ customers: unknown[] }>("/api/customers?q=u&limit=0");
    expect(res.status).toBe(400);
    const empty = await server.api<ErrorReply>("/api/customers?q=");
    expect(empty.status).toBe(400);
    expect(empty.body.error.status).toBe(400);
  });
});

describe("profile", () => {
  it("merges traits latest-wins by event time and names the source of each", async () => {
    const p = await profile(server, customerId);
    expect(p.id).toBe(customerId);
    expect(p.traits.plan).toMatchObject({ value: "pro", source: { messageId: later.messageId } });
    expect(p.traits.plan!.source.at).toBe(at(50));
    expect(p.traits.city).toMatchObject({ value: "Seoul", source: { messageId: earlier.messageId } });
    expect(p.traits.email?.value).toBe(email);
    expect(p.traits.plan!.source.source).toBe("dev");
  });

  it("gives identifiers, first and last seen, and counts per channel", async () => {
    const p = await profile(server, customerId);
    expect(p.identifiers.map((i) => `${i.kind}:${i.value}`).sort()).toEqual(
      [`anonymous_id:${anonymousId}`, `email:${email}`, `user_id:${userId}`].sort(),
    );
    expect(p.eventCount).toBe(allMessages.length);
    expect(p.firstSeen).toBe(at(0));
    expect(p.lastSeen).toBe(at(50));
    const counts = Object.fromEntries(p.channels.map((c) => [c.channel, c.events]));
    expect(counts).toEqual({ web: 2, email: 2, phone: 1, chat: 1, store: 1, app: 1, social: 1, other: 5 });
    expect(p.channels.reduce((s, c) => s + c.events, 0)).toBe(allMessages.length);
    const web = p.channels.find((c) => c.channel === "web")!;
    expect([web.firstSeen, web.lastSeen]).toEqual([at(0), at(7)]);
  });

  it("answers 404 in the envelope for an unknown customer and 400 for a malformed id", async () => {
    const missing = await server.api<ErrorReply>("/api/customers/987654");
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: "customer_not_found", status: 404 });
    const timeline = await server.api<ErrorReply>("/api/customers/987654/timeline");
    expect(timeline.status).toBe(404);
    expect(timeline.body.error).toMatchObject({ code: "customer_not_found", status: 404 });
    const bad = await server.api<ErrorReply>("/api/customers/abc");
    expect(bad.status).toBe(400);
    expect(bad.body.error.status).toBe(400);
  });
});

describe("timeline", () => {
  const isNewestFirst = (events: TimelineEvent[]) =>
    events.every((e, i) => i === 0 || events[i - 1]!.timestamp >= e.timestamp);

  it("lists every event across channels, newest first", async () => {
    const page = await timelinePage(server, customerId, "limit=100");
    expect(page.customerId).toBe(customerId);
    expect(page.nextCursor).toBeNull();
    expect(page.events.map((e) => e.messageId).sort()).toEqual(allMessages.map((m) => m.messageId).sort());
    expect(isNewestFirst(page.events)).toBe(true);
    expect(page.events[0]!.messageId).toBe(later.messageId);
    expect(page.events.at(-1)!.event).toBe("Home");
  });

  it("pages with a cursor: pages do not overlap and together cover every event", async () => {
    const paged: TimelineEvent[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q = `limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const page = await timelinePage(server, customerId, q);
      expect(page.events.length).toBe(Math.min(4, allMessages.length - paged.length));
      paged.push(...page.events);
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    expect(pages).toBe(Math.ceil(allMessages.length / 4));
    const seen = paged.map((e) => e.messageId);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(allMessages.map((m) => m.messageId).sort());
    // Newest first across page boundaries too, in exactly the order of one big page.
    expect(isNewestFirst(paged)).toBe(true);
    const single = await timelinePage(server, customerId, "limit=100");
    expect(seen).toEqual(single.events.map((e) => e.messageId));
    // A page of exactly the remaining events says there is no next page.
    const whole = await timelineAll(server, customerId, "limit=7");
    expect(whole.map((e) => e.messageId)).toEqual(
      (await timelinePage(server, customerId, "limit=100")).events.map((e) => e.messageId),
    );
  });

  it("filters by channel and by event name, with pagination", async () => {
    const email = await timelineAll(server, customerId, "channel=email");
    expect(email.map((e) => e.event)).toEqual(["Email Clicked", "Email Opened"]);
    const two = await timelineAll(server, customerId, "channel=phone,chat&limit=1");
    expect(two.map((e) => e.channel)).toEqual(["chat", "phone"]);
    const orders = await timelineAll(server, customerId, `event=${encodeURIComponent("Order Completed")}`);
    expect(orders.map((e) => e.properties?.total)).toEqual([20, 10]);
    const ties = await timelineAll(server, customerId, "event=Tie&limit=1");
    expect(ties).toHaveLength(3);
    expect(new Set(ties.map((e) => e.messageId)).size).toBe(3);
    const both = await timelineAll(
      server,
      customerId,
      `event=${encodeURIComponent("Order Completed")}&channel=store`,
    );
    expect(both.map((e) => e.properties?.total)).toEqual([10]);
    expect(await timelineAll(server, customerId, "channel=ads")).toEqual([]);
  });

  it("names the touchpoint each event matched, and nothing for events no touchpoint names", async () => {
    // Touchpoints are decided by the journey refresh; the timeline reads its latest.
    expect((await server.api("/api/journey/refresh", { method: "POST" })).status).toBe(200);
    const events = await timelineAll(server, customerId, "limit=100");
    const store = events.find((e) => e.event === "Order Completed" && e.channel === "store");
    expect(store?.touchpoint).toMatchObject({
      id: "order-store",
      name: "Order (store)",
      kind: "interaction",
    });
    const ties = events.filter((e) => e.event === "Tie");
    expect(ties.map((e) => e.touchpoint)).toEqual([null, null, null]);
  });

  it("rejects a cursor it did not issue with a 400 envelope", async () => {
    for (const cursor of ["not-a-cursor", Buffer.from('{"x":1}').toString("base64url")]) {
      const res = await server.api<ErrorReply>(`/api/customers/${customerId}/timeline?cursor=${cursor}`);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: "invalid_cursor", status: 400 });
    }
  });
});

describe("openapi", () => {
  it("documents the routes from the same schemas, without a token", async () => {
    const res = await server.api<{ openapi: string; paths: Record<string, unknown> }>("/api/openapi.json", {
      token: null,
    });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    for (const p of [
      "/v1/batch",
      "/v1/track",
      "/api/customers",
      "/api/customers/{id}",
      "/api/customers/{id}/timeline",
    ]) {
      expect(Object.keys(res.body.paths)).toContain(p);
    }
  });
});
