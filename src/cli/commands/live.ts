// `itinera live`: tails the running server's live feed (GET /api/live/events), one line per stored event,
// or JSON lines with --json. The feed lives in the server process: without a running server there is
// nothing to tail.
import http from "node:http";
import type { Command } from "commander";
import { cliActor } from "../../audit/log.js";
import type { Freshness, LiveEvent } from "../../live/schema.js";
import { CLI_USER_HEADER } from "../../server/permissions.js";
import { withQuery } from "../input.js";
import { configFrom, type GlobalOptions, positiveInt } from "../options.js";
import { CliError, fail } from "../output.js";
import { runningServer } from "../target.js";

interface LiveOptions {
  event?: string;
  type?: string;
  channel?: string;
  customer?: string;
  journey?: boolean;
  limit?: string;
}

const TYPES = ["track", "identify", "page", "screen", "group", "alias"];

function line(e: LiveEvent): string {
  const time = e.receivedAt.slice(11, 19);
  const customer = e.customerId === null ? "-" : `#${e.customerId}`;
  const tp = e.touchpoint ? `${e.touchpoint.name} (${e.touchpoint.stage.name})` : "-";
  const stage = e.stageChange ? `  ${e.stageChange.from?.name ?? "(new)"} → ${e.stageChange.to.name}` : "";
  return `${time}  ${(e.event ?? `(${e.type})`).padEnd(24)}  ${customer.padEnd(8)}  ${e.channel.padEnd(7)}  ${tp}${stage}`;
}

export function liveCommand(program: Command): void {
  program
    .command("live")
    .description("tail events as the running server stores them: customer, channel, touchpoint, stage change")
    .option("--event <name>", "only this event name")
    .option("--type <type>", `only this message type (${TYPES.join(", ")})`)
    .option("--channel <channel>", "only this channel (web, app, email, …)")
    .option("--customer <id>", "only this customer's events")
    .option("--journey", "also say when the journey tables are refreshed (generation, newest event)")
    .option("--limit <n>", "stop after this many events (default: until Ctrl-C)")
    .addHelpText(
      "after",
      `
Needs a running \`itinera serve\` for the same database (the feed lives in the server). Stage changes are
provisional: judged against the stage at the last journey refresh, which records them seconds later.
--json prints one JSON object per line: {"event": LiveEvent} or {"journey": Freshness} or {"skipped": n}.

Examples:
  $ itinera live
  $ itinera live --event "Order Completed" --channel web
  $ itinera --json live --customer 42 --limit 10`,
    )
    .action(async (o: LiveOptions, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      try {
        const config = configFrom(g);
        if (o.type !== undefined && !TYPES.includes(o.type))
          throw new CliError(`--type must be one of ${TYPES.join(", ")} (got ${o.type})`, 2);
        const customer = o.customer === undefined ? undefined : positiveInt("--customer", o.customer, 1);
        const limit = o.limit === undefined ? undefined : positiveInt("--limit", o.limit, 1);
        const server = runningServer(config);
        if (!server)
          throw new CliError(
            `no server is running for ${config.databasePath}: start one with \`itinera serve\` (the live feed lives in it)`,
          );
        const path = withQuery("/api/live/events", {
          event: o.event,
          type: o.type,
          channel: o.channel,
          customer,
          topics: o.journey ? "events,journey" : "events",
        });
        await tail(server, path, limit, g.json === true);
      } catch (e) {
        fail(g, e);
      }
    });
}

/** Reads the stream until `limit` events, the server closing it, or Ctrl-C. */
function tail(
  server: { url: string; token: string },
  path: string,
  limit: number | undefined,
  json: boolean,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = 0;
    const req = http.get(
      server.url + path,
      {
        headers: {
          authorization: `Bearer ${server.token}`,
          accept: "text/event-stream",
          [CLI_USER_HEADER]: encodeURIComponent(cliActor().name),
        },
      },
      (res) => {
        if (res.statusCode !== 200) {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            let message = `the server answered ${res.statusCode}`;
            try {
              message = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { error: { message: string } })
                .error.message;
            } catch {
              // Not the envelope: keep the status.
            }
            reject(new CliError(message));
          });
          return;
        }
        if (!json) process.stderr.write(`Tailing ${server.url} (Ctrl-C to stop)…\n`);
        res.setEncoding("utf8");
        let buffer = "";
        res.on("data", (chunk: string) => {
          buffer += chunk;
          let cut = buffer.indexOf("\n\n");
          while (cut >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            cut = buffer.indexOf("\n\n");
            const name = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (!name || !data) continue;
            const value = JSON.parse(data) as unknown;
            if (name === "event") {
              const e = value as LiveEvent;
              process.stdout.write(json ? `${JSON.stringify({ event: e })}\n` : `${line(e)}\n`);
              if (limit !== undefined && ++seen >= limit) {
                req.destroy();
                resolve();
                return;
              }
            } else if (name === "journey") {
              const f = value as Freshness;
              process.stdout.write(
                json
                  ? `${JSON.stringify({ journey: f })}\n`
                  : `-- journey refreshed: generation ${f.generation}, newest event received ${f.lastEventReceivedAt ?? "-"}\n`,
              );
            } else if (name === "skipped") {
              const n = (value as { skipped: number }).skipped;
              if (json) process.stdout.write(`${JSON.stringify({ skipped: n })}\n`);
              else process.stderr.write(`-- ${n} events skipped: this terminal could not keep up\n`);
            }
          }
        });
        res.on("end", () => resolve());
      },
    );
    req.on("error", (e) =>
      reject(new CliError(`the server at ${server.url} cannot be reached: ${e.message}`)),
    );
    process.once("SIGINT", () => {
      req.destroy();
      resolve();
    });
  });
}
