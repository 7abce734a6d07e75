// Funnel semantics, each rule on a small hand-made set of events with a known answer. Every case has its
// own stretch of time, and the funnel's period covers only that stretch, so cases cannot see each other.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FunnelRequest, FunnelResult } from "../src/analytics/funnel.js";
import { ensureBuilt, runCli, runCliJson } from "./helpers/cli.js";
import { send } from "./helpers/customers.js";
import { type ErrorReply, startTestServer, type TestServer, uid } from "./helpers/server.js";

let server: TestServer;
const DAY = 86_400_000;
let nextCase = 0;

/** A fresh stretch of 60 days for one case: `t(days)` is a time in it, `period` the whole stretch. */
function stretch() {
  const base = Date.UTC(2024, 0, 1) + nextCase++ * 60 * DAY;
  return {
    t: (days: number) => new Date(base + days * DAY).toISOString(),
    period: { from: new Date(base).toISOString(), to: new Date(base + 40 * DAY).toISOString() },
  };
}

const track = (
  userId: string,
  event: string,
  timestamp: string,
  properties: Record<string, unknown> = {},
) => ({
  type: "track",
  userId,
  event,
  timestamp,
  properties,
});

async function funnel(req: FunnelRequest): Promise<FunnelResult> {
  const res = await server.api<FunnelResult>("/api/insights/funnel", { method: "POST", body: req });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

const counts = (r: FunnelResult) => r.steps.map((s) => s.count);
const steps = (...names: string[]) => names.map((event) => ({ event }));

beforeAll(async () => {
  server = await startTestServer({ config: { journeyRefreshSeconds: 0 } });
});

afterAll(async () => {
  await server?.close();
});

describe("funnels", () => {
  it("count cumulatively per customer, with conversion and the median time between steps", async () => {
    const { t, period } = stretch();
    const [a, b, c] = [uid("a"), uid("b"), uid("c")];
    await send(
      server,
      track(a, "Viewed", t(0)),
      track(a, "Added", t(0.5)),
      track(a, "Bought", t(1)),
      track(b, "Viewed", t(0)),
      track(b, "Added", t(1.5)),
      track(c, "Viewed", t(0)),
      // Bought without Added: does not count at step 3, which needs steps 1..3 in order.
      track(c, "Bought", t(1)),
    );
    const r = await funnel({ steps: steps("Viewed", "Added", "Bought"), ...period });
    expect(counts(r)).toEqual([3, 2, 1]);
    expect(r.steps[1]!.conversionFromPrevious).toBeCloseTo(2 / 3);
    expect(r.steps[2]!.conversionFromFirst).toBeCloseTo(1 / 3);
    expect(r.steps[1]!.medianSecondsFromPrevious).toBe(86_400); // median of 0.5 d and 1.5 d
    expect(r.steps[2]!.medianSecondsFromPrevious).toBe(43_200);
  });

  it("run the window from the step-1 event, inclusive at its end", async () => {
    const { t, period } = stretch();
    const [onTime, late] = [uid("on-time"), uid("late")];
    await send(
      server,
      track(onTime, "Viewed", t(0)),
      track(onTime, "Bought", t(14)),
      track(late, "Viewed", t(0)),
      track(late, "Bought", new Date(Date.parse(t(14)) + 1000).toISOString()),
    );
    expect(counts(await funnel({ steps: steps("Viewed", "Bought"), window: "14d", ...period }))).toEqual([
      2, 1,
    ]);
  });

  it("let one event fill one step only: A, A needs two A events", async () => {
    const { t, period } = stretch();
    const [once, twice] = [uid("once"), uid("twice")];
    await send(
      server,
      track(once, "Viewed", t(0)),
      track(twice, "Viewed", t(0)),
      track(twice, "Viewed", t(1)),
    );
    expect(counts(await funnel({ steps: steps("Viewed", "Viewed"), ...period }))).toEqual([2, 1]);
  });

  it("count the best attempt: a later step-1 event starts a new one", async () => {
    const { t, period } = stretch();
    const who = uid("retry");
    await send(server, track(who, "Viewed", t(0)), track(who, "Viewed", t(20)), track(who, "Bought", t(21)));
    const r = await funnel({ steps: steps("Viewed", "Bought"), window: "14d", ...period });
    expect(counts(r)).toEqual([1, 1]);
    expect(r.steps[1]!.medianSecondsFromPrevious).toBe(86_400);
  });

  it("allow other events between steps when ordered, not when strict", async () => {
    const { t, period } = stretch();
    const [gap, direct] = [uid("gap"), uid("direct")];
    await send(
      server,
      track(gap, "Viewed", t(0)),
      track(gap, "Compared", t(0.1)),
      track(gap, "Bought", t(0.2)),
      track(direct, "Viewed", t(0)),
      track(direct, "Bought", t(0.2)),
    );
    const req = { steps: steps("Viewed", "Bought"), ...period };
    expect(counts(await funnel({ ...req, order: "ordered" }))).toEqual([2, 2]);
    expect(counts(await funnel({ ...req, order: "strict" }))).toEqual([2, 1]);
  });

  it("take the steps in any order when unordered", async () => {
    const { t, period } = stretch();
    const who = uid("backwards");
    await send(server, track(who, "Bought", t(0)), track(who, "Viewed", t(1)));
    const req = { steps: steps("Viewed", "Bought"), ...period };
    expect(counts(await funnel({ ...req, order: "ordered" }))).toEqual([1, 0]);
    expect(counts(await funnel({ ...req, order: "unordered" }))).toEqual([1, 1]);
  });

  it("remove a customer whose counted attempt has an exclusion event between the given steps", async () => {
    const { t, period } = stretch();
    const [called, after, clean] = [uid("called"), uid("after"), uid("clean")];
    await send(
      server,
      track(called, "Viewed", t(0)),
      track(called, "Support Call", t(0.5)),
      track(called, "Bought", t(1)),
      track(after, "Viewed", t(0)),
      track(after, "Bought", t(1)),
      track(after, "Support Call", t(2)),
      track(clean, "Viewed", t(0)),
      track(clean, "Bought", t(1)),
    );
    const r = await funnel({
      steps: steps("Viewed", "Bought"),
      exclusions: [{ event: "Support Call", between: [0, 1] }],
      ...period,
    });
    expect(counts(r)).toEqual([2, 2]);
    expect(r.excluded).toBe(1);
  });

  it("break down by the step-1 event's property", async () => {
    const { t, period } = stretch();
    const [android, ios, ios2] = [uid("android"), uid("ios"), uid("ios2")];
    await send(
      server,
      track(android, "Viewed", t(0), { os: "Android" }),
      track(android, "Bought", t(1), { os: "iOS" }),
      track(ios, "Viewed", t(0), { os: "iOS" }),
      track(ios2, "Viewed", t(0), { os: "iOS" }),
      track(ios2, "Bought", t(1)),
    );
    const r = await funnel({ steps: steps("Viewed", "Bought"), breakdown: { property: "os" }, ...period });
    const by = Object.fromEntries((r.breakdown ?? []).map((b) => [b.value, b.steps.map((s) => s.count)]));
    expect(by).toEqual({ Android: [1, 1], iOS: [2, 1] });
  });

  it("take touchpoints, stages and property conditions as steps", async () => {
    const { t, period } = stretch();
    const [big, small] = [uid("big"), uid("small")];
    await send(
      server,
      { ...track(big, "Checkout Started", t(0)), context: { channel: "web" } },
      track(big, "Order Completed", t(0.1), { total: 500 }),
      { ...track(small, "Checkout Started", t(0)), context: { channel: "web" } },
      track(small, "Order Completed", t(0.1), { total: 50 }),
    );
    const r = await funnel({
      steps: [
        { touchpoint: "checkout-web" },
        { event: "Order Completed", where: [{ property: "total", op: "gt", value: 100 }] },
      ],
      ...period,
    });
    expect(counts(r)).toEqual([2, 1]);
    expect(r.steps[0]!.name).toBe("Checkout (web)");
    const staged = await funnel({ steps: [{ stage: "purchase" }, { event: "Order Completed" }], ...period });
    // Checkout Started enters purchase; the order follows for both.
    expect(counts(staged)).toEqual([2, 2]);
  });

  it("take a page or screen view, by name, as a step", async () => {
    const { t, period } = stretch();
    const [landed, other] = [uid("landed"), uid("other")];
    await send(
      server,
      { type: "page", userId: landed, name: "Pricing", timestamp: t(0), properties: { path: "/pricing" } },
      track(landed, "Signed Up", t(0.1)),
      { type: "page", userId: other, name: "Home", timestamp: t(0) },
      track(other, "Signed Up", t(0.1)),
      // A track event with the page's name is not a page view.
      track(other, "Pricing", t(0.2)),
    );
    const r = await funnel({
      steps: [{ event: "Pricing", type: "page" }, { event: "Signed Up" }],
      ...period,
    });
    expect(counts(r)).toEqual([1, 1]);
    const bad = await server.api<ErrorReply>("/api/insights/funnel", {
      method: "POST",
      body: { steps: [{ touchpoint: "checkout-web", type: "page" }, { event: "Signed Up" }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/type goes with event/);
  });

  it("count an anonymous step 1 and a logged-in step 2 as one customer", async () => {
    const { t, period } = stretch();
    const anon = uid("anon");
    const user = uid("user");
    await send(
      server,
      { type: "track", anonymousId: anon, event: "Viewed", timestamp: t(0) },
      { type: "identify", anonymousId: anon, userId: user, timestamp: t(0.5) },
      track(user, "Bought", t(1)),
    );
    expect(counts(await funnel({ steps: steps("Viewed", "Bought"), ...period }))).toEqual([1, 1]);
  });

  it("work with 20 steps", async () => {
    const { t, period } = stretch();
    const who = uid("long");
    const names = Array.from({ length: 20 }, (_, i) => `Step ${i + 1}`);
    await send(server, ...names.map((n, i) => track(who, n, t(i * 0.01))));
    const r = await funnel({ steps: steps(...names), ...period });
    expect(counts(r)).toEqual(Array(20).fill(1));
  });

  it("list the customers behind a step, and conversion over time", async () => {
    const { t, period } = stretch();
    const [a, b, c] = [uid("list-a"), uid("list-b"), uid("list-c")];
    await send(
      server,
      track(a, "Viewed", t(0)),
      track(a, "Bought", t(0.1)),
      track(b, "Viewed", t(0)),
      track(c, "Viewed", t(1)),
    );
    const req = { steps: steps("Viewed", "Bought"), ...period };
    const dropped = await server.api<{
      total: number;
      customers: Array<{ id: number }>;
      next: number | null;
    }>("/api/insights/funnel/customers", {
      method: "POST",
      body: { ...req, step: 1, kind: "dropped", limit: 1 },
    });
    expect(dropped.status).toBe(200);
    expect(dropped.body.total).toBe(2);
    expect(dropped.body.customers).toHaveLength(1);
    expect(dropped.body.next).not.toBeNull();
    const rest = await server.api<{ customers: Array<{ id: number }>; next: number | null }>(
      "/api/insights/funnel/customers",
      { method: "POST", body: { ...req, step: 1, kind: "dropped", limit: 1, after: dropped.body.next } },
    );
    expect(rest.body.customers).toHaveLength(1);
    expect(rest.body.next).toBeNull();
    const over = await funnel({ ...req, interval: "day" });
    expect(over.overTime?.map((d) => [d.entered, d.converted])).toEqual([
      [2, 1],
      [1, 0],
    ]);
  });

  it("give the same answer through the CLI, which talks to the running server", async () => {
    await ensureBuilt();
    const { t, period } = stretch();
    const who = uid("cli");
    await send(server, track(who, "Viewed", t(0)), track(who, "Bought", t(1)));
    const args = [
      "--db",
      server.dbPath,
      "funnel",
      "--steps",
      "Viewed,Bought",
      "--from",
      period.from,
      "--to",
      period.to,
    ];
    const viaCli = await runCliJson<FunnelResult>(server.dir, args);
    expect(viaCli).toEqual(await funnel({ steps: steps("Viewed", "Bought"), ...period }));
    const bad = await runCli(server.dir, [...args, "--exclude", "Support Call"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--exclude "Support Call": expected STEP:A-B/);
  });

  it("answer a bad request with a readable 400", async () => {
    const bad = async (body: unknown, pattern: RegExp) => {
      const res = await server.api<ErrorReply>("/api/insights/funnel", { method: "POST", body });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.message).toMatch(pattern);
    };
    await bad({ steps: [{ event: "A" }] }, /steps/);
    await bad({ steps: [{ touchpoint: "nope" }, { event: "B" }] }, /no touchpoint "nope"/);
    await bad({ steps: [{ event: "A", stage: "purchase" }, { event: "B" }] }, /exactly one/);
    await bad({ steps: steps("A", "B"), window: "soon" }, /window/);
    await bad({ steps: steps("A", "B"), exclusions: [{ event: "X", between: [1, 5] }] }, /between/);
    await bad({ steps: steps("A", "B"), from: "2024-02-01T00:00:00Z", to: "2024-01-01T00:00:00Z" }, /before/);
  });
});
