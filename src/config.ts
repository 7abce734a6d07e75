// The one typed configuration of Itinera. Nothing else reads process.env.
// Sources, later wins: built-in defaults < JSON config file (ITINERA_CONFIG or ./itinera.config.json)
// < environment variables (ITINERA_*) < command-line flags passed as overrides.
import fs from "node:fs";
import path from "node:path";
import { type Static, Type } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { err, ok, type Result } from "./result.js";

const IdentityConfig = Type.Object({
  /** Trait keys (in traits, context.traits or properties) that identify a person, e.g. a loyalty card. */
  traitIdentifiers: Type.Array(Type.String({ minLength: 1, pattern: "^[A-Za-z0-9_]+$" })),
  /** Values never used to link identifiers (compared after normalisation, case-insensitively). */
  blockedValues: Type.Array(Type.String()),
  /** Most identifiers of one kind a customer may hold; a merge past a cap is refused and recorded. */
  caps: Type.Record(Type.String(), Type.Integer({ minimum: 1 })),
  /** Region used to read phone numbers written without a country code (ISO 3166 alpha-2). */
  defaultPhoneRegion: Type.String({ minLength: 2, maxLength: 2 }),
});

export const ConfigSchema = Type.Object({
  host: Type.String(),
  port: Type.Integer({ minimum: 0, maximum: 65535 }),
  /** The embedded DuckDB database file. */
  databasePath: Type.String({ minLength: 1 }),
  /**
   * WAL size that makes DuckDB checkpoint. A checkpoint rewrites the indexes and stalls commits, so
   * fewer, larger ones keep ingest latency flat; the price is a longer WAL replay after a crash.
   */
  checkpointThresholdMb: Type.Integer({ minimum: 16, maximum: 4096 }),
  /** DuckDB's buffer memory; past it, large queries spill to a temp directory beside the database. */
  memoryLimitMb: Type.Integer({ minimum: 128 }),
  logLevel: Type.Union(
    ["fatal", "error", "warn", "info", "debug", "trace", "silent"].map((l) => Type.Literal(l)),
  ),
  /** Write keys accepted in addition to those stored in the database (development only; not persisted). */
  devWriteKeys: Type.Array(Type.String({ minLength: 8 })),
  /** Load the demo world into a database that is new. */
  demoOnFirstRun: Type.Boolean(),
  limits: Type.Object({
    /** Segment's documented limits: 32 KB per event, 500 KB per request. */
    maxEventBytes: Type.Integer({ minimum: 1024 }),
    maxRequestBytes: Type.Integer({ minimum: 1024 }),
    /**
     * Deepest nesting of objects and arrays in one event or /api body. Real events nest a few levels; a
     * body thousands deep exists only to overflow a recursive parser, serialiser or JSON function.
     */
    maxJsonDepth: Type.Integer({ minimum: 8, maximum: 1000 }),
  }),
  /**
   * Requests per window and caller, counted per request (not per event: a batch of 500 is one). The
   * write key (Basic-auth user name, else the client address) on /v1; the API token or session on /api
   * (else the client address). 0 requests turns a limit off.
   */
  rateLimit: Type.Object({
    collectRequests: Type.Integer({ minimum: 0 }),
    collectWindowSeconds: Type.Number({ exclusiveMinimum: 0 }),
    apiRequests: Type.Integer({ minimum: 0 }),
    apiWindowSeconds: Type.Number({ exclusiveMinimum: 0 }),
  }),
  /** The HTTP edge: proxies, cookies, cross-origin callers, slow clients. */
  http: Type.Object({
    /**
     * Behind a reverse proxy (TLS terminator, load balancer): believe its X-Forwarded-For, -Proto and
     * -Host. Off, they are ignored, since any client could send them.
     */
    trustProxy: Type.Boolean(),
    /** The session cookie's Secure flag: "auto" sets it when the request came over HTTPS. */
    cookieSecure: Type.Union([Type.Literal("auto"), Type.Boolean()]),
    /** Web origins (e.g. https://admin.example.com) allowed to call /api from a browser; the dashboard needs none. */
    apiCorsOrigins: Type.Array(Type.String({ pattern: "^https?://[^/]+$" })),
    /** From connection to the end of the request headers (node's headersTimeout): slow-header clients. */
    headersTimeoutMs: Type.Integer({ minimum: 100 }),
    /** From connection to the end of the request body (node's requestTimeout): slow-body clients. 0 is none. */
    requestTimeoutMs: Type.Integer({ minimum: 0 }),
    /** How long an idle kept-alive connection stays open after a response. */
    keepAliveTimeoutMs: Type.Integer({ minimum: 100 }),
    /**
     * A socket silent this long is closed (Fastify's connectionTimeout). Long operations (imports) turn
     * it off for their own request. 0 is none.
     */
    connectionTimeoutMs: Type.Integer({ minimum: 0 }),
  }),
  /** How long a messageId is remembered for deduplication. */
  dedupeWindowDays: Type.Integer({ minimum: 7 }),
  /**
   * How often the server brings the journey tables (stages, personas, journey map) up to date with new
   * events; a map request also refreshes first, so this only keeps that wait short. 0 turns it off.
   */
  journeyRefreshSeconds: Type.Integer({ minimum: 0 }),
  /**
   * Longest an analysis (journey map, funnel, paths, retention, frictions, …) may run on the server;
   * past it, its query is interrupted and the request gets 503 analysis_timeout. 0 is no limit.
   */
  analysisTimeoutMs: Type.Integer({ minimum: 0 }),
  /**
   * The workspace's time zone (IANA, e.g. Asia/Seoul): a period given as dates (from=2026-05-01) starts
   * and ends at midnight there.
   */
  timeZone: Type.String({ minLength: 1 }),
  /** How long a dashboard sign-in lasts. */
  sessionHours: Type.Number({ exclusiveMinimum: 0, maximum: 24 * 90 }),
  /** The built dashboard (`npm run build` writes it); "" is the one built into this package. */
  dashboardDir: Type.String(),
  /** The CLI's language for findings (frictions): the locale's (LANG, LC_MESSAGES, LC_ALL), or --lang. */
  language: Type.Union([Type.Literal("en"), Type.Literal("ko")]),
  /** The ingest log and its loader (src/loader/): an ack means the events are in the log. */
  writer: Type.Object({
    /** Events acknowledged but not yet stored, beyond which requests get 503 so the log stays bounded. */
    maxBacklogEvents: Type.Integer({ minimum: 1 }),
    /** A log segment past this size is sealed for the loader; bounds the loader's batch and memory. */
    maxSegmentMb: Type.Integer({ minimum: 1, maximum: 1024 }),
    /** How long an idle loader lets a batch gather after the first event arrives. */
    loaderLingerMs: Type.Integer({ minimum: 0, maximum: 10_000 }),
  }),
  /** The live feed (src/live/): events as they are stored, and the journey tables kept close behind them. */
  live: Type.Object({
    /**
     * After new events are stored, the journey tables are refreshed this many seconds later (events that
     * arrive meanwhile join the same refresh), and never more often than once per this interval, so the
     * overview and the map follow new data within seconds without a refresh per event. 0 leaves it to
     * journeyRefreshSeconds.
     */
    refreshAfterEventsSeconds: Type.Number({ minimum: 0, maximum: 3600 }),
    /** A comment line sent on an idle stream this often, so proxies and the browser keep it open. */
    heartbeatSeconds: Type.Number({ exclusiveMinimum: 0, maximum: 300 }),
    /** Messages held for one slow client; past it the oldest are dropped and the client is told how many. */
    queueMessages: Type.Integer({ minimum: 1, maximum: 100_000 }),
  }),
  identity: IdentityConfig,
  /**
   * How long events are kept. A rule matches the events that fit every field it names (channel, event
   * name, message type; none: every event); an event older than the days of any rule matching it is
   * deleted with its derived journey rows, once at start and then daily (src/privacy/retention.ts).
   */
  retention: Type.Array(
    Type.Object(
      {
        channel: Type.Optional(Type.String({ minLength: 1 })),
        event: Type.Optional(Type.String({ minLength: 1 })),
        type: Type.Optional(
          Type.Union(["track", "identify", "page", "screen", "group", "alias"].map((t) => Type.Literal(t))),
        ),
        days: Type.Integer({ minimum: 1 }),
      },
      { additionalProperties: false },
    ),
  ),
});
export type Config = Static<typeof ConfigSchema>;
export type IdentitySettings = Static<typeof IdentityConfig>;

