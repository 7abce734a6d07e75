// A Parquet file of Segment messages (a warehouse export, or the demo world written as Parquet) imports
// as messages, exactly like the same messages as JSONL: same events, same customers, nothing rejected.
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, runCliJson } from "./helpers/cli.js";
import { tempDir } from "./helpers/server.js";

interface Stats {
  events: number;
  customers: number;
  channels: Record<string, number>;
  types: Record<string, number>;
}

describe("importing Segment-shaped Parquet", () => {
  beforeAll(async () => {
    await ensureBuilt();
  }, 120_000);

  it("stores the same world from Parquet as from JSONL", async () => {
    const dir = tempDir("import-messages");
    const stats: Stats[] = [];
    for (const format of ["parquet", "jsonl"] as const) {
      const out = path.join(dir, format);
      const world = [
        "demo",
        "generate",
        "--customers",
        "40",
        "--days",
        "10",
        "--seed",
        "5",
        "--end",
        "2026-11-01",
      ];
      await runCliJson(dir, [...world, "--out", out, "--format", format]);
      const db = path.join(dir, `${format}.duckdb`);
      const imported = await runCliJson<{ rejected: number; imported: number }>(dir, [
        "--db",
        db,
        "import",
        path.join(out, `events.${format}`),
      ]);
      expect(imported.rejected, format).toBe(0);
      expect(imported.imported, format).toBeGreaterThan(100);
      stats.push(await runCliJson<Stats>(dir, ["--db", db, "stats"]));
    }
    const [parquet, jsonl] = stats as [Stats, Stats];
    expect(parquet.events).toBe(jsonl.events);
    expect(parquet.customers).toBe(jsonl.customers);
    expect(parquet.channels).toEqual(jsonl.channels);
    expect(parquet.types).toEqual(jsonl.types);
  });
});
