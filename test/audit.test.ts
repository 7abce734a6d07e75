// The audit log on a real server: every kind of change leaves exactly one entry with who, what and (for
// definitions) before and after; secrets and passwords never reach it; only admins read it; the CLI lists
// it through the server and audits its own changes on the file.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { FastifyRequest } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditPage, AuditRecord } from "../src/audit/log.js";
import type { JourneyModel } from "../src/journey/model.js";
import type { Persona } from "../src/journey/personas.js";
import type { Touchpoint } from "../src/journey/touchpoints.js";
import { authenticate, mayGrantRole } from "../src/server/permissions.js";
import { ensureBuilt, runCli, runCliJson } from "./helpers/cli.js";
import { type ErrorReply, startTestServer, type TestServer, tempDir, uid } from "./helpers/server.js";

let server: TestServer;
/** The first-run API token the harness calls with: the actor of every change made through server.api. */
let admin: { kind: string; id: string | null; name: string };

async function page(query = ""): Promise<AuditPage> {
  const res = await server.api<AuditPage>(`/api/audit${query}`);
  expect(res.status).toBe(200);
  return res.body;
}

const newestId = async () => (await page("?limit=1")).items[0]?.id ?? 0;

/** Runs a change and answers the audit entries it left (oldest first). */
async function entriesOf(change: () => Promise<unknown>): Promise<AuditRecord[]> {
  const mark = await newestId();
  await change();
  return (await page("?limit=500")).items.filter((e) => e.id > mark).reverse();
}

/** Runs a change that must leave exactly one entry, and answers it. */
async function oneEntry(change: () => Promise<unknown>): Promise<AuditRecord> {
  const entries = await entriesOf(change);
  expect(entries.map((e) => e.action)).toHaveLength(1);
  return entries[0]!;
}

/** Asserts a request's status, so a refused change fails the test where it happened. */
async function ok<T>(res: Promise<{ status: number; body: T }>, status = 200): Promise<T> {
  const r = await res;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body;
}

async function auditText(): Promise<string> {
  const rows = await server.query("SELECT * FROM audit_log");
  return JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? Number(v) : v));
}

beforeAll(async () => {
  server = await startTestServer({ config: { journeyRefreshSeconds: 0 } });
  const me = await server.api<{ token: string }>("/api/auth/me");
  const [row] = await server.query("SELECT id FROM api_tokens WHERE name = $1", [me.body.token]);
  admin = { kind: "token", id: String(row?.id), name: me.body.token };
});

afterAll(async () => {
  await server?.close();
});

describe("credentials", () => {
  it("a write key's creation and revocation: who, which key, never its secret", async () => {
    let secret = "";
    let id = "";
    const created = await oneEntry(async () => {
      const body = await ok(
        server.api<{ id: string; secret: string }>("/api/keys", { body: { name: "web site" } }),
        201,
      );
      ({ id, secret } = body);
    });
    expect(created).toMatchObject({
      actor: admin,
      action: "write_key.create",
      target: id,
      before: null,
      after: { id, name: "web site", role: null },
    });
    const revoked = await oneEntry(() => ok(server.api(`/api/keys/${id}`, { method: "DELETE" })));
    expect(revoked).toMatchObject({
      actor: admin,
      action: "write_key.revoke",
      target: id,
      before: { id, name: "web site", revokedAt: null },
    });
    expect(typeof (revoked.after as { revokedAt: unknown }).revokedAt).toBe("string");
    expect(await auditText()).not.toContain(secret);
  });

  it("an API token's creation records its role, never its secret", async () => {
    let secret = "";
    let id = "";
    const created = await oneEntry(async () => {
      ({ id, secret } = await ok(
        server.api<{ id: string; secret: string }>("/api/tokens", {
          body: { name: "reporting", role: "viewer" },
        }),
        201,
      ));
    });
    expect(created).toMatchObject({
      actor: admin,
      action: "token.create",
      target: id,
      after: { id, name: "reporting", role: "viewer" },
    });
    expect(secret).toMatch(/^itk_/);
    expect(await auditText()).not.toContain(secret);
    const revoked = await oneEntry(() => ok(server.api(`/api/tokens/${id}`, { method: "DELETE" })));
    expect(revoked).toMatchObject({ action: "token.revoke", target: id, before: { role: "viewer" } });
  });

  it("only the server's own CLI token may name an OS user: another token claiming one is itself", async () => {
    const entry = await oneEntry(() =>
      ok(
        server.raw("/api/keys", {
          method: "POST",
          headers: {
            authorization: `Bearer ${server.apiToken}`,
            "content-type": "application/json",
            "x-itinera-cli-user": "mallory",
          },
          body: JSON.stringify({ name: "claimed" }),
        }),
        201,
      ),
    );
    expect(entry).toMatchObject({ action: "write_key.create", actor: admin });
  });

  it("a refusal leaves nothing: revoking an unknown key is a 404 and no entry", async () => {
    const entries = await entriesOf(async () => {
      expect((await server.api("/api/keys/key_nope", { method: "DELETE" })).status).toBe(404);
    });
    expect(entries).toEqual([]);
  });
});

