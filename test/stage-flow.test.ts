// Stage flow on hand-made journeys with known stage changes (default journey model: a page visit is
// awareness, Product Viewed consideration, a web order purchase, Order Delivered or a store order
// retention, a good review advocacy; 45 quiet days lapse a customer back to consideration). Events lie
// years back, so every lapse and every exit has fallen due. Each case has its own stretch of time.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StageFlowRequest, StageFlowResult } from "../src/analytics/stage-flow.js";
import type { Persona, PersonaInput } from "../src/journey/personas.js";
import { ensureBuilt, runCli, runCliJson } from "./helpers/cli.js";
import { send } from "./helpers/customers.js";
import { expectError, expectOk } from "./helpers/journey.js";
import { startTestServer, type TestServer, uid } from "./helpers/server.js";

let server: TestServer;
const DAY = 86_400_000;
const HOUR = 3_600_000;
let nextCase = 0;

/** A fresh stretch of 200 days: `t(days)` is a time in it. */
function stretch() {
  const base = Date.UTC(2022, 0, 1) + nextCase++ * 200 * DAY;
  return {
    t: (days: number, hours = 0) => new Date(base + days * DAY + hours * HOUR).toISOString(),
    period: (fromDay: number, toDay: number) => ({
      from: new Date(base + fromDay * DAY).toISOString(),
      to: new Date(base + toDay * DAY).toISOString(),
    }),
  };
}

const page = (userId: string, timestamp: string) => ({ type: "page", userId, name: "Home", timestamp });
const track = (userId: string, event: string, timestamp: string, extra: Record<string, unknown> = {}) => ({
  type: "track",
  userId,
  event,
  timestamp,
  ...extra,
});
const webOrder = (userId: string, timestamp: string) =>
  track(userId, "Order Completed", timestamp, { context: { channel: "web" }, properties: { total: 10 } });

async function stageFlow(req: StageFlowRequest): Promise<StageFlowResult> {
  return expectOk(
    await server.api<StageFlowResult>("/api/insights/stage-flow", { method: "POST", body: req }),
  );
}

/** Links as "source>target": [value, customers], with a "!" for backward ones. */
function links(r: StageFlowResult): Record<string, [number, number]> {
  return Object.fromEntries(
    r.links.map((l) => [`${l.source}>${l.target}${l.backward ? "!" : ""}`, [l.value, l.customers]]),
  );
}

beforeAll(async () => {
  server = await startTestServer({ config: { journeyRefreshSeconds: 0 } });
});
afterAll(async () => {
  await server?.close();
});

