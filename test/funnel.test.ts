// Funnel semantics, each rule on a small hand-made set of events with a known answer. Every case has its
// own stretch of time, and the funnel's period covers only that stretch, so cases cannot see each other.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FunnelRequest, FunnelResult } from "../src/analytics/funnel.js";
import { ensureBuilt, runCli, runCliJson } from "./helpers/cli.js";
import { customerOf, send } from "./helpers/customers.js";
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

type CustomersRequest = FunnelRequest & {
  step: number;
  kind: "reached" | "dropped";
  limit?: number;
  after?: number;
};
interface CustomersPage {
  total: number;
  customers: Array<{ id: number }>;
  next: number | null;
}

async function customersPage(req: CustomersRequest): Promise<CustomersPage> {
  const { step, kind, limit, after, ...request } = req;
  const res = await server.api<CustomersPage>("/api/insights/funnel/customers", {
    method: "POST",
    body: { request, cell: { step, kind }, limit, after },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** The ids behind a step, every page of two followed to the end; each page's total is their count. */
async function funnelCustomers(req: CustomersRequest): Promise<number[]> {
  const ids: number[] = [];
  const totals: number[] = [];
  let after: number | undefined;
  for (let page = 0; page < 100; page++) {
    const p = await customersPage({ ...req, limit: 2, ...(after === undefined ? {} : { after }) });
    totals.push(p.total);
    ids.push(...p.customers.map((c) => c.id));
    if (p.next === null) {
      expect(
        totals.every((t) => t === ids.length),
        `totals ${totals} vs ${ids.length} ids`,
      ).toBe(true);
      return ids;
    }
    after = p.next;
  }
  throw new Error("the customer list did not end within 100 pages");
}

/** The customer ids of the given user ids, found through customer search, in id order. */
async function idsOf(...userIds: string[]): Promise<number[]> {
  const ids: number[] = [];
  for (const u of userIds) ids.push(await customerOf(server, u));
  return ids.sort((a, b) => a - b);
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
    const first = await customersPage({ ...req, step: 1, kind: "dropped", limit: 1 });
    expect(first.total).toBe(2);
    expect(first.customers).toHaveLength(1);
    expect(first.next).toBe(first.customers[0]!.id);
    const rest = await customersPage({ ...req, step: 1, kind: "dropped", limit: 1, after: first.next! });
    expect(rest.total).toBe(2);
    expect(rest.next).toBeNull();
    expect([...first.customers, ...rest.customers].map((x) => x.id)).toEqual(await idsOf(b, c));
    expect(await funnelCustomers({ ...req, step: 2, kind: "reached" })).toEqual(await idsOf(a));
    const over = await funnel({ ...req, interval: "day" });
    expect(over.overTime?.map((d) => [d.entered, d.converted])).toEqual([
      [2, 1],
      [1, 0],
    ]);
  });

  it("list exactly the customers who reached a step, and who dropped after it", async () => {
    const { t, period } = stretch();
    const u = Object.fromEntries(
      [
        "full",
        "added",
        "viewed",
        "skipped",
        "stitched",
        "late",
        "retried",
        "noStart",
        "before",
        "called",
      ].map((k) => [k, uid(`m-${k}`)]),
    );
    const anon = uid("m-anon");
    await send(
      server,
      track(u.full!, "Viewed", t(0)),
      track(u.full!, "Added", t(0.5)),
      track(u.full!, "Bought", t(1)),
      track(u.added!, "Viewed", t(0)),
      track(u.added!, "Added", t(1)),
      track(u.viewed!, "Viewed", t(0)),
      // Bought without Added: stops at step 1.
      track(u.skipped!, "Viewed", t(0)),
      track(u.skipped!, "Bought", t(1)),
      // Anonymous step 1, then a login: one customer with two steps.
      { type: "track", anonymousId: anon, event: "Viewed", timestamp: t(0) },
      { type: "identify", anonymousId: anon, userId: u.stitched!, timestamp: t(0.2) },
      track(u.stitched!, "Added", t(1)),
      // Added after the 14-day window: stops at step 1.
      track(u.late!, "Viewed", t(0)),
      track(u.late!, "Added", t(15)),
      // The second attempt gets further than the first.
      track(u.retried!, "Viewed", t(0)),
      track(u.retried!, "Viewed", t(20)),
      track(u.retried!, "Added", t(21)),
      // No step 1: in no list.
      track(u.noStart!, "Added", t(0)),
      track(u.noStart!, "Bought", t(1)),
      // Step 1 before the period: in no list.
      track(u.before!, "Viewed", t(-1)),
      track(u.before!, "Added", t(0.5)),
      // Converts, with a support call between steps 1 and 2.
      track(u.called!, "Viewed", t(0)),
      track(u.called!, "Support Call", t(0.3)),
      track(u.called!, "Added", t(0.5)),
      track(u.called!, "Bought", t(1)),
    );
    const req = { steps: steps("Viewed", "Added", "Bought"), ...period };
    expect(counts(await funnel(req))).toEqual([8, 5, 2]);
    const list = (step: number, kind: "reached" | "dropped", r: FunnelRequest = req) =>
      funnelCustomers({ ...r, step, kind });
    expect(await list(1, "reached")).toEqual(
      await idsOf(u.full!, u.added!, u.viewed!, u.skipped!, u.stitched!, u.late!, u.retried!, u.called!),
    );
    expect(await list(1, "dropped")).toEqual(await idsOf(u.viewed!, u.skipped!, u.late!));
    expect(await list(2, "reached")).toEqual(
      await idsOf(u.full!, u.added!, u.stitched!, u.retried!, u.called!),
    );
    expect(await list(2, "dropped")).toEqual(await idsOf(u.added!, u.stitched!, u.retried!));
    expect(await list(3, "reached")).toEqual(await idsOf(u.full!, u.called!));
    // Nobody drops after the last step (it would list the converted).
    const last = await server.api<ErrorReply>("/api/insights/funnel/customers", {
      method: "POST",
      body: { request: req, cell: { step: 3, kind: "dropped" } },
    });
    expect(last.status, JSON.stringify(last.body)).toBe(400);
    expect(last.body.error.message).toMatch(/step 3 is the funnel's last/);
    // The anonymous id finds the same customer as the login.
    expect(await idsOf(anon)).toEqual(await idsOf(u.stitched!));

    // An exclusion takes the caller out of every list.
    const excluding = {
      ...req,
      exclusions: [{ event: "Support Call", between: [0, 1] as [number, number] }],
    };
    const r = await funnel(excluding);
    expect(r.excluded).toBe(1);
    expect(counts(r)).toEqual([7, 4, 1]);
    expect(await list(1, "reached", excluding)).toEqual(
      await idsOf(u.full!, u.added!, u.viewed!, u.skipped!, u.stitched!, u.late!, u.retried!),
    );
    expect(await list(3, "reached", excluding)).toEqual(await idsOf(u.full!));
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
