// Runs `itinera serve` as a child process, so the load generator never shares the server's event loop,
// and reads what the kernel knows about it (peak RSS, CPU time).
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");
export const CLI = path.join(ROOT, "dist", "src", "cli", "main.js");

export interface BenchServer {
  url: string;
  pid: number;
  /** The first-run admin token (new database) or the runtime file's token (existing one). */
  apiToken: string;
  /** VmHWM: the most resident memory the process has had, in bytes. */
  peakRss(): number;
  rss(): number;
  /** User + system CPU seconds used so far. */
  cpuSeconds(): number;
  /** Last lines the server wrote, for error messages. */
  tail(): string;
  stop(): Promise<void>;
}

export interface ServerOptions {
  db: string;
  writeKey: string;
  /** Extra arguments for node itself, e.g. --cpu-prof. */
  nodeArgs?: string[];
  env?: Record<string, string>;
  startTimeoutMs?: number;
  /** Load the demo world into the (new) database, as `npm start` does. */
  demo?: boolean;
}

function procStatus(pid: number, field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

// Linux reports CPU time in clock ticks; USER_HZ is 100 on every mainstream kernel build.
const TICKS = 100;

function procCpu(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may hold spaces; fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return Number.NaN;
  }
}

export async function startBenchServer(opts: ServerOptions): Promise<BenchServer> {
  const args = [
    ...(opts.nodeArgs ?? []),
    CLI,
    "serve",
    "--json",
    "--port",
    "0",
    "--db",
    opts.db,
    ...(opts.demo ? [] : ["--no-demo"]),
    "--write-key",
    opts.writeKey,
  ];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ITINERA_LOG_LEVEL: "warn", ...opts.env },
  });
  const lines: string[] = [];
  const keep = (l: string) => {
    lines.push(l);
    if (lines.length > 40) lines.shift();
  };
  readline.createInterface({ input: child.stderr! }).on("line", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const ready = await new Promise<{ url: string; apiToken?: string }>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(`server did not start within ${opts.startTimeoutMs ?? 120_000} ms:\n${lines.join("\n")}`),
        ),
      opts.startTimeoutMs ?? 120_000,
    );
    readline.createInterface({ input: child.stdout! }).on("line", (line) => {
      keep(line);
      try {
        const doc = JSON.parse(line) as { url?: string; apiToken?: string; level?: number };
        if (doc.url && doc.level === undefined) {
          clearTimeout(timer);
          resolve({ url: doc.url, apiToken: doc.apiToken });
        }
      } catch {
        // A log line that is not the ready document.
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with code ${code} before it was ready:\n${lines.join("\n")}`));
    });
  });

  let apiToken = ready.apiToken;
  if (!apiToken) {
    // An existing database prints no secrets; the runtime file holds a token for local tools.
    const runtime = JSON.parse(fs.readFileSync(`${path.resolve(opts.db)}.server.json`, "utf8")) as {
      token: string;
    };
    apiToken = runtime.token;
  }
  const pid = child.pid!;
  return {
    url: ready.url,
    pid,
    apiToken,
    peakRss: () => procStatus(pid, "VmHWM"),
    rss: () => procStatus(pid, "VmRSS"),
    cpuSeconds: () => procCpu(pid),
    tail: () => lines.join("\n"),
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
