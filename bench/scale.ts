// `npm run bench -- scale`: the scale curve of issue 14. Stores of 1M and 10M demo events (and 50M with
// --full) are loaded with `itinera demo generate --into` and default settings; each is measured for its
// load, every analysis (in-process, as the server runs them), the server's start, a short HTTP ingest
// run and its memory, and the file size; a last table says how each measure grows per 10× data.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { findFrictions } from "../src/analytics/frictions/frictions.js";
import { runFunnel } from "../src/analytics/funnel.js";
import { runPaths } from "../src/analytics/paths.js";
import { runRetention } from "../src/analytics/retention.js";
import { runStageFlow } from "../src/analytics/stage-flow.js";
import { runTimeToConvert } from "../src/analytics/time-to-convert.js";
import { loadDefinitions, seedJourneyDefaults } from "../src/journey/definitions.js";
import { buildJourneyMap } from "../src/journey/map/map.js";
import { JourneyRefresher } from "../src/journey/refresh.js";
import { openStore, type Store } from "../src/store/database.js";
import { FIVE, reference, WINDOW_DAYS } from "./analytics.js";
import { DAYS, END, EVENTS_PER_CUSTOMER_DAY, SEED } from "./demo.js";
import { bodyPool, fillBody } from "./ingest.js";
import { type Timing, timeRuns, unwrap } from "./journey.js";
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
import { CLI, ROOT, startBenchServer } from "./server.js";
import { config, DATA_DIR } from "./store.js";

export interface ScaleOptions {
  json: boolean;
  record: boolean;
  command: string;
  /** Adds the 50M-event store (its load alone takes minutes). */
  full: boolean;
  /** The biggest store (default 10M; 50M with --full); a smaller one alone for a quick check. */
  events: number;
  /** Timed runs of each analysis, after one warm-up. */
  runs: number;
  rebuild: boolean;
  /** Seconds of HTTP ingest per store. */
  ingestS: number;
}

/** Bump when the world options or the way a store is built change. */
const STORE_VERSION = 1;
const VIEW_BUDGET_MS_AT_50M = 2500;
const LOAD_BUDGET_S_AT_10M = 60;

interface Built {
  version: number;
  file: string;
  customers: number;
  events: number;
  loadSeconds: number;
  importSeconds: number;
  loadPeakRssMiB: number;
  builtAt: string;
}

interface Measured {
  label: string;
  events: number;
  built: Built;
  fileMiB: number;
  /** Analysis name → median ms (NaN when it failed). */
  views: Map<string, Timing | undefined>;
  failures: string[];
  funnelRatio: number;
  refreshSeconds: number;
  serverStartMs: number;
  ingestPerS: number;
  serverPeakRssMiB: number;
  mapHttpMs: number;
}

const metaFile = (events: number) => path.join(DATA_DIR, `scale-${events}.json`);

/** Peak resident set (VmHWM) of a running process in MiB, or 0 once it has gone. */
function peakRssMiB(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** `itinera demo generate --into`, default settings (no memory limit raised): the issue's load. */
async function build(events: number, say: (m: string) => void): Promise<Built> {
  fs.mkdirSync(DATA_DIR, { recursive: true });
  const customers = Math.round(events / (EVENTS_PER_CUSTOMER_DAY * DAYS));
  const file = path.join(DATA_DIR, `scale-${events}.duckdb`);
  const base = file.replace(/\.duckdb$/, "");
  for (const f of [file, `${file}.wal`, metaFile(events)]) fs.rmSync(f, { force: true });
  for (const f of fs.readdirSync(DATA_DIR))
    if (f.startsWith(`${path.basename(base)}.`)) fs.rmSync(path.join(DATA_DIR, f), { force: true });
  say(`loading ${fmt(events)} demo events (${fmt(customers)} customers × ${DAYS} days) into ${file}…`);
  const args = [CLI, "--json", "demo", "generate", "--customers", String(customers), "--days", String(DAYS)];
  args.push("--seed", String(SEED), "--end", END, "--into", file);
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith("ITINERA_")) delete env[k];
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
  });
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, peakRssMiB(child.pid!));
  }, 100);
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  clearInterval(timer);
  const loadSeconds = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`itinera demo generate --into exited with ${code}: ${out}`);
  const summary = JSON.parse(out) as { count: number; imported: { imported: number; seconds: number } };
  const built: Built = {
    version: STORE_VERSION,
    file,
    customers,
    events: summary.imported.imported,
    loadSeconds: round(loadSeconds, 1),
    importSeconds: round(summary.imported.seconds, 1),
    loadPeakRssMiB: Math.round(peak),
    builtAt: new Date().toISOString(),
  };
  fs.writeFileSync(metaFile(events), JSON.stringify(built, null, 2));
  say(`  loaded ${fmt(built.events)} events in ${fmt(loadSeconds)} s, peak RSS ${fmt(peak)} MiB`);
  return built;
}

