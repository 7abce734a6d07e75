// A run's scratchpad (src/store/scratchpad.ts) is the only place an analysis hands tables from step to
// step: two runs at once never see each other's tables, and a run leaves nothing on its pooled
// connection however it ends — with an answer, a problem found after its tables were built, an error,
// or stopped by its route's signal.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFrictions } from "../src/analytics/frictions/frictions.js";
import { runFunnel } from "../src/analytics/funnel.js";
import { insightCustomers } from "../src/analytics/insight.js";
import { runPaths } from "../src/analytics/paths.js";
import { runRetention } from "../src/analytics/retention.js";
import { timeToConvertInsight } from "../src/analytics/time-to-convert.js";
import { buildJourneyMap } from "../src/journey/map/map.js";
import { JourneyRefresher } from "../src/journey/refresh.js";
import { all, openStore, type Store, stoppableBy } from "../src/store/database.js";
import { withScratchpad } from "../src/store/scratchpad.js";
import { tempDir } from "./helpers/server.js";

// Minutes of work for DuckDB: only an interrupt ends it within the test's time.
const ENDLESS = "SELECT count(*) AS n FROM range(100000000000) t(i) WHERE i % 7 = 3";

/**
 * What a run could leave behind: attached scratchpads, and tables or views in the session's temp catalog
 * (but the journey refresh's jr_* staging tables: src/journey/refresh.ts keeps them, and it is no analysis).
 */
const leftovers = (store: Store) =>
  store.read(async (conn) => [
    ...(await all(
      conn,
      "SELECT database_name AS name FROM duckdb_databases() WHERE database_name LIKE 'scratch%'",
    )),
    ...(await all(
      conn,
      "SELECT table_name AS name FROM duckdb_tables() WHERE temporary AND NOT starts_with(table_name, 'jr_')",
    )),
    ...(await all(
      conn,
      "SELECT view_name AS name FROM duckdb_views() WHERE temporary AND NOT internal AND NOT starts_with(view_name, 'jr_')",
    )),
  ]);

describe("a run's scratchpad", () => {
  let dir: string;
  let store: Store;
  let pair: Store;
  beforeAll(async () => {
    dir = tempDir("scratchpad");
    // One reader: every run below uses the same pooled connection, which must come back clean.
    const opened = await openStore(path.join(dir, "one.duckdb"), { readers: 1 });
    if (!opened.ok) throw new Error(opened.error);
    store = opened.value;
    const two = await openStore(path.join(dir, "two.duckdb"), { readers: 2 });
    if (!two.ok) throw new Error(two.error);
    pair = two.value;
  });
  afterAll(async () => {
    await store.close();
    await pair.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("gives two runs at once, on two connections, tables of the same name that do not collide", async () => {
    let bothIn: () => void = () => {};
    const together = new Promise<void>((r) => {
      let n = 0;
      bothIn = () => {
        if (++n === 2) r();
      };
    });
    const run = (value: number) =>
      pair.read((conn) =>
        withScratchpad(conn, async (scratch) => {
          await conn.run(`CREATE TABLE ${scratch.table("best")} AS SELECT ${value} AS v`);
          bothIn();
          await together;
          return all(conn, `SELECT v FROM ${scratch.table("best")}`);
        }),
      );
    expect(await Promise.all([run(1), run(2)])).toEqual([[{ v: 1 }], [{ v: 2 }]]);
    expect(await leftovers(pair)).toEqual([]);
  });

  it("is dropped after a run that throws, and the error is the run's", async () => {
    const failed = store.read((conn) =>
      withScratchpad(conn, async (scratch) => {
        await conn.run(`CREATE TABLE ${scratch.table("rows")} AS SELECT 1 AS v`);
        throw new Error("a bug in the analysis");
      }),
    );
    await expect(failed).rejects.toThrow("a bug in the analysis");
    expect(await leftovers(store)).toEqual([]);
  });

  it("is dropped after a run stopped by its signal mid-query, and the connection answers the next read", async () => {
    const controller = new AbortController();
    const reason = new Error("the client went away");
    const stopped = stoppableBy(controller.signal, () =>
      store.read((conn) =>
        withScratchpad(conn, async (scratch) => {
          await conn.run(`CREATE TABLE ${scratch.table("rows")} AS SELECT 1 AS v`);
          setTimeout(() => controller.abort(reason), 100);
          return all(conn, ENDLESS);
        }),
      ),
    );
    await expect(stopped).rejects.toBe(reason);
    expect(await leftovers(store)).toEqual([]);
    expect(await store.read((c) => all(c, "SELECT 42 AS n"))).toEqual([{ n: 42 }]);
  });

  it("refuses a table name that is not a plain word", async () => {
    await expect(
      store.read((conn) => withScratchpad(conn, async (scratch) => scratch.table("x; DROP TABLE events"))),
    ).rejects.toThrow("not a plain lower-case word");
    expect(await leftovers(store)).toEqual([]);
  });

  it("leaves nothing behind the analyses, the friction finder and the journey map", async () => {
    const refresher = new JourneyRefresher(store);
    const steps = [{ event: "Product Viewed" }, { event: "Order Completed" }];
    const funnel = await runFunnel(store, refresher, {
      steps,
      exclusions: [{ event: "Refund", between: [0, 1] }],
    });
    expect(funnel.ok).toBe(true);
    const paths = await runPaths(store, refresher, { start: steps[0], goal: steps[1] });
    expect(paths.ok).toBe(true);
    const retention = await runRetention(store, refresher, { start: steps[0]!, return: steps[1]! });
    expect(retention.ok).toBe(true);
    expect((await findFrictions(store, refresher, {})).ok).toBe(true);
    expect((await buildJourneyMap(store, refresher, {})).ok).toBe(true);
    // A problem found after the tables were built: the histogram has no bin 99.
    const customers = await insightCustomers(store, refresher, timeToConvertInsight, {
      request: { start: steps[0]!, end: steps[1]! },
      cell: { bin: 99 },
    });
    expect(customers.ok ? "ok" : customers.error.message).toMatch(/the histogram has \d+ bins/);
    expect(await leftovers(store)).toEqual([]);
  });
});
