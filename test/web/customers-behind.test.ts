// Every number opens its customers, in the dashboard (issue 15): a count in paths (a path row, the goal,
// everyone), retention (a cohort cell), stage flow (a link), time to convert (a bin, an outcome) and the
// funnel (a breakdown row, an over-time point) opens the customer drawer, whose total is the number
// clicked and whose request is the one the view's analysis was asked for.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { browserAvailable, dashboardForSuite } from "../helpers/browser.js";

describe.runIf(browserAvailable)("the customers behind every number of the analyses", () => {
  const d = dashboardForSuite();

  /**
   * Clicks the `index`-th element of `testId` that shows a count above zero, and checks that the drawer
   * lists as many customers as the count, for a request to /api/insights/{kind}/customers.
   */
  async function opens(
    page: Page,
    kind: string,
    testId: string,
    index = 0,
  ): Promise<Record<string, unknown>> {
    const buttons = page.getByTestId(testId);
    await buttons.first().waitFor();
    const counts: number[] = [];
    for (let k = 0; k < (await buttons.count()); k++)
      counts.push(Number(await buttons.nth(k).getAttribute("data-count")));
    const nonZero = counts.map((n, i) => [n, i] as const).filter(([n]) => n > 0);
    expect(nonZero.length, `${testId}: a count above zero`).toBeGreaterThan(index);
    const [n, i] = nonZero[index]!;
    const asked = page.waitForRequest((r) => r.url().endsWith(`/api/insights/${kind}/customers`));
    await buttons.nth(i).click();
    const body = (await asked).postDataJSON() as Record<string, unknown>;
    const total = page.getByTestId("customer-list-total");
    await total.waitFor();
    expect(Number(await total.getAttribute("data-total")), `${testId} #${i}`).toBe(n);
    await expect
      .poll(() => page.getByTestId("customer-list").locator("tbody tr").count())
      .toBe(Math.min(n, 50));
    await page.keyboard.press("Escape");
    await total.waitFor({ state: "detached" });
    return body;
  }

  it("paths: a path row, the goal and everyone", async () => {
    const { page } = d;
    await d.open(`/paths?goal=${encodeURIComponent("event:Order Completed")}`);
    await page.getByTestId("path-row").first().waitFor();
    const row = await opens(page, "paths", "path-row-customers");
    expect(row.cell).toHaveProperty("path");
    await opens(page, "paths", "path-row-customers", 1);
    expect((await opens(page, "paths", "paths-goal-customers")).cell).toEqual({ goal: true });
    expect((await opens(page, "paths", "paths-customers")).cell).toEqual({});
    d.expectNoErrors();
  });

  it("retention: a cohort's size and a later period", async () => {
    const { page } = d;
    await d.open("/retention");
    const cells = page.getByTestId("cohort-cell-open");
    await cells.first().waitFor();
    // Buttons carry their count on the cell around them.
    const n = await page.getByTestId("cohort-cell").count();
    expect(n).toBeGreaterThan(2);
    for (const period of ["0", "1"]) {
      // A cohort's row (the totals row above them opens nothing: its customers are a sum over cohorts).
      const cell = page
        .getByTestId("cohort-row")
        .locator(`[data-testid="cohort-cell"][data-period="${period}"]:not([data-customers="0"])`)
        .first();
      const customers = Number(await cell.getAttribute("data-customers"));
      const asked = page.waitForRequest((r) => r.url().endsWith("/api/insights/retention/customers"));
      await cell.getByTestId("cohort-cell-open").click();
      expect(((await asked).postDataJSON() as { cell: { period: number } }).cell.period).toBe(Number(period));
      const total = page.getByTestId("customer-list-total");
      await total.waitFor();
      expect(Number(await total.getAttribute("data-total"))).toBe(customers);
      await page.keyboard.press("Escape");
      await total.waitFor({ state: "detached" });
    }
    d.expectNoErrors();
  });

  it("stage flow: a link and everyone", async () => {
    const { page } = d;
    await d.open("/stage-flow");
    const link = await opens(page, "stage-flow", "stage-flow-link-customers");
    expect(link.cell).toHaveProperty("source");
    expect((await opens(page, "stage-flow", "stage-flow-customers-open")).cell).toEqual({});
    d.expectNoErrors();
  });

  it("time to convert: a bin and the converted", async () => {
    const { page } = d;
    await d.open("/time-to-convert");
    const bin = await opens(page, "time-to-convert", "ttc-bin-open");
    expect(bin.cell).toHaveProperty("bin");
    expect((await opens(page, "time-to-convert", "ttc-converted-open")).cell).toEqual({
      outcome: "converted",
    });
    d.expectNoErrors();
  });

  it("funnel: a breakdown row and an over-time point", async () => {
    const { page } = d;
    const funnel = {
      steps: [{ event: "Product Viewed" }, { event: "Order Completed" }],
      breakdown: { property: "context.os.name" },
    };
    await d.open(`/funnels?interval=week&funnel=${encodeURIComponent(JSON.stringify(funnel))}`);
    await page.getByTestId("funnel-breakdown-table").waitFor();
    const row = await opens(page, "funnel", "funnel-breakdown-converted");
    expect(row.cell).toMatchObject({ step: 2, kind: "reached" });
    expect(row.cell).toHaveProperty("breakdown");
    const point = await opens(page, "funnel", "funnel-over-time-entered");
    expect(point.cell).toMatchObject({ step: 1, kind: "reached" });
    expect(point.cell).toHaveProperty("period");
    await d.screenshot("funnel-over-time-customers");
    d.expectNoErrors();
  });
});
