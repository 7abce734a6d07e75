// The mobile SDKs' batch uploads, made by hand byte for byte as each SDK's source builds them (no
// JavaScript package of theirs exists to run), and the bounds on compressed bodies.
//
// - analytics-kotlin (segmentio/analytics-kotlin, core/src/main/java/com/segment/analytics/kotlin/core/
//   HTTPClient.kt): POST https://{apiHost}/b (apiHost "api.segment.io/v1"), `Content-Type: text/plain`,
//   `Content-Encoding: gzip`, chunked (setChunkedStreamingMode(0), so no Content-Length), no
//   Authorization; the file StorageImpl/EventsFileManager wrote is `{"batch":[…],"sentAt":…,"writeKey":…}`
//   and an anonymous event carries `"userId":""`.
// - analytics-swift (segmentio/analytics-swift, Sources/Segment/Utilities/Networking/HTTPClient.swift):
//   POST https://{apiHost}/b, `Content-Type: application/json; charset=utf-8`, uncompressed, no
//   Authorization; the body is DirectoryStore's file: `{ "batch": [` + one event per line +
//   `],"sentAt":…,"writeKey":…}`.
// - rudder-sdk-android (rudderlabs/rudder-sdk-android, core/src/main/java/com/rudderstack/android/sdk/
//   core/FlushUtils.java and RudderNetworkManager.java): POST {dataPlaneUrl}/v1/batch,
//   `Content-Type: application/json`, `Authorization: Basic`, a base64 `AnonymousId` header, gzip when
//   enabled; `{"sentAt":…,"batch": [ … ]}` with `sentAt` repeated in every event.
// - rudder-sdk-swift (rudderlabs/rudder-sdk-swift, Analytics/Analytics/Network/HttpClient.swift and
//   Helpers/Helpers.swift): POST {dataPlaneUrl}/v1/batch, `Content-Type: application/json`,
//   `Authorization: Basic`, `AnonymousId`, gzip by default (defaultGZipStatus); `{"batch":[…],"sentAt":…}`.
import { randomUUID } from "node:crypto";
import http from "node:http";
import { deflateSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectWithin, one, storedEventsOf } from "./helpers/sdk.js";
import {
  basicAuth,
  type ErrorReply,
  startTestServer,
  type TestServer,
  uid,
  WRITE_KEY,
} from "./helpers/server.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

interface Answer {
  status: number;
  body: unknown;
}

/** A POST as a mobile HTTP client makes it: exact headers, the body in chunks when `chunked` (no length). */
function post(path: string, headers: Record<string, string>, body: Buffer, chunked = false): Promise<Answer> {
  const url = new URL(path, server.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: "POST", headers: chunked ? headers : { ...headers, "content-length": String(body.length) } },
      (res) => {
        const parts: Buffer[] = [];
        res.on("data", (c: Buffer) => parts.push(c));
        res.on("end", () => {
          const text = Buffer.concat(parts).toString("utf8");
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
        });
      },
    );
    req.on("error", reject);
    if (chunked) {
      const half = Math.floor(body.length / 2);
      req.write(body.subarray(0, half));
      req.end(body.subarray(half));
    } else req.end(body);
  });
}

/** A device whose clock runs two hours fast: what it stamps, and when the server must place it. */
const SKEW_MS = 2 * 3600_000;
const deviceTime = (realMs: number) => new Date(realMs + SKEW_MS).toISOString();

const mobileContext = (library: string) => ({
  app: { name: "Shop", version: "4.2.0", build: "420", namespace: "com.example.shop" },
  device: { manufacturer: "Google", model: "Pixel 8", type: "android" },
  os: { name: "Android", version: "14" },
  screen: { width: 1080, height: 2400, density: 2.625 },
  network: { wifi: true, cellular: false },
  library: { name: library, version: "1.16.0" },
  locale: "en-US",
  timezone: "Europe/Berlin",
});

