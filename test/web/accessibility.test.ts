// Accessibility measured: axe-core runs on every view of the dashboard on the demo world, in English and
// in Korean, once its data has rendered, and any serious or critical violation fails with the rule and
// the elements to fix. Every chart with a table of the same numbers points at that table.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FrictionList } from "../../src/analytics/frictions/schema.js";
import { ViewKinds } from "../../src/saved/schema.js";
import { seriousViolations } from "../helpers/a11y.js";
import {
  ADMIN,
  browserAvailable,
  checkErrorsAfterEach,
  type Dashboard,
  startDashboard,
} from "../helpers/browser.js";

/** Ids of the demo world that some views need in their path. */
interface World {
  customerId: number;
  customerEmail: string;
  frictionId: string;
  boardId: string;
}

interface View {
  name: string;
  path: (w: World) => string;
  /** Seen signed out (the sign-in page); every other view is seen signed in as an admin. */
  signedOut?: boolean;
  /** Resolves once the view's data has rendered (its rows, its charts' SVG). */
  ready: (page: Page) => Promise<void>;
  /** What a person does before the check (opening a drawer), and what shows it is done. */
  act?: (page: Page) => Promise<void>;
}

const visible = (page: Page, testId: string) => page.getByTestId(testId).first().waitFor();
const drawn = (page: Page, testId: string) => page.getByTestId(testId).locator("svg").first().waitFor();

/**
 * Every view of the dashboard, in navigation order, with what shows its data has arrived. A new view is
 * one more entry here.
 */
const VIEWS: View[] = [
  { name: "sign-in", path: () => "/sign-in", signedOut: true, ready: (p) => visible(p, "language-switch") },
  {
    name: "overview",
    path: () => "/",
    ready: async (p) => {
      await visible(p, "overview");
      await visible(p, "top-friction");
      await drawn(p, "channels-customers");
    },
  },
  {
    name: "journey map",
    path: () => "/journey-map",
    ready: async (p) => {
      await visible(p, "jm-count");
      await drawn(p, "jm-map-base-emotion");
    },
  },
  {
    name: "journey map with a stage's customers open",
    path: () => "/journey-map",
    ready: (p) => visible(p, "jm-count"),
    act: async (p) => {
      await p.locator('[data-testid="jm-count"][data-audience="stage:purchase:reached"]').first().click();
      await visible(p, "customer-list-total");
      await p.getByRole("dialog").getByRole("row").nth(1).waitFor();
    },
  },
  {
    name: "funnels",
    path: () => "/funnels",
    ready: async (p) => {
      await visible(p, "funnel-table");
      await drawn(p, "funnel-chart");
    },
  },
  {
    name: "paths",
    path: () => "/paths",
    ready: async (p) => {
      await visible(p, "path-row");
      await drawn(p, "paths-sankey");
    },
  },
  {
    name: "retention",
    path: () => "/retention",
    ready: async (p) => {
      await visible(p, "cohort-row");
      await drawn(p, "retention-curve");
    },
  },
  {
    name: "stage flow",
    path: () => "/stage-flow",
    ready: async (p) => {
      await visible(p, "stage-flow-link");
      await drawn(p, "stage-flow-sankey");
    },
  },
  { name: "time to convert", path: () => "/time-to-convert", ready: (p) => drawn(p, "ttc-histogram") },
  { name: "frictions", path: () => "/frictions", ready: (p) => visible(p, "friction-row") },
  {
    name: "a friction's detail",
    path: (w) => `/frictions?id=${encodeURIComponent(w.frictionId)}`,
    ready: async (p) => {
      await visible(p, "friction-customers-total");
      await drawn(p, "evidence-chart-measure");
      await drawn(p, "friction-series-chart");
    },
  },
  {
    name: "customers",
    path: (w) => `/customers?q=${encodeURIComponent(w.customerEmail)}`,
    ready: (p) => visible(p, "customer-result"),
  },
  {
    name: "a customer",
    path: (w) => `/customers/${w.customerId}`,
    ready: async (p) => {
      await visible(p, "customer-stage");
      await visible(p, "timeline-event");
    },
  },
  { name: "settings: write keys", path: () => "/settings/keys", ready: (p) => visible(p, "settings-keys") },
  {
    name: "settings: API tokens",
    path: () => "/settings/tokens",
    ready: (p) => visible(p, "settings-tokens"),
  },
  {
    name: "settings: touchpoints",
    path: () => "/settings/touchpoints",
    ready: (p) => visible(p, "touchpoint-row"),
  },
  { name: "settings: stages", path: () => "/settings/stages", ready: (p) => visible(p, "stage-row") },
  { name: "settings: personas", path: () => "/settings/personas", ready: (p) => visible(p, "persona-card") },
  { name: "settings: accounts", path: () => "/settings/accounts", ready: (p) => visible(p, "account-row") },
  { name: "settings: audit", path: () => "/settings/audit", ready: (p) => visible(p, "audit-row") },
  { name: "live", path: () => "/live", ready: (p) => visible(p, "live-waiting") },
  { name: "saved views", path: () => "/saved", ready: (p) => visible(p, "saved-row") },
  { name: "boards", path: () => "/boards", ready: (p) => visible(p, "board-card") },
  { name: "a board", path: (w) => `/boards/${w.boardId}`, ready: (p) => visible(p, "tile-funnel") },
];

/** Views whose charts have a table of the same numbers beside them, and the charts each draws. */
const CHARTS_WITH_TABLES: Array<{ view: string; charts: string[] }> = [
  { view: "overview", charts: ["channels-customers", "channels-events"] },
  { view: "funnels", charts: ["funnel-chart"] },
  { view: "paths", charts: ["paths-sankey"] },
  { view: "retention", charts: ["retention-curve"] },
  { view: "stage flow", charts: ["stage-flow-sankey"] },
  { view: "time to convert", charts: ["ttc-histogram"] },
  { view: "a friction's detail", charts: ["evidence-chart-measure", "friction-series-chart"] },
];