describe("sign-ins", () => {
  it("a sign-in and a failed one on a real account are recorded; what is typed for an unknown one is not", async () => {
    const email = `${uid("signer")}@example.com`;
    const made = await ok(
      server.api<{ account: { id: string }; password: string }>("/api/accounts", {
        body: { email, name: "Sina Signer", role: "viewer" },
      }),
      201,
    );
    const login = (e: string, password: string) =>
      server.api("/api/auth/login", { body: { email: e, password }, token: null });
    const signedIn = await oneEntry(() => ok(login(email, made.password)));
    expect(signedIn).toMatchObject({
      actor: { kind: "account", id: made.account.id, name: email },
      action: "session.sign_in",
      target: made.account.id,
    });
    const failed = await oneEntry(() => ok(login(email, "not the password at all"), 401));
    expect(failed).toMatchObject({
      actor: { kind: "system", id: null, name: "sign-in" },
      action: "session.sign_in_failed",
      target: made.account.id,
      detail: { email, reason: "wrong_password" },
    });
    const typedByMistake = "my secret pass phrase 2026";
    expect(await entriesOf(() => ok(login(typedByMistake, "x"), 401))).toEqual([]);
    expect(await auditText()).not.toContain(typedByMistake);
    expect(await auditText()).not.toContain(made.password);
  });
});

describe("accounts", () => {
  it("create, change role and name, reset the password, disable: before and after, never a password", async () => {
    const email = `${uid("auditee")}@example.com`;
    let id = "";
    const passwords: string[] = [];
    const created = await oneEntry(async () => {
      const body = await ok(
        server.api<{ account: { id: string }; password: string }>("/api/accounts", {
          body: { email, name: "Mina Marketer", role: "marketer" },
        }),
        201,
      );
      id = body.account.id;
      passwords.push(body.password);
    });
    expect(created).toMatchObject({
      actor: admin,
      action: "account.create",
      target: id,
      before: null,
      after: { id, email, name: "Mina Marketer", role: "marketer" },
      detail: { passwordGenerated: true },
    });

    const updated = await oneEntry(() =>
      ok(server.api(`/api/accounts/${id}`, { method: "PATCH", body: { role: "viewer", name: "Mina V" } })),
    );
    expect(updated).toMatchObject({
      action: "account.update",
      target: id,
      before: { name: "Mina Marketer", role: "marketer" },
      after: { name: "Mina V", role: "viewer" },
      detail: { email },
    });

    const reset = await oneEntry(async () => {
      const body = await ok(server.api<{ password: string }>(`/api/accounts/${id}/password`, { body: {} }));
      passwords.push(body.password);
    });
    expect(reset).toMatchObject({
      action: "account.password_reset",
      target: id,
      before: null,
      after: null,
      detail: { email, passwordGenerated: true },
    });

    const disabled = await oneEntry(() => ok(server.api(`/api/accounts/${id}`, { method: "DELETE" })));
    expect(disabled).toMatchObject({
      action: "account.disable",
      target: id,
      before: { disabledAt: null },
      detail: { email },
    });
    expect(typeof (disabled.after as { disabledAt: unknown }).disabledAt).toBe("string");

    const text = await auditText();
    for (const p of passwords) expect(text).not.toContain(p);
    expect(text).not.toContain("scrypt$");
  });

  it("an attempt to give more rights than the caller has is refused and audited as access.denied", async () => {
    const { secret } = await ok(
      server.api<{ secret: string }>("/api/tokens", { body: { name: uid("analyst"), role: "analyst" } }),
      201,
    );
    // No role below admin may manage credentials today, so the check is driven directly, on the server's
    // own store and token verifier, as the route would after authenticating the caller.
    const req = {
      headers: { authorization: `Bearer ${secret}` },
      method: "POST",
      url: "/api/tokens",
      routeOptions: { url: "/api/tokens" },
    } as unknown as FastifyRequest;
    const analyst = await authenticate(req, server.running.ctx.apiTokens, server.running.ctx.store);
    const denied = await oneEntry(async () => {
      const refusal = await mayGrantRole(req, "admin", server.running.ctx.store);
      expect(refusal).toMatchObject({
        ok: false,
        error: { code: "forbidden", reason: "role_exceeds_caller" },
      });
    });
    expect(denied).toMatchObject({
      actor: { kind: "token", id: analyst.id, name: analyst.name },
      action: "access.denied",
      target: "POST /api/tokens",
      detail: { reason: "role_exceeds_caller", role: "admin", callerRole: "analyst" },
    });
    // Within its rights, nothing is recorded.
    expect(await entriesOf(() => mayGrantRole(req, "viewer", server.running.ctx.store))).toEqual([]);
  });
});

