// Negative controls for the browser tests' error collection (test/helpers/browser.ts): a connection
// reset, a 500 the view shows no sign of, and an abort nobody asked for are each reported with method
// and path; requests the page itself cancels are not; an expected error that never came fails.
import { describe, expect, it } from "vitest";
import { browserAvailable, type Dashboard, dashboardForSuite } from "../helpers/browser.js";

const OVERVIEW = /\/api\/overview/;

describe.runIf(browserAvailable)("the browser tests' error collection", () => {
  const d = dashboardForSuite();

  /** Opens the overview with its data request answered by `answer`, and waits for it to be reported. */
  async function overviewFails(answer: Parameters<Dashboard["page"]["route"]>[1], reported: RegExp) {
    await d.page.route(OVERVIEW, answer);
    try {
      await d.open("/");
      await expect.poll(() => d.errors.some((e) => reported.test(e))).toBe(true);
      expect(() => d.expectNoErrors()).toThrow(reported);
    } finally {
      await d.page.unroute(OVERVIEW);
    }
  }

  it("reports a connection reset", async () => {
    await overviewFails(
      (r) => r.abort("connectionreset"),
      /failed: GET \/api\/overview\S* net::ERR_CONNECTION_RESET/,
    );
  });

  it("reports a 500 the view swallows", async () => {
    await overviewFails(
      (r) => r.fulfill({ status: 500, json: { error: { code: "internal", message: "boom", status: 500 } } }),
      /response: GET \/api\/overview\S* 500/,
    );
  });

  it("reports an abort the page did not ask for", async () => {
    await overviewFails((r) => r.abort("aborted"), /failed: GET \/api\/overview\S* net::ERR_ABORTED/);
  });

  it("leaves out a fetch the page cancelled itself (leaving a view while it loads)", async () => {
    let asked = 0;
    await d.page.route(OVERVIEW, async (r) => {
      asked++;
      await new Promise((resolve) => setTimeout(resolve, 3000));
      await r.continue().catch(() => undefined);
    });
    try {
      await d.open("/funnels");
      await d.page.getByTestId("funnel-table").waitFor();
      await d.page.getByTestId("nav-overview").click();
      await expect.poll(() => asked).toBeGreaterThan(0);
      await d.page.getByTestId("nav-funnels").click();
      await d.page.getByTestId("funnel-table").waitFor();
      await d.page.waitForTimeout(3500);
      d.expectNoErrors();
    } finally {
      await d.page.unroute(OVERVIEW);
    }
  });

  it("fails when an expected error did not come", () => {
    expect(() => d.expectNoErrors(["POST /api/insights/funnel 400"])).toThrow(
      /expected but not seen: POST \/api\/insights\/funnel 400/,
    );
  });
});
