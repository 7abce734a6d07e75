// Who may call what, in one place. Every route declares its access in `config.access` next to its schema:
// "public", "collect" (a write key, /v1) or a permission of src/auth/roles.ts (an API token or a
// signed-in person's session whose role grants it). The hooks installed by `enforceAccess` check it; a
// route that declares nothing is refused, so a forgotten declaration fails closed.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { type Actor, recordAudit } from "../audit/log.js";
import { type Account, sessionAccount } from "../auth/accounts.js";
import type { CredentialVerifier } from "../auth/credentials.js";
import { maskPersonal } from "../auth/masking.js";
import { canGrant, hasPermission, type Permission, type Role } from "../auth/roles.js";
import { type Clock, systemClock } from "../clock.js";
import { forbidden, type Problem } from "../problem.js";
import { ok, type Result } from "../result.js";
import type { Store } from "../store/database.js";
import { HttpError } from "./errors.js";
import type { Caller } from "./operation.js";

/** What a route needs: nothing, a write key, or a permission. */
export type Access = "public" | "collect" | Permission;

declare module "fastify" {
  interface FastifyContextConfig {
    access?: Access;
    /**
     * The response holds customers' personal data: "bulk" (lists, search results) is masked for roles
     * without pii.read; "one" (the customer someone opened) also shows it to those who may open one.
     */
    personal?: "bulk" | "one";
  }
}

/** The Basic-auth user name, if the request has one. */
export function basicAuthUser(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (!header?.startsWith("Basic ")) return undefined;
  return Buffer.from(header.slice(6), "base64").toString("utf8").split(":")[0] || undefined;
}

/** Segment SDKs send the write key as the Basic-auth user name, or as `writeKey` in the body. */
export function writeKeyOf(req: FastifyRequest): string | undefined {
  const user = basicAuthUser(req);
  if (user) return user;
  const body = req.body as { writeKey?: unknown } | undefined;
  return typeof body?.writeKey === "string" && body.writeKey !== "" ? body.writeKey : undefined;
}

/** The write key's name (it becomes the events' source); throws 401 otherwise. */
export async function canCollect(req: FastifyRequest, keys: CredentialVerifier): Promise<string> {
  const key = writeKeyOf(req);
  if (!key) {
    throw new HttpError(
      401,
      "missing_write_key",
      "send a write key as the Basic-auth user name or as writeKey in the body",
    );
  }
  const verified = await keys.verify(key);
  if (!verified)
    throw new HttpError(
      401,
      "invalid_write_key",
      "the write key is unknown or revoked; create one with `itinera keys create`",
    );
  return verified.name;
}

/** Who is calling /api: a script with an API token, or a person signed in to the dashboard. */
export type Principal =
  | { kind: "token"; id: string; name: string; role: Role }
  | { kind: "account"; id: string; name: string; role: Role; account: Account };

const principals = new WeakMap<FastifyRequest, Principal>();
const sources = new WeakMap<FastifyRequest, string>();

export const SESSION_COOKIE = "itinera_session";

