// `itinera serve`: run the server; on a new database, load the demo world and say what to try.
import type { Command } from "commander";
import { loadDemoWorld } from "../../demo/load.js";
import { startServer } from "../../server/runtime.js";
import { configFrom, type GlobalOptions } from "../options.js";
import { CliError, fail } from "../output.js";

interface ServeOptions extends GlobalOptions {
  port?: string;
  host?: string;
  writeKey?: string[];
  demo: boolean;
}

export function serveCommand(program: Command): void {
  program
    .command("serve")
    .description("run the collector, API and dashboard on one port (owns the database file while it runs)")
    .option("--port <port>", "port to listen on (default 8700; 0 picks a free one)")
    .option("--host <host>", "interface to bind (default 127.0.0.1; 0.0.0.0 for all)")
    .option("--write-key <key...>", "accept this write key too (development; not stored)")
    .option("--no-demo", "do not load the demo world into a new database")
    .action(async (opts: ServeOptions, cmd: Command) => {
      const g = cmd.optsWithGlobals<ServeOptions>();
      try {
        const config = configFrom(g, {
          ...(opts.port !== undefined ? { port: Number(opts.port) } : {}),
          ...(opts.host ? { host: opts.host } : {}),
          ...(opts.writeKey ? { devWriteKeys: opts.writeKey } : {}),
          ...(opts.demo === false ? { demoOnFirstRun: false } : {}),
        });
        const started = await startServer(config);
        if (!started.ok) throw new CliError(started.error);
        const server = started.value;
        const { ctx } = server;
        let demo = "";
        if (server.firstRun && config.demoOnFirstRun) {
          const s = await loadDemoWorld(ctx);
          demo = `Loaded the demo world: ${s.events} events from ${s.customers} customers (planted problems: ${s.manifest}).\n`;
          // Place it on the journey now, so the first map does not wait for it.
          void ctx.journey
            .refresh()
            .catch((e: unknown) => ctx.log.warn({ err: e }, "journey refresh failed"));
        }
        const shutdown = async (signal: string) => {
          ctx.log.info({ signal }, "shutting down");
          await server.close();
          process.exit(0);
        };
        process.once("SIGINT", () => void shutdown("SIGINT"));
        process.once("SIGTERM", () => void shutdown("SIGTERM"));
        if (g.json) {
          process.stdout.write(
            `${JSON.stringify({ url: server.url, database: ctx.store.path, ...server.firstRun })}\n`,
          );
          return;
        }
        const lines = [
          `Itinera is running at ${server.url} (database ${ctx.store.path})`,
          `Dashboard: open ${server.url} in a browser and sign in.`,
        ];
        if (server.firstRun) {
          const { writeKey, apiToken, admin } = server.firstRun;
          lines.push(
            demo,
            "New database: these secrets are shown once — keep them.",
            `  write key (collection):  ${writeKey}`,
            `  API token (everything else): ${apiToken}`,
            `  sign-in (people):         ${admin.email} / ${admin.password}`,
            "",
            "Try:",
            `  open ${server.url} and sign in as ${admin.email}`,
            `  curl -u ${writeKey}: ${server.url}/v1/track -H 'content-type: application/json' \\`,
            `       -d '{"userId":"u-1","event":"Product Viewed","properties":{"product_id":"tv-55"}}'`,
            `  curl -H 'authorization: Bearer ${apiToken}' '${server.url}/api/customers?q=u-1'`,
            "  npm run itinera -- stats              (in another terminal)",
            "  npm run itinera -- customers search kim",
            "  npm run itinera -- journey map --persona traditional-trudy",
            `  curl -H 'authorization: Bearer ${apiToken}' '${server.url}/api/journey-map?persona=tech-savvy-tim'`,
            `  OpenAPI: ${server.url}/api/openapi.json`,
          );
        }
        process.stdout.write(`${lines.join("\n")}\n`);
      } catch (e) {
        fail(g, e);
      }
    });
}
