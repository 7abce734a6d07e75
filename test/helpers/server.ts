// The shared harness: a real Itinera server (the same `startServer` that `itinera serve` runs) on a
// free port with a temporary DuckDB file, plus small HTTP helpers for the collection API and /api.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Clock } from "../../src/clock.js";
import { type ConfigOverrides, loadConfig } from "../../src/config.js";
import type { DestinationStream } from "../../src/logger.js";
import { type RunningServer, startServer } from "../../src/server/runtime.js";
import { all, type Row } from "../../src/store/database.js";

/** A development write key every test server accepts (not stored in the database). */
export const WRITE_KEY = "wk_test_dev_key_0001";

export interface HttpResult<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export interface CollectOptions {
  /** How to send the write key: as Basic-auth user (default), only in the body, or not at all. */
  auth?: "basic" | "body" | "none";
  /** Another write key than WRITE_KEY. */
  key?: string;
  headers?: Record<string, string>;
  /** When to answer: once stored and readable (default, `?wait=stored`), or once in the ingest log. */
  wait?: "stored" | "logged";
}

export interface TestServer {
  url: string;
  dir: string;
  dbPath: string;
  apiToken: string;
  running: RunningServer;
  /** POST a JSON document to a /v1 route. */
  collect<T = IngestReply>(route: string, body: unknown, opts?: CollectOptions): Promise<HttpResult<T>>;
  /** Sends a raw request (any body, any headers) and parses the JSON answer. */
  raw<T = unknown>(route: string, init: RequestInit): Promise<HttpResult<T>>;
  /** Calls /api with the server's API token (or without one when token is null). */
  api<T = unknown>(
    route: string,
    init?: { method?: string; body?: unknown; token?: string | null },
  ): Promise<HttpResult<T>>;
  /** Reads rows straight from the server's own store (a pooled read connection). */
  query(sql: string, params?: Array<string | number | boolean | null>): Promise<Row[]>;
  close(): Promise<void>;
}

export interface IngestReply {
  success: boolean;
  accepted: number;
  duplicates: number;
  rejected: Array<{ index: number; reason: string; messageId?: string }>;
}

export interface ErrorReply {
  error: { code: string; message: string; status: number; path?: string };
}

/** A fresh temporary directory, removed by the caller (or left for the OS when a test crashes). */
export function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `itinera-${label}-`));
}

export const basicAuth = (key: string) => `Basic ${Buffer.from(`${key}:`).toString("base64")}`;

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export interface StartOptions {
  /** Config overrides on top of the test defaults (port 0, temp file, silent, no demo). */
  config?: ConfigOverrides;
  /** Reuse this database file instead of a new one in a new temp dir. */
  databasePath?: string;
  /** Where the server's log lines go (e.g. a capture; set config.logLevel too, it is silent by default). */
  logTo?: DestinationStream;
  /** "Now" for sessions and journey lapses (e.g. a ManualClock); the machine's clock by default. */
  clock?: Clock;
}

