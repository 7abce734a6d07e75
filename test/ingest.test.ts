// The Segment-compatible collection API on a real server: a real SDK, bad input, time, dedupe, keys.
import { gzipSync } from "node:zlib";
import { Analytics } from "@segment/analytics-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  basicAuth,
  type ErrorReply,
  eventCount,
  type IngestReply,
  startTestServer,
  storedCounts,
  storedEvents,
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

const track = (extra: Record<string, unknown> = {}) => ({
  type: "track",
  messageId: uid("m"),
  userId: "u-ingest",
  event: "Product Viewed",
  ...extra,
});

function expectEnvelope(body: unknown, status: number, code?: string): void {
  const e = (body as ErrorReply).error;
  expect(e, JSON.stringify(body)).toBeDefined();
  expect(e.status).toBe(status);
  expect(typeof e.message).toBe("string");
  expect(e.message.length).toBeGreaterThan(0);
  expect(typeof e.code).toBe("string");
  if (code) expect(e.code).toBe(code);
}

describe("@segment/analytics-node pointed at Itinera", () => {
  it("delivers track, identify, page and alias, stored with types, channels and searchable traits", async () => {
    const user = uid("sdk-user");
    const anon = uid("sdk-anon");
    const email = `${uid("sdk")}@example.com`;
    const analytics = new Analytics({
      writeKey: WRITE_KEY,
      host: server.url,
      path: "/v1/batch",
      flushAt: 3,
      flushInterval: 200,
      maxRetries: 0,
    });
    const statuses: number[] = [];
    const errors: unknown[] = [];
    analytics.on("http_response", (r) => statuses.push(r.status));
    analytics.on("error", (e) => errors.push(e));

    analytics.page({ anonymousId: anon, name: "Home", properties: { path: "/" } });
    analytics.track({ anonymousId: anon, event: "Product Viewed", properties: { sku: "tv-55" } });
    analytics.alias({ userId: user, previousId: anon });
    analytics.identify({ userId: user, traits: { email, name: "Sdk Person", plan: "pro" } });
    analytics.track({ userId: user, event: "Order Completed", properties: { total: 42.5 } });
    await analytics.closeAndFlush({ timeout: 10_000 });

    expect(errors).toEqual([]);
    expect(statuses.length).toBeGreaterThanOrEqual(2);
    expect(statuses.every((s) => s === 200)).toBe(true);

    const rows = await server.query(
      "SELECT type, event, channel, source FROM events WHERE user_id = $1 OR anonymous_id = $2 ORDER BY type, event",
      [user, anon],
    );
    expect(rows.map((r) => [r.type, r.event, r.channel])).toEqual([
      ["alias", null, "server"],
      ["identify", null, "server"],
      ["page", "Home", "web"],
      ["track", "Order Completed", "server"],
      ["track", "Product Viewed", "server"],
    ]);
    expect(rows.every((r) => r.source === "dev")).toBe(true);

    const found = await server.api<{ customers: Array<{ id: number; identifiers: unknown[] }> }>(
      `/api/customers?q=${encodeURIComponent(email)}`,
    );
    expect(found.status).toBe(200);
    expect(found.body.customers).toHaveLength(1);
    const id = found.body.customers[0]!.id;
    const profile = await server.api<{ traits: Record<string, { value: unknown }>; eventCount: number }>(
      `/api/customers/${id}`,
    );
    expect(profile.body.traits.email?.value).toBe(email);
    expect(profile.body.traits.plan?.value).toBe("pro");
    // The alias stitched the anonymous page view and product view into the same customer.
    expect(profile.body.eventCount).toBe(5);
    const byAnon = await server.api<{ customers: Array<{ id: number }> }>(`/api/customers?q=${anon}`);
    expect(byAnon.body.customers.map((c) => c.id)).toEqual([id]);
  });

  it("accepts the write key in the body only (no Basic auth), as some SDK versions send it", async () => {
    const m = track();
    const res = await server.collect("/v1/batch", { batch: [m] }, { auth: "body" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, accepted: 1, duplicates: 0, rejected: [] });
    expect((await storedCounts(server, [m.messageId])).get(m.messageId)).toBe(1);

    const single = track();
    const res2 = await server.collect("/v1/track", single, { auth: "body" });
    expect(res2.status).toBe(200);
    expect((await storedCounts(server, [single.messageId])).get(single.messageId)).toBe(1);
  });
});

