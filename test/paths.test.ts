// Path semantics on small hand-made event sets with known answers. Every case has its own stretch of time
// and asks about that stretch only, so cases cannot see each other's events.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PathsRequest, PathsResult } from "../src/analytics/paths.js";
import { ensureBuilt, runCli, runCliJson } from "./helpers/cli.js";
import { send } from "./helpers/customers.js";
import { type ErrorReply, startTestServer, type TestServer, uid } from "./helpers/server.js";

let server: TestServer;
const DAY = 86_400_000;
const MINUTE = 60_000;
let nextCase = 0;

/** A fresh stretch of time for one case: `t(minutes)` is a time in it, `period` its first 5 days. */
function stretch() {
  const base = Date.UTC(2023, 0, 1) + nextCase++ * 10 * DAY;
  return {
    t: (minutes: number) => new Date(base + minutes * MINUTE).toISOString(),
    period: { from: new Date(base).toISOString(), to: new Date(base + 5 * DAY).toISOString() },
  };
}

const track = (userId: string, event: string, timestamp: string, extra: Record<string, unknown> = {}) => ({
  type: "track",
  userId,
  event,
  timestamp,
  ...extra,
});

/** One customer's events, a minute apart from `start` (minutes). */
const walk = (t: (m: number) => string, userId: string, events: string[], start = 0) =>
  events.map((e, i) => track(userId, e, t(start + i)));

