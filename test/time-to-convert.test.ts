// Time to convert on hand-made gaps with known answers: median and p90, the window's inclusive end, only
// the first `from` event counting, a step that is both ends, identity stitching, the histogram's bins,
// the CLI and the API's errors. Every case has its own event names and its own stretch of time.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TimeToConvertRequest, TimeToConvertResult } from "../src/analytics/time-to-convert.js";
import { ensureBuilt, runCli, runCliJson } from "./helpers/cli.js";
import { send } from "./helpers/customers.js";
import { expectError, expectOk } from "./helpers/journey.js";
import { startTestServer, type TestServer, uid } from "./helpers/server.js";

let server: TestServer;
const DAY = 86_400_000;
const HOUR = 3_600_000;
let nextCase = 0;

/** A fresh stretch of 60 days with event names of its own: `t(hours)` is a time in it. */
function stretch() {
  const n = nextCase++;
  const base = Date.UTC(2024, 0, 1) + n * 60 * DAY;
  return {
    t: (hours: number) => new Date(base + hours * HOUR).toISOString(),
    range: { from: new Date(base).toISOString(), to: new Date(base + 30 * DAY).toISOString() },
    from: `Cart Opened ${n}`,
    to: `Paid ${n}`,
  };
}

const track = (userId: string, event: string, timestamp: string) => ({
  type: "track",
  userId,
  event,
  timestamp,
});

async function timeToConvert(req: TimeToConvertRequest): Promise<TimeToConvertResult> {
  return expectOk(
    await server.api<TimeToConvertResult>("/api/insights/time-to-convert", { method: "POST", body: req }),
  );
}

beforeAll(async () => {
  server = await startTestServer({ config: { journeyRefreshSeconds: 0 } });
});
afterAll(async () => {
  await server?.close();
});