describe("Segment's mobile SDKs' uploads to /v1/b", () => {
  it('analytics-kotlin: gzipped text/plain, chunked, write key in the body, userId "" while anonymous', async () => {
    const anon = randomUUID();
    const user = uid("kotlin-user");
    const real = Date.now();
    const event = (fields: Record<string, unknown>, agoMs: number) => ({
      ...fields,
      messageId: randomUUID(),
      anonymousId: anon,
      integrations: {},
      context: { ...mobileContext("analytics-kotlin"), instanceId: randomUUID() },
      timestamp: deviceTime(real - agoMs),
      _metadata: { bundled: [], unbundled: [], bundledIds: [] },
    });
    const events = [
      event({ type: "screen", name: "Home", properties: { tab: "deals" }, userId: "" }, 9000),
      event({ type: "track", event: "Product Viewed", properties: { sku: "tv-55" }, userId: "" }, 6000),
      event({ type: "identify", traits: { email: `${user}@example.com` }, userId: user }, 3000),
    ];
    const body = `{"batch":[${events.map((e) => JSON.stringify(e)).join(",")}],"sentAt":"${deviceTime(real)}","writeKey":"${WRITE_KEY}"}`;
    const res = await post(
      "/v1/b",
      { "content-type": "text/plain", "content-encoding": "gzip", "user-agent": "analytics-kotlin/1.16.0" },
      gzipSync(body),
      true,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);

    const stored = await storedEventsOf(server, [anon, user], 3);
    expect(one(stored, "screen")).toMatchObject({
      event: "Home",
      anonymousId: anon,
      properties: { tab: "deals" },
    });
    expect(one(stored, "track", "Product Viewed")).toMatchObject({
      anonymousId: anon,
      properties: { sku: "tv-55" },
    });
    expect(one(stored, "identify")).toMatchObject({ userId: user, anonymousId: anon });
    for (const e of stored) expect(e.userId === null || e.userId === user).toBe(true);
    // The batch's sentAt corrects the device's clock: each event lands when it happened, not two hours on.
    expectWithin(one(stored, "screen").timestamp, real - 9000, Date.now() - 9000);
    expectWithin(one(stored, "identify").timestamp, real - 3000, Date.now() - 3000);
  });

  it("analytics-swift: one event per line, application/json; charset=utf-8, write key in the body", async () => {
    const anon = randomUUID().toUpperCase();
    const user = uid("swift-user");
    const real = Date.now();
    const lines = [
      { type: "screen", name: "Cart", category: "Checkout", properties: { items: 2 } },
      { type: "track", event: "Order Completed", properties: { total: 42.5, currency: "EUR" }, userId: user },
    ].map((fields, i) =>
      JSON.stringify({
        ...fields,
        messageId: randomUUID().toUpperCase(),
        anonymousId: anon,
        integrations: {},
        context: { ...mobileContext("analytics-swift"), os: { name: "iOS", version: "18.1" } },
        timestamp: deviceTime(real - 4000 + i * 1000),
        _metadata: { bundled: [], unbundled: [] },
      }),
    );
    const body = `{ "batch": [\n${lines.join(",\n")}\n],"sentAt":"${deviceTime(real)}","writeKey":"${WRITE_KEY}"}`;
    const res = await post(
      "/v1/b",
      {
        "content-type": "application/json; charset=utf-8",
        "accept-encoding": "gzip",
        "user-agent": "analytics-ios/1.7.0",
      },
      Buffer.from(body),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);

    const stored = await storedEventsOf(server, [anon, user], 2);
    expect(one(stored, "screen")).toMatchObject({
      event: "Cart",
      anonymousId: anon,
      userId: null,
      properties: { items: 2 },
    });
    const order = one(stored, "track", "Order Completed");
    expect(order).toMatchObject({
      userId: user,
      anonymousId: anon,
      properties: { total: 42.5, currency: "EUR" },
    });
    expectWithin(order.timestamp, real - 3000, Date.now() - 3000);
  });
});

describe("RudderStack's mobile SDKs' uploads to /v1/batch", () => {
  const rudderEvent = (
    anon: string,
    sentAt: string,
    library: string,
    fields: Record<string, unknown>,
    at: string,
  ) => ({
    ...fields,
    messageId: `${Date.now()}-${randomUUID()}`,
    rudderId: randomUUID(),
    channel: "mobile",
    anonymousId: anon,
    context: { ...mobileContext(library), traits: { anonymousId: anon } },
    originalTimestamp: at,
    integrations: { All: true },
    sentAt,
  });

  for (const sdk of [
    { name: "rudder-sdk-android", library: "com.rudderstack.android.sdk.core", gzip: false },
    { name: "rudder-sdk-android (gzip on)", library: "com.rudderstack.android.sdk.core", gzip: true },
    { name: "rudder-sdk-swift", library: "com.rudderstack.ios.sdk", gzip: true },
  ]) {
    it(`${sdk.name}: Basic auth, AnonymousId header, per-event sentAt${sdk.gzip ? ", gzipped" : ""}`, async () => {
      const anon = randomUUID();
      const user = uid("rudder-mobile-user");
      const real = Date.now();
      const sentAt = deviceTime(real);
      const batch = [
        rudderEvent(
          anon,
          sentAt,
          sdk.library,
          { type: "screen", event: "Home", name: "Home", properties: { name: "Home" } },
          deviceTime(real - 8000),
        ),
        rudderEvent(
          anon,
          sentAt,
          sdk.library,
          { type: "identify", userId: user, context: undefined },
          deviceTime(real - 5000),
        ),
        rudderEvent(
          anon,
          sentAt,
          sdk.library,
          { type: "track", event: "Cart Viewed", userId: user, properties: { items: 3 } },
          deviceTime(real - 2000),
        ),
      ];
      // FlushUtils writes sentAt first; the Swift SDK writes it last. Both are one JSON object.
      const json = sdk.library.includes("android")
        ? `{"sentAt":"${sentAt}","batch": [${batch.map((e) => JSON.stringify(e)).join(",")}]}`
        : `{"batch":[${batch.map((e) => JSON.stringify(e)).join(",")}],"sentAt":"${sentAt}"}`;
      const headers: Record<string, string> = {
        "content-type": "application/json",
        authorization: basicAuth(WRITE_KEY),
        anonymousid: sdk.library.includes("android") ? Buffer.from(anon).toString("base64") : anon,
        ...(sdk.gzip ? { "content-encoding": "gzip" } : {}),
      };
      const res = await post("/v1/batch", headers, sdk.gzip ? gzipSync(json) : Buffer.from(json));
      expect(res.status, JSON.stringify(res.body)).toBe(200);

      const stored = await storedEventsOf(server, [anon, user], 3);
      expect(one(stored, "screen")).toMatchObject({ event: "Home", anonymousId: anon, channel: "app" });
      expect(one(stored, "identify")).toMatchObject({ userId: user, anonymousId: anon });
      expect(one(stored, "track", "Cart Viewed")).toMatchObject({ userId: user, properties: { items: 3 } });
      expectWithin(one(stored, "screen").timestamp, real - 8000, Date.now() - 8000);
      expectWithin(one(stored, "track").timestamp, real - 2000, Date.now() - 2000);
    });
  }
});

