// Who may call what, in one place: /v1 takes a write key, /api an API token.
import type { FastifyRequest } from "fastify";
import type { CredentialVerifier } from "../auth/credentials.js";
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

/** API tokens come as `Authorization: Bearer <token>`. */
export async function canUseApi(req: FastifyRequest, tokens: CredentialVerifier): Promise<string> {
  const header = req.headers.authorization;
  const token = header?.startsWith("Bearer ") ? header.slice(7).trim() : undefined;
  if (!token)
    throw new HttpError(
      401,
      "missing_token",
      "send an API token as `Authorization: Bearer <token>`; create one with `itinera tokens create`",
    );
  const name = await tokens.verify(token);
  if (!name) throw new HttpError(401, "invalid_token", "the API token is unknown or revoked");
  return name;
}