describe("stage flow", () => {
  const { t, period } = stretch();
  const [a, b, c, d] = [uid("a"), uid("b"), uid("c"), uid("d")];

  beforeAll(async () => {
    await send(
      server,
      // a: awareness → consideration → purchase → retention, then quiet: lapses on day 46 and exits.
      page(a, t(0)),
      track(a, "Product Viewed", t(0, 1)),
      webOrder(a, t(0, 2)),
      track(a, "Order Delivered", t(1)),
      // b: straight into consideration, a store order (retention), a good review; lapses on day 55.
      track(b, "Product Viewed", t(0)),
      track(b, "Order Completed", t(0, 1), { context: { channel: "store" } }),
      track(b, "Product Reviewed", t(10), { properties: { rating: 5 } }),
      // c: buys, lapses on day 45 (+1 h), buys again on day 50; lapses again on day 95.
      page(c, t(0)),
      track(c, "Product Viewed", t(0, 0.2)),
      webOrder(c, t(0, 1)),
      webOrder(c, t(50)),
      // d: looks around on day 5 and is never heard of again: no lapse from consideration, an exit.
      page(d, t(5)),
      track(d, "Product Viewed", t(5, 1)),
    );
  });

  it("counts every stage change in the period, lapses as backward links, and exits", async () => {
    const r = await stageFlow(period(0, 60));
    expect(links(r)).toEqual({
      "(start)>awareness": [3, 3],
      "(start)>consideration": [1, 1],
      "awareness>consideration": [3, 3],
      "consideration>purchase": [3, 2], // c twice
      "consideration>retention": [1, 1],
      "consideration>(exit)": [3, 3], // a and b after their lapse, d without one
      "purchase>consideration!": [1, 1],
      "purchase>retention": [1, 1],
      "retention>consideration!": [1, 1],
      "retention>advocacy": [1, 1],
      "advocacy>consideration!": [1, 1],
    });
    expect(r.links.filter((l) => l.backward).every((l) => l.cause === "lapse")).toBe(true);
    expect(r.links.find((l) => l.target === "(exit)")?.cause).toBe("exit");
    expect(r).toMatchObject({ transitions: 16, customers: 4, exitAfterDays: 45, persona: null });
    expect(r.nodes.map((n) => n.id)).toEqual([
      "(start)",
      "awareness",
      "consideration",
      "purchase",
      "retention",
      "advocacy",
      "(exit)",
    ]);
  });

  it("takes only the changes inside the period; an exit counts where the last change falls", async () => {
    const r = await stageFlow(period(2, 48));
    expect(links(r)).toEqual({
      "(start)>awareness": [1, 1], // d
      "awareness>consideration": [1, 1],
      // d, and a, whose lapse on day 46 was their last change; b's last change (day 55) is not in.
      "consideration>(exit)": [2, 2],
      "purchase>consideration!": [1, 1], // c on day 45
      "retention>consideration!": [1, 1], // a on day 46
      "retention>advocacy": [1, 1], // b on day 10
    });
    expect(r).toMatchObject({ transitions: 5, customers: 4 });
  });

  it("gives the same answer through the CLI, which talks to the running server", async () => {
    await ensureBuilt();
    const p = period(0, 60);
    const args = ["--db", server.dbPath, "stage-flow", "--from", p.from, "--to", p.to];
    expect(await runCliJson<StageFlowResult>(server.dir, args)).toEqual(await stageFlow(p));
    const human = await runCli(server.dir, args);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/Retention\s+Consideration\s+1\s+1\s+back \(lapse\)/);
  });
});

describe("stage flow by persona", () => {
  it("keeps the customers of the persona; an unknown persona is a 404", async () => {
    const { t, period } = stretch();
    const [gold, plain] = [uid("gold"), uid("plain")];
    const input: PersonaInput = {
      name: `Gold ${uid("p")}`,
      match: "all",
      conditions: [{ trait: "plan", op: "eq", value: "gold" }],
      narrative: { goals: [], needs: [], frustrations: [] },
    };
    const persona = expectOk(await server.api<Persona>("/api/personas?priority=1", { body: input }), 201);
    await send(
      server,
      { type: "identify", userId: gold, traits: { plan: "gold" }, timestamp: t(0) },
      page(gold, t(0, 1)),
      page(plain, t(0, 1)),
    );
    const all = await stageFlow(period(0, 10));
    expect(links(all)["(start)>awareness"]).toEqual([2, 2]);
    const only = await stageFlow({ ...period(0, 10), persona: persona.id });
    expect(links(only)["(start)>awareness"]).toEqual([1, 1]);
    expect(only.persona).toBe(persona.id);
    const res = await server.api("/api/insights/stage-flow", { method: "POST", body: { persona: "nobody" } });
    expect(expectError(res, 404, "not_found").message).toMatch(/no persona "nobody"/);
  });

  it("answers a bad request with the error envelope", async () => {
    const bad = async (body: unknown, pattern: RegExp) => {
      const res = await server.api("/api/insights/stage-flow", { method: "POST", body });
      expect(expectError(res, 400, "invalid_request").message).toMatch(pattern);
    };
    await bad({ from: "2024-02-01T00:00:00Z", to: "2024-01-01T00:00:00Z" }, /before/);
    await bad({ from: "yesterday" }, /from/);
    await bad({ colour: "purple" }, /additional/);
    const stage = await server.api("/api/insights/stage-flow", {
      method: "POST",
      body: { stage: "nowhere" },
    });
    expect(expectError(stage, 404, "not_found").message).toMatch(/no stage "nowhere"/);
  });
});