export const defaultConfig: Config = {
  host: "127.0.0.1",
  port: 8700,
  databasePath: "./data/itinera.duckdb",
  checkpointThresholdMb: 128,
  memoryLimitMb: 768,
  logLevel: "info",
  devWriteKeys: [],
  demoOnFirstRun: true,
  limits: { maxEventBytes: 32 * 1024, maxRequestBytes: 500 * 1024, maxJsonDepth: 64 },
  // The ingest target, 50,000 events/s in batches of 500, is 100 requests/s: 5,000/s per write key leaves
  // room for browser SDKs that send one event per request under one shared key.
  rateLimit: { collectRequests: 5000, collectWindowSeconds: 1, apiRequests: 1200, apiWindowSeconds: 60 },
  http: {
    trustProxy: false,
    cookieSecure: "auto",
    apiCorsOrigins: [],
    headersTimeoutMs: 30_000,
    requestTimeoutMs: 120_000,
    keepAliveTimeoutMs: 72_000,
    connectionTimeoutMs: 300_000,
  },
  dedupeWindowDays: 30,
  journeyRefreshSeconds: 60,
  analysisTimeoutMs: 120_000,
  sessionHours: 12,
  timeZone: "UTC",
  dashboardDir: "",
  language: "en",
  writer: { maxBacklogEvents: 2_000_000, maxSegmentMb: 64, loaderLingerMs: 5 },
  live: { refreshAfterEventsSeconds: 3, heartbeatSeconds: 15, queueMessages: 500 },
  retention: [],
  identity: {
    traitIdentifiers: ["loyalty_card", "social_handle"],
    blockedValues: [
      "",
      "null",
      "undefined",
      "none",
      "nil",
      "0",
      "-1",
      "anonymous",
      "unknown",
      "guest",
      "n/a",
      "na",
      "test",
      "test@test.com",
      "test@example.com",
      "noemail@noemail.com",
      "no@email.com",
      "0000000000",
      "+10000000000",
      "1234567890",
      "+11234567890",
    ],
    // Segment Unify's defaults are similar: one user id, a handful of emails and phones.
    caps: { user_id: 1, email: 5, phone: 5, anonymous_id: 200, loyalty_card: 3, social_handle: 5 },
    defaultPhoneRegion: "KR",
  },
};

