// A 2xx means durable in the ingest log: kill -9 the real server process mid-stream (the loader still
// behind), restart it on the same file, and every acknowledged event must be stored (the restart replays
// the log); resending everything then stores nothing twice.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, isAlive, killAll, type ServerProcess, spawnServer } from "./helpers/cli.js";
import { basicAuth, type IngestReply, startTestServer, tempDir } from "./helpers/server.js";

const WRITE_KEY = "wk_durability_test_key";
const CLIENTS = 4;
const BATCH = 100;
const SEND_MS = 2000;

let dir: string;
let dbPath: string;
const pids: number[] = [];

beforeAll(async () => {
  dir = tempDir("durability");
  dbPath = path.join(dir, "itinera.duckdb");
  await ensureBuilt();
});
afterAll(async () => {
  await killAll();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

interface Batch {
  ids: string[];
  body: string;
}

function makeBatch(client: number, n: number): Batch {
  const ids: string[] = [];
  const batch = Array.from({ length: BATCH }, (_, i) => {
    const messageId = `c${client}-b${n}-e${i}`;
    ids.push(messageId);
    return {
      type: i % 10 === 0 ? "identify" : "track",
      messageId,
      userId: `durable-${client}-${i % 7}`,
      anonymousId: `anon-${client}-${n % 13}`,
      event: "Durable Event",
      properties: { client, n, i },
      traits: { email: `durable-${client}-${i % 7}@example.com` },
    };
  });
  return { ids, body: JSON.stringify({ batch }) };
}

/** `stored`: answer once the events are stored, with exact duplicate counts (`?wait=stored`). */
async function post(url: string, b: Batch, wait: "logged" | "stored" = "logged"): Promise<IngestReply> {
  const res = await fetch(`${url}/v1/batch?wait=${wait}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: basicAuth(WRITE_KEY) },
    body: b.body,
  });
  if (res.status !== 200) throw new Error(`status ${res.status}: ${await res.text()}`);
  return (await res.json()) as IngestReply;
}

/** Codes of the errors a request gets when the server process dies under it or is gone. */
const CONNECTION_LOST = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "UND_ERR_SOCKET", "UND_ERR_CLOSED"]);

/**
 * Whether `e` says the connection was lost (the server died), and nothing else: fetch wraps the socket's
 * error as `cause` (an AggregateError when several addresses were tried). A status or a JSON error is not.
 */
function isConnectionLost(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as NodeJS.ErrnoException).code;
  if (code !== undefined && CONNECTION_LOST.has(code)) return true;
  if (e.message === "socket hang up" || e.message === "other side closed") return true;
  if (e instanceof AggregateError && e.errors.length > 0 && e.errors.every(isConnectionLost)) return true;
  // "fetch failed" (the request) and "terminated" (reading the body) say why only in their cause.
  return e instanceof TypeError && (e.message === "fetch failed" || e.message === "terminated")
    ? isConnectionLost(e.cause)
    : false;
}

async function storedEvents(url: string, token: string): Promise<number> {
  const res = await fetch(`${url}/api/stats`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { events: number }).events;
}

describe("durability", () => {
  it("keeps every acknowledged event through kill -9, and a resend stores nothing twice", async () => {
    const first: ServerProcess = await spawnServer({ dir, dbPath, writeKey: WRITE_KEY });
    pids.push(first.pid);
    const token = first.firstRun?.apiToken;
    expect(token, "a new database prints its first API token").toBeDefined();

    const sent: Batch[] = [];
    const acked: Batch[] = [];
    let inFlight = 0;
    let inFlightAtKill = -1;
    let stop = false;
    // Anything but a lost connection (a 4xx/5xx, a partly accepted batch) fails the test after the kill.
    const failures: string[] = [];
    const client = async (c: number) => {
      for (let n = 0; !stop; n++) {
        const b = makeBatch(c, n);
        sent.push(b);
        inFlight++;
        let reply: IngestReply;
        try {
          reply = await post(first.url, b);
        } catch (e) {
          if (!isConnectionLost(e)) throw e;
          // The server died under this request: it was never acknowledged.
          return;
        } finally {
          inFlight--;
        }
        if (reply.accepted !== BATCH)
          throw new Error(`batch ${b.ids[0]} acknowledged as ${JSON.stringify(reply)}`);
        acked.push(b);
      }
    };
    const clients = Array.from({ length: CLIENTS }, (_, c) =>
      client(c).catch((e: unknown) => {
        failures.push(
          `client ${c}: ${e instanceof Error ? `${e.message} (cause: ${String(e.cause)})` : String(e)}`,
        );
        stop = true;
      }),
    );
    await new Promise((r) => setTimeout(r, SEND_MS));
    inFlightAtKill = inFlight;
    await first.kill9();
    stop = true;
    await Promise.all(clients);

    expect(failures, "only a lost connection may end a client before the kill").toEqual([]);
    expect(isAlive(first.pid)).toBe(false);
    expect(inFlightAtKill, "the kill must land while requests are in flight").toBeGreaterThan(0);
    expect(acked.length, "enough traffic to mean something").toBeGreaterThanOrEqual(CLIENTS);
    const ackedIds = new Set(acked.flatMap((b) => b.ids));
    const sentIds = new Set(sent.flatMap((b) => b.ids));
    console.log(
      `durability: ${ackedIds.size} events acknowledged in ${acked.length} batches over ${SEND_MS} ms; ` +
        `${inFlightAtKill} requests in flight at kill -9`,
    );

    // Restart on the same file: the WAL is replayed and the stale runtime file replaced.
    const second = await spawnServer({ dir, dbPath, writeKey: WRITE_KEY });
    pids.push(second.pid);
    expect(second.firstRun).toBeUndefined();
    const afterRestart = await storedEvents(second.url, token!);
    expect(afterRestart).toBeGreaterThanOrEqual(ackedIds.size);
    expect(afterRestart).toBeLessThanOrEqual(sentIds.size);

    // Every acknowledged batch, resent, is all duplicates: each of its events survived the kill.
    let lost = 0;
    for (const b of acked) {
      const r = await post(second.url, b, "stored");
      lost += r.accepted;
      expect(r.duplicates + r.accepted).toBe(BATCH);
    }
    expect(lost, "acknowledged events missing after kill -9").toBe(0);
    // The batches that were in flight may or may not have landed; resending completes them.
    const unacked = sent.filter((b) => !acked.includes(b));
    let completed = 0;
    for (const b of unacked) {
      const r = await post(second.url, b, "stored");
      completed += r.accepted;
      expect(r.accepted + r.duplicates).toBe(BATCH);
    }
    expect(afterRestart + completed).toBe(sentIds.size);
    expect(await storedEvents(second.url, token!)).toBe(sentIds.size);

    // Resending everything once more changes nothing.
    const again = await Promise.all(sent.slice(0, 20).map((b) => post(second.url, b, "stored")));
    expect(again.every((r) => r.accepted === 0 && r.duplicates === BATCH)).toBe(true);
    expect(await storedEvents(second.url, token!)).toBe(sentIds.size);

    expect(await second.stop()).toBe(0);
    expect(isAlive(second.pid)).toBe(false);
    expect(fs.existsSync(`${dbPath}.server.json`), "a clean stop removes the runtime file").toBe(false);

    // Read the file directly: each sent event exactly once, every acknowledged one among them.
    const db = await DuckDBInstance.create(dbPath, { access_mode: "READ_ONLY" });
    const conn = await db.connect();
    try {
      const rows = (await conn.runAndReadAll("SELECT message_id FROM events")).getColumns()[0]!.map(String);
      expect(rows.length).toBe(sentIds.size);
      const stored = new Set(rows);
      expect(stored.size).toBe(rows.length);
      expect([...ackedIds].filter((id) => !stored.has(id))).toEqual([]);
      expect([...stored].filter((id) => !sentIds.has(id))).toEqual([]);
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });

  it("leaves no server process behind", async () => {
    await killAll();
    expect(pids.length).toBe(2);
    for (const pid of pids) expect(isAlive(pid), `process ${pid}`).toBe(false);
  });
});

describe("what counts as the server having died", () => {
  it("is a lost connection only: refused, reset mid-request or cut mid-body, never a status", async () => {
    // A port nobody listens on: the connection is refused.
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const { port } = closed.address() as AddressInfo;
    await new Promise((r) => closed.close(r));
    const refused = await fetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect(isConnectionLost(refused), String(refused)).toBe(true);

    // A server that dies under the request, and one that dies halfway through its answer.
    const dying = http.createServer((req, res) => {
      if (req.url === "/mid-body") {
        res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
        res.write('{"accepted":');
        setTimeout(() => res.socket?.destroy(), 20);
      } else req.socket.destroy();
    });
    await new Promise<void>((r) => dying.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${(dying.address() as AddressInfo).port}`;
    try {
      const reset = await fetch(`${base}/`).catch((e: unknown) => e);
      expect(isConnectionLost(reset), String(reset)).toBe(true);
      const cut = await fetch(`${base}/mid-body`)
        .then((r) => r.json())
        .catch((e: unknown) => e);
      expect(isConnectionLost(cut), String(cut)).toBe(true);
    } finally {
      await new Promise((r) => dying.close(r));
    }

    // What post() throws for an answer that is not a 200, and other failures, are not a death.
    expect(isConnectionLost(new Error("status 500: {}"))).toBe(false);
    expect(isConnectionLost(new Error("status 413: too large"))).toBe(false);
    expect(isConnectionLost(new SyntaxError("Unexpected end of JSON input"))).toBe(false);
    expect(isConnectionLost(new TypeError("fetch failed", { cause: new Error("invalid URL") }))).toBe(false);
    expect(isConnectionLost(new TypeError("fetch failed"))).toBe(false);
  });
});

