// Cross-site scripting in the dashboard, in a real browser on the demo world: an event name, a property
// value, a customer's name, persona names and quotes, touchpoint names, a stage name and lane text are
// markup (test/helpers/hostile.ts), and every view that shows them must show them as text and run
// nothing. The page is watched three ways: the payloads' own effect (`window.__xss`), a dialog, and the
// DOM itself (an element with an on* attribute, an inline script or a javascript: link appearing
// anywhere, tooltips included), plus every CSP violation the page reports. The payloads must also be
// visible as text in each view, so a pass proves they reached it.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JourneyMap } from "../../src/journey/map/schema.js";
import type { JourneyModel } from "../../src/journey/model.js";
import type { Persona } from "../../src/journey/personas.js";
import type { Touchpoint } from "../../src/journey/touchpoints.js";
import {
  browserAvailable,
  checkErrorsAfterEach,
  type Dashboard,
  sankeyDrawn,
  startDashboard,
} from "../helpers/browser.js";
import { XSS_PAYLOADS } from "../helpers/hostile.js";

/**
 * Runs before any page script: records CSP violations and any element that could run script (an on*
 * attribute, an inline script, a javascript: URL, a frame) the moment it enters the document.
 */
const WATCH = `(() => {
  const found = (window.__xssFindings = []);
  const note = (s) => found.push(s);
  document.addEventListener("securitypolicyviolation", (e) =>
    note("CSP " + e.violatedDirective + ": " + (e.sample || e.blockedURI)));
  const urlAttr = /^(href|src|action|formaction|xlink:href|data|srcdoc)$/i;
  const check = (el) => {
    for (const a of el.attributes) {
      if (/^on/i.test(a.name)) note("handler " + el.tagName + " " + a.name + "=" + a.value);
      if (urlAttr.test(a.name) && /^[\\s\\u0000-\\u001f]*javascript:/i.test(a.value))
        note("javascript URL " + el.tagName + " " + a.name);
    }
    const tag = el.tagName.toLowerCase();
    if (tag === "script" && !el.src) note("inline script " + el.textContent);
    if (["iframe", "object", "embed", "frame"].includes(tag)) note("frame " + tag);
  };
  const scan = (n) => {
    if (n.nodeType !== 1) return;
    check(n);
    for (const el of n.querySelectorAll("*")) check(el);
  };
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "attributes") check(r.target);
      for (const n of r.addedNodes) scan(n);
    }
  }).observe(document, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ["href", "src", "action", "formaction", "xlink:href", "srcdoc"],
  });
})();`;

const X = XSS_PAYLOADS.map((p) => p.text);
const MINUTE = 60_000;

