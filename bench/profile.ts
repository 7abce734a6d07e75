// Reads what a profiled server left behind: a V8 .cpuprofile (where the JavaScript thread spent its
// time) and the SQL timings written by bench/sqltiming.ts (where DuckDB calls spent theirs).
import fs from "node:fs";
import path from "node:path";
import { fmt, round } from "./report.js";

interface CpuNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: CpuNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileLine {
  name: string;
  ms: number;
  share: number;
}

export interface CpuSummary {
  file: string;
  totalMs: number;
  /** Self time grouped by area: idle, GC, fastify, duckdb binding, our modules by folder. */
  byArea: ProfileLine[];
  /** Self time of the heaviest functions. */
  topFunctions: ProfileLine[];
}

function area(url: string, fn: string): string {
  if (fn === "(idle)") return "idle (waiting: DuckDB threads, I/O)";
  if (fn === "(garbage collector)") return "garbage collector";
  if (fn === "(program)") return "V8/native (program)";
  if (!url) return `native: ${fn || "(anonymous)"}`;
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return `npm: ${nm[1]}`;
  const ours = /\/dist\/(src\/[^/]+)\//.exec(url);
  if (ours) return ours[1]!;
  if (url.startsWith("node:")) return `node: ${url.slice(5).split("/")[0]}`;
  return path.basename(url);
}

export function summariseCpuProfile(file: string, top = 20): CpuSummary {
  const prof = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
  const self = new Map<number, number>();
  // Attribute each sample's delta to the node it hit (deltas are µs, the sample interval before it).
  for (let i = 0; i < prof.samples.length; i++) {
    const id = prof.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
  }
  const totalUs = prof.endTime - prof.startTime;
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  for (const n of prof.nodes) {
    const us = self.get(n.id) ?? 0;
    if (us === 0) continue;
    const { functionName, url, lineNumber } = n.callFrame;
    const a = area(url, functionName);
    areas.set(a, (areas.get(a) ?? 0) + us);
    const short = url.replace(/^.*\/(node_modules|dist)\//, "");
    const key = `${functionName || "(anonymous)"} ${short ? `${short}:${lineNumber + 1}` : ""}`.trim();
    fns.set(key, (fns.get(key) ?? 0) + us);
  }
  const lines = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([name, us]) => ({ name, ms: round(us / 1000), share: round((us / totalUs) * 100) }));
  return {
    file,
    totalMs: round(totalUs / 1000),
    byArea: lines(areas).slice(0, top),
    topFunctions: lines(fns).slice(0, top),
  };
}

export function newestProfile(dir: string): string | undefined {
  if (!fs.existsSync(dir)) return undefined;
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .map((f) => path.join(dir, f));
  return files.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
}

export interface SqlTiming {
  statement: string;
  calls: number;
  totalMs: number;
  meanMs: number;
  maxMs: number;
}

export interface CommitTiming {
  commits: number;
  events: number;
  totalMs: number;
  meanMs: number;
  p99Ms: number;
  meanEvents: number;
}

export interface SqlReport {
  wallMs: number;
  eventLoopDelayMs?: { mean: number; p50: number; p99: number; max: number };
  statements: SqlTiming[];
  commits?: CommitTiming;
}

export function readSqlReport(file: string): SqlReport | undefined {
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, "utf8")) as SqlReport;
}

export function profileMarkdown(cpu: CpuSummary | undefined, sql: SqlReport | undefined): string[] {
  const out: string[] = [];
  if (cpu) {
    out.push(
      `CPU profile of the measured process's JavaScript thread (${fmt(cpu.totalMs)} ms recorded), self time by area:`,
      [
        "| area | ms | share |",
        "|---|---:|---:|",
        ...cpu.byArea.slice(0, 12).map((l) => `| ${l.name} | ${fmt(l.ms)} | ${l.share}% |`),
      ].join("\n"),
      "Heaviest functions (self time):",
      [
        "| function | ms | share |",
        "|---|---:|---:|",
        ...cpu.topFunctions.slice(0, 15).map((l) => `| \`${l.name}\` | ${fmt(l.ms)} | ${l.share}% |`),
      ].join("\n"),
    );
  }
  if (sql) {
    if (sql.eventLoopDelayMs) {
      const d = sql.eventLoopDelayMs;
      out.push(
        `Event-loop delay (how late a ready callback runs; each await inside a group commit pays it): ` +
          `mean ${d.mean} ms, p50 ${d.p50} ms, p99 ${d.p99} ms, max ${d.max} ms.`,
      );
    }
    if (sql.commits) {
      const c = sql.commits;
      out.push(
        `Group commits (EventWriter.commit): ${fmt(c.commits)} commits of ${fmt(c.meanEvents)} events on average; ` +
          `${fmt(c.totalMs)} ms in total = ${round((c.totalMs / sql.wallMs) * 100)}% of the server's wall time; ` +
          `mean ${fmt(c.meanMs)} ms, p99 ${fmt(c.p99Ms)} ms per commit.`,
      );
    }
    out.push(
      "Time inside DuckDB calls (awaited on the writer and readers), by statement:",
      [
        "| statement | calls | total ms | mean ms | max ms |",
        "|---|---:|---:|---:|---:|",
        ...sql.statements
          .slice(0, 12)
          .map(
            (s) =>
              `| \`${s.statement}\` | ${fmt(s.calls)} | ${fmt(s.totalMs)} | ${fmt(s.meanMs)} | ${fmt(s.maxMs)} |`,
          ),
      ].join("\n"),
    );
  }
  return out;
}

/** What a profiled child process is started with, and how its profile is read back afterwards. */
export interface Profiling {
  nodeArgs: string[];
  env: Record<string, string>;
  /** The markdown lines of the CPU and SQL profiles (empty when nothing was recorded). */
  lines(): string[];
}

/** `--cpu-prof` plus the SQL-timing preload (dist/bench/sqltiming.js), writing into `profDir`. */
export function profiling(root: string, profDir: string, sqlFile: string): Profiling {
  return {
    nodeArgs: [
      "--cpu-prof",
      "--cpu-prof-dir",
      profDir,
      "--import",
      path.join(root, "dist", "bench", "sqltiming.js"),
    ],
    env: { ITINERA_BENCH_SQL_TIMING: sqlFile },
    lines() {
      const cpuFile = newestProfile(profDir);
      return profileMarkdown(cpuFile ? summariseCpuProfile(cpuFile) : undefined, readSqlReport(sqlFile));
    },
  };
}
