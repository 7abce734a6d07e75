// `npm run bench -- demo`: `itinera demo generate` of about 10M events to JSONL, as a child process,
// measuring events/s and the process's peak RSS (VmHWM) against the targets, and its CPU time:
// on a machine shared with other benchmarks, events per CPU-second is the figure that compares runs.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { defaultWorkers } from "../src/demo/world/threads.js";
import { machine } from "./machine.js";
import {
  check,
  fmt,
  markdownTable,
  printOutcome,
  progress,
  recordSection,
  round,
  type TargetCheck,
  table,
} from "./report.js";
import { CLI } from "./server.js";

export interface DemoOptions {
  json: boolean;
  record: boolean;
  command: string;
  events: number;
}

/** Events one customer makes per day in the default world (measured; sizes the cast for a target). */
export const EVENTS_PER_CUSTOMER_DAY = 1.6;
/** The demo world every bench store is built from (journey, analytics, scale): 90 days of seed 1. */
export const DAYS = 90;
export const SEED = 1;
export const END = "2026-06-01";

/** Peak resident set of a running process (kB → bytes), or 0 once it has gone. */
function peakRss(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

// Linux reports CPU time in clock ticks; USER_HZ is 100 on every mainstream kernel build.
const TICKS = 100;

/** User + system CPU seconds of a running process (all its threads), or 0 once it has gone. */
function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return 0;
  }
}

interface Generated {
  count: number;
  bytes: number;
  seconds: number;
}

export async function runDemo(o: DemoOptions): Promise<Record<string, unknown>> {
  const say = progress(o.json);
  const customers = Math.round(o.events / (EVENTS_PER_CUSTOMER_DAY * DAYS));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "itinera-bench-demo-"));
  const args = ["--json", "demo", "generate", "--customers", String(customers), "--days", String(DAYS)];
  args.push("--seed", "1", "--end", "2026-06-01", "--out", dir);
  say(`generating ~${fmt(o.events)} events (${fmt(customers)} customers × ${DAYS} days) into ${dir}`);
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
  });
  let peak = 0;
  let cpu = 0;
  // Sampled until the process ends, so CPU time misses at most its last 100 ms.
  const timer = setInterval(() => {
    peak = Math.max(peak, peakRss(child.pid!));
    cpu = Math.max(cpu, cpuSeconds(child.pid!));
  }, 100);
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  clearInterval(timer);
  const wall = (performance.now() - started) / 1000;
  let generated: Generated;
  try {
    if (code !== 0) throw new Error(`itinera demo generate exited with ${code}: ${out}`);
    generated = JSON.parse(out) as Generated;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const rate = generated.count / wall;
  const peakMiB = peak / 2 ** 20;
  const targets: TargetCheck[] = [
    check({
      name: "10M events generated",
      measured: wall,
      unit: "s",
      kind: "atMost",
      goal: 120 * (generated.count / 1e7),
    }),
    check({ name: "peak RSS", measured: peakMiB, unit: "MiB", kind: "atMost", goal: 1024 }),
  ];
  const rows: Array<Array<string | number>> = [
    ["measure", "value"],
    ["customers × days", `${fmt(customers)} × ${DAYS}`],
    ["events generated", generated.count],
    ["JSONL size (MB)", round(generated.bytes / 1e6)],
    ["wall time incl. process start (s)", round(wall)],
    ["events/s", Math.round(rate)],
    ["CPU seconds (user + system, all threads)", round(cpu)],
    ["events per CPU-second", Math.round(generated.count / Math.max(cpu, 0.01))],
    ["peak RSS (MiB)", Math.round(peakMiB)],
  ];
  if (o.record)
    recordSection({
      bench: "demo",
      title: "Demo world generation (itinera demo generate)",
      command: o.command,
      machine: await machine(),
      body: [
        `\`itinera demo generate --customers ${customers} --days ${DAYS} --seed 1 --out DIR\` (JSONL) in a child process with its default worker threads (${defaultWorkers(customers)}: the cast is split into shards simulated in parallel and merged into the same bytes); peak RSS is its VmHWM and CPU time its /proc stat, sampled every 100 ms. The world is simulated one day at a time: memory holds the cast and a few days of pending messages. The file is deleted afterwards; the 10M-event target scales with the events actually generated.`,
        markdownTable(rows),
      ],
      targets,
    });
  if (!o.json) printOutcome([table(rows)], targets, []);
  return {
    customers,
    days: DAYS,
    events: generated.count,
    bytes: generated.bytes,
    seconds: round(wall, 2),
    eventsPerSecond: Math.round(rate),
    cpuSeconds: round(cpu),
    peakRssMiB: Math.round(peakMiB),
  };
}
