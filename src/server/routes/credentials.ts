// Write keys and API tokens: create (secret shown once), list, revoke.
import { Type } from "@sinclair/typebox";
import {
  type CredentialKind,
  createCredential,
  listCredentials,
  revokeCredential,
} from "../../auth/credentials.js";
import { type Role, Roles } from "../../auth/roles.js";
import { StringEnum } from "../../typebox.js";
import type { App } from "../app.js";
import type { AppContext } from "../context.js";
import { errorResponses, HttpError } from "../errors.js";
import { actorOf, canGrantRole } from "../permissions.js";

const Credential = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Type.Union([StringEnum(Roles), Type.Null()], {
    description: "An API token's role; null for write keys",
  }),
  createdAt: Type.String(),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
});

export function credentialRoutes(app: App, ctx: AppContext): void {
  const security = [{ bearerAuth: [] }];
  const kinds: Array<[string, CredentialKind, string]> = [
    ["keys", "write_key", "write key"],
    ["tokens", "api_token", "API token"],
  ];
  for (const [path, kind, label] of kinds) {
    const verifier = kind === "write_key" ? ctx.writeKeys : ctx.apiTokens;
    app.post(
      `/api/${path}`,
      {
        config: { access: "credentials.manage" },
        schema: {
          summary: `Create a ${label}; its secret is shown once`,
          tags: ["credentials"],
          security,
          body:
            kind === "api_token"
              ? Type.Object(
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
                )
              : Type.Object(
                  { name: Type.String({ minLength: 1, maxLength: 100 }) },
                  { additionalProperties: false },
                ),
          response: {
            201: Type.Composite([Credential, Type.Object({ secret: Type.String() })]),
            ...errorResponses,
          },
        },
      },
      async (req, reply) => {
        const body = req.body as { name: string; role?: Role };
        const role = body.role ?? "analyst";
        if (kind === "api_token") await canGrantRole(req, role, ctx.store);
        const created = await createCredential(ctx.store, kind, body.name, role, actorOf(req));
        verifier.invalidate();
        return reply.status(201).send(created);
      },
    );
    app.get(
      `/api/${path}`,
      {
        config: { access: "credentials.manage" },
        schema: {
          summary: `List ${label}s (never their secrets)`,
          tags: ["credentials"],
          security,
          response: { 200: Type.Object({ items: Type.Array(Credential) }), ...errorResponses },
        },
      },
      async () => ({ items: await listCredentials(ctx.store, kind) }),
    );
    app.delete(
      `/api/${path}/:id`,
      {
        config: { access: "credentials.manage" },
        schema: {
          summary: `Revoke a ${label}`,
          tags: ["credentials"],
          security,
          params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
          response: { 200: Type.Object({ revoked: Type.String() }), ...errorResponses },
        },
      },
      async (req) => {
        if (!(await revokeCredential(ctx.store, kind, req.params.id, actorOf(req)))) {
          throw new HttpError(404, "not_found", `no live ${label} with id ${req.params.id}`);
        }
        verifier.invalidate();
        return { revoked: req.params.id };
      },
    );
  }
}
