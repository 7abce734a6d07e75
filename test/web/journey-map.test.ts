// The journey map in a real browser on the demo world: its numbers are the API's, a persona changes
// them, a number opens exactly its customers, an authored lane survives a reload, two personas compare,
// and the print layout hides the controls.
import { describe, expect, it } from "vitest";
import type { JourneyMap, MapComparison } from "../../src/journey/map/schema.js";
import { browserAvailable, dashboardForSuite, switchLanguage } from "../helpers/browser.js";

const PERSONA = "tech-savvy-tim";
/** What the page's element offers (these tests compile without the DOM library). */
type Box = { scrollWidth: number; clientWidth: number };
const overflowOf = (el: unknown) => (el as Box).scrollWidth - (el as Box).clientWidth;
const OTHER = "traditional-trudy";

describe.runIf(browserAvailable)("journey map view", () => {
  const d = dashboardForSuite();

  const count = (audience: string) =>
    d.page.getByTestId("jm-map-base").locator(`[data-testid="jm-count"][data-audience="${audience}"]`);

  const reachedOnPage = async (keys: string[]) =>
    Promise.all(keys.map(async (k) => Number(await count(`stage:${k}:reached`).getAttribute("data-value"))));

  it("draws every stage with the API's numbers, for all customers and for a chosen persona", async () => {
    const { page } = d;
    const all = (await d.server.api<JourneyMap>("/api/journey-map")).body;
    const keys = all.stages.map((s) => s.key);
    // How fast it shows is measured by `npm run bench -- web`, not asserted on a shared CI machine.
    await d.open("/journey-map");
    await count(`stage:${keys[0]}:reached`).waitFor();
    expect(await reachedOnPage(keys)).toEqual(all.stages.map((s) => s.reached));
    for (const s of all.stages)
      expect(await page.getByTestId(`jm-stage-${s.key}`).textContent()).toContain(s.name);
    // Touchpoints, the emotion curve and the pain points are drawn from the same answer.
    const tps = all.stages.flatMap((s) => s.touchpoints);
    expect(await page.getByTestId("jm-map-base").getByTestId("jm-touchpoint").count()).toBe(tps.length);
    const pains = all.stages.flatMap((s) => s.painPoints);
    expect(pains.length).toBeGreaterThan(0);
    expect(await page.getByTestId("jm-pain").count()).toBe(pains.length);
    expect(await page.getByTestId("jm-pain").first().textContent()).toContain(pains[0]!.title);
    // A pain point is a friction of the finder: its link opens it in the frictions view.
    const href = await page.getByTestId("jm-pain-open").first().getAttribute("href");
    expect(new URLSearchParams(href!.split("?")[1]).get("id")).toBe(pains[0]!.id);
    await page.getByTestId("jm-map-base-emotion").locator("svg").waitFor();
    await d.screenshot("journey-map-all");

    await page.getByTestId("persona-select").click();
    await page.getByRole("option", { name: "Tech-savvy Tim" }).click();
    await page.waitForURL(new RegExp(`persona=${PERSONA}`));
    const tim = (await d.server.api<JourneyMap>(`/api/journey-map?persona=${PERSONA}`)).body;
    expect(tim.stages[0]!.reached).not.toBe(all.stages[0]!.reached);
    await expect
      .poll(() => reachedOnPage(keys), { timeout: 10_000 })
      .toEqual(tim.stages.map((s) => s.reached));
    await page.getByTestId("jm-persona-card").waitFor();
    expect(await page.getByTestId("jm-persona-card").textContent()).toContain(tim.persona!.narrative!.quote!);
    await d.screenshot("journey-map-persona");
    d.expectNoErrors();
  });

  it("lists as many touchpoints per stage as the top setting says, from the API's answer for it", async () => {
    const { page } = d;
    await d.open("/journey-map");
    const tps = page.getByTestId("jm-map-base").getByTestId("jm-touchpoint");
    await tps.first().waitFor();
    const six = (await d.server.api<JourneyMap>("/api/journey-map")).body;
    expect(await tps.count()).toBe(six.stages.flatMap((s) => s.touchpoints).length);
    await page.getByTestId("jm-top").click();
    await page.getByRole("option", { name: "3", exact: true }).click();
    await page.waitForURL(/top=3/);
    const three = (await d.server.api<JourneyMap>("/api/journey-map?top=3")).body;
    expect(three.stages.every((s) => s.touchpoints.length <= 3)).toBe(true);
    const want = three.stages.flatMap((s) => s.touchpoints).length;
    expect(want).toBeLessThan(six.stages.flatMap((s) => s.touchpoints).length);
    await expect.poll(() => tps.count()).toBe(want);
    d.expectNoErrors();
  });

  it("opens the customers behind a clicked number, as many as the number says, and keeps them in the URL", async () => {
    const { page } = d;
    await d.open(`/journey-map?persona=${PERSONA}`);
    const map = (await d.server.api<JourneyMap>(`/api/journey-map?persona=${PERSONA}`)).body;
    const purchase = map.stages.find((s) => s.key === "purchase")!;
    const tp = purchase.touchpoints[0]!;
    const pain = map.stages.flatMap((s) => s.painPoints)[0]!;
    const cases = [
      { audience: "stage:purchase:reached", value: purchase.reached },
      { audience: "stage:purchase:dropped", value: purchase.dropped! },
      { audience: `touchpoint:${tp.id}:reach`, value: tp.reach },
      { audience: `pain:${pain.id}`, value: pain.customers },
      { audience: "cohort", value: map.customers },
    ];
    for (const c of cases) {
      const button = page.locator(`[data-testid="jm-count"][data-audience="${c.audience}"]`).first();
      await button.waitFor();
      expect(Number(await button.getAttribute("data-value"))).toBe(c.value);
      await button.click();
      const total = page.getByTestId("customer-list-total");
      await total.waitFor();
      expect(Number(await total.getAttribute("data-total"))).toBe(c.value);
      expect(new URL(page.url()).searchParams.get("audience")).toBe(c.audience);
      if (c.audience === "stage:purchase:reached") await d.screenshot("journey-map-customers");
      await page.keyboard.press("Escape");
      await expect.poll(() => total.count()).toBe(0);
    }
    // A link with the audience opens the drawer straight away.
    await d.open(`/journey-map?persona=${PERSONA}&audience=stage:purchase:converted`);
    const total = page.getByTestId("customer-list-total");
    await total.waitFor();
    expect(Number(await total.getAttribute("data-total"))).toBe(purchase.converted);
    d.expectNoErrors();
  });

  it("edits an authored lane in place, and the edit survives a reload", async () => {
    const { page } = d;
    await d.open(`/journey-map?persona=${PERSONA}`);
    const lane = page.getByTestId("jm-lane-purchase-goals");
    await lane.waitFor();
    await lane.focus();
    await page.keyboard.press("Enter");
    const input = page.getByTestId("jm-lane-purchase-goals-input");
    await input.fill("Pay without a second try\nKnow the delivery date before paying");
    await page.getByTestId("jm-lane-purchase-goals-save").click();
    await expect.poll(() => lane.textContent()).toContain("Know the delivery date before paying");
    await page.reload();
    await expect.poll(() => lane.textContent(), { timeout: 10_000 }).toContain("Pay without a second try");
    const saved = (await d.server.api<JourneyMap>(`/api/journey-map?persona=${PERSONA}`)).body;
    expect(saved.stages.find((s) => s.key === "purchase")!.lanes.goals).toEqual([
      "Pay without a second try",
      "Know the delivery date before paying",
    ]);
    // The lane is the persona's: the map of all customers does not show it.
    const all = (await d.server.api<JourneyMap>("/api/journey-map")).body;
    expect(all.stages.find((s) => s.key === "purchase")!.lanes.goals).toEqual([]);
    d.expectNoErrors();
  });

  it("compares two personas: both maps and the per-stage differences", async () => {
    const { page } = d;
    await d.open(`/journey-map?persona=${PERSONA}`);
    await page.getByTestId("jm-compare-mode").getByText("Another persona").click();
    await page.getByRole("combobox", { name: "Persona to compare" }).click();
    await page.getByRole("option", { name: "Traditional Trudy" }).click();
    await page.waitForURL(new RegExp(`compare=persona%3A${OTHER}`));
    const cmp = (
      await d.server.api<MapComparison>(`/api/journey-map?persona=${PERSONA}&compare=persona:${OTHER}`)
    ).body;
    await page.getByTestId("jm-compare").waitFor();
    const reached = (side: "base" | "other", key: string) =>
      page
        .getByTestId(`jm-map-${side}`)
        .locator(`[data-testid="jm-count"][data-audience="stage:${key}:reached"]`)
        .getAttribute("data-value");
    for (const s of cmp.base.stages) expect(Number(await reached("base", s.key))).toBe(s.reached);
    for (const s of cmp.other.stages) expect(Number(await reached("other", s.key))).toBe(s.reached);
    for (const diff of cmp.differences)
      expect(Number(await page.getByTestId(`jm-diff-reached-${diff.key}`).getAttribute("data-value"))).toBe(
        diff.reached,
      );
    // A number on the comparison's map lists the comparison persona's customers.
    const other = cmp.other.stages[2]!;
    await page
      .getByTestId("jm-map-other")
      .locator(`[data-testid="jm-count"][data-audience="stage:${other.key}:reached"]`)
      .click();
    const total = page.getByTestId("customer-list-total");
    await total.waitFor();
    expect(Number(await total.getAttribute("data-total"))).toBe(other.reached);
    await page.keyboard.press("Escape");
    await d.screenshot("journey-map-compare");
    d.expectNoErrors();
  });

  it("compares two periods from a link, and says so when a period has no customers", async () => {
    const { page } = d;
    const all = (await d.server.api<JourneyMap>("/api/journey-map")).body;
    const day = (iso: string, plusDays = 0) =>
      new Date(Date.parse(iso) + plusDays * 86_400_000).toISOString().slice(0, 10);
    const [from, to] = [day(all.period.from), day(all.period.to)];
    const [otherFrom, otherTo] = [day(all.period.to, -30), to];
    await d.open(`/journey-map?from=${from}&to=${to}&compare=period:${otherFrom}/${otherTo}`);
    await page.getByTestId("jm-compare").waitFor();
    const cmp = (
      await d.server.api<MapComparison>(
        `/api/journey-map?from=${from}T00:00:00.000Z&to=${to}T23:59:59.999Z&compare=period:${otherFrom}T00:00:00.000Z/${otherTo}T23:59:59.999Z`,
      )
    ).body;
    for (const diff of cmp.differences)
      expect(Number(await page.getByTestId(`jm-diff-reached-${diff.key}`).getAttribute("data-value"))).toBe(
        diff.reached,
      );
    expect(await page.getByTestId("jm-compare-from").inputValue()).toBe(otherFrom);

    await d.open("/journey-map?from=2001-01-01&to=2001-01-31");
    await page.getByTestId("empty-state").waitFor();
    d.expectNoErrors();
  });

  it("prints without the controls, and downloads the map as CSV", async () => {
    const { page } = d;
    await d.open(`/journey-map?persona=${PERSONA}`);
    await page.getByTestId("jm-map-base").waitFor();
    const download = page.waitForEvent("download");
    await page.getByTestId("jm-export").click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^journey-map-tech-savvy-tim.*\.csv$/);
    const csv = await file.createReadStream().then(
      (stream) =>
        new Promise<string>((resolve) => {
          let text = "";
          stream.on("data", (chunk) => {
            text += String(chunk);
          });
          stream.on("end", () => resolve(text));
        }),
    );
    expect(csv.split("\n").length).toBeGreaterThan(10);

    await page.emulateMedia({ media: "print" });
    await expect.poll(() => page.getByTestId("jm-controls").isVisible()).toBe(false);
    expect(await page.getByTestId("jm-print").isVisible()).toBe(false);
    expect(await page.locator(".mantine-AppShell-navbar").isVisible()).toBe(false);
    expect(await page.getByTestId("jm-map-base").isVisible()).toBe(true);
    // Fitted to the page: the map does not scroll sideways in print.
    const overflow = await page.getByTestId("jm-map-base").evaluate(overflowOf);
    expect(overflow).toBeLessThanOrEqual(1);
    await d.screenshot("journey-map-print");
    await page.emulateMedia({ media: "screen" });
    d.expectNoErrors();
  });

  it("reads in Korean and scrolls sideways at tablet width", async () => {
    const { page } = d;
    await page.setViewportSize({ width: 820, height: 1000 });
    await d.open("/journey-map");
    await switchLanguage(page, "ko");
    await expect
      .poll(() => page.getByRole("heading", { level: 2 }).first().textContent())
      .toBe("고객 여정 지도");
    const scroll = page.getByTestId("jm-map-base");
    await scroll.waitFor();
    expect(await scroll.evaluate((el) => (el as Box).scrollWidth > (el as Box).clientWidth)).toBe(true);
    await d.screenshot("journey-map-tablet-ko");
    await switchLanguage(page, "en");
    await page.setViewportSize({ width: 1280, height: 800 });
    d.expectNoErrors();
  });
});
