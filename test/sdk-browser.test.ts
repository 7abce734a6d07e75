// The browser SDKs, their own built bundles from node_modules running in Debian's Chromium on a page of
// another origin (the customer's site on localhost, Itinera on 127.0.0.1): CORS preflights, the
// content types they pick to avoid or survive them, and every call stored with its fields.
//
// What they send (read from each bundle and checked on the wire):
// - @rudderstack/analytics-js 3.x (the "bundled" build, so no plugin is fetched from a CDN): one XHR per
//   call to {dataPlaneUrl}/v1/track|page|identify|group|alias, `application/json;charset=UTF-8`,
//   `Authorization: Basic`, and `AnonymousId` and `SentAt` headers, so every call is preflighted. With
//   `queueOptions.batch`, `{"batch":[…],"sentAt":…}` to /v1/batch. With `useBeacon`,
//   navigator.sendBeacon to /beacon/v1/batch?writeKey=KEY as `text/plain` (no header can be set). It
//   adds `originalTimestamp`, `channel: "web"`, `integrations: {All: true}`, and sends `userId: ""` for
//   an anonymous visitor.
// - @segment/analytics-next 1.x: fetch (keepalive) to {apiHost}/t|p|i|g|a as `text/plain` with
//   `writeKey` in the body and `Authorization: Basic` (which makes it preflighted after all); with the
//   batching delivery strategy `{"batch":[…],"writeKey":…}` to {apiHost}/b. It adds `timestamp`,
//   `sentAt`, `integrations` and `_metadata`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, launchChromium } from "./helpers/browser.js";
import {
  expectWithin,
  one,
  openPage,
  packageFile,
  type StoredEvent,
  serveSite,
  storedEventsOf,
} from "./helpers/sdk.js";
import { startTestServer, type TestServer, uid, WRITE_KEY } from "./helpers/server.js";

const RUDDER_JS = packageFile("@rudderstack/analytics-js", "dist/npm/modern/bundled/umd/index.js");
const SEGMENT_JS = packageFile("@segment/analytics-next", "dist/umd/index.js");

let server: TestServer;
let browser: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  server = await startTestServer();
  if (browserAvailable) browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

interface Visit {
  anon: string;
  user: string;
  email: string;
}

/**
 * The same visit in both SDKs' words: a page view and a product view while anonymous, an alias and an
 * identify, then an order and the customer's company. `sdk` is the page's client object.
 */
const VISIT_SCRIPT = (v: Visit) => `
  sdk.page("Docs", "Pricing", { path: "/pricing" });
  sdk.track("Product Viewed", { sku: "tv-55", price: 499.5 });
  sdk.alias(${JSON.stringify(v.user)}, ${JSON.stringify(v.anon)});
  sdk.identify(${JSON.stringify(v.user)}, { email: ${JSON.stringify(v.email)}, plan: "pro" });
  sdk.track("Order Completed", { total: 42.5, currency: "EUR" });
  sdk.group("acme-${v.user}", { name: "Acme" });
`;

function expectVisit(events: StoredEvent[], v: Visit, from: number, to: number): void {
  expect(events.map((e) => e.type).sort()).toEqual(["alias", "group", "identify", "page", "track", "track"]);
  for (const e of events) {
    expect(e.anonymousId).toBe(v.anon);
    expect(e.channel).toBe("web");
    expectWithin(e.timestamp, from, to);
  }
  const page = one(events, "page");
  expect(page.event).toBe("Pricing");
  expect(page.properties).toMatchObject({ path: "/pricing" });
  expect(one(events, "track", "Product Viewed").properties).toMatchObject({ sku: "tv-55", price: 499.5 });
  expect(one(events, "alias")).toMatchObject({ userId: v.user });
  const identify = one(events, "identify");
  expect(identify.userId).toBe(v.user);
  expect({ ...identify.traits, ...(identify.context?.traits as object) }).toMatchObject({
    email: v.email,
    plan: "pro",
  });
  expect(one(events, "track", "Order Completed")).toMatchObject({
    userId: v.user,
    properties: { total: 42.5, currency: "EUR" },
  });
  expect(one(events, "group")).toMatchObject({ userId: v.user, traits: { name: "Acme" } });
}

function newVisit(prefix: string): Visit {
  const user = uid(`${prefix}-user`);
  return { anon: uid(`${prefix}-anon`), user, email: `${user}@example.com` };
}

/** Runs a page on the customer's site and returns what it sent to Itinera, once all of it is stored. */
async function visit(html: string, script: string, v: Visit) {
  const site = await serveSite(html, { [`/${script}`]: script === "rudder.js" ? RUDDER_JS : SEGMENT_JS });
  try {
    const from = Date.now();
    const watched = await openPage(browser, `${site.origin}/`, server.url);
    const events = await storedEventsOf(server, [v.anon, v.user], 6);
    const to = Date.now();
    await watched.page.context().close();
    expect(watched.problems).toEqual([]);
    return { events, from, to, sent: watched.sent };
  } finally {
    await site.close();
  }
}

