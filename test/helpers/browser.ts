// The dashboard as a person sees it: a real Itinera server on a copy of the demo-world database, and
// Debian's Chromium driven by playwright-core (no browser is downloaded). Console errors, failed page
// scripts, answers of 400 and above and failed requests are collected, and every test asserts there
// were none (after each test too, so nothing slips past a file's last check); screenshots of each view
// go to test-results/screens/ as artifacts.
import fs from "node:fs";
import path from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect, inject } from "vitest";
import { createAccount } from "../../src/auth/accounts.js";
import type { ConfigOverrides } from "../../src/config.js";
import { startTestServer, type TestServer, tempDir } from "./server.js";

export const CHROMIUM = process.env.ITINERA_CHROMIUM ?? "/usr/bin/chromium";
/** CI sets this: a missing browser is then a failure, not a skipped file. */
const REQUIRED = process.env.ITINERA_REQUIRE_BROWSER === "1";

/** Whether browser tests can run here; without Chromium they are skipped (or fail, under CI). */
export const browserAvailable = fs.existsSync(CHROMIUM) || REQUIRED;
if (!fs.existsSync(CHROMIUM) && !REQUIRED)
  process.stderr.write(
    `Dashboard tests skipped: no browser at ${CHROMIUM}. Install Debian's chromium (apt-get install chromium) or set ITINERA_CHROMIUM.\n`,
  );

const SCREENS = path.join(
  path.dirname(path.dirname(path.dirname(new URL(import.meta.url).pathname))),
  "test-results",
  "screens",
);

/** Debian's Chromium (nothing is downloaded), headless, kept off the network it cannot reach. */
export function launchChromium(executablePath = CHROMIUM): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    // This machine's network is closed: without these Chromium keeps trying to reach Google's hosts.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
}

export const ADMIN = { email: "analyst@itinera.test", password: "correct-horse-battery-staple" };

export interface Dashboard {
  server: TestServer;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** What went wrong since the last check, one line each (see `expectNoErrors`). */
  readonly errors: readonly string[];
  /** Opens a path of the dashboard (signed in, unless the context was cleared). */
  open(pathAndQuery: string): Promise<void>;
  /** Saves a full-page screenshot as test-results/screens/<name>.png. */
  screenshot(name: string): Promise<void>;
  /**
   * Fails on any console error, page error, answer of 400 or above or failed request since the last
   * check, except the answers named in `expected`, each as "METHOD /path STATUS" (e.g.
   * "POST /api/auth/login 401"; a path without "?" matches any query). Each named answer must have
   * come exactly as many times as it is named: an error state that came from another request fails.
   */
  expectNoErrors(expected?: string[]): void;
  /** Forgets the errors collected so far and returns them (for a test that failed already). */
  discardErrors(): string[];
  close(): Promise<void>;
}

export interface DashboardOptions {
  /** Start on an empty database instead of the demo world. */
  empty?: boolean;
  /** Sign in through the API before the first page (default true). */
  signedIn?: boolean;
  viewport?: { width: number; height: number };
  locale?: string;
  /** Server settings on top of the dashboard tests' own (e.g. live.refreshAfterEventsSeconds). */
  config?: ConfigOverrides;
}

function copyDemoDatabase(): string {
  const source = inject("demoDatabase");
  const dir = tempDir("web");
  const target = path.join(dir, "itinera.duckdb");
  fs.copyFileSync(source, target);
  if (fs.existsSync(`${source}.wal`)) fs.copyFileSync(`${source}.wal`, `${target}.wal`);
  return target;
}

/** Something that went wrong in the page, with the line a failing check prints for it. */
type Problem =
  | { kind: "console" | "page"; text: string }
  | { kind: "response"; method: string; url: URL; status: number; text: string }
  | { kind: "failed"; method: string; url: URL; text: string };

/** Whether an answer is the one named by "METHOD /path STATUS". */
function answers(p: Extract<Problem, { kind: "response" }>, spec: string): boolean {
  const [method, target, status, ...rest] = spec.split(" ");
  if (!method || !target || !status || rest.length > 0) throw new Error(`not "METHOD /path STATUS": ${spec}`);
  const where = target.includes("?") ? p.url.pathname + p.url.search : p.url.pathname;
  return p.method === method && where === target && p.status === Number(status);
}

