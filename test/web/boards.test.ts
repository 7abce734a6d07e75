// Saved views and boards in a real browser on the demo world: a funnel saved from its page is found by
// search and reopens with the same steps and numbers; a board with two pinned views shows the API's
// numbers in its tiles, shares a link that opens for a signed-in member, and prints to a PDF without
// the navigation.
import { describe, expect, it } from "vitest";
import type { FunnelRequest, FunnelResult } from "../../src/analytics/funnel.js";
import type { StageFlowResult } from "../../src/analytics/stage-flow.js";
import type { Board, SavedViewList } from "../../src/saved/schema.js";
import { browserAvailable, dashboardForSuite, switchLanguage } from "../helpers/browser.js";

const FUNNEL: FunnelRequest = {
  steps: [{ event: "Product Viewed" }, { event: "Checkout Started" }, { event: "Order Completed" }],
  window: "7d",
  order: "ordered",
};
const FUNNEL_NAME = "Checkout in three steps";

describe.runIf(browserAvailable)("saved views and boards", () => {
  const d = dashboardForSuite();

  const funnelApi = async () => {
    const r = await d.server.api<FunnelResult>("/api/insights/funnel", { method: "POST", body: FUNNEL });
    expect(r.status).toBe(200);
    return r.body.steps.map((s) => s.count);
  };

  /** Saves the view on screen through its header's Save action. */
  async function saveView(name: string, description: string) {
    const { page } = d;
    await page.getByTestId("save-view").click();
    await page.getByTestId("save-view-name").fill(name);
    await page.getByTestId("save-view-description").fill(description);
    await page.getByTestId("save-view-submit").click();
    await page.getByTestId("save-view-done").waitFor();
    await page.getByRole("button", { name: "Close", exact: true }).click();
  }

  it("saves a funnel from its page, finds it by search and reopens it with the same steps and numbers", async () => {
    const { page } = d;
    await d.open(`/funnels?funnel=${encodeURIComponent(JSON.stringify(FUNNEL))}`);
    await page.getByTestId("funnel-row-2").waitFor();
    await saveView(FUNNEL_NAME, "Viewed, checkout, order within a week");
    await d.open("/stage-flow");
    await page.getByTestId("stage-flow-result").waitFor();
    await saveView("Stage moves", "Forward, back and out");

    const saved = await d.server.api<SavedViewList>("/api/views");
    const funnel = saved.body.items.find((v) => v.name === FUNNEL_NAME)!;
    expect(funnel).toMatchObject({ kind: "funnels", owner: { name: "analyst@itinera.test" } });
    expect(JSON.parse(funnel.state.funnel!)).toEqual(FUNNEL);

    await d.open("/saved");
    await expect.poll(() => page.getByTestId("saved-row").count()).toBe(2);
    await page.getByTestId("saved-search").fill("three STEPS");
    await page.locator('[data-testid="saved-results"][data-search="three STEPS"]').waitFor();
    await expect.poll(() => page.getByTestId("saved-row").count()).toBe(1);
    expect(await page.getByTestId("saved-row").getAttribute("data-name")).toBe(FUNNEL_NAME);
    await d.screenshot("saved-views");

    await page.getByTestId("saved-open").click();
    await page.waitForURL((url) => url.pathname === "/funnels");
    await page.getByTestId("funnel-row-2").waitFor();
    const names = ["Product Viewed", "Checkout Started", "Order Completed"];
    for (const [i, name] of names.entries())
      expect(await page.getByTestId(`funnel-step-${i}-select`).inputValue()).toBe(name);
    expect(await page.getByTestId("funnel-row-3").count()).toBe(0);
    const expected = await funnelApi();
    expect(expected[2]).toBeGreaterThan(0);
    const shown: number[] = [];
    for (let i = 0; i < 3; i++)
      shown.push(Number(await page.getByTestId(`funnel-count-${i}`).getAttribute("data-count")));
    expect(shown).toEqual(expected);
    d.expectNoErrors();
  });

  it("builds a board of two saved views whose tiles show the API's numbers, shares it and prints it", async () => {
    const { page } = d;
    await d.open("/boards");
    await page.getByTestId("board-name").fill("Monday review");
    await page.getByTestId("board-description").fill("Checkout and stage moves");
    await page.getByTestId("board-create").click();
    await page.waitForURL((url) => url.pathname.startsWith("/boards/board_"));
    const id = new URL(page.url()).pathname.split("/").at(-1)!;
    for (const name of [FUNNEL_NAME, "Stage moves"]) {
      await page.getByTestId("board-add-select").click();
      await page.getByRole("option", { name: new RegExp(`^${name} · `) }).click();
      await page.getByTestId("board-add").click();
      await expect
        .poll(() => page.locator(`[data-testid="board-tile"]`).filter({ hasText: name }).count())
        .toBe(1);
    }
    const board = await d.server.api<Board>(`/api/boards/${id}`);
    expect(board.body.tiles.map((t) => t.view.name)).toEqual([FUNNEL_NAME, "Stage moves"]);

    // The funnel tile: the API's counts for the saved funnel.
    const expected = await funnelApi();
    await expect
      .poll(async () => {
        const counts: number[] = [];
        for (let i = 0; i < 3; i++) {
          const cell = page.getByTestId(`tile-funnel-count-${i}`);
          counts.push((await cell.count()) ? Number(await cell.getAttribute("data-count")) : -1);
        }
        return counts;
      })
      .toEqual(expected);
    // The stage-flow tile: the API's totals for the saved (default) settings.
    const flow = await d.server.api<StageFlowResult>("/api/insights/stage-flow", {
      method: "POST",
      body: {},
    });
    const lapses = flow.body.links.filter((l) => l.cause === "lapse").reduce((s, l) => s + l.value, 0);
    expect(flow.body.transitions).toBeGreaterThan(0);
    await page.getByTestId("tile-stage-flow").waitFor();
    const value = async (testId: string) => Number(await page.getByTestId(testId).getAttribute("data-value"));
    expect(await value("tile-stage-flow-transitions")).toBe(flow.body.transitions);
    expect(await value("tile-stage-flow-customers")).toBe(flow.body.customers);
    expect(await value("tile-stage-flow-lapses")).toBe(lapses);
    await d.screenshot("board");

    // Reordering is one PATCH of the tiles; the board shows the new order.
    await page.getByRole("button", { name: `Move “Stage moves” earlier` }).click();
    await expect
      .poll(() => page.getByTestId("board-tile").allTextContents())
      .toEqual([expect.stringContaining("Stage moves"), expect.stringContaining(FUNNEL_NAME)]);

    // The shared link opens the board for a signed-in team member (a fresh page of the same session).
    const link = await page.getByTestId("board-copy-link").getAttribute("data-link");
    expect(link).toBe(`${d.server.url}/boards/${id}`);
    const member = await d.context.newPage();
    await member.goto(link!);
    await expect.poll(() => member.getByTestId("board-title").textContent()).toBe("Monday review");
    await member.close();

    // Export PDF calls the browser's print; print media hides the navigation and the controls.
    await page.evaluate("window.printed = 0; window.print = () => { window.printed++; };");
    await page.getByTestId("board-export-pdf").click();
    expect(await page.evaluate("window.printed")).toBe(1);
    await page.emulateMedia({ media: "print" });
    expect(await page.getByTestId("nav-funnels").isVisible()).toBe(false);
    expect(await page.getByTestId("board-export-pdf").isVisible()).toBe(false);
    expect(await page.getByTestId("board-tile").first().isVisible()).toBe(true);
    const breaks = await page.evaluate(
      `[...document.querySelectorAll('[data-testid="board-tile"]')].map((e) => getComputedStyle(e).breakInside)`,
    );
    expect(breaks).toEqual(["avoid", "avoid"]);
    const pdf = await page.pdf({ format: "A4", landscape: true, printBackground: true });
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    expect(pdf.length).toBeGreaterThan(10_000);
    await page.emulateMedia({ media: "screen" });
    d.expectNoErrors();
  });

  it("speaks Korean on the board and the saved views", async () => {
    const { page } = d;
    await d.open("/boards");
    await switchLanguage(page, "ko");
    await expect.poll(() => page.getByTestId("board-create").textContent()).toBe("보드 만들기");
    await page.getByTestId("board-card").first().getByRole("link").click();
    await expect.poll(() => page.getByTestId("board-export-pdf").textContent()).toBe("PDF로 내보내기");
    await expect.poll(() => page.getByTestId("nav-saved").textContent()).toBe("저장된 보기");
    await switchLanguage(page, "en");
    d.expectNoErrors();
  });
});
