// Sign-in for people (the dashboard): sign in and out, the session, who is calling. Routes rather than
// operations of the table: they set and clear the session cookie and read the request's own credentials.
// The accounts themselves are operations (src/server/operations/accounts.ts). Scripts use API tokens.
import { Type } from "@sinclair/typebox";
import { Roles, SignInThrottle, sessionAccount, signIn, signOut } from "../../auth/accounts.js";
import { Permissions, permissionsOf } from "../../auth/roles.js";
import { StringEnum } from "../../typebox.js";
import type { App } from "../app.js";
import type { AppContext } from "../context.js";
import { errorResponses, HttpError } from "../errors.js";
import { Account } from "../operations/accounts.js";
import { principalOf, tokenOf } from "../permissions.js";
import { sessionCookieHeader } from "../web-safety.js";

const security = [{ bearerAuth: [] }];
const tags = ["accounts"];

export function accountRoutes(app: App, ctx: AppContext): void {
  const throttle = new SignInThrottle(ctx.clock);

  app.post(
    "/api/auth/login",
    {
      config: { access: "public" },
      schema: {
        summary: "Sign in with email and password: a session token (also set as an HttpOnly cookie)",
        tags,
        body: Type.Object(
          {
            email: Type.String({ minLength: 1, maxLength: 200 }),
            password: Type.String({ minLength: 1, maxLength: 200 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ token: Type.String(), expiresAt: Type.String(), account: Account }),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const { email, password } = req.body;
      if (throttle.blocked(email))
        throw new HttpError(
          429,
          "too_many_attempts",
          "too many failed sign-ins for this email; wait 15 minutes",
        );
      const session = await signIn(ctx.store, email, password, ctx.config.sessionHours, ctx.clock);
      if (!session) {
        throttle.failed(email);
        throw new HttpError(401, "invalid_credentials", "the email or the password is wrong");
      }
      throttle.succeeded(email);
      const maxAge = Math.round(ctx.config.sessionHours * 3600);
      return reply
        .header("set-cookie", sessionCookieHeader(req, ctx.config.http, session.token, maxAge))
        .send(session);
    },
  );

  app.post(
    "/api/auth/logout",
    {
      config: { access: "session" },
      schema: {
        summary: "End this session",
        tags,
        security,
        response: { 200: Type.Object({ signedOut: Type.Boolean() }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const token = tokenOf(req);
      const signedIn = principalOf(req)?.kind === "account";
      if (token && signedIn) await signOut(ctx.store, token);
      return reply
        .header("set-cookie", sessionCookieHeader(req, ctx.config.http, "", 0))
        .send({ signedOut: signedIn });
    },
  );

  // The dashboard asks this before anyone has signed in, so "nobody" is an answer here, not a 401.
  app.get(
    "/api/auth/session",
    {
      config: { access: "public" },
      schema: {
        summary: "The dashboard's sign-in, if the session cookie carries a live one (public: null when not)",
        tags,
        response: {
          200: Type.Object({
            account: Type.Union([Account, Type.Null()]),
            permissions: Type.Array(StringEnum(Permissions), {
              description: "What the signed-in account may do (empty when nobody is signed in)",
            }),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const token = tokenOf(req);
      const account = token?.startsWith("its_")
        ? await sessionAccount(ctx.store, token, ctx.clock)
        : undefined;
      return { account: account ?? null, permissions: account ? permissionsOf(account.role) : [] };
    },
  );

  app.get(
    "/api/auth/me",
    {
      config: { access: "session" },
      schema: {
        summary: "Who this request is: a signed-in account, or an API token",
        tags,
        security,
        response: {
          200: Type.Object({
            kind: StringEnum(["account", "token"]),
            account: Type.Union([Account, Type.Null()]),
            token: Type.Union([Type.String({ description: "The API token's name" }), Type.Null()]),
            role: StringEnum(Roles),
            permissions: Type.Array(StringEnum(Permissions)),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const p = principalOf(req);
      if (!p) throw new HttpError(401, "missing_token", "sign in or send an API token");
      const rights = { role: p.role, permissions: permissionsOf(p.role) };
      return p.kind === "account"
        ? { kind: "account" as const, account: p.account, token: null, ...rights }
        : { kind: "token" as const, account: null, token: p.name, ...rights };
    },
  );
}