/** The session cookie's value, if the request has one. */
export function sessionCookie(req: FastifyRequest): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === SESSION_COOKIE) {
      try {
        return decodeURIComponent(value.join("="));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** The token a request carries: `Authorization: Bearer <token>`, or the dashboard's session cookie. */
export function tokenOf(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  return header?.startsWith("Bearer ") ? header.slice(7).trim() : sessionCookie(req);
}

/**
 * API tokens and session tokens come as `Authorization: Bearer <token>` (the dashboard's session also as
 * a cookie). Remembers who called for the route (principalOf).
 */
export async function authenticate(
  req: FastifyRequest,
  tokens: CredentialVerifier,
  store: Store,
  clock: Clock = systemClock,
): Promise<Principal> {
  const token = tokenOf(req);
  if (!token)
    throw new HttpError(
      401,
      "missing_token",
      "send an API token as `Authorization: Bearer <token>` (create one with `itinera tokens create`), or sign in",
    );
  let principal: Principal;
  if (token.startsWith("its_")) {
    const account = await sessionAccount(store, token, clock);
    if (!account)
      throw new HttpError(401, "invalid_session", "the sign-in has expired or ended; sign in again");
    principal = { kind: "account", id: account.id, name: account.email, role: account.role, account };
  } else {
    const verified = await tokens.verify(token);
    if (!verified?.role) throw new HttpError(401, "invalid_token", "the API token is unknown or revoked");
    principal = { kind: "token", id: verified.id, name: verified.name, role: verified.role };
  }
  principals.set(req, principal);
  return principal;
}

export function principalOf(req: FastifyRequest): Principal | undefined {
  return principals.get(req);
}

/** The write key's name a /v1 request was accepted under. */
export function sourceOf(req: FastifyRequest): string {
  return sources.get(req) ?? "unknown";
}

/** The caller's permission check for the parts of a route that depend on the role (e.g. masking). */
export function may(req: FastifyRequest, permission: Permission): boolean {
  const p = principals.get(req);
  return p !== undefined && hasPermission(p.role, permission);
}

/**
 * Refuses to hand out (or act on an account with) a role with rights the caller does not have itself. The
 * attempt is audited as `access.denied`: someone tried to gain rights they lack.
 */
export async function mayGrantRole(
  req: FastifyRequest,
  role: Role,
  store: Store,
): Promise<Result<void, Problem>> {
  const p = principals.get(req);
  if (p && canGrant(p.role, role)) return ok(undefined);
  await recordAudit(store, {
    actor: actorOf(req),
    action: "access.denied",
    target: `${req.method} ${req.routeOptions.url ?? req.url}`,
    detail: { reason: "role_exceeds_caller", role, callerRole: p?.role ?? null },
  });
  return forbidden(
    `a ${p?.role ?? "caller"} cannot give the role ${role}: it has rights the caller does not have`,
    "role_exceeds_caller",
  );
}

/** The caller of a request, as an operation of the table sees it (src/server/operation.ts). */
export function callerOf(req: FastifyRequest, store: Store): Caller {
  const p = principals.get(req);
  return {
    actor: actorOf(req),
    ...(p?.kind === "account" ? { account: p.id } : {}),
    may: (permission) => may(req, permission),
    mayGrant: (role) => mayGrantRole(req, role, store),
  };
}

function denied(principal: Principal, permission: Permission): HttpError {
  return new HttpError(
    403,
    "forbidden",
    `the role ${principal.role} does not allow this (it needs the permission ${permission}); ask an admin`,
  );
}

/**
 * Installs the checks: /api routes authenticate in onRequest (before any body is read), /v1 routes
 * check the write key once the body is parsed (it may carry the key).
 */
export function enforceAccess(
  app: FastifyInstance,
  deps: {
    apiTokens: CredentialVerifier;
    writeKeys: CredentialVerifier;
    store: Store;
    config: { identity: { traitIdentifiers: string[] } };
    clock?: Clock;
  },
): void {
  app.addHook("onRequest", async (req) => {
    // Unknown paths reach the not-found handler, which has no route config: nothing to protect there.
    if (req.is404) return;
    const access = req.routeOptions.config.access;
    if (access === undefined)
      throw new HttpError(403, "undeclared_access", "this route declares no permission and is refused");
    if (access === "public" || access === "collect") return;
    const principal = await authenticate(req, deps.apiTokens, deps.store, deps.clock);
    if (!hasPermission(principal.role, access)) throw denied(principal, access);
  });
  app.addHook("preValidation", async (req) => {
    if (req.routeOptions.config.access === "collect") sources.set(req, await canCollect(req, deps.writeKeys));
  });
  app.addHook("preSerialization", async (req, reply, payload) => {
    const personal = req.routeOptions.config?.access ? req.routeOptions.config.personal : undefined;
    if (!personal || reply.statusCode >= 400 || seesPersonalData(req, personal)) return payload;
    return maskPersonal(payload, deps.config.identity.traitIdentifiers);
  });
}

/** Whether the caller sees a route's personal data unmasked. */
export function seesPersonalData(req: FastifyRequest, personal: "bulk" | "one"): boolean {
  return may(req, "pii.read") || (personal === "one" && may(req, "customers.read"));
}

/** The header in which the CLI names its operating-system user when it talks to the running server. */
export const CLI_USER_HEADER = "x-itinera-cli-user";

/**
 * The audit trail's "who" for a request. The CLI on the server's machine calls with the runtime token
 * (`tok_local-cli`, see runtime.ts), which only a reader of the 0600 runtime file holds: its user is then
 * the CLI's operating-system user, as when the CLI opens the file itself.
 */
export function actorOf(req: FastifyRequest): Actor {
  const p = principals.get(req);
  if (!p) return { kind: "system", id: null, name: "server" };
  const cliUser = req.headers[CLI_USER_HEADER];
  if (p.kind === "token" && p.id === "tok_local-cli" && typeof cliUser === "string" && cliUser !== "") {
    try {
      return { kind: "cli", id: p.id, name: decodeURIComponent(cliUser).slice(0, 100) };
    } catch {
      // A malformed name: fall back to the token.
    }
  }
  return { kind: p.kind, id: p.id, name: p.name };
}
