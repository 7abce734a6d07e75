// Dates as people type them (issue 16): every period takes a date as well as a time; `from` a date is the
// start of that day and `to` a date its end, in the workspace's time zone (a setting, UTC by default),
// through the API, the analyses and the CLI alike.
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settleBound, settlePeriod } from "../src/analytics/period.js";
import { loadConfig } from "../src/config.js";
import { runCliJson } from "./helpers/cli.js";
import { expectError, expectOk, type JourneyMap, qs } from "./helpers/journey.js";
import { startTestServer, type TestServer, tempDir } from "./helpers/server.js";

const value = <T>(r: { ok: true; value: T } | { ok: false; error: unknown }): T => {
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
};

describe("a period's bounds", () => {
  it("reads a date as a whole day in the time zone, and a time as itself", () => {
    expect(value(settleBound("2026-05-01", "from", "UTC"))).toBe("2026-05-01T00:00:00.000Z");
    expect(value(settleBound("2026-05-31", "to", "UTC"))).toBe("2026-06-01T00:00:00.000Z");
    expect(value(settleBound("2026-12-31", "to", "UTC"))).toBe("2027-01-01T00:00:00.000Z");
    // Seoul is 9 hours ahead all year.
    expect(value(settleBound("2026-05-01", "from", "Asia/Seoul"))).toBe("2026-04-30T15:00:00.000Z");
    expect(value(settleBound("2026-05-01", "to", "Asia/Seoul"))).toBe("2026-05-01T15:00:00.000Z");
    // New York moves to summer time on 8 March 2026: that day starts at −5 h and the next at −4 h.
    expect(value(settleBound("2026-03-08", "from", "America/New_York"))).toBe("2026-03-08T05:00:00.000Z");
    expect(value(settleBound("2026-03-08", "to", "America/New_York"))).toBe("2026-03-09T04:00:00.000Z");
    expect(value(settleBound("2026-05-01T09:30:00+09:00", "from", "UTC"))).toBe("2026-05-01T00:30:00.000Z");
    expect(value(settlePeriod({ from: "2026-05-01", to: "2026-05-02", steps: 3 }, "UTC"))).toEqual({
      from: "2026-05-01T00:00:00.000Z",
      to: "2026-05-03T00:00:00.000Z",
      steps: 3,
    });
  });

  it("names what it cannot read", () => {
    const message = (r: ReturnType<typeof settleBound>) => (r.ok ? "" : r.error.message);
    expect(message(settleBound("2026-02-30", "to", "UTC"))).toBe(
      'to "2026-02-30" is not a day of the calendar',
    );
    expect(message(settleBound("yesterday", "from", "UTC"))).toMatch(
      /^from "yesterday" is not a date \(2026-05-01\)/,
    );
  });

  it("takes the workspace's time zone from the configuration, and refuses one that does not exist", () => {
    const dir = tempDir("tz");
    fs.writeFileSync(`${dir}/itinera.config.json`, "{}");
    const env = { ITINERA_CONFIG: `${dir}/itinera.config.json` };
    expect(value(loadConfig({}, { ...env, ITINERA_TIME_ZONE: "Asia/Seoul" })).timeZone).toBe("Asia/Seoul");
    expect(value(loadConfig({}, env)).timeZone).toBe("UTC");
    const bad = loadConfig({}, { ...env, ITINERA_TIME_ZONE: "Mars/Olympus_Mons" });
    expect(bad.ok).toBe(false);
    expect(bad.ok ? "" : bad.error).toMatch(
      /timeZone "Mars\/Olympus_Mons" is not a time zone; use an IANA name/,
    );
  });
});

describe("periods as dates on a server in Seoul", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ config: { timeZone: "Asia/Seoul", journeyRefreshSeconds: 0 } });
    // 23:30 on 1 May and 00:30 on 2 May in Seoul.
    const batch = [
      { at: "2026-05-01T14:30:00.000Z", id: "late" },
      { at: "2026-05-01T15:30:00.000Z", id: "early" },
    ].flatMap(({ at, id }) => [
      { type: "track", event: "Product Viewed", userId: id, timestamp: at, messageId: `${id}-1` },
      { type: "track", event: "Order Completed", userId: id, timestamp: at, messageId: `${id}-2` },
    ]);
    expectOk(await server.collect("/v1/batch", { batch }));
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  it("the journey map's period is the Seoul day", async () => {
    const map = expectOk(
      await server.api<JourneyMap>(`/api/journey-map${qs({ from: "2026-05-01", to: "2026-05-01" })}`),
    );
    expect(map.period).toEqual({ from: "2026-04-30T15:00:00.000Z", to: "2026-05-01T15:00:00.000Z" });
  });

  it("an analysis counts the events of that day only, and its customers agree", async () => {
    const funnel = async (day: string) =>
      expectOk(
        await server.api<{ period: { from: string; to: string }; steps: Array<{ count: number }> }>(
          "/api/insights/funnel",
          {
            body: { steps: [{ event: "Product Viewed" }, { event: "Order Completed" }], from: day, to: day },
          },
        ),
      );
    const first = await funnel("2026-05-01");
    expect(first.period).toEqual({ from: "2026-04-30T15:00:00.000Z", to: "2026-05-01T15:00:00.000Z" });
    expect(first.steps.map((s) => s.count)).toEqual([1, 1]);
    const second = await funnel("2026-05-02");
    expect(second.steps.map((s) => s.count)).toEqual([1, 1]);
    const both = expectOk(
      await server.api<{ steps: Array<{ count: number }> }>("/api/insights/funnel", {
        body: {
          steps: [{ event: "Product Viewed" }, { event: "Order Completed" }],
          from: "2026-05-01",
          to: "2026-05-02",
        },
      }),
    );
    expect(both.steps.map((s) => s.count)).toEqual([2, 2]);
    const customers = expectOk(
      await server.api<{ total: number }>("/api/insights/funnel/customers", {
        body: {
          request: {
            steps: [{ event: "Product Viewed" }, { event: "Order Completed" }],
            from: "2026-05-02",
            to: "2026-05-02",
          },
          cell: { step: 1, kind: "reached" },
        },
      }),
    );
    expect(customers.total).toBe(1);
  });

  it("a bad day is a 400 that says which bound", async () => {
    const e = expectError(
      await server.api("/api/insights/funnel", {
        body: {
          steps: [{ event: "Product Viewed" }, { event: "Order Completed" }],
          from: "2026-05-01",
          to: "2026-04-31",
        },
      }),
      400,
      "invalid_request",
    );
    // The schema's date format knows the calendar: the message names the bound.
    expect(e.message).toMatch(/body\/to must match format "date"/);
    expectError(
      await server.api(`/api/frictions${qs({ from: "2026-05-02", to: "2026-05-01" })}`),
      400,
      "invalid_request",
    );
  });
});

describe("the CLI's --from and --to", () => {
  it("take dates as whole days (UTC by default)", async () => {
    const dir = tempDir("period-cli");
    const r = await runCliJson<{ period: { from: string; to: string } }>(dir, [
      "--db",
      `${dir}/itinera.duckdb`,
      "funnel",
      "--steps",
      "Product Viewed,Order Completed",
      "--from",
      "2026-05-01",
      "--to",
      "2026-05-31",
    ]);
    expect(r.period).toEqual({ from: "2026-05-01T00:00:00.000Z", to: "2026-06-01T00:00:00.000Z" });
  });
});