describe("single-message routes", () => {
  it("each of /v1/track|identify|page|screen|group|alias (and analytics.js's one-letter paths) stores its type", async () => {
    const user = uid("routes");
    const bodies: Record<string, Record<string, unknown>> = {
      track: { event: "Signed Up" },
      identify: { traits: { plan: "free" } },
      page: { name: "Home" },
      screen: { name: "Cart" },
      group: { groupId: "acme" },
      alias: { previousId: uid("old-anon") },
    };
    const sent: Array<[string, string]> = [];
    for (const [type, body] of Object.entries(bodies)) {
      for (const route of [`/v1/${type}`, `/v1/${type[0]}`]) {
        const messageId = uid("m");
        const res = await server.collect<IngestReply>(route, { ...body, userId: user, messageId });
        expect(res.status, `${route}: ${JSON.stringify(res.body)}`).toBe(200);
        expect(res.body).toMatchObject({ success: true, accepted: 1 });
        sent.push([messageId, type]);
      }
    }
    const rows = await storedEvents(
      server,
      sent.map(([m]) => m),
    );
    for (const [m, type] of sent) expect(rows.get(m)?.type, m).toBe(type);
    const group = sent.find(([, t]) => t === "group")![0];
    expect(JSON.parse(String(rows.get(group)!.properties))).toEqual({ groupId: "acme" });
    expect(rows.get(sent.find(([, t]) => t === "screen")![0])!.channel).toBe("app");
  });
});