async function paths(req: PathsRequest): Promise<PathsResult> {
  const res = await server.api<PathsResult>("/api/insights/paths", { method: "POST", body: req });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** The top paths as "A > B > C" → count. */
const byPath = (rows: PathsResult["paths"]) =>
  Object.fromEntries(rows.map((p) => [p.path.join(" > "), p.count]));

beforeAll(async () => {
  server = await startTestServer({ config: { journeyRefreshSeconds: 0 } });
});

afterAll(async () => {
  await server?.close();
});

describe("paths", () => {
  it("list the next N steps after each start, with Sankey links that add up to the paths", async () => {
    const { t, period } = stretch();
    const [a, b, c, d] = [uid("a"), uid("b"), uid("c"), uid("d")];
    await send(
      server,
      ...walk(t, a, ["Product Viewed", "Product Added", "Cart Viewed", "Checkout Started"]),
      ...walk(t, b, ["Home Visited", "Product Viewed", "Product Added", "Chat Started"]),
      ...walk(t, c, ["Product Viewed", "Product Reviews Viewed"]),
      ...walk(t, d, ["Product Added", "Cart Viewed"]),
    );
    const r = await paths({ start: { event: "Product Viewed" }, steps: 2, ...period });
    expect(r.direction).toBe("next");
    expect(r.totals).toEqual({ paths: 3, sessions: 3, customers: 3 });
    expect(r.paths).toEqual([
      { path: ["Product Viewed", "Product Added", "Cart Viewed"], count: 1, sessions: 1, customers: 1 },
      { path: ["Product Viewed", "Product Added", "Chat Started"], count: 1, sessions: 1, customers: 1 },
      { path: ["Product Viewed", "Product Reviews Viewed"], count: 1, sessions: 1, customers: 1 },
    ]);
    const links = Object.fromEntries(r.sankey.links.map((l) => [`${l.source} > ${l.target}`, l.value]));
    expect(links).toEqual({
      "0:Product Viewed > 1:Product Added": 2,
      "0:Product Viewed > 1:Product Reviews Viewed": 1,
      "1:Product Added > 2:Cart Viewed": 1,
      "1:Product Added > 2:Chat Started": 1,
    });
    // Every link's value is the number of path occurrences that take it.
    for (const l of r.sankey.links) {
      const [s, sName] = [Number(l.source.split(":")[0]), l.source.slice(l.source.indexOf(":") + 1)];
      const tName = l.target.slice(l.target.indexOf(":") + 1);
      const through = r.paths.filter((p) => p.path[s] === sName && p.path[s + 1] === tName);
      expect(l.value, `${l.source} > ${l.target}`).toBe(through.reduce((n, p) => n + p.count, 0));
    }
    const node = (id: string) => r.sankey.nodes.find((n) => n.id === id);
    expect(node("0:Product Viewed")).toEqual({
      id: "0:Product Viewed",
      step: 0,
      name: "Product Viewed",
      value: 3,
      customers: 3,
    });
    expect(node("1:Product Added")?.value).toBe(2);
    expect(r.sankey.nodes.map((n) => n.id)).toHaveLength(5);
  });

  it("list the N steps before an end, ending with it", async () => {
    const { t, period } = stretch();
    const [a, b] = [uid("a"), uid("b")];
    await send(
      server,
      ...walk(t, a, ["Home Visited", "Product Viewed", "Cart Viewed", "Order Completed"]),
      ...walk(t, b, ["Cart Viewed", "Order Completed", "Order Shipped"]),
    );
    const r = await paths({ end: { event: "Order Completed" }, steps: 2, ...period });
    expect(r.direction).toBe("previous");
    expect(byPath(r.paths)).toEqual({
      "Product Viewed > Cart Viewed > Order Completed": 1,
      "Cart Viewed > Order Completed": 1,
    });
    const ids = r.sankey.links.map((l) => `${l.source} > ${l.target}`).sort();
    expect(ids).toEqual(["-1:Cart Viewed > 0:Order Completed", "-2:Product Viewed > -1:Cart Viewed"]);
    expect(r.sankey.links.find((l) => l.target === "0:Order Completed")?.value).toBe(2);
  });

  it("split sessions after the gap: an event 31 minutes later is not in the path", async () => {
    const { t, period } = stretch();
    const who = uid("gap");
    await send(
      server,
      track(who, "Product Viewed", t(0)),
      track(who, "Product Added", t(30)), // exactly the gap: same session
      track(who, "Cart Viewed", t(61)), // 31 minutes later: a new session
      track(who, "Checkout Started", t(62)),
    );
    const r = await paths({ start: { event: "Product Viewed" }, steps: 5, ...period });
    expect(byPath(r.paths)).toEqual({ "Product Viewed > Product Added": 1 });
    const hour = await paths({ start: { event: "Product Viewed" }, sessionGap: "1h", ...period });
    expect(byPath(hour.paths)).toEqual({
      "Product Viewed > Product Added > Cart Viewed > Checkout Started": 1,
    });
    const back = await paths({ end: { event: "Checkout Started" }, ...period });
    expect(byPath(back.paths)).toEqual({ "Cart Viewed > Checkout Started": 1 });
  });

  it("collapse consecutive duplicates into one step, and count every start that is not a repeat", async () => {
    const { t, period } = stretch();
    const [dup, twice] = [uid("dup"), uid("twice")];
    await send(
      server,
      ...walk(t, dup, [
        "Product Viewed",
        "Product Viewed",
        "Product Viewed",
        "Product Added",
        "Product Added",
        "Cart Viewed",
      ]),
      ...walk(t, twice, ["Product Viewed", "Product Added", "Product Viewed", "Cart Viewed"]),
    );
    const r = await paths({ start: { event: "Product Viewed" }, steps: 3, ...period });
    expect(byPath(r.paths)).toEqual({
      "Product Viewed > Product Added > Cart Viewed": 1,
      "Product Viewed > Product Added > Product Viewed > Cart Viewed": 1,
      "Product Viewed > Cart Viewed": 1,
    });
    // Two occurrences in one session of one customer.
    expect(r.totals).toEqual({ paths: 3, sessions: 2, customers: 2 });
  });

  it("start at the events that meet the start step's conditions, named after the step", async () => {
    const { t, period } = stretch();
    const [one, two] = [uid("one"), uid("two")];
    const viewed = (who: string, minute: number, price: number) =>
      track(who, "Product Viewed", t(minute), { properties: { price } });
    await send(
      server,
      viewed(one, 0, 50),
      viewed(one, 1, 200), // the cheap view before it is another node, not part of this run
      track(one, "Product Added", t(2)),
      viewed(two, 0, 200),
      viewed(two, 1, 300), // a run of matching views is one start
      track(two, "Product Added", t(2)),
    );
    const start = {
      event: "Product Viewed",
      where: [{ property: "price", op: "gt" as const, value: 100 }],
      name: "Pricey view",
    };
    const r = await paths({ start, ...period });
    expect(r.anchor).toBe("Pricey view");
    expect(r.paths).toEqual([
      { path: ["Pricey view", "Product Added"], count: 2, sessions: 2, customers: 2 },
    ]);
    const back = await paths({ end: { event: "Product Added" }, ...period });
    expect(byPath(back.paths)).toEqual({
      "Product Viewed > Product Added": 2,
    });
  });

  it("follow one customer across an anonymous start and a later login", async () => {
    const { t, period } = stretch();
    const anon = uid("anon");
    const user = uid("user");
    await send(
      server,
      { type: "track", anonymousId: anon, event: "Product Viewed", timestamp: t(0) },
      { type: "track", anonymousId: anon, event: "Product Added", timestamp: t(1) },
      track(user, "Cart Viewed", t(2)),
      track(user, "Order Completed", t(3)),
      // The login arrives last and stitches the anonymous history to the user.
      { type: "identify", anonymousId: anon, userId: user, timestamp: t(4) },
    );
    const r = await paths({ start: { event: "Product Viewed" }, ...period });
    expect(r.paths).toEqual([
      {
        path: ["Product Viewed", "Product Added", "Cart Viewed", "Order Completed"],
        count: 1,
        sessions: 1,
        customers: 1,
      },
    ]);
  });

  it("give the share of paths that reach a goal in the session, and their paths cut at the goal", async () => {
    const { t, period } = stretch();
    const [near, far, late, never] = [uid("near"), uid("far"), uid("late"), uid("never")];
    await send(
      server,
      ...walk(t, near, ["Product Viewed", "Product Added", "Order Completed", "Order Shipped"]),
      ...walk(t, far, [
        "Product Viewed",
        "Product Added",
        "Cart Viewed",
        "Checkout Started",
        "Order Completed",
      ]),
      track(late, "Product Viewed", t(0)),
      track(late, "Order Completed", t(40)), // next session
      track(never, "Product Viewed", t(0)),
    );
    const r = await paths({
      start: { event: "Product Viewed" },
      goal: { event: "Order Completed" },
      steps: 2,
      ...period,
    });
    expect(r.totals.paths).toBe(4);
    expect(r.goal).toMatchObject({
      name: "Order Completed",
      reached: 2,
      share: 0.5,
      sessions: 2,
      customers: 2,
    });
    expect(byPath(r.goal!.paths)).toEqual({
      "Product Viewed > Product Added > Order Completed": 1,
      "Product Viewed > Product Added > Cart Viewed": 1,
    });
  });

  it("name pages and screens, leave out excluded events, and group by touchpoint", async () => {
    const { t, period } = stretch();
    const who = uid("mixed");
    await send(
      server,
      track(who, "Product Viewed", t(0), { context: { channel: "web" } }),
      track(who, "Email Sent", t(1), { context: { channel: "email" } }),
      { type: "page", userId: who, name: "Cart", timestamp: t(2), context: { channel: "web" } },
      track(who, "Checkout Started", t(3), { context: { channel: "web" } }),
      { type: "screen", userId: who, timestamp: t(4), context: { channel: "app" } },
    );
    const start = { event: "Product Viewed" };
    expect(byPath((await paths({ start, ...period })).paths)).toEqual({
      "Product Viewed > Email Sent > Cart > Checkout Started > (screen)": 1,
    });
    const without = await paths({ start, excludeEvents: ["Email Sent"], ...period });
    expect(byPath(without.paths)).toEqual({ "Product Viewed > Cart > Checkout Started > (screen)": 1 });
    const tps = await paths({ start, group: "touchpoint", excludeEvents: ["Email Sent"], ...period });
    expect(byPath(tps.paths)).toEqual({ "Product Viewed > Website visit > Checkout (web) > App visit": 1 });
    const fromTp = await paths({ start: { touchpoint: "checkout-web" }, group: "touchpoint", ...period });
    expect(byPath(fromTp.paths)).toEqual({ "Checkout (web) > App visit": 1 });
  });

  it("give the same answer through the CLI, which talks to the running server", async () => {
    await ensureBuilt();
    const { t, period } = stretch();
    const who = uid("cli");
    await send(server, ...walk(t, who, ["Product Viewed", "Product Added", "Order Completed"]));
    const args = ["--db", server.dbPath, "paths", "--start", "Product Viewed", "--steps", "3"];
    const dates = ["--from", period.from, "--to", period.to];
    const viaCli = await runCliJson<PathsResult>(server.dir, [
      ...args,
      "--goal",
      "Order Completed",
      ...dates,
    ]);
    expect(viaCli).toEqual(
      await paths({
        start: { event: "Product Viewed" },
        steps: 3,
        goal: { event: "Order Completed" },
        ...period,
      }),
    );
    expect(viaCli.goal?.share).toBe(1);
    const bad = await runCli(server.dir, ["--db", server.dbPath, "paths", "--start", "A", "--end", "B"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/give one of --start STEP/);
  });

  it("answer a bad request with a readable 400 in the error envelope", async () => {
    const bad = async (body: unknown, pattern: RegExp) => {
      const res = await server.api<ErrorReply>("/api/insights/paths", { method: "POST", body });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error).toMatchObject({ code: "invalid_request", status: 400 });
      expect(res.body.error.message).toMatch(pattern);
    };
    await bad({ steps: 3 }, /exactly one of start/);
    await bad({ start: { event: "A" }, end: { event: "B" } }, /exactly one of start/);
    await bad({ start: { touchpoint: "nope" } }, /no touchpoint "nope"/);
    await bad({ start: { event: "A", touchpoint: "checkout-web" } }, /exactly one of event/);
    await bad({ start: { stage: "purchase" } }, /not a stage/);
    await bad({ end: { event: "A" }, goal: { event: "B" } }, /goal/);
    await bad({ start: { event: "A" }, steps: 11 }, /steps/);
    await bad({ start: { event: "A" }, sessionGap: "soon" }, /sessionGap/);
    await bad({ start: { event: "A" }, group: "page" }, /group/);
    await bad({ start: { event: "A" }, from: "2024-02-01T00:00:00Z", to: "2024-01-01T00:00:00Z" }, /before/);
    const anonymous = await server.api<ErrorReply>("/api/insights/paths", {
      method: "POST",
      body: { start: { event: "A" } },
      token: null,
    });
    expect(anonymous.status).toBe(401);
    const doc = await server.api<{ paths: Record<string, Record<string, unknown>> }>("/api/openapi.json", {
      token: null,
    });
    expect(Object.keys(doc.body.paths["/api/insights/paths"] ?? {})).toEqual(["post"]);
  });
});
