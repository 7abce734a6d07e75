// Every analysis narrows to a persona (issue 15, filters): funnels, paths, retention, time to convert and
// the friction finder take `persona` (an id, or `unassigned`). The personas split the customers, so the numbers of all
// personas and of the unassigned add up to everyone's; a persona's numbers are its customers' (checked
// against SQL over the store); an unknown persona is a 404; the CLI passes --persona on.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FrictionCustomers, FrictionList } from "../src/analytics/frictions/schema.js";
import type { FunnelResult } from "../src/analytics/funnel.js";
import type { PathsResult } from "../src/analytics/paths.js";
import type { RetentionResult } from "../src/analytics/retention.js";
import type { TimeToConvertResult } from "../src/analytics/time-to-convert.js";
import { loadDemoWorld } from "../src/demo/load.js";
import { ensureBuilt, runCliJson } from "./helpers/cli.js";
import { ManualClock } from "./helpers/clock.js";
import { expectError, expectOk, refresh } from "./helpers/journey.js";
import { startTestServer, type TestServer } from "./helpers/server.js";

const WORLD = { customers: 600, days: 45, seed: 3, end: new Date("2026-06-01T00:00:00.000Z") };
const TIM = "tech-savvy-tim";
const PERIOD = { from: "2026-04-17T00:00:00.000Z", to: "2026-06-01T00:00:00.000Z" };
const VIEW = { event: "Product Viewed" };
const ORDER = { event: "Order Completed" };

let server: TestServer;
let personas: string[];

beforeAll(async () => {
  server = await startTestServer({
    config: { journeyRefreshSeconds: 0 },
    clock: new ManualClock(Date.parse("2026-06-02T00:00:00.000Z")),
  });
  await loadDemoWorld(server.running.ctx, WORLD);
  await refresh(server);
  const list = (await server.api<{ items: Array<{ id: string }> }>("/api/personas")).body.items;
  personas = [...list.map((p) => p.id), "unassigned"];
}, 120_000);
afterAll(() => server?.close());

async function insight<T>(kind: string, body: Record<string, unknown>): Promise<T> {
  return expectOk(await server.api<T>(`/api/insights/${kind}`, { body }));
}

/** `count` of everyone, and of each persona and the unassigned. */
async function split<T>(kind: string, body: Record<string, unknown>, count: (r: T) => number) {
  const everyone = count(await insight<T>(kind, body));
  const parts: number[] = [];
  for (const persona of personas) parts.push(count(await insight<T>(kind, { ...body, persona })));
  return { everyone, parts };
}

