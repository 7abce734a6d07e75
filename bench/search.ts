// `npm run bench -- search`: customer search and timeline latency on a 10M-event store, over HTTP
// against `itinera serve` in a child process, one request at a time as a support agent would.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { machine } from "./machine.js";
import { history, type Person, person, rng } from "./population.js";
import { profiling } from "./profile.js";
import {
  check,
  fmt,
  type Latency,
  latency,
  markdownTable,
  printOutcome,
  progress,
  recordSection,
  round,
  type TargetCheck,
  table,
} from "./report.js";
import { ROOT, startBenchServer } from "./server.js";
import { buildStore, cachedStore, type StoreInfo } from "./store.js";

export interface SearchOptions {
  json: boolean;
  record: boolean;
  profile: boolean;
  command: string;
  events: number;
  requests: number;
  rebuild: boolean;
}

const KINDS = ["email", "phone", "user_id", "name prefix"] as const;
type Kind = (typeof KINDS)[number];
const WARMUP = 25;

/** What an agent would type for this person, if the store has seen it (decided from the history). */
function queryFor(kind: Kind, p: Person, now: number): string | undefined {
  const msgs = history(p, now, 365);
  const traits = (m: Record<string, unknown>) => (m.traits ?? {}) as Record<string, unknown>;
  const ctxTraits = (m: Record<string, unknown>) =>
    ((m.context as Record<string, unknown> | undefined)?.traits ?? {}) as Record<string, unknown>;
  const props = (m: Record<string, unknown>) => (m.properties ?? {}) as Record<string, unknown>;
  switch (kind) {
    case "email":
      return p.email &&
        p.email !== "test@test.com" &&
        msgs.some((m) => traits(m).email === p.email || ctxTraits(m).email === p.email)
        ? p.email
        : undefined;
    case "phone":
      // Stored as E.164; the agent types the national form.
      return p.phone && msgs.some((m) => traits(m).phone === p.phone || props(m).phone === p.phoneNational)
        ? (p.phoneNational ?? undefined)
        : undefined;
    case "user_id":
      return p.userId && msgs.some((m) => m.userId === p.userId) ? p.userId : undefined;
    case "name prefix":
      // First name and the start of the family name, as typed into a search box.
      return msgs.some((m) => m.type === "identify" && traits(m).name)
        ? `${p.firstName} ${p.lastName.slice(0, 2)}`
        : undefined;
  }
}

function makeQueries(info: StoreInfo, perKind: number): Array<{ kind: Kind; q: string }> {
  const r = rng(7);
  const out: Array<{ kind: Kind; q: string }> = [];
  for (const kind of KINDS) {
    let found = 0;
    for (let tries = 0; found < perKind && tries < perKind * 50; tries++) {
      const q = queryFor(kind, person(Math.floor(r() * info.people)), info.now);
      if (q === undefined) continue;
      out.push({ kind, q });
      found++;
    }
  }
  // Interleaved, as real lookups come.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

async function timed<T>(url: string, token: string): Promise<{ ms: number; status: number; body: T }> {
  const t = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json()) as T;
  return { ms: performance.now() - t, status: res.status, body };
}

const latencyRow = (name: string, l: Latency): Array<string | number> => [
  name,
  l.n,
  round(l.p50),
  round(l.p95),
  round(l.p99),
  round(l.max),
];

