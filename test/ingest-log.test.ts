// The ingest log on real files: group commit, sealing, torn writes cut on recovery, and a server that
// acknowledges into the log, reports the loader's lag, and stores what a killed process left behind.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IngestLog } from "../src/loader/log.js";
import { createLogger } from "../src/logger.js";
import { ensureBuilt, killAll, spawnServer } from "./helpers/cli.js";
import { basicAuth, startTestServer, tempDir, uid, WRITE_KEY } from "./helpers/server.js";

const quiet = createLogger({ logLevel: "silent" });
const settings = { maxSegmentBytes: 1 << 20 };
const line = (tag: number, i: number) =>
  `${JSON.stringify({ seq: i, tag, message_id: `m-${tag}-${i}`, received_ms: 1000 + tag })}\n`;

let dir: string;
beforeAll(() => {
  dir = tempDir("ingest-log");
});
afterAll(async () => {
  await killAll();
  fs.rmSync(dir, { recursive: true, force: true });
});

const segmentFiles = (d: string) => fs.readdirSync(d).filter((n) => n.endsWith(".jsonl"));

describe("the ingest log", () => {
  it("writes concurrent appends durably, one segment per seal, and counts what waits", async () => {
    const d = path.join(dir, "group");
    const log = await IngestLog.open(d, settings, quiet);
    await Promise.all(
      Array.from({ length: 50 }, (_, t) => log.append(line(t, 0) + line(t, 1), 2, t, 1000 + t)),
    );
    expect(log.backlog()).toMatchObject({ events: 100, oldestAt: 1000 });
    const first = await log.next();
    expect(first).toMatchObject({ events: 100, firstTag: 0, lastTag: 49 });
    // Sealed: the next append opens a new segment, and the sealed one is still the oldest.
    await log.append(line(50, 0), 1, 50, 2000);
    expect(await log.next()).toBe(first);
    const lines = fs.readFileSync(first!.file, "utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(100);
    expect(new Set(lines.map((l) => (JSON.parse(l) as { message_id: string }).message_id)).size).toBe(100);
    await log.remove(first!);
    expect(fs.existsSync(first!.file)).toBe(false);
    expect(log.backlog().events).toBe(1);
    await log.close();
    expect(segmentFiles(d)).toHaveLength(1);
  });

  it("cuts a torn last write and unreadable lines when reopened, and keeps every whole line", async () => {
    const d = path.join(dir, "torn");
    const log = await IngestLog.open(d, settings, quiet);
    await log.append(line(1, 0) + line(1, 1), 2, 1, 1001);
    await log.append(line(2, 0), 1, 2, 1002);
    await log.close();
    const [name] = segmentFiles(d);
    const file = path.join(d, name!);
    // A crash in the middle of the next write: half a line, never acknowledged; and a line of junk.
    fs.appendFileSync(file, "{not json}\n");
    fs.appendFileSync(file, line(3, 0).slice(0, 25));
    const reopened = await IngestLog.open(d, settings, quiet);
    expect(reopened.backlog()).toMatchObject({ events: 3, oldestAt: 1001 });
    const segment = await reopened.next();
    expect(segment).toMatchObject({ events: 3, firstTag: 1, lastTag: 2 });
    expect(fs.readFileSync(file, "utf8")).toBe(line(1, 0) + line(1, 1) + line(2, 0));
    // New appends go to a new segment after the recovered ones.
    await reopened.append(line(4, 0), 1, 4, 1004);
    expect(segmentFiles(d)).toHaveLength(2);
    await reopened.close();
  });

  it("seals a segment once it passes the size limit, so the loader's batches stay bounded", async () => {
    const d = path.join(dir, "rotate");
    const log = await IngestLog.open(d, { maxSegmentBytes: 500 }, quiet);
    for (let t = 0; t < 20; t++) await log.append(line(t, 0) + line(t, 1), 2, t, 1000);
    expect(segmentFiles(d).length).toBeGreaterThan(3);
    let total = 0;
    for (let s = await log.next(); s; s = await log.next()) {
      expect(s.bytes).toBeLessThan(500 + 200);
      total += s.events;
      await log.remove(s);
    }
    expect(total).toBe(40);
    await log.close();
  });
});

describe("a server acknowledging into the log", () => {
  it("answers before the loader stores, shows the lag, and ?wait=stored answers once readable", async () => {
    const server = await startTestServer({ config: { writer: { loaderLingerMs: 3000 } } });
    try {
      const user = uid("lag");
      const sent = await server.raw<{ accepted: number }>("/v1/batch", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: basicAuth(WRITE_KEY) },
        body: JSON.stringify({
          batch: [1, 2, 3].map((i) => ({
            type: "track",
            event: "Lagging",
            userId: user,
            messageId: `${user}-${i}`,
          })),
        }),
      });
      expect(sent.status).toBe(200);
      expect(sent.body.accepted).toBe(3);
      // The loader lingers for 3 s: the events are acknowledged, durable, and not yet readable.
      const stats = server.running.ctx.writer.loader.status();
      expect(stats.pendingEvents).toBe(3);
      const stored = () =>
        server.running.ctx.store.read(async (c) =>
          Number((await c.runAndReadAll("SELECT count(*) FROM events")).getColumnsJS()[0]![0]),
        );
      expect(await stored()).toBe(0);
      const files = segmentFiles(`${server.dbPath}.ingest`);
      expect(files.length).toBe(1);
      // Waiting for storage: the answer comes once readable and counts the repeat of an earlier event.
      const waited = await server.collect("/v1/batch", {
        batch: [
          { type: "track", event: "Lagging", userId: user, messageId: `${user}-3` },
          { type: "track", event: "Lagging", userId: user, messageId: `${user}-4` },
        ],
      });
      expect(waited.body).toMatchObject({ accepted: 1, duplicates: 1 });
      expect(await stored()).toBe(4);
      const after = await server.api<{ loader: { pendingEvents: number; duplicatesTotal: number } }>(
        "/api/stats",
      );
      expect(after.body.loader).toMatchObject({ pendingEvents: 0, duplicatesTotal: 1 });
    } finally {
      await server.close();
    }
  });

  it("acknowledges while long analyses hold every reader (the log does not share their threads)", async () => {
    const server = await startTestServer();
    try {
      // Four queries of several seconds each, one on every pooled reader: on libuv's shared pool they
      // would hold any file write queued behind them.
      const slow = Array.from({ length: 4 }, () =>
        server.running.ctx.store.read((c) =>
          c.run("SELECT count(*) FROM range(1500000000) t(i) WHERE i % 7 = 3"),
        ),
      );
      await new Promise((r) => setTimeout(r, 300));
      const user = uid("busy");
      const started = performance.now();
      const sent = await server.collect(
        "/v1/track",
        { event: "While Busy", userId: user, messageId: `${user}-1` },
        { wait: "logged" },
      );
      const ackMs = performance.now() - started;
      const slowDone = await Promise.race([
        Promise.all(slow).then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), 0)),
      ]);
      expect(sent.status).toBe(200);
      expect(slowDone, "the analyses were still running when the ack came").toBe(false);
      expect(ackMs).toBeLessThan(1500);
      await Promise.all(slow);
    } finally {
      await server.close();
    }
  });

  it("a process killed with events still in the log stores them at the next start", {
    timeout: 180_000,
  }, async () => {
    await ensureBuilt();
    const d = tempDir("ingest-replay");
    const dbPath = path.join(d, "itinera.duckdb");
    // The loader lingers 10 s: everything acknowledged stays in the log until the kill.
    fs.writeFileSync(path.join(d, "cli.config.json"), JSON.stringify({ writer: { loaderLingerMs: 10_000 } }));
    const first = await spawnServer({ dir: d, dbPath, writeKey: "wk_replay_key", timeoutMs: 120_000 });
    const ids = Array.from({ length: 40 }, (_, i) => `replay-${i}`);
    const res = await fetch(`${first.url}/v1/batch`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: basicAuth("wk_replay_key") },
      body: JSON.stringify({
        batch: ids.map((messageId, i) => ({
          type: "track",
          event: "Replayed",
          userId: `r-${i % 4}`,
          messageId,
        })),
      }),
    });
    expect(res.status).toBe(200);
    await first.kill9();
    expect(segmentFiles(`${dbPath}.ingest`).length).toBe(1);

    fs.writeFileSync(path.join(d, "cli.config.json"), "{}");
    const second = await spawnServer({ dir: d, dbPath, writeKey: "wk_replay_key", timeoutMs: 120_000 });
    try {
      expect(segmentFiles(`${dbPath}.ingest`)).toEqual([]);
      const resend = await fetch(`${second.url}/v1/batch?wait=stored`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: basicAuth("wk_replay_key") },
        body: JSON.stringify({
          batch: ids.map((messageId, i) => ({
            type: "track",
            event: "Replayed",
            userId: `r-${i % 4}`,
            messageId,
          })),
        }),
      });
      expect(await resend.json()).toMatchObject({ accepted: 0, duplicates: 40 });
    } finally {
      expect(await second.stop()).toBe(0);
    }
    fs.rmSync(d, { recursive: true, force: true });
  });
});
