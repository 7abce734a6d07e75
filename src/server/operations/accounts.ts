// The accounts people sign in with: list, create, change, disable, set a new password. Nobody acts on
// their own account here (no self-promotion, no locking oneself out), nor on an account with rights they
// lack (a lesser manager cannot take over an admin). Sign-in itself is src/server/routes/accounts.ts.
import { Type } from "@sinclair/typebox";
import {
  createAccount,
  disableAccount,
  findAccount,
  listAccounts,
  MIN_PASSWORD,
  Roles,
  resetPassword,
  updateAccount,
} from "../../auth/accounts.js";
import { forbidden, notFound, type Problem } from "../../problem.js";
import { ok, type Result } from "../../result.js";
import type { Store } from "../../store/database.js";
import { StringEnum } from "../../typebox.js";
import { type Caller, operation } from "../operation.js";

const tags = ["accounts"];

export const Account = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: StringEnum(Roles),
  createdAt: Type.String(),
  disabledAt: Type.Union([Type.String(), Type.Null()]),
});
const AccountId = Type.Object({ id: Type.String({ maxLength: 40 }) });
export const WithPassword = Type.Object({
  account: Account,
  password: Type.String({ description: "Shown once; only its hash is stored" }),
});

async function mayActOn(
  store: Store,
  caller: Caller,
  id: string,
  verb: string,
): Promise<Result<void, Problem>> {
  if (caller.account === id)
    return forbidden(`you cannot ${verb} your own account here; ask another admin`, "own_account");
  const target = await findAccount(store, id);
  if (!target) return notFound(`no account ${id}`);
  return caller.mayGrant(target.role);
}

export const accountListOperation = operation({
  id: "accounts.list",
  method: "GET",
  path: "/api/accounts",
  access: "accounts.manage",
  summary: "Accounts that can sign in",
  tags,
  response: Type.Object({ items: Type.Array(Account) }),
  run: async (ctx) => ok({ items: await listAccounts(ctx.store) }),
});

export const createAccountOperation = operation({
  id: "accounts.create",
  method: "POST",
  path: "/api/accounts",
  access: "accounts.manage",
  summary: "Create an account; without a password one is made up and shown once",
  tags,
  body: Type.Object(
    {
      email: Type.String({ minLength: 3, maxLength: 200 }),
      name: Type.String({ minLength: 1, maxLength: 100 }),
      role: Type.Optional(StringEnum(Roles, { default: "analyst" })),
      password: Type.Optional(Type.String({ minLength: MIN_PASSWORD, maxLength: 200 })),
    },
    { additionalProperties: false },
  ),
  response: WithPassword,
  status: 201,
  async run(ctx, { body }, caller) {
    const role = body.role ?? "analyst";
    const granted = await caller.mayGrant(role);
    if (!granted.ok) return granted;
    return createAccount(ctx.store, { ...body, role }, caller.actor);
  },
});

export const disableAccountOperation = operation({
  id: "accounts.disable",
  method: "DELETE",
  path: "/api/accounts/:id",
  access: "accounts.manage",
  summary: "Disable an account and end its sessions",
  tags,
  params: AccountId,
  response: Account,
  async run(ctx, { params }, caller) {
    const allowed = await mayActOn(ctx.store, caller, params.id, "disable");
    return allowed.ok ? disableAccount(ctx.store, params.id, caller.actor) : allowed;
  },
});

export const updateAccountOperation = operation({
  id: "accounts.update",
  method: "PATCH",
  path: "/api/accounts/:id",
  access: "accounts.manage",
  summary: "Rename an account or change its role (never your own, never to more rights than yours)",
  tags,
  params: AccountId,
  body: Type.Object(
    {
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
      role: Type.Optional(StringEnum(Roles)),
    },
    { additionalProperties: false, minProperties: 1 },
  ),
  response: Account,
  async run(ctx, { params, body }, caller) {
    const allowed = await mayActOn(ctx.store, caller, params.id, "change");
    if (!allowed.ok) return allowed;
    if (body.role) {
      const granted = await caller.mayGrant(body.role);
      if (!granted.ok) return granted;
    }
    return updateAccount(ctx.store, params.id, body, caller.actor);
  },
});

export const passwordOperation = operation({
  id: "accounts.password",
  method: "POST",
  path: "/api/accounts/:id/password",
  access: "accounts.manage",
  summary: "Set a new password (made up and shown once when not given); ends the account's sessions",
  tags,
  params: AccountId,
  body: Type.Object(
    { password: Type.Optional(Type.String({ minLength: MIN_PASSWORD, maxLength: 200 })) },
    { additionalProperties: false },
  ),
  response: WithPassword,
  async run(ctx, { params, body }, caller) {
    const allowed = await mayActOn(ctx.store, caller, params.id, "reset the password of");
    return allowed.ok ? resetPassword(ctx.store, params.id, body.password, caller.actor) : allowed;
  },
});

export const accountOperations = [
  accountListOperation,
  createAccountOperation,
  disableAccountOperation,
  updateAccountOperation,
  passwordOperation,
];
