// The event-name pickers' API: distinct named events with counts (searched, limited) and the property
// keys of one event, on a real server with a few hand-made events.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { send } from "./helpers/customers.js";
import { startTestServer, type TestServer, uid } from "./helpers/server.js";

let server: TestServer;
const tag = uid("names");
const viewed = `Viewed ${tag}`;
const bought = `Bought ${tag}`;

interface Names {
  items: Array<{ type: string; event: string; events: number; lastSeen: string }>;
}

beforeAll(async () => {
  server = await startTestServer();
  const at = (minutes: number) => new Date(Date.UTC(2024, 5, 1, 12, minutes)).toISOString();
  await send(
    server,
    { type: "track", userId: "a", event: viewed, timestamp: at(0), properties: { sku: "x", price: 3 } },
    { type: "track", userId: "b", event: viewed, timestamp: at(1), properties: { sku: "y" } },
    { type: "track", userId: "a", event: bought, timestamp: at(2), properties: { total: 3 } },
    { type: "page", userId: "a", name: `Home ${tag}`, timestamp: at(3), properties: {} },
    { type: "identify", userId: "a", timestamp: at(4), traits: { email: "a@example.com" } },
  );
});

afterAll(async () => {
  await server?.close();
});

describe("GET /api/events/names", () => {
  it("lists named events by type, most frequent first, with counts and the last time seen", async () => {
    const res = await server.api<Names>(`/api/events/names?q=${encodeURIComponent(tag)}`);
    expect(res.status).toBe(200);
    expect(res.body.items.map(({ type, event, events }) => ({ type, event, events }))).toEqual([
      { type: "track", event: viewed, events: 2 },
      { type: "track", event: bought, events: 1 },
      { type: "page", event: `Home ${tag}`, events: 1 },
    ]);
    expect(res.body.items[0]?.lastSeen).toBe(new Date(Date.UTC(2024, 5, 1, 12, 1)).toISOString());
  });

  it("searches case-insensitively, takes the text literally and keeps to the limit", async () => {
    const upper = await server.api<Names>(`/api/events/names?q=${encodeURIComponent(`BOUGHT ${tag}`)}`);
    expect(upper.body.items.map((i) => i.event)).toEqual([bought]);
    const wildcard = await server.api<Names>("/api/events/names?q=%25");
    expect(wildcard.body.items).toEqual([]);
    const one = await server.api<Names>(`/api/events/names?q=${encodeURIComponent(tag)}&limit=1`);
    expect(one.body.items.map((i) => i.event)).toEqual([viewed]);
  });

  it("refuses a limit out of range and asks for a token", async () => {
    expect((await server.api("/api/events/names?limit=0")).status).toBe(400);
    expect((await server.api("/api/events/names?limit=501")).status).toBe(400);
    expect((await server.api("/api/events/names", { token: null })).status).toBe(401);
  });
});

describe("GET /api/events/properties", () => {
  it("lists one event's property keys, most common first", async () => {
    const res = await server.api<{ items: Array<{ property: string; events: number }> }>(
      `/api/events/properties?event=${encodeURIComponent(viewed)}`,
    );
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      { property: "sku", events: 2 },
      { property: "price", events: 1 },
    ]);
    const page = await server.api<{ items: unknown[] }>(
      `/api/events/properties?event=${encodeURIComponent(`Home ${tag}`)}&type=page`,
    );
    expect(page.body.items).toEqual([]);
    expect((await server.api("/api/events/properties")).status).toBe(400);
  });
});