describe("bad input", () => {
  it("malformed JSON: 400 envelope, nothing stored, server still answers", async () => {
    const before = await eventCount(server);
    const res = await server.raw("/v1/batch", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: basicAuth(WRITE_KEY) },
      body: '{"batch": [{"type": "track", "event": "X", "userId": "u"}',
    });
    expect(res.status).toBe(400);
    expectEnvelope(res.body, 400, "invalid_json");
    expect(await eventCount(server)).toBe(before);

    const health = await server.raw<{ status: string }>("/healthz", { method: "GET" });
    expect(health.status).toBe(200);
    expect(health.body.status).toBe("ok");
    const after = track();
    expect((await server.collect("/v1/track", after)).status).toBe(200);
    expect(await eventCount(server)).toBe(before + 1);
  });

  it("an event over 32 KB inside a batch is rejected alone, with its index and reason", async () => {
    const small1 = track();
    const big = track({ properties: { blob: "x".repeat(33 * 1024) } });
    const small2 = track();
    const res = await server.collect<IngestReply>("/v1/batch", { batch: [small1, big, small2] });
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(false);
    expect(res.body.accepted).toBe(2);
    expect(res.body.rejected).toHaveLength(1);
    expect(res.body.rejected[0]).toMatchObject({ index: 1, messageId: big.messageId });
    expect(res.body.rejected[0]!.reason).toMatch(/32768 bytes/);
    const counts = await storedCounts(server, [small1.messageId, big.messageId, small2.messageId]);
    expect([...counts.values()]).toEqual([1, 0, 1]);
  });

  it("a request over 500 KB gets a 413 envelope and stores nothing", async () => {
    const before = await eventCount(server);
    const batch = Array.from({ length: 20 }, () => track({ properties: { blob: "y".repeat(30 * 1024) } }));
    const res = await server.collect("/v1/batch", { batch });
    expect(res.status).toBe(413);
    expectEnvelope(res.body, 413);
    expect(await eventCount(server)).toBe(before);
  });

  it("a missing or unknown write key gets 401 in the envelope", async () => {
    const m = track();
    const missing = await server.collect("/v1/track", m, { auth: "none" });
    expect(missing.status).toBe(401);
    expectEnvelope(missing.body, 401, "missing_write_key");
    const wrong = await server.collect("/v1/batch", { batch: [m] }, { key: "wk_not_a_real_key" });
    expect(wrong.status).toBe(401);
    expectEnvelope(wrong.body, 401, "invalid_write_key");
    const wrongInBody = await server.collect("/v1/track", m, { auth: "body", key: "wk_not_a_real_key" });
    expect(wrongInBody.status).toBe(401);
    expect((await storedCounts(server, [m.messageId])).get(m.messageId)).toBe(0);
  });

  it("invalid events inside a valid batch are listed with index and reason; the valid ones are stored", async () => {
    const good1 = track();
    const noName = { type: "track", messageId: uid("m"), userId: "u-x" };
    const badTime = track({ timestamp: "yesterday at noon" });
    const noIds = { type: "track", messageId: uid("m"), event: "Orphan" };
    const badType = { type: "launch", messageId: uid("m"), userId: "u-x" };
    const good2 = { type: "identify", messageId: uid("m"), userId: "u-x", traits: { plan: "free" } };
    const res = await server.collect<IngestReply>("/v1/batch", {
      batch: [good1, noName, badTime, noIds, badType, good2],
    });
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(false);
    expect(res.body.accepted).toBe(2);
    const byIndex = new Map(res.body.rejected.map((r) => [r.index, r]));
    expect([...byIndex.keys()].sort()).toEqual([1, 2, 3, 4]);
    expect(byIndex.get(1)!.reason).toMatch(/event/);
    expect(byIndex.get(1)!.messageId).toBe(noName.messageId);
    expect(byIndex.get(2)!.reason).toMatch(/timestamp/);
    expect(byIndex.get(3)!.reason).toMatch(/userId or an anonymousId/);
    expect(byIndex.get(4)!.reason).toMatch(/type/);
    const counts = await storedCounts(
      server,
      [good1, noName, badTime, noIds, badType, good2].map((m) => m.messageId),
    );
    expect([...counts.values()]).toEqual([1, 0, 0, 0, 0, 1]);
  });

  it("an id too large for a number (1e400, parsed as Infinity) is rejected alone, never stored as 'Infinity'", async () => {
    const good = track();
    const huge = uid("m");
    const body = `{"batch":[${JSON.stringify(good)},{"type":"track","messageId":"${huge}","event":"X","userId":1e400}]}`;
    const res = await server.raw<IngestReply>("/v1/batch", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: basicAuth(WRITE_KEY) },
      body,
    });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected).toEqual([
      { index: 1, messageId: huge, reason: "userId is a number too large to be an id; send it as a string" },
    ]);
    const single = await server.raw<ErrorReply>("/v1/track", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: basicAuth(WRITE_KEY) },
      body: `{"messageId":"${huge}","event":"X","anonymousId":-1e999}`,
    });
    expect(single.status).toBe(400);
    expect(single.body.error.message).toBe(
      "anonymousId is a number too large to be an id; send it as a string",
    );
    expect([...(await storedCounts(server, [good.messageId, huge])).values()]).toEqual([1, 0]);
  });

  it("an invalid message on a single-message route gets a 400 envelope", async () => {
    const noEvent = { messageId: uid("m"), userId: "u-x" };
    const r1 = await server.collect("/v1/track", noEvent);
    expect(r1.status).toBe(400);
    expectEnvelope(r1.body, 400);
    const noIds = { messageId: uid("m"), event: "Anonymous nobody" };
    const r2 = await server.collect("/v1/track", noIds);
    expect(r2.status).toBe(400);
    expectEnvelope(r2.body, 400, "invalid_message");
    const wrongType = { type: "page", messageId: uid("m"), userId: "u-x", event: "X" };
    const r3 = await server.collect("/v1/track", wrongType);
    expect(r3.status).toBe(400);
    expectEnvelope(r3.body, 400);
    const counts = await storedCounts(server, [noEvent.messageId, noIds.messageId, wrongType.messageId]);
    expect([...counts.values()]).toEqual([0, 0, 0]);
  });

  it("an empty batch and a body that is not an object get 400 envelopes", async () => {
    const empty = await server.collect("/v1/batch", { batch: [] });
    expect(empty.status).toBe(400);
    expectEnvelope(empty.body, 400);
    const list = await server.collect("/v1/batch", [track()]);
    expect(list.status).toBe(400);
    expectEnvelope(list.body, 400);
  });

  it("an unknown route gets a 404 envelope; /api without a token a 401 envelope", async () => {
    const nope = await server.collect("/v1/nope", track());
    expect(nope.status).toBe(404);
    expectEnvelope(nope.body, 404, "not_found");
    const nothing = await server.raw("/no/such/page", { method: "GET" });
    expect(nothing.status).toBe(404);
    expectEnvelope(nothing.body, 404, "not_found");
    const noToken = await server.api("/api/stats", { token: null });
    expect(noToken.status).toBe(401);
    expectEnvelope(noToken.body, 401, "missing_token");
    const badToken = await server.api("/api/customers?q=x", { token: "itk_wrong" });
    expect(badToken.status).toBe(401);
    expectEnvelope(badToken.body, 401, "invalid_token");
    // A write key is not an API token.
    const writeKeyAsToken = await server.api("/api/stats", { token: WRITE_KEY });
    expect(writeKeyAsToken.status).toBe(401);
  });

  it("accepts a gzip-encoded batch", async () => {
    const batch = [track(), track()];
    const res = await server.raw<IngestReply>("/v1/batch", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "content-encoding": "gzip",
        authorization: basicAuth(WRITE_KEY),
      },
      body: gzipSync(JSON.stringify({ batch })),
    });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(2);
    const counts = await storedCounts(
      server,
      batch.map((m) => m.messageId),
    );
    expect([...counts.values()]).toEqual([1, 1]);
  });

  it("a corrupt gzip body gets 400, one that inflates past 500 KB 413, an unknown encoding 415", async () => {
    const headers = {
      "content-type": "application/json",
      "content-encoding": "gzip",
      authorization: basicAuth(WRITE_KEY),
    };
    const corrupt = await server.raw("/v1/batch", { method: "POST", headers, body: "not gzip at all" });
    expect(corrupt.status).toBe(400);
    expectEnvelope(corrupt.body, 400);
    const batch = Array.from({ length: 20 }, () => track({ properties: { blob: "z".repeat(30 * 1024) } }));
    const bomb = await server.raw("/v1/batch", {
      method: "POST",
      headers,
      body: gzipSync(JSON.stringify({ batch })),
    });
    expect(bomb.status).toBe(413);
    expectEnvelope(bomb.body, 413);
    const brotli = await server.raw("/v1/batch", {
      method: "POST",
      headers: { ...headers, "content-encoding": "br" },
      body: "x",
    });
    expect(brotli.status).toBe(415);
    expectEnvelope(brotli.body, 415, "unsupported_encoding");
    const counts = await storedCounts(
      server,
      batch.map((m) => m.messageId),
    );
    expect([...counts.values()].every((n) => n === 0)).toBe(true);
  });

  it("accepts a JSON body sent as text/plain with the key in the body (analytics.js style)", async () => {
    const m = {
      type: "page",
      messageId: uid("m"),
      anonymousId: uid("browser"),
      name: "Pricing",
      context: { page: { path: "/pricing" }, userAgent: "Mozilla/5.0" },
      writeKey: WRITE_KEY,
    };
    const res = await server.raw<IngestReply>("/v1/p", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify(m),
    });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(1);
    const stored = await storedEvents(server, [m.messageId]);
    expect(stored.get(m.messageId)?.channel).toBe("web");
    expect(stored.get(m.messageId)?.event).toBe("Pricing");
  });
});

