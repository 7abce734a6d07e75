// The built `itinera` CLI: on the database file when no server runs, through the API when one does.
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, killAll, runCli, runCliJson, spawnServer } from "./helpers/cli.js";
import type { Profile } from "./helpers/customers.js";
import { type IngestReply, startTestServer, tempDir, uid } from "./helpers/server.js";

let dir: string;
let dbPath: string;
const email = "minji.kim@example.com";
const userId = "cli-user-1";
const phone = "010-2345-6789";

interface Stats {
  events: number;
  customers: number;
  channels: Record<string, number>;
  types: Record<string, number>;
}
type Shown = Profile & {
  timeline: { customerId: number; events: Array<{ messageId: string }>; nextCursor: string | null };
};

beforeAll(async () => {
  await ensureBuilt();
  dir = tempDir("cli");
  dbPath = path.join(dir, "shop.duckdb");
  // Fill the file through a real server, then stop it so the CLI finds the file free.
  const server = await startTestServer({ databasePath: dbPath });
  try {
    const res = await server.collect<IngestReply>("/v1/batch", {
      batch: [
        { type: "page", anonymousId: "cli-anon-1", name: "Home", timestamp: "2025-02-01T10:00:00.000Z" },
        {
          type: "identify",
          userId,
          anonymousId: "cli-anon-1",
          traits: { email, phone, name: "Minji Kim" },
          timestamp: "2025-02-01T10:05:00.000Z",
        },
        { type: "track", userId, event: "Order Completed", timestamp: "2025-02-01T10:10:00.000Z" },
        { type: "track", userId, event: "Support Call", timestamp: "2025-02-02T09:00:00.000Z" },
        { type: "track", userId: "cli-user-2", event: "Email Opened", timestamp: "2025-02-03T09:00:00.000Z" },
      ],
    });
    expect(res.body.accepted).toBe(5);
  } finally {
    await server.close();
  }
});
afterAll(async () => {
  await killAll();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("without a server (the CLI opens the file)", () => {
  it("keys create --json on a new file prints the secret once, and the key works", async () => {
    const fresh = path.join(dir, "keys.duckdb");
    const created = await runCliJson<{ id: string; name: string; secret: string; revokedAt: null }>(dir, [
      "--db",
      fresh,
      "keys",
      "create",
      "--name",
      "x",
    ]);
    expect(created.name).toBe("x");
    expect(created.id).toMatch(/^key_/);
    expect(created.secret).toMatch(/^wk_/);
    expect(created.revokedAt).toBeNull();
    const listed = await runCliJson<{ items: Array<{ id: string; name: string }> }>(dir, [
      "--db",
      fresh,
      "keys",
      "list",
    ]);
    expect(listed.items.map((k) => k.id)).toEqual([created.id]);
    expect(JSON.stringify(listed)).not.toContain(created.secret);

    const server = await startTestServer({ databasePath: fresh });
    try {
      const res = await server.collect(
        "/v1/track",
        { userId: "k", event: "Key Tried" },
        { key: created.secret },
      );
      expect(res.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it("stats, customers search and customer show answer from the file", async () => {
    expect(fs.existsSync(`${dbPath}.server.json`)).toBe(false);
    const stats = await runCliJson<Stats>(dir, ["--db", dbPath, "stats"]);
    expect(stats.events).toBe(5);
    expect(stats.customers).toBe(2);
    expect(stats.types).toEqual({ track: 3, page: 1, identify: 1 });
    expect(stats.channels.phone).toBe(1);

    const found = await runCliJson<{ customers: Array<{ id: number; matchedBy: string[] }> }>(dir, [
      "--db",
      dbPath,
      "customers",
      "search",
      "+82 10 2345 6789",
    ]);
    expect(found.customers).toHaveLength(1);
    expect(found.customers[0]!.matchedBy).toEqual(["phone"]);
    const id = found.customers[0]!.id;

    const shown = await runCliJson<Shown>(dir, ["--db", dbPath, "customer", "show", String(id)]);
    expect(shown.id).toBe(id);
    expect(shown.eventCount).toBe(4);
    expect(shown.traits.email?.value).toBe(email);
    expect(shown.identifiers.map((i) => i.kind).sort()).toEqual([
      "anonymous_id",
      "email",
      "phone",
      "user_id",
    ]);
    expect(shown.timeline.events).toHaveLength(4);
    expect(shown.timeline.events[0]!.messageId).toBeTruthy();
  });

  it("prints human output without --json", async () => {
    const r = await runCli(dir, ["--db", dbPath, "customers", "search", "minji"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^id\s+name\s+identifiers/m);
    expect(r.stdout).toContain(email);
    const show = await runCli(dir, ["--db", dbPath, "customer", "show", "1"]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/Why these identifiers are one customer/);
  });

  it("ignores a runtime file left by a server that crashed", async () => {
    const runtime = `${dbPath}.server.json`;
    fs.writeFileSync(
      runtime,
      JSON.stringify({ pid: 2 ** 22 + 12345, url: "http://127.0.0.1:9", token: "itk_x" }),
    );
    try {
      const stats = await runCliJson<Stats>(dir, ["--db", dbPath, "stats"]);
      expect(stats.events).toBe(5);
    } finally {
      fs.rmSync(runtime, { force: true });
    }
  });
});

describe("while a server runs on the file (the CLI goes through its API)", () => {
  it("gives the same answers as from the file, and a key it creates works at once", async () => {
    // A server places customers on the journey when it starts; search rows and timeline events carry
    // that placement, so the file gets it first for the answers to be comparable.
    await runCliJson(dir, ["--db", dbPath, "journey", "refresh"]);
    const local = {
      stats: await runCliJson<Stats>(dir, ["--db", dbPath, "stats"]),
      search: await runCliJson<unknown>(dir, ["--db", dbPath, "customers", "search", email]),
      show: await runCliJson<Shown>(dir, ["--db", dbPath, "customer", "show", "1"]),
    };
    const server = await startTestServer({ databasePath: dbPath });
    try {
      expect(fs.existsSync(`${dbPath}.server.json`)).toBe(true);
      const viaApi = {
        stats: await runCliJson<Stats>(dir, ["--db", dbPath, "stats"]),
        search: await runCliJson<unknown>(dir, ["--db", dbPath, "customers", "search", email]),
        show: await runCliJson<Shown>(dir, ["--db", dbPath, "customer", "show", "1"]),
      };
      // The server holds the file, so these answers can only have come through its API.
      expect(viaApi).toEqual(local);

      // New events are visible to the CLI while the server runs.
      await server.collect("/v1/track", { userId, event: "Chat Started", messageId: uid("m") });
      const after = await runCliJson<Stats>(dir, ["--db", dbPath, "stats"]);
      expect(after.events).toBe(local.stats.events + 1);

      const created = await runCliJson<{ id: string; secret: string }>(dir, [
        "--db",
        dbPath,
        "keys",
        "create",
        "--name",
        "pos-export",
      ]);
      const res = await server.collect<IngestReply>(
        "/v1/track",
        { userId, event: "Store Visit" },
        { key: created.secret },
      );
      expect(res.status).toBe(200);
      const revoked = await runCliJson<{ revoked: string }>(dir, [
        "--db",
        dbPath,
        "keys",
        "revoke",
        created.id,
      ]);
      expect(revoked.revoked).toBe(created.id);
      expect(
        (await server.collect("/v1/track", { userId, event: "X" }, { key: created.secret })).status,
      ).toBe(401);

      const missing = await runCli(dir, ["--db", dbPath, "customer", "show", "999"]);
      expect(missing.code).toBe(3);
      expect(missing.stderr).toMatch(/no customer 999/);
    } finally {
      await server.close();
    }
    expect(fs.existsSync(`${dbPath}.server.json`)).toBe(false);
  });
});

describe("usage", () => {
  it("--help lists the commands and exits 0", async () => {
    const r = await runCli(dir, ["--help"]);
    expect(r.code).toBe(0);
    for (const c of ["serve", "keys", "tokens", "customers", "customer", "stats"]) {
      expect(r.stdout).toMatch(new RegExp(`^\\s+${c}\\b`, "m"));
    }
    const sub = await runCli(dir, ["customers", "search", "--help"]);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toMatch(/--limit/);
  });

  it("a bad flag value gives a readable error and a non-zero exit", async () => {
    const r = await runCli(dir, ["--db", dbPath, "customers", "search", "minji", "--limit", "abc"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--limit must be a positive whole number \(got "abc"\)/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
    const json = await runCli(dir, ["--json", "--db", dbPath, "customer", "show", "abc"]);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({ error: { message: expect.stringMatching(/customer id/) } });
  });

  it("an unknown option or command is refused with a non-zero exit", async () => {
    const option = await runCli(dir, ["stats", "--bogus"]);
    expect(option.code).not.toBe(0);
    expect(option.stderr).toMatch(/unknown option '--bogus'/);
    const command = await runCli(dir, ["frobnicate"]);
    expect(command.code).not.toBe(0);
    expect(command.stderr).toMatch(/unknown command 'frobnicate'/);
  });

  it("an invalid setting in the environment names the setting", async () => {
    const r = await runCli(dir, ["--db", dbPath, "stats"], { ITINERA_PORT: "eighty" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid configuration/);
    expect(r.stderr).toMatch(/\/port/);
  });

  it("serve on a port that is taken says so and exits non-zero", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const r = await runCli(dir, [
        "--db",
        path.join(dir, "port.duckdb"),
        "serve",
        "--port",
        String(port),
        "--no-demo",
      ]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(new RegExp(`port ${port} is in use`));
    } finally {
      blocker.close();
    }
  });

  it("serve prints where it runs and stops cleanly on SIGTERM", async () => {
    const db = path.join(dir, "serve.duckdb");
    const server = await spawnServer({ dir, dbPath: db, writeKey: "wk_cli_test_key_1" });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.firstRun?.apiToken).toMatch(/^itk_/);
      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(200);
      expect(fs.existsSync(`${db}.server.json`)).toBe(true);
      // A second server on the same file is refused with a hint.
      const second = await runCli(dir, ["--db", db, "serve", "--port", "0", "--no-demo"]);
      expect(second.code).not.toBe(0);
      expect(second.stderr).toMatch(/Another Itinera process holds this database file/);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(fs.existsSync(`${db}.server.json`)).toBe(false);
  });
});