describe.runIf(browserAvailable)("hostile text in the dashboard", () => {
  let d: Dashboard;
  checkErrorsAfterEach(() => d);
  const dialogs: string[] = [];
  /** Customer ids by payload index (each is named by its payload). */
  const customers: number[] = [];
  const touchpoints: Touchpoint[] = [];
  const personas: Persona[] = [];

  const api = async <T>(route: string, init: { method?: string; body?: unknown } = {}): Promise<T> => {
    const res = await d.server.api<T>(route, init);
    expect(res.status, `${route}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    return res.body;
  };

  beforeAll(async () => {
    d = await startDashboard();
    const { page } = d;
    page.on("dialog", (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await page.addInitScript(WATCH);

    // Customers named by the payloads, who viewed a product, did the payload-named event and bought,
    // with the payload as a property value on each: the newest events of the store.
    const now = Date.now();
    const batch = X.flatMap((x, k) => {
      const userId = `xss-${k}`;
      const t = (m: number) => new Date(now - (10 - m) * MINUTE - k * 20 * MINUTE).toISOString();
      const properties = { note: x, product_id: `xss-${k}` };
      return [
        {
          type: "identify",
          userId,
          traits: { name: x, email: `xss${k}@itinera.test` },
          timestamp: t(0),
        },
        { type: "track", userId, event: "Product Viewed", properties, timestamp: t(1) },
        { type: "track", userId, event: x, properties, timestamp: t(2) },
        { type: "track", userId, event: "Order Completed", properties, timestamp: t(3) },
      ];
    });
    const sent = await d.server.collect("/v1/batch", { batch });
    expect(sent.body.accepted, JSON.stringify(sent.body)).toBe(batch.length);
    for (const k of X.keys()) {
      const found = await api<{ customers: Array<{ id: number }> }>(`/api/customers?q=xss${k}@itinera.test`);
      customers.push(found.customers[0]!.id);
    }

    // Personas, touchpoints and a new stage named by the payloads; lanes that say them.
    const { items } = await api<{ items: Persona[] }>("/api/personas");
    for (const [k, x] of X.entries()) {
      const p = items[k]!;
      personas.push(
        await api<Persona>(`/api/personas/${p.id}`, {
          method: "PATCH",
          body: { name: `${x} persona`, narrative: { ...p.narrative, quote: x, goals: [x] } },
        }),
      );
    }
    const map = await api<JourneyMap>("/api/journey-map");
    const shown = map.stages.flatMap((s) => s.touchpoints.slice(0, 1).map((t) => t.id));
    for (const [k, x] of X.entries())
      touchpoints.push(
        await api<Touchpoint>(`/api/touchpoints/${shown[k]}`, { method: "PATCH", body: { name: `${x} tp` } }),
      );
    const model = await api<JourneyModel>("/api/journey-model");
    await api("/api/journey-model", {
      method: "PUT",
      body: { ...model, stages: [...model.stages, { key: "xss", name: X[0], entry: [] }] },
    });
    // Feedback in the new stage gives its point on the emotion curve (hovered below).
    await api("/api/touchpoints", {
      method: "POST",
      body: {
        name: "xss feedback",
        stage: "xss",
        kind: "feedback",
        match: { event: X[1] },
        feedback: { value: 1 },
      },
    });
    for (const stage of map.stages)
      await api(`/api/journey-map/lanes/${stage.key}/goals`, { method: "PUT", body: { items: X } });
    await api("/api/journey/refresh", { method: "POST" });
  });

  afterAll(async () => {
    await d?.close();
  });

  /** Nothing ran and nothing that could run appeared; the console is clean (CSP reports go there too). */
  async function expectNothingRan(where: string) {
    const { page } = d;
    expect(await page.evaluate("window.__xss"), `${where}: a payload ran`).toBeUndefined();
    expect(await page.evaluate("window.__xssFindings"), where).toEqual([]);
    expect(dialogs, where).toEqual([]);
    d.expectNoErrors();
  }

  /** The payload is on screen as text (in the element with `testId` when given). */
  async function expectShown(page: Page, text: string, within?: string) {
    const scope = within ? page.getByTestId(within) : page.locator("body");
    await expect
      .poll(() => scope.getByText(text, { exact: false }).filter({ visible: true }).count(), {
        message: `"${text}" shown${within ? ` in ${within}` : ""}`,
      })
      .toBeGreaterThan(0);
  }

  /** ECharts' tooltip: the chart's div without the drawing in it. */
  const tooltipOf = (page: Page, chartTestId: string) =>
    page.getByTestId(chartTestId).locator("div:not(:has(svg))").filter({ visible: true });

  /**
   * Moves the mouse over `points` of a chart until its tooltip shows, then expects `text` in it as text
   * (markup that became elements would not read as the text it was).
   */
  async function expectTooltip(
    page: Page,
    chartTestId: string,
    points: Array<[number, number]>,
    text: string,
  ) {
    const tooltip = tooltipOf(page, chartTestId);
    // A point may show the tooltip of a neighbouring node or link; keep moving until one names `text`.
    // ECharts shows a tooltip a frame or two after the move, hence the short wait at each point.
    for (const [x, y] of points) {
      await page.mouse.move(x, y);
      await page.waitForTimeout(60);
      if (await tooltip.filter({ hasText: text }).count()) break;
    }
    // Markup that became elements is named before the missing text is.
    expect(await page.evaluate("window.__xssFindings"), `tooltip of ${chartTestId}`).toEqual([]);
    await expect
      .poll(() => tooltip.filter({ hasText: text }).count(), {
        message: `tooltip of ${chartTestId} shows "${text}"`,
      })
      .toBeGreaterThan(0);
  }

  it("customers list and the customer 360 (name, timeline event and property value)", async () => {
    const { page } = d;
    await d.open("/customers?q=xss");
    await page.getByTestId("customer-result").first().waitFor();
    for (const x of X) await expectShown(page, x);
    await expectNothingRan("customers list");
    for (const [k, x] of X.entries()) {
      await d.open(`/customers/${customers[k]}`);
      await page.getByTestId("timeline-event").first().waitFor();
      await expectShown(page, x, "customer-timeline");
      // The property value, in the event's details.
      await expectShown(page, `note: ${x}`, "customer-timeline");
      await expectNothingRan(`customer 360 × ${XSS_PAYLOADS[k]!.label}`);
    }
    await d.screenshot("xss-customer-360");
  });

  it("journey map: lanes, touchpoints, persona names, the persona card, a stage name and its emotion tooltip", async () => {
    const { page } = d;
    await d.open("/journey-map");
    await page.getByTestId("jm-map-base").waitFor();
    for (const x of X) await expectShown(page, x, "jm-map-base");
    for (const tp of touchpoints) await expectShown(page, tp.name, "jm-map-base");
    await page.getByTestId("persona-select").click();
    for (const p of personas) await expectShown(page, p.name);
    await page.keyboard.press("Escape");
    // The added stage's point on the emotion curve: its tooltip names the stage.
    const curve = page.getByTestId("jm-map-base-emotion");
    await curve.locator("svg").waitFor();
    await curve.scrollIntoViewIfNeeded();
    const box = (await curve.boundingBox())!;
    const stages = (await api<JourneyMap>("/api/journey-map")).stages;
    const last = stages.length - 1;
    expect(stages[last]!.emotion.value).not.toBeNull();
    // The point sits where its value is: sweep the stage's column.
    const column = box.x + ((last + 0.5) / stages.length) * box.width;
    const sweep: Array<[number, number]> = [];
    for (let y = box.y + 2; y < box.y + box.height; y += 3) sweep.push([column, y]);
    await expectTooltip(page, "jm-map-base-emotion", sweep, X[0]!);
    await d.screenshot("xss-journey-map");
    await expectNothingRan("journey map");
    for (const p of personas) {
      await d.open(`/journey-map?persona=${p.id}`);
      await page.getByTestId("jm-persona-card").waitFor();
      await expectShown(page, p.narrative.quote!, "jm-persona-card");
      await expectNothingRan(`journey map of ${p.id}`);
    }
  });

  it("funnels: the step picker, the table, the chart's tooltip and a breakdown by the payload values", async () => {
    const { page } = d;
    for (const [k, x] of X.entries()) {
      const funnel = {
        steps: [{ event: "Product Viewed" }, { event: x }, { event: "Order Completed" }],
        window: "14d",
        order: "ordered",
        breakdown: { property: "note" },
      };
      await d.open(`/funnels?funnel=${encodeURIComponent(JSON.stringify(funnel))}`);
      await page.getByTestId("funnel-table").waitFor();
      await expectShown(page, x, "funnel-table");
      expect(await page.getByTestId("funnel-step-1-select").inputValue()).toBe(x);
      const chart = page.getByTestId("funnel-chart");
      await chart.locator("svg").waitFor();
      await chart.scrollIntoViewIfNeeded();
      const box = (await chart.boundingBox())!;
      // The middle of the chart is the second step's category: the axis tooltip names it.
      await expectTooltip(page, "funnel-chart", [[box.x + box.width / 2, box.y + box.height / 2]], x);
      // The breakdown by the payload values: its table, and its chart's tooltip naming each series.
      await expectShown(page, x, "funnel-breakdown-table");
      const split = page.getByTestId("funnel-breakdown-chart");
      await split.locator("svg").waitFor();
      await split.scrollIntoViewIfNeeded();
      const at = (await split.boundingBox())!;
      await expectTooltip(page, "funnel-breakdown-chart", [[at.x + at.width / 2, at.y + at.height / 2]], x);
      // The picker lists the event by its name when searched for.
      const picker = page.getByTestId("funnel-step-2-select");
      await picker.click();
      await picker.fill(x.slice(0, 8));
      await expect.poll(() => page.getByRole("option").filter({ hasText: x }).count()).toBeGreaterThan(0);
      await page.keyboard.press("Escape");
      await expectNothingRan(`funnels × ${XSS_PAYLOADS[k]!.label}`);
    }
    await d.screenshot("xss-funnels");
  });

  it("paths: rows and the Sankey node's tooltip; retention's step names", async () => {
    const { page } = d;
    for (const [k, x] of X.entries()) {
      await d.open(`/paths?anchor=${encodeURIComponent(`event:${x}`)}&steps=2`);
      await page.getByTestId("path-row").first().waitFor();
      await expectShown(page, x, "path-row");
      const sankey = page.getByTestId("paths-sankey");
      await sankey.locator("svg text").first().waitFor();
      await sankeyDrawn(page, "paths-sankey");
      // The anchor is the first column: its node is just left of its label.
      const label = sankey
        .locator("svg text")
        .filter({ hasText: x.slice(0, 10) })
        .first();
      await sankey.scrollIntoViewIfNeeded();
      const at = (await label.boundingBox())!;
      const points: Array<[number, number]> = [];
      for (let dx = 2; dx < 40; dx += 4)
        points.push([at.x - dx, at.y + at.height / 2], [at.x + at.width / 2, at.y + at.height / 2]);
      await expectTooltip(page, "paths-sankey", points, x);
      await expectNothingRan(`paths × ${XSS_PAYLOADS[k]!.label}`);

      await d.open(`/retention?start=${encodeURIComponent(`event:${x}`)}&period=day`);
      await page.getByTestId("retention-start").waitFor();
      await expect.poll(() => page.getByTestId("retention-start").inputValue()).toBe(x);
      await expectNothingRan(`retention × ${XSS_PAYLOADS[k]!.label}`);
    }
    await d.screenshot("xss-paths");
  });

  it("frictions: touchpoint names in the list and the evidence chart's tooltip", async () => {
    const { page } = d;
    const list = await api<{
      frictions: Array<{ id: string; touchpoint: { id: string; name: string } | null }>;
    }>("/api/frictions");
    const renamed = list.frictions.filter((f) => touchpoints.some((t) => t.id === f.touchpoint?.id));
    await d.open("/frictions");
    await page.getByTestId("friction-row").first().waitFor();
    for (const f of renamed) await expectShown(page, f.touchpoint!.name);
    const first = list.frictions[0]!;
    await d.open(`/frictions?id=${encodeURIComponent(first.id)}`);
    const chart = page.locator(".itinera-chart").first();
    await chart.locator("svg").waitFor();
    await chart.scrollIntoViewIfNeeded();
    const box = (await chart.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await d.screenshot("xss-frictions");
    await expectNothingRan("frictions");
    expect(renamed.length).toBeGreaterThan(0);
  });

  it("overview, stage flow, time to convert and the journey map's customer list", async () => {
    const { page } = d;
    await d.open("/");
    await page.getByTestId("stage-strip").waitFor();
    await expectShown(page, X[0]!, "stage-strip");
    await expectNothingRan("overview");

    // The customer who did X[1] entered the added stage (named X[0]) through its touchpoint.
    await d.open("/stage-flow");
    const sankey = page.getByTestId("stage-flow-sankey");
    await sankey.locator("svg text").first().waitFor();
    // Hover where the node is once drawn, not where its label stands during the entrance animation.
    await sankeyDrawn(page, "stage-flow-sankey");
    const label = sankey
      .locator("svg text")
      .filter({ hasText: X[0]!.slice(0, 10) })
      .first();
    await sankey.scrollIntoViewIfNeeded();
    const at = (await label.boundingBox())!;
    // The label itself first (ECharts gives a node's label its node's tooltip: a stage of one customer is
    // a node too thin to find reliably), then the node beside it.
    const points: Array<[number, number]> = [[at.x + Math.min(at.width, 40) / 2, at.y + at.height / 2]];
    for (let dx = 2; dx < 40; dx += 4)
      points.push([at.x - dx, at.y + at.height / 2], [at.x + at.width + dx, at.y + at.height / 2]);
    await expectTooltip(page, "stage-flow-sankey", points, X[0]!);
    await expectNothingRan("stage flow");

    for (const [k, x] of X.entries()) {
      const steps = `start=${encodeURIComponent(JSON.stringify({ event: "Product Viewed" }))}&end=${encodeURIComponent(JSON.stringify({ event: x }))}`;
      await d.open(`/time-to-convert?${steps}`);
      await page.getByTestId("ttc-result").waitFor();
      expect(await page.getByTestId("ttc-end-select").inputValue()).toBe(x);
      await expectNothingRan(`time to convert × ${XSS_PAYLOADS[k]!.label}`);
    }

    await d.open(`/journey-map?audience=${encodeURIComponent("touchpoint:xss-feedback:reach")}`);
    await page.getByTestId("customer-list").waitFor();
    await expectShown(page, X[1]!, "customer-list");
    await d.screenshot("xss-customer-list");
    await expectNothingRan("journey map customer list");
  });

  it("settings: touchpoints and personas", async () => {
    const { page } = d;
    await d.open("/settings/touchpoints");
    await page.getByTestId("touchpoint-row").first().waitFor();
    for (const tp of touchpoints) await expectShown(page, tp.name, "settings-touchpoints");
    await expectNothingRan("settings touchpoints");
    await d.open("/settings/personas");
    await page.getByTestId("persona-card").first().waitFor();
    for (const p of personas) await expectShown(page, p.name, "settings-personas");
    await d.screenshot("xss-settings-personas");
    await expectNothingRan("settings personas");
  });
});