describe("analyses of a persona", () => {
  it("funnel: the personas' counts add up to everyone's at every step, and Tim's are his customers'", async () => {
    const body = { steps: [VIEW, ORDER], window: "7d", ...PERIOD };
    for (const step of [0, 1]) {
      const { everyone, parts } = await split<FunnelResult>("funnel", body, (r) => r.steps[step]!.count);
      expect(everyone).toBeGreaterThan(0);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(everyone);
      expect(parts.filter((n) => n > 0).length).toBeGreaterThan(1);
    }
    const tim = await insight<FunnelResult>("funnel", { ...body, persona: TIM });
    const [own] = await server.query(
      `SELECT count(DISTINCT c.canonical_id)::INTEGER AS n
         FROM events e JOIN identities i ON i.id = e.identity_id JOIN customers c ON c.id = i.customer_id
         JOIN customer_facts f ON f.customer_id = c.canonical_id
        WHERE f.persona = $1 AND e.type = 'track' AND e.event = 'Product Viewed'
          AND e.timestamp >= $2::TIMESTAMP AND e.timestamp < $3::TIMESTAMP`,
      [TIM, PERIOD.from, PERIOD.to],
    );
    expect(tim.steps[0]!.count).toBe(own!.n);
  });

  it("retention: cohort sizes add up to everyone's", async () => {
    const body = { start: VIEW, return: ORDER, period: "week", periods: 4 };
    const size = (r: RetentionResult) => r.cohorts.reduce((n, c) => n + c.size, 0);
    const { everyone, parts } = await split<RetentionResult>("retention", body, size);
    expect(everyone).toBeGreaterThan(0);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(everyone);
  });

  it("time to convert: entered and converted customers add up to everyone's", async () => {
    const body = { start: VIEW, end: ORDER, ...PERIOD };
    for (const count of [(r: TimeToConvertResult) => r.entered, (r: TimeToConvertResult) => r.converted]) {
      const { everyone, parts } = await split<TimeToConvertResult>("time-to-convert", body, count);
      expect(everyone).toBeGreaterThan(0);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(everyone);
    }
  });

  it("paths: start nodes and customers add up to everyone's", async () => {
    const body = { start: VIEW, steps: 3, ...PERIOD };
    for (const count of [(r: PathsResult) => r.totals.paths, (r: PathsResult) => r.totals.customers]) {
      const { everyone, parts } = await split<PathsResult>("paths", body, count);
      expect(everyone).toBeGreaterThan(0);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(everyone);
    }
  });

  it("friction finder: every friction of Tim's is his customers', as many as it says", async () => {
    const tim = expectOk(await server.api<FrictionList>(`/api/frictions?persona=${TIM}`));
    expect(tim.frictions.length).toBeGreaterThan(0);
    for (const f of tim.frictions) {
      const page = expectOk(
        await server.api<FrictionCustomers>(
          `/api/frictions/${encodeURIComponent(f.id)}/customers?persona=${TIM}&limit=1000`,
        ),
      );
      expect(page.total).toBe(f.customers);
      expect(page.customers.length).toBe(f.customers);
      expect(new Set(page.customers.map((c) => c.persona))).toEqual(new Set([TIM]));
    }
    expectError(await server.api("/api/frictions?persona=nobody"), 404, "not_found");
  });

  it("stage: each analysis counts the customers now in the stage, as SQL over customer_facts says", async () => {
    const model = (await server.api<{ stages: Array<{ key: string }> }>("/api/journey-model")).body;
    const stageOf = new Map(
      (await server.query("SELECT customer_id, stage FROM customer_facts")).map((r) => [
        Number(r.customer_id),
        Number(r.stage ?? 0),
      ]),
    );
    /** The customers behind a cell of everyone's result that sit in stage k (1-based position). */
    const inStage = async (kind: string, request: object, cell: object, k: number) => {
      const page = expectOk(
        await server.api<{ customers: Array<{ id: number }> }>(`/api/insights/${kind}/customers`, {
          body: { request, cell, limit: 1000 },
        }),
      );
      return page.customers.filter((c) => stageOf.get(c.id) === k).length;
    };
    const cases: Array<[string, Record<string, unknown>, object, (r: never) => number]> = [
      [
        "funnel",
        { steps: [VIEW, ORDER], ...PERIOD },
        { step: 1, kind: "reached" },
        (r: FunnelResult) => r.steps[0]!.count,
      ],
      [
        "time-to-convert",
        { start: VIEW, end: ORDER, ...PERIOD },
        { outcome: "entered" },
        (r: TimeToConvertResult) => r.entered,
      ],
      ["paths", { start: VIEW, steps: 3, ...PERIOD }, {}, (r: PathsResult) => r.totals.customers],
    ];
    let nonEmpty = 0;
    for (const [k, { key }] of model.stages.entries()) {
      for (const [kind, body, cell, count] of cases) {
        const want = await inStage(kind, body, cell, k + 1);
        expect(count((await insight(kind, { ...body, stage: key })) as never), `${kind} in ${key}`).toBe(
          want,
        );
        if (want > 0) nonEmpty++;
      }
      // Persona and stage together: the customers of both.
      const both = await insight<FunnelResult>("funnel", {
        steps: [VIEW, ORDER],
        ...PERIOD,
        persona: TIM,
        stage: key,
      });
      const [own] = await server.query(
        `SELECT count(DISTINCT c.canonical_id)::INTEGER AS n
           FROM events e JOIN identities i ON i.id = e.identity_id JOIN customers c ON c.id = i.customer_id
           JOIN customer_facts f ON f.customer_id = c.canonical_id
          WHERE f.persona = $1 AND f.stage = $2 AND e.type = 'track' AND e.event = 'Product Viewed'
            AND e.timestamp >= $3::TIMESTAMP AND e.timestamp < $4::TIMESTAMP`,
        [TIM, k + 1, PERIOD.from, PERIOD.to],
      );
      expect(both.steps[0]!.count, `Tim in ${key}`).toBe(own!.n);
    }
    expect(nonEmpty).toBeGreaterThan(3);
    const key = model.stages.at(-1)!.key;
    const frictions = expectOk(await server.api<FrictionList>(`/api/frictions?stage=${key}`));
    for (const f of frictions.frictions) {
      const page = expectOk(
        await server.api<FrictionCustomers>(
          `/api/frictions/${encodeURIComponent(f.id)}/customers?stage=${key}&limit=1000`,
        ),
      );
      expect(page.total).toBe(f.customers);
      expect(new Set(page.customers.map((c) => c.stage))).toEqual(new Set([key]));
    }
    for (const kind of ["funnel", "paths"]) {
      const body = kind === "funnel" ? { steps: [VIEW, ORDER] } : { start: VIEW };
      const res = await server.api(`/api/insights/${kind}`, { body: { ...body, stage: "nowhere" } });
      expect(expectError(res, 404, "not_found").message).toContain('no stage "nowhere"');
    }
  }, 240_000);

  it("refuses an unknown persona with 404 in every analysis", async () => {
    const bodies: Array<[string, Record<string, unknown>]> = [
      ["funnel", { steps: [VIEW, ORDER] }],
      ["retention", { start: VIEW, return: ORDER }],
      ["time-to-convert", { start: VIEW, end: ORDER }],
      ["paths", { start: VIEW }],
    ];
    for (const [kind, body] of bodies) {
      const res = await server.api(`/api/insights/${kind}`, { body: { ...body, persona: "nobody" } });
      expect(expectError(res, 404, "not_found").message).toContain('no persona "nobody"');
    }
  });

  it("takes --persona in the CLI, which talks to the running server", async () => {
    await ensureBuilt();
    const tim = await insight<FunnelResult>("funnel", {
      steps: [VIEW, ORDER],
      persona: TIM,
      ...PERIOD,
    });
    const viaCli = await runCliJson<FunnelResult>(server.dir, [
      "--db",
      server.dbPath,
      "funnel",
      "--steps",
      "Product Viewed,Order Completed",
      "--persona",
      TIM,
      "--from",
      PERIOD.from,
      "--to",
      PERIOD.to,
    ]);
    expect(viaCli.steps.map((s) => s.count)).toEqual(tim.steps.map((s) => s.count));
  });
});
