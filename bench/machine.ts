// The machine a benchmark ran on, so a figure in RESULTS.md can be compared with the next run.
import fs from "node:fs";
import os from "node:os";
import { DuckDBInstance } from "@duckdb/node-api";

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  kernel: string;
  node: string;
  duckdb: string;
}

function cpuModel(): string {
  try {
    const line = fs
      .readFileSync("/proc/cpuinfo", "utf8")
      .split("\n")
      .find((l) => l.startsWith("model name"));
    if (line) return line.split(":")[1]!.trim();
  } catch {
    // Not Linux: fall back to what Node reports.
  }
  return os.cpus()[0]?.model ?? "unknown";
}

function osName(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(fs.readFileSync("/etc/os-release", "utf8"));
    if (m) return m[1]!;
  } catch {
    // Fall through.
  }
  return `${os.type()} ${os.release()}`;
}

export async function duckdbVersion(): Promise<string> {
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  const reader = await conn.runAndReadAll("SELECT version() AS v, source_id AS s FROM pragma_version()");
  const [v, s] = reader.getRows()[0] ?? [];
  conn.closeSync();
  db.closeSync();
  return `${String(v)} (${String(s)})`;
}

export async function machine(): Promise<Machine> {
  return {
    cpu: cpuModel(),
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: osName(),
    kernel: os.release(),
    node: process.version,
    duckdb: await duckdbVersion(),
  };
}

export const describeMachine = (m: Machine): string =>
  `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, ${m.os} (kernel ${m.kernel}), Node ${m.node}, DuckDB ${m.duckdb}`;
