// Every number opens its customers (issue 15): for every analysis of the INSIGHTS table,
// POST /api/insights/{kind}/customers lists, for any cell of the result, a page whose total equals the
// number shown — paths' nodes, links, rows and goal; retention's cells; stage flow's links; time to
// convert's bins and outcomes; funnel steps, breakdown rows and over-time points. Lists are distinct
// customers, the pages add up to the total, some are checked against SQL over the store, bad cells get
// the error envelope, and the CLI lists the same page.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CustomerPage } from "../src/analytics/audience.js";
import type { FunnelResult } from "../src/analytics/funnel.js";
import type { PathsResult } from "../src/analytics/paths.js";
import type { RetentionResult } from "../src/analytics/retention.js";
import type { StageFlowResult } from "../src/analytics/stage-flow.js";
import type { TimeToConvertResult } from "../src/analytics/time-to-convert.js";
import { loadDemoWorld } from "../src/demo/load.js";
import { ensureBuilt, runCli, runCliJson } from "./helpers/cli.js";
import { ManualClock } from "./helpers/clock.js";
import { expectError, expectOk, refresh } from "./helpers/journey.js";
import { startTestServer, type TestServer, tempDir } from "./helpers/server.js";

const WORLD = { customers: 500, days: 45, seed: 11, end: new Date("2026-06-01T00:00:00.000Z") };
const PERIOD = { from: "2026-04-17T00:00:00.000Z", to: "2026-06-01T00:00:00.000Z" };
const VIEW = { event: "Product Viewed" };
const ADDED = { event: "Product Added" };
const ORDER = { event: "Order Completed" };

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    config: { journeyRefreshSeconds: 0 },
    clock: new ManualClock(Date.parse("2026-06-02T00:00:00.000Z")),
  });
  await loadDemoWorld(server.running.ctx, WORLD);
  await refresh(server);
}, 120_000);
afterAll(() => server?.close());

async function insight<T>(kind: string, request: object): Promise<T> {
  return expectOk(await server.api<T>(`/api/insights/${kind}`, { body: request }));
}

/** Every customer behind a cell, following pages of `size`; each page's total is the same. */
async function behind(
  kind: string,
  request: object,
  cell: object,
  size = 1000,
): Promise<{ total: number; ids: number[] }> {
  const ids: number[] = [];
  let total = -1;
  let after: number | undefined;
  for (let i = 0; i < 100; i++) {
    const page = expectOk(
      await server.api<CustomerPage>(`/api/insights/${kind}/customers`, {
        body: { request, cell, limit: size, ...(after === undefined ? {} : { after }) },
      }),
    );
    if (total >= 0) expect(page.total).toBe(total);
    total = page.total;
    ids.push(...page.customers.map((c) => c.id));
    if (page.next === null) break;
    after = page.next;
  }
  expect(new Set(ids).size, "distinct customers").toBe(ids.length);
  expect(ids, "ordered by id").toEqual([...ids].sort((a, b) => a - b));
  expect(ids.length, `${kind} ${JSON.stringify(cell)}: pages add up to the total`).toBe(total);
  return { total, ids };
}

/** At most `n` items spread over the list: enough cells to catch a wrong one without a slow test. */
const spread = <T>(xs: T[], n: number): T[] =>
  xs.length <= n ? xs : Array.from({ length: n }, (_, i) => xs[Math.floor((i * xs.length) / n)]!);