async function ensureStore(events: number, rebuild: boolean, say: (m: string) => void): Promise<Built> {
  if (!rebuild && fs.existsSync(metaFile(events))) {
    const b = JSON.parse(fs.readFileSync(metaFile(events), "utf8")) as Built;
    if (b.version === STORE_VERSION && fs.existsSync(b.file)) {
      say(`using the store loaded at ${b.builtAt} (${b.file}); --rebuild loads it again`);
      return b;
    }
  }
  return build(events, say);
}

/** Every analysis, in-process on the store with the server's default settings. */
async function analyse(
  built: Built,
  runs: number,
  say: (m: string) => void,
): Promise<Pick<Measured, "views" | "failures" | "funnelRatio" | "refreshSeconds">> {
  const opened = await openStore(built.file, { memoryLimitMb: config(built.file).memoryLimitMb });
  if (!opened.ok) throw new Error(opened.error);
  const store: Store = opened.value;
  const views = new Map<string, Timing | undefined>();
  const failures: string[] = [];
  const time = async <T>(name: string, fn: () => Promise<T>): Promise<T | undefined> => {
    say(`  ${name}…`);
    try {
      const r = await timeRuns(runs, fn);
      views.set(name, r.ms);
      return r.last;
    } catch (e) {
      views.set(name, undefined);
      failures.push(`${name}: ${(e as Error).message.split("\n")[0]}`);
      return undefined;
    }
  };
  try {
    await seedJourneyDefaults(store);
    const refresher = new JourneyRefresher(store);
    say("  journey refresh (first on this store: full)…");
    const t = performance.now();
    await refresher.refresh();
    const refreshSeconds = (performance.now() - t) / 1000;
    // Computed each run (a kept map, src/journey/result-cache.ts, would answer in milliseconds).
    await time("map, all customers", async () => {
      refresher.results.clear();
      return unwrap(await buildJourneyMap(store, refresher, { persona: undefined }), "map");
    });
    // The heaviest persona: the one whose map has the most customers.
    const defs = await loadDefinitions(store);
    let heaviest = { id: "", name: "", customers: -1 };
    for (const p of defs.personas) {
      const m = await buildJourneyMap(store, refresher, { persona: p.id });
      if (m.ok && m.value.customers > heaviest.customers)
        heaviest = { id: p.id, name: p.name, customers: m.value.customers };
    }
    await time(`map, heaviest persona (${heaviest.name})`, async () => {
      refresher.results.clear();
      return unwrap(await buildJourneyMap(store, refresher, { persona: heaviest.id }), "map");
    });
    const funnel = await time("funnel, 5 steps", async () =>
      unwrap(
        await runFunnel(store, refresher, {
          steps: FIVE.map((event) => ({ event })),
          window: `${WINDOW_DAYS}d`,
        }),
        "funnel",
      ),
    );
    let funnelRatio = Number.NaN;
    if (funnel) {
      const { from, to } = funnel.period;
      const ref = await time("hand-written SQL, same counts", () => reference(store, from, to));
      const ours = funnel.steps.map((s) => s.count).join();
      if (ref && ref.join() !== ours) failures.push(`funnel (${ours}) and hand SQL (${ref.join()}) disagree`);
      const [a, b] = [views.get("funnel, 5 steps"), views.get("hand-written SQL, same counts")];
      if (a && b) funnelRatio = a.median / b.median;
    }
    await time("paths, next 5 steps", async () =>
      unwrap(await runPaths(store, refresher, { start: { event: "Product Viewed" }, steps: 5 }), "paths"),
    );
    await time("retention, 12 weekly cohorts", async () =>
      unwrap(
        await runRetention(store, refresher, {
          start: { event: "Product Viewed" },
          return: { event: "Order Completed" },
          period: "week",
          periods: 12,
        }),
        "retention",
      ),
    );
    await time("frictions", async () => unwrap(await findFrictions(store, refresher, {}), "frictions"));
    await time("stage flow", async () => unwrap(await runStageFlow(store, refresher, {}), "stage flow"));
    await time("time to convert", async () =>
      unwrap(
        await runTimeToConvert(store, refresher, {
          start: { event: "Product Added" },
          end: { event: "Order Completed" },
        }),
        "time to convert",
      ),
    );
    return { views, failures, funnelRatio, refreshSeconds };
  } finally {
    await store.close();
  }
}

