// `npm run bench -- web`: what the dashboard costs a visitor. The JavaScript the first screen downloads
// (gzipped, from Vite's manifest), and how long each view takes from navigation to its data on screen,
// in Debian's Chromium against `itinera serve` on the first-run demo world (what `npm start` loads).
// Every run opens a new browser context, so nothing is cached in the browser: a first visit each time.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { chromium } from "playwright-core";
import { MEMORY_LIMIT_MB } from "./journey.js";
import { machine } from "./machine.js";
import {
  check,
  fmt,
  markdownTable,
  percentile,
  printOutcome,
  progress,
  recordSection,
  round,
  type TargetCheck,
  table,
} from "./report.js";
import { ROOT, startBenchServer } from "./server.js";

export interface WebOptions {
  json: boolean;
  record: boolean;
  command: string;
  runs: number;
  /** A database to serve (copied first, never written) instead of a new one with the first-run world. */
  db?: string | undefined;
}

const CHROMIUM = process.env.ITINERA_CHROMIUM ?? "/usr/bin/chromium";
const INITIAL_JS_BUDGET_KB = 500;
const DATA_BUDGET_MS = 2000;

/** A view, the URL it opens and the element that appears only once its data is drawn. */
interface ViewProbe {
  name: string;
  path: string;
  ready: string;
  /** Held to the issue's 2-second target (the others are measured for information). */
  target: boolean;
}

const VIEWS: ViewProbe[] = [
  {
    name: "journey map (all customers)",
    path: "/journey-map",
    ready: '[data-testid="jm-count"]',
    target: true,
  },
  {
    name: "journey map (Tech-savvy Tim)",
    path: "/journey-map?persona=tech-savvy-tim",
    ready: '[data-testid="jm-count"]',
    target: true,
  },
  { name: "funnel (default 4 steps)", path: "/funnels", ready: '[data-testid="funnel-table"]', target: true },
  { name: "overview", path: "/", ready: '[data-testid="overview"]', target: false },
  { name: "frictions", path: "/frictions", ready: '[data-testid="friction-table"]', target: false },
];

interface InitialAssets {
  files: string[];
  jsGzip: number;
  jsRaw: number;
  cssGzip: number;
}

export async function runWeb(o: WebOptions): Promise<Record<string, unknown>> {
  const say = progress(o.json);
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`no browser at ${CHROMIUM}: install Debian's chromium (apt-get install chromium)`);
  const initial = JSON.parse(
    execFileSync(process.execPath, [path.join(ROOT, "scripts", "web-size.mjs")], { encoding: "utf8" }),
  ) as InitialAssets;

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "itinera-bench-web-"));
  const db = path.join(dir, "itinera.duckdb");
  if (o.db) {
    say(`copying ${o.db} (the bench never writes the original)…`);
    fs.copyFileSync(o.db, db);
    if (fs.existsSync(`${o.db}.wal`)) fs.copyFileSync(`${o.db}.wal`, `${db}.wal`);
  }
  say(o.db ? "starting itinera serve on the copy…" : "starting itinera serve with the first-run demo world…");
  const server = await startBenchServer({
    db,
    writeKey: "wk_bench_web_0000000001",
    demo: !o.db,
    startTimeoutMs: 600_000,
    // A large store gets the memory the journey bench gives it; the first-run world runs at the default.
    ...(o.db ? { env: { ITINERA_MEMORY_LIMIT_MB: String(MEMORY_LIMIT_MB) } } : {}),
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
    ],
  });
  try {
    const api = async (route: string, init: { method?: string; body?: unknown } = {}) => {
      const res = await fetch(server.url + route, {
        method: init.method ?? "GET",
        headers: { authorization: `Bearer ${server.apiToken}`, "content-type": "application/json" },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
      if (!res.ok) throw new Error(`${route}: ${res.status} ${await res.text()}`);
      return res.json() as Promise<Record<string, unknown>>;
    };
    // The demo world is placed on the journey before any timing: a visitor's first map should not
    // include the one-off initial refresh.
    await api("/api/journey/refresh", { method: "POST", body: {} });
    const account = (await api("/api/accounts", {
      method: "POST",
      body: { email: "bench@itinera.local", name: "Bench", role: "analyst" },
    })) as { password: string };
    const stats = await api("/api/stats");

    // The first visit is the warm-up: on a fresh server it may find a result the server kept or computed
    // ahead (src/journey/result-cache.ts) or compute it; it is shown apart from the timed runs.
    const rows: Array<Array<string | number>> = [["view", "first visit ms", "min ms", "median ms", "max ms"]];
    const targets: TargetCheck[] = [
      check({
        name: `initial JavaScript ≤ ${INITIAL_JS_BUDGET_KB} KB gzipped`,
        measured: round(initial.jsGzip / 1024, 1),
        unit: "KB",
        kind: "atMost",
        goal: INITIAL_JS_BUDGET_KB,
      }),
    ];
    const medians: Record<string, number> = {};
    for (const view of VIEWS) {
      const samples: number[] = [];
      let first = 0;
      for (let run = 0; run <= o.runs; run++) {
        const context = await browser.newContext({
          baseURL: server.url,
          viewport: { width: 1280, height: 800 },
        });
        const login = await context.request.post("/api/auth/login", {
          data: { email: "bench@itinera.local", password: account.password },
        });
        if (!login.ok()) throw new Error(`sign-in failed: ${login.status()}`);
        const page = await context.newPage();
        const t0 = performance.now();
        await page.goto(view.path);
        await page.locator(view.ready).first().waitFor({ state: "visible", timeout: 60_000 });
        const ms = performance.now() - t0;
        await context.close();
        if (run > 0) samples.push(ms);
        else first = ms;
      }
      const median = percentile(samples, 50);
      medians[view.name] = median;
      say(`${view.name}: median ${fmt(median)} ms`);
      rows.push([
        view.name,
        round(first, 0),
        round(Math.min(...samples), 0),
        round(median, 0),
        round(Math.max(...samples), 0),
      ]);
      if (view.target)
        targets.push(
          check({
            name: `${view.name}: data on screen ≤ ${DATA_BUDGET_MS} ms`,
            measured: round(median, 0),
            unit: "ms",
            kind: "atMost",
            goal: DATA_BUDGET_MS,
          }),
        );
    }

    const sizes = markdownTable([
      ["first screen", "files", "JavaScript (raw)", "JavaScript (gzip)", "CSS (gzip)"],
      [
        "shell + sign-in state",
        initial.files.length,
        `${fmt(initial.jsRaw / 1024)} KB`,
        `${fmt(initial.jsGzip / 1024)} KB`,
        `${fmt(initial.cssGzip / 1024)} KB`,
      ],
    ]);
    if (!o.json) printOutcome([table(rows)], targets, []);
    if (o.record)
      recordSection({
        bench: o.db ? "web-large" : "web",
        title: o.db
          ? "Dashboard on a large store: time to data"
          : "Dashboard: first-screen size and time to data",
        command: o.command,
        machine: await machine(),
        body: [
          `${o.db ? `A copy of ${path.basename(o.db)}` : "The first-run demo world"} (${fmt(Number(stats.events))} events, ${fmt(Number(stats.customers))} customers), ` +
            `served by \`itinera serve\` on this machine and opened in Debian's Chromium (headless, 1280×800). ` +
            `Each run is a new browser context (a first visit: no cached JavaScript or data); time from navigation ` +
            `to the view's data on screen. ${o.runs} runs per view after one warm-up.`,
          sizes,
          markdownTable(rows),
        ],
        targets,
      });
    return { bench: "web", initial, medians };
  } finally {
    await browser.close();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
