// Sign-in for people: the first admin a new database gets, sessions by header or cookie, roles, throttling,
// sign-out, disabling and password resets — on a real server with a real database file.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, runCli, runCliJson } from "./helpers/cli.js";
import { ManualClock } from "./helpers/clock.js";
import { type ErrorReply, startTestServer, type TestServer, uid } from "./helpers/server.js";

let server: TestServer;
let admin: { email: string; password: string };

interface Session {
  token: string;
  expiresAt: string;
  account: { id: string; email: string; role: string };
}

async function login(email: string, password: string, on = server) {
  return on.raw<Session & ErrorReply>("/api/auth/login", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
}

const as = (token: string) => ({ token });

beforeAll(async () => {
  server = await startTestServer({ config: { journeyRefreshSeconds: 0 } });
  const first = server.running.firstRun;
  if (!first) throw new Error("a new database should come with a first admin");
  admin = first.admin;
});

afterAll(async () => {
  await server?.close();
});

describe("accounts and sign-in", () => {
  it("give a new database an admin whose password is stored only as a hash", async () => {
    expect(admin.email).toBe("admin@itinera.local");
    expect(admin.password.length).toBeGreaterThanOrEqual(12);
    const [row] = await server.query("SELECT password_hash FROM accounts WHERE email = $1", [admin.email]);
    expect(String(row?.password_hash)).toMatch(/^scrypt\$/);
    expect(String(row?.password_hash)).not.toContain(admin.password);
  });

  it("sign in with email and password, and use the session for the API by header or cookie", async () => {
    const res = await login(admin.email.toUpperCase(), admin.password);
    expect(res.status).toBe(200);
    expect(res.headers.get("set-cookie")).toMatch(
      /^itinera_session=its_[^;]+; Path=\/; HttpOnly; SameSite=Strict/,
    );
    const me = await server.api<{ kind: string; account: { role: string } }>(
      "/api/auth/me",
      as(res.body.token),
    );
    expect(me.body).toMatchObject({ kind: "account", account: { role: "admin" } });
    expect((await server.api("/api/touchpoints", as(res.body.token))).status).toBe(200);
    const byCookie = await server.raw<{ kind: string }>("/api/auth/me", {
      headers: { cookie: `other=1; itinera_session=${encodeURIComponent(res.body.token)}` },
    });
    expect(byCookie.status).toBe(200);
    expect(byCookie.body.kind).toBe("account");
    // Scripts keep their API tokens.
    expect((await server.api<{ kind: string }>("/api/auth/me")).body.kind).toBe("token");
  });

  it("refuse a wrong password and an unknown email alike, and throttle repeated failures", async () => {
    const wrong = await login(admin.email, "not the password at all");
    const unknown = await login("nobody@example.com", "whatever it is");
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
    const target = `${uid("target")}@example.com`;
    for (let i = 0; i < 10; i++) expect((await login(target, "guess-guess-guess")).status).toBe(401);
    const blocked = await login(target, "guess-guess-guess");
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe("too_many_attempts");
  });

  it("let admins manage accounts and keep analysts out of that", async () => {
    const adminSession = (await login(admin.email, admin.password)).body.token;
    const email = `${uid("analyst")}@example.com`;
    const created = await server.api<{ account: { id: string; role: string }; password: string }>(
      "/api/accounts",
      {
        method: "POST",
        body: { email, name: "Analyst" },
        ...as(adminSession),
      },
    );
    expect(created.status).toBe(201);
    expect(created.body.account.role).toBe("analyst");
    const member = (await login(email, created.body.password)).body.token;
    expect((await server.api("/api/touchpoints", as(member))).status).toBe(200);
    const denied = await server.api<ErrorReply>("/api/accounts", as(member));
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe("forbidden");
    const twice = await server.api<ErrorReply>("/api/accounts", {
      method: "POST",
      body: { email, name: "Again" },
    });
    expect(twice.status).toBe(409);
    const short = await server.api<ErrorReply>("/api/accounts", {
      method: "POST",
      body: { email: `${uid("x")}@example.com`, name: "X", password: "short" },
    });
    expect(short.status).toBe(400);

    // A new password ends the member's sessions; disabling ends sign-in altogether.
    const reset = await server.api<{ password: string }>(
      `/api/accounts/${created.body.account.id}/password`,
      {
        method: "POST",
        body: {},
      },
    );
    expect(reset.status).toBe(200);
    expect((await server.api<ErrorReply>("/api/touchpoints", as(member))).body.error.code).toBe(
      "invalid_session",
    );
    expect((await login(email, created.body.password)).status).toBe(401);
    const again = (await login(email, reset.body.password)).body.token;
    expect((await server.api(`/api/accounts/${created.body.account.id}`, { method: "DELETE" })).status).toBe(
      200,
    );
    expect((await server.api("/api/touchpoints", as(again))).status).toBe(401);
    expect((await login(email, reset.body.password)).status).toBe(401);
  });

  it("be managed from the CLI too, through the running server", async () => {
    await ensureBuilt();
    const email = `${uid("cli")}@example.com`;
    const cli = (args: string[]) =>
      runCliJson<{ account: { id: string }; password: string }>(server.dir, ["--db", server.dbPath, ...args]);
    const created = await cli(["accounts", "create", "--email", email, "--name", "From the CLI"]);
    expect((await login(email, created.password)).status).toBe(200);
    const list = await runCliJson<{ items: Array<{ email: string }> }>(server.dir, [
      "--db",
      server.dbPath,
      "accounts",
      "list",
    ]);
    expect(list.items.map((a) => a.email)).toContain(email);
    const bad = await runCli(server.dir, [
      "--db",
      server.dbPath,
      "accounts",
      "create",
      "--email",
      "x@example.com",
      "--name",
      "X",
      "--role",
      "owner",
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--role must be one of admin, analyst, marketer, agent, viewer/);
  });

  it("end a session on sign-out", async () => {
    const token = (await login(admin.email, admin.password)).body.token;
    const out = await server.api<{ signedOut: boolean }>("/api/auth/logout", {
      method: "POST",
      ...as(token),
    });
    expect(out.body.signedOut).toBe(true);
    expect(out.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    expect((await server.api("/api/auth/me", as(token))).status).toBe(401);
  });

  it("end a session when it expires, to the millisecond, by the server's clock", async () => {
    const signedInAt = Date.UTC(2026, 2, 1, 9, 30, 0);
    const clock = new ManualClock(signedInAt);
    const hours = 8;
    const timed = await startTestServer({ config: { journeyRefreshSeconds: 0, sessionHours: hours }, clock });
    try {
      const first = timed.running.firstRun!.admin;
      const session = await login(first.email, first.password, timed);
      expect(session.status).toBe(200);
      expect(session.body.expiresAt).toBe("2026-03-01T17:30:00.000Z");
      const me = async () => (await timed.api<ErrorReply>("/api/auth/me", as(session.body.token))).status;
      expect(await me()).toBe(200);
      clock.advance(hours * 3_600_000 - 1);
      expect(await me(), "one millisecond before it expires").toBe(200);
      clock.advance(1);
      expect(await me(), "at its expiry").toBe(401);
      const expired = await timed.api<ErrorReply>("/api/auth/me", as(session.body.token));
      expect(expired.body.error.code).toBe("invalid_session");
    } finally {
      await timed.close();
    }
  });

  it("forget failed sign-ins once the throttle's window has passed on the server's clock", async () => {
    const clock = new ManualClock(Date.UTC(2026, 2, 1, 9, 30, 0));
    const timed = await startTestServer({ config: { journeyRefreshSeconds: 0 }, clock });
    try {
      const first = timed.running.firstRun!.admin;
      for (let i = 0; i < 10; i++)
        expect((await login(first.email, "wrong-wrong-wrong", timed)).status).toBe(401);
      expect((await login(first.email, first.password, timed)).status, "throttled").toBe(429);
      clock.advance(15 * 60_000 - 1);
      expect((await login(first.email, first.password, timed)).status, "still within the window").toBe(429);
      clock.advance(1);
      expect((await login(first.email, first.password, timed)).status, "the window has passed").toBe(200);
    } finally {
      await timed.close();
    }
  });
});