/** A partial configuration, as read from a file, the environment or flags. */
export type ConfigOverrides = {
  [K in keyof Config]?: Config[K] extends unknown[]
    ? Config[K]
    : Config[K] extends object
      ? Partial<Config[K]>
      : Config[K];
};

/** A POSIX locale ("ko_KR.UTF-8", "C.UTF-8") as one of the languages Itinera speaks. */
const languageOf = (locale: string): ConfigOverrides =>
  locale === "" ? {} : { language: locale.toLowerCase().startsWith("ko") ? "ko" : "en" };

// Read in this order, each overriding the one before (POSIX: LC_ALL wins over LC_MESSAGES over LANG; an
// empty one counts as unset).
const envVars: Record<string, (v: string) => ConfigOverrides> = {
  LANG: languageOf,
  LC_MESSAGES: languageOf,
  LC_ALL: languageOf,
  ITINERA_HOST: (v) => ({ host: v }),
  ITINERA_PORT: (v) => ({ port: Number(v) }),
  ITINERA_DATABASE: (v) => ({ databasePath: v }),
  ITINERA_LOG_LEVEL: (v) => ({ logLevel: v as Config["logLevel"] }),
  ITINERA_WRITE_KEY: (v) => ({ devWriteKeys: v.split(",").filter(Boolean) }),
  ITINERA_DEMO: (v) => ({ demoOnFirstRun: v !== "0" && v !== "false" }),
  ITINERA_DEDUPE_WINDOW_DAYS: (v) => ({ dedupeWindowDays: Number(v) }),
  ITINERA_MEMORY_LIMIT_MB: (v) => ({ memoryLimitMb: Number(v) }),
  ITINERA_JOURNEY_REFRESH_SECONDS: (v) => ({ journeyRefreshSeconds: Number(v) }),
  ITINERA_LIVE_REFRESH_SECONDS: (v) => ({ live: { refreshAfterEventsSeconds: Number(v) } }),
  ITINERA_ANALYSIS_TIMEOUT_MS: (v) => ({ analysisTimeoutMs: Number(v) }),
  ITINERA_SESSION_HOURS: (v) => ({ sessionHours: Number(v) }),
  ITINERA_TIME_ZONE: (v) => ({ timeZone: v }),
  ITINERA_DASHBOARD_DIR: (v) => ({ dashboardDir: v }),
  ITINERA_TRUST_PROXY: (v) => ({ http: { trustProxy: v === "1" || v === "true" } }),
  // Anything but auto/true/1/false/0 is passed on as it is, so validation names the setting.
  ITINERA_COOKIE_SECURE: (v) => ({
    http: {
      cookieSecure: (v === "1" || v === "true"
        ? true
        : v === "0" || v === "false"
          ? false
          : v) as Config["http"]["cookieSecure"],
    },
  }),
  ITINERA_RATE_LIMIT_COLLECT: (v) => ({ rateLimit: { collectRequests: Number(v) } }),
  ITINERA_RATE_LIMIT_API: (v) => ({ rateLimit: { apiRequests: Number(v) } }),
};

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

