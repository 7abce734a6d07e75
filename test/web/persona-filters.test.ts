// The persona picker of the funnels, paths, retention, frictions and time-to-convert views (issue 15, filters): the
// view asks its analysis for the persona in the URL and shows the API's answer for it, which differs from
// everyone's; picking a persona puts it in the URL.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { FrictionList } from "../../src/analytics/frictions/schema.js";
import type { FunnelResult } from "../../src/analytics/funnel.js";
import type { PathsResult } from "../../src/analytics/paths.js";
import type { RetentionResult } from "../../src/analytics/retention.js";
import type { TimeToConvertResult } from "../../src/analytics/time-to-convert.js";
import { apiAnswer, browserAvailable, dashboardForSuite } from "../helpers/browser.js";

const TIM = "tech-savvy-tim";
const slow = { timeout: 15_000 };

describe.runIf(browserAvailable)("the persona picker of the analyses", () => {
  const d = dashboardForSuite();

  /**
   * Opens `view` for Tim and returns what it asked `route` (with the persona) and the API's answers to
   * that request with and without the persona.
   */
  async function openFor<T>(view: string, route: string): Promise<{ tim: T; everyone: T }> {
    const asked = d.page.waitForRequest(
      (r) => r.url().endsWith(route) && r.method() === "POST" && r.postDataJSON()?.persona === TIM,
    );
    await d.open(`${view}?persona=${TIM}`);
    const { persona: _p, ...rest } = (await asked).postDataJSON() as Record<string, unknown>;
    const answer = (body: unknown) => apiAnswer<T>(d, route, body);
    return { tim: await answer({ ...rest, persona: TIM }), everyone: await answer(rest) };
  }

  const number = (page: Page, testId: string, attr: string) =>
    page.getByTestId(testId).first().getAttribute(attr).then(Number);

  it("funnels: Tim's counts, and the picker puts the persona in the URL", async () => {
    const { page } = d;
    const { tim, everyone } = await openFor<FunnelResult>("/funnels", "/api/insights/funnel");
    expect(tim.steps[0]!.count).toBeLessThan(everyone.steps[0]!.count);
    for (const [i, s] of tim.steps.entries())
      await expect.poll(() => number(page, `funnel-count-${i}`, "data-count"), slow).toBe(s.count);

    await d.open("/funnels");
    await page.getByTestId("persona-select").click();
    await page.getByRole("option", { name: "Tech-savvy Tim" }).click();
    await page.waitForURL(new RegExp(`persona=${TIM}`));
    await expect.poll(() => number(page, "funnel-count-0", "data-count"), slow).toBe(tim.steps[0]!.count);
    d.expectNoErrors();
  });

  it("paths: Tim's paths from the start step", async () => {
    const { tim, everyone } = await openFor<PathsResult>("/paths", "/api/insights/paths");
    expect(tim.totals.paths).toBeLessThan(everyone.totals.paths);
    await expect.poll(() => number(d.page, "paths-total", "data-value"), slow).toBe(tim.totals.paths);
    d.expectNoErrors();
  });

  it("retention: Tim's cohorts", async () => {
    const { page } = d;
    const { tim, everyone } = await openFor<RetentionResult>("/retention", "/api/insights/retention");
    const size = (r: RetentionResult) => r.cohorts.reduce((n, c) => n + c.size, 0);
    expect(size(tim)).toBeLessThan(size(everyone));
    await page.getByTestId("cohort-row").first().waitFor();
    const shown = async () => {
      let n = 0;
      for (const row of await page.getByTestId("cohort-row").all())
        n += Number(await row.getAttribute("data-size"));
      return n;
    };
    await expect.poll(shown, slow).toBe(size(tim));
    d.expectNoErrors();
  });

  it("frictions: Tim's frictions with his customer counts, and his customers behind one", async () => {
    const { page } = d;
    const tim = (await d.server.api<FrictionList>(`/api/frictions?persona=${TIM}`)).body;
    expect(tim.frictions.length).toBeGreaterThan(0);
    await d.open(`/frictions?persona=${TIM}`);
    await page.getByTestId("friction-row").first().waitFor(slow);
    await expect
      .poll(() => page.getByTestId("friction-customers-cell").allTextContents(), slow)
      .toEqual(tim.frictions.map((f) => f.customers.toLocaleString("en-US")));
    const first = tim.frictions[0]!;
    await d.open(`/frictions?persona=${TIM}&id=${encodeURIComponent(first.id)}`);
    const detail = page.getByTestId("friction-detail");
    await expect.poll(() => detail.getAttribute("data-id"), slow).toBe(first.id);
    d.expectNoErrors();
  });

  it("time to convert: Tim's customers who entered", async () => {
    const { tim, everyone } = await openFor<TimeToConvertResult>(
      "/time-to-convert",
      "/api/insights/time-to-convert",
    );
    expect(tim.entered).toBeLessThan(everyone.entered);
    await expect
      .poll(async () => (await d.page.getByTestId("ttc-entered").textContent())?.replaceAll(",", ""), slow)
      .toBe(String(tim.entered));
    d.expectNoErrors();
  });

  it("stage: the picker puts the stage in the URL and the request, and the funnel shows that answer", async () => {
    const { page } = d;
    await d.open("/funnels");
    await page.getByTestId("funnel-count-0").waitFor();
    const asked = page.waitForRequest(
      (r) => r.url().endsWith("/api/insights/funnel") && r.postDataJSON()?.stage === "retention",
    );
    await page.getByTestId("stage-select").click();
    await page.getByRole("option", { name: "Retention", exact: true }).click();
    await page.waitForURL(/stage=retention/);
    const body = (await asked).postDataJSON() as Record<string, unknown>;
    const answer = (await d.server.api<FunnelResult>("/api/insights/funnel", { method: "POST", body })).body;
    await expect.poll(() => number(page, "funnel-count-0", "data-count"), slow).toBe(answer.steps[0]!.count);
    d.expectNoErrors();
  });
});
