// `itinera accounts …`: the people who sign in to the dashboard. Passwords are made up and printed once
// (or given with --password); only their hashes are stored.
import type { Command } from "commander";
import { type Account, type Role, Roles } from "../../auth/accounts.js";
import { isRole } from "../../auth/roles.js";
import {
  accountListOperation,
  createAccountOperation,
  disableAccountOperation,
  passwordOperation,
  updateAccountOperation,
} from "../../server/operations/accounts.js";
import { CliError, table } from "../output.js";
import { act, perform } from "../target.js";

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
    .action((o: { email: string; name: string; role?: string; password?: string }, cmd: Command) =>
      act(
        cmd,
        (config) => {
          const role = (o.role ?? "analyst") as Role;
          if (!Roles.includes(role))
            throw new CliError(`--role must be one of ${Roles.join(", ")} (got "${o.role}")`, 2);
          const body = {
            email: o.email,
            name: o.name,
            role,
            ...(o.password ? { password: o.password } : {}),
          };
          return perform(config, createAccountOperation, { body });
        },
        (c) => shown(c, "Created"),
      ),
    );

  accounts
    .command("list")
    .description("list accounts (never their passwords)")
    .action((_o: unknown, cmd: Command) =>
      act(
        cmd,
        (config) => perform(config, accountListOperation, {}),
        (l) =>
          table(l.items as unknown as Array<Record<string, unknown>>, [
            "id",
            "email",
            "name",
            "role",
            "createdAt",
            "disabledAt",
          ]),
      ),
    );

  accounts
    .command("update <id>")
    .description("rename an account or change its role (takes effect on its next request)")
    .option("--name <name>", "the new display name")
    .option("--role <role>", Roles.join(", "))
    .action((id: string, o: { name?: string; role?: string }, cmd: Command) =>
      act(
        cmd,
        (config) => {
          if (o.role !== undefined && !isRole(o.role))
            throw new CliError(`--role must be one of ${Roles.join(", ")} (got "${o.role}")`, 2);
          if (o.name === undefined && o.role === undefined) throw new CliError("give --name or --role", 2);
          const body = { ...(o.name ? { name: o.name } : {}), ...(o.role ? { role: o.role as Role } : {}) };
          return perform(config, updateAccountOperation, { params: { id }, body });
        },
        (a) => `Updated ${a.email} (${a.id}): ${a.name}, ${a.role}.`,
      ),
    );

  accounts
    .command("disable <id>")
    .description("disable an account and end its sessions")
    .action((id: string, _o: unknown, cmd: Command) =>
      act(
        cmd,
        (config) => perform(config, disableAccountOperation, { params: { id } }),
        (a) => `Disabled ${a.email} (${a.id}).`,
      ),
    );

  accounts
    .command("reset-password <id>")
    .description(
      "set a new password (made up and printed once unless --password) and end the account's sessions",
    )
    .option("--password <password>", "at least 12 characters (default: made up)")
    .action((id: string, o: { password?: string }, cmd: Command) =>
      act(
        cmd,
        (config) =>
          perform(config, passwordOperation, {
            params: { id },
            body: o.password ? { password: o.password } : {},
          }),
        (w) => shown(w, "New password for"),
      ),
    );
}