// Deep, so `identity.caps: { email: 1 }` lowers one cap and keeps the others (user_id: 1 above all).
function mergeRecord(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const cur = out[k];
    out[k] = isRecord(cur) && isRecord(v) ? mergeRecord(cur, v) : v;
  }
  return out;
}

const merge = (base: Config, over: ConfigOverrides): Config =>
  mergeRecord(base, over as Record<string, unknown>) as Config;

function readConfigFile(env: NodeJS.ProcessEnv): Result<ConfigOverrides, string> {
  const explicit = env.ITINERA_CONFIG;
  const file = explicit ?? path.resolve("itinera.config.json");
  if (!fs.existsSync(file)) return explicit ? err(`config file ${file} does not exist`) : ok({});
  try {
    return ok(JSON.parse(fs.readFileSync(file, "utf8")) as ConfigOverrides);
  } catch (e) {
    return err(`config file ${file} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Builds and validates the configuration. Errors name the setting and how to fix it. */
/** Whether `name` is a time zone this runtime knows (an IANA name such as Asia/Seoul). */
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export function loadConfig(
  flags: ConfigOverrides = {},
  env: NodeJS.ProcessEnv = process.env,
): Result<Config, string> {
  const fromFile = readConfigFile(env);
  if (!fromFile.ok) return fromFile;
  let config = merge(defaultConfig, fromFile.value);
  for (const [name, read] of Object.entries(envVars)) {
    const raw = env[name];
    if (raw !== undefined) config = merge(config, read(raw));
  }
  config = merge(config, flags);
  const errors = [...Value.Errors(ConfigSchema, config)];
  if (errors.length > 0) {
    const lines = errors
      .slice(0, 5)
      .map((e) => `  ${e.path || "/"}: ${e.message} (got ${JSON.stringify(e.value)})`);
    return err(
      `invalid configuration:\n${lines.join("\n")}\nFix the flag, ITINERA_* variable or config file entry named above.`,
    );
  }
  if (!isTimeZone(config.timeZone))
    return err(
      `invalid configuration: timeZone "${config.timeZone}" is not a time zone; use an IANA name such as UTC, Europe/London or Asia/Seoul`,
    );
  const { headersTimeoutMs, requestTimeoutMs } = config.http;
  // node refuses a headers timeout longer than the whole request's.
  if (requestTimeoutMs > 0 && headersTimeoutMs > requestTimeoutMs)
    return err(
      `invalid configuration: http.headersTimeoutMs (${headersTimeoutMs}) must not exceed http.requestTimeoutMs (${requestTimeoutMs})`,
    );
  return ok(config);
}
