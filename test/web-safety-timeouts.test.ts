// Abuse and web safety on real servers, the timeouts: a server behind a proxy with short timeouts (the
// Secure cookie flag, CORS origins, X-Forwarded-Host, slow clients cut off) and the connection timeout.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { basicAuth, type ErrorReply, startTestServer, type TestServer, uid } from "./helpers/server.js";
import { hostOf, rawRequest } from "./helpers/web-safety.js";

describe("behind a proxy, with short timeouts", () => {
  let server: TestServer;
  let admin: { email: string; password: string };
  beforeAll(async () => {
    server = await startTestServer({
      config: {
        journeyRefreshSeconds: 0,
        http: {
          trustProxy: true,
          cookieSecure: "auto",
          apiCorsOrigins: ["https://admin.example"],
          headersTimeoutMs: 500,
          requestTimeoutMs: 1500,
          keepAliveTimeoutMs: 800,
          connectionTimeoutMs: 60_000,
        },
      },
    });
    admin = server.running.firstRun!.admin;
  });
  afterAll(() => server?.close());

  const signIn = (headers: Record<string, string>) =>
    server.raw<{ token: string }>("/api/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(admin),
    });

  it("mark the session cookie Secure when the proxy says the request came over HTTPS", async () => {
    const https = await signIn({ "x-forwarded-proto": "https" });
    expect(https.status).toBe(200);
    expect(https.headers.get("set-cookie")).toMatch(/; Max-Age=43200; Secure$/);
    const http = await signIn({ "x-forwarded-proto": "http" });
    expect(http.headers.get("set-cookie")).not.toMatch(/Secure/);
    const logout = await server.raw("/api/auth/logout", {
      method: "POST",
      headers: { authorization: `Bearer ${https.body.token}`, "x-forwarded-proto": "https" },
    });
    expect(logout.headers.get("set-cookie")).toBe(
      "itinera_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure",
    );
  });

  it("open /api to the origins of http.apiCorsOrigins, with credentials, and to no other", async () => {
    const preflight = (origin: string) =>
      server.raw("/api/accounts", {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST" },
      });
    const admitted = await preflight("https://admin.example");
    expect(admitted.status).toBe(204);
    expect(admitted.headers.get("access-control-allow-origin")).toBe("https://admin.example");
    expect(admitted.headers.get("access-control-allow-credentials")).toBe("true");
    const other = await preflight("https://evil.example");
    expect(other.status).toBe(403);
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("compare Origin with X-Forwarded-Host when the proxy is trusted", async () => {
    const session = await signIn({});
    const post = (origin: string) =>
      server.raw<ErrorReply>("/api/accounts", {
        method: "POST",
        headers: {
          cookie: `itinera_session=${encodeURIComponent(session.body.token)}`,
          "content-type": "application/json",
          origin,
          "x-forwarded-host": "journeys.example",
        },
        body: JSON.stringify({ email: `${uid("p")}@example.com`, name: "P" }),
      });
    expect((await post("https://journeys.example")).status).toBe(201);
    expect((await post("https://evil.example")).status).toBe(403);
  });

  it("cut a client that sends its headers too slowly after headersTimeoutMs, with 408", async () => {
    const res = await rawRequest(server.url, `GET /healthz HTTP/1.1\r\nHost: ${hostOf(server.url)}\r\n`, {
      text: "X-Slow: 1\r\n",
      everyMs: 100,
    });
    expect(res.status).toBe(408);
    expect(res.body).toEqual({
      error: { code: "request_timeout", message: "the request did not arrive in time", status: 408 },
    });
    expect(res.closedAfterMs).toBeGreaterThanOrEqual(450);
    expect(res.closedAfterMs).toBeLessThan(2000);
  });

  it("cut a client that sends its body too slowly after requestTimeoutMs, with 408", async () => {
    const res = await rawRequest(
      server.url,
      `POST /v1/track HTTP/1.1\r\nHost: ${hostOf(server.url)}\r\nAuthorization: ${basicAuth("wk_test_dev_key_0001")}\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"event":"Slow",`,
      { text: " ", everyMs: 100 },
    );
    expect(res.status).toBe(408);
    expect((res.body as ErrorReply).error.code).toBe("request_timeout");
    expect(res.closedAfterMs).toBeGreaterThanOrEqual(1400);
    expect(res.closedAfterMs).toBeLessThan(3500);
    expect(await server.query("SELECT 1 FROM events WHERE event = 'Slow'")).toEqual([]);
  });

  it("close an idle kept-alive connection after keepAliveTimeoutMs", async () => {
    const res = await rawRequest(server.url, `GET /healthz HTTP/1.1\r\nHost: ${hostOf(server.url)}\r\n\r\n`);
    expect(res.status).toBe(200);
    expect(res.closedAfterMs).toBeGreaterThanOrEqual(750);
    // node 20 closes an idle kept-alive socket about a second after its keepAliveTimeout.
    expect(res.closedAfterMs).toBeLessThan(3500);
  });
});

describe("the connection timeout", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      config: { journeyRefreshSeconds: 0, http: { headersTimeoutMs: 5000, connectionTimeoutMs: 300 } },
    });
  });
  afterAll(() => server?.close());

  it("closes a silent connection after connectionTimeoutMs", async () => {
    const res = await rawRequest(server.url, "");
    expect(res.status).toBe(0);
    expect(res.closedAfterMs).toBeGreaterThanOrEqual(250);
    expect(res.closedAfterMs).toBeLessThan(2000);
  });

  it("does not cut an import that works longer than that without a byte on the socket", async () => {
    const file = path.join(server.dir, "many.csv");
    // Enough rows that even a fast import outlasts the 300 ms timeout several times over.
    const rows = Array.from({ length: 100_000 }, (_, i) => `u${i % 5000},2025-03-01T10:00:00Z,Row ${i}`);
    fs.writeFileSync(file, `userId,timestamp,event\n${rows.join("\n")}\n`);
    const started = Date.now();
    const res = await server.api<{ imported: number }>("/api/imports", {
      body: { path: file, mapping: {}, defaults: {} },
    });
    // Meaningful only when the import outlasted the timeout, by far.
    expect(Date.now() - started).toBeGreaterThan(900);
    expect(res.status).toBe(200);
    expect(res.body.imported).toBe(100_000);
  });
});