describe("the journey's definitions", () => {
  it("touchpoints: add, edit, remove with the documents before and after", async () => {
    const [first] = (await ok(server.api<{ items: Touchpoint[] }>("/api/touchpoints"))).items;
    if (!first) throw new Error("the default catalogue is empty");
    const input = {
      name: "Audit Probe",
      stage: first.stage,
      match: { type: "track", event: "Audit Probe Happened" },
    };
    let added: Touchpoint | undefined;
    const create = await oneEntry(async () => {
      added = await ok(server.api<Touchpoint>("/api/touchpoints", { body: input }), 201);
    });
    expect(create).toMatchObject({
      actor: admin,
      action: "touchpoint.create",
      target: added!.id,
      before: null,
    });
    expect(create.after).toEqual(added);

    let edited: Touchpoint | undefined;
    const update = await oneEntry(async () => {
      edited = await ok(
        server.api<Touchpoint>(`/api/touchpoints/${added!.id}`, {
          method: "PATCH",
          body: { name: "Audit Probe 2" },
        }),
      );
    });
    expect(update).toMatchObject({ action: "touchpoint.update", target: added!.id });
    expect(update.before).toEqual(added);
    expect(update.after).toEqual(edited);
    expect((update.after as Touchpoint).name).toBe("Audit Probe 2");

    const remove = await oneEntry(() =>
      ok(server.api(`/api/touchpoints/${added!.id}`, { method: "DELETE" })),
    );
    expect(remove).toMatchObject({ action: "touchpoint.delete", target: added!.id, after: null });
    expect(remove.before).toEqual(edited);
  });

  it("personas: add, edit, remove with the documents before and after", async () => {
    const [template] = (await ok(server.api<{ items: Persona[] }>("/api/personas"))).items;
    if (!template) throw new Error("no default persona");
    const input = {
      name: "Audit Persona",
      match: template.match,
      conditions: template.conditions,
      narrative: template.narrative,
    };
    let added: Persona | undefined;
    const create = await oneEntry(async () => {
      added = await ok(server.api<Persona>("/api/personas", { body: input }), 201);
    });
    expect(create).toMatchObject({ action: "persona.create", target: added!.id, before: null });
    expect(create.after).toEqual(added);

    const update = await oneEntry(() =>
      ok(server.api(`/api/personas/${added!.id}`, { method: "PATCH", body: { name: "Audit Persona 2" } })),
    );
    expect(update.before).toEqual(added);
    expect(update.after).toEqual({ ...added, name: "Audit Persona 2" });

    const remove = await oneEntry(() => ok(server.api(`/api/personas/${added!.id}`, { method: "DELETE" })));
    expect(remove).toMatchObject({ action: "persona.delete", target: added!.id, after: null });
    expect((remove.before as Persona).name).toBe("Audit Persona 2");
  });

  it("the journey model: the whole model before and after", async () => {
    const before = await ok(server.api<JourneyModel>("/api/journey-model"));
    const next = structuredClone(before);
    next.stages[0]!.name = `${next.stages[0]!.name} (audited)`;
    const entry = await oneEntry(() => ok(server.api("/api/journey-model", { method: "PUT", body: next })));
    expect(entry).toMatchObject({ actor: admin, action: "journey_model.update", target: null });
    expect(entry.before).toEqual(before);
    expect(entry.after).toEqual(next);
  });

  it("a lane: its items before and after, per persona and stage", async () => {
    const model = await ok(server.api<JourneyModel>("/api/journey-model"));
    const stage = model.stages[1]!.key;
    const first = await oneEntry(() =>
      ok(
        server.api(`/api/journey-map/lanes/${stage}/goals`, {
          method: "PUT",
          body: { items: ["Find a plan"] },
        }),
      ),
    );
    expect(first).toMatchObject({
      action: "lane.update",
      target: `*/${stage}/goals`,
      before: { persona: null, stage, lane: "goals", items: [] },
      after: { persona: null, stage, lane: "goals", items: ["Find a plan"] },
    });
    const second = await oneEntry(() =>
      ok(
        server.api(`/api/journey-map/lanes/${stage}/goals`, {
          method: "PUT",
          body: { items: ["Find a plan", "Pay once"] },
        }),
      ),
    );
    expect(second).toMatchObject({
      before: { items: ["Find a plan"] },
      after: { items: ["Find a plan", "Pay once"] },
    });
  });

  it("friction settings: replaced and reset, with the settings before and after", async () => {
    const defaults = await ok(server.api<{ minZ: number }>("/api/frictions/settings"));
    const next = { ...defaults, minZ: defaults.minZ + 1 };
    const put = await oneEntry(() =>
      ok(server.api("/api/frictions/settings", { method: "PUT", body: next })),
    );
    expect(put).toMatchObject({ action: "friction_settings.update", before: defaults, after: next });
    const reset = await oneEntry(() => ok(server.api("/api/frictions/settings", { method: "DELETE" })));
    expect(reset).toMatchObject({ action: "friction_settings.reset", before: next, after: defaults });
  });

  it("a manual journey refresh is recorded with what it did; reads are not", async () => {
    const refresh = await oneEntry(() => ok(server.api("/api/journey/refresh", { body: {} })));
    expect(refresh).toMatchObject({ actor: admin, action: "journey.refresh" });
    expect(refresh.detail).toHaveProperty("mode");
    const reads = await entriesOf(async () => {
      await ok(server.api("/api/touchpoints"));
      await ok(server.api("/api/journey-model"));
      await ok(server.api("/api/personas"));
    });
    expect(reads).toEqual([]);
  });
});

