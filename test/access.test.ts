// Access control against a real server: every route declares its access, every role × route answers as
// the permission table says, escalation in all its known forms is refused, and personal data is masked
// for the roles that may not see it.
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maskEmail, maskPersonal, maskPhone } from "../src/auth/masking.js";
import {
  canGrant,
  hasPermission,
  type Permission,
  Permissions,
  type Role,
  Roles,
} from "../src/auth/roles.js";
import { installErrorHandlers } from "../src/server/errors.js";
import { enforceAccess } from "../src/server/permissions.js";
import { type ErrorReply, startTestServer, type TestServer, uid } from "./helpers/server.js";

interface Operation {
  method: string;
  path: string;
  access: string | undefined;
}

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

/** A concrete URL for an OpenAPI path: ids that exist nowhere, so allowed calls change nothing. */
function concrete(path: string): string {
  return path
    .replace("{stage}", "purchase")
    .replace("{lane}", "goals")
    .replace(/\{[^}]+\}/g, "999999999");
}

describe("access control", () => {
  let server: TestServer;
  let operations: Operation[];
  const tokens = new Map<Role, string>();
  const password = "correct horse battery staple 42";

  async function login(email: string): Promise<string> {
    const r = await server.api<{ token: string }>("/api/auth/login", {
      method: "POST",
      body: { email, password },
      token: null,
    });
    expect(r.status).toBe(200);
    return r.body.token;
  }

  async function account(role: Role): Promise<{ id: string; email: string }> {
    const email = `${uid(role)}@staff.example`;
    const r = await server.api<{ account: { id: string } }>("/api/accounts", {
      method: "POST",
      body: { email, name: `A ${role}`, role, password },
    });
    expect(r.status).toBe(201);
    return { id: r.body.account.id, email };
  }

  beforeAll(async () => {
    server = await startTestServer();
    const doc = await server.api<{ paths: Record<string, Record<string, { "x-access"?: string }>> }>(
      "/api/openapi.json",
      { token: null },
    );
    expect(doc.status).toBe(200);
    operations = Object.entries(doc.body.paths).flatMap(([path, ops]) =>
      METHODS.filter((m) => ops[m]).map((m) => ({
        method: m.toUpperCase(),
        path,
        access: ops[m]?.["x-access"],
      })),
    );
    for (const role of Roles) {
      const r = await server.api<{ secret: string; role: string }>("/api/tokens", {
        method: "POST",
        body: { name: `matrix-${role}`, role },
      });
      expect(r.status).toBe(201);
      expect(r.body.role).toBe(role);
      tokens.set(role, r.body.secret);
    }
  });
  afterAll(() => server?.close());

  it("declares the access of every route in the OpenAPI document", () => {
    expect(operations.length).toBeGreaterThan(50);
    const undeclared = operations.filter((o) => o.access === undefined);
    expect(undeclared).toEqual([]);
    const known = new Set<string>(["public", "collect", ...Permissions]);
    expect(operations.filter((o) => !known.has(String(o.access)))).toEqual([]);
    // Personal-data and credential routes are never public.
    const publicOps = operations.filter((o) => o.access === "public").map((o) => `${o.method} ${o.path}`);
    expect(publicOps.sort()).toEqual(["GET /api/auth/session", "GET /healthz", "POST /api/auth/login"]);
  });

  it("refuses a route that declares nothing", async () => {
    const app = Fastify();
    installErrorHandlers(app);
    enforceAccess(app, {
      apiTokens: server.running.ctx.apiTokens,
      writeKeys: server.running.ctx.writeKeys,
      store: server.running.ctx.store,
      config: server.running.ctx.config,
    });
    app.get("/api/forgotten", async () => ({ secret: 42 }));
    app.get("/api/declared", { config: { access: "public" } }, async () => ({ ok: true }));
    const forgotten = await app.inject({ method: "GET", url: "/api/forgotten" });
    expect(forgotten.statusCode).toBe(403);
    expect(forgotten.json().error.code).toBe("undeclared_access");
    expect((await app.inject({ method: "GET", url: "/api/declared" })).statusCode).toBe(200);
    await app.close();
  });

  it("answers 401 to every non-public /api route called without credentials", async () => {
    const wrong: string[] = [];
    for (const op of operations) {
      if (!op.path.startsWith("/api/") || op.access === "public") continue;
      const r = await server.raw<ErrorReply>(concrete(op.path), {
        method: op.method,
        headers: op.method === "GET" || op.method === "DELETE" ? {} : { "content-type": "application/json" },
        body: op.method === "GET" || op.method === "DELETE" ? undefined : "{}",
      });
      if (r.status !== 401 || r.body.error?.status !== 401)
        wrong.push(`${op.method} ${op.path} → ${r.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it("answers every role × route as the permission table says", async () => {
    const wrong: string[] = [];
    let allowedCalls = 0;
    let deniedCalls = 0;
    for (const op of operations) {
      if (!op.path.startsWith("/api/") || op.access === "public") continue;
      for (const role of Roles) {
        const allowed = hasPermission(role, op.access as Permission);
        // Signing out with a token changes nothing; every other allowed call uses ids that do not exist.
        const r = await server.raw<ErrorReply>(concrete(op.path), {
          method: op.method,
          headers: {
            authorization: `Bearer ${tokens.get(role)}`,
            ...(op.method === "GET" || op.method === "DELETE" ? {} : { "content-type": "application/json" }),
          },
          body: op.method === "GET" || op.method === "DELETE" ? undefined : "{}",
        });
        if (allowed) {
          allowedCalls++;
          if (r.status === 401 || r.status === 403 || r.status >= 500)
            wrong.push(`${role} ${op.method} ${op.path}: expected allowed, got ${r.status}`);
        } else {
          deniedCalls++;
          if (r.status !== 403 || r.body.error?.code !== "forbidden")
            wrong.push(`${role} ${op.method} ${op.path}: expected 403 forbidden, got ${r.status}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(allowedCalls).toBeGreaterThan(100);
    expect(deniedCalls).toBeGreaterThan(50);
  });

  it("never lets anyone hand out more rights than their own", () => {
    for (const a of Roles)
      for (const b of Roles) {
        const subset = Permissions.every((p) => !hasPermission(b, p) || hasPermission(a, p));
        expect(canGrant(a, b), `${a} grants ${b}`).toBe(subset);
      }
    expect(Roles.filter((r) => canGrant(r, "admin"))).toEqual(["admin"]);
    expect(canGrant("marketer", "analyst")).toBe(false);
    expect(canGrant("analyst", "viewer")).toBe(true);
  });

  it("refuses the member-to-admin escalation and its variants", async () => {
    const analyst = await account("analyst");
    const session = await login(analyst.email);
    // The reported path: a session mints a token, the token creates an admin.
    const mint = await server.api<ErrorReply>("/api/tokens", {
      method: "POST",
      body: { name: "mine", role: "analyst" },
      token: session,
    });
    expect(mint.status).toBe(403);
    expect(mint.body.error.code).toBe("forbidden");
    for (const token of [session, tokens.get("analyst")!, tokens.get("marketer")!]) {
      const admin = await server.api<ErrorReply>("/api/accounts", {
        method: "POST",
        body: { email: `${uid("evil")}@x.example`, name: "Evil", role: "admin" },
        token,
      });
      expect(admin.status).toBe(403);
      const promote = await server.api<ErrorReply>(`/api/accounts/${analyst.id}`, {
        method: "PATCH",
        body: { role: "admin" },
        token,
      });
      expect(promote.status).toBe(403);
    }
    const [row] = await server.query("SELECT count(*) AS n FROM accounts WHERE role = 'admin'");
    expect(Number(row?.n)).toBe(1);

    // An admin cannot change (or disable) its own account through the API either.
    const admin = await account("admin");
    const adminSession = await login(admin.email);
    const own = await server.api<ErrorReply>(`/api/accounts/${admin.id}`, {
      method: "PATCH",
      body: { role: "viewer" },
      token: adminSession,
    });
    expect(own.status).toBe(403);
    expect(own.body.error.code).toBe("own_account");
    expect(
      (await server.api(`/api/accounts/${admin.id}`, { method: "DELETE", token: adminSession })).status,
    ).toBe(403);

    // A role change applies to the live session at once; a disabled account's session is dead.
    const demoted = await server.api<{ role: string }>(`/api/accounts/${analyst.id}`, {
      method: "PATCH",
      body: { role: "agent" },
    });
    expect(demoted.body.role).toBe("agent");
    expect((await server.api<ErrorReply>("/api/journey-map", { token: session })).status).toBe(403);
    expect((await server.api(`/api/accounts/${analyst.id}`, { method: "DELETE" })).status).toBe(200);
    const dead = await server.api<ErrorReply>("/api/customers?q=x", { token: session });
    expect(dead.status).toBe(401);
    expect(dead.body.error.code).toBe("invalid_session");

    // A revoked token stops working (the verifier's cache is dropped on revoke).
    const made = await server.api<{ id: string; secret: string }>("/api/tokens", {
      method: "POST",
      body: { name: "short-lived", role: "viewer" },
    });
    expect((await server.api("/api/journey-model", { token: made.body.secret })).status).toBe(200);
    expect((await server.api(`/api/tokens/${made.body.id}`, { method: "DELETE" })).status).toBe(200);
    expect((await server.api<ErrorReply>("/api/journey-model", { token: made.body.secret })).status).toBe(
      401,
    );
  });

  describe("personal data", () => {
    const email = "mina.park@example.com";
    const phone = "+821098765432";
    let customerId: number;

    beforeAll(async () => {
      const userId = uid("pii");
      const identify = await server.collect("/v1/identify", {
        userId,
        traits: { email, phone, name: "Mina Park", address: "12 Sejong-daero" },
      });
      expect(identify.body.accepted).toBe(1);
      const batch = await server.collect("/v1/batch", {
        batch: ["Product Viewed", "Order Completed"].map((event, i) => ({
          type: "track",
          userId,
          event,
          timestamp: new Date(Date.now() - 60_000 + i * 30_000).toISOString(),
          properties: { contact: email, total: 10 },
        })),
      });
      expect(batch.body.accepted).toBe(2);
      const found = await server.api<{ customers: Array<{ id: number }> }>(
        `/api/customers?q=${encodeURIComponent(email)}`,
      );
      expect(found.body.customers).toHaveLength(1);
      customerId = found.body.customers[0]!.id;
    });

    const funnelCustomers = (role: Role) =>
      server.api<{ customers: Array<{ id: number; name: string | null }> }>(
        "/api/insights/funnel/customers",
        {
          method: "POST",
          body: {
            request: { steps: [{ event: "Product Viewed" }, { event: "Order Completed" }] },
            cell: { step: 2, kind: "reached" },
          },
          token: tokens.get(role)!,
        },
      );

    it("shows customer lists to viewers without names, emails or phones", async () => {
      const analyst = await funnelCustomers("analyst");
      expect(analyst.status).toBe(200);
      expect(analyst.body.customers.map((c) => [c.id, c.name])).toEqual([[customerId, "mina park"]]);
      const viewer = await funnelCustomers("viewer");
      expect(viewer.status).toBe(200);
      expect(viewer.body.customers.map((c) => c.id)).toEqual([customerId]);
      expect(viewer.body.customers[0]!.name).toBe("m••• p•••");
      expect(JSON.stringify(viewer.body)).not.toMatch(/mina|park|98765432/i);
      // Agents do not get bulk lists at all.
      expect((await funnelCustomers("agent")).status).toBe(403);
    });

    it("lets an agent find a customer masked and open that one customer in full", async () => {
      const agent = tokens.get("agent")!;
      const search = await server.api<{
        customers: Array<{ id: number; identifiers: Array<{ value: string }> }>;
      }>(`/api/customers?q=${encodeURIComponent(phone)}`, { token: agent });
      expect(search.status).toBe(200);
      expect(search.body.customers.map((c) => c.id)).toEqual([customerId]);
      const text = JSON.stringify(search.body);
      expect(text).not.toContain(email);
      expect(text).not.toContain("98765432");
      expect(text).toContain(maskEmail(email));
      expect(text).toContain(maskPhone(phone));

      const profile = await server.api<{ identifiers: Array<{ kind: string; value: string }> }>(
        `/api/customers/${customerId}`,
        { token: agent },
      );
      expect(profile.status).toBe(200);
      expect(profile.body.identifiers.find((i) => i.kind === "email")?.value).toBe(email);
      const timeline = await server.api(`/api/customers/${customerId}/timeline`, { token: agent });
      expect(JSON.stringify(timeline.body)).toContain(email);
      // …but no analytics, no bulk lists, no export.
      expect((await server.api("/api/journey-map", { token: agent })).status).toBe(403);
      expect((await server.api("/api/journey-map/customers?audience=cohort", { token: agent })).status).toBe(
        403,
      );
      expect((await server.api(`/api/customers/${customerId}/export`, { token: agent })).status).toBe(403);
    });

    it("masks a customer's events wherever personal data hides in them", () => {
      const masked = maskPersonal(
        {
          id: 7,
          name: "Mina Park",
          persona: { id: "p", name: "Traditional Trudy" },
          identifiers: [{ kind: "email", value: email }],
          events: [
            {
              userId: "u-77",
              touchpoint: { id: "t", name: "Checkout (web)" },
              properties: { note: `write to ${email}`, contact: email, Phone: phone, total: 3 },
              traits: { loyalty_card: "LC-123456", address: { street: "1 Main" } },
            },
          ],
        },
        ["loyalty_card"],
      );
      const text = JSON.stringify(masked);
      expect(text).not.toMatch(/Mina|mina\.park@|98765432|LC-123456|1 Main|u-77/);
      expect(text).toContain("Traditional Trudy");
      expect(text).toContain("Checkout (web)");
      expect(masked.events[0]!.properties.total).toBe(3);
      expect(masked.events[0]!.properties.note).toBe(`write to ${maskEmail(email)}`);
    });
  });
});
