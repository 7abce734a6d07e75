// The paths, retention and stage-flow views in a real browser on the demo world: each shows the numbers
// the API gives for the same request, a link reproduces the view after a reload, a changed control
// changes the URL and the numbers, and there are no console errors.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { PathsRequest, PathsResult } from "../../src/analytics/paths.js";
import type { RetentionRequest, RetentionResult } from "../../src/analytics/retention.js";
import type { StageFlowRequest, StageFlowResult } from "../../src/analytics/stage-flow.js";
import {
  apiAnswer,
  browserAvailable,
  chartShapes,
  dashboardForSuite,
  sankeyBands,
  sankeyDrawn,
  switchLanguage,
} from "../helpers/browser.js";

const attr = (page: Page, testId: string, name: string) =>
  page.getByTestId(testId).first().getAttribute(name);
/**
 * An attribute of every element a CSS selector finds, read in one step in the page (a table that
 * re-renders between reading its rows and their attributes would otherwise leave a locator waiting).
 */
const attrsAt = async (page: Page, selector: string, name: string, inner?: string) =>
  (await page.evaluate(
    `[...document.querySelectorAll(${JSON.stringify(selector)})].map((e) => {
       const el = ${inner ? `e.querySelector(${JSON.stringify(inner)})` : "e"};
       return el ? el.getAttribute(${JSON.stringify(name)}) : null;
     })`,
  )) as Array<string | null>;
const attrs = (page: Page, testId: string, name: string, inner?: string) =>
  attrsAt(page, `[data-testid="${testId}"]`, name, inner);
const query = (page: Page) => new URL(page.url()).searchParams;
const urlHas = (page: Page, key: string, value: string) =>
  expect.poll(() => query(page).get(key)).toBe(value);

/** Picks an option of a Mantine select by its visible text. */
async function choose(page: Page, testId: string, text: string) {
  const input = page.getByTestId(testId);
  await input.click();
  await input.fill(text);
  await page.getByRole("option", { name: text, exact: true }).click();
}