describe("time", () => {
  it("corrects clock skew: timestamp = receivedAt − (sentAt − timestamp)", async () => {
    // A device whose clock runs 3 hours fast, which recorded the event 5.25 s before sending.
    const deviceNow = Date.now() + 3 * 3600_000;
    const m = track({
      timestamp: new Date(deviceNow - 5250).toISOString(),
      sentAt: new Date(deviceNow).toISOString(),
    });
    const res = await server.collect("/v1/track", m);
    expect(res.status).toBe(200);
    const row = (await storedEvents(server, [m.messageId])).get(m.messageId)!;
    expect(Number(row.received) - Number(row.ts)).toBe(5250);
    expect(Number(row.sent)).toBe(deviceNow);
  });

  it("applies a batch-level sentAt to every item", async () => {
    const deviceNow = Date.now() - 2 * 3600_000; // a clock two hours slow
    const a = track({ timestamp: new Date(deviceNow - 1000).toISOString() });
    const b = track({ timestamp: new Date(deviceNow - 60_000).toISOString() });
    const res = await server.collect("/v1/batch", {
      batch: [a, b],
      sentAt: new Date(deviceNow).toISOString(),
    });
    expect(res.status).toBe(200);
    const rows = await storedEvents(server, [a.messageId, b.messageId]);
    const ra = rows.get(a.messageId)!;
    const rb = rows.get(b.messageId)!;
    expect(Number(ra.received) - Number(ra.ts)).toBe(1000);
    expect(Number(rb.received) - Number(rb.ts)).toBe(60_000);
  });

  it("a message without a timestamp happened when it was received", async () => {
    const m = track();
    await server.collect("/v1/track", m);
    const row = (await storedEvents(server, [m.messageId])).get(m.messageId)!;
    expect(Number(row.ts)).toBe(Number(row.received));
  });

  it("keeps millisecond precision and converts offsets to UTC", async () => {
    const utc = track({ timestamp: "2024-03-05T10:20:30.123Z" });
    const seoul = track({ timestamp: "2024-03-05T19:20:30.456+09:00" });
    const micros = track({ timestamp: "2024-03-05T10:20:30.789654Z" });
    await server.collect("/v1/batch", { batch: [utc, seoul, micros] });
    const rows = await storedEvents(server, [utc.messageId, seoul.messageId, micros.messageId]);
    expect(Number(rows.get(utc.messageId)!.ts)).toBe(Date.UTC(2024, 2, 5, 10, 20, 30, 123));
    expect(Number(rows.get(seoul.messageId)!.ts)).toBe(Date.UTC(2024, 2, 5, 10, 20, 30, 456));
    expect(Number(rows.get(micros.messageId)!.ts)).toBe(Date.UTC(2024, 2, 5, 10, 20, 30, 789));
    const [exact] = await server.query("SELECT epoch_us(timestamp) AS us FROM events WHERE message_id = $1", [
      micros.messageId,
    ]);
    expect(Number(exact?.us) % 1000).toBe(0); // stored to the millisecond, not beyond

    // The API reports the same instant, in UTC, to the millisecond.
    const user = uid("ms-user");
    const m = track({ userId: user, timestamp: "2024-03-05T10:20:30.007Z" });
    await server.collect("/v1/track", m);
    const found = await server.api<{ customers: Array<{ id: number }> }>(`/api/customers?q=${user}`);
    const tl = await server.api<{ events: Array<{ timestamp: string }> }>(
      `/api/customers/${found.body.customers[0]!.id}/timeline`,
    );
    expect(tl.body.events[0]!.timestamp).toBe("2024-03-05T10:20:30.007Z");
  });
});

