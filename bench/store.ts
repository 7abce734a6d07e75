// Builds (once) and caches the large store the search benchmark reads: the population's histories go
// through the real ingest path in-process — normalise, the ingest log and its loader (dedupe, identity
// graph, search terms) — so identities and customers are exactly what ingest would make.
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { type NormalisedEvent, normalise } from "../src/collect/normalise.js";
import { type Config, loadConfig } from "../src/config.js";
import { IdentifierRules } from "../src/identity/identifiers.js";
import { openIngest } from "../src/loader/pipeline.js";
import { createLogger } from "../src/logger.js";
import { openStore } from "../src/store/database.js";
import { history, person } from "./population.js";
import { fmt, round } from "./report.js";
import { ROOT } from "./server.js";

export const DATA_DIR = path.join(ROOT, "bench", ".data");
/** Bump when population.ts changes what a person or a history looks like. */
const GENERATOR_VERSION = 1;
const BLOCK_PEOPLE = 4000;
const CHUNK_EVENTS = 20_000;
const HISTORY_DAYS = 365;

export interface StoreInfo {
  file: string;
  version: number;
  events: number;
  people: number;
  /** Epoch ms the histories end at (the build's "now"). */
  now: number;
  buildSeconds: number;
  eventsPerSecond: number;
  bytes: number;
}

export function config(databasePath: string): Config {
  // An empty environment: the bench's store must not depend on the caller's ITINERA_* settings.
  const c = loadConfig({ databasePath, logLevel: "warn", demoOnFirstRun: false }, {});
  if (!c.ok) throw new Error(c.error);
  return c.value;
}

export function cachedStore(events: number): StoreInfo | undefined {
  const meta = path.join(DATA_DIR, `store-${events}.json`);
  if (!fs.existsSync(meta)) return undefined;
  const info = JSON.parse(fs.readFileSync(meta, "utf8")) as StoreInfo;
  return info.version === GENERATOR_VERSION && fs.existsSync(info.file) ? info : undefined;
}

export async function buildStore(events: number, say: (m: string) => void): Promise<StoreInfo> {
  fs.mkdirSync(DATA_DIR, { recursive: true });
  const file = path.join(DATA_DIR, `store-${events}.duckdb`);
  const building = `${file}.building`;
  for (const f of [building, `${building}.wal`, file, `${file}.wal`]) fs.rmSync(f, { force: true });

  const cfg = config(building);
  const opened = await openStore(building);
  if (!opened.ok) throw new Error(opened.error);
  const store = opened.value;
  const log = createLogger(cfg);
  const ingest = await openIngest(store, cfg, log);
  const writer = ingest.writer;
  const rules = new IdentifierRules(cfg.identity);
  const now = Date.now();
  const env = { receivedAt: now, source: "bench-backfill", maxEventBytes: cfg.limits.maxEventBytes };

  const t0 = performance.now();
  let lastReport = t0;
  let written = 0;
  let rejected = 0;
  let people = 0;
  const inFlight: Array<Promise<void>> = [];
  const send = async (chunk: NormalisedEvent[]) => {
    let r = await writer.write(chunk);
    // A full log (the loader behind) answers "overloaded": wait for the loader, as an SDK retries.
    while (!r.ok && r.error === "overloaded") {
      await new Promise((done) => setTimeout(done, 200));
      r = await writer.write(chunk);
    }
    if (!r.ok) throw new Error(`writer refused a chunk: ${r.error}`);
    written += r.value.accepted;
  };
  let generated = 0;
  while (generated < events) {
    // A block of people at a time, in time order, as a backfill of several sources would arrive.
    const block: NormalisedEvent[] = [];
    for (let k = 0; k < BLOCK_PEOPLE && generated + block.length < events; k++) {
      for (const m of history(person(people), now, HISTORY_DAYS)) {
        const n = normalise(m, undefined, env, rules);
        if (n.ok) block.push(n.value);
        else rejected++;
      }
      people++;
    }
    block.sort((a, b) => a.timestamp - b.timestamp);
    if (generated + block.length > events) block.length = events - generated;
    generated += block.length;
    for (let i = 0; i < block.length; i += CHUNK_EVENTS) {
      inFlight.push(send(block.slice(i, i + CHUNK_EVENTS)));
      // Two chunks in flight: one committing in DuckDB while the next is prepared.
      if (inFlight.length >= 2) await inFlight.shift();
    }
    const t = performance.now();
    if (t - lastReport > 10_000) {
      lastReport = t;
      const rate = written / ((t - t0) / 1000);
      say(
        `  building: ${fmt(written)} / ${fmt(events)} events, ${fmt(rate)} events/s, ` +
          `ETA ${fmt((events - written) / rate / 60)} min`,
      );
    }
  }
  await Promise.all(inFlight);
  await ingest.close();
  await store.close();
  const buildSeconds = (performance.now() - t0) / 1000;
  fs.renameSync(building, file);
  if (fs.existsSync(`${building}.wal`)) fs.renameSync(`${building}.wal`, `${file}.wal`);
  const info: StoreInfo = {
    file,
    version: GENERATOR_VERSION,
    events: written,
    people,
    now,
    buildSeconds: round(buildSeconds),
    eventsPerSecond: round(written / buildSeconds, 0),
    bytes: fs.statSync(file).size,
  };
  if (rejected > 0) say(`  ${fmt(rejected)} generated messages were rejected by normalise`);
  fs.writeFileSync(path.join(DATA_DIR, `store-${events}.json`), JSON.stringify(info, null, 2));
  return info;
}