describe("imports", () => {
  it("an import: the file's name and counts, not its rows", async () => {
    const file = path.join(server.dir, "audit-import.jsonl");
    const email = `${uid("imported")}@example.com`;
    const rows = [
      { type: "track", event: "Audit Imported", userId: uid("u"), email, timestamp: "2026-05-01T10:00:00Z" },
      { type: "track", event: "Audit Imported", userId: uid("u"), timestamp: "2026-05-01T11:00:00Z" },
    ];
    fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join("\n"));
    const entry = await oneEntry(() =>
      ok(server.api("/api/imports", { body: { path: file, mapping: {}, defaults: {} } })),
    );
    expect(entry).toMatchObject({
      actor: admin,
      action: "import.run",
      target: "audit-import.jsonl",
      detail: { file: "audit-import.jsonl", format: "jsonl", rows: 2, imported: 2, rejected: 0 },
    });
    expect(await auditText()).not.toContain(email);
    // A dry run stores nothing and is not recorded.
    expect(
      await entriesOf(() =>
        ok(server.api("/api/imports", { body: { path: file, mapping: {}, defaults: {}, dryRun: true } })),
      ),
    ).toEqual([]);
  });
});

describe("reading the log", () => {
  it("only for those who may: an analyst's token gets 403, no token 401", async () => {
    const { secret } = await ok(
      server.api<{ secret: string }>("/api/tokens", { body: { name: uid("reader"), role: "analyst" } }),
      201,
    );
    const refused = await server.api<ErrorReply>("/api/audit", { token: secret });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("forbidden");
    expect((await server.api<ErrorReply>("/api/audit", { token: null })).status).toBe(401);
  });

  it("filters by action prefix, actor and target, and pages newest first without gaps or repeats", async () => {
    const touchpoints = await page("?action=touchpoint.&limit=500");
    expect(touchpoints.items.map((e) => e.action).sort()).toEqual([
      "touchpoint.create",
      "touchpoint.delete",
      "touchpoint.update",
    ]);
    const all = await page("?limit=500");
    expect(all.next).toBeNull();
    const ids = all.items.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));

    const seen: number[] = [];
    let cursor: number | null = null;
    do {
      const p: AuditPage = await page(`?limit=4${cursor === null ? "" : `&after=${cursor}`}`);
      expect(p.items.length).toBeLessThanOrEqual(4);
      seen.push(...p.items.map((e) => e.id));
      cursor = p.next;
    } while (cursor !== null);
    expect(seen).toEqual(ids);

    const byActor = await page(`?actor=${encodeURIComponent(admin.id!)}&limit=500`);
    expect(byActor.items.length).toBeGreaterThan(10);
    expect(byActor.items.every((e) => e.actor.id === admin.id)).toBe(true);
    const target = touchpoints.items[0]!.target!;
    const byTarget = await page(`?target=${encodeURIComponent(target)}`);
    expect(byTarget.items.map((e) => e.target)).toEqual([target, target, target]);

    const future = await page(`?from=${encodeURIComponent("2999-01-01T00:00:00+09:00")}`);
    expect(future.items).toEqual([]);
    const past = await page(`?to=${encodeURIComponent("2000-01-01T00:00:00Z")}`);
    expect(past.items).toEqual([]);
    expect((await server.api("/api/audit?limit=501")).status).toBe(400);
  });
});

