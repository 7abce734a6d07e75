// The time-to-convert view in a real browser on the demo world: median, p90 and the histogram agree with
// the API, for the default steps and for steps chosen with the pickers; the URL reproduces the view;
// the empty and error states and Korean render without console errors.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { TimeToConvertRequest, TimeToConvertResult } from "../../src/analytics/time-to-convert.js";
import { apiAnswer, browserAvailable, chartBars, dashboardForSuite } from "../helpers/browser.js";

async function shown(page: Page) {
  const attr = async (id: string, name: string) => page.getByTestId(id).getAttribute(name);
  return {
    entered: (await page.getByTestId("ttc-entered").textContent())?.replaceAll(",", ""),
    converted: Number(await attr("ttc-converted", "data-value")),
    median: Number(await attr("ttc-median", "data-seconds")),
    p90: Number(await attr("ttc-p90", "data-seconds")),
  };
}

describe.runIf(browserAvailable)("time to convert view", () => {
  const d = dashboardForSuite();
  const api = (body: TimeToConvertRequest) =>
    apiAnswer<TimeToConvertResult>(d, "/api/insights/time-to-convert", body);

  it("shows the median, p90 and histogram the API computes for the default steps", async () => {
    const { page } = d;
    await d.open("/time-to-convert");
    await page.getByTestId("ttc-histogram").locator("svg").waitFor();
    const expected = await api({
      start: { event: "Product Viewed" },
      end: { event: "Order Completed" },
      window: "14d",
    });
    expect(expected.converted).toBeGreaterThan(0);
    expect(await shown(page)).toEqual({
      entered: String(expected.entered),
      converted: expected.converted,
      median: expected.medianSeconds,
      p90: expected.p90Seconds,
    });
    // One bar per bin, as many as the API's histogram (an empty bin is a bar of height 0).
    expect(expected.histogram.length).toBeGreaterThan(1);
    await expect
      .poll(() => chartBars(page, "ttc-histogram"))
      .toEqual(expected.histogram.map(() => "#228be6"));
    await d.screenshot("time-to-convert-default");
    d.expectNoErrors();
  });

  it("measures steps chosen with the pickers, and a reload keeps them", async () => {
    const { page } = d;
    await d.open("/time-to-convert");
    await page.getByTestId("ttc-histogram").waitFor();
    const start = page.getByTestId("ttc-start-select");
    await start.click();
    await start.fill("Product Added");
    await page
      .getByRole("option")
      .filter({ has: page.getByText("Product Added", { exact: true }) })
      .click();
    await page.getByTestId("ttc-window").click();
    await page.getByRole("option", { name: "7 days", exact: true }).click();
    await page.getByTestId("ttc-apply").click();
    const req: TimeToConvertRequest = {
      start: { event: "Product Added" },
      end: { event: "Order Completed" },
      window: "7d",
    };
    const expected = await api(req);
    await expect.poll(async () => (await shown(page)).median).toBe(expected.medianSeconds);
    expect(await shown(page)).toEqual({
      entered: String(expected.entered),
      converted: expected.converted,
      median: expected.medianSeconds,
      p90: expected.p90Seconds,
    });
    const url = new URL(page.url());
    expect(JSON.parse(url.searchParams.get("start") ?? "null")).toEqual(req.start);
    expect(url.searchParams.get("window")).toBe("7d");

    await page.reload();
    await page.getByTestId("ttc-histogram").waitFor();
    expect((await shown(page)).median).toBe(expected.medianSeconds);
    expect(await page.getByTestId("ttc-start-select").inputValue()).toBe("Product Added");
    await d.screenshot("time-to-convert-picked");
    d.expectNoErrors();
  });

  it("shows the empty and error states, and reads in Korean", async () => {
    const { page } = d;
    await d.open("/time-to-convert?from=2001-01-01&to=2001-01-31");
    await page.getByTestId("empty-state").waitFor();
    d.expectNoErrors();

    await d.open(`/time-to-convert?start=${encodeURIComponent(JSON.stringify({ stage: "no-such-stage" }))}`);
    await page.getByTestId("error-state").waitFor();
    await d.screenshot("time-to-convert-error");
    d.expectNoErrors(["POST /api/insights/time-to-convert 400"]);

    await d.open("/time-to-convert");
    await page.evaluate(`localStorage.setItem("itinera.lang", "ko")`);
    await page.reload();
    await page.getByTestId("ttc-histogram").waitFor();
    await expect.poll(() => page.getByRole("heading", { level: 2 }).textContent()).toBe("전환 소요 시간");
    expect(await page.getByTestId("ttc-apply").textContent()).toBe("보기");
    await d.screenshot("time-to-convert-korean");
    await page.evaluate(`localStorage.setItem("itinera.lang", "en")`);
    d.expectNoErrors();
  });
});
