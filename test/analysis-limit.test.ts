// An analysis stops when nobody will read its answer (the HTTP client went away) and when it runs past
// analysisTimeoutMs (503 analysis_timeout): its running DuckDB query is interrupted, and the analysis
// cannot start another query on the way out. The pooled connection stays usable afterwards.
import { EventEmitter } from "node:events";
import fs from "node:fs";
import path from "node:path";
import type { FastifyReply } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { limitAnalysis } from "../src/server/routes/analysis-limit.js";
import { all, openStore, type Store, stoppableBy } from "../src/store/database.js";
import { expectError } from "./helpers/journey.js";
import { startTestServer, type TestServer, tempDir } from "./helpers/server.js";

// Minutes of work for DuckDB: only an interrupt ends it within the test's time.
const ENDLESS = "SELECT count(*) AS n FROM range(100000000000) t(i) WHERE i % 7 = 3";

describe("on the store", () => {
  let dir: string;
  let store: Store;
  beforeAll(async () => {
    dir = tempDir("analysis-limit");
    const opened = await openStore(path.join(dir, "x.duckdb"), { readers: 1 });
    if (!opened.ok) throw new Error(opened.error);
    store = opened.value;
  });
  afterAll(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("interrupts the running query when the signal aborts, with the signal's reason", async () => {
    const controller = new AbortController();
    const reason = new Error("time is up");
    const t0 = performance.now();
    const read = stoppableBy(controller.signal, () => store.read((c) => all(c, ENDLESS)));
    setTimeout(() => controller.abort(reason), 200);
    await expect(read).rejects.toBe(reason);
    expect(performance.now() - t0).toBeLessThan(10_000);
    // The same (only) connection answers the next read.
    expect(await store.read((c) => all(c, "SELECT 42 AS n"))).toEqual([{ n: 42 }]);
  });

  it("refuses the analysis's next query once stopped between two queries", async () => {
    const controller = new AbortController();
    const ran: string[] = [];
    const read = stoppableBy(controller.signal, () =>
      store.read(async (c) => {
        await all(c, "SELECT 1");
        ran.push("first");
        controller.abort(new Error("client gone"));
        await all(c, "SELECT 2");
        ran.push("second");
      }),
    );
    await expect(read).rejects.toThrow("client gone");
    expect(ran).toEqual(["first"]);
  });

  it("leaves reads outside a signal alone", async () => {
    expect(await store.read((c) => all(c, "SELECT 7 AS n"))).toEqual([{ n: 7 }]);
  });

  it("stops the analysis when the HTTP client goes away (499, not an error of the server)", async () => {
    const raw = Object.assign(new EventEmitter(), { writableEnded: false });
    const reply = { raw } as unknown as FastifyReply;
    const run = limitAnalysis({ analysisTimeoutMs: 0 }, reply, () => store.read((c) => all(c, ENDLESS)));
    setTimeout(() => raw.emit("close"), 200);
    await expect(run).rejects.toMatchObject({ status: 499, code: "client_closed_request" });
    expect(raw.listenerCount("close")).toBe(0);
  });

  it("stops the analysis past its time limit with 503 analysis_timeout", async () => {
    const raw = Object.assign(new EventEmitter(), { writableEnded: false });
    const reply = { raw } as unknown as FastifyReply;
    const t0 = performance.now();
    const run = limitAnalysis({ analysisTimeoutMs: 300 }, reply, () => store.read((c) => all(c, ENDLESS)));
    await expect(run).rejects.toMatchObject({ status: 503, code: "analysis_timeout" });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
  });
});

describe("on a real server", () => {
  let server: TestServer;
  beforeAll(async () => {
    // 1 ms: any analysis, even on an empty store, takes longer (it refreshes and reads definitions first).
    server = await startTestServer({ config: { analysisTimeoutMs: 1 } });
  });
  afterAll(async () => {
    await server.close();
  });

  it("answers an analysis past analysisTimeoutMs with the 503 envelope", async () => {
    const res = await server.api("/api/insights/funnel", {
      method: "POST",
      body: { steps: [{ event: "Product Viewed" }, { event: "Order Completed" }] },
    });
    const e = expectError(res, 503, "analysis_timeout");
    expect(e.message).toMatch(/analysisTimeoutMs/);
    const map = await server.api("/api/journey-map");
    expectError(map, 503, "analysis_timeout");
  });

  it("still answers what is not an analysis", async () => {
    const res = await server.api("/api/journey-model");
    expect(res.status).toBe(200);
  });
});
