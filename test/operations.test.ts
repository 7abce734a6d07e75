// The operation table (src/server/operations.ts) is the one source of what it lists: every entry is a
// route of the running server with its method, path, access, security and answer in the OpenAPI
// document; every documented route outside the table is one of a short list of exceptions; and a
// command that performs an entry prints the same JSON with a server as on the file.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPERATIONS } from "../src/server/operations.js";
import { ensureBuilt, killAll, runCli, runCliJson } from "./helpers/cli.js";
import { startTestServer, type TestServer, tempDir } from "./helpers/server.js";

/**
 * Documented routes that are not entries of the table, and why: collection, streams, downloads and
 * sign-in cannot be one entry (their request is not the product API's, their answer is not a document of
 * a schema, or they set cookies).
 */
const NOT_IN_TABLE: Record<string, string> = {
  "GET /healthz": "liveness, outside /api",
  "POST /v1/batch": "collection: a write key, Segment-compatible bodies",
  "POST /v1/track": "collection",
  "POST /v1/identify": "collection",
  "POST /v1/page": "collection",
  "POST /v1/screen": "collection",
  "POST /v1/group": "collection",
  "POST /v1/alias": "collection",
  "GET /api/journey-map/export": "a file download (CSV or JSON under a file name)",
  "GET /api/live/events": "server-sent events",
  "POST /api/imports": "an import: on the file, the command shows progress, which one answer cannot carry",
  "GET /api/customers/{id}/export": "JSON or streamed JSONL",
  "POST /api/auth/login": "sign-in: sets the session cookie",
  "POST /api/auth/logout": "sign-out: clears the session cookie",
  "GET /api/auth/session": "the session of the cookie",
  "GET /api/auth/me": "the signed-in account",
};

const openapiPath = (p: string) => p.replace(/:(\w+)/g, "{$1}");

interface DocOperation {
  operationId?: string;
  "x-access"?: string;
  security?: unknown[];
  responses?: Record<string, unknown>;
  summary?: string;
  tags?: string[];
}

describe("the operation table and the OpenAPI document", () => {
  let server: TestServer;
  let paths: Record<string, Record<string, DocOperation>>;

  beforeAll(async () => {
    server = await startTestServer();
    const doc = await server.api<{ paths: typeof paths }>("/api/openapi.json", { token: null });
    paths = doc.body.paths;
  });
  afterAll(async () => {
    await server.close();
  });

  it("has every operation at its method and path, with its access, security, summary and answer", () => {
    expect(new Set(OPERATIONS.map((o) => o.id)).size).toBe(OPERATIONS.length);
    for (const op of OPERATIONS) {
      const documented = paths[openapiPath(op.path)]?.[op.method.toLowerCase()];
      expect(documented, `${op.method} ${op.path}`).toBeDefined();
      expect(documented?.operationId).toBe(op.id);
      expect(documented?.["x-access"]).toBe(op.access);
      expect(documented?.security).toEqual(op.access === "public" ? [] : [{ bearerAuth: [] }]);
      expect(documented?.summary).toBe(op.summary);
      expect(documented?.tags).toEqual(op.tags);
      expect(Object.keys(documented?.responses ?? {})).toEqual(
        expect.arrayContaining([String(op.status ?? 200), "400", "401", "403", "404"]),
      );
    }
  });

  it("documents no route outside the table but the listed exceptions", () => {
    const inTable = new Set(OPERATIONS.map((o) => `${o.method} ${openapiPath(o.path)}`));
    const outside = Object.entries(paths)
      .flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`))
      .filter((route) => !inTable.has(route));
    expect(outside.filter((route) => !(route in NOT_IN_TABLE))).toEqual([]);
    // And the list holds no route that has become an entry, or is gone.
    expect(Object.keys(NOT_IN_TABLE).filter((route) => !outside.includes(route))).toEqual([]);
  });
});

describe("a command performs an operation alike with a server and on the file", () => {
  let dir: string;
  let demoDb: string;
  const answers: Record<"file" | "server", Record<string, unknown>> = { file: {}, server: {} };
  const commands: Record<string, string[]> = {
    frictions: ["frictions", "--limit", "5"],
    retention: ["retention", "--start", "Product Viewed", "--return", "Order Completed", "--periods", "3"],
    customers: [
      "funnel",
      "customers",
      ...["--steps", "Product Viewed,Order Completed", "--dropped", "1", "--limit", "5"],
    ],
    touchpoints: ["touchpoints", "unmatched", "--limit", "5"],
    bad: ["frictions", "customers", "no-such-kind:x"],
  };

  beforeAll(async () => {
    await ensureBuilt();
    dir = tempDir("operations-cli");
    demoDb = path.join(dir, "demo.duckdb");
    const args = ["demo", "generate", "--customers", "80", "--days", "14", "--seed", "5"];
    await runCliJson(dir, [...args, "--end", "2026-06-01", "--into", demoDb]);
  });
  afterAll(async () => {
    await killAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each(["file", "server"] as const)("runs the commands (%s)", async (mode) => {
    const db = path.join(dir, `${mode}.duckdb`);
    fs.copyFileSync(demoDb, db);
    const server =
      mode === "server"
        ? await startTestServer({ databasePath: db, config: { journeyRefreshSeconds: 0 } })
        : undefined;
    try {
      for (const [name, args] of Object.entries(commands)) {
        const r = await runCli(dir, ["--json", "--db", db, ...args]);
        answers[mode][name] = { code: r.code, answer: JSON.parse(r.stdout) };
      }
    } finally {
      await server?.close();
    }
  });

  it("gives the same JSON both ways", () => {
    const strip = (v: unknown): unknown =>
      JSON.parse(JSON.stringify(v, (k, x) => (k === "asOf" ? undefined : x)));
    expect(Object.keys(answers.file)).toEqual(Object.keys(commands));
    for (const name of Object.keys(commands))
      expect(strip(answers.server[name]), name).toEqual(strip(answers.file[name]));
    // The failure is the operation's (an unknown friction: not found), with its exit code, both ways.
    expect(answers.file.bad).toMatchObject({ code: 3, answer: { error: { message: expect.any(String) } } });
  });
});
