// Retention on a real server and a real DuckDB file: old events of the configured channel go, with their
// journey rows, at start and on request (dry run first), and each run is in the audit trail.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compactionPending, count, DAY } from "./helpers/privacy.js";
import { startTestServer, tempDir, uid } from "./helpers/server.js";

describe("retention", () => {
  it("deletes old events of the configured channel only, at start and on request, with their journey rows", async () => {
    const dir = tempDir("retention");
    const dbPath = path.join(dir, "itinera.duckdb");
    const old = new Date(Date.now() - 60 * DAY).toISOString();
    const recent = new Date(Date.now() - 2 * DAY).toISOString();
    const ev = (channel: string, timestamp: string, event = "Opened") => ({
      type: "track",
      messageId: uid("m"),
      userId: "retained-user",
      event,
      timestamp,
      context: { channel },
    });
    const first = [ev("email", old), ev("email", old), ev("web", old), ev("email", recent)];
    let server = await startTestServer({ databasePath: dbPath, config: { journeyRefreshSeconds: 0 } });
    try {
      expect((await server.collect("/v1/batch", { batch: first })).body.accepted).toBe(4);
    } finally {
      await server.close();
    }
    // Once at start.
    server = await startTestServer({
      databasePath: dbPath,
      config: { journeyRefreshSeconds: 0, retention: [{ channel: "email", days: 30 }] },
    });
    try {
      const remaining = async () =>
        (await server.query("SELECT message_id FROM events ORDER BY message_id")).map((r) =>
          String(r.message_id),
        );
      for (let i = 0; i < 100 && (await remaining()).length !== 2; i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(await remaining()).toEqual([first[2]!.messageId, first[3]!.messageId].sort());
      const startAudit = await server.query(
        "SELECT actor_kind, actor_name, detail::VARCHAR AS d FROM audit_log WHERE action = 'retention.apply'",
      );
      expect(startAudit.map((x) => [x.actor_kind, x.actor_name])).toEqual([["system", "retention"]]);
      expect(JSON.parse(String(startAudit[0]!.d)).rows.events).toBe(2);
      // The expired rows' bytes go at the next compaction (next erasure or start), not daily.
      expect(await compactionPending(server)).toBe(1);

      // On request, with journey rows derived from the events.
      const second = [ev("email", old, "Email Opened"), ev("email", old, "Email Opened"), ev("web", old)];
      expect((await server.collect("/v1/batch", { batch: second })).body.accepted).toBe(3);
      await server.running.ctx.journey.refresh();
      const expiring = [second[0]!.messageId, second[1]!.messageId];
      const dry = await server.api<{ tables: Record<string, number> }>("/api/privacy/retention", {
        body: { dryRun: true },
      });
      expect(dry.status).toBe(200);
      expect(dry.body.tables.events).toBe(2);
      expect((await remaining()).length).toBe(5);
      const journeyRows = await count(
        server,
        "SELECT count(*) AS n FROM journey_events WHERE message_id IN ($1, $2)",
        expiring,
      );
      expect(dry.body.tables.journey_events).toBe(journeyRows);
      const applied = await server.api<{ tables: Record<string, number> }>("/api/privacy/retention", {
        body: { dryRun: false },
      });
      expect(applied.body.tables).toEqual({
        events: 2,
        journey_events: journeyRows,
        stage_transitions: expect.any(Number),
      });
      expect(await remaining()).toEqual(
        [first[2]!.messageId, first[3]!.messageId, second[2]!.messageId].sort(),
      );
      expect(
        await count(
          server,
          "SELECT count(*) AS n FROM journey_events WHERE message_id IN ($1, $2)",
          expiring,
        ),
      ).toBe(0);
      const audit = await server.query(
        "SELECT actor_kind FROM audit_log WHERE action = 'retention.apply' ORDER BY id",
      );
      expect(audit.map((x) => x.actor_kind)).toEqual(["system", "token"]);
    } finally {
      await server.close();
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("refuses an invalid rule", async () => {
    await expect(startTestServer({ config: { retention: [{ channel: "email", days: 0 }] } })).rejects.toThrow(
      /retention/,
    );
  });
});
