// Where a CLI command runs: against the running server's API when one owns the database file,
// otherwise on the file itself (DuckDB lets only one process write it).
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import type { Command } from "commander";
import { cliActor } from "../audit/log.js";
import type { Config } from "../config.js";
import { ok } from "../result.js";
import { type AppContext, COMMAND_CONTEXT, openAppContext } from "../server/context.js";
import {
  asSent,
  type Caller,
  checkRequest,
  type Operation,
  type OperationRequest,
  pathOf,
  type RequestInput,
} from "../server/operation.js";
import { CLI_USER_HEADER } from "../server/permissions.js";
import { type RuntimeInfo, runtimeFileOf } from "../server/runtime.js";
import { orFail, withQuery } from "./input.js";
import { configFrom, type GlobalOptions } from "./options.js";
import { CliError, emit, fail } from "./output.js";

function runningServer(config: Config): RuntimeInfo | undefined {
  const file = runtimeFileOf(path.resolve(config.databasePath));
  if (!fs.existsSync(file)) return undefined;
  try {
    const info = JSON.parse(fs.readFileSync(file, "utf8")) as RuntimeInfo;
    process.kill(info.pid, 0); // throws when no such process: a stale file from a crash
    return info;
  } catch {
    return undefined;
  }
}

export interface ApiRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  body?: unknown;
}

/**
 * Calls the running server; errors come back in the API's envelope and become CliErrors. Plain
 * node:http, not fetch: fetch gives up on a response after 300 s, and an import may run longer.
 */
export function callApi<T>(server: RuntimeInfo, req: ApiRequest): Promise<T> {
  const body = req.body === undefined ? undefined : JSON.stringify(req.body);
  return new Promise<T>((resolve, reject) => {
    const r = http.request(
      server.url + req.path,
      {
        method: req.method,
        headers: {
          authorization: `Bearer ${server.token}`,
          // Who runs the command, for the audit log (the server trusts it only with its runtime token).
          [CLI_USER_HEADER]: encodeURIComponent(cliActor().name),
          ...(body ? { "content-type": "application/json", "content-length": Buffer.byteLength(body) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          let payload: T & { error?: { message: string } };
          try {
            payload = JSON.parse(Buffer.concat(chunks).toString("utf8"));
          } catch {
            reject(
              new CliError(`the server at ${server.url} answered ${status} with something that is not JSON`),
            );
            return;
          }
          if (status >= 200 && status < 300) resolve(payload);
          else
            reject(
              new CliError(payload.error?.message ?? `server answered ${status}`, status === 404 ? 3 : 1),
            );
        });
      },
    );
    r.on("error", (e) => reject(new CliError(`cannot reach the server at ${server.url}: ${e.message}`)));
    if (body) r.write(body);
    r.end();
  });
}

/** Opens the database file for a command that runs without a server; closes it afterwards. */
export async function withLocalStore<T>(config: Config, fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const opened = await openAppContext(config, COMMAND_CONTEXT);
  if (!opened.ok) throw new CliError(opened.error);
  try {
    return await fn(opened.value.ctx);
  } finally {
    await opened.value.close();
  }
}

/** Who runs an operation on the file: the CLI's operating-system user, who owns the file and may do all. */
const commandCaller = (): Caller => ({
  actor: cliActor(),
  may: () => true,
  mayGrant: async () => ok(undefined),
});

/**
 * Performs an operation of the table (src/server/operations.ts): through the running server's API (its
 * method and path, the parameters filled in, the query and the body), or, with no server, on the file:
 * checked as the server checks it, run, and shaped as the server sends it. Both give the same JSON.
 */
export async function perform<Req extends OperationRequest, Res>(
  config: Config,
  op: Operation<Req, Res>,
  req: RequestInput<Req>,
): Promise<Res> {
  const given = req as Partial<OperationRequest>;
  const server = runningServer(config);
  if (server)
    return callApi<Res>(server, {
      method: op.method,
      path: withQuery(pathOf(op, given.params), (given.query ?? {}) as Record<string, unknown>),
      body: given.body,
    });
  const checked = checkRequest(op, req);
  if (!checked.ok) throw new CliError(checked.error.message);
  return withLocalStore(config, async (ctx) =>
    asSent(op, orFail(await op.run(ctx, checked.value, commandCaller()))),
  );
}

/** A command's action: `work` (from the flags to an answer) and the answer printed; a failure is printed once. */
export async function act<T>(
  cmd: Command,
  work: (config: Config) => Promise<T>,
  render: (answer: T) => string,
): Promise<void> {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  try {
    emit(g, await work(configFrom(g)), render);
  } catch (e) {
    fail(g, e);
  }
}

/**
 * Runs via the server's API when one is running, else locally, for what is not an operation of the table
 * (an import with progress, a customer's export); the caller keeps both sides the same.
 */
export async function viaServerOr<T>(
  config: Config,
  req: ApiRequest,
  local: (ctx: AppContext) => Promise<T>,
): Promise<T> {
  const server = runningServer(config);
  return server ? callApi<T>(server, req) : withLocalStore(config, local);
}

export { runningServer };
