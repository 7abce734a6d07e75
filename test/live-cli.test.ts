// `itinera live` against a running server: the events sent while it tails arrive as JSON lines with the
// customer the store stitched them to; without a server it says how to start one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LiveEvent } from "../src/live/schema.js";
import { ensureBuilt, runCli } from "./helpers/cli.js";
import { startTestServer, type TestServer, tempDir, uid } from "./helpers/server.js";

describe("itinera live", () => {
  let server: TestServer;
  beforeAll(async () => {
    await ensureBuilt();
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("prints the events the server stores as JSON lines, filtered", async () => {
    const tailing = runCli(server.dir, [
      "--db",
      server.dbPath,
      "--json",
      "live",
      "--channel",
      "app",
      "--limit",
      "2",
    ]);
    // Sent once the command's stream is open.
    await expect
      .poll(async () => (await server.api<{ listeners: number }>("/api/live/status")).body.listeners, {
        timeout: 30_000,
      })
      .toBe(1);
    const user = uid("cli-user");
    const batch = [
      {
        type: "track",
        messageId: uid("m"),
        userId: user,
        event: "Product Viewed",
        context: { channel: "web" },
      },
      {
        type: "track",
        messageId: uid("m"),
        userId: user,
        event: "Product Viewed",
        context: { channel: "app" },
      },
      {
        type: "track",
        messageId: uid("m"),
        userId: user,
        event: "Order Completed",
        context: { channel: "app" },
      },
    ];
    expect((await server.collect("/v1/batch", { batch })).status).toBe(200);
    const r = await tailing;
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { event: LiveEvent });
    expect(lines.map((l) => l.event.messageId)).toEqual([batch[1]!.messageId, batch[2]!.messageId]);
    const [row] = await server.query(
      `SELECT c.canonical_id AS id FROM events e JOIN identities i ON i.id = e.identity_id
         JOIN customers c ON c.id = i.customer_id WHERE e.message_id = $1`,
      [batch[1]!.messageId],
    );
    expect(lines.map((l) => l.event.customerId)).toEqual([Number(row!.id), Number(row!.id)]);
    expect(lines[1]!.event.touchpoint?.stage.key).toBe("purchase");
  });

  it("says a server is needed when none runs", async () => {
    const dir = tempDir("live-cli");
    const r = await runCli(dir, ["--db", `${dir}/none.duckdb`, "live"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("itinera serve");
  });
});