describe("compressed bodies are decoded within the request limit", () => {
  const expectEnvelope = (a: Answer, status: number, code: string) => {
    expect(a.status).toBe(status);
    expect((a.body as ErrorReply).error).toMatchObject({ status, code });
  };
  /** Stores one event and waits until it is readable: whatever was sent before it was stored by then. */
  const settle = async () => {
    const anon = uid("settle");
    const res = await server.collect("/v1/track?wait=stored", { anonymousId: anon, event: "Settled" });
    expect(res.status).toBe(200);
    await storedEventsOf(server, [anon], 1);
  };

  it("a gzip bomb (a 64 KB body that inflates to 64 MB) gets 413 in the envelope; nothing is stored", async () => {
    const anon = uid("bomb");
    const pad = "A".repeat(64 * 1024 * 1024);
    const bomb = gzipSync(
      `{"writeKey":"${WRITE_KEY}","batch":[{"type":"track","event":"Bomb","anonymousId":"${anon}","properties":{"pad":"${pad}"}}]}`,
      { level: 9 },
    );
    // Well under the 500 KB request limit as sent: only the decoded size can refuse it.
    expect(bomb.length).toBeLessThan(100 * 1024);
    for (const [path, type, chunked] of [
      ["/v1/batch", "application/json", false],
      ["/v1/b", "text/plain", true],
    ] as const) {
      const res = await post(path, { "content-type": type, "content-encoding": "gzip" }, bomb, chunked);
      expectEnvelope(res, 413, "request_too_large");
    }
    await settle();
    expect(await storedEventsOf(server, [anon], 0, 0)).toEqual([]);
  });

  it("deflate is decoded too; a corrupt body gets 400, an unknown encoding 415, each in the envelope", async () => {
    const anon = uid("deflate");
    const body = JSON.stringify({ batch: [{ type: "track", event: "Deflated", anonymousId: anon }] });
    const auth = { authorization: basicAuth(WRITE_KEY), "content-type": "application/json" };
    const ok = await post("/v1/batch", { ...auth, "content-encoding": "deflate" }, deflateSync(body));
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect((await storedEventsOf(server, [anon], 1))[0]).toMatchObject({ type: "track", event: "Deflated" });

    const corrupt = await post("/v1/batch", { ...auth, "content-encoding": "gzip" }, Buffer.from(body));
    expectEnvelope(corrupt, 400, "invalid_encoding");
    const brotli = await post("/v1/batch", { ...auth, "content-encoding": "br" }, Buffer.from(body));
    expectEnvelope(brotli, 415, "unsupported_encoding");
  });

  it("/v1 reads a body without Content-Type as JSON; /api still answers 415 to a form", async () => {
    const anon = uid("unlabelled");
    const body = JSON.stringify({ batch: [{ type: "track", event: "Unlabelled", anonymousId: anon }] });
    const ok = await post("/v1/batch", { authorization: basicAuth(WRITE_KEY) }, Buffer.from(body));
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(await storedEventsOf(server, [anon], 1)).toMatchObject([{ event: "Unlabelled" }]);

    const res = await post(
      "/api/insights/funnel",
      { "content-type": "application/x-www-form-urlencoded", authorization: `Bearer ${server.apiToken}` },
      Buffer.from("steps=Product+Viewed"),
    );
    expectEnvelope(res, 415, "unsupported_media_type");
  });
});
