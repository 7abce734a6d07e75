// The funnels view in a real browser on the demo world: the default funnel and one built with the
// builder's controls show the API's numbers, the URL reproduces a funnel, every count opens exactly its
// customers, and the loading, empty and error states and Korean render without console errors.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { FunnelRequest, FunnelResult } from "../../src/analytics/funnel.js";
import {
  apiAnswer,
  browserAvailable,
  chartBars,
  DESKTOP,
  dashboardForSuite,
  TABLET,
} from "../helpers/browser.js";

const DEFAULT: FunnelRequest = {
  steps: [
    { event: "Product Viewed" },
    { event: "Product Added" },
    { event: "Checkout Started" },
    { event: "Order Completed" },
  ],
  window: "14d",
  order: "ordered",
};

/** Counts as the table shows them (each count button carries its number). */
async function tableCounts(page: Page, n: number): Promise<number[]> {
  const counts: number[] = [];
  for (let i = 0; i < n; i++)
    counts.push(Number(await page.getByTestId(`funnel-count-${i}`).getAttribute("data-count")));
  return counts;
}

/** Picks an entry of a step picker by its exact name, searching for it as a person would. */
async function pick(page: Page, testId: string, name: string) {
  const input = page.getByTestId(testId);
  await input.click();
  await input.fill(name);
  await page
    .getByRole("option")
    .filter({ has: page.getByText(name, { exact: true }) })
    .first()
    .click();
  await expect.poll(() => input.inputValue()).toBe(name);
}

