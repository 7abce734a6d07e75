// Sign-in for people (the dashboard) and the accounts they sign in with. Scripts keep using API tokens.
import { Type } from "@sinclair/typebox";
import type { FastifyRequest } from "fastify";
import {
  createAccount,
  disableAccount,
  findAccount,
  listAccounts,
  MIN_PASSWORD,
  Roles,
  resetPassword,
  SignInThrottle,
  sessionAccount,
  signIn,
  signOut,
  updateAccount,
} from "../../auth/accounts.js";
import { Permissions, permissionsOf } from "../../auth/roles.js";
import { StringEnum } from "../../typebox.js";
import type { App } from "../app.js";
import type { AppContext } from "../context.js";
import { errorResponses, HttpError, unwrapProblem } from "../errors.js";
import { actorOf, canGrantRole, principalOf, tokenOf } from "../permissions.js";
import { sessionCookieHeader } from "../web-safety.js";

const security = [{ bearerAuth: [] }];
const tags = ["accounts"];

const Account = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: StringEnum(Roles),
  createdAt: Type.String(),
  disabledAt: Type.Union([Type.String(), Type.Null()]),
});
const AccountId = Type.Object({ id: Type.String({ maxLength: 40 }) });
const WithPassword = Type.Object({
  account: Account,
  password: Type.String({ description: "Shown once; only its hash is stored" }),
});

export function accountRoutes(app: App, ctx: AppContext): void {
  const throttle = new SignInThrottle(ctx.clock);

  /**
   * Nobody acts on their own account through these routes (no self-promotion, no locking oneself out),
   * nor on an account with rights they lack (a lesser manager cannot take over an admin).
   */
  async function mayActOn(req: FastifyRequest, id: string, verb: string): Promise<void> {
    const caller = principalOf(req);
    if (caller?.kind === "account" && caller.id === id)
      throw new HttpError(403, "own_account", `you cannot ${verb} your own account here; ask another admin`);
    const target = await findAccount(ctx.store, id);
    if (!target) throw new HttpError(404, "not_found", `no account ${id}`);
    await canGrantRole(req, target.role, ctx.store);
  }

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

  app.get(
    "/api/accounts",
    {
      config: { access: "accounts.manage" },
      schema: {
        summary: "Accounts that can sign in",
        tags,
        security,
        response: { 200: Type.Object({ items: Type.Array(Account) }), ...errorResponses },
      },
    },
    async () => ({ items: await listAccounts(ctx.store) }),
  );

  app.post(
    "/api/accounts",
    {
      config: { access: "accounts.manage" },
      schema: {
        summary: "Create an account; without a password one is made up and shown once",
        tags,
        security,
        body: Type.Object(
          {
            email: Type.String({ minLength: 3, maxLength: 200 }),
            name: Type.String({ minLength: 1, maxLength: 100 }),
            role: Type.Optional(StringEnum(Roles, { default: "analyst" })),
            password: Type.Optional(Type.String({ minLength: MIN_PASSWORD, maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: WithPassword, ...errorResponses },
      },
    },
    async (req, reply) => {
      const role = req.body.role ?? "analyst";
      await canGrantRole(req, role, ctx.store);
      const created = unwrapProblem(await createAccount(ctx.store, { ...req.body, role }, actorOf(req)));
      return reply.status(201).send(created);
    },
  );

  app.delete(
    "/api/accounts/:id",
    {
      config: { access: "accounts.manage" },
      schema: {
        summary: "Disable an account and end its sessions",
        tags,
        security,
        params: AccountId,
        response: { 200: Account, ...errorResponses },
      },
    },
    async (req) => {
      await mayActOn(req, req.params.id, "disable");
      return unwrapProblem(await disableAccount(ctx.store, req.params.id, actorOf(req)));
    },
  );

  app.patch(
    "/api/accounts/:id",
    {
      config: { access: "accounts.manage" },
      schema: {
        summary: "Rename an account or change its role (never your own, never to more rights than yours)",
        tags,
        security,
        params: AccountId,
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            role: Type.Optional(StringEnum(Roles)),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: Account, ...errorResponses },
      },
    },
    async (req) => {
      await mayActOn(req, req.params.id, "change");
      if (req.body.role) await canGrantRole(req, req.body.role, ctx.store);
      return unwrapProblem(await updateAccount(ctx.store, req.params.id, req.body, actorOf(req)));
    },
  );

  app.post(
    "/api/accounts/:id/password",
    {
      config: { access: "accounts.manage" },
      schema: {
        summary: "Set a new password (made up and shown once when not given); ends the account's sessions",
        tags,
        security,
        params: AccountId,
        body: Type.Object(
          { password: Type.Optional(Type.String({ minLength: MIN_PASSWORD, maxLength: 200 })) },
          { additionalProperties: false },
        ),
        response: { 200: WithPassword, ...errorResponses },
      },
    },
    async (req) => {
      await mayActOn(req, req.params.id, "reset the password of");
      return unwrapProblem(await resetPassword(ctx.store, req.params.id, req.body.password, actorOf(req)));
    },
  );
}
