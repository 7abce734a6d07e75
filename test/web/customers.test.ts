// Customer search and the customer 360 in a real browser, on the demo world: a search by email opens the
// right customer, whose timeline is the API's, with identifiers, merge evidence and stage; in Korean too.
import type { Locator } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  browserAvailable,
  checkErrorsAfterEach,
  type Dashboard,
  startDashboard,
} from "../helpers/browser.js";

interface Match {
  id: number;
  name: string | null;
  stage: string | null;
}
interface TimelinePage {
  events: Array<{ messageId: string; channel: string }>;
  nextCursor: string | null;
}

/** The message ids of the timeline rows, in the order shown. */
const messageIds = async (rows: Locator) =>
  Promise.all((await rows.all()).map((row) => row.getAttribute("data-message-id")));

describe.runIf(browserAvailable)("customers", () => {
  let d: Dashboard;
  checkErrorsAfterEach(() => d);
  let email: string;
  let customer: Match;
  beforeAll(async () => {
    d = await startDashboard();
    // A customer seen on several channels, with merged identifiers and a timeline longer than two
    // pages of 25: the 360 has the most to show, and "load more" has a page to load.
    const [row] = await d.server.query(
      `SELECT i.value FROM identities i JOIN customers c ON c.id = i.customer_id
        WHERE i.kind = 'email' AND c.id = c.canonical_id
          AND (SELECT count(*) FROM identities j WHERE j.customer_id = c.id AND j.kind <> 'anonymous_id') >= 2
          AND (SELECT count(*) FROM events e JOIN identities j ON j.id = e.identity_id
                 JOIN customers k ON k.id = j.customer_id WHERE k.canonical_id = c.id) > 50
        ORDER BY i.value LIMIT 1`,
    );
    email = String(row!.value);
    const found = await d.server.api<{ customers: Match[] }>(`/api/customers?q=${encodeURIComponent(email)}`);
    expect(found.body.customers).toHaveLength(1);
    customer = found.body.customers[0]!;
  });
  afterAll(async () => {
    await d?.close();
  });

  it("finds a customer by email and opens the timeline the API gives", async () => {
    const { page } = d;
    await d.open("/customers");
    await page.getByTestId("empty-state").waitFor();
    await page.getByLabel("Search customers").fill(email.toUpperCase());
    await page.getByTestId("customer-search-submit").click();
    await page.waitForURL(/\/customers\?q=/);
    const rows = page.getByTestId("customer-result");
    await rows.first().waitFor();
    expect(await rows.count()).toBe(1);
    expect(await rows.first().getAttribute("data-id")).toBe(String(customer.id));
    expect(await rows.first().textContent()).toContain(email);
    await d.screenshot("customers-search");

    await rows.first().getByRole("link").click();
    await page.waitForURL(new RegExp(`/customers/${customer.id}$`));
    const events = page.getByTestId("timeline-event");
    await events.first().waitFor();
    const api = await d.server.api<TimelinePage>(`/api/customers/${customer.id}/timeline?limit=25`);
    const shown = await messageIds(events);
    expect(shown).toEqual(api.body.events.map((e) => e.messageId));

    // "Load more" continues exactly where the API's next page starts.
    expect(api.body.events).toHaveLength(25);
    expect(api.body.nextCursor).toEqual(expect.any(String));
    const next = await d.server.api<TimelinePage>(
      `/api/customers/${customer.id}/timeline?limit=25&cursor=${encodeURIComponent(api.body.nextCursor!)}`,
    );
    expect(next.body.events).toHaveLength(25);
    await page.getByTestId("timeline-more").click();
    await expect.poll(() => events.count()).toBe(50);
    const all = await messageIds(events);
    expect(all.slice(25)).toEqual(next.body.events.map((e) => e.messageId));
    expect(new Set(all).size).toBe(50);
    d.expectNoErrors();
  });

  it("shows identifiers with merge evidence, the stage and its history", async () => {
    const { page } = d;
    const profile = await d.server.api<{
      identifiers: Array<{ kind: string; value: string }>;
      links: unknown[];
    }>(`/api/customers/${customer.id}`);
    const journey = await d.server.api<{ stage: string | null; history: unknown[] }>(
      `/api/customers/${customer.id}/journey`,
    );
    await d.open(`/customers/${customer.id}`);
    await page.getByTestId("customer-stage").waitFor();
    expect(await page.getByTestId("customer-stage").getAttribute("data-stage")).toBe(
      journey.body.stage ?? "",
    );
    expect(journey.body.stage).toBe(customer.stage);
    const identifiers = page.getByTestId("customer-identifier");
    expect(await identifiers.count()).toBe(profile.body.identifiers.length);
    const text = await page.getByTestId("customer-identifiers").textContent();
    for (const i of profile.body.identifiers) expect(text).toContain(i.value);
    if (profile.body.links.length > 0) await page.getByTestId("merge-evidence").waitFor();
    if (journey.body.history.length > 0) await page.getByTestId("stage-history").waitFor();
    await page.getByTestId("timeline-event").first().waitFor();
    await d.screenshot("customers-360");
    // Tablet width: the columns stack and the timeline scrolls inside its container.
    await page.setViewportSize({ width: 820, height: 1000 });
    await d.screenshot("customers-360-tablet");
    await page.setViewportSize({ width: 1280, height: 800 });
    d.expectNoErrors();
  });

  it("filters the timeline by channel through the URL", async () => {
    const { page } = d;
    const all = await d.server.api<TimelinePage>(`/api/customers/${customer.id}/timeline?limit=25`);
    const channel = all.body.events[0]!.channel;
    await d.open(`/customers/${customer.id}?channel=${channel}`);
    await page.getByTestId("timeline-event").first().waitFor();
    const api = await d.server.api<TimelinePage>(
      `/api/customers/${customer.id}/timeline?limit=25&channel=${channel}`,
    );
    const shown = await messageIds(page.getByTestId("timeline-event"));
    expect(shown).toEqual(api.body.events.map((e) => e.messageId));
    // Unticking the channel widens the timeline again and clears the URL.
    await page.getByTestId(`channel-chip-${channel}`).click();
    await page.waitForURL((url) => !url.search.includes("channel="));
    d.expectNoErrors();
  });

  it("reads in Korean", async () => {
    const { page } = d;
    await d.open(`/customers/${customer.id}`);
    await page.getByTestId("language-switch").getByText("한국어").click();
    await expect
      .poll(() => page.getByTestId("customer-timeline").locator("h3").textContent())
      .toBe("타임라인");
    await page.getByTestId("timeline-event").first().waitFor();
    await d.screenshot("customers-360-ko");
    await d.open(`/customers?q=${encodeURIComponent(email)}`);
    await page.getByTestId("customer-result").first().waitFor();
    expect(await page.getByRole("heading", { level: 2 }).textContent()).toBe("고객");
    await d.screenshot("customers-search-ko");
    await page.getByTestId("language-switch").getByText("EN").click();
    d.expectNoErrors();
  });
});
