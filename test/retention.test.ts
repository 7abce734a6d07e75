// Retention cohorts on small hand-made event sets with known answers: period 0 and period edges, the
// triangle, weighted totals, first-time against recurring, identity stitching, day and month periods,
// the CLI and the API's errors. Every case has its own event names and its own stretch of weeks.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RetentionRequest, RetentionResult } from "../src/analytics/retention.js";
import { ensureBuilt, runCli, runCliJson } from "./helpers/cli.js";
import { send } from "./helpers/customers.js";
import { expectError } from "./helpers/journey.js";
import { startTestServer, type TestServer, uid } from "./helpers/server.js";

let server: TestServer;
const DAY = 86_400_000;
const WEEK = 7 * DAY;
let nextCase = 0;

/**
 * A fresh stretch of 20 weeks starting on a Monday (2024-01-01 is one), with event names of its own:
 * `at(week, days)` is a time in it.
 */
function stretch() {
  const n = nextCase++;
  const base = Date.UTC(2024, 0, 1) + n * 20 * WEEK;
  return {
    at: (week: number, days = 0) => new Date(base + week * WEEK + days * DAY).toISOString(),
    start: `Joined ${n}`,
    back: `Came Back ${n}`,
  };
}

const track = (userId: string, event: string, timestamp: string) => ({
  type: "track",
  userId,
  event,
  timestamp,
});

