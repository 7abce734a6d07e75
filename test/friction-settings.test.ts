// The friction finder's settings: stored, validated, and used by the next search — a brand whose events
// are named differently can point the finder at them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FrictionList } from "../src/analytics/frictions/schema.js";
import type { FrictionSettings } from "../src/analytics/frictions/settings.js";
import { ensureBuilt, runCliJson } from "./helpers/cli.js";
import { send } from "./helpers/customers.js";
import { type ErrorReply, startTestServer, type TestServer, uid } from "./helpers/server.js";

let server: TestServer;
const DAY = 86_400_000;
const t = (days: number) => new Date(Date.now() - 20 * DAY + days * DAY).toISOString();

/** 40 web checkouts under this brand's own names, half of them never paid. */
function checkouts(start: string, done: string) {
  return Array.from({ length: 40 }, (_, i) => {
    const userId = uid(`buyer-${i}`);
    const basket = `b-${i}-${userId}`;
    const started = {
      type: "track",
      userId,
      event: start,
      timestamp: t(i * 0.3),
      properties: { basket, amount: 100 },
    };
    const paid = { type: "track", userId, event: done, timestamp: t(i * 0.3 + 0.01), properties: { basket } };
    return i % 2 === 0 ? [started, paid] : [started];
  }).flat();
}

async function frictions(): Promise<FrictionList> {
  const res = await server.api<FrictionList>("/api/frictions?limit=50");
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

beforeAll(async () => {
  server = await startTestServer({ config: { journeyRefreshSeconds: 0 } });
  await send(server, ...checkouts("Basket Opened", "Basket Paid"));
});

afterAll(async () => {
  await server?.close();
});

describe("friction settings", () => {
  it("start as the defaults, which know nothing of this brand's basket events", async () => {
    const settings = await server.api<FrictionSettings>("/api/frictions/settings");
    expect(settings.status).toBe(200);
    expect(settings.body.steps.map((s) => s.id)).toContain("checkout");
    expect((await frictions()).frictions.filter((f) => f.kind === "abandonment")).toEqual([]);
  });

  it("point the finder at the brand's own events once saved", async () => {
    const current = (await server.api<FrictionSettings>("/api/frictions/settings")).body;
    const basket = {
      id: "basket",
      unit: "basket",
      start: { event: "Basket Opened" },
      outcome: { event: "Basket Paid" },
      key: "basket",
      outcomeIs: "success" as const,
      value: "amount",
      abandonment: true,
    };
    const saved = await server.api<FrictionSettings>("/api/frictions/settings", {
      method: "PUT",
      body: { ...current, steps: [...current.steps, basket] },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const found = (await frictions()).frictions.filter((f) => f.kind === "abandonment");
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]!.id).toMatch(/basket/);
    expect(found[0]!.customers).toBe(20);
    // The CLI reads the same stored settings through the running server.
    await ensureBuilt();
    const viaCli = await runCliJson<FrictionSettings>(server.dir, [
      "--db",
      server.dbPath,
      "frictions",
      "settings",
    ]);
    expect(viaCli.steps.map((s) => s.id)).toContain("basket");
  });

  it("refuse settings that cannot work, with the reason, and keep the old ones", async () => {
    const current = (await server.api<FrictionSettings>("/api/frictions/settings")).body;
    const twice = await server.api<ErrorReply>("/api/frictions/settings", {
      method: "PUT",
      body: { ...current, steps: [...current.steps, current.steps[0]] },
    });
    expect(twice.status).toBe(400);
    expect(twice.body.error.message).toMatch(/appears twice/);
    const negative = await server.api<ErrorReply>("/api/frictions/settings", {
      method: "PUT",
      body: { ...current, minZ: -1 },
    });
    expect(negative.status).toBe(400);
    expect((await server.api<FrictionSettings>("/api/frictions/settings")).body).toEqual(current);
  });

  it("go back to the defaults", async () => {
    const reset = await server.api<FrictionSettings>("/api/frictions/settings", { method: "DELETE" });
    expect(reset.status).toBe(200);
    expect(reset.body.steps.map((s) => s.id)).not.toContain("basket");
    expect((await frictions()).frictions.filter((f) => f.kind === "abandonment")).toEqual([]);
  });
});
