// Finished journey maps and overviews are kept by the journey tables' generation, the definitions and the query: the
// same request is served again without a computation, requests in flight share one, and anything that
// changes the answer (new events, a renamed persona, a server clock that stands still) is a new key.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ResultCache } from "../src/journey/result-cache.js";
import { ManualClock } from "./helpers/clock.js";
import { at, send } from "./helpers/customers.js";
import { journeyMap, refresh } from "./helpers/journey.js";
import { startTestServer, type TestServer, uid } from "./helpers/server.js";

describe("the result cache", () => {
  const later = <T>(value: T, ms = 20) => new Promise<T>((r) => setTimeout(() => r(value), ms));

  it("computes once for callers that ask at the same time, and not again for the same key", async () => {
    const cache = new ResultCache(4);
    let runs = 0;
    const compute = async () => {
      runs++;
      return { value: await later(runs), keep: true };
    };
    const answers = await Promise.all([cache.get("a", compute), cache.get("a", compute)]);
    expect(answers).toEqual([1, 1]);
    expect(await cache.get("a", compute)).toBe(1);
    expect(runs).toBe(1);
    expect(await cache.get("b", compute)).toBe(2);
  });

  it("does not keep a result its computation says came from another snapshot", async () => {
    const cache = new ResultCache(4);
    let runs = 0;
    const compute = async () => ({ value: ++runs, keep: runs > 1 });
    expect(await cache.get("a", compute)).toBe(1);
    expect(await cache.get("a", compute)).toBe(2);
    expect(await cache.get("a", compute)).toBe(2);
  });

  it("computes its own when a shared computation fails, and keeps no failure", async () => {
    const cache = new ResultCache(4);
    let runs = 0;
    const failing = async (): Promise<{ value: string; keep: boolean }> => {
      runs++;
      await later(undefined);
      throw new Error("client went away");
    };
    const first = cache.get("a", failing);
    const second = cache.get("a", async () => ({ value: "own", keep: true }));
    await expect(first).rejects.toThrow("client went away");
    expect(await second).toBe("own");
    expect(runs).toBe(1);
    expect(await cache.get("a", failing)).toBe("own");
  });

  it("lets the least recently used entry go past its capacity", async () => {
    const cache = new ResultCache(2);
    let runs = 0;
    const compute = async () => ({ value: ++runs, keep: true });
    await cache.get("a", compute);
    await cache.get("b", compute);
    await cache.get("a", compute);
    await cache.get("c", compute);
    expect(cache.size).toBe(2);
    expect(await cache.get("a", compute)).toBe(1);
    expect(await cache.get("b", compute)).toBe(4);
  });
});

describe("journey maps from the cache", () => {
  let server: TestServer;
  // The clock stands still: a refresh's time cannot tell one version of the tables from the next.
  const clock = new ManualClock(Date.UTC(2025, 1, 1, 12, 0, 0));

  beforeAll(async () => {
    server = await startTestServer({ config: { journeyRefreshSeconds: 0 }, clock });
  });
  afterAll(() => server?.close());

  const buyer = (id: string, minutes: number) => [
    { type: "track", event: "Product Viewed", userId: id, messageId: uid("m"), timestamp: at(minutes) },
    { type: "track", event: "Order Completed", userId: id, messageId: uid("m"), timestamp: at(minutes + 5) },
  ];

  it("serves the same map again without computing it, and a new one once events arrive", async () => {
    await send(server, ...buyer(uid("u"), 0));
    const overview = async () =>
      (await server.api<{ events: number; customers: number }>("/api/overview")).body;
    const seen = await overview();
    expect(await overview()).toEqual(seen);
    const first = await journeyMap(server, {});
    const cached = server.running.ctx.journey.results.size;
    expect(await journeyMap(server, {})).toEqual(first);
    expect(server.running.ctx.journey.results.size).toBe(cached);

    await send(server, ...buyer(uid("u"), 30), ...buyer(uid("u"), 60));
    const after = await journeyMap(server, {});
    expect(after.customers).toBe(first.customers + 2);
    expect(await overview()).toMatchObject({ events: seen.events + 4, customers: seen.customers + 2 });
    expect(after.asOf).toBe(first.asOf);
    const purchase = (m: typeof first) => m.stages.find((s) => s.key === "purchase")?.reached ?? 0;
    expect(purchase(after)).toBe(purchase(first) + 2);
  });

  it("takes a renamed persona at once, though the tables did not change", async () => {
    const before = await journeyMap(server, {});
    const generation = (await refresh(server)).generation;
    const { items } = (await server.api<{ items: Array<{ id: string; name: string }> }>("/api/personas"))
      .body;
    const persona = items[0]!;
    const renamed = `${persona.name} (renamed)`;
    const res = await server.api(`/api/personas/${persona.id}`, { method: "PATCH", body: { name: renamed } });
    expect(res.status).toBe(200);
    const map = await journeyMap(server, { persona: persona.id });
    expect(map.persona?.name).toBe(renamed);
    expect((await refresh(server)).generation).toBeGreaterThanOrEqual(generation);
    expect((await journeyMap(server, {})).customers).toBe(before.customers);
  });
});
