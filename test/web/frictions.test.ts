// The frictions view in a real browser: the list is the API's (order and titles, for the period in the
// URL), every friction opens with its evidence drawn and exactly its customers, the open friction
// survives a reload, and the view speaks Korean.
import { beforeAll, describe, expect, it } from "vitest";
import type { FrictionList } from "../../src/analytics/frictions/schema.js";
import {
  apiAnswer,
  browserAvailable,
  chartBars,
  dashboardForSuite,
  screenshotAtTablet,
  switchLanguage,
} from "../helpers/browser.js";

const number = (n: number) => new Intl.NumberFormat("en-US").format(n);
const percent = (share: number) =>
  new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 1 }).format(share);
const day = (d: string) =>
  new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" }).format(
    new Date(`${d}T00:00:00Z`),
  );

/** The finder and the overview take seconds on a busy machine: polls wait for them. */
const slow = { timeout: 15_000 };

/**
 * The bars the measure's chart draws for a friction, by colour: the friction's (red) and the baseline's
 * (grey), and for a drop-off with a start the segment before it and everyone else since (blue).
 */
function measureBars(f: FrictionList["frictions"][number]): string[] {
  const given = (v: unknown) => typeof v === "number" && Number.isFinite(v);
  const d = f.evidence.details;
  const context = f.kind === "drop-off" && f.since ? [d.segmentBefore, d.restSince].filter(given).length : 0;
  return ["#fa5252", "#868e96", ...Array<string>(context).fill("#228be6")].sort();
}