const LANGUAGES = [
  { code: "en", label: /^(EN|English)$/ },
  { code: "ko", label: /^한국어$/ },
] as const;

/** A machine running the whole suite on two cores: a view of the demo world can take its time. */
const VIEW_TIMEOUT = 180_000;
const slow = { timeout: 60_000 };

/** Switches the language with the page's own switch (as a person does; the choice is then stored). */
async function switchLanguage(page: Page, code: string, label: RegExp): Promise<void> {
  if ((await page.locator("html").getAttribute("lang")) === code) return;
  await page.getByTestId("language-switch").getByText(label).click();
  await expect.poll(() => page.locator("html").getAttribute("lang"), slow).toBe(code);
}

/**
 * Nothing in the page is still loading (no busy region: a view's loader, a chart's placeholder) or
 * moving: a drawer fading in is measured at half its opacity, and its text would fail on contrast.
 */
async function settled(page: Page): Promise<void> {
  await expect.poll(() => page.locator('[aria-busy="true"]').count(), slow).toBe(0);
  const moving = `document.getAnimations().filter((a) =>
    a.playState === "running" && a.effect && a.effect.getComputedTiming().iterations !== Infinity).length`;
  await expect.poll(() => page.evaluate(moving), slow).toBe(0);
}

describe.runIf(browserAvailable)("accessibility of every view", () => {
  let d: Dashboard;
  let world: World;
  checkErrorsAfterEach(() => d);
  beforeAll(async () => {
    d = await startDashboard();
    const frictions = (await d.server.api<FrictionList>("/api/frictions")).body;
    const [row] = await d.server.query(
      `SELECT c.id, i.value FROM identities i JOIN customers c ON c.id = i.customer_id
        WHERE i.kind = 'email' AND c.id = c.canonical_id
          AND (SELECT count(*) FROM identities j WHERE j.customer_id = c.id AND j.kind <> 'anonymous_id') >= 2
        ORDER BY i.value LIMIT 1`,
    );
    // A board with a saved view of every kind, for the saved-views and board pages.
    const tiles: Array<{ view: string }> = [];
    for (const kind of ViewKinds) {
      const saved = await d.server.api<{ id: string }>("/api/views", {
        body: { kind, name: `Weekly ${kind}`, description: `Notes on ${kind}`, state: {} },
      });
      expect(saved.status).toBe(201);
      tiles.push({ view: saved.body.id });
    }
    const board = await d.server.api<{ id: string }>("/api/boards", {
      body: { name: "Monday review", tiles },
    });
    expect(board.status).toBe(201);
    world = {
      customerId: Number(row!.id),
      customerEmail: String(row!.value),
      frictionId: frictions.frictions[0]!.id,
      boardId: board.body.id,
    };
  }, VIEW_TIMEOUT);
  afterAll(async () => {
    await d?.close();
  });

  /** Opens a view signed in or out, in a language, with its data rendered and its action done. */
  async function show(view: View, language: (typeof LANGUAGES)[number]): Promise<void> {
    const { page } = d;
    if (view.signedOut) await d.context.clearCookies();
    else if ((await d.context.cookies()).length === 0) {
      const res = await d.context.request.post("/api/auth/login", { data: ADMIN });
      expect(res.ok(), await res.text()).toBe(true);
    }
    await d.open(view.path(world));
    await switchLanguage(page, language.code, language.label);
    await view.ready(page);
    await view.act?.(page);
    await settled(page);
  }

  for (const language of LANGUAGES)
    describe(`in ${language.code}`, () => {
      for (const view of VIEWS)
        it(
          `${view.name} has no serious or critical violations`,
          async () => {
            await show(view, language);
            const found = await seriousViolations(d.page);
            expect(found.length, `${view.name} (${language.code}):\n${found.join("\n")}`).toBe(0);
            d.expectNoErrors();
          },
          VIEW_TIMEOUT,
        );
    });

  for (const { view: name, charts } of CHARTS_WITH_TABLES)
    it(
      `${name}: each chart points at the table of its numbers, and its link focuses that table`,
      async () => {
        const view = VIEWS.find((v) => v.name === name)!;
        await show(view, LANGUAGES[0]);
        const { page } = d;
        for (const testId of charts) {
          const chart = page.getByTestId(testId);
          await chart.waitFor();
          expect(await chart.getAttribute("role")).toBe("img");
          expect((await chart.getAttribute("aria-label"))?.length ?? 0).toBeGreaterThan(0);
          const tableId = await chart.getAttribute("aria-details");
          expect(tableId, `${testId} has no aria-details`).toBeTruthy();
          expect(
            await page.locator(`[id="${tableId}"]`).count(),
            `${testId}: #${tableId} is not one element`,
          ).toBe(1);
          const table = page.locator(`table[id="${tableId}"]`);
          expect(await table.count(), `${testId} points at #${tableId}, which is not a table`).toBe(1);
          expect(await table.locator("tbody tr").count()).toBeGreaterThan(0);
          // The chart's own link follows it (two charts of one table have one each).
          const link = chart.locator("xpath=following-sibling::a[1]");
          expect(await link.getAttribute("href")).toBe(`#${tableId}`);
          expect(await link.textContent()).toBe("View as table");
          await link.click();
          await expect
            .poll(() => page.evaluate("document.activeElement && document.activeElement.id"))
            .toBe(tableId);
        }
        d.expectNoErrors();
      },
      VIEW_TIMEOUT,
    );
});
