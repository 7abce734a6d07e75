// What every benchmark shares at the end: percentiles, target checks, a printed table, and its section
// of bench/RESULTS.md (replaced on each run; text outside the markers, such as profile notes, is kept).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describeMachine, type Machine } from "./machine.js";

export const RESULTS_FILE = path.resolve(import.meta.dirname, "..", "..", "bench", "RESULTS.md");

/** Nearest-rank percentile of unsorted samples. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export interface Latency {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function latency(samples: number[]): Latency {
  return {
    n: samples.length,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    p99: percentile(samples, 99),
    max: samples.length ? Math.max(...samples) : Number.NaN,
  };
}

export interface Target {
  name: string;
  measured: number;
  unit: string;
  /** "atLeast": higher is better; "atMost": lower is better. */
  kind: "atLeast" | "atMost";
  goal: number;
}

export interface TargetCheck extends Target {
  met: boolean;
  /** How far from the goal, as a fraction of the goal (0 when met). */
  shortfall: number;
  verdict: string;
}

export const round = (v: number, digits = 1): number => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};

export const fmt = (v: number): string =>
  Number.isNaN(v) ? "n/a" : Math.abs(v) >= 1000 ? Math.round(v).toLocaleString("en-US") : String(round(v, 1));

export function check(t: Target): TargetCheck {
  const met = t.kind === "atLeast" ? t.measured >= t.goal : t.measured <= t.goal;
  const shortfall = met ? 0 : Math.abs(t.measured - t.goal) / t.goal;
  const sign = t.kind === "atLeast" ? "≥" : "≤";
  let verdict: string;
  if (met) verdict = "met";
  else if (t.kind === "atLeast")
    verdict = `missed by ${round(shortfall * 100)}% (${fmt(t.measured)} of ${fmt(t.goal)})`;
  else verdict = `missed: ${round(t.measured / t.goal, 2)}× the limit`;
  return { ...t, met, shortfall, verdict: `${sign} ${fmt(t.goal)} ${t.unit}: ${verdict}` };
}

/** A plain-text table for the terminal. */
export function table(rows: Array<Array<string | number>>): string {
  const cells = rows.map((r) => r.map((c) => (typeof c === "number" ? fmt(c) : c)));
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  return cells
    .map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  "))
    .join("\n");
}

/** The same rows as a Markdown table. */
export function markdownTable(rows: Array<Array<string | number>>): string {
  const cells = rows.map((r) => r.map((c) => (typeof c === "number" ? fmt(c) : c)));
  const [head, ...body] = cells;
  return [
    `| ${head!.join(" | ")} |`,
    `|${head!.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`,
    ...body.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
}

export interface Section {
  bench: string;
  title: string;
  command: string;
  machine: Machine;
  /** Markdown paragraphs and tables describing the setup and figures. */
  body: string[];
  targets: TargetCheck[];
}

const START = (b: string) => `<!-- bench:${b}:start -->`;
const END = (b: string) => `<!-- bench:${b}:end -->`;

const HEADER = `# Benchmark results

Recorded by \`npm run bench -- <name>\` (see bench/main.ts). Each run replaces its own section between
the \`bench:<name>\` markers; notes outside the markers (profiles, explanations) are kept.
`;

/** Which code was measured: the commit, and whether src/ had uncommitted changes. */
export function codeState(): string {
  try {
    const git = (args: string[]) =>
      execFileSync("git", args, { cwd: path.dirname(RESULTS_FILE), encoding: "utf8", stdio: "pipe" }).trim();
    const head = git(["rev-parse", "--short", "HEAD"]);
    const dirty = git(["status", "--porcelain", "--", "../src"]).split("\n").filter(Boolean).length;
    return dirty > 0 ? `${head} + ${dirty} uncommitted change(s) under src/` : head;
  } catch {
    return "unknown (not a git checkout)";
  }
}

const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");

export function renderSection(s: Section): string {
  const when = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const lines = [
    START(s.bench),
    `## ${s.title}`,
    "",
    `- Date: ${when}`,
    `- Command: \`${s.command}\``,
    `- Machine: ${describeMachine(s.machine)}`,
    `- Code: ${codeState()}`,
    `- Load average (1/5/15 min) when recorded: ${loadAverage()} (other work on this shared machine competes)`,
    "",
    ...s.body.flatMap((b) => [b, ""]),
    "Targets:",
    "",
    ...s.targets.map(
      (t) => `- ${t.met ? "✅" : "❌"} ${t.name}: ${fmt(t.measured)} ${t.unit} — ${t.verdict}`,
    ),
    END(s.bench),
  ];
  return lines.join("\n");
}

/** Replaces (or appends) the bench's section of RESULTS.md. */
export function recordSection(s: Section, file = RESULTS_FILE): void {
  const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : HEADER;
  const section = renderSection(s);
  const start = text.indexOf(START(s.bench));
  const end = text.indexOf(END(s.bench));
  const next =
    start >= 0 && end > start
      ? text.slice(0, start) + section + text.slice(end + END(s.bench).length)
      : `${text.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(file, next);
}

/** Busy CPU seconds of the whole machine so far (all processes), from /proc/stat. */
export function machineBusySeconds(): number {
  try {
    const cpu = fs
      .readFileSync("/proc/stat", "utf8")
      .split("\n")[0]!
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    // user nice system idle iowait irq softirq steal: busy = all but idle and iowait.
    const busy = cpu.reduce((a, b) => a + b, 0) - (cpu[3] ?? 0) - (cpu[4] ?? 0);
    return busy / 100;
  } catch {
    return Number.NaN;
  }
}

/** Progress lines go to stderr, and nowhere under --json. */
export function progress(json: boolean): (msg: string) => void {
  return json ? () => undefined : (msg) => process.stderr.write(`${msg}\n`);
}

/** The terminal summary every benchmark ends with: its tables, each target met or missed, the profile. */
export function printOutcome(tables: string[], targets: TargetCheck[], profileLines: string[]): void {
  process.stdout.write(`\n${tables.join("\n\n")}\n\n`);
  process.stdout.write(`${targets.map((t) => `${t.met ? "✔" : "✘"} ${t.name}: ${t.verdict}`).join("\n")}\n`);
  if (profileLines.length) process.stdout.write(`\n${profileLines.join("\n\n")}\n`);
}