describe("time to convert", () => {
  // Gaps of 1…9 hours, one exactly at the 12 h window's end, one past it, and one that never pays.
  const gaps = { s: stretch(), converted: [1, 2, 3, 4, 5, 6, 7, 8, 9, 12], late: 13 };
  const req = (): TimeToConvertRequest => ({
    start: { event: gaps.s.from },
    end: { event: gaps.s.to },
    window: "12h",
    ...gaps.s.range,
  });

  beforeAll(async () => {
    const { t, from, to } = gaps.s;
    const messages = [];
    for (const [i, h] of [...gaps.converted, gaps.late].entries()) {
      const who = uid(`gap-${h}`);
      messages.push(track(who, from, t(i)), track(who, to, t(i + h)));
    }
    messages.push(track(uid("never"), from, t(1)));
    await send(server, ...messages);
  });

  it("gives median and p90 of the designed gaps; the window includes its end", async () => {
    const r = await timeToConvert(req());
    expect(r).toMatchObject({ entered: 12, converted: 10, notConverted: 2 });
    // Sorted 1…9, 12 h: the median lies between 5 h and 6 h, p90 at 9 h + 0.1 × (12 h − 9 h).
    expect(r.medianSeconds).toBe(19_800); // 5.5 h
    expect(r.p90Seconds).toBe(33_480); // 9.3 h
    expect(r.averageSeconds).toBe(20_520); // 5.7 h
    expect(r.fastestSeconds).toBe(3600);
    expect(r.slowestSeconds).toBe(12 * 3600);
    expect(r.steps).toEqual({ start: gaps.s.from, end: gaps.s.to });
  });

  it("bins conversions in human steps up to the window, or in log-spaced bins", async () => {
    const human = await timeToConvert(req());
    expect(human.histogram.map((b) => [b.label, b.customers])).toEqual([
      ["< 1m", 0],
      ["1m–5m", 0],
      ["5m–15m", 0],
      ["15m–1h", 0],
      ["1h–4h", 3], // 1, 2, 3 h: a bin holds its lower edge
      ["4h–12h", 7], // 4…9 h, and 12 h in the last bin's upper edge
    ]);
    expect(human.histogram.at(-1)).toMatchObject({
      fromSeconds: 4 * 3600,
      toSeconds: 12 * 3600,
      percentage: 70,
    });
    const log = await timeToConvert({ ...req(), bins: 2 });
    // Edges 1 h, √12 h ≈ 3.46 h, 12 h.
    expect(log.histogram.map((b) => [b.label, b.customers])).toEqual([
      ["1h–3.5h", 3],
      ["3.5h–12h", 7],
    ]);
  });

  it("starts from the first `from` event only, and converts on a later `to` event", async () => {
    const { t, from, to, range } = stretch();
    const [twice, before, same] = [uid("twice"), uid("before"), uid("same")];
    await send(
      server,
      track(twice, from, t(0)),
      track(twice, from, t(5)), // not a new start: 6 h from the first
      track(twice, to, t(6)),
      track(before, to, t(0)), // before the start: does not convert it
      track(before, from, t(1)),
      track(before, to, t(3)),
    );
    const r = await timeToConvert({ start: { event: from }, end: { event: to }, ...range });
    expect(r).toMatchObject({ entered: 2, converted: 2, medianSeconds: 4 * 3600, slowestSeconds: 6 * 3600 });
    // One step at both ends: the time to the next such event, never zero from itself.
    await send(server, track(same, "Ordered", t(1)), track(same, "Ordered", t(25)));
    const repeat = await timeToConvert({ start: { event: "Ordered" }, end: { event: "Ordered" }, ...range });
    expect(repeat).toMatchObject({ entered: 1, converted: 1, medianSeconds: 24 * 3600 });
  });

  it("counts an anonymous start and a logged-in conversion as one customer", async () => {
    const { t, from, to, range } = stretch();
    const anon = uid("anon");
    const user = uid("user");
    await send(
      server,
      { type: "track", anonymousId: anon, event: from, timestamp: t(0) },
      { type: "identify", anonymousId: anon, userId: user, timestamp: t(1) },
      track(user, to, t(2)),
    );
    const r = await timeToConvert({ start: { event: from }, end: { event: to }, ...range });
    expect(r).toMatchObject({ entered: 1, converted: 1, medianSeconds: 7200 });
  });

  it("takes a stage as a step: from entering purchase to the order", async () => {
    const { t, range } = stretch();
    const who = uid("stage");
    const web = { context: { channel: "web" } };
    await send(
      server,
      { type: "page", userId: who, name: "Home", timestamp: t(0) },
      { ...track(who, "Checkout Started", t(1)), ...web },
      { ...track(who, "Order Completed", t(3)), ...web },
    );
    const r = await timeToConvert({
      start: { stage: "purchase" },
      end: { event: "Order Completed" },
      ...range,
    });
    expect(r).toMatchObject({ entered: 1, converted: 1, medianSeconds: 7200 });
    expect(r.steps.start).toBe("Entered Purchase");
  });

  it("gives the same answer through the CLI, which talks to the running server", async () => {
    await ensureBuilt();
    const args = [
      ...["--db", server.dbPath, "time-to-convert", "--start", gaps.s.from, "--end", gaps.s.to],
      ...["--window", "12h", "--from", gaps.s.range.from, "--to", gaps.s.range.to],
    ];
    expect(await runCliJson<TimeToConvertResult>(server.dir, args)).toEqual(await timeToConvert(req()));
    const human = await runCli(server.dir, args);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/10 of 12 customers converted; median 5\.5h, p90 9\.3h/);
    const bad = await runCli(server.dir, [...args.slice(0, 3), "--start", "tp:nope", "--end", "B"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/start: no touchpoint "nope"/);
  });

  it("answers a bad request with the error envelope", async () => {
    const bad = async (body: unknown, pattern: RegExp) => {
      const res = await server.api("/api/insights/time-to-convert", { method: "POST", body });
      expect(expectError(res, 400, "invalid_request").message).toMatch(pattern);
    };
    const ok = { start: { event: "A" }, end: { event: "B" } };
    await bad({ ...ok, start: { touchpoint: "nope" } }, /start: no touchpoint "nope"/);
    await bad(
      { ...ok, end: { stage: "purchase", where: [{ property: "x", op: "exists" }] } },
      /no conditions/,
    );
    await bad({ ...ok, window: "soon" }, /window/);
    await bad({ ...ok, bins: 1 }, /bins/);
    await bad({ ...ok, from: "2024-02-01T00:00:00Z", to: "2024-01-01T00:00:00Z" }, /before/);
    await bad({ ...ok, from: "2024-02-30" }, /from/);
    await bad({ end: { event: "B" } }, /start/);
  });
});