// Reports each fetch whose AbortSignal fires while it is under way, so a request the dashboard
// cancelled itself (react-query aborts a query's fetch when its key changes or its view unmounts) is
// told apart from one the network or the server broke. Both fail in Chromium as net::ERR_ABORTED.
const ABORT_PROBE = `(() => {
  const fetch = window.fetch;
  window.fetch = function (input, init) {
    const request = input instanceof Request ? input : undefined;
    const signal = (init && init.signal) || (request && request.signal);
    if (signal && !signal.aborted) {
      const method = String((init && init.method) || (request && request.method) || "GET").toUpperCase();
      const url = new URL(request ? request.url : String(input), location.href).href;
      let settled = false;
      const onAbort = () => { if (!settled) window.__itineraFetchAborted(method, url); };
      signal.addEventListener("abort", onAbort, { once: true });
      const done = () => { settled = true; signal.removeEventListener("abort", onAbort); };
      const result = fetch.call(this, input, init);
      // Headers in hand is not the end: the body can still be cancelled, so wait for it too.
      result.then((res) => res.clone().arrayBuffer().then(done, done), done);
      return result;
    }
    return fetch.call(this, input, init);
  };
})();`;

/**
 * Collects what goes wrong in a page: console errors, uncaught errors, answers of 400 and above, and
 * failed requests. A request that fails with net::ERR_ABORTED is left out only when it clearly was
 * abandoned on purpose: the page's own code aborted its fetch (see ABORT_PROBE; react-query does so
 * when a query's key changes or its view goes away), or it belonged to a document the page was
 * navigating away from when it failed (a navigation cancels the old document's requests). Which
 * document a request belongs to is Chromium's loader id, read over CDP: the timing of Playwright's
 * events cannot tell the old document's last requests from the new one's first. Any other abort, and
 * every other failure (connection refused or reset, an empty answer…), is an error.
 */
/** How long an aborted request may wait for the page's report that the page cancelled it. */
const ABORT_REPORT_MS = 1500;

async function watchPage(page: Page) {
  const problems: Problem[] = [];
  const pending: Array<{ problem: Extract<Problem, { kind: "failed" }>; key: string; at: number }> = [];
  const aborted: string[] = [];

  await page.exposeFunction("__itineraFetchAborted", (method: string, url: string) => {
    aborted.push(`${method} ${url}`);
  });
  await page.addInitScript(ABORT_PROBE);

  const cdp = await page.context().newCDPSession(page);
  const { frameTree } = (await cdp.send("Page.getFrameTree")) as { frameTree: { frame: { id: string } } };
  const mainFrame = frameTree.frame.id;
  /** Each request's method, URL and document (loader id). */
  const requests = new Map<string, { method: string; url: string; loader: string }>();
  /** The main frame's documents that a later navigation has started to replace. */
  const leaving = new Set<string>();
  let current: string | undefined;
  cdp.on("Network.requestWillBeSent", (e) => {
    requests.set(e.requestId, { method: e.request.method, url: e.request.url, loader: e.loaderId });
    if (e.type === "Document" && e.frameId === mainFrame && e.loaderId !== current) {
      if (current !== undefined) leaving.add(current);
      current = e.loaderId;
    }
  });
  cdp.on("Network.loadingFinished", (e) => requests.delete(e.requestId));
  cdp.on("Network.loadingFailed", (e) => {
    const r = requests.get(e.requestId);
    requests.delete(e.requestId);
    if (!r) {
      problems.push({
        kind: "console",
        text: `failed: request ${e.requestId} (not seen leaving) ${e.errorText}`,
      });
      return;
    }
    const url = new URL(r.url);
    const problem = {
      kind: "failed" as const,
      method: r.method,
      url,
      text: `failed: ${r.method} ${url.pathname}${url.search} ${e.errorText}`,
    };
    if (e.errorText === "net::ERR_ABORTED") {
      if (leaving.has(r.loader)) return;
      // Whether the page aborted it is known once its probe has reported, which may come after this.
      pending.push({ problem, key: `${r.method} ${r.url}`, at: Date.now() });
      return;
    }
    problems.push(problem);
  });
  await cdp.send("Network.enable");

  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    // Chromium logs every answer of 400+ and every failed load too; those are recorded (with their
    // method) from the network, and a failed load the network did not report stays an error.
    const failedLoad = msg.text().startsWith("Failed to load resource");
    problems.push({
      kind: "console",
      text: `console: ${msg.text()}${failedLoad ? ` (${msg.location().url})` : ""}`,
    });
  });
  page.on("pageerror", (e) => problems.push({ kind: "page", text: `page: ${e.message}` }));
  page.on("response", (r) => {
    if (r.status() < 400) return;
    const method = r.request().method();
    const url = new URL(r.url());
    problems.push({
      kind: "response",
      method,
      url,
      status: r.status(),
      text: `response: ${method} ${url.pathname}${url.search} ${r.status()}`,
    });
  });

  /** Failed loads the console reported that the network events also did. */
  const knownFailedLoad = (p: Problem, urls: Set<string>) =>
    p.kind === "console" &&
    [...urls].some((u) => p.text.startsWith("console: Failed to load resource") && p.text.endsWith(`(${u})`));

  /** Pairs each aborted request with its page's report that it cancelled it; both are then done with. */
  const settle = () => {
    for (let i = pending.length - 1; i >= 0; i--) {
      const j = aborted.indexOf(pending[i]!.key);
      if (j < 0) continue;
      aborted.splice(j, 1);
      pending.splice(i, 1);
    }
  };

  return {
    problems(): Problem[] {
      settle();
      // The page's report travels through a binding and can land just after Chromium's failure (or just
      // after a check): an abort without it is an error once it has had ABORT_REPORT_MS to arrive.
      const now = Date.now();
      const found = pending.filter((p) => now - p.at >= ABORT_REPORT_MS).map((p) => p.problem);
      const urls = new Set<string>(pending.map((p) => p.problem.url.href));
      for (const p of problems) if (p.kind === "response" || p.kind === "failed") urls.add(p.url.href);
      return [...problems.filter((p) => !knownFailedLoad(p, urls)), ...found];
    },
    clear() {
      problems.length = 0;
      // A check closes the books on the aborts seen so far (one still waiting for its page's word is not
      // carried into the next test); a report of the page's stays for a failure Chromium has not told yet.
      pending.length = 0;
      if (aborted.length > 500) aborted.splice(0, aborted.length - 500);
    },
  };
}