/** The server on a copy of the store: start time, the map over HTTP, a short closed-loop ingest run. */
async function serve(
  built: Built,
  ingestS: number,
  say: (m: string) => void,
): Promise<Pick<Measured, "serverStartMs" | "ingestPerS" | "serverPeakRssMiB" | "mapHttpMs">> {
  const copy = built.file.replace(/\.duckdb$/, ".run.duckdb");
  for (const f of [copy, `${copy}.wal`]) fs.rmSync(f, { force: true });
  fs.copyFileSync(built.file, copy);
  const writeKey = `wk_scale_${randomBytes(12).toString("hex")}`;
  const t0 = performance.now();
  const server = await startBenchServer({ db: copy, writeKey });
  const serverStartMs = performance.now() - t0;
  try {
    const headers = { authorization: `Bearer ${server.apiToken}` };
    // The first request may refresh the journey tables; the second is the one a viewer waits for.
    await fetch(`${server.url}/api/journey-map`, { headers });
    let t = performance.now();
    const res = await fetch(`${server.url}/api/journey-map`, { headers });
    const mapHttpMs = res.ok ? performance.now() - t : Number.NaN;
    say(`  ingest: 8 clients × 100-event batches for ${ingestS} s…`);
    const pool = bodyPool(7, 100, 2000);
    const auth = `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}`;
    const run = randomBytes(4).toString("hex");
    let sent = 0;
    let acked = 0;
    t = performance.now();
    const end = t + ingestS * 1000;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (performance.now() < end) {
          const n = sent++;
          const body = fillBody(pool[n % pool.length]!, (i) => `${run}-${n}-${i}`);
          const r = await fetch(`${server.url}/v1/batch`, {
            method: "POST",
            headers: { authorization: auth, "content-type": "application/json" },
            body,
          });
          if (r.ok) acked += ((await r.json()) as { accepted?: number }).accepted ?? 0;
          else await r.arrayBuffer();
        }
      }),
    );
    const ingestPerS = acked / ((performance.now() - t) / 1000);
    return { serverStartMs, ingestPerS, serverPeakRssMiB: server.peakRss() / 2 ** 20, mapHttpMs };
  } finally {
    await server.stop();
    // The copy and what a server keeps beside a database (ingest log, spill files).
    for (const f of [copy, `${copy}.wal`, `${copy}.ingest`, `${copy}.tmp`])
      fs.rmSync(f, { recursive: true, force: true });
  }
}

/** How a measure grows per 10× data between two stores: (b / a)^(1 / log10(eventsB / eventsA)). */
const per10x = (a: number, b: number, ea: number, eb: number) => (b / a) ** (1 / Math.log10(eb / ea));

const label = (events: number) => (events >= 1e6 ? `${events / 1e6}M` : fmt(events));

