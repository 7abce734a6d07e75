// The first-run path of `npm start`: a new database gets the demo world through the import path,
// with its manifest beside the file, and customers can be found at once.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, killAll, type ServerProcess, spawnServer } from "./helpers/cli.js";
import { tempDir } from "./helpers/server.js";

describe("first run", () => {
  let dir: string;
  let server: ServerProcess;
  const api = async <T>(route: string): Promise<T> => {
    const res = await fetch(server.url + route, {
      headers: { authorization: `Bearer ${server.firstRun!.apiToken}` },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    await ensureBuilt();
    dir = tempDir("first-run");
    server = await spawnServer({
      dir,
      dbPath: path.join(dir, "itinera.duckdb"),
      demo: true,
      timeoutMs: 120_000,
    });
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    await killAll();
  });

  it("prints the secrets once and loads the demo world with its manifest", async () => {
    expect(server.firstRun?.apiToken).toMatch(/^itk_/);
    expect(server.firstRun?.writeKey).toMatch(/^wk_/);
    const stats = await api<{ events: number; customers: number; channels: Record<string, number> }>(
      "/api/stats",
    );
    expect(stats.events).toBeGreaterThan(50_000);
    expect(stats.customers).toBeGreaterThan(1000);
    for (const ch of ["web", "app", "email", "sms", "phone", "chat", "social", "store", "ads"]) {
      expect(stats.channels[ch], ch).toBeGreaterThan(0);
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "itinera.demo-manifest.json"), "utf8")) as {
      problems: Array<{ id: string }>;
    };
    expect(manifest.problems.length).toBeGreaterThanOrEqual(5);
  });

  it("finds a demo customer by an identifier from the ground truth and shows their timeline", async () => {
    const truth = fs
      .readFileSync(path.join(dir, "itinera.demo-customers.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    // Not every person reveals an email (some only browse or buy in store); most do.
    const people = truth.filter((p) => typeof p.email === "string" && !p.junk_email).slice(0, 20);
    const found: number[] = [];
    for (const p of people) {
      const res = await api<{ customers: Array<{ id: number }> }>(
        `/api/customers?q=${encodeURIComponent(String(p.email))}`,
      );
      expect(res.customers.length, String(p.email)).toBeLessThanOrEqual(1);
      if (res.customers[0]) found.push(res.customers[0].id);
    }
    expect(found.length).toBeGreaterThanOrEqual(10);
    const page = await api<{ events: unknown[] }>(`/api/customers/${found[0]}/timeline?limit=5`);
    expect(page.events.length).toBeGreaterThan(0);
  });
});
