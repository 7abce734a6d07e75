// `npm run bench -- ingest`: HTTP ingest through /v1/batch into a real server in a child process.
// N closed-loop clients each POST 100-event batches (Basic auth, realistic SDK payloads) for a fixed
// time after a warm-up; a 200 means the events are durable in the ingest log, so ack latency is durable
// latency. Then the loader's catch-up is timed, and the same batches are sent again (an SDK retry storm):
// every resent event must be counted as a duplicate and none stored.
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { machine } from "./machine.js";
import { person, rng, session } from "./population.js";
import { profiling } from "./profile.js";
import {
  check,
  fmt,
  latency,
  machineBusySeconds,
  markdownTable,
  printOutcome,
  progress,
  recordSection,
  round,
  type TargetCheck,
  table,
} from "./report.js";
import { ROOT, startBenchServer } from "./server.js";

export interface IngestOptions {
  json: boolean;
  durationS: number;
  warmupS: number;
  clients: number;
  batchSize: number;
  profile: boolean;
  record: boolean;
  command: string;
}

/** Returning visitors are likelier than new ones: person index skewed towards the start. */
const POPULATION = 2_000_000;

const MESSAGE_ID = "@@mid@@";

/**
 * Request bodies the way a server-side SDK batches them (many people, a few events each), made before
 * the clock starts so the load generator spends its CPU on sending, not on JSON. Each body is kept as
 * the parts between its message ids; every send fills in fresh ids, so a reused body is new events.
 */
export function bodyPool(seed: number, size: number, count: number): string[][] {
  const r = rng(seed);
  const now = Date.now();
  const pool: string[][] = [];
  for (let b = 0; b < count; b++) {
    const batch: Array<Record<string, unknown>> = [];
    while (batch.length < size) {
      const p = person(Math.floor(POPULATION * r() ** 3));
      const msgs = session(p, r, { at: now - 300_000, sentAt: now, messageId: () => MESSAGE_ID });
      for (const m of msgs) if (batch.length < size) batch.push(m);
    }
    const body = JSON.stringify({
      batch,
      sentAt: new Date(now).toISOString(),
      context: { library: { name: "analytics-node", version: "3.1.0" } },
    });
    pool.push(body.split(MESSAGE_ID));
  }
  return pool;
}

/** Fills in message ids: fresh ones, or `idOf(i)` so a body can be sent again with the same ids. */
export function fillBody(parts: string[], idOf: (i: number) => string = () => randomUUID()): string {
  let out = parts[0]!;
  for (let i = 1; i < parts.length; i++) out += idOf(i) + parts[i]!;
  return out;
}

interface Tally {
  requests: number;
  events: number;
  duplicates: number;
  rejected: number;
  failures: Map<string, number>;
  latencies: number[];
}

