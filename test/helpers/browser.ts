// The dashboard as a person sees it: a real Itinera server on a copy of the demo-world database, and
// Debian's Chromium driven by playwright-core (no browser is downloaded). Console errors and failed
// page scripts are collected so every test can assert there were none; screenshots of each view go to
// test-results/screens/ as artifacts.
import fs from "node:fs";
import path from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { expect, inject } from "vitest";
import { createAccount } from "../../src/auth/accounts.js";
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

export const ADMIN = { email: "analyst@itinera.test", password: "correct-horse-battery-staple" };

export interface Dashboard {
  server: TestServer;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors since the last `expectNoErrors`. */
  errors: string[];
  /** Opens a path of the dashboard (signed in, unless the context was cleared). */
  open(pathAndQuery: string): Promise<void>;
  /** Saves a full-page screenshot as test-results/screens/<name>.png. */
  screenshot(name: string): Promise<void>;
  /** Fails on any collected error except those matching `allow` (e.g. an expected 401). */
  expectNoErrors(allow?: RegExp[]): void;
  close(): Promise<void>;
}

export interface DashboardOptions {
  /** Start on an empty database instead of the demo world. */
  empty?: boolean;
  /** Sign in through the API before the first page (default true). */
  signedIn?: boolean;
  viewport?: { width: number; height: number };
  locale?: string;
}

function copyDemoDatabase(): string {
  const source = inject("demoDatabase");
  const dir = tempDir("web");
  const target = path.join(dir, "itinera.duckdb");
  fs.copyFileSync(source, target);
  if (fs.existsSync(`${source}.wal`)) fs.copyFileSync(`${source}.wal`, `${target}.wal`);
  return target;
}

export async function startDashboard(options: DashboardOptions = {}): Promise<Dashboard> {
  const server = await startTestServer({
    ...(options.empty ? {} : { databasePath: copyDemoDatabase() }),
    // A build elsewhere than dist/web (parallel work) is named by ITINERA_DASHBOARD_DIR.
    config: { journeyRefreshSeconds: 0, dashboardDir: process.env.ITINERA_DASHBOARD_DIR ?? "" },
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

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
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
  const errors: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(`console: ${msg.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`page: ${e.message}`));

  return {
    server,
    browser,
    context,
    page,
    errors,
    async open(pathAndQuery) {
      await page.goto(pathAndQuery);
    },
    async screenshot(name) {
      fs.mkdirSync(SCREENS, { recursive: true });
      await page.screenshot({ path: path.join(SCREENS, `${name}.png`), fullPage: true });
    },
    expectNoErrors(allow = []) {
      const unexpected = errors.filter((e) => !allow.some((a) => a.test(e)));
      expect(unexpected, unexpected.join("\n")).toEqual([]);
      errors.length = 0;
    },
    async close() {
      await browser.close().catch(() => undefined);
      await server.close();
      fs.rmSync(server.dir, { recursive: true, force: true });
    },
  };
}