describe.runIf(browserAvailable)("insights views", () => {
  const d = dashboardForSuite();

  /** The API's answer (a 200) to what the view asks. */
  const fromApi = <T>(route: string, body?: unknown) => apiAnswer<T>(d, route, body);
  const paths = (body: PathsRequest) => fromApi<PathsResult>("/api/insights/paths", body);
  const retention = (body: RetentionRequest) => fromApi<RetentionResult>("/api/insights/retention", body);
  const stageFlow = (body: StageFlowRequest) => fromApi<StageFlowResult>("/api/insights/stage-flow", body);

  /** The paths view's numbers: the total, and each top path's count. */
  const pathsShown = async (page: Page) => ({
    total: Number(await attr(page, "paths-total", "data-value")),
    counts: (await attrs(page, "path-row", "data-count")).map(Number),
  });
  const pathsExpected = (r: PathsResult) => ({ total: r.totals.paths, counts: r.paths.map((p) => p.count) });

  describe("paths", () => {
    it("shows the API's top paths and Sankey for the default request, and the same after a reload", async () => {
      const { page } = d;
      const want = await paths({
        start: { event: "Product Viewed" },
        steps: 4,
        sessionGap: "30m",
        group: "event",
      });
      expect(want.paths.length).toBeGreaterThan(0);
      await d.open("/paths");
      await page.getByTestId("path-row").first().waitFor();
      expect(await pathsShown(page)).toEqual(pathsExpected(want));
      // The top path reads as the API's steps, and the Sankey drew a band per link.
      const firstRow = await page.getByTestId("path-row").first().textContent();
      for (const step of want.paths[0]!.path) expect(firstRow).toContain(step);
      // Charts load in a chunk of their own, after the table. A band per link that moves forward
      // between two drawn steps (the chart leaves out the others: ECharts refuses cycles).
      const steps = new Map(want.sankey.nodes.map((n) => [n.id, n.step]));
      const forward = want.sankey.links.filter(
        (l) => (steps.get(l.target) ?? -1) > (steps.get(l.source) ?? Number.POSITIVE_INFINITY) && l.value > 0,
      );
      expect(forward.length).toBeGreaterThan(0);
      await expect.poll(() => sankeyBands(page, "paths-sankey")).toBe(forward.length);
      await sankeyDrawn(page, "paths-sankey");
      await d.screenshot("paths");
      d.expectNoErrors();
    });

    it("changes the URL and the numbers with the controls, and a link reproduces the view", async () => {
      const { page } = d;
      await d.open("/paths");
      await page.getByTestId("path-row").first().waitFor();

      // Each change waits for its URL before the next, as a person would see the view change.
      await page.getByTestId("paths-direction").getByText("Paths before").click();
      await urlHas(page, "direction", "previous");
      await choose(page, "paths-anchor", "Order Completed");
      await urlHas(page, "anchor", "event:Order Completed");
      await page.getByTestId("paths-steps").fill("3");
      await urlHas(page, "steps", "3");
      await page.getByTestId("paths-gap").click();
      await page.getByRole("option", { name: "1 hr", exact: true }).click();
      await urlHas(page, "gap", "1h");
      // No change undid an earlier one.
      expect(Object.fromEntries(query(page))).toMatchObject({
        direction: "previous",
        anchor: "event:Order Completed",
        steps: "3",
      });

      const want = await paths({
        end: { event: "Order Completed" },
        steps: 3,
        sessionGap: "1h",
        group: "event",
      });
      expect(want.paths.length).toBeGreaterThan(0);
      await expect.poll(() => pathsShown(page)).toEqual(pathsExpected(want));
      // Paths before an end finish at it.
      expect(want.paths[0]!.path.at(-1)).toBe("Order Completed");

      const link = page.url();
      await page.reload();
      await page.getByTestId("path-row").first().waitFor();
      expect(page.url()).toBe(link);
      expect(await pathsShown(page)).toEqual(pathsExpected(want));
      await sankeyDrawn(page, "paths-sankey");
      await d.screenshot("paths-before-order");
      d.expectNoErrors();
    });

    it("groups steps by touchpoint and shows the share that reaches a goal", async () => {
      const { page } = d;
      const touchpoints = await fromApi<{
        items: Array<{ id: string; name: string; match: { event?: string } }>;
      }>("/api/touchpoints");
      const start = touchpoints.items.find((tp) => tp.match.event === "Product Viewed")!;
      expect(start).toBeDefined();
      const want = await paths({
        start: { touchpoint: start.id },
        steps: 3,
        sessionGap: "30m",
        group: "touchpoint",
        goal: { event: "Order Completed" },
      });
      const url = `/paths?anchor=${encodeURIComponent(`touchpoint:${start.id}`)}&steps=3&group=touchpoint&goal=${encodeURIComponent("event:Order Completed")}`;
      await d.open(url);
      expect(want.goal!.reached).toBeGreaterThan(0);
      await page.getByTestId("path-row").first().waitFor();
      expect(await pathsShown(page)).toEqual(pathsExpected(want));
      expect(Number(await attr(page, "paths-goal-reached", "data-reached"))).toBe(want.goal!.reached);
      expect((await attrs(page, "goal-path-row", "data-count")).map(Number)).toEqual(
        want.goal!.paths.map((p) => p.count),
      );
      expect(await page.getByTestId("paths-anchor").inputValue()).toBe(start.name);
      await sankeyDrawn(page, "paths-sankey");
      await d.screenshot("paths-touchpoints-goal");
      d.expectNoErrors();
    });
  });

  describe("retention", () => {
    const rows = async (page: Page) => ({
      sizes: (await attrs(page, "cohort-row", "data-size")).map(Number),
      period1: await attrs(page, "cohort-row", "data-percentage", '[data-period="1"]'),
    });
    const expected = (r: RetentionResult) => ({
      sizes: r.cohorts.map((c) => c.size),
      period1: r.cohorts.map((c) => {
        const v = c.values.find((x) => x.period === 1);
        return v ? String(v.percentage) : null;
      }),
    });

    it("shows the API's cohorts, period-1 shares and curve; the hover text holds the counts", async () => {
      const { page } = d;
      const want = await retention({
        start: { event: "Product Viewed" },
        return: { event: "Order Completed" },
        mode: "first_time",
        period: "week",
        periods: 8,
      });
      expect(want.cohorts.length).toBeGreaterThan(1);
      await d.open("/retention");
      await page.getByTestId("cohort-row").first().waitFor();
      expect(await rows(page)).toEqual(expected(want));
      const first = want.cohorts[0]!;
      const cell = page.getByTestId("cohort-row").first().locator('[data-period="1"]');
      const v1 = first.values.find((v) => v.period === 1)!;
      expect(await cell.getAttribute("title")).toContain(`${v1.customers.toLocaleString("en-US")} of`);
      // The totals row is the API's weighted curve.
      const totals = await attrsAt(page, '[data-testid="cohort-totals"] [data-period]', "data-percentage");
      expect(totals.map(Number)).toEqual(want.totals.map((p) => p.percentage));
      // The curve: one translucent area under the line and a point (a white symbol) per period.
      await expect
        .poll(async () => {
          const shapes = await chartShapes(page, "retention-curve");
          return {
            areas: shapes.filter((s) => s.opacity < 1).length,
            points: shapes.filter((s) => s.fill === "#fff").length,
          };
        })
        .toEqual({ areas: 1, points: want.totals.length });
      await d.screenshot("retention");
      d.expectNoErrors();
    });

    it("changes the URL and the cohorts with the controls, and a link reproduces the view", async () => {
      const { page } = d;
      await d.open("/retention");
      await page.getByTestId("cohort-row").first().waitFor();
      await choose(page, "retention-start", "Order Completed");
      await urlHas(page, "start", "event:Order Completed");
      await page.getByTestId("retention-mode").getByText("Recurring").click();
      await urlHas(page, "mode", "recurring");
      await page.getByTestId("retention-period").click();
      await page.getByRole("option", { name: "Day", exact: true }).click();
      await urlHas(page, "period", "day");
      await page.getByTestId("retention-periods").fill("10");
      await urlHas(page, "periods", "10");
      await page.getByTestId("retention-show").getByText("Customers").click();
      await urlHas(page, "show", "count");
      expect(Object.fromEntries(query(page))).toMatchObject({
        start: "event:Order Completed",
        mode: "recurring",
        period: "day",
        periods: "10",
      });

      const want = await retention({
        start: { event: "Order Completed" },
        return: { event: "Order Completed" },
        mode: "recurring",
        period: "day",
        periods: 10,
      });
      await expect.poll(() => rows(page)).toEqual(expected(want));
      // Counts instead of shares in the cells.
      const cell = page.getByTestId("cohort-row").first().locator('[data-period="0"]');
      await expect.poll(() => cell.textContent()).toBe(want.cohorts[0]!.size.toLocaleString("en-US"));
      expect(query(page).get("show")).toBe("count");

      const link = page.url();
      await page.reload();
      await page.getByTestId("cohort-row").first().waitFor();
      expect(page.url()).toBe(link);
      expect(await rows(page)).toEqual(expected(want));
      await d.screenshot("retention-daily-recurring");
      d.expectNoErrors();
    });
  });

  describe("stage flow", () => {
    const links = async (page: Page) => {
      const [sources, targets, values] = await Promise.all(
        ["data-source", "data-target", "data-value"].map((a) => attrs(page, "stage-flow-link", a)),
      );
      return sources!.map((s, i) => `${s}>${targets![i]}=${values![i]}`);
    };
    const expected = (r: StageFlowResult) => r.links.map((l) => `${l.source}>${l.target}=${l.value}`);

    it("shows the API's stage changes as a Sankey (lapses included) and a table", async () => {
      const { page } = d;
      const want = await stageFlow({});
      expect(want.links.some((l) => l.backward)).toBe(true);
      await d.open("/stage-flow");
      await page.getByTestId("stage-flow-link").first().waitFor();
      expect(await links(page)).toEqual(expected(want));
      expect(Number(await attr(page, "stage-flow-transitions", "data-value"))).toBe(want.transitions);
      expect(Number(await attr(page, "stage-flow-customers", "data-value"))).toBe(want.customers);
      await expect.poll(() => sankeyBands(page, "stage-flow-sankey")).toBe(want.links.length);
      await sankeyDrawn(page, "stage-flow-sankey");
      await d.screenshot("stage-flow");
      d.expectNoErrors();
    });

    it("filters by persona and period through the URL, and a link reproduces the view", async () => {
      const { page } = d;
      const personas = await fromApi<{ items: Array<{ id: string; name: string }> }>("/api/personas");
      const persona = personas.items[0]!;
      await d.open("/stage-flow");
      await page.getByTestId("stage-flow-link").first().waitFor();
      await page.getByTestId("persona-select").click();
      await page.getByRole("option", { name: persona.name, exact: true }).click();
      await urlHas(page, "persona", persona.id);
      const want = await stageFlow({ persona: persona.id });
      await expect.poll(() => links(page)).toEqual(expected(want));

      const to = new Date(want.period.to);
      const from = new Date(to.getTime() - 14 * 86_400_000);
      const day = (t: Date) => t.toISOString().slice(0, 10);
      await page.getByTestId("period-from").fill(day(from));
      await urlHas(page, "from", day(from));
      await page.getByTestId("period-to").fill(day(to));
      await urlHas(page, "to", day(to));
      expect(query(page).get("from")).toBe(day(from));
      const twoWeeks = await stageFlow({
        persona: persona.id,
        from: `${day(from)}T00:00:00.000Z`,
        to: `${day(to)}T23:59:59.999Z`,
      });
      expect(twoWeeks.transitions).toBeLessThan(want.transitions);
      await expect.poll(() => links(page)).toEqual(expected(twoWeeks));

      const link = page.url();
      await page.reload();
      await page.getByTestId("stage-flow-link").first().waitFor();
      expect(page.url()).toBe(link);
      expect(await links(page)).toEqual(expected(twoWeeks));
      d.expectNoErrors();
    });

    it("shows an empty state for a step nobody took, an error for an unknown touchpoint, and fits a tablet", async () => {
      const { page } = d;
      await d.open(`/paths?anchor=${encodeURIComponent("event:No Such Event")}`);
      await page.getByTestId("empty-state").waitFor();
      expect(await page.getByTestId("empty-state").textContent()).toContain("No Such Event");
      await d.screenshot("paths-empty");
      await d.open(`/retention?start=${encodeURIComponent("touchpoint:no-such-touchpoint")}`);
      await page.getByTestId("error-state").waitFor();
      expect(await page.getByTestId("error-state").textContent()).toContain("no-such-touchpoint");
      await d.screenshot("retention-error");
      d.expectNoErrors(["POST /api/insights/retention 400"]);

      await page.setViewportSize({ width: 820, height: 1180 });
      try {
        for (const [view, row] of [
          ["paths", "path-row"],
          ["retention", "cohort-row"],
          ["stage-flow", "stage-flow-link"],
        ] as const) {
          await d.open(`/${view}`);
          await page.getByTestId(row).first().waitFor();
          // Nothing wider than the window: wide tables scroll inside their own container.
          const overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth");
          expect(overflow).toBeLessThanOrEqual(0);
          if (view !== "retention") await sankeyDrawn(page, `${view}-sankey`);
          await d.screenshot(`${view}-tablet`);
        }
      } finally {
        await page.setViewportSize({ width: 1280, height: 800 });
      }
      d.expectNoErrors();
    });

    it("speaks Korean, stage names included", async () => {
      const { page } = d;
      await d.open("/stage-flow");
      await switchLanguage(page, "ko");
      await expect
        .poll(() => page.getByRole("heading", { level: 2 }).first().textContent())
        .toBe("단계 흐름");
      const table = await page.getByTestId("stage-flow-link").first().locator("td").nth(1).textContent();
      expect(["인지", "고려", "구매", "유지", "옹호"]).toContain(table);
      await sankeyDrawn(page, "stage-flow-sankey");
      await d.screenshot("stage-flow-korean");
      await d.open("/retention");
      await page.getByTestId("cohort-row").first().waitFor();
      await expect.poll(() => page.getByRole("heading", { level: 2 }).first().textContent()).toBe("리텐션");
      await d.screenshot("retention-korean");
      await d.open("/paths");
      await page.getByTestId("path-row").first().waitFor();
      await expect.poll(() => page.getByRole("heading", { level: 2 }).first().textContent()).toBe("경로");
      await sankeyDrawn(page, "paths-sankey");
      await d.screenshot("paths-korean");
      await switchLanguage(page, "en");
      d.expectNoErrors();
    });
  });
});
