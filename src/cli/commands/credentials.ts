// `itinera keys …` and `itinera tokens …`: write keys for collection, API tokens for the rest.
import type { Command } from "commander";
import { cliActor } from "../../audit/log.js";
import {
  type Credential,
  type CredentialKind,
  createCredential,
  listCredentials,
  revokeCredential,
} from "../../auth/credentials.js";
import { isRole, Roles } from "../../auth/roles.js";
import { configFrom, type GlobalOptions } from "../options.js";
import { CliError, emit, fail, table } from "../output.js";
import { viaServerOr } from "../target.js";

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
    create.action(async (opts: { name: string; role?: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      try {
        const config = configFrom(g);
        const role = opts.role ?? "analyst";
        if (!isRole(role)) throw new CliError(`--role must be one of ${Roles.join(", ")} (got "${role}")`, 2);
        const body = kind === "api_token" ? { name: opts.name, role } : { name: opts.name };
        const created = await viaServerOr(config, { method: "POST", path: `/api/${name}`, body }, (ctx) =>
          createCredential(ctx.store, kind, opts.name, role, cliActor()),
        );
        emit(
          g,
          created,
          (c) =>
            `Created ${label} "${c.name}" (${c.id}${c.role ? `, ${c.role}` : ""}). Secret, shown once:\n${c.secret}`,
        );
      } catch (e) {
        fail(g, e);
      }
    });
    group
      .command("list")
      .description(`list ${label}s (never their secrets)`)
      .action(async (_o: unknown, cmd: Command) => {
        const g = cmd.optsWithGlobals<GlobalOptions>();
        try {
          const config = configFrom(g);
          const list = await viaServerOr(config, { method: "GET", path: `/api/${name}` }, async (ctx) => ({
            items: await listCredentials(ctx.store, kind),
          }));
          emit(g, list, (l) =>
            table(l.items as unknown as Array<Record<string, unknown>>, [
              "id",
              "name",
              "createdAt",
              "revokedAt",
            ]),
          );
        } catch (e) {
          fail(g, e);
        }
      });
    group
      .command("revoke <id>")
      .description(`revoke a ${label} by id`)
      .action(async (id: string, _o: unknown, cmd: Command) => {
        const g = cmd.optsWithGlobals<GlobalOptions>();
        try {
          const config = configFrom(g);
          const out = await viaServerOr(
            config,
            { method: "DELETE", path: `/api/${name}/${encodeURIComponent(id)}` },
            async (ctx) => {
              if (!(await revokeCredential(ctx.store, kind, id, cliActor())))
                throw new CliError(`no live ${label} with id ${id}`, 3);
              return { revoked: id };
            },
          );
          emit(g, out, (o) => `Revoked ${o.revoked}`);
        } catch (e) {
          fail(g, e);
        }
      });
  }
}

export type { Credential };