export async function runScale(o: ScaleOptions): Promise<Record<string, unknown>> {
  const say = progress(o.json);
  const top = o.full ? 50_000_000 : o.events;
  const curve = [1_000_000, 10_000_000, 50_000_000].filter((n) => n <= top);
  const sizes = curve.length > 0 ? curve : [top];
  const measured: Measured[] = [];
  for (const events of sizes) {
    say(`— ${label(events)} events`);
    const built = await ensureStore(events, o.rebuild, say);
    const a = await analyse(built, o.runs, say);
    const s = await serve(built, o.ingestS, say);
    const fileMiB = fs.statSync(built.file).size / 2 ** 20;
    measured.push({ label: label(events), events: built.events, built, fileMiB, ...a, ...s });
  }
  const names = [...new Set(measured.flatMap((m) => [...m.views.keys()]))];
  const med = (m: Measured, name: string) => m.views.get(name)?.median ?? Number.NaN;
  const rowsOf: Array<[string, (m: Measured) => number]> = [
    ["events stored", (m) => m.events],
    ["load: demo generate --into, wall (s)", (m) => m.built.loadSeconds],
    ["load: of which importing (s)", (m) => m.built.importSeconds],
    ["load: events/s", (m) => m.events / m.built.loadSeconds],
    ["load: peak RSS of the CLI process (MiB)", (m) => m.built.loadPeakRssMiB],
    ["database file (MiB)", (m) => m.fileMiB],
    ["first journey refresh (s)", (m) => m.refreshSeconds],
    ...names.map((n): [string, (m: Measured) => number] => [`${n}, median (ms)`, (m) => med(m, n)]),
    ["funnel ÷ hand-written SQL (medians)", (m) => m.funnelRatio],
    ["server start (ms)", (m) => m.serverStartMs],
    ["map over HTTP, all customers, 2nd request (ms)", (m) => m.mapHttpMs],
    ["HTTP ingest, 8 clients (events/s acknowledged)", (m) => m.ingestPerS],
    ["server peak RSS (MiB)", (m) => m.serverPeakRssMiB],
  ];
  const pairs = measured.slice(1).map((m, i) => [measured[i]!, m] as const);
  const cell = (v: number) => (Number.isNaN(v) ? "n/a" : v < 10 ? round(v, 2) : round(v, 0));
  const rows: Array<Array<string | number>> = [
    ["measure", ...measured.map((m) => m.label), ...pairs.map(([a, b]) => `×/10× ${a.label}→${b.label}`)],
    ...rowsOf.map(([name, f]) => [
      name,
      ...measured.map((m) => cell(f(m))),
      ...pairs.map(([a, b]) => cell(per10x(f(a), f(b), a.events, b.events))),
    ]),
  ];
  const targets: TargetCheck[] = [];
  const ten = measured.find((m) => m.built.customers === Math.round(1e7 / (EVENTS_PER_CUSTOMER_DAY * DAYS)));
  if (ten)
    targets.push(
      check({
        name: "10M demo events loaded (default settings)",
        measured: ten.built.loadSeconds,
        unit: "s",
        kind: "atMost",
        goal: LOAD_BUDGET_S_AT_10M,
      }),
    );
  const biggest = measured.at(-1)!;
  for (const n of names.filter((x) => !x.startsWith("hand-written")))
    targets.push(
      check({
        name: `${n} at ${biggest.label}${biggest.events < 4e7 ? " (the 2.5 s budget is for 50M; run --full)" : ""}`,
        measured: round(med(biggest, n), 0),
        unit: "ms",
        kind: "atMost",
        goal: VIEW_BUDGET_MS_AT_50M,
      }),
    );
  const failures = measured.flatMap((m) => m.failures.map((f) => `${m.label}: ${f}`));
  if (!o.json) printOutcome([table(rows)], targets, failures);
  if (o.record)
    recordSection({
      bench: "scale",
      title: "Scale curve (1M, 10M and with --full 50M demo events)",
      command: o.command,
      machine: await machine(),
      body: [
        `Each store is the demo world (seed ${SEED}, ${DAYS} days ending ${END}, ${EVENTS_PER_CUSTOMER_DAY} events per customer-day) ` +
          "loaded by `itinera demo generate --into` in a child process with default settings (no ITINERA_* " +
          "variables; the generator's threads and the import overlap, a file of ~1M events at a time). Stores are " +
          "cached in bench/.data with their load figures (`--rebuild` loads again); load dates: " +
          `${measured.map((m) => `${m.label} ${m.built.builtAt.slice(0, 16)}Z`).join(", ")}. ` +
          "Analyses run in the bench process on the store with the server's default memory limit " +
          `(${config("x").memoryLimitMb} MB), ${o.runs} runs after a warm-up; the map of every persona is built ` +
          "once to find the heaviest. The server runs on a copy of the store: start until ready, the map " +
          `over HTTP, then ${o.ingestS} s of 8 closed-loop clients posting 100-event batches (bench/ingest.ts's ` +
          "bodies). The last columns give each measure's growth per 10× data: (later ÷ earlier)^(1 / log10 of " +
          "the events ratio); 10 means linear, 1 flat.",
        markdownTable(rows),
        ...(failures.length ? [`Failed: ${failures.join("; ")}`] : []),
      ],
      targets,
    });
  return {
    bench: "scale",
    stores: measured.map((m) => ({
      events: m.events,
      built: m.built,
      fileMiB: round(m.fileMiB, 0),
      refreshSeconds: round(m.refreshSeconds, 1),
      views: Object.fromEntries(m.views),
      funnelRatio: m.funnelRatio,
      serverStartMs: round(m.serverStartMs, 0),
      mapHttpMs: round(m.mapHttpMs, 0),
      ingestPerS: round(m.ingestPerS, 0),
      serverPeakRssMiB: round(m.serverPeakRssMiB, 0),
      failures: m.failures,
    })),
    targets,
  };
}
