// Who may call what, in one place: /v1 takes a write key, /api an API token or a signed-in person's session.
import type { FastifyRequest } from "fastify";
import { type Account, sessionAccount } from "../auth/accounts.js";
import type { CredentialVerifier } from "../auth/credentials.js";
import type { Store } from "../store/database.js";
import { HttpError } from "./errors.js";

/** Segment SDKs send the write key as the Basic-auth user name, or as `writeKey` in the body. */
export function writeKeyOf(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith("Basic ")) {
    const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
    const user = decoded.split(":")[0];
    if (user) return user;
  }
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
  const name = await keys.verify(key);
  if (!name)
    throw new HttpError(
      401,
      "invalid_write_key",
      "the write key is unknown or revoked; create one with `itinera keys create`",
    );
  return name;
}

/** Who is calling /api: a script with an API token, or a person signed in to the dashboard. */
export type Principal = { kind: "token"; name: string } | { kind: "account"; account: Account };

const principals = new WeakMap<FastifyRequest, Principal>();

export const SESSION_COOKIE = "itinera_session";

/** The session cookie's value, if the request has one. */
function sessionCookie(req: FastifyRequest): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === SESSION_COOKIE) return decodeURIComponent(value.join("="));
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
export async function canUseApi(
  req: FastifyRequest,
  tokens: CredentialVerifier,
  store: Store,
): Promise<Principal> {
  const token = tokenOf(req);
  if (!token)
    throw new HttpError(
      401,
      "missing_token",
      "send an API token as `Authorization: Bearer <token>` (create one with `itinera tokens create`), or sign in",
    );
  let principal: Principal | undefined;
  if (token.startsWith("its_")) {
    const account = await sessionAccount(store, token);
    if (!account)
      throw new HttpError(401, "invalid_session", "the sign-in has expired or ended; sign in again");
    principal = { kind: "account", account };
  } else {
    const name = await tokens.verify(token);
    if (!name) throw new HttpError(401, "invalid_token", "the API token is unknown or revoked");
    principal = { kind: "token", name };
  }
  principals.set(req, principal);
  return principal;
}

export function principalOf(req: FastifyRequest): Principal | undefined {
  return principals.get(req);
}

/** Managing accounts takes an admin: an API token (scripts are set up by admins) or an admin account. */
export function canManageAccounts(req: FastifyRequest): void {
  const p = principalOf(req);
  if (p?.kind === "token" || (p?.kind === "account" && p.account.role === "admin")) return;
  throw new HttpError(403, "forbidden", "managing accounts needs an admin account or an API token");
}
