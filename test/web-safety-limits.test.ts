// Abuse and web safety on real servers, the limits: settings, rate limits per write key and per token,
// cross-site requests made with the sign-in cookie, CORS, the Secure cookie flag and the password policy.
// Bodies nested too deep and errors answered before any route are in web-safety-input.test.ts; slow
// clients cut off, and a server behind a proxy, in web-safety-timeouts.test.ts.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { passwordProblem } from "../src/auth/password-policy.js";
import { type ConfigOverrides, loadConfig } from "../src/config.js";
import { type ErrorReply, startTestServer, type TestServer, uid } from "./helpers/server.js";

const OTHER_KEY = "wk_test_dev_key_0002";

describe("settings", () => {
  it("default to limits that leave the ingest target room, and read ITINERA_* for the edge", () => {
    const defaults = loadConfig({}, { ITINERA_CONFIG: emptyConfigFile() });
    expect(defaults.ok && defaults.value.rateLimit).toEqual({
      collectRequests: 5000,
      collectWindowSeconds: 1,
      apiRequests: 1200,
      apiWindowSeconds: 60,
    });
    expect(defaults.ok && defaults.value.http.cookieSecure).toBe("auto");
    expect(defaults.ok && defaults.value.http.trustProxy).toBe(false);
    const env = loadConfig(
      {},
      {
        ITINERA_CONFIG: emptyConfigFile(),
        ITINERA_TRUST_PROXY: "1",
        ITINERA_COOKIE_SECURE: "true",
        ITINERA_RATE_LIMIT_COLLECT: "0",
        ITINERA_RATE_LIMIT_API: "30",
      },
    );
    expect(env.ok && [env.value.http.trustProxy, env.value.http.cookieSecure]).toEqual([true, true]);
    expect(env.ok && [env.value.rateLimit.collectRequests, env.value.rateLimit.apiRequests]).toEqual([0, 30]);
  });

  it("refuse a headers timeout longer than the request timeout", () => {
    const r = loadConfig({ http: { headersTimeoutMs: 10_000, requestTimeoutMs: 5_000 } } as ConfigOverrides, {
      ITINERA_CONFIG: emptyConfigFile(),
    });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toBe(
      "invalid configuration: http.headersTimeoutMs (10000) must not exceed http.requestTimeoutMs (5000)",
    );
  });
});

function emptyConfigFile(): string {
  const file = path.join(os.tmpdir(), "itinera-web-safety-empty.config.json");
  fs.writeFileSync(file, "{}");
  return file;
}