let checkedAfterEach = false;

/**
 * Checks the dashboard's errors after every test of the enclosing describe (as `expectNoErrors()` with
 * nothing expected), so an error after a test's last explicit check still fails it. Every file calls it
 * where it starts a dashboard; `startDashboard` refuses to run before it was called.
 */
export function checkErrorsAfterEach(dashboard: () => Dashboard | undefined): void {
  checkedAfterEach = true;
  afterEach((ctx) => {
    const d = dashboard();
    if (!d) return;
    if (ctx.task.result?.state === "fail") {
      // The test failed already: what the page saw is context for that failure, not a second one
      // (it would also list the errors the test meant to check further on).
      const seen = d.discardErrors();
      if (seen.length > 0)
        process.stderr.write(`The browser's errors in "${ctx.task.name}":\n${seen.join("\n")}\n`);
      return;
    }
    d.expectNoErrors();
  });
}

export async function startDashboard(options: DashboardOptions = {}): Promise<Dashboard> {
  if (!checkedAfterEach)
    throw new Error("call checkErrorsAfterEach(() => d) in the describe that starts the dashboard");
  const server = await startTestServer({
    ...(options.empty ? {} : { databasePath: copyDemoDatabase() }),
    // A build elsewhere than dist/web (parallel work) is named by ITINERA_DASHBOARD_DIR.
    config: {
      journeyRefreshSeconds: 0,
      dashboardDir: process.env.ITINERA_DASHBOARD_DIR ?? "",
      ...options.config,
    },
  });
  const created = await createAccount(
    server.running.ctx.store,
    {
      email: ADMIN.email,
      name: "Ada Analyst",
      role: "admin",
      password: ADMIN.password,
    },
    { kind: "system", id: null, name: "test setup" },
  );
  if (!created.ok) throw new Error(created.error.message);

  const browser = await launchChromium();
  const context = await browser.newContext({
    baseURL: server.url,
    viewport: options.viewport ?? { width: 1280, height: 800 },
    locale: options.locale ?? "en-US",
  });
  if (options.signedIn !== false) {
    const res = await context.request.post("/api/auth/login", { data: ADMIN });
    if (!res.ok()) throw new Error(`signing in failed: ${res.status()} ${await res.text()}`);
  }
  const page = await context.newPage();
  const watch = await watchPage(page);

  return {
    server,
    browser,
    context,
    page,
    get errors() {
      return watch.problems().map((p) => p.text);
    },
    async open(pathAndQuery) {
      await page.goto(pathAndQuery);
    },
    async screenshot(name) {
      fs.mkdirSync(SCREENS, { recursive: true });
      await page.screenshot({ path: path.join(SCREENS, `${name}.png`), fullPage: true });
    },
    expectNoErrors(expected = []) {
      const problems = watch.problems();
      watch.clear();
      const missing: string[] = [];
      const unexpected = [...problems];
      for (const spec of expected) {
        const i = unexpected.findIndex((p) => p.kind === "response" && answers(p, spec));
        if (i < 0) missing.push(spec);
        else unexpected.splice(i, 1);
      }
      const report = [...unexpected.map((p) => p.text), ...missing.map((m) => `expected but not seen: ${m}`)];
      expect(report, report.join("\n")).toEqual([]);
    },
    discardErrors() {
      const seen = watch.problems().map((p) => p.text);
      watch.clear();
      return seen;
    },
    async close() {
      await browser.close().catch(() => undefined);
      await server.close();
      fs.rmSync(server.dir, { recursive: true, force: true });
    },
  };
}