export async function startTestServer(opts: StartOptions = {}): Promise<TestServer> {
  const dir = opts.databasePath ? path.dirname(opts.databasePath) : tempDir("server");
  const dbPath = opts.databasePath ?? path.join(dir, "itinera.duckdb");
  // An empty environment keeps a developer's ITINERA_* variables out of the tests.
  const loaded = loadConfig(
    {
      port: 0,
      databasePath: dbPath,
      demoOnFirstRun: false,
      logLevel: "silent",
      devWriteKeys: [WRITE_KEY],
      // No refresh behind new events unless a test asks: tests that count refreshes decide when they run.
      live: { refreshAfterEventsSeconds: 0 },
      ...opts.config,
    },
    noConfigFile(dir),
  );
  if (!loaded.ok) throw new Error(loaded.error);
  const started = await startServer(loaded.value, { logTo: opts.logTo, clock: opts.clock });
  if (!started.ok) throw new Error(started.error);
  const running = started.value;
  let apiToken = running.firstRun?.apiToken;
  if (!apiToken) {
    // A reopened database has no first-run token: allow a test one for this process only.
    apiToken = `itk_test_${randomUUID()}`;
    running.ctx.apiTokens.allow(apiToken, "test");
  }
  const url = running.url;
  const token = apiToken;
  // Events a test sent without waiting (raw posts) are stored before it reads, as a reader would wait
  // for the loader's lag; a stopped server has nothing to wait for.
  const settled = () => running.ctx.writer.loader.drain().catch(() => undefined);

  const raw = async <T>(route: string, init: RequestInit): Promise<HttpResult<T>> => {
    const res = await fetch(url + route, init);
    // A stream (GET /api/live/events) does not end: its status and headers are the answer.
    if (res.ok && res.headers.get("content-type")?.startsWith("text/event-stream")) {
      await res.body?.cancel();
      return { status: res.status, headers: res.headers, body: undefined as T };
    }
    return { status: res.status, headers: res.headers, body: (await readJson(res)) as T };
  };

  return {
    url,
    dir,
    dbPath,
    apiToken: token,
    running,
    raw,
    collect<T = IngestReply>(route: string, body: unknown, o: CollectOptions = {}) {
      const key = o.key ?? WRITE_KEY;
      const auth = o.auth ?? "basic";
      const payload =
        auth === "body" && body && typeof body === "object" ? { ...(body as object), writeKey: key } : body;
      const waited =
        (o.wait ?? "stored") === "stored" && !route.includes("?") ? `${route}?wait=stored` : route;
      return raw<T>(waited, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(auth === "basic" ? { authorization: basicAuth(key) } : {}),
          ...o.headers,
        },
        body: JSON.stringify(payload),
      });
    },
    async api<T = unknown>(
      route: string,
      init: { method?: string; body?: unknown; token?: string | null } = {},
    ) {
      const t = init.token === undefined ? token : init.token;
      await settled();
      return raw<T>(route, {
        method: init.method ?? (init.body === undefined ? "GET" : "POST"),
        headers: {
          ...(t ? { authorization: `Bearer ${t}` } : {}),
          ...(init.body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
    },
    async query(sql, params = []) {
      await settled();
      return running.ctx.store.read((c) => all(c, sql, params));
    },
    async close() {
      await running.close();
      if (!opts.databasePath) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Env for loadConfig that points ITINERA_CONFIG at a file that exists and is empty. */
function noConfigFile(dir: string): NodeJS.ProcessEnv {
  const file = path.join(dir, "empty.config.json");
  if (!fs.existsSync(file)) fs.writeFileSync(file, "{}");
  return { ITINERA_CONFIG: file };
}

/** A unique id per test run, so messageIds and user ids never collide across tests. */
export const uid = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** Counts stored events per messageId for the given ids. */
export async function storedCounts(server: TestServer, messageIds: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>(messageIds.map((m) => [m, 0]));
  if (messageIds.length === 0) return out;
  const rows = await server.query(
    `SELECT message_id, count(*) AS n FROM events WHERE message_id IN (${messageIds
      .map((_, i) => `$${i + 1}`)
      .join(",")}) GROUP BY 1`,
    messageIds,
  );
  for (const r of rows) out.set(String(r.message_id), Number(r.n));
  return out;
}

/** Stored events by messageId, with times as epoch milliseconds. */
export async function storedEvents(server: TestServer, messageIds: string[]): Promise<Map<string, Row>> {
  if (messageIds.length === 0) return new Map();
  const rows = await server.query(
    `SELECT message_id, type, event, channel, epoch_ms(timestamp) AS ts, epoch_ms(received_at) AS received,
            epoch_ms(sent_at) AS sent, anonymous_id, user_id, source, properties, traits, context
       FROM events WHERE message_id IN (${messageIds.map((_, i) => `$${i + 1}`).join(",")})`,
    messageIds,
  );
  return new Map(rows.map((r) => [String(r.message_id), r]));
}

export async function eventCount(server: TestServer): Promise<number> {
  const [row] = await server.query("SELECT count(*) AS n FROM events");
  return Number(row?.n ?? 0);
}
