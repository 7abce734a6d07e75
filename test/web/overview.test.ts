// The overview in a real browser: its numbers are the API's (KPIs, stages and conversion, channels, top
// frictions), a stage's reach opens exactly its customers, a top friction opens in the frictions view,
// Korean works, and an empty database shows how to send the first event instead of charts.
import { describe, expect, it } from "vitest";
import type { FrictionList } from "../../src/analytics/frictions/schema.js";
import type { Overview } from "../../src/analytics/overview.js";
import { findingMessages } from "../../src/findings/catalogue.js";
import {
  apiAnswer,
  browserAvailable,
  chartBars,
  dashboardForSuite,
  screenshotAtTablet,
  switchLanguage,
} from "../helpers/browser.js";

interface Stats {
  events: number;
  eventsLast24h: number;
  customers: number;
}

const number = (n: number, digits = 0) =>
  new Intl.NumberFormat("en-US", { maximumFractionDigits: digits }).format(n);
const percent = (share: number) =>
  new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 1 }).format(share);
/** The dashboard names channels as the findings catalogue does. */
const CHANNEL_NAMES = findingMessages.en.channel;

/** The finder and the overview take seconds on a busy machine: polls wait for them. */
const slow = { timeout: 15_000 };

describe.runIf(browserAvailable)("overview", () => {
  const d = dashboardForSuite();

  it("shows the API's numbers: KPIs, stages with conversion, channels and the top frictions", async () => {
    const { page } = d;
    const overview = (await d.server.api<Overview>("/api/overview")).body;
    const stats = (await d.server.api<Stats>("/api/stats")).body;
    const frictions = (await d.server.api<FrictionList>("/api/frictions")).body;
    await d.open("/");
    await page.getByTestId("overview").waitFor();

    const kpi = (id: string) => page.getByTestId(`kpi-${id}-value`).textContent();
    expect(await kpi("customers")).toBe(number(overview.customers));
    expect(await kpi("events")).toBe(number(overview.events));
    // "The last 24 hours" moves with the clock: the page's number is the API's just before or just after.
    const later = (await d.server.api<Stats>("/api/stats")).body;
    expect([number(stats.eventsLast24h), number(later.eventsLast24h)]).toContain(await kpi("last24h"));
    expect(overview.nps.score).not.toBeNull();
    expect(await kpi("nps")).toBe(number(overview.nps.score ?? 0, 1));
    expect(await kpi("csat")).toBe(number(overview.csat.mean ?? 0, 2));

    for (const [i, s] of overview.stages.entries()) {
      expect(await page.getByTestId(`stage-${s.key}-current`).textContent()).toBe(number(s.current));
      expect(await page.getByTestId(`stage-${s.key}-reached`).textContent()).toBe(
        `${number(s.reached)} reached`,
      );
      if (i < overview.stages.length - 1)
        expect(await page.getByTestId(`conversion-${s.key}-value`).textContent()).toBe(
          s.conversion === null ? "–" : percent(s.conversion),
        );
    }

    expect(overview.channels.length).toBeGreaterThan(3);
    const customersLabel = await page.getByTestId("channels-customers").getAttribute("aria-label");
    const eventsLabel = await page.getByTestId("channels-events").getAttribute("aria-label");
    for (const c of overview.channels) {
      const name = CHANNEL_NAMES[c.channel] ?? c.channel;
      expect(customersLabel).toContain(`${name} ${number(c.customers)}`);
      expect(eventsLabel).toContain(`${name} ${number(c.events)}`);
    }
    // The charts are drawn (SVG bars, one per channel in the chart's colour), not just labelled.
    for (const [chart, colour] of [
      ["channels-customers", "#228be6"],
      ["channels-events", "#40c057"],
    ] as const)
      await expect.poll(() => chartBars(page, chart)).toEqual(overview.channels.map(() => colour));

    const top = page.getByTestId("top-friction");
    await top.first().waitFor();
    const expected = frictions.frictions.slice(0, 5);
    expect(await top.count()).toBe(expected.length);
    const ids: Array<string | null> = [];
    for (let i = 0; i < expected.length; i++) ids.push(await top.nth(i).getAttribute("data-id"));
    expect(ids).toEqual(expected.map((f) => f.id));
    expect(await page.getByTestId("top-friction-link").allTextContents()).toEqual(
      expected.map((f) => f.title),
    );
    await d.screenshot("overview");
    d.expectNoErrors();
  });

  it("opens the customers who reached a stage: as many as the stage's reach", async () => {
    const { page } = d;
    const overview = (await d.server.api<Overview>("/api/overview")).body;
    const purchase = overview.stages.find((s) => s.key === "purchase");
    expect(purchase?.reached).toBeGreaterThan(0);
    await d.open("/");
    await page.getByTestId("stage-purchase-reached").click();
    const total = page.getByTestId("customer-list-total");
    await total.waitFor();
    expect(Number(await total.getAttribute("data-total"))).toBe(purchase?.reached);
    await d.screenshot("overview-stage-customers");
    await page.keyboard.press("Escape");
    d.expectNoErrors();
  });

  it("opens a top friction in the frictions view", async () => {
    const { page } = d;
    const frictions = (await d.server.api<FrictionList>("/api/frictions")).body;
    const second = frictions.frictions[1];
    expect(second).toBeDefined();
    await d.open("/");
    await page.getByTestId("top-friction-link").nth(1).click();
    await page.waitForURL(/\/frictions\?id=/);
    expect(new URL(page.url()).searchParams.get("id")).toBe(second?.id);
    await expect
      .poll(() => page.getByTestId("friction-detail").getAttribute("data-id"), slow)
      .toBe(second?.id);
    d.expectNoErrors();
  });

  it("keeps the period in the URL and asks the API for it", async () => {
    const { page } = d;
    const full = (await d.server.api<Overview>("/api/overview")).body;
    // A month inside the demo world: its last 30 days.
    const end = new Date(full.period.to);
    const period = {
      from: new Date(end.getTime() - 29 * 86_400_000).toISOString().slice(0, 10),
      to: end.toISOString().slice(0, 10),
    };
    const expected = (
      await d.server.api<Overview>(
        `/api/overview?from=${period.from}T00:00:00.000Z&to=${period.to}T23:59:59.999Z`,
      )
    ).body;
    expect(expected.events).toBeLessThan(full.events);
    await d.open(`/?from=${period.from}&to=${period.to}`);
    await page.getByTestId("overview").waitFor();
    await expect
      .poll(() => page.getByTestId("kpi-events-value").textContent(), slow)
      .toBe(number(expected.events));
    expect(await page.getByTestId("period-from").inputValue()).toBe(period.from);
    d.expectNoErrors();
  });

  it("narrows to a persona: the persona's numbers and stage customers, kept in the URL", async () => {
    const { page } = d;
    const persona = "tech-savvy-tim";
    const tim = (await d.server.api<Overview>(`/api/overview?persona=${persona}`)).body;
    const everyone = (await d.server.api<Overview>("/api/overview")).body;
    expect(tim.events).toBeLessThan(everyone.events);
    await d.open("/");
    await page.getByTestId("overview").waitFor();
    await page.getByTestId("persona-select").click();
    await page.getByRole("option", { name: "Tech-savvy Tim" }).click();
    await page.waitForURL(new RegExp(`persona=${persona}`));
    const kpi = (id: string) => page.getByTestId(`kpi-${id}-value`).textContent();
    await expect.poll(() => kpi("events"), slow).toBe(number(tim.events));
    expect(await kpi("customers")).toBe(number(tim.customers));
    for (const s of tim.stages)
      expect(await page.getByTestId(`stage-${s.key}-current`).textContent()).toBe(number(s.current));
    // The top frictions are Tim's.
    const frictions = (await d.server.api<FrictionList>(`/api/frictions?persona=${persona}`)).body;
    const top = frictions.frictions.slice(0, 5).map((f) => f.title);
    await expect.poll(() => page.getByTestId("top-friction-link").allTextContents(), slow).toEqual(top);
    const purchase = tim.stages.find((s) => s.key === "purchase")!;
    await page.getByTestId("stage-purchase-reached").click();
    const total = page.getByTestId("customer-list-total");
    await total.waitFor();
    expect(Number(await total.getAttribute("data-total"))).toBe(purchase.reached);
    await page.keyboard.press("Escape");
    // A reload keeps the persona.
    await page.reload();
    await expect.poll(() => kpi("events"), slow).toBe(number(tim.events));
    d.expectNoErrors();
  });

  it("narrows to a stage: the numbers of the customers now in it, as the API gives them, kept in the URL", async () => {
    const { page } = d;
    const stage = "purchase";
    const everyone = await apiAnswer<Overview>(d, "/api/overview");
    await d.open("/");
    await page.getByTestId("overview").waitFor();
    const asked = page.waitForRequest(
      (r) => new URL(r.url()).pathname === "/api/overview" && r.url().includes("stage="),
    );
    await page.getByTestId("stage-select").click();
    await page.getByRole("option", { name: "Purchase", exact: true }).click();
    await page.waitForURL(new RegExp(`stage=${stage}`));
    const query = new URL((await asked).url()).search;
    expect(new URLSearchParams(query).get("stage")).toBe(stage);
    const cohort = await apiAnswer<Overview>(d, `/api/overview${query}`);
    expect(cohort.customers).toBeGreaterThan(0);
    expect(cohort.customers).toBeLessThan(everyone.customers);

    const kpi = (id: string) => page.getByTestId(`kpi-${id}-value`).textContent();
    await expect.poll(() => kpi("customers"), slow).toBe(number(cohort.customers));
    expect(await kpi("events")).toBe(number(cohort.events));
    for (const s of cohort.stages) {
      expect(await page.getByTestId(`stage-${s.key}-current`).textContent()).toBe(number(s.current));
      expect(await page.getByTestId(`stage-${s.key}-reached`).textContent()).toBe(
        `${number(s.reached)} reached`,
      );
    }
    // A stage's reach opens the cohort's customers, as many as the number.
    const reached = cohort.stages.find((s) => s.reached > 0)!;
    await page.getByTestId(`stage-${reached.key}-reached`).click();
    const total = page.getByTestId("customer-list-total");
    await total.waitFor();
    expect(Number(await total.getAttribute("data-total"))).toBe(reached.reached);
    await page.keyboard.press("Escape");
    // The frictions it links to are the cohort's.
    expect(await page.getByRole("link", { name: "See all frictions" }).getAttribute("href")).toContain(
      `stage=${stage}`,
    );
    // A reload keeps the stage.
    await page.reload();
    await expect.poll(() => kpi("customers"), slow).toBe(number(cohort.customers));
    // The picker shows the stage's name once the journey model has loaded, which can come after the numbers.
    await expect.poll(() => page.getByTestId("stage-select").inputValue(), slow).toBe("Purchase");
    await d.screenshot("overview-stage");
    d.expectNoErrors();
  });

  it("speaks Korean and fits a tablet", async () => {
    const { page } = d;
    await d.open("/");
    await page.getByTestId("overview").waitFor();
    await switchLanguage(page, "ko");
    await expect.poll(() => page.getByRole("heading", { level: 2 }).textContent(), slow).toBe("개요");
    await expect.poll(() => page.getByTestId("stage-strip").textContent(), slow).toContain("구매");
    await page.getByTestId("top-friction").first().waitFor();
    await d.screenshot("overview-ko");
    await switchLanguage(page, "en");
    await screenshotAtTablet(d, "overview-tablet", "overview");
    d.expectNoErrors();
  });
});

describe.runIf(browserAvailable)("overview of an empty database", () => {
  const d = dashboardForSuite({ empty: true });

  it("shows how to send the first event instead of charts", async () => {
    const { page } = d;
    await d.open("/");
    await page.getByTestId("first-event").waitFor();
    const snippet = await page.getByTestId("first-event").locator("pre").textContent();
    expect(snippet).toContain(`${d.server.url}/v1/track`);
    expect(await page.getByTestId("overview").count()).toBe(0);
    expect(await page.locator(".itinera-chart").count()).toBe(0);
    await d.screenshot("overview-empty");
    d.expectNoErrors();
  });
});
