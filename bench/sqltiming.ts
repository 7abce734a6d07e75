// Preloaded into a profiled server (`node --import …/dist/bench/sqltiming.js`): times every DuckDB call
// and every group commit without touching src/, and writes the totals to the file named by
// ITINERA_BENCH_SQL_TIMING when the process exits.
import fs from "node:fs";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { type DuckDBAppender, DuckDBConnection } from "@duckdb/node-api";
import { EventWriter } from "../src/collect/writer.js";
import { percentile } from "./report.js";

const out = process.env.ITINERA_BENCH_SQL_TIMING;
const started = performance.now();
const stats = new Map<string, { calls: number; total: number; max: number }>();
const commits: Array<{ ms: number; events: number }> = [];

function key(sql: string): string {
  return sql
    .replace(/\s+/g, " ")
    .replace(/\$\d+(\s*,\s*\$\d+)+/g, "$…")
    .replace(/\(\$…, \$…\)(, \(\$…, \$…\))+/g, "(…)")
    .trim()
    .slice(0, 90);
}

function note(k: string, ms: number): void {
  const s = stats.get(k) ?? { calls: 0, total: 0, max: 0 };
  s.calls++;
  s.total += ms;
  s.max = Math.max(s.max, ms);
  stats.set(k, s);
}

type AsyncMethod = (this: DuckDBConnection, sql: string, ...rest: unknown[]) => Promise<unknown>;

function timeMethod(name: "run" | "stream"): void {
  const proto = DuckDBConnection.prototype as unknown as Record<string, AsyncMethod>;
  const original = proto[name]!;
  proto[name] = async function (this: DuckDBConnection, sql: string, ...rest: unknown[]) {
    const t = performance.now();
    try {
      return await original.call(this, sql, ...rest);
    } finally {
      note(key(String(sql)), performance.now() - t);
    }
  };
}

if (out) {
  // How long a ready callback waits for the event loop: every await in a group commit pays it.
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  // runAndRead and runAndReadAll go through run; timing only the base methods counts each statement once.
  for (const m of ["run", "stream"] as const) timeMethod(m);

  const connProto = DuckDBConnection.prototype as unknown as {
    createAppender: (this: DuckDBConnection, table: string, ...rest: unknown[]) => Promise<DuckDBAppender>;
  };
  const createAppender = connProto.createAppender;
  connProto.createAppender = async function (this: DuckDBConnection, table: string, ...rest: unknown[]) {
    const t = performance.now();
    const ap = await createAppender.call(this, table, ...rest);
    note(`create appender ${table}`, performance.now() - t);
    const closeSync = ap.closeSync.bind(ap);
    ap.closeSync = () => {
      const c = performance.now();
      closeSync();
      note(`appender flush ${table}`, performance.now() - c);
    };
    return ap;
  };

  const writerProto = EventWriter.prototype as unknown as {
    commit: (
      this: EventWriter,
      conn: DuckDBConnection,
      batch: Array<{ events: unknown[] }>,
    ) => Promise<unknown>;
  };
  const commit = writerProto.commit;
  writerProto.commit = async function (this: EventWriter, conn, batch) {
    const t = performance.now();
    try {
      return await commit.call(this, conn, batch);
    } finally {
      commits.push({ ms: performance.now() - t, events: batch.reduce((n, p) => n + p.events.length, 0) });
    }
  };

  process.on("exit", () => {
    const statements = [...stats.entries()]
      .map(([statement, s]) => ({
        statement,
        calls: s.calls,
        totalMs: Math.round(s.total),
        meanMs: Math.round((s.total / s.calls) * 100) / 100,
        maxMs: Math.round(s.max * 10) / 10,
      }))
      .sort((a, b) => b.totalMs - a.totalMs);
    const ms = commits.map((c) => c.ms);
    const events = commits.reduce((n, c) => n + c.events, 0);
    const total = ms.reduce((a, b) => a + b, 0);
    fs.writeFileSync(
      out,
      JSON.stringify({
        wallMs: Math.round(performance.now() - started),
        eventLoopDelayMs: {
          mean: Math.round(loopDelay.mean / 1e4) / 100,
          p50: Math.round(loopDelay.percentile(50) / 1e4) / 100,
          p99: Math.round(loopDelay.percentile(99) / 1e4) / 100,
          max: Math.round(loopDelay.max / 1e4) / 100,
        },
        statements,
        commits: commits.length
          ? {
              commits: commits.length,
              events,
              totalMs: Math.round(total),
              meanMs: Math.round((total / commits.length) * 100) / 100,
              p99Ms: Math.round(percentile(ms, 99) * 10) / 10,
              meanEvents: Math.round(events / commits.length),
            }
          : undefined,
      }),
    );
  });
}