describe("itinera audit", () => {
  beforeAll(async () => {
    await ensureBuilt();
  }, 300_000);

  it("lists the server's entries with --json; the CLI's changes through the server are its OS user's", async () => {
    const dir = tempDir("audit-cli");
    try {
      const created = await runCliJson<{ id: string }>(dir, [
        "--db",
        server.dbPath,
        "keys",
        "create",
        "--name",
        "from the cli",
      ]);
      const listed = await runCliJson<AuditPage>(dir, [
        "--db",
        server.dbPath,
        "audit",
        "--action",
        "write_key.",
        "--limit",
        "2",
      ]);
      expect(listed.items).toHaveLength(2);
      expect(listed.items[0]).toMatchObject({
        action: "write_key.create",
        target: created.id,
        actor: { kind: "cli", id: "tok_local-cli", name: os.userInfo().username },
        after: { name: "from the cli" },
      });
      // The one before: the key another token made while claiming a CLI user.
      expect(listed.items[1]).toMatchObject({ action: "write_key.create", after: { name: "claimed" } });
      expect(listed.next).toBe(listed.items[1]!.id);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("on the file (no server), changes are the operating-system user's and the list reads the file", async () => {
    const dir = tempDir("audit-local");
    try {
      const db = path.join(dir, "local.duckdb");
      const created = await runCliJson<{ id: string }>(dir, ["--db", db, "tokens", "create", "--name", "ci"]);
      await runCliJson(dir, ["--db", db, "touchpoints", "remove", "profile-update"]);
      const listed = await runCliJson<AuditPage>(dir, ["--db", db, "audit"]);
      const user = os.userInfo().username;
      expect(listed.items).toMatchObject([
        { action: "touchpoint.delete", target: "profile-update", after: null },
        { action: "token.create", target: created.id, after: { role: "analyst" } },
      ]);
      expect((listed.items[0]!.before as Touchpoint).name).toBe("Profile update");
      for (const e of listed.items) expect(e.actor).toEqual({ kind: "cli", id: null, name: user });

      const human = await runCli(dir, ["--db", db, "audit", "--action", "token."]);
      expect(human.code).toBe(0);
      expect(human.stdout).toContain(`cli:${user}`);
      expect(human.stdout).toContain(created.id);
      const bad = await runCli(dir, ["--db", db, "audit", "--limit", "501"]);
      expect(bad.code).toBe(2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