describe("the customers behind every number", () => {
  it("funnel: steps, breakdown rows and over-time points", { timeout: 240_000 }, async () => {
    const request = {
      steps: [VIEW, ADDED, ORDER],
      window: "7d",
      breakdown: { property: "context.os.name" },
      interval: "week",
      ...PERIOD,
    };
    const r = await insight<FunnelResult>("funnel", request);
    expect(r.steps[0]!.count).toBeGreaterThan(0);
    for (const [i, s] of r.steps.entries())
      expect((await behind("funnel", request, { step: i + 1, kind: "reached" }, 25)).total).toBe(s.count);
    expect((await behind("funnel", request, { step: 1, kind: "dropped" })).total).toBe(
      r.steps[0]!.count - r.steps[1]!.count,
    );
    expect(r.breakdown!.length).toBeGreaterThan(1);
    let entered = 0;
    for (const row of r.breakdown!) {
      const first = await behind("funnel", request, { step: 1, kind: "reached", breakdown: row.value });
      expect(first.total).toBe(row.steps[0]!.count);
      const last = await behind("funnel", request, { step: 3, kind: "reached", breakdown: row.value });
      expect(last.total).toBe(row.steps[2]!.count);
      entered += first.total;
    }
    expect(entered).toBe(r.steps[0]!.count);
    expect(r.overTime!.length).toBeGreaterThan(2);
    for (const point of r.overTime!) {
      expect((await behind("funnel", request, { step: 1, kind: "reached", period: point.start })).total).toBe(
        point.entered,
      );
      expect((await behind("funnel", request, { step: 3, kind: "reached", period: point.start })).total).toBe(
        point.converted,
      );
    }
  });

  it("paths: Sankey nodes and links, path rows, and the goal's", { timeout: 240_000 }, async () => {
    const request = { start: VIEW, steps: 3, goal: ORDER, ...PERIOD };
    const r = await insight<PathsResult>("paths", request);
    expect(r.totals.paths).toBeGreaterThan(0);
    expect((await behind("paths", request, {})).total).toBe(r.totals.customers);
    for (const n of spread(r.sankey.nodes, 8))
      expect((await behind("paths", request, { step: n.step, name: n.name })).total, n.id).toBe(n.customers);
    const byId = new Map(r.sankey.nodes.map((n) => [n.id, n]));
    for (const l of spread(r.sankey.links, 8)) {
      const s = byId.get(l.source)!;
      const t = byId.get(l.target)!;
      const cell = { step: s.step, name: s.name, next: t.name };
      expect((await behind("paths", request, cell)).total, `${l.source} > ${l.target}`).toBe(l.customers);
    }
    for (const p of spread(r.paths, 5))
      expect((await behind("paths", request, { path: p.path })).total, p.path.join(">")).toBe(p.customers);
    expect((await behind("paths", request, { goal: true })).total).toBe(r.goal!.customers);
    for (const p of spread(r.goal!.paths, 4))
      expect((await behind("paths", request, { goal: true, path: p.path })).total).toBe(p.customers);

    // Backwards too: a node's step counts back from the end.
    const before = { end: ORDER, steps: 2, ...PERIOD };
    const b = await insight<PathsResult>("paths", before);
    for (const n of spread(b.sankey.nodes, 6))
      expect((await behind("paths", before, { step: n.step, name: n.name })).total, n.id).toBe(n.customers);
  });

  it("retention: cells, and a cohort's customers are those SQL puts in it", {
    timeout: 180_000,
  }, async () => {
    const request = { start: VIEW, return: ORDER, period: "week", periods: 4, ...PERIOD };
    const r = await insight<RetentionResult>("retention", request);
    const cells = r.cohorts.flatMap((c) => c.values.map((v) => ({ cohort: c.start, ...v })));
    expect(cells.some((c) => c.period > 0 && c.customers > 0)).toBe(true);
    for (const c of spread(cells, 10))
      expect((await behind("retention", request, { cohort: c.cohort, period: c.period })).total).toBe(
        c.customers,
      );
    // First-time cohorts by SQL: customers whose first Product Viewed ever falls in the cohort's week.
    const first = r.cohorts.find((c) => c.size > 0)!;
    const rows = await server.query(
      `SELECT customer_id FROM (
         SELECT m0.canonical_id AS customer_id, min(e.timestamp) AS t FROM events e JOIN identities i ON i.id = e.identity_id JOIN customers m0 ON m0.id = i.customer_id
          WHERE e.type = 'track' AND e.event = 'Product Viewed' GROUP BY 1)
        WHERE date_trunc('week', t) = $1::TIMESTAMP AND t < $2::TIMESTAMP ORDER BY 1`,
      [first.start, PERIOD.to],
    );
    const { ids } = await behind("retention", request, { cohort: first.start, period: 0 });
    expect(ids).toEqual(rows.map((x) => Number(x.customer_id)));
  });

  it("stage flow: every link and everyone, checked against stage_transitions", {
    timeout: 180_000,
  }, async () => {
    const request = { ...PERIOD };
    const r = await insight<StageFlowResult>("stage-flow", request);
    expect(r.links.length).toBeGreaterThan(2);
    for (const l of r.links)
      expect(
        (await behind("stage-flow", request, { source: l.source, target: l.target })).total,
        `${l.source}>${l.target}`,
      ).toBe(l.customers);
    const all = await behind("stage-flow", request, {});
    expect(all.total).toBe(r.customers);
    const sql = await server.query(
      `SELECT DISTINCT customer_id FROM stage_transitions WHERE changed_at >= $1::TIMESTAMP AND changed_at < $2::TIMESTAMP ORDER BY 1`,
      [PERIOD.from, PERIOD.to],
    );
    expect(all.ids).toEqual(sql.map((x) => Number(x.customer_id)));
  });

  it("time to convert: every bin and every outcome", { timeout: 180_000 }, async () => {
    for (const request of [
      { start: ADDED, end: ORDER, window: "7d", ...PERIOD },
      { start: ADDED, end: ORDER, window: "7d", ...PERIOD, bins: 6 },
    ]) {
      const r = await insight<TimeToConvertResult>("time-to-convert", request);
      expect(r.converted).toBeGreaterThan(0);
      for (const [i, b] of r.histogram.entries())
        expect((await behind("time-to-convert", request, { bin: i })).total, b.label).toBe(b.customers);
      expect((await behind("time-to-convert", request, { outcome: "entered" })).total).toBe(r.entered);
      expect((await behind("time-to-convert", request, { outcome: "converted" })).total).toBe(r.converted);
      expect((await behind("time-to-convert", request, { outcome: "not_converted" })).total).toBe(
        r.notConverted,
      );
    }
  });

  it("refuses a cell the result has not, with the error envelope", async () => {
    const funnel = { steps: [VIEW, ORDER], ...PERIOD };
    const cases: Array<[string, object, object, string]> = [
      ["funnel", funnel, { step: 3, kind: "reached" }, "beyond"],
      ["funnel", funnel, { step: 2, kind: "dropped" }, "last"],
      ["funnel", funnel, { step: 1, kind: "reached", breakdown: "x" }, "no breakdown"],
      ["paths", { start: VIEW, ...PERIOD }, { step: 1 }, "step and name"],
      ["paths", { start: VIEW, ...PERIOD }, { goal: true }, "no goal"],
      [
        "retention",
        { start: VIEW, return: ORDER, ...PERIOD },
        { cohort: "1999-01-04T00:00:00.000Z", period: 0 },
        "no cohort",
      ],
      ["stage-flow", PERIOD, { source: "nowhere", target: "purchase" }, "no node"],
      ["time-to-convert", { start: VIEW, end: ORDER }, { bin: 99 }, "bins"],
      ["time-to-convert", { start: VIEW, end: ORDER }, {}, "exactly one"],
    ];
    for (const [kind, request, cell, words] of cases) {
      const res = await server.api(`/api/insights/${kind}/customers`, { body: { request, cell } });
      expectError(res, 400, "invalid_request");
      expect(JSON.stringify(res.body), `${kind} ${JSON.stringify(cell)}`).toContain(words);
    }
    // An unknown cell field is the schema's: 400 before anything runs.
    const extra = await server.api("/api/insights/funnel/customers", {
      body: { request: funnel, cell: { step: 1, kind: "reached", colour: "red" } },
    });
    expect(extra.status).toBe(400);
  });

  it("the CLI lists the same customers as the API", { timeout: 300_000 }, async () => {
    await ensureBuilt();
    const dir = tempDir("behind");
    const file = path.join(dir, "flow.json");
    fs.writeFileSync(file, JSON.stringify(PERIOD));
    const r = await insight<StageFlowResult>("stage-flow", PERIOD);
    const link = r.links.find((l) => l.customers > 1)!;
    const cell = JSON.stringify({ source: link.source, target: link.target });
    const args = ["customers", "behind", "stage-flow", "--file", file, "--cell", cell, "--limit", "1000"];
    const viaServer = await runCliJson<CustomerPage>(server.dir, ["--db", server.dbPath, ...args]);
    expect(viaServer.total).toBe(link.customers);
    expect(viaServer.customers.map((c) => c.id)).toEqual(
      (await behind("stage-flow", PERIOD, { source: link.source, target: link.target })).ids,
    );
    const bad = await runCli(server.dir, [
      "--db",
      server.dbPath,
      "customers",
      "behind",
      "nowhere",
      "--file",
      file,
      "--cell",
      "{}",
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("stage-flow");
  });
});