/**
 * The dashboard of the enclosing describe: started before its tests (`beforeAll` hooks registered after
 * this call can use it), its errors checked after each test, closed after all. Call it where
 * `startDashboard` and `checkErrorsAfterEach` would stand; the object it returns stands for the started
 * dashboard.
 */
export function dashboardForSuite(options: DashboardOptions = {}): Dashboard {
  let started: Dashboard | undefined;
  checkErrorsAfterEach(() => started);
  beforeAll(async () => {
    started = await startDashboard(options);
  });
  afterAll(async () => {
    await started?.close();
  });
  const live = () => {
    if (!started) throw new Error("the dashboard starts in the describe's beforeAll");
    return started;
  };
  return {
    get server() {
      return live().server;
    },
    get browser() {
      return live().browser;
    },
    get context() {
      return live().context;
    },
    get page() {
      return live().page;
    },
    get errors() {
      return live().errors;
    },
    open: (pathAndQuery) => live().open(pathAndQuery),
    screenshot: (name) => live().screenshot(name),
    expectNoErrors: (expected) => live().expectNoErrors(expected),
    discardErrors: () => live().discardErrors(),
    close: () => live().close(),
  };
}

/** A shape an ECharts chart drew with a fill (axes, split lines and the line of a line chart have none). */
export interface ChartShape {
  fill: string;
  /** Below 1 for a translucent shape: a Sankey's bands, a line chart's area. */
  opacity: number;
}

/**
 * The filled shapes of the chart with this test id, in drawing order, read from the SVG that ECharts'
 * SVG renderer wrote: bars, Sankey nodes and bands, symbols, areas. Axes and grid lines are stroked
 * with fill="none", and clip paths live in <defs>: neither is among them.
 */
export async function chartShapes(page: Page, testId: string): Promise<ChartShape[]> {
  return (await page.evaluate(`[...document.querySelectorAll('[data-testid=${JSON.stringify(testId)}] svg path')]
    .filter((p) => (p.getAttribute("fill") ?? "none") !== "none" && !p.closest("defs, clipPath"))
    .map((p) => ({ fill: p.getAttribute("fill"), opacity: Number(p.getAttribute("fill-opacity") ?? 1) }))`)) as ChartShape[];
}

/** The bars of a bar chart: its opaque filled shapes' colours, sorted (one string per bar). */
export async function chartBars(page: Page, testId: string): Promise<string[]> {
  return (await chartShapes(page, testId))
    .filter((s) => s.opacity === 1)
    .map((s) => s.fill)
    .sort();
}

/**
 * ECharts draws a Sankey behind a growing clip path; it is whole (and its nodes stay where they are, so a
 * pointer can hover them) once the clip is gone.
 */
export async function sankeyDrawn(page: Page, testId: string): Promise<void> {
  await expect.poll(() => page.getByTestId(testId).locator("svg [clip-path]").count()).toBe(0);
}

/** How many bands (links) a Sankey drew: they are translucent, its nodes opaque. */
export async function sankeyBands(page: Page, testId: string): Promise<number> {
  return (await chartShapes(page, testId)).filter((s) => s.opacity < 1).length;
}

/** Switches the dashboard's language with the shell's switch (the UI follows at once, no reload). */
export async function switchLanguage(page: Page, language: "ko" | "en"): Promise<void> {
  await page
    .getByTestId("language-switch")
    .getByText(language === "ko" ? "한국어" : "EN")
    .click();
}

export const DESKTOP = { width: 1280, height: 800 };
export const TABLET = { width: 820, height: 1100 };

/**
 * A screenshot of the open view at a tablet's width once `ready` (a test id) is drawn again, then back
 * to the desktop size the other tests expect.
 */
export async function screenshotAtTablet(d: Dashboard, name: string, ready: string): Promise<void> {
  await d.page.setViewportSize(TABLET);
  try {
    await d.page.getByTestId(ready).waitFor();
    await d.screenshot(name);
  } finally {
    await d.page.setViewportSize(DESKTOP);
  }
}

/** The API's answer to what a view asks, which must be a 200: a GET, or a POST of `body`. */
export async function apiAnswer<T>(d: Dashboard, route: string, body?: unknown): Promise<T> {
  const res = await d.server.api<T>(route, body === undefined ? {} : { method: "POST", body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}