describe("a retried batch", () => {
  it("leaves nothing behind that could roll back a later commit", async () => {
    // The writer first claims messageIds with an appender and retries carefully when one is a
    // duplicate. A failed DuckDB appender that still holds rows flushes them again when garbage-
    // collected, into whatever transaction is open then, which aborts it and makes its COMMIT a
    // silent rollback. Force that collection while a transaction is open and check it committed.
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as () => void;
    const server = await startTestServer();
    try {
      const batch = Array.from({ length: 10 }, (_, i) => ({
        type: "track",
        messageId: `retry-${i}`,
        userId: "retry-user",
        event: "Retried",
      }));
      expect((await server.collect<IngestReply>("/v1/batch", { batch })).body.accepted).toBe(10);
      expect((await server.collect<IngestReply>("/v1/batch", { batch })).body).toMatchObject({
        accepted: 0,
        duplicates: 10,
      });
      await server.running.ctx.store.exclusive(async (conn) => {
        await conn.run("BEGIN TRANSACTION");
        await conn.run("INSERT INTO search_terms VALUES ('durability probe', 424242, 'name')");
        for (let i = 0; i < 3; i++) {
          gc();
          await new Promise((r) => setTimeout(r, 10));
        }
        await conn.run("COMMIT");
      });
      const rows = await server.query("SELECT term FROM search_terms WHERE customer_id = 424242");
      expect(rows.map((r) => r.term)).toEqual(["durability probe"]);
      // And the writer still commits after it.
      const next = await server.collect<IngestReply>("/v1/batch", {
        batch: [{ type: "track", messageId: "retry-next", userId: "retry-user", event: "Next" }],
      });
      expect(next.body.accepted).toBe(1);
      expect((await server.query("SELECT 1 FROM events WHERE message_id = 'retry-next'")).length).toBe(1);
    } finally {
      await server.close();
    }
  });
});
