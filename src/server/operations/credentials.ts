// Write keys and API tokens: create (the secret shown once), list, revoke. The same three operations for
// each kind, under /api/keys and /api/tokens.
import { Type } from "@sinclair/typebox";
import {
  type CredentialKind,
  createCredential,
  listCredentials,
  revokeCredential,
} from "../../auth/credentials.js";
import { type Role, Roles } from "../../auth/roles.js";
import { notFound } from "../../problem.js";
import { ok } from "../../result.js";
import { StringEnum } from "../../typebox.js";
import type { AppContext } from "../context.js";
import { operation } from "../operation.js";

export const Credential = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Type.Union([StringEnum(Roles), Type.Null()], {
    description: "An API token's role; null for write keys",
  }),
  createdAt: Type.String(),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
});

const tags = ["credentials"];
const TokenInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    role: Type.Optional(
      StringEnum(Roles, {
        default: "analyst",
        description: "What the token may do; never more than the caller may",
      }),
    ),
  },
  { additionalProperties: false },
);
const KeyInput = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);

const verifierOf = (ctx: AppContext, kind: CredentialKind) =>
  kind === "write_key" ? ctx.writeKeys : ctx.apiTokens;

function credentialOperationsOf(path: "keys" | "tokens", kind: CredentialKind, label: string) {
  const create = operation({
    id: `${path}.create`,
    method: "POST",
    path: `/api/${path}`,
    access: "credentials.manage",
    summary: `Create a ${label}; its secret is shown once`,
    tags,
    body: kind === "api_token" ? TokenInput : KeyInput,
    response: Type.Composite([Credential, Type.Object({ secret: Type.String() })]),
    status: 201,
    async run(ctx, { body }, caller) {
      const role: Role = ("role" in body ? (body.role as Role | undefined) : undefined) ?? "analyst";
      if (kind === "api_token") {
        const granted = await caller.mayGrant(role);
        if (!granted.ok) return granted;
      }
      const created = await createCredential(ctx.store, kind, body.name, role, caller.actor);
      verifierOf(ctx, kind).invalidate();
      return ok(created);
    },
  });
  const list = operation({
    id: `${path}.list`,
    method: "GET",
    path: `/api/${path}`,
    access: "credentials.manage",
    summary: `List ${label}s (never their secrets)`,
    tags,
    response: Type.Object({ items: Type.Array(Credential) }),
    run: async (ctx) => ok({ items: await listCredentials(ctx.store, kind) }),
  });
  const revoke = operation({
    id: `${path}.revoke`,
    method: "DELETE",
    path: `/api/${path}/:id`,
    access: "credentials.manage",
    summary: `Revoke a ${label}`,
    tags,
    params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
    response: Type.Object({ revoked: Type.String() }),
    async run(ctx, { params }, caller) {
      if (!(await revokeCredential(ctx.store, kind, params.id, caller.actor)))
        return notFound(`no live ${label} with id ${params.id}`);
      verifierOf(ctx, kind).invalidate();
      return ok({ revoked: params.id });
    },
  });
  return { create, list, revoke };
}

export const writeKeyOperations = credentialOperationsOf("keys", "write_key", "write key");
export const apiTokenOperations = credentialOperationsOf("tokens", "api_token", "API token");

export const credentialOperations = [
  ...Object.values(writeKeyOperations),
  ...Object.values(apiTokenOperations),
];
