// `itinera audit`: who changed what and when, newest first (the API's GET /api/audit, or the file).
import type { Command } from "commander";
import type { AuditPage, AuditQuery } from "../../audit/log.js";
import { auditOperation } from "../../server/operations/audit.js";
import { isoFlag } from "../input.js";
import { positiveInt } from "../options.js";
import { CliError, table } from "../output.js";
import { act, perform } from "../target.js";

interface AuditOptions {
  action?: string;
  actor?: string;
  target?: string;
  since?: string;
  until?: string;
  limit?: string;
  after?: string;
}

function render(page: AuditPage): string {
  const rows = page.items.map((e) => ({
    id: e.id,
    at: e.at,
    actor: `${e.actor.kind}:${e.actor.name}`,
    action: e.action,
    target: e.target,
  }));
  const more = page.next === null ? "" : `\n\nOlder entries: add --after ${page.next}`;
  return table(rows, ["id", "at", "actor", "action", "target"]) + more;
}

export function auditCommand(program: Command): void {
  program
    .command("audit")
    .description(
      "the audit log: changes to credentials, accounts, definitions and settings, imports, exports, erasures",
    )
    .option("--action <prefix>", "an action or its start, e.g. touchpoint. or account.create")
    .option("--actor <name>", "who: an account's email, a token's name, an OS user (or an id)")
    .option("--target <target>", "what it was done to, exactly (an id)")
    .option("--since <time>", "at or after this ISO-8601 time")
    .option("--until <time>", "before this ISO-8601 time")
    .option("--limit <n>", "entries per page, 1–500 (default 50)")
    .option("--after <id>", "the page after this entry id (older ones), as printed below the table")
    .addHelpText(
      "after",
      `
Before and after of each definition are in the --json output.

Examples:
  $ itinera audit
  $ itinera audit --action touchpoint. --since 2026-05-01
  $ itinera --json audit --actor ada@example.com --limit 500`,
    )
    .action((o: AuditOptions, cmd: Command) =>
      act(
        cmd,
        (config) => {
          const limit = positiveInt("--limit", o.limit, 50);
          if (limit > 500) throw new CliError(`--limit must be at most 500 (got ${limit})`, 2);
          const after = o.after === undefined ? undefined : positiveInt("--after", o.after, 1);
          const query: AuditQuery = {
            limit,
            ...(o.action === undefined ? {} : { action: o.action }),
            ...(o.actor === undefined ? {} : { actor: o.actor }),
            ...(o.target === undefined ? {} : { target: o.target }),
            ...(o.since === undefined ? {} : { from: isoFlag("--since", o.since) }),
            ...(o.until === undefined ? {} : { to: isoFlag("--until", o.until) }),
            ...(after === undefined ? {} : { after }),
          };
          return perform(config, auditOperation, { query });
        },
        render,
      ),
    );
}