describe("rate limits", () => {
  let server: TestServer;
  let otherToken: string;
  beforeAll(async () => {
    server = await startTestServer({
      config: {
        journeyRefreshSeconds: 0,
        devWriteKeys: ["wk_test_dev_key_0001", OTHER_KEY],
        rateLimit: { collectRequests: 3, collectWindowSeconds: 60, apiRequests: 4, apiWindowSeconds: 60 },
      },
    });
    otherToken = `itk_test_${uid("other")}`;
    server.running.ctx.apiTokens.allow(otherToken, "other");
  });
  afterAll(() => server?.close());

  it("answer 429 with Retry-After once a write key has sent its requests; another key is not held back", async () => {
    const track = () => ({ type: "track", event: "Viewed", userId: uid("u") });
    for (let i = 0; i < 3; i++) expect((await server.collect("/v1/track", track())).status).toBe(200);
    const over = await server.collect<ErrorReply>("/v1/track", track());
    expect(over.status).toBe(429);
    // The same key with something as its Basic-auth password is the same counter.
    const varied = await server.raw("/v1/track", {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from("wk_test_dev_key_0001:x").toString("base64")}`,
        "content-type": "application/json",
      },
      body: JSON.stringify(track()),
    });
    expect(varied.status).toBe(429);
    expect(over.body.error.code).toBe("rate_limited");
    expect(over.body.error.status).toBe(429);
    const retryAfter = Number(over.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // A batch is one request, however many events it holds.
    const batch = await server.collect(
      "/v1/batch",
      { batch: [track(), track(), track(), track()] },
      { key: OTHER_KEY },
    );
    expect(batch.status).toBe(200);
    expect(batch.body.accepted).toBe(4);
  });

  it("count /api per token: one token's use does not limit another's", async () => {
    for (let i = 0; i < 4; i++) expect((await server.api("/api/auth/me")).status).toBe(200);
    const over = await server.api<ErrorReply>("/api/auth/me");
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe("rate_limited");
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await server.api("/api/auth/me", { token: otherToken })).status).toBe(200);
  });
});

describe("the edge of a server with default settings", () => {
  let server: TestServer;
  let admin: { email: string; password: string };
  beforeAll(async () => {
    server = await startTestServer({ config: { journeyRefreshSeconds: 0 } });
    admin = server.running.firstRun!.admin;
  });
  afterAll(() => server?.close());

  async function signIn(headers: Record<string, string> = {}) {
    const res = await server.raw<{ token: string }>("/api/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(admin),
    });
    expect(res.status).toBe(200);
    return {
      cookie: `itinera_session=${encodeURIComponent(res.body.token)}`,
      setCookie: res.headers.get("set-cookie"),
    };
  }

  const newAccount = () => JSON.stringify({ email: `${uid("csrf")}@example.com`, name: "C" });

  describe("cross-site requests with the sign-in cookie", () => {
    it("refuse a cookie POST marked cross-site or from another origin, with 403 cross_site_request", async () => {
      const { cookie } = await signIn();
      for (const headers of <Array<Record<string, string>>>[
        { "sec-fetch-site": "cross-site" },
        { "sec-fetch-site": "same-site" },
        { origin: "https://evil.example" },
        { "sec-fetch-site": "same-origin", origin: "https://evil.example" },
        { origin: "null" },
      ]) {
        const res = await server.raw<ErrorReply>("/api/accounts", {
          method: "POST",
          headers: { cookie, "content-type": "application/json", ...headers },
          body: newAccount(),
        });
        expect(res.status, JSON.stringify(headers)).toBe(403);
        expect(res.body.error.code).toBe("cross_site_request");
      }
    });

    it("allow the same cookie POST from the same origin, and a typed-in navigation (none)", async () => {
      const { cookie } = await signIn();
      for (const headers of <Array<Record<string, string>>>[
        { "sec-fetch-site": "same-origin", origin: server.url },
        { "sec-fetch-site": "none" },
        {},
      ]) {
        const res = await server.raw("/api/accounts", {
          method: "POST",
          headers: { cookie, "content-type": "application/json", ...headers },
          body: newAccount(),
        });
        expect(res.status, JSON.stringify(headers)).toBe(201);
      }
    });

    it("leave requests with a Bearer token alone, whatever their origin", async () => {
      const res = await server.raw("/api/accounts", {
        method: "POST",
        headers: {
          authorization: `Bearer ${server.apiToken}`,
          "content-type": "application/json",
          "sec-fetch-site": "cross-site",
          origin: "https://tools.example",
        },
        body: newAccount(),
      });
      expect(res.status).toBe(201);
    });

    it("ignore X-Forwarded-Host without trustProxy", async () => {
      const { cookie } = await signIn();
      const res = await server.raw<ErrorReply>("/api/accounts", {
        method: "POST",
        headers: {
          cookie,
          "content-type": "application/json",
          origin: "https://journeys.example",
          "x-forwarded-host": "journeys.example",
        },
        body: newAccount(),
      });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("cross_site_request");
    });
  });

  describe("CORS", () => {
    it("let any web page send events to /v1, without credentials", async () => {
      const pre = await server.raw("/v1/batch", {
        method: "OPTIONS",
        headers: {
          origin: "https://shop.example",
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type,authorization",
        },
      });
      expect(pre.status).toBe(204);
      expect(pre.headers.get("access-control-allow-origin")).toBe("*");
      expect(pre.headers.get("access-control-allow-credentials")).toBeNull();
      const post = await server.collect(
        "/v1/track",
        { event: "Viewed", userId: uid("u") },
        {
          headers: { origin: "https://shop.example" },
        },
      );
      expect(post.status).toBe(200);
      expect(post.headers.get("access-control-allow-origin")).toBe("*");
    });

    it("do not open /api to other origins", async () => {
      const pre = await server.raw("/api/accounts", {
        method: "OPTIONS",
        headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
      });
      expect(pre.status).toBe(403);
      expect((pre.body as ErrorReply).error.code).toBe("cross_origin_refused");
      expect(pre.headers.get("access-control-allow-origin")).toBeNull();
      expect(pre.headers.get("access-control-allow-credentials")).toBeNull();
      const get = await server.raw("/api/auth/session", { headers: { origin: "https://evil.example" } });
      expect(get.status).toBe(200);
      expect(get.headers.get("access-control-allow-origin")).toBeNull();
    });

    it("keep /api answers out of caches and content sniffing, errors included", async () => {
      for (const r of [await server.api("/api/customers?q=x"), await server.api("/api/customers/0")]) {
        expect(r.headers.get("cache-control")).toBe("no-store");
        expect(r.headers.get("x-content-type-options")).toBe("nosniff");
      }
      const health = await server.raw("/healthz", {});
      expect(health.headers.get("cache-control")).toBeNull();
    });
  });

  it("set the session cookie without Secure over plain HTTP, X-Forwarded-Proto ignored without trustProxy", async () => {
    const { setCookie } = await signIn({ "x-forwarded-proto": "https" });
    expect(setCookie).toMatch(
      /^itinera_session=its_[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/,
    );
  });

  describe("passwords", () => {
    const create = (email: string, password: string) =>
      server.api<ErrorReply & { account: { id: string } }>("/api/accounts", {
        body: { email, name: "P", password },
      });

    it("refuse short, common, repeated and email-derived passwords with the reason", async () => {
      const email = `${uid("marta")}@example.com`;
      const name = email.split("@")[0]!;
      const cases: Array<[string, RegExp]> = [
        ["fourteen-chars", /must NOT have fewer than 15 characters/],
        ["1qaz2wsx3edc4rfv", /commonly used passwords/],
        ["PasswordPassword", /commonly used passwords/],
        ["abcabcabcabcabcabc", /one short sequence repeated/],
        [`my ${name} secret`, /email name/],
      ];
      for (const [password, reason] of cases) {
        const res = await create(email, password);
        expect(res.status, password).toBe(400);
        expect(res.body.error.message).toMatch(reason);
      }
      expect(await server.query("SELECT 1 FROM accounts WHERE email = $1", [email])).toEqual([]);
    });

    it("accept a long passphrase (spaces, any script, no composition rules) up to 200 characters", async () => {
      const long = `${"tarte aux pommes et café crème ".repeat(6)}fin`;
      expect([...long].length).toBeGreaterThan(64);
      const created = await create(`${uid("p")}@example.com`, long);
      expect(created.status).toBe(201);
      expect((await create(`${uid("p")}@example.com`, "correct horse battery staple")).status).toBe(201);
      expect((await create(`${uid("p")}@example.com`, `${"x".repeat(10)}${"y".repeat(191)}`)).status).toBe(
        400,
      );
    });

    it("apply the same policy to a reset", async () => {
      const email = `${uid("reset")}@example.com`;
      const created = await create(email, "a walk by the river at dawn");
      expect(created.status).toBe(201);
      const path = `/api/accounts/${created.body.account.id}/password`;
      const common = await server.api<ErrorReply>(path, { body: { password: "passwordpassword" } });
      expect(common.status).toBe(400);
      expect(common.body.error.message).toMatch(/commonly used passwords/);
      expect((await server.api(path, { body: { password: "the river at dusk, later" } })).status).toBe(200);
    });

    it("count code points, ignore case for the list, and keep made-up passwords out of the email check", async () => {
      expect(await passwordProblem(`${"ñ".repeat(7)}日本語の文章です`, "a@b.c")).toBeUndefined();
      expect(await passwordProblem("日本語の文章です", "a@b.c")).toMatch(
        /at least 15 characters \(it has 8\)/,
      );
      expect(await passwordProblem("QWERTY123456789", "a@b.c")).toMatch(/commonly used/);
      expect(await passwordProblem("itinera rocks every day", "a@b.c")).toMatch(/"itinera"/);
    });
  });
});