export async function runSearch(o: SearchOptions): Promise<Record<string, unknown>> {
  const say = progress(o.json);
  let info = o.rebuild ? undefined : cachedStore(o.events);
  if (info)
    say(
      `using the cached store ${info.file} (${fmt(info.events)} events, built in ${fmt(info.buildSeconds)} s)`,
    );
  else {
    say(`building a ${fmt(o.events)}-event store through normalise + EventWriter (cached for later runs)…`);
    info = await buildStore(o.events, say);
    say(`built in ${fmt(info.buildSeconds)} s (${fmt(info.eventsPerSecond)} events/s)`);
  }
  const queries = makeQueries(info, o.requests + WARMUP);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "itinera-bench-search-"));
  const prof = o.profile
    ? profiling(ROOT, path.join(dir, "profile"), path.join(dir, "sql-timing.json"))
    : undefined;
  const tStart = performance.now();
  const server = await startBenchServer({
    db: info.file,
    writeKey: `wk_bench_${randomBytes(12).toString("hex")}`,
    nodeArgs: prof?.nodeArgs ?? [],
    env: prof?.env ?? {},
    startTimeoutMs: 600_000,
  });
  const startupMs = performance.now() - tStart;
  say(`server ${server.url} started on the store in ${fmt(startupMs)} ms`);

  const searchMs: number[] = [];
  const byKind = new Map<Kind, number[]>(KINDS.map((k) => [k, []]));
  const hits = new Map<Kind, number>(KINDS.map((k) => [k, 0]));
  const seen = new Map<Kind, number>(KINDS.map((k) => [k, 0]));
  const customerIds: number[] = [];
  let errors = 0;
  let warm = 0;
  for (const { kind, q } of queries) {
    const res = await timed<{ customers?: Array<{ id: number }> }>(
      `${server.url}/api/customers?q=${encodeURIComponent(q)}`,
      server.apiToken,
    );
    if (res.status !== 200) errors++;
    // The first requests of each kind warm DuckDB's buffers and V8; they are not counted.
    if (warm < WARMUP * KINDS.length && seen.get(kind)! < WARMUP) {
      seen.set(kind, seen.get(kind)! + 1);
      warm++;
      continue;
    }
    searchMs.push(res.ms);
    byKind.get(kind)!.push(res.ms);
    const found = res.body.customers ?? [];
    if (found.length > 0) hits.set(kind, hits.get(kind)! + 1);
    if (kind !== "name prefix" && found[0]) customerIds.push(found[0].id);
  }
  say(`searches done: ${fmt(searchMs.length)} measured`);

  const timelineMs: number[] = [];
  const pageSizes: number[] = [];
  let morePages = 0;
  const ids = customerIds.slice(0, o.requests + WARMUP);
  for (let i = 0; ids.length > 0 && i < o.requests + WARMUP; i++) {
    const id = ids[i % ids.length]!;
    const res = await timed<{ events?: unknown[]; nextCursor?: string | null }>(
      `${server.url}/api/customers/${id}/timeline`,
      server.apiToken,
    );
    if (res.status !== 200) errors++;
    if (i < WARMUP) continue;
    timelineMs.push(res.ms);
    pageSizes.push(res.body.events?.length ?? 0);
    if (res.body.nextCursor) morePages++;
  }
  say(`timelines done: ${fmt(timelineMs.length)} measured`);

  const stats = (await (
    await fetch(`${server.url}/api/stats`, { headers: { authorization: `Bearer ${server.apiToken}` } })
  ).json()) as { events?: number; customers?: number; identifiers?: Record<string, number> };
  const peakRss = server.peakRss();
  await server.stop();

  const search = latency(searchMs);
  const timeline = latency(timelineMs);
  const targets: TargetCheck[] = [
    check({ name: "search p99", measured: round(search.p99), unit: "ms", kind: "atMost", goal: 30 }),
    check({ name: "timeline p99", measured: round(timeline.p99), unit: "ms", kind: "atMost", goal: 30 }),
  ];
  const rows: Array<Array<string | number>> = [
    ["request", "n", "p50 ms", "p95 ms", "p99 ms", "max ms"],
    latencyRow("search (mix)", search),
    ...KINDS.map((k) => latencyRow(`  search by ${k}`, latency(byKind.get(k)!))),
    latencyRow("timeline (first page of 50)", timeline),
  ];
  const identifiers = Object.values(stats.identifiers ?? {}).reduce((a, b) => a + b, 0);
  const facts: Array<Array<string | number>> = [
    ["store", "value"],
    ["events", stats.events ?? info.events],
    ["customers", stats.customers ?? Number.NaN],
    ["identifiers", identifiers],
    ["people generated", info.people],
    ["database file (MiB)", round(fs.statSync(info.file).size / 2 ** 20, 0)],
    ["build time (s), through normalise + EventWriter", info.buildSeconds],
    ["server start-up on this file (ms)", round(startupMs, 0)],
    ["server peak RSS (MiB)", round(peakRss / 2 ** 20, 0)],
    [
      "searches that found a customer",
      `${round((100 * [...hits.values()].reduce((a, b) => a + b, 0)) / Math.max(1, searchMs.length))}%`,
    ],
    [
      "mean events on a timeline page",
      round(pageSizes.reduce((a, b) => a + b, 0) / Math.max(1, pageSizes.length)),
    ],
    ["timelines with a next page", morePages],
    ["failed requests", errors],
  ];

  const profileLines = prof?.lines() ?? [];
  fs.rmSync(dir, { recursive: true, force: true });

  if (!o.json) {
    printOutcome([table(rows), table(facts)], targets, profileLines);
  }
  if (o.record) {
    recordSection({
      bench: o.profile ? "search-profile" : "search",
      title: o.profile
        ? "Customer search and timeline, profiled run"
        : "Customer search and timeline (10M events)",
      command: o.command,
      machine: await machine(),
      body: [
        `A ${fmt(info.events)}-event store built through the real ingest path (normalise + EventWriter in ` +
          "group commits of 20,000: dedupe, identity graph with guard rails, search terms) from a " +
          "deterministic population of shoppers with web/app visits, emails, calls and shop purchases over a " +
          "year; then `itinera serve` on that file in a child process and one request at a time over HTTP " +
          `with a Bearer token. Searches mix exact email, a phone number typed in national format ` +
          `(stored as E.164), user id, and a name prefix (first name + two letters of the family name), ` +
          `${WARMUP} per kind of warm-up not counted. Timelines are the first page (50 events) of customers ` +
          "found by those searches.",
        markdownTable(rows),
        markdownTable(facts),
        ...profileLines,
      ],
      targets,
    });
  }
  return {
    bench: "search",
    store: { ...info, customers: stats.customers ?? null, identifiers },
    startupMs: round(startupMs, 0),
    searchMs: { ...search, byKind: Object.fromEntries(KINDS.map((k) => [k, latency(byKind.get(k)!)])) },
    timelineMs: timeline,
    serverPeakRssMiB: round(peakRss / 2 ** 20, 0),
    errors,
    targets,
    profile: profileLines,
  };
}
