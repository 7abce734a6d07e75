// Runs the built `itinera` CLI as a child process: one-shot commands, and `itinera serve` as a real
// server process that a test can kill -9. Every child is tracked so none outlives the test file.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const cliPath = path.join(root, "dist", "src", "cli", "main.js");

const children = new Set<ChildProcess>();

// A test runner that dies must not leave servers behind holding ports and database files.
process.once("exit", () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

/**
 * Builds dist/ when it is older than the sources (scripts/build-if-needed.mjs). Test files run in
 * parallel workers, so a lock directory keeps two of them from running tsc over each other.
 */
export async function ensureBuilt(): Promise<void> {
  const lock = path.join(
    os.tmpdir(),
    `itinera-build-${createHash("sha1").update(root).digest("hex").slice(0, 12)}.lock`,
  );
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 300_000) fs.rmSync(lock, { recursive: true, force: true }); // left by a killed run
      if (Date.now() > deadline) throw new Error(`waited 5 minutes for the build lock ${lock}`);
      await sleep(200);
    }
  }
  try {
    const r = await run(process.execPath, [path.join(root, "scripts", "build-if-needed.mjs")], { cwd: root });
    if (r.code !== 0) throw new Error(`building Itinera failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
  if (!fs.existsSync(cliPath)) throw new Error(`the build did not produce ${cliPath}`);
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
) {
  return new Promise<RunResult>((resolve) => {
    const child = execFile(
      cmd,
      args,
      { cwd: opts.cwd, env: opts.env, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        children.delete(child);
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    children.add(child);
  });
}

/** The environment for CLI children: no ITINERA_* from the developer's shell, no config file. */
export function cliEnv(dir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("ITINERA_")) env[k] = v;
  const config = path.join(dir, "cli.config.json");
  if (!fs.existsSync(config)) fs.writeFileSync(config, "{}");
  return { ...env, ITINERA_CONFIG: config, ITINERA_LOG_LEVEL: "warn", ...extra };
}

/** Runs `itinera ARGS` to completion in `dir`. */
export function runCli(dir: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return run(process.execPath, [cliPath, ...args], { cwd: dir, env: cliEnv(dir, extraEnv) });
}

/** Runs `itinera --json ARGS` and parses its one JSON document; fails loudly on a non-zero exit. */
export async function runCliJson<T>(dir: string, args: string[]): Promise<T> {
  const r = await runCli(dir, ["--json", ...args]);
  if (r.code !== 0) throw new Error(`itinera ${args.join(" ")} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

export interface ServerProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  /** Secrets printed when the database file was new. */
  firstRun?: { writeKey: string; apiToken: string };
  /** kill -9, and wait until the process is gone. */
  kill9(): Promise<void>;
  /** SIGTERM (a clean shutdown); resolves with the exit code. */
  stop(): Promise<number | null>;
  /** What the process printed so far (pino logs go to stdout). */
  output(): string;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

/** Starts `itinera serve --port 0` on `dbPath` and waits until it listens. */
export async function spawnServer(opts: {
  dir: string;
  dbPath: string;
  writeKey?: string;
  args?: string[];
  timeoutMs?: number;
  /** Load the demo world into a new database, as `npm start` does (default: no). */
  demo?: boolean;
}): Promise<ServerProcess> {
  const args = [cliPath, "--json", "--db", opts.dbPath, "serve", "--port", "0"];
  if (!opts.demo) args.push("--no-demo");
  if (opts.writeKey) args.push("--write-key", opts.writeKey);
  args.push(...(opts.args ?? []));
  const child = spawn(process.execPath, args, {
    cwd: opts.dir,
    env: cliEnv(opts.dir),
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  child.once("exit", () => children.delete(child));
  let out = "";
  let err = "";
  child.stderr!.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const ready = await new Promise<{ url: string; writeKey?: string; apiToken?: string }>(
    (resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(
          new Error(`itinera serve did not start within ${opts.timeoutMs ?? 60_000} ms:\n${out}\n${err}`),
        );
      }, opts.timeoutMs ?? 60_000);
      child.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        // Complete lines only; log lines (pino writes JSON to stdout too) have no "url".
        for (const line of out.split("\n").slice(0, -1)) {
          if (!line.startsWith("{")) continue;
          const doc = JSON.parse(line) as { url?: string };
          if (typeof doc.url === "string") {
            clearTimeout(timer);
            resolve(doc as { url: string });
          }
        }
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`itinera serve exited (${code ?? signal}) before listening:\n${out}\n${err}`));
      });
    },
  );
  return {
    url: ready.url,
    pid: child.pid!,
    child,
    firstRun:
      ready.writeKey && ready.apiToken ? { writeKey: ready.writeKey, apiToken: ready.apiToken } : undefined,
    async kill9() {
      child.kill("SIGKILL");
      await exited(child);
    },
    async stop() {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      const code = await exited(child);
      clearTimeout(timer);
      return code;
    },
    output: () => `${out}${err}`,
  };
}

/** Kills every child this file started that is still running (for afterAll). */
export async function killAll(): Promise<void> {
  const live = [...children].filter((c) => c.exitCode === null && c.signalCode === null);
  for (const c of live) c.kill("SIGKILL");
  await Promise.all(live.map(exited));
}

/** True while a process with this id exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