describe.runIf(browserAvailable)("funnels view", () => {
  const d = dashboardForSuite();
  const api = (body: FunnelRequest) => apiAnswer<FunnelResult>(d, "/api/insights/funnel", body);

  it("shows the default e-commerce funnel with the API's numbers", async () => {
    const { page } = d;
    // How fast it shows is measured by `npm run bench -- web`, not asserted on a shared CI machine.
    await d.open("/funnels");
    await page.getByTestId("funnel-table").waitFor();
    const expected = await api(DEFAULT);
    expect(expected.steps[0]?.count).toBeGreaterThan(0);
    expect(await tableCounts(page, 4)).toEqual(expected.steps.map((s) => s.count));
    const dropped = Number(await page.getByTestId("funnel-dropped-2").getAttribute("data-count"));
    expect(dropped).toBe(expected.steps[2]!.count - expected.steps[3]!.count);
    // A bar per step (the chart has no legend: its filled shapes are the bars).
    await expect.poll(() => chartBars(page, "funnel-chart")).toEqual(expected.steps.map(() => "#228be6"));
    await d.screenshot("funnels-default");
    d.expectNoErrors();
  });

  it("builds a funnel with the builder's controls that shows what the API says for the same definition", async () => {
    const { page } = d;
    await d.open("/funnels");
    await page.getByTestId("funnel-table").waitFor();
    // Down to two steps, then rebuild: a filtered step, a step moved up, a step added, another window.
    await page.getByTestId("funnel-step-3-remove").click();
    await page.getByTestId("funnel-step-2-remove").click();
    expect(await page.getByTestId("funnel-step-1-remove").isDisabled()).toBe(true);
    await pick(page, "funnel-step-0-select", "Product Viewed");
    await page.getByTestId("funnel-step-0-add-filter").click();
    await page.getByTestId("funnel-step-0-filter-0-property").fill("price");
    await page.getByTestId("funnel-step-0-filter-0-op").click();
    await page.getByRole("option", { name: "at least", exact: true }).click();
    await page.getByTestId("funnel-step-0-filter-0-value").fill("1000000");
    await pick(page, "funnel-step-1-select", "Product List Viewed");
    await page.getByTestId("funnel-step-1-up").click();
    await page.getByTestId("funnel-add-step").click();
    await pick(page, "funnel-step-2-select", "Order Completed");
    await page.getByTestId("funnel-window").click();
    await page.getByRole("option", { name: "7 days", exact: true }).click();
    await page.getByTestId("funnel-pending").waitFor();
    await d.screenshot("funnels-builder");
    await page.getByTestId("funnel-apply").click();

    const built: FunnelRequest = {
      steps: [
        { event: "Product List Viewed" },
        { event: "Product Viewed", where: [{ property: "price", op: "gte", value: 1_000_000 }] },
        { event: "Order Completed" },
      ],
      window: "7d",
      order: "ordered",
    };
    const expected = await api(built);
    expect(expected.steps[2]?.count).toBeGreaterThan(0);
    // The default funnel's table is on screen until the new one lands: wait for its three rows.
    await expect.poll(() => page.getByTestId("funnel-row-3").count()).toBe(0);
    await expect.poll(() => page.getByTestId("funnel-refreshing").count()).toBe(0);
    await expect.poll(() => tableCounts(page, 3)).toEqual(expected.steps.map((s) => s.count));
    expect(await page.getByTestId("funnel-row-1").textContent()).toContain(
      "Product Viewed (price ≥ 1000000)",
    );
    // The URL holds exactly that definition.
    const param = new URL(page.url()).searchParams.get("funnel");
    expect(JSON.parse(param ?? "null")).toEqual(built);
    await d.screenshot("funnels-built");

    // A reload (or the link sent to a colleague) reproduces it, builder included.
    await page.reload();
    await page.getByTestId("funnel-table").waitFor();
    expect(await tableCounts(page, 3)).toEqual(expected.steps.map((s) => s.count));
    expect(await page.getByTestId("funnel-step-0-select").inputValue()).toBe("Product List Viewed");
    expect(await page.getByTestId("funnel-step-1-filter-0-value").inputValue()).toBe("1000000");
    expect(await page.getByTestId("funnel-apply").isDisabled()).toBe(true);

    // The customers behind a dropped count: as many as the count says.
    const dropped = page.getByTestId("funnel-dropped-1");
    const n = Number(await dropped.getAttribute("data-count"));
    expect(n).toBe(expected.steps[1]!.count - expected.steps[2]!.count);
    await dropped.click();
    const total = page.getByTestId("customer-list-total");
    await total.waitFor();
    expect(Number(await total.getAttribute("data-total"))).toBe(n);
    await expect.poll(() => page.getByTestId("customer-list").locator("tbody tr").count()).toBeGreaterThan(0);
    await d.screenshot("funnels-dropped-customers");
    await page.keyboard.press("Escape");
    await total.waitFor({ state: "detached" });

    // And behind a reached count, by clicking it with the keyboard.
    const reached = page.getByTestId("funnel-count-2");
    await reached.focus();
    await page.keyboard.press("Enter");
    await total.waitFor();
    expect(Number(await total.getAttribute("data-total"))).toBe(expected.steps[2]!.count);
    await page.keyboard.press("Escape");
    d.expectNoErrors();
  });

  it("breaks a funnel down by a property and leaves excluded customers out, as the API does", async () => {
    const { page } = d;
    const req: FunnelRequest = {
      steps: [{ event: "Product Viewed" }, { event: "Order Completed" }],
      window: "14d",
      order: "ordered",
      exclusions: [{ event: "Product Added to Wishlist", between: [0, 1] }],
      breakdown: { property: "category" },
    };
    // Two customers who wished for a product between viewing and buying it: the exclusion has work.
    // A day before the data's end, so the default period (30 days up to that end) stays where it was.
    const before = await api(req);
    const day = new Date(before.period.to).getTime() - 86_400_000;
    const at = (k: number, m: number) => new Date(day + (5 * k + m) * 60_000).toISOString();
    const batch = [0, 1].flatMap((k) => {
      const userId = `funnel-wishlist-${k}`;
      const properties = { category: "Planted", product_id: userId };
      return [
        { type: "track", userId, event: "Product Viewed", properties, timestamp: at(k, 0) },
        { type: "track", userId, event: "Product Added to Wishlist", properties, timestamp: at(k, 1) },
        { type: "track", userId, event: "Order Completed", properties, timestamp: at(k, 2) },
      ];
    });
    const sent = await d.server.collect("/v1/batch", { batch });
    expect(sent.body.accepted, JSON.stringify(sent.body)).toBe(batch.length);

    await d.open(`/funnels?funnel=${encodeURIComponent(JSON.stringify(req))}`);
    await page.getByTestId("funnel-breakdown-table").waitFor();
    const expected = await api(req);
    expect(expected.excluded).toBe(before.excluded + 2);
    expect(expected.steps.map((s) => s.count)).toEqual(before.steps.map((s) => s.count));
    expect(await tableCounts(page, 2)).toEqual(expected.steps.map((s) => s.count));
    expect(await page.getByTestId("funnel-breakdown-table").locator("tbody tr").count()).toBe(
      expected.breakdown?.length,
    );
    expect(await page.getByTestId("funnel-excluded").textContent()).toBe(
      `${expected.excluded.toLocaleString("en-US")} customers left out by exclusions`,
    );
    expect(await page.getByTestId("funnel-exclusion-0-select").inputValue()).toBe(
      "Product Added to Wishlist",
    );
    await page.getByTestId("funnel-breakdown-chart").locator("svg").waitFor();
    await d.screenshot("funnels-breakdown");
    d.expectNoErrors();
  });

  it("shows conversion over time, weekly, as the API counts it for the same request", async () => {
    const { page } = d;
    await d.open("/funnels");
    await page.getByTestId("funnel-table").waitFor();
    const asked = page.waitForRequest(
      (r) => r.url().endsWith("/api/insights/funnel") && r.postDataJSON()?.interval === "week",
    );
    await page.getByTestId("funnel-interval").getByText("Weekly").click();
    await page.waitForURL(/interval=week/);
    const expected = await api((await asked).postDataJSON() as FunnelRequest);
    expect(expected.overTime?.length).toBeGreaterThan(1);
    const rows = page.getByTestId("funnel-over-time-row");
    await rows.first().waitFor();
    const shown = [];
    for (const row of await rows.all())
      shown.push({
        start: await row.getAttribute("data-start"),
        entered: Number(await row.getAttribute("data-entered")),
        converted: Number(await row.getAttribute("data-converted")),
      });
    expect(shown).toEqual(
      expected.overTime!.map((p) => ({ start: p.start, entered: p.entered, converted: p.converted })),
    );
    // Every attempt starts in one period: the periods' entries add up to the funnel's first step.
    expect(shown.reduce((n, p) => n + p.entered, 0)).toBe(expected.steps[0]!.count);
    await page.getByTestId("funnel-over-time-chart").locator("svg").waitFor();
    await d.screenshot("funnels-over-time");
    d.expectNoErrors();
  });

  it("shows the empty and error states", async () => {
    const { page } = d;
    await d.open("/funnels?from=2001-01-01&to=2001-01-31");
    await page.getByTestId("empty-state").waitFor();
    await d.screenshot("funnels-empty");
    d.expectNoErrors();

    const broken = { steps: [{ touchpoint: "no-such-touchpoint" }, { event: "Order Completed" }] };
    await d.open(`/funnels?funnel=${encodeURIComponent(JSON.stringify(broken))}`);
    await page.getByTestId("error-state").waitFor();
    expect(await page.getByTestId("error-state").textContent()).toContain("no-such-touchpoint");
    await d.screenshot("funnels-error");
    // The API's refusal of that funnel is the one error, and it is what the error state shows.
    d.expectNoErrors(["POST /api/insights/funnel 400"]);
  });

  it("reads in Korean", async () => {
    const { page } = d;
    await d.open("/funnels");
    await page.evaluate(`localStorage.setItem("itinera.lang", "ko")`);
    await page.reload();
    await page.getByTestId("funnel-table").waitFor();
    await expect.poll(() => page.getByRole("heading", { level: 2 }).textContent()).toBe("퍼널");
    expect(await page.getByTestId("funnel-apply").textContent()).toBe("퍼널 보기");
    expect(await page.getByTestId("funnel-table").locator("th").first().textContent()).toBe("단계");
    await d.screenshot("funnels-korean");
    await page.evaluate(`localStorage.setItem("itinera.lang", "en")`);
    d.expectNoErrors();
  });

  it("fits a tablet", async () => {
    const { page } = d;
    await page.setViewportSize(TABLET);
    await d.open("/funnels");
    await page.getByTestId("funnel-table").waitFor();
    const overflow = await page.evaluate<boolean>("document.documentElement.scrollWidth > window.innerWidth");
    expect(overflow).toBe(false);
    await d.screenshot("funnels-tablet");
    await page.setViewportSize(DESKTOP);
    d.expectNoErrors();
  });
});
