// The Live view and the overview's freshness in a real browser: events sent through /v1 appear in /live
// with the customer the store stitched them to and their touchpoint, the list holds still under the
// pointer and says how many arrived, and the overview's counts follow new events without a reload.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Overview } from "../../src/analytics/overview.js";
import {
  browserAvailable,
  checkErrorsAfterEach,
  type Dashboard,
  startDashboard,
} from "../helpers/browser.js";
import { type TestServer, uid } from "../helpers/server.js";

const number = (n: number) => new Intl.NumberFormat("en-US").format(n);

async function customerOf(server: TestServer, messageId: string): Promise<number> {
  const [row] = await server.query(
    `SELECT c.canonical_id AS id FROM events e JOIN identities i ON i.id = e.identity_id
       JOIN customers c ON c.id = i.customer_id WHERE e.message_id = $1`,
    [messageId],
  );
  return Number(row!.id);
}

const track = (userId: string, event: string, channel: string) => ({
  type: "track",
  messageId: uid("m"),
  userId,
  event,
  context: { channel },
});

/** The store and the refresh behind it take seconds on a busy machine. */
const slow = { timeout: 20_000 };

describe.runIf(browserAvailable)("live", () => {
  let d: Dashboard;
  checkErrorsAfterEach(() => d);
  beforeAll(async () => {
    // The journey follows new events one second after they are stored.
    d = await startDashboard({ config: { live: { refreshAfterEventsSeconds: 1 } } });
  });
  afterAll(async () => {
    await d?.close();
  });

  it("shows events as they are stored, with their customer and touchpoint, and holds still under the pointer", async () => {
    const { page } = d;
    await d.open("/live");
    await expect
      .poll(() => page.getByTestId("live-connection").getAttribute("data-state"), slow)
      .toBe("open");
    await page.getByTestId("live-waiting").waitFor();

    const user = uid("live-user");
    const sent = [track(user, "Product Viewed", "web"), track(user, "Order Completed", "web")];
    expect((await d.server.collect("/v1/batch", { batch: sent })).status).toBe(200);
    const messageIds = async () =>
      Promise.all((await page.getByTestId("live-row").all()).map((r) => r.getAttribute("data-message-id")));
    const row = (id: string) => page.locator(`[data-testid="live-row"][data-message-id="${id}"]`);
    await row(sent[1]!.messageId).waitFor(slow);
    const customer = await customerOf(d.server, sent[0]!.messageId);
    for (const e of sent) {
      await expect
        .poll(() => row(e.messageId).getByTestId("live-customer").textContent())
        .toBe(`#${customer}`);
    }
    // Newest first.
    const order = await messageIds();
    expect(order.slice(0, 2)).toEqual([sent[1]!.messageId, sent[0]!.messageId]);
    // The touchpoints the refresher gives the same events.
    await d.server.api("/api/journey/refresh", { method: "POST" });
    for (const e of sent) {
      const [tp] = await d.server.query(
        `SELECT t.doc->>'name' AS name FROM journey_events j JOIN touchpoints t ON t.id = j.touchpoint WHERE j.message_id = $1`,
        [e.messageId],
      );
      expect(await row(e.messageId).getByTestId("live-touchpoint").textContent()).toContain(String(tp!.name));
    }
    expect(await row(sent[1]!.messageId).getByTestId("live-stage").textContent()).toContain("Purchase");
    // The customer link opens the customer page.
    expect(await row(sent[0]!.messageId).getByRole("link").getAttribute("href")).toBe(
      `/customers/${customer}`,
    );

    // Paused while the pointer is over the list: new events are counted, not shown.
    await page.getByTestId("live-list").hover();
    await expect.poll(() => page.getByTestId("live-status").getAttribute("data-paused")).toBe("true");
    const rowsBefore = await page.getByTestId("live-row").count();
    const later = [track(user, "Product Viewed", "app"), track(uid("other"), "Product Viewed", "web")];
    expect((await d.server.collect("/v1/batch", { batch: later })).status).toBe(200);
    await expect.poll(() => page.getByTestId("live-status").textContent(), slow).toContain("2 new");
    expect(await page.getByTestId("live-row").count()).toBe(rowsBefore);
    expect(await row(later[0]!.messageId).count()).toBe(0);
    // The pointer leaves: they are shown, newest first.
    await page.mouse.move(1, 1);
    await row(later[1]!.messageId).waitFor();
    expect(await page.getByTestId("live-row").count()).toBe(rowsBefore + 2);
    const top = (await messageIds()).slice(0, 2);
    expect(top).toEqual([later[1]!.messageId, later[0]!.messageId]);
    await d.screenshot("live");
  });

  it("says how fresh the overview is in Korean too", async () => {
    const { page } = d;
    await d.open("/");
    await page.getByTestId("language-switch").getByText("한국어").click();
    await expect
      .poll(() => page.getByTestId("overview-freshness").textContent(), slow)
      .toMatch(/^\d+초 전 갱신/);
    await page.getByTestId("language-switch").getByText("EN").click();
  });

  it("keeps only the events the filters name, and says it in Korean too", async () => {
    const { page } = d;
    await d.open("/live?channel=email");
    await expect
      .poll(() => page.getByTestId("live-connection").getAttribute("data-state"), slow)
      .toBe("open");
    const user = uid("live-filter");
    const batch = [track(user, "Email Opened", "web"), track(user, "Email Opened", "email")];
    expect((await d.server.collect("/v1/batch", { batch })).status).toBe(200);
    await page.locator(`[data-message-id="${batch[1]!.messageId}"]`).waitFor(slow);
    expect(await page.locator(`[data-message-id="${batch[0]!.messageId}"]`).count()).toBe(0);
    await page.getByTestId("language-switch").getByText("한국어").click();
    await expect.poll(() => page.getByRole("heading", { level: 2 }).first().textContent()).toBe("실시간");
    expect(await page.getByTestId("live-status").textContent()).toContain("최신순");
    await page.getByTestId("language-switch").getByText("EN").click();
  });

  it("updates the overview's counts and freshness within seconds of new events, without a reload", async () => {
    const { page } = d;
    await d.open("/");
    await page.getByTestId("overview").waitFor(slow);
    const freshness = page.getByTestId("overview-freshness");
    const generation = Number(await freshness.getAttribute("data-generation"));
    expect(await freshness.textContent()).toMatch(/^Updated .* ago/);
    const shown = await page.getByTestId("kpi-events-value").textContent();
    // A reload would lose this.
    await page.evaluate(() => {
      (globalThis as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    const user = uid("live-overview");
    const batch = Array.from({ length: 5 }, () => track(user, "Product Viewed", "web"));
    const sentAt = Date.now();
    expect((await d.server.collect("/v1/batch", { batch })).status).toBe(200);
    await expect
      .poll(async () => Number(await freshness.getAttribute("data-generation")), { timeout: 15_000 })
      .toBeGreaterThan(generation);
    expect(Date.now() - sentAt).toBeLessThan(15_000);
    const overview = (await d.server.api<Overview>("/api/overview")).body;
    await expect.poll(() => page.getByTestId("kpi-events-value").textContent()).toBe(number(overview.events));
    expect(await page.getByTestId("kpi-events-value").textContent()).not.toBe(shown);
    expect(Number(await freshness.getAttribute("data-generation"))).toBe(overview.freshness.generation);
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );
  });
});
