// The server-side SDKs, the real packages pointed at a real Itinera: every call they make is stored with
// its type, event, ids, properties and time.
//
// What they send (read from each package's source and checked on the wire):
// - @rudderstack/rudder-sdk-node 3.x: POST {dataPlaneUrl}/v1/batch, Basic auth (write key as user name),
//   `{"batch":[…],"timestamp":…,"sentAt":…}`, each event with `originalTimestamp`, its own `sentAt`,
//   `channel: "server"` and `_metadata`. Gzipped by default (`Content-Encoding: gzip`), and then
//   labelled `Content-Type: application/x-www-form-urlencoded`: axios's default for a Buffer body, the
//   415 this file guards against. With `gzip: false`, plain `application/json`.
// - @segment/analytics-node 3.x: POST {host}/v1/batch, `application/json`, Basic auth and `writeKey`
//   in the body, `{"batch":[…],"sentAt":…}`, each event with `timestamp`, `integrations`, `_metadata`.
import Rudder from "@rudderstack/rudder-sdk-node";
import { Analytics as Segment } from "@segment/analytics-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectWithin, one, type StoredEvent, storedEventsOf } from "./helpers/sdk.js";
import { startTestServer, type TestServer, uid, WRITE_KEY } from "./helpers/server.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

/** A past moment an application states itself (an order imported late): stored as given. */
const ORDER_TIME = Date.parse("2026-11-20T10:00:00.000Z");

/** The calls every test makes, and what must be stored for them. */
function expectJourney(
  events: StoredEvent[],
  anon: string,
  user: string,
  email: string,
  sent: [number, number],
) {
  expect(events.map((e) => e.type).sort()).toEqual([
    "alias",
    "group",
    "identify",
    "page",
    "screen",
    "track",
    "track",
  ]);
  const page = one(events, "page");
  expect(page).toMatchObject({ event: "Pricing", anonymousId: anon, userId: null });
  expect(page.properties).toMatchObject({ path: "/pricing" });
  const viewed = one(events, "track", "Product Viewed");
  expect(viewed).toMatchObject({
    anonymousId: anon,
    userId: null,
    properties: { sku: "tv-55", price: 499.5 },
  });
  const identify = one(events, "identify");
  expect(identify).toMatchObject({ userId: user, anonymousId: anon });
  expect(identify.traits).toMatchObject({ email, plan: "pro" });
  expect(one(events, "screen")).toMatchObject({ event: "Cart", userId: user, properties: { items: 2 } });
  expect(one(events, "group")).toMatchObject({ userId: user, traits: { name: "Acme" } });
  expect(one(events, "alias")).toMatchObject({ userId: user });
  for (const e of events.filter((e) => e.event !== "Order Completed")) expectWithin(e.timestamp, ...sent);
  const order = one(events, "track", "Order Completed");
  expect(order).toMatchObject({ userId: user, properties: { total: 42.5, currency: "EUR" } });
  expectWithin(order.timestamp, ORDER_TIME, ORDER_TIME);
  for (const e of events) expect(e.sentAt).not.toBeNull();
}

/** What both server SDKs take, with the Segment spec's message shapes. */
interface SpecClient {
  page(m: object): unknown;
  track(m: object): unknown;
  identify(m: object): unknown;
  screen(m: object): unknown;
  group(m: object): unknown;
  alias(m: object): unknown;
}

/** The seven calls of one journey (checked by expectJourney): every kind of call once, track twice. */
function sendJourney(client: SpecClient, anon: string, user: string, email: string): void {
  client.page({ anonymousId: anon, name: "Pricing", category: "Docs", properties: { path: "/pricing" } });
  client.track({ anonymousId: anon, event: "Product Viewed", properties: { sku: "tv-55", price: 499.5 } });
  client.identify({ userId: user, anonymousId: anon, traits: { email, plan: "pro" } });
  client.screen({ userId: user, name: "Cart", properties: { items: 2 } });
  client.group({ userId: user, groupId: uid("acme"), traits: { name: "Acme" } });
  client.alias({ userId: user, previousId: anon });
  client.track({
    userId: user,
    event: "Order Completed",
    properties: { total: 42.5, currency: "EUR" },
    timestamp: new Date(ORDER_TIME),
  });
}

describe("@rudderstack/rudder-sdk-node pointed at Itinera", () => {
  for (const gzip of [true, false]) {
    it(`delivers every kind of call ${gzip ? "gzipped (its default)" : "uncompressed (gzip: false)"}`, async () => {
      const anon = uid("rs-anon");
      const user = uid("rs-user");
      const email = `${user}@example.com`;
      const errors: unknown[] = [];
      const client = new Rudder(WRITE_KEY, {
        dataPlaneUrl: server.url,
        gzip,
        flushAt: 100,
        flushInterval: 60_000,
        retryCount: 0,
        logLevel: "error",
        errorHandler: (e) => errors.push(e),
      });
      const from = Date.now();
      sendJourney(client, anon, user, email);
      await client.flush();
      const to = Date.now();
      expect(errors.map(String)).toEqual([]);

      const events = await storedEventsOf(server, [anon, user], 7);
      expectJourney(events, anon, user, email, [from, to]);
      // The SDK's own additions are kept with the event, not refused.
      expect(one(events, "page").context).toMatchObject({ library: { name: "analytics-node" } });
    });
  }

  it("a wrong write key is refused with 401, nothing stored", async () => {
    const anon = uid("rs-anon");
    const errors: Array<{ response?: { status?: number } }> = [];
    const client = new Rudder("wk_not_a_key", {
      dataPlaneUrl: server.url,
      retryCount: 0,
      logLevel: "error",
      errorHandler: (e) => errors.push(e),
    });
    client.track({ anonymousId: anon, event: "Product Viewed" });
    await client.flush();
    expect(errors.map((e) => e.response?.status)).toEqual([401]);
    expect(await storedEventsOf(server, [anon], 0, 0)).toEqual([]);
  });
});

describe("@segment/analytics-node pointed at Itinera", () => {
  it("delivers every kind of call to /v1/batch", async () => {
    const anon = uid("seg-anon");
    const user = uid("seg-user");
    const email = `${user}@example.com`;
    const analytics = new Segment({ writeKey: WRITE_KEY, host: server.url, flushAt: 100, maxRetries: 0 });
    const statuses: number[] = [];
    analytics.on("http_response", (r) => statuses.push(r.status));
    const from = Date.now();
    sendJourney(analytics, anon, user, email);
    await analytics.closeAndFlush({ timeout: 10_000 });
    const to = Date.now();
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200)).toBe(true);

    const events = await storedEventsOf(server, [anon, user], 7);
    expectJourney(events, anon, user, email, [from, to]);
    expect(one(events, "page").context).toMatchObject({ library: { name: "@segment/analytics-node" } });
  });
});
