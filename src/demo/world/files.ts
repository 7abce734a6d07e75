// Writes a demo world to disk: events (JSONL, or Parquet through DuckDB's COPY), the ground-truth
// customers file and manifest.json beside them. The shards' days are merged as they come, so memory
// holds a few days of messages, never the history.
import fs from "node:fs";
import path from "node:path";
import { withMemoryDatabase } from "../../store/driver.js";
import { quoteString } from "../../store/sql.js";
import { ByteWriter, writeMerged } from "./chunks.js";
import { makePerson } from "./people.js";
import { defaultWorkers, shardSources } from "./threads.js";
import { truthLine, type WorldOptions, worldManifest } from "./world.js";

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

export interface GenerateOptions {
  /** Threads simulating shards of the cast; the bytes are the same for any number. */
  workers?: number;
  onProgress?: WorldProgress;
  /**
   * Starts a new events file at the first day boundary after this many events, and hands each
   * finished file to `onFile` while the next one is generated. onFile calls run one at a time.
   */
  splitEvents?: number;
  onFile?: (file: string, events: number) => Promise<void>;
}

const CUSTOMERS = "customers.jsonl";
const MANIFEST = "manifest.json";

/** The ground-truth file, one customer at a time (rebuilt from the seed); customers per persona. */
function writeTruth(options: WorldOptions, file: string): Map<string, number> {
  const personas = new Map<string, number>();
  const fd = fs.openSync(file, "w");
  try {
    let lines: string[] = [];
    for (let i = 0; i < options.customers; i++) {
      const p = makePerson(options.seed, i);
      personas.set(p.profile.persona, (personas.get(p.profile.persona) ?? 0) + 1);
      lines.push(truthLine(p));
      if (lines.length === 10_000 || i === options.customers - 1) {
        fs.writeSync(fd, `${lines.join("\n")}\n`);
        lines = [];
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return personas;
}

/**
 * Generates the events into `dir/jsonlName` (or `<name>.1.jsonl`, `.2`, … with splitEvents), then
 * writes customers.jsonl and manifest.json naming `eventsName`, the file the events end up in.
 */
export async function generateFiles(
  options: WorldOptions,
  dir: string,
  jsonlName: string,
  eventsName: string,
  opts: GenerateOptions = {},
): Promise<Generated> {
  const sources = shardSources(options, opts.workers ?? defaultWorkers(options.customers));
  const startedAt = Date.now();
  const split = opts.splitEvents !== undefined;
  let part = 0;
  let fd = -1;
  let out: ByteWriter | undefined;
  let inFile = 0;
  let total = 0;
  let bytes = 0;
  let pending: Promise<void> = Promise.resolve();
  const open = () => {
    part++;
    const name = split ? jsonlName.replace(/\.jsonl$/, `.${part}.jsonl`) : jsonlName;
    fd = fs.openSync(path.join(dir, name), "w");
    out = new ByteWriter(fd);
    inFile = 0;
    return path.join(dir, name);
  };
  const close = async (file: string) => {
    out!.flush();
    bytes += out!.bytes;
    fs.closeSync(fd);
    fd = -1;
    const events = inFile;
    // The previous file's import must end before this one's starts; generation goes on meanwhile.
    await pending;
    if (opts.onFile) pending = opts.onFile(file, events);
  };
  try {
    let file = open();
    for (let day = 0; day < options.days; day++) {
      const parts = [];
      for (const s of sources) {
        const chunk = await s.next();
        if (!chunk || chunk.day !== day) throw new Error(`demo world shard out of step at day ${day}`);
        parts.push(chunk);
      }
      const n = writeMerged(parts, out!);
      total += n;
      inFile += n;
      opts.onProgress?.(total, Math.round((total / (day + 1)) * options.days), startedAt);
      if (split && inFile >= opts.splitEvents! && day < options.days - 1) {
        await close(file);
        file = open();
      }
    }
    for (const s of sources) if ((await s.next()) !== undefined) throw new Error("demo world shard ran long");
    await close(file);
    await pending;
  } finally {
    if (fd >= 0) fs.closeSync(fd);
    await Promise.all(sources.map((s) => s.stop()));
  }
  const counts = new Map<string, number>();
  for (const s of sources) for (const [k, n] of s.counts()) counts.set(k, (counts.get(k) ?? 0) + n);
  const personas = writeTruth(options, path.join(dir, CUSTOMERS));
  const manifest = worldManifest(
    options,
    { events: total, counts, personas },
    {
      events: eventsName,
      customers: CUSTOMERS,
    },
  );
  fs.writeFileSync(path.join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return { count: total, bytes };
}

/** Converts a JSONL file of Segment messages to Parquet, nested objects kept as JSON columns. */
export async function jsonlToParquet(jsonl: string, parquet: string): Promise<void> {
  await withMemoryDatabase(async (conn) => {
    const columns =
      "{type: 'VARCHAR', messageId: 'VARCHAR', timestamp: 'TIMESTAMP', channel: 'VARCHAR', anonymousId: 'VARCHAR', userId: 'VARCHAR', event: 'VARCHAR', name: 'VARCHAR', properties: 'JSON', traits: 'JSON', context: 'JSON'}";
    await conn.run(
      `COPY (SELECT * FROM read_json(${quoteString(jsonl)}, format = 'newline_delimited', columns = ${columns})) TO ${quoteString(parquet)} (FORMAT parquet, COMPRESSION zstd)`,
    );
  });
}

/**
 * Writes events, customers.jsonl and manifest.json into `dir`. `worker: true` (the CLI) uses the
 * default number of worker threads; without it the world is simulated in this thread.
 */
export async function writeWorld(
  options: WorldOptions,
  dir: string,
  format: WorldFormat,
  onProgress?: WorldProgress,
  opts: { worker?: boolean; workers?: number } = {},
): Promise<WorldFiles> {
  fs.mkdirSync(dir, { recursive: true });
  const started = Date.now();
  const jsonlName = format === "jsonl" ? "events.jsonl" : ".events.tmp.jsonl";
  const eventsName = format === "jsonl" ? "events.jsonl" : "events.parquet";
  const workers = opts.workers ?? (opts.worker ? defaultWorkers(options.customers) : 1);
  const generated = await generateFiles(options, dir, jsonlName, eventsName, { workers, onProgress });
  const events = path.join(dir, eventsName);
  if (format === "parquet") {
    const jsonl = path.join(dir, jsonlName);
    try {
      await jsonlToParquet(jsonl, events);
    } finally {
      fs.rmSync(jsonl, { force: true });
    }
  }
  return summarise(dir, format, events, generated, started);
}

export function summarise(
  dir: string,
  format: WorldFormat,
  events: string,
  generated: Generated,
  started: number,
): WorldFiles {
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