describe("deduplication on messageId", () => {
  it("a retried batch stores nothing twice and reports the duplicates", async () => {
    const batch = [track(), track(), track({ type: "identify", traits: { plan: "free" } })];
    const first = await server.collect<IngestReply>("/v1/batch", { batch });
    expect(first.body).toMatchObject({ accepted: 3, duplicates: 0 });
    const second = await server.collect<IngestReply>("/v1/batch", { batch });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ success: true, accepted: 0, duplicates: 3 });
    const counts = await storedCounts(
      server,
      batch.map((m) => m.messageId),
    );
    expect([...counts.values()]).toEqual([1, 1, 1]);
  });

  it("duplicates inside one batch are stored once", async () => {
    const a = track();
    const b = track();
    const res = await server.collect<IngestReply>("/v1/batch", { batch: [a, b, { ...a }, { ...a }] });
    expect(res.body).toMatchObject({ accepted: 2, duplicates: 2 });
    const counts = await storedCounts(server, [a.messageId, b.messageId]);
    expect([...counts.values()]).toEqual([1, 1]);
  });

  it("concurrent retries of the same batch store each messageId once", async () => {
    const batch = Array.from({ length: 20 }, () => track());
    const replies = await Promise.all(
      Array.from({ length: 4 }, () => server.collect<IngestReply>("/v1/batch", { batch })),
    );
    expect(replies.reduce((s, r) => s + r.body.accepted, 0)).toBe(20);
    expect(replies.reduce((s, r) => s + r.body.duplicates, 0)).toBe(60);
    const counts = await storedCounts(
      server,
      batch.map((m) => m.messageId),
    );
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });
});

