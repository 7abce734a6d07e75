// The demo world split into shards (threads) is the same world: the bytes of the events, the manifest
// and the ground truth do not depend on the number of shards, and the files a pipelined load imports
// one by one are the single file cut at day boundaries, handed over in order, one at a time; a world
// imported in many files is the world imported in one.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { beforeAll, describe, expect, it } from "vitest";
import { generateFiles } from "../src/demo/world/files.js";
import type { WorldOptions } from "../src/demo/world/world.js";
import { ensureBuilt, runCliJson } from "./helpers/cli.js";
import { tempDir } from "./helpers/server.js";

const options: WorldOptions = { customers: 700, days: 21, seed: 5, end: new Date("2026-06-01T00:00:00Z") };
const sha256 = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");
const hashes = (dir: string) =>
  ["events.jsonl", "manifest.json", "customers.jsonl"].map((f) => sha256(path.join(dir, f)));

describe("demo world shards", () => {
  it("gives the same bytes with 1, 2 and 3 shards", async () => {
    const root = tempDir("demo-shards");
    const runs: string[][] = [];
    for (const workers of [1, 2, 3]) {
      const dir = path.join(root, `w${workers}`);
      fs.mkdirSync(dir);
      const g = await generateFiles(options, dir, "events.jsonl", "events.jsonl", { workers });
      expect(g.count).toBeGreaterThan(10_000);
      expect(g.bytes).toBe(fs.statSync(path.join(dir, "events.jsonl")).size);
      runs.push(hashes(dir));
    }
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
  }, 120_000);

  it("cuts the world into files at day boundaries, handed over in order and one at a time", async () => {
    const root = tempDir("demo-split");
    const whole = path.join(root, "whole");
    const split = path.join(root, "split");
    fs.mkdirSync(whole);
    fs.mkdirSync(split);
    await generateFiles(options, whole, "events.jsonl", "events.jsonl", { workers: 1 });
    const handed: Array<{ file: string; events: number; text: string }> = [];
    let running = 0;
    let overlapped = false;
    const g = await generateFiles(options, split, "events.jsonl", "events.jsonl", {
      workers: 2,
      splitEvents: 4000,
      onFile: async (file, events) => {
        overlapped ||= running > 0;
        running++;
        handed.push({ file, events, text: fs.readFileSync(file, "utf8") });
        await new Promise((r) => setTimeout(r, 5));
        running--;
      },
    });
    expect(overlapped).toBe(false);
    expect(handed.length).toBeGreaterThan(3);
    expect(handed.map((h) => path.basename(h.file))).toEqual(handed.map((_, i) => `events.${i + 1}.jsonl`));
    expect(handed.reduce((n, h) => n + h.events, 0)).toBe(g.count);
    expect(handed.map((h) => h.text).join("")).toBe(
      fs.readFileSync(path.join(whole, "events.jsonl"), "utf8"),
    );
    // Each file ends with a day's last message: the next file starts on a later day.
    const day = (line: string) => (JSON.parse(line) as { timestamp: string }).timestamp.slice(0, 10);
    for (let i = 1; i < handed.length; i++) {
      const last = handed[i - 1]!.text.trimEnd().split("\n").at(-1)!;
      const first = handed[i]!.text.split("\n", 1)[0]!;
      expect(day(first) > day(last)).toBe(true);
      expect(handed[i - 1]!.events).toBeGreaterThanOrEqual(4000);
    }
    expect(sha256(path.join(split, "manifest.json"))).toBe(sha256(path.join(whole, "manifest.json")));
  }, 120_000);

  describe("itinera demo generate --workers (worker threads)", () => {
    beforeAll(ensureBuilt, 300_000);

    it("writes the same bytes with one thread and with three", async () => {
      const root = tempDir("demo-threads");
      const args = (out: string, workers: number) => [
        "--json",
        "demo",
        "generate",
        "--customers",
        String(options.customers),
        "--days",
        String(options.days),
        "--seed",
        String(options.seed),
        "--end",
        "2026-06-01",
        "--out",
        out,
        "--workers",
        String(workers),
      ];
      const one = await runCliJson<{ count: number }>(root, args(path.join(root, "one"), 1));
      const three = await runCliJson<{ count: number }>(root, args(path.join(root, "three"), 3));
      expect(three.count).toBe(one.count);
      expect(hashes(path.join(root, "three"))).toEqual(hashes(path.join(root, "one")));
    }, 120_000);

    it("stores the same world whether it is imported in one file or in many", async () => {
      const root = tempDir("demo-chunks");
      const load = (db: string, chunkEvents: number) =>
        runCliJson<{ count: number; imported: { imported: number; rejected: number; duplicates: number } }>(
          root,
          [
            "--json",
            "demo",
            "generate",
            "--customers",
            "300",
            "--days",
            "14",
            "--seed",
            "4",
            "--end",
            "2026-06-01",
            "--into",
            path.join(root, db),
            "--chunk-events",
            String(chunkEvents),
          ],
        );
      const one = await load("one.duckdb", 1_000_000);
      const many = await load("many.duckdb", 1500);
      expect(many.count).toBe(one.count);
      expect(many.imported).toMatchObject({ imported: one.count, rejected: 0, duplicates: 0 });
      expect(one.imported).toMatchObject({ imported: one.count, rejected: 0, duplicates: 0 });
      // The files were only carriers: none is left beside the database, the manifest is.
      expect(fs.readdirSync(root).filter((f) => f.endsWith(".jsonl") && f.includes("rejects"))).toEqual([]);
      expect(fs.existsSync(path.join(root, "many.demo-manifest.json"))).toBe(true);
      const tally = async (db: string) => {
        const instance = await DuckDBInstance.create(path.join(root, db), { access_mode: "READ_ONLY" });
        const conn = await instance.connect();
        try {
          const reader = await conn.runAndReadAll(
            `SELECT (SELECT count(*) FROM events) AS events,
                    (SELECT count(DISTINCT message_id) FROM events) AS ids,
                    (SELECT count(DISTINCT c.canonical_id) FROM identities i JOIN customers c ON c.id = i.customer_id) AS customers`,
          );
          return reader.getRowObjectsJS()[0];
        } finally {
          conn.closeSync();
          instance.closeSync();
        }
      };
      const [a, b] = [await tally("one.duckdb"), await tally("many.duckdb")];
      expect(b).toEqual(a);
      expect(Number(a!.events)).toBe(one.count);
      expect(Number(a!.ids)).toBe(one.count);
    }, 180_000);
  });
});