describe("the preflights the browser SDKs cause", () => {
  // Chromium tells a page nothing about its preflights, so the questions these SDKs make it ask are put
  // here as it sent them (recorded on the wire). The beacon is a simple request and has none.
  for (const [path, headers] of [
    ["/v1/track", "anonymousid,authorization,content-type,sentat"],
    ["/v1/batch", "anonymousid,authorization,content-type,sentat"],
    ["/v1/t", "authorization"],
    ["/v1/b", "authorization"],
  ]) {
    it(`${path} admits any origin with ${headers}`, async () => {
      const res = await fetch(server.url + path, {
        method: "OPTIONS",
        headers: {
          origin: "https://shop.example",
          "access-control-request-method": "POST",
          "access-control-request-headers": headers!,
        },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      expect(res.headers.get("access-control-allow-methods")).toContain("POST");
      expect(res.headers.get("access-control-allow-headers")).toBe(headers);
      expect(res.headers.get("access-control-allow-credentials")).toBeNull();
    });
  }
});

const rudderPage = (v: Visit, options: Record<string, unknown>) => `<!doctype html>
<html><body><script src="/rudder.js"></script><script>
  const sdk = new window.rudderanalytics.RudderAnalytics();
  sdk.load(${JSON.stringify(WRITE_KEY)}, ${JSON.stringify(server.url)}, {
    // The source's settings, which would come from RudderStack's control plane: one source, no destinations.
    getSourceConfig: () => ({
      source: { id: "itinera", name: "Itinera", workspaceId: "test", enabled: true, config: {}, destinations: [] },
    }),
    ...${JSON.stringify(options)},
  });
  sdk.setAnonymousId(${JSON.stringify(v.anon)});
  ${VISIT_SCRIPT(v)}
</script></body></html>`;

describe.skipIf(!browserAvailable)("@rudderstack/analytics-js in Chromium, pointed at Itinera", () => {
  it("delivers one preflighted JSON request per call (its default transport)", async () => {
    const v = newVisit("rjs");
    const { events, from, to, sent } = await visit(rudderPage(v, {}), "rudder.js", v);
    expectVisit(events, v, from, to);
    // Chromium reports no preflight to the page; that these cross-origin POSTs, with Authorization and
    // custom headers, were made at all shows each preflight was answered.
    for (const path of ["/v1/page", "/v1/track", "/v1/alias", "/v1/identify", "/v1/group"])
      expect(sent).toContain(`POST ${path} application/json;charset=UTF-8`);
  });

  it("delivers batches to /v1/batch (queueOptions.batch)", async () => {
    const v = newVisit("rjs-batch");
    const options = { queueOptions: { batch: { enabled: true, maxItems: 20, flushInterval: 300 } } };
    const { events, from, to, sent } = await visit(rudderPage(v, options), "rudder.js", v);
    expectVisit(events, v, from, to);
    expect(new Set(sent)).toEqual(new Set(["POST /v1/batch application/json;charset=UTF-8"]));
  });

  it("delivers beacons to /beacon/v1/batch, write key in the query (useBeacon)", async () => {
    const v = newVisit("rjs-beacon");
    const options = { useBeacon: true, beaconQueueOptions: { flushQueueInterval: 300 } };
    const { events, from, to, sent } = await visit(rudderPage(v, options), "rudder.js", v);
    expectVisit(events, v, from, to);
    expect(new Set(sent)).toEqual(new Set(["POST /beacon/v1/batch text/plain"]));
  });
});

const segmentPage = (v: Visit, delivery: Record<string, unknown>) => {
  // Segment's CDN would hand out these settings; given here, nothing is fetched from Segment's servers
  // (remote metrics off as well).
  const segmentio = {
    apiKey: WRITE_KEY,
    apiHost: `${new URL(server.url).host}/v1`,
    protocol: "http",
    ...delivery,
  };
  const cdnSettings = { integrations: { "Segment.io": segmentio }, metrics: { sampleRate: 0 } };
  return `<!doctype html>
<html><body><script src="/segment.js"></script><script>
  const sdk = window.AnalyticsNext.AnalyticsBrowser.load(
    { writeKey: ${JSON.stringify(WRITE_KEY)}, cdnSettings: ${JSON.stringify(cdnSettings)} },
    { integrations: { "Segment.io": ${JSON.stringify(segmentio)} } },
  );
  sdk.setAnonymousId(${JSON.stringify(v.anon)});
  ${VISIT_SCRIPT(v)}
</script></body></html>`;
};

describe.skipIf(!browserAvailable)("@segment/analytics-next in Chromium, pointed at Itinera", () => {
  it("delivers each call as text/plain to the one-letter paths (its standard strategy)", async () => {
    const v = newVisit("ajs");
    const { events, from, to, sent } = await visit(segmentPage(v, {}), "segment.js", v);
    expectVisit(events, v, from, to);
    for (const path of ["/v1/p", "/v1/t", "/v1/a", "/v1/i", "/v1/g"])
      expect(sent).toContain(`POST ${path} text/plain`);
  });

  it("delivers batches as text/plain to /v1/b (the batching strategy)", async () => {
    const v = newVisit("ajs-batch");
    const batching = { deliveryStrategy: { strategy: "batching", config: { size: 20, timeout: 300 } } };
    const { events, from, to, sent } = await visit(segmentPage(v, batching), "segment.js", v);
    expectVisit(events, v, from, to);
    expect(new Set(sent)).toEqual(new Set(["POST /v1/b text/plain"]));
  });
});
