// Writes a demo world to disk: events (JSONL, or Parquet through DuckDB's COPY), the ground-truth
// customers file and manifest.json beside them. One day of messages is in memory at a time.
import fs from "node:fs";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { generateInWorker } from "./threads.js";
import { truthLine, World, type WorldOptions } from "./world.js";

export type WorldFormat = "jsonl" | "parquet";

export type WorldProgress = (done: number, estimatedTotal: number, startedAt: number) => void;

export interface WorldFiles {
  dir: string;
  format: WorldFormat;
  events: string;
  customers: string;
  manifest: string;
  count: number;
  bytes: number;
  seconds: number;
  eventsPerSecond: number;
}

export interface Generated {
  count: number;
  bytes: number;
}

/**
 * Streams the world's events as JSONL into `dir/jsonlName`, then writes customers.jsonl and
 * manifest.json (naming `eventsName`, the file the events end up in).
 */
export function generateFiles(
  options: WorldOptions,
  dir: string,
  jsonlName: string,
  eventsName: string,
  onProgress?: WorldProgress,
): Generated {
  const world = new World(options);
  const startedAt = Date.now();
  const fd = fs.openSync(path.join(dir, jsonlName), "w");
  let bytes = 0;
  try {
    for (const batch of world.days()) {
      if (batch.lines.length > 0) bytes += fs.writeSync(fd, `${batch.lines.join("\n")}\n`);
      // The total is unknown until the end; days so far give an estimate for the bar's ETA.
      onProgress?.(batch.total, Math.round((batch.total / (batch.day + 1)) * options.days), startedAt);
    }
  } finally {
    fs.closeSync(fd);
  }
  fs.writeFileSync(path.join(dir, CUSTOMERS), `${world.people.map(truthLine).join("\n")}\n`);
  const manifest = world.manifest({ events: eventsName, customers: CUSTOMERS });
  fs.writeFileSync(path.join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return { count: world.total, bytes };
}

const CUSTOMERS = "customers.jsonl";
const MANIFEST = "manifest.json";

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** Converts a JSONL file of Segment messages to Parquet, nested objects kept as JSON columns. */
export async function jsonlToParquet(jsonl: string, parquet: string): Promise<void> {
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  try {
    const columns =
      "{type: 'VARCHAR', messageId: 'VARCHAR', timestamp: 'TIMESTAMP', channel: 'VARCHAR', anonymousId: 'VARCHAR', userId: 'VARCHAR', event: 'VARCHAR', name: 'VARCHAR', properties: 'JSON', traits: 'JSON', context: 'JSON'}";
    await conn.run(
      `COPY (SELECT * FROM read_json(${sqlString(jsonl)}, format = 'newline_delimited', columns = ${columns})) TO ${sqlString(parquet)} (FORMAT parquet, COMPRESSION zstd)`,
    );
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

/**
 * Writes events, customers.jsonl and manifest.json into `dir`. With `worker`, the simulation runs in a
 * worker thread whose old generation is capped, so V8 collects garbage before RSS balloons.
 */
export async function writeWorld(
  options: WorldOptions,
  dir: string,
  format: WorldFormat,
  onProgress?: WorldProgress,
  opts: { worker?: boolean } = {},
): Promise<WorldFiles> {
  fs.mkdirSync(dir, { recursive: true });
  const started = Date.now();
  const jsonlName = format === "jsonl" ? "events.jsonl" : ".events.tmp.jsonl";
  const eventsName = format === "jsonl" ? "events.jsonl" : "events.parquet";
  const generated = opts.worker
    ? await generateInWorker({ options, dir, jsonlName, eventsName }, onProgress)
    : generateFiles(options, dir, jsonlName, eventsName, onProgress);
  const events = path.join(dir, eventsName);
  if (format === "parquet") {
    const jsonl = path.join(dir, jsonlName);
    try {
      await jsonlToParquet(jsonl, events);
    } finally {
      fs.rmSync(jsonl, { force: true });
    }
  }
  const seconds = (Date.now() - started) / 1000;
  return {
    dir,
    format,
    events,
    customers: path.join(dir, CUSTOMERS),
    manifest: path.join(dir, MANIFEST),
    count: generated.count,
    bytes: format === "jsonl" ? generated.bytes : fs.statSync(events).size,
    seconds,
    eventsPerSecond: Math.round(generated.count / Math.max(seconds, 0.001)),
  };
}

/** Copies the manifest and the ground truth beside a database file; returns their new paths. */
export function keepBesideDatabase(files: Pick<WorldFiles, "manifest" | "customers">, databasePath: string) {
  const base = databasePath.replace(/\.duckdb$/, "");
  const kept = { manifest: `${base}.demo-manifest.json`, customers: `${base}.demo-customers.jsonl` };
  fs.copyFileSync(files.manifest, kept.manifest);
  fs.copyFileSync(files.customers, kept.customers);
  return kept;
}