async function retention(req: RetentionRequest): Promise<RetentionResult> {
  const res = await server.api<RetentionResult>("/api/insights/retention", { method: "POST", body: req });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** Each cohort as [size, customers per period…]. */
const table = (r: RetentionResult) => r.cohorts.map((c) => [c.size, ...c.values.map((v) => v.customers)]);

beforeAll(async () => {
  server = await startTestServer({ config: { journeyRefreshSeconds: 0 } });
});
afterAll(async () => {
  await server?.close();
});

describe("retention", () => {
  it("puts the whole cohort in period 0 and counts returns by period, with the edges where they fall", async () => {
    const { at, start, back } = stretch();
    const [a, b, c, d] = [uid("a"), uid("b"), uid("c"), uid("d")];
    const justBefore = (iso: string) => new Date(Date.parse(iso) - 1).toISOString();
    await send(
      server,
      track(a, start, at(0, 0.4)),
      // A return in the cohort's own week adds nothing to period 0 (it is the cohort) nor to period 1.
      track(a, back, justBefore(at(1))),
      track(a, back, at(1)), // the first instant of week 1
      track(a, back, at(3, 2)),
      track(b, start, justBefore(at(1))), // the last instant of week 0
      track(b, back, at(1, 1)),
      track(c, start, at(1)), // the first instant of week 1: the next cohort
      track(c, back, at(2, 6)),
      track(d, start, at(1, 3)),
    );
    const r = await retention({
      start: { event: start },
      return: { event: back },
      period: "week",
      periods: 4,
      from: at(0, 2), // rounded down to the Monday
      to: at(4),
    });
    expect(r.range).toEqual({ from: at(0), to: at(4) });
    expect(r.cohorts.map((x) => x.start)).toEqual([at(0), at(1), at(2), at(3)]);
    // Periods that begin at or after `to` are left out: a triangle.
    expect(table(r)).toEqual([
      [2, 2, 2, 0, 1],
      [2, 2, 1, 0],
      [0, 0, 0],
      [0, 0],
    ]);
    expect(r.cohorts[0]!.values.map((v) => v.percentage)).toEqual([100, 100, 0, 50]);
    expect(r.cohorts[1]!.values.map((v) => v.percentage)).toEqual([100, 50, 0]);
    expect(r.cohorts[2]!.values.map((v) => v.percentage)).toEqual([0, 0]);
    // Weighted by cohort size, over the cohorts that reached each period.
    expect(r.totals).toEqual([
      { period: 0, customers: 4, size: 4, percentage: 100 },
      { period: 1, customers: 3, size: 4, percentage: 75 },
      { period: 2, customers: 0, size: 4, percentage: 0 },
      { period: 3, customers: 1, size: 2, percentage: 50 },
    ]);
    expect(r).toMatchObject({ mode: "first_time", period: "week", periods: 4 });
    expect(r.steps).toEqual({ start, return: back });
  });

  it("first_time cohorts by the first start event ever; recurring puts every start in its period's cohort", async () => {
    const { at, start, back } = stretch();
    const [x, y] = [uid("x"), uid("y")];
    await send(
      server,
      track(x, start, at(1)),
      track(x, start, at(3)),
      track(x, back, at(4, 1)),
      // y started before the range: no first-time cohort takes them, the recurring week-2 cohort does.
      track(y, start, at(0)),
      track(y, start, at(2, 1)),
      track(y, back, at(3, 1)),
    );
    const req = {
      start: { event: start },
      return: { event: back },
      periods: 4,
      from: at(1),
      to: at(5),
    } satisfies RetentionRequest;
    const first = await retention(req);
    expect(table(first)).toEqual([
      [1, 1, 0, 0, 1], // x: week 1, back in week 4; the week-3 start is no return
      [0, 0, 0, 0],
      [0, 0, 0],
      [0, 0],
    ]);
    const recurring = await retention({ ...req, mode: "recurring" });
    expect(recurring.mode).toBe("recurring");
    expect(table(recurring)).toEqual([
      [1, 1, 0, 0, 1], // x in week 1
      [1, 1, 1, 0], // y in week 2, back in week 3
      [1, 1, 1], // x in week 3, back in week 4
      [0, 0],
    ]);
  });

  it("counts an anonymous start and a logged-in return as one customer", async () => {
    const { at, start, back } = stretch();
    const anon = uid("anon");
    const user = uid("user");
    await send(
      server,
      { type: "track", anonymousId: anon, event: start, timestamp: at(0, 1) },
      { type: "identify", anonymousId: anon, userId: user, timestamp: at(0, 2) },
      track(user, back, at(1, 2)),
    );
    const r = await retention({ start: { event: start }, return: { event: back }, periods: 2, to: at(2) });
    // One customer, retained in week 1 (the cohorts are the 2 weeks up to `to`).
    expect(table(r)).toEqual([
      [1, 1, 1],
      [0, 0],
    ]);
  });

  it("without from, shows the last `periods` periods up to `to`", async () => {
    const { at, start, back } = stretch();
    const who = uid("recent");
    await send(server, track(who, start, at(0)), track(who, start, at(2)), track(who, back, at(3)));
    const r = await retention({
      start: { event: start },
      return: { event: back },
      mode: "recurring",
      periods: 3,
      to: at(3, 3),
    });
    expect(r.cohorts.map((c) => c.start)).toEqual([at(1), at(2), at(3)]);
    expect(table(r)).toEqual([
      [0, 0, 0, 0],
      [1, 1, 1],
      [0, 0],
    ]);
  });

  it("cuts days at UTC midnight and months at calendar months", async () => {
    const s = stretch();
    const who = uid("edges");
    const jan31 = Date.UTC(2022, 0, 31, 23, 59);
    const iso = (ms: number) => new Date(ms).toISOString();
    await send(
      server,
      track(who, s.start, iso(jan31)),
      track(who, s.back, iso(jan31 + 2 * 60_000)), // 00:01 on 1 February
      track(who, s.back, iso(Date.UTC(2022, 2, 31, 12))), // 31 March
    );
    const req = {
      start: { event: s.start },
      return: { event: s.back },
      periods: 3,
    } satisfies RetentionRequest;
    const days = await retention({ ...req, period: "day", from: iso(jan31), to: iso(Date.UTC(2022, 1, 2)) });
    expect(days.cohorts.map((c) => c.start)).toEqual([iso(Date.UTC(2022, 0, 31)), iso(Date.UTC(2022, 1, 1))]);
    expect(table(days)).toEqual([
      [1, 1, 1],
      [0, 0],
    ]);
    const months = await retention({
      ...req,
      period: "month",
      from: iso(jan31),
      to: iso(Date.UTC(2022, 3, 1)),
    });
    expect(months.cohorts.map((c) => c.start)).toEqual([0, 1, 2].map((m) => iso(Date.UTC(2022, m, 1))));
    expect(table(months)).toEqual([
      [1, 1, 1, 1],
      [0, 0, 0],
      [0, 0],
    ]);
  });

  it("gives the same answer through the CLI, which talks to the running server", async () => {
    await ensureBuilt();
    const { at, start, back } = stretch();
    const who = uid("cli");
    await send(server, track(who, start, at(0)), track(who, back, at(1)), track(who, start, at(1, 1)));
    const args = ["--db", server.dbPath, "retention", "--start", start, "--return", back];
    const range = ["--period", "week", "--periods", "3", "--from", at(0), "--to", at(3)];
    const viaCli = await runCliJson<RetentionResult>(server.dir, [...args, ...range, "--recurring"]);
    const req = { start: { event: start }, return: { event: back }, periods: 3, from: at(0), to: at(3) };
    expect(viaCli).toEqual(await retention({ ...req, mode: "recurring", period: "week" }));
    expect(table(viaCli)).toEqual([
      [1, 1, 1, 0],
      [1, 1, 0],
      [0, 0],
    ]);
    const human = await runCli(server.dir, [...args, ...range]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/First-time retention/);
    expect(human.stdout).toMatch(/weighted/);
    const bad = await runCli(server.dir, [...args, "--period", "year"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/period/);
  });

  it("answers a bad request with the error envelope", async () => {
    const bad = async (body: unknown, pattern: RegExp) => {
      const res = await server.api("/api/insights/retention", { method: "POST", body });
      expect(expectError(res, 400, "invalid_request").message).toMatch(pattern);
    };
    const ok = { start: { event: "A" }, return: { event: "B" } };
    await bad({ ...ok, start: { touchpoint: "nope" } }, /start: no touchpoint "nope"/);
    await bad({ ...ok, return: { event: "B", stage: "purchase" } }, /return: give exactly one/);
    await bad({ ...ok, return: { stage: "nowhere" } }, /no stage "nowhere"/);
    await bad({ start: { event: "A" } }, /return/);
    await bad({ ...ok, periods: 53 }, /periods/);
    await bad({ ...ok, mode: "sometimes" }, /mode/);
    await bad({ ...ok, from: "2024-02-01T00:00:00Z", to: "2024-01-01T00:00:00Z" }, /before/);
    await bad(
      { ...ok, period: "day", from: "2020-01-01T00:00:00Z", to: "2024-01-01T00:00:00Z" },
      /more than/,
    );
  });
});