describe("write keys and API tokens", () => {
  it("a key created through the API works until it is revoked", async () => {
    const created = await server.api<{ id: string; name: string; secret: string }>("/api/keys", {
      body: { name: "shop-web" },
    });
    expect(created.status).toBe(201);
    expect(created.body.name).toBe("shop-web");
    expect(created.body.secret).toMatch(/^wk_/);
    const { id, secret } = created.body;

    const m = track();
    const ok = await server.collect<IngestReply>("/v1/track", m, { key: secret });
    expect(ok.status).toBe(200);
    const row = (await storedEvents(server, [m.messageId])).get(m.messageId)!;
    expect(row.source).toBe("shop-web");

    const listed = await server.api<{ items: Array<Record<string, unknown>> }>("/api/keys");
    const item = listed.body.items.find((k) => k.id === id);
    expect(item).toMatchObject({ name: "shop-web", revokedAt: null });
    expect(JSON.stringify(listed.body)).not.toContain(secret);

    const revoked = await server.api(`/api/keys/${id}`, { method: "DELETE" });
    expect(revoked.status).toBe(200);
    const after = await server.collect("/v1/track", track(), { key: secret });
    expect(after.status).toBe(401);
    expectEnvelope(after.body, 401, "invalid_write_key");
    const again = await server.api(`/api/keys/${id}`, { method: "DELETE" });
    expect(again.status).toBe(404);
    expectEnvelope(again.body, 404);
  });

  it("an API token created through the API works until it is revoked", async () => {
    const created = await server.api<{ id: string; secret: string }>("/api/tokens", {
      body: { name: "agent" },
    });
    expect(created.status).toBe(201);
    const use = await server.api("/api/stats", { token: created.body.secret });
    expect(use.status).toBe(200);
    expect((await server.api(`/api/tokens/${created.body.id}`, { method: "DELETE" })).status).toBe(200);
    const after = await server.api("/api/stats", { token: created.body.secret });
    expect(after.status).toBe(401);
  });

  it("rejects a credential without a name", async () => {
    const res = await server.api("/api/keys", { body: {} });
    expect(res.status).toBe(400);
    expectEnvelope(res.body, 400);
  });
});