export async function runIngest(o: IngestOptions): Promise<Record<string, unknown>> {
  const say = progress(o.json);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "itinera-bench-ingest-"));
  const db = path.join(dir, "ingest.duckdb");
  const writeKey = `wk_bench_${randomBytes(12).toString("hex")}`;
  const prof = o.profile
    ? profiling(ROOT, path.join(dir, "profile"), path.join(dir, "sql-timing.json"))
    : undefined;
  // Enough distinct bodies for about 12 s at the target rate; later sends reuse them with new ids.
  const poolSize = Math.min(6000, Math.ceil(((o.durationS + o.warmupS) * 50_000) / o.batchSize));
  const tPool = performance.now();
  const pool = bodyPool(42, o.batchSize, poolSize);
  const sample = pool.slice(0, 50).map((p) => Buffer.byteLength(fillBody(p)) / o.batchSize);
  const meanEventBytes = round(sample.reduce((a, b) => a + b, 0) / sample.length, 0);
  say(`prepared ${fmt(poolSize)} request bodies in ${fmt(performance.now() - tPool)} ms`);
  const server = await startBenchServer({
    db,
    writeKey,
    nodeArgs: prof?.nodeArgs ?? [],
    env: prof?.env ?? {},
  });
  say(`server ${server.url} (pid ${server.pid}), database ${db}`);
  const auth = `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}`;
  const url = `${server.url}/v1/batch`;
  const run = randomBytes(4).toString("hex");
  const idOf = (send: number) => (i: number) => `${run}-${send}-${i}`;
  const loaderStats = async () =>
    (await (
      await fetch(`${server.url}/api/stats`, { headers: { authorization: `Bearer ${server.apiToken}` } })
    ).json()) as {
      events?: number;
      customers?: number;
      loader?: { pendingEvents: number; duplicatesTotal: number; lastError: string | null };
    };
  /** Waits until the loader has stored everything acknowledged; returns seconds waited. */
  const drain = async (): Promise<number> => {
    const t = performance.now();
    for (;;) {
      const st = await loaderStats();
      if ((st.loader?.pendingEvents ?? 0) === 0) return (performance.now() - t) / 1000;
      if (performance.now() - t > 600_000)
        throw new Error(`the loader did not catch up: ${JSON.stringify(st.loader)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  /** One closed-loop phase: `clients` senders for warm-up + duration; sends numbered from `firstSend`. */
  async function phase(label: string, firstSend: number, sendLimit: number) {
    const t0 = performance.now();
    const measureFrom = t0 + o.warmupS * 1000;
    const end = measureFrom + o.durationS * 1000;
    const tally: Tally = {
      requests: 0,
      events: 0,
      duplicates: 0,
      rejected: 0,
      failures: new Map(),
      latencies: [],
    };
    let started = firstSend;
    let cpuAtMeasure: NodeJS.CpuUsage | undefined;
    let serverCpuAtMeasure = Number.NaN;
    let machineAtMeasure = Number.NaN;
    let acked = 0;
    const measureTimer = setTimeout(
      () => {
        cpuAtMeasure = process.cpuUsage();
        serverCpuAtMeasure = server.cpuSeconds();
        machineAtMeasure = machineBusySeconds();
        say(`${label}: warm-up done; measuring for ${o.durationS} s`);
      },
      Math.max(0, measureFrom - performance.now()),
    );
    const ticker = o.json
      ? undefined
      : setInterval(() => {
          const sec = (performance.now() - measureFrom) / 1000;
          if (sec > 0)
            say(
              `  ${label} ${round(sec)} s: ${fmt(tally.events / sec)} events/s, server RSS ${fmt(server.rss() / 2 ** 20)} MiB`,
            );
        }, 5000);
    async function client(): Promise<void> {
      for (;;) {
        if (performance.now() >= end || started >= sendLimit) return;
        const send = started++;
        const body = fillBody(pool[send % pool.length]!, idOf(send));
        const sentAt = performance.now();
        let status = 0;
        let reply: { accepted?: number; duplicates?: number; rejected?: unknown[] } = {};
        try {
          const res = await fetch(url, {
            method: "POST",
            headers: { authorization: auth, "content-type": "application/json" },
            body,
          });
          status = res.status;
          reply = (await res.json()) as typeof reply;
        } catch (e) {
          status = -1;
          const k = `network: ${(e as Error).message}`;
          tally.failures.set(k, (tally.failures.get(k) ?? 0) + 1);
        }
        const done = performance.now();
        if (status === 200) acked += reply.accepted ?? 0;
        if (done < measureFrom || done > end) continue;
        tally.requests++;
        if (sentAt >= measureFrom) tally.latencies.push(done - sentAt);
        if (status === 200) {
          tally.events += reply.accepted ?? 0;
          tally.duplicates += reply.duplicates ?? 0;
          tally.rejected += reply.rejected?.length ?? 0;
        } else if (status !== -1) {
          tally.failures.set(`HTTP ${status}`, (tally.failures.get(`HTTP ${status}`) ?? 0) + 1);
        }
      }
    }
    say(
      `${label}: ${o.clients} clients × ${o.batchSize}-event batches: ${o.warmupS} s warm-up, then ${o.durationS} s`,
    );
    await Promise.all(Array.from({ length: o.clients }, () => client()));
    clearTimeout(measureTimer);
    if (ticker) clearInterval(ticker);
    const elapsedS = (Math.min(performance.now(), end) - measureFrom) / 1000;
    const clientCpu = process.cpuUsage(cpuAtMeasure);
    const serverCpu = server.cpuSeconds() - serverCpuAtMeasure;
    const clientCores = (clientCpu.user + clientCpu.system) / 1e6 / elapsedS;
    const otherCores =
      (machineBusySeconds() - machineAtMeasure) / elapsedS - serverCpu / elapsedS - clientCores;
    return { tally, elapsedS, serverCpu, clientCores, otherCores, sends: started - firstSend, acked };
  }

  // A hard cap keeps every loop bounded even if the clock misbehaves.
  const maxRequests = Math.ceil(((o.durationS + o.warmupS) * 200_000) / o.batchSize);
  const fresh = await phase("fresh events", 0, maxRequests);
  const sentEventsTotal = fresh.sends * o.batchSize;
  const ackedTotal = fresh.acked;
  const catchUpS = await drain();
  const stored = await loaderStats();
  say(`loader caught up ${round(catchUpS)} s after the last ack; ${fmt(stored.events ?? 0)} events stored`);
  // The retry storm: the same batches again, same message ids.
  const storm = await phase("resend (all duplicates)", 0, fresh.sends);
  const stormCatchUpS = await drain();
  const stats = await loaderStats();
  // Sampled while the server runs; gone once it has stopped.
  const peakRss = server.peakRss();
  await server.stop();
  const { tally, elapsedS, serverCpu, clientCores, otherCores } = fresh;
  const dupEvents = (stats.loader?.duplicatesTotal ?? 0) - (stored.loader?.duplicatesTotal ?? 0);

  const lat = latency(tally.latencies);
  const eventsPerS = tally.events / elapsedS;
  const stormPerS = storm.tally.events / storm.elapsedS;
  // The loader's rate over the whole fresh phase: stored events over the time until it had caught up.
  const loaderPerS = (stored.events ?? 0) / (o.warmupS + elapsedS + catchUpS);
  const targets: TargetCheck[] = [
    check({
      name: "throughput",
      measured: round(eventsPerS, 0),
      unit: "events/s",
      kind: "atLeast",
      goal: 50_000,
    }),
    check({ name: "p99 ack latency", measured: round(lat.p99), unit: "ms", kind: "atMost", goal: 100 }),
    check({
      name: "resend storm (all duplicates) vs fresh events",
      measured: round(stormPerS, 0),
      unit: "events/s",
      kind: "atLeast",
      goal: round(eventsPerS, 0),
    }),
    check({
      name: "server peak RSS",
      measured: round(peakRss / 2 ** 20, 0),
      unit: "MiB",
      kind: "atMost",
      goal: 1024,
    }),
  ];
  const rows: Array<Array<string | number>> = [
    ["measure", "value"],
    ["events/s acknowledged", round(eventsPerS, 0)],
    ["requests/s", round(tally.requests / elapsedS)],
    ["mean event size (bytes)", meanEventBytes],
    ["ack latency p50 (ms)", round(lat.p50)],
    ["ack latency p95 (ms)", round(lat.p95)],
    ["ack latency p99 (ms)", round(lat.p99)],
    ["ack latency max (ms)", round(lat.max)],
    ["server peak RSS (MiB)", round(peakRss / 2 ** 20, 0)],
    ["server CPU (cores busy)", round(serverCpu / elapsedS, 2)],
    ["load generator CPU (cores busy)", round(clientCores, 2)],
    ["other processes' CPU (cores busy)", round(Math.max(0, otherCores), 2)],
    ["failed requests", [...tally.failures.values()].reduce((a, b) => a + b, 0)],
    ["events acknowledged (whole run)", ackedTotal],
    ["loader: catch-up after the last ack (s)", round(catchUpS)],
    ["loader: events stored/s over the run incl. catch-up", round(loaderPerS, 0)],
    ["events in store after the fresh phase", stored.events ?? Number.NaN],
    ["resend storm: events/s acknowledged", round(stormPerS, 0)],
    ["resend storm: ack latency p99 (ms)", round(latency(storm.tally.latencies).p99)],
    ["resend storm: events resent (whole phase)", storm.acked],
    ["resend storm: counted as duplicates by the loader", dupEvents],
    ["resend storm: loader catch-up (s)", round(stormCatchUpS)],
    ["events in store afterwards (must equal the fresh phase)", stats.events ?? Number.NaN],
    ["customers in store afterwards", stats.customers ?? Number.NaN],
  ];

  const profileLines = prof?.lines() ?? [];
  fs.rmSync(dir, { recursive: true, force: true });

  const result = {
    bench: "ingest",
    clients: o.clients,
    batchSize: o.batchSize,
    durationS: round(elapsedS, 2),
    warmupS: o.warmupS,
    eventsPerSecond: round(eventsPerS, 0),
    requests: tally.requests,
    latencyMs: { p50: round(lat.p50), p95: round(lat.p95), p99: round(lat.p99), max: round(lat.max) },
    serverPeakRssMiB: round(peakRss / 2 ** 20, 0),
    serverCpuCores: round(serverCpu / elapsedS, 2),
    clientCpuCores: round(clientCores, 2),
    otherCpuCores: round(Math.max(0, otherCores), 2),
    failures: Object.fromEntries(tally.failures),
    acknowledgedWholeRun: ackedTotal,
    sentWholeRun: sentEventsTotal,
    loaderCatchUpS: round(catchUpS),
    loaderEventsPerSecond: round(loaderPerS, 0),
    storedAfterFresh: stored.events ?? null,
    storm: { eventsPerSecond: round(stormPerS, 0), resent: storm.acked, duplicatesCounted: dupEvents },
    storedAfterwards: stats.events ?? null,
    lostAcknowledged: stored.events === undefined ? null : Math.max(0, ackedTotal - stored.events),
    targets,
    profile: profileLines,
  };
  if (!o.json) {
    printOutcome([table(rows)], targets, profileLines);
  }
  if (o.record) {
    recordSection({
      bench: o.profile ? "ingest-profile" : "ingest",
      title: o.profile ? "HTTP ingest (/v1/batch), profiled run" : "HTTP ingest (/v1/batch)",
      command: o.command,
      machine: await machine(),
      body: [
        `${o.clients} concurrent clients in the bench process (Node fetch, keep-alive) each POST ${o.batchSize}-event ` +
          `batches to \`itinera serve\` running as a child process on 127.0.0.1, Basic-auth write key, for ` +
          `${round(elapsedS)} s after a ${o.warmupS} s warm-up; a 200 means the events are durable in the ingest ` +
          "log (group commit with fdatasync); the loader stores them in large batches behind it, and its catch-up " +
          "after the last ack is timed. Then the same batches are sent again with the same message ids (a retry " +
          "storm after an outage) for as long, and every resent event must be counted as a duplicate, none stored. Messages are Segment-shaped page/screen/identify/track calls from web, app, email, " +
          "call-centre and POS sources with SDK contexts; people are drawn from a 2M population skewed towards " +
          "returning visitors, so the identity graph both finds and creates identifiers. The load generator " +
          "runs on the same 2 cores as the server.",
        markdownTable(rows),
        ...profileLines,
      ],
      targets,
    });
  }
  return result;
}
