// Sign-in for people (the dashboard) and the accounts they sign in with. Scripts keep using API tokens.
import { Type } from "@sinclair/typebox";
import {
  createAccount,
  disableAccount,
  listAccounts,
  MIN_PASSWORD,
  Roles,
  resetPassword,
  SignInThrottle,
  sessionAccount,
  signIn,
  signOut,
} from "../../auth/accounts.js";
import { StringEnum } from "../../typebox.js";
import type { App } from "../app.js";
import type { AppContext } from "../context.js";
import { errorResponses, HttpError, unwrapProblem } from "../errors.js";
import { canManageAccounts, principalOf, SESSION_COOKIE, tokenOf } from "../permissions.js";

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
const WithPassword = Type.Object({
  account: Account,
  password: Type.String({ description: "Shown once; only its hash is stored" }),
});

export function accountRoutes(app: App, ctx: AppContext): void {
  const throttle = new SignInThrottle();

  app.post(
    "/api/auth/login",
    {
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
      const session = await signIn(ctx.store, email, password, ctx.config.sessionHours);
      if (!session) {
        throttle.failed(email);
        throw new HttpError(401, "invalid_credentials", "the email or the password is wrong");
      }
      throttle.succeeded(email);
      const maxAge = Math.round(ctx.config.sessionHours * 3600);
      return reply
        .header(
          "set-cookie",
          `${SESSION_COOKIE}=${encodeURIComponent(session.token)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}`,
        )
        .send(session);
    },
  );

  app.post(
    "/api/auth/logout",
    {
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
        .header("set-cookie", `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`)
        .send({ signedOut: signedIn });
    },
  );

  // The dashboard asks this before anyone has signed in, so "nobody" is an answer here, not a 401.
  app.get(
    "/api/auth/session",
    {
      schema: {
        summary: "The dashboard's sign-in, if the session cookie carries a live one (public: null when not)",
        tags,
        response: { 200: Type.Object({ account: Type.Union([Account, Type.Null()]) }), ...errorResponses },
      },
    },
    async (req) => {
      const token = tokenOf(req);
      const account = token?.startsWith("its_") ? await sessionAccount(ctx.store, token) : undefined;
      return { account: account ?? null };
    },
  );

  app.get(
    "/api/auth/me",
    {
      schema: {
        summary: "Who this request is: a signed-in account, or an API token",
        tags,
        security,
        response: {
          200: Type.Object({
            kind: StringEnum(["account", "token"]),
            account: Type.Union([Account, Type.Null()]),
            token: Type.Union([Type.String({ description: "The API token's name" }), Type.Null()]),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return p?.kind === "account"
        ? { kind: "account" as const, account: p.account, token: null }
        : { kind: "token" as const, account: null, token: p?.name ?? null };
    },
  );

  app.get(
    "/api/accounts",
    {
      schema: {
        summary: "Accounts that can sign in (admins and API tokens only)",
        tags,
        security,
        response: { 200: Type.Object({ items: Type.Array(Account) }), ...errorResponses },
      },
    },
    async (req) => {
      canManageAccounts(req);
      return { items: await listAccounts(ctx.store) };
    },
  );

  app.post(
    "/api/accounts",
    {
      schema: {
        summary: "Create an account; without a password one is made up and shown once",
        tags,
        security,
        body: Type.Object(
          {
            email: Type.String({ minLength: 3, maxLength: 200 }),
            name: Type.String({ minLength: 1, maxLength: 100 }),
            role: Type.Optional(StringEnum(Roles, { default: "member" })),
            password: Type.Optional(Type.String({ minLength: MIN_PASSWORD, maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: WithPassword, ...errorResponses },
      },
    },
    async (req, reply) => {
      canManageAccounts(req);
      const created = unwrapProblem(
        await createAccount(ctx.store, { ...req.body, role: req.body.role ?? "member" }),
      );
      return reply.status(201).send(created);
    },
  );

  app.delete(
    "/api/accounts/:id",
    {
      schema: {
        summary: "Disable an account and end its sessions",
        tags,
        security,
        params: Type.Object({ id: Type.String({ maxLength: 40 }) }),
        response: { 200: Account, ...errorResponses },
      },
    },
    async (req) => {
      canManageAccounts(req);
      return unwrapProblem(await disableAccount(ctx.store, req.params.id));
    },
  );

  app.post(
    "/api/accounts/:id/password",
    {
      schema: {
        summary: "Set a new password (made up and shown once when not given); ends the account's sessions",
        tags,
        security,
        params: Type.Object({ id: Type.String({ maxLength: 40 }) }),
        body: Type.Object(
          { password: Type.Optional(Type.String({ minLength: MIN_PASSWORD, maxLength: 200 })) },
          { additionalProperties: false },
        ),
        response: { 200: WithPassword, ...errorResponses },
      },
    },
    async (req) => {
      canManageAccounts(req);
      return unwrapProblem(await resetPassword(ctx.store, req.params.id, req.body.password));
    },
  );
}
