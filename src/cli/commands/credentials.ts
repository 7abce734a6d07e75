// `itinera keys …` and `itinera tokens …`: write keys for collection, API tokens for the rest.
import type { Command } from "commander";
import type { Credential, CredentialKind } from "../../auth/credentials.js";
import { isRole, Roles } from "../../auth/roles.js";
import { apiTokenOperations, writeKeyOperations } from "../../server/operations/credentials.js";
import { CliError, table } from "../output.js";
import { act, perform } from "../target.js";

export function credentialCommands(program: Command): void {
  const groups: Array<[string, CredentialKind, string]> = [
    ["keys", "write_key", "write key"],
    ["tokens", "api_token", "API token"],
  ];
  for (const [name, kind, label] of groups) {
    const group = program
      .command(name)
      .description(`manage ${label}s (${kind === "write_key" ? "for /v1 collection" : "for /api"})`);
    const create = group
      .command("create")
      .description(`create a ${label}; the secret is printed once`)
      .requiredOption("--name <name>", "what the credential is for, e.g. web-site");
    if (kind === "api_token")
      create.option(
        "--role <role>",
        `what the token may do: ${Roles.join(", ")} (default analyst; never more than your own)`,
      );
    const operations = kind === "write_key" ? writeKeyOperations : apiTokenOperations;
    create.action((opts: { name: string; role?: string }, cmd: Command) =>
      act(
        cmd,
        (config) => {
          const role = opts.role ?? "analyst";
          if (!isRole(role))
            throw new CliError(`--role must be one of ${Roles.join(", ")} (got "${role}")`, 2);
          const body = kind === "api_token" ? { name: opts.name, role } : { name: opts.name };
          return perform(config, operations.create, { body });
        },
        (c) =>
          `Created ${label} "${c.name}" (${c.id}${c.role ? `, ${c.role}` : ""}). Secret, shown once:\n${c.secret}`,
      ),
    );
    group
      .command("list")
      .description(`list ${label}s (never their secrets)`)
      .action((_o: unknown, cmd: Command) =>
        act(
          cmd,
          (config) => perform(config, operations.list, {}),
          (l) =>
            table(l.items as unknown as Array<Record<string, unknown>>, [
              "id",
              "name",
              "createdAt",
              "revokedAt",
            ]),
        ),
      );
    group
      .command("revoke <id>")
      .description(`revoke a ${label} by id`)
      .action((id: string, _o: unknown, cmd: Command) =>
        act(
          cmd,
          (config) => perform(config, operations.revoke, { params: { id } }),
          (o) => `Revoked ${o.revoked}`,
        ),
      );
  }
}

export type { Credential };