describe.runIf(browserAvailable)("frictions", () => {
  const d = dashboardForSuite();
  let list: FrictionList;
  beforeAll(async () => {
    list = await apiAnswer<FrictionList>(d, "/api/frictions");
  });

  it("lists the API's frictions in its order, with its titles and numbers", async () => {
    const { page } = d;
    expect(list.frictions.length).toBeGreaterThan(3);
    await d.open("/frictions");
    const rows = page.getByTestId("friction-row");
    await rows.first().waitFor();
    expect(await rows.count()).toBe(list.frictions.length);
    expect(await page.getByTestId("friction-title").allTextContents()).toEqual(
      list.frictions.map((f) => f.title),
    );
    const customers = await page.getByTestId("friction-customers-cell").allTextContents();
    expect(customers).toEqual(list.frictions.map((f) => f.customers.toLocaleString("en-US")));
    expect(await page.getByTestId("friction-count").textContent()).toBe(
      `${list.frictions.length} of ${list.total} frictions`,
    );
    await d.screenshot("frictions-list");
    d.expectNoErrors();
  });

  it("says it is searching while the finder runs", async () => {
    const { page } = d;
    // Hold the finder's answer back, as a large store would, to see the loading state.
    await page.route(/\/api\/frictions\?/, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await route.continue();
    });
    await d.open("/frictions");
    await expect.poll(() => page.getByRole("status").textContent(), slow).toContain("Looking for frictions");
    await d.screenshot("frictions-loading");
    await page.getByTestId("friction-row").first().waitFor();
    await page.unroute(/\/api\/frictions\?/);
    d.expectNoErrors();
  });

  it("opens each friction with its evidence drawn and exactly its customers", async () => {
    const { page } = d;
    await d.open("/frictions");
    await page.getByTestId("friction-row").first().waitFor();
    for (const [i, f] of list.frictions.entries()) {
      await page.getByTestId("friction-title").nth(i).click();
      await expect.poll(() => new URL(page.url()).searchParams.get("id"), slow).toBe(f.id);
      const detail = page.getByTestId("friction-detail");
      await expect.poll(() => detail.getAttribute("data-id"), slow).toBe(f.id);
      expect(await page.getByTestId("friction-detail-title").textContent()).toBe(f.title);
      // The measure's chart: the friction's bar against the baseline's, drawn in SVG.
      const chart = page.getByTestId("evidence-chart-measure");
      await expect.poll(() => chartBars(page, "evidence-chart-measure"), slow).toEqual(measureBars(f));
      expect(await chart.getAttribute("aria-label")).toContain(f.evidence.measure);
      if (f.kind === "slow-response") await page.getByTestId("evidence-chart-minutes").waitFor();
      if (f.kind === "repeat-contact" && f.evidence.details.segmentShare !== null)
        await page.getByTestId("evidence-chart-explained").waitFor();
      // Day by day: one table row per day of the series with the API's numbers, two lines and the change
      // point as a marked line when there is one.
      const rows = page.getByTestId("friction-series-row");
      await expect.poll(() => rows.count(), slow).toBe(f.series.length);
      const cells = (await page.evaluate(`[...document.querySelectorAll('[data-testid=friction-series-row]')]
        .map((tr) => [tr.getAttribute("data-day"), ...[...tr.querySelectorAll("td")].map((td) => td.textContent)])`)) as string[][];
      expect(cells).toEqual(
        f.series.map((x) => [
          x.day,
          day(x.day),
          `${number(x.affected.cases)} of ${number(x.affected.units)}`,
          x.affected.rate === null ? "–" : percent(x.affected.rate),
          `${number(x.baseline.cases)} of ${number(x.baseline.units)}`,
          x.baseline.rate === null ? "–" : percent(x.baseline.rate),
        ]),
      );
      expect(await page.getByTestId("friction-change-point").getAttribute("data-day")).toBe(
        f.changePoint ?? "",
      );
      if (f.kind === "drop-off") expect(f.changePoint).toBe(f.since?.slice(0, 10) ?? null);
      const strokes = async () =>
        (await page.evaluate(`[...new Set([...document.querySelectorAll('[data-testid=friction-series-chart] svg path')]
          .map((p) => p.getAttribute("stroke")).filter((x) => x !== null))].sort()`)) as string[];
      await expect
        .poll(strokes, slow)
        .toEqual(expect.arrayContaining(["#868e96", "#fa5252", ...(f.changePoint ? ["#fab005"] : [])]));
      if (!f.changePoint) expect(await strokes()).not.toContain("#fab005");
      const total = page.getByTestId("friction-customers-total");
      await total.waitFor();
      expect(Number(await total.getAttribute("data-total"))).toBe(f.customers);
      const shown = await page.getByTestId("friction-customer-row").count();
      expect(shown).toBe(Math.min(f.customers, 25));
      if (f.kind === "drop-off" && f.since) await d.screenshot("friction-detail");
    }
    d.expectNoErrors();
  });

  it("pages through a friction's customers up to its total", async () => {
    const { page } = d;
    const f = list.frictions.find((x) => x.customers > 25 && x.customers <= 150);
    expect(f).toBeDefined();
    if (!f) return;
    await d.open(`/frictions?id=${encodeURIComponent(f.id)}`);
    await page.getByTestId("friction-customers-total").waitFor();
    while ((await page.getByTestId("friction-customers-more").count()) > 0) {
      const before = await page.getByTestId("friction-customer-row").count();
      await page.getByTestId("friction-customers-more").click();
      // Each page runs the friction's detector again: allow it more than a second.
      await expect
        .poll(() => page.getByTestId("friction-customer-row").count(), { timeout: 15_000 })
        .toBeGreaterThan(before);
    }
    expect(await page.getByTestId("friction-customer-row").count()).toBe(f.customers);
    d.expectNoErrors();
  });

  it("reopens the friction in the URL after a reload, and closes it", async () => {
    const { page } = d;
    const f = list.frictions.find((x) => x.kind === "drop-off") ?? list.frictions[0];
    if (!f) throw new Error("no friction");
    await d.open(`/frictions?id=${encodeURIComponent(f.id)}`);
    await expect.poll(() => page.getByTestId("friction-detail").getAttribute("data-id"), slow).toBe(f.id);
    await page.reload();
    await expect.poll(() => page.getByTestId("friction-detail").getAttribute("data-id"), slow).toBe(f.id);
    expect(await page.locator('[data-testid="friction-row"][data-selected]').getAttribute("data-id")).toBe(
      f.id,
    );
    await page.getByRole("link", { name: "Close the friction" }).click();
    await expect.poll(() => page.getByTestId("friction-detail").count(), slow).toBe(0);
    expect(new URL(page.url()).searchParams.get("id")).toBeNull();
    d.expectNoErrors();
  });

  it("finds the frictions of the period in the URL, and their customers in that period", async () => {
    const { page } = d;
    const end = new Date(list.period.to);
    const from = new Date(end.getTime() - 20 * 86_400_000).toISOString().slice(0, 10);
    const to = end.toISOString().slice(0, 10);
    const range = `from=${from}T00:00:00.000Z&to=${to}T23:59:59.999Z`;
    const period = (await d.server.api<FrictionList>(`/api/frictions?${range}`)).body;
    expect(period.frictions.length).toBeGreaterThan(0);
    const first = period.frictions[0];
    if (!first) throw new Error("no friction");
    await d.open(`/frictions?from=${from}&to=${to}&id=${encodeURIComponent(first.id)}`);
    await page.getByTestId("friction-row").first().waitFor();
    expect(await page.getByTestId("friction-title").allTextContents()).toEqual(
      period.frictions.map((f) => f.title),
    );
    expect(await page.getByTestId("period-from").inputValue()).toBe(from);
    const total = page.getByTestId("friction-customers-total");
    await total.waitFor();
    expect(Number(await total.getAttribute("data-total"))).toBe(first.customers);
    d.expectNoErrors();
  });

  it("says so when the friction in the URL is not in the period's list", async () => {
    const { page } = d;
    await d.open("/frictions?id=drop-off%3Ano-such-step");
    await page.getByTestId("friction-not-found").waitFor();
    d.expectNoErrors();
  });

  it("speaks Korean", async () => {
    const { page } = d;
    const f = list.frictions.find((x) => x.kind === "slow-response") ?? list.frictions[0];
    if (!f) throw new Error("no friction");
    await d.open(`/frictions?id=${encodeURIComponent(f.id)}`);
    await page.getByTestId("friction-detail").waitFor();
    await switchLanguage(page, "ko");
    await expect.poll(() => page.getByRole("heading", { level: 2 }).textContent(), slow).toBe("마찰 지점");
    await expect.poll(() => page.getByTestId("friction-evidence").textContent(), slow).toContain("기준선");
    await page.getByTestId("friction-customers-total").waitFor();
    await d.screenshot("friction-detail-ko");
    await switchLanguage(page, "en");
    await screenshotAtTablet(d, "friction-detail-tablet", "friction-detail");
    d.expectNoErrors();
  });
});

describe.runIf(browserAvailable)("frictions of an empty database", () => {
  const d = dashboardForSuite({ empty: true });

  it("shows how to send the first event", async () => {
    await d.open("/frictions");
    await d.page.getByTestId("first-event").waitFor();
    d.expectNoErrors();
  });
});
