// `itinera accounts …`: the people who sign in to the dashboard. Passwords are made up and printed once
// (or given with --password); only their hashes are stored.
import type { Command } from "commander";
import { cliActor } from "../../audit/log.js";
import {
  type Account,
  createAccount,
  disableAccount,
  listAccounts,
  type Role,
  Roles,
  resetPassword,
  updateAccount,
} from "../../auth/accounts.js";
import { isRole } from "../../auth/roles.js";
import { orFail } from "../input.js";
import { configFrom, type GlobalOptions } from "../options.js";
import { CliError, emit, fail, table } from "../output.js";
import { viaServerOr } from "../target.js";

interface WithPassword {
  account: Account;
  password: string;
}

const shown = (w: WithPassword, what: string) =>
  `${what} ${w.account.email} (${w.account.id}, ${w.account.role}). Password, shown once:\n${w.password}`;

export function accountCommands(program: Command): void {
  const accounts = program.command("accounts").description("manage the accounts people sign in with");

  accounts
    .command("create")
    .description("create an account; without --password one is made up and printed once")
    .requiredOption("--email <email>", "what the person signs in with")
    .requiredOption("--name <name>", "their name")
    .option(
      "--role <role>",
      `${Roles.join(", ")} (default analyst; only admins manage accounts and credentials)`,
    )
    .option("--password <password>", "at least 12 characters (default: made up)")
    .addHelpText(
      "after",
      "\nExample:\n  $ itinera accounts create --email mina@example.com --name 'Mina Park' --role admin",
    )
    .action(async (o: { email: string; name: string; role?: string; password?: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      try {
        const role = (o.role ?? "analyst") as Role;
        if (!Roles.includes(role))
          throw new CliError(`--role must be one of ${Roles.join(", ")} (got "${o.role}")`, 2);
        const body = { email: o.email, name: o.name, role, ...(o.password ? { password: o.password } : {}) };
        const created = await viaServerOr<WithPassword>(
          configFrom(g),
          { method: "POST", path: "/api/accounts", body },
          async (ctx) => orFail(await createAccount(ctx.store, body, cliActor())),
        );
        emit(g, created, (c) => shown(c, "Created"));
      } catch (e) {
        fail(g, e);
      }
    });

  accounts
    .command("list")
    .description("list accounts (never their passwords)")
    .action(async (_o: unknown, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      try {
        const list = await viaServerOr<{ items: Account[] }>(
          configFrom(g),
          { method: "GET", path: "/api/accounts" },
          async (ctx) => ({ items: await listAccounts(ctx.store) }),
        );
        emit(g, list, (l) =>
          table(l.items as unknown as Array<Record<string, unknown>>, [
            "id",
            "email",
            "name",
            "role",
            "createdAt",
            "disabledAt",
          ]),
        );
      } catch (e) {
        fail(g, e);
      }
    });

  accounts
    .command("update <id>")
    .description("rename an account or change its role (takes effect on its next request)")
    .option("--name <name>", "the new display name")
    .option("--role <role>", Roles.join(", "))
    .action(async (id: string, o: { name?: string; role?: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      try {
        if (o.role !== undefined && !isRole(o.role))
          throw new CliError(`--role must be one of ${Roles.join(", ")} (got "${o.role}")`, 2);
        if (o.name === undefined && o.role === undefined) throw new CliError("give --name or --role", 2);
        const change = { ...(o.name ? { name: o.name } : {}), ...(o.role ? { role: o.role as Role } : {}) };
        const out = await viaServerOr<Account>(
          configFrom(g),
          { method: "PATCH", path: `/api/accounts/${encodeURIComponent(id)}`, body: change },
          async (ctx) => orFail(await updateAccount(ctx.store, id, change, cliActor())),
        );
        emit(g, out, (a) => `Updated ${a.email} (${a.id}): ${a.name}, ${a.role}.`);
      } catch (e) {
        fail(g, e);
      }
    });

  accounts
    .command("disable <id>")
    .description("disable an account and end its sessions")
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      try {
        const out = await viaServerOr<Account>(
          configFrom(g),
          { method: "DELETE", path: `/api/accounts/${encodeURIComponent(id)}` },
          async (ctx) => orFail(await disableAccount(ctx.store, id, cliActor())),
        );
        emit(g, out, (a) => `Disabled ${a.email} (${a.id}).`);
      } catch (e) {
        fail(g, e);
      }
    });

  accounts
    .command("reset-password <id>")
    .description(
      "set a new password (made up and printed once unless --password) and end the account's sessions",
    )
    .option("--password <password>", "at least 12 characters (default: made up)")
    .action(async (id: string, o: { password?: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      try {
        const out = await viaServerOr<WithPassword>(
          configFrom(g),
          {
            method: "POST",
            path: `/api/accounts/${encodeURIComponent(id)}/password`,
            body: o.password ? { password: o.password } : {},
          },
          async (ctx) => orFail(await resetPassword(ctx.store, id, o.password, cliActor())),
        );
        emit(g, out, (w) => shown(w, "New password for"));
      } catch (e) {
        fail(g, e);
      }
    });
}
