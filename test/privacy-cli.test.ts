// A person's rights from the CLI: export and delete on the database file (recorded as the CLI user in the
// audit trail), and through a running server's API.
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, runCli, spawnServer } from "./helpers/cli.js";
import { count, filesContaining, idsOf, person, seed, send } from "./helpers/privacy.js";
import { basicAuth, startTestServer, tempDir, uid } from "./helpers/server.js";

describe("CLI on the database file", () => {
  beforeAll(() => ensureBuilt(), 300_000);

  it("exports and deletes a customer, and records the CLI user in the audit trail", async () => {
    const dir = tempDir("privacy-cli");
    const dbPath = path.join(dir, "itinera.duckdb");
    const a = person("cli");
    const b = person("other");
    let server = await startTestServer({ databasePath: dbPath, config: { journeyRefreshSeconds: 0 } });
    let canonical: number;
    try {
      await seed(server, a, "Cleo Cli", 8);
      await seed(server, b, "Otto Other", 4);
      canonical = (await idsOf(server, a)).canonical;
    } finally {
      await server.close();
    }
    const env = { ITINERA_DATABASE: dbPath };
    const out = path.join(dir, "export.jsonl");
    const exported = await runCli(
      dir,
      ["--json", "customer", "export", String(canonical), "--jsonl", "--out", out],
      env,
    );
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.stdout).counts.event).toBe(11);
    const lines = fs
      .readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { record: string });
    expect(lines.filter((l) => l.record === "event").length).toBe(11);

    const doc = await runCli(dir, ["customer", "export", String(canonical)], env);
    expect(doc.code).toBe(0);
    expect(JSON.parse(doc.stdout).records.event.length).toBe(11);

    const refused = await runCli(dir, ["customer", "delete", String(canonical)], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--yes");

    const deleted = await runCli(dir, ["--json", "customer", "delete", String(canonical), "--yes"], env);
    expect(deleted.code).toBe(0);
    expect(JSON.parse(deleted.stdout).tables.events).toBe(11);
    expect((await runCli(dir, ["customer", "export", String(canonical)], env)).code).toBe(3);
    const help = await runCli(dir, ["customer", "delete", "--help"], env);
    expect(help.stdout).toContain("--yes");

    const tombstones = await runCli(dir, ["--json", "privacy", "tombstones"], env);
    expect(JSON.parse(tombstones.stdout).tombstones.length).toBe(1);

    server = await startTestServer({ databasePath: dbPath, config: { journeyRefreshSeconds: 0 } });
    try {
      const audit = await server.query(
        "SELECT actor_kind, action FROM audit_log WHERE action LIKE 'customer.%' ORDER BY id",
      );
      expect(audit.map((x) => `${x.actor_kind} ${x.action}`)).toEqual([
        "cli customer.export",
        "cli customer.export",
        "cli customer.delete",
      ]);
      expect(await count(server, "SELECT count(*) AS n FROM events WHERE user_id = $1", [b.userId])).toBe(6);
      const [again] = await send(server, null, [{ type: "track", event: "x", userId: a.userId }]);
      expect(again!.suppressed).toBe(1);
    } finally {
      await server.close();
    }
    expect(filesContaining(dir, a.email).filter((f) => f !== "export.jsonl")).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it("export (streamed JSONL) and delete go through a running server's API", async () => {
    const dir = tempDir("privacy-cli-server");
    const dbPath = path.join(dir, "itinera.duckdb");
    const key = "wk_privacy_cli_0001";
    const server = await spawnServer({ dir, dbPath, writeKey: key });
    try {
      const userId = uid("served");
      const batch = Array.from({ length: 7 }, (_, i) => ({
        type: "track",
        messageId: uid("m"),
        userId,
        event: `Step ${i}`,
        context: { traits: { email: `${userId}@privacy.example` } },
      }));
      const res = await fetch(`${server.url}/v1/batch`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: basicAuth(key) },
        body: JSON.stringify({ batch }),
      });
      expect(res.status).toBe(200);
      const found = await runCli(dir, ["--json", "--db", dbPath, "customers", "search", userId]);
      const id = String(JSON.parse(found.stdout).customers[0].id);
      const out = path.join(dir, "served.jsonl");
      const exported = await runCli(dir, [
        "--json",
        "--db",
        dbPath,
        "customer",
        "export",
        id,
        "--jsonl",
        "--out",
        out,
      ]);
      expect(exported.code).toBe(0);
      expect(JSON.parse(exported.stdout).counts.event).toBe(7);
      const lines = fs.readFileSync(out, "utf8").trim().split("\n");
      expect(lines.filter((l) => (JSON.parse(l) as { record: string }).record === "event").length).toBe(7);
      const deleted = await runCli(dir, ["--json", "--db", dbPath, "customer", "delete", id, "--yes"]);
      expect(deleted.code).toBe(0);
      expect(JSON.parse(deleted.stdout).tables.events).toBe(7);
      const again = await fetch(`${server.url}/v1/track`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: basicAuth(key) },
        body: JSON.stringify({ messageId: uid("m"), userId, event: "Back" }),
      });
      expect(((await again.json()) as { suppressed: number }).suppressed).toBe(1);
      const list = await runCli(dir, ["--json", "--db", dbPath, "privacy", "tombstones"]);
      expect(JSON.parse(list.stdout)).toMatchObject({ suppressed: 1 });
      // The erased customer had the highest id; a new customer does not get it again.
      const newcomer = uid("newcomer");
      await fetch(`${server.url}/v1/track`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: basicAuth(key) },
        body: JSON.stringify({ messageId: uid("m"), userId: newcomer, event: "Hello" }),
      });
      const next = await runCli(dir, ["--json", "--db", dbPath, "customers", "search", newcomer]);
      expect(JSON.parse(next.stdout).customers[0].id).toBe(Number(id) + 1);
    } finally {
      await server.stop();
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});
