// The audit log tab in a real browser: an admin sees the changes just made (by the API token and by the
// admin's own clicks) with who, when, action and target, filters them by kind and opens before/after; in
// Korean the tab and headings are Korean; an analyst sees no such tab and is refused it plainly.
import { beforeAll, describe, expect, it } from "vitest";
import type { AuditPage } from "../../src/audit/log.js";
import { ADMIN, browserAvailable, dashboardForSuite, switchLanguage } from "../helpers/browser.js";

interface Touchpoint {
  id: string;
  name: string;
}

const ANALYST = { email: "audit-analyst@example.test", password: "cobalt meadow violin 4821 tide" };

describe.runIf(browserAvailable)("audit log", () => {
  const d = dashboardForSuite();
  const refused: string[] = [];
  let touchpoint: Touchpoint;
  const renamed = "Renamed For Audit";

  beforeAll(async () => {
    d.page.on("response", (r) => {
      if (r.status() === 403) refused.push(`${r.request().method()} ${new URL(r.url()).pathname}`);
    });
    const list = await d.server.api<{ items: Touchpoint[] }>("/api/touchpoints");
    touchpoint = list.body.items[0]!;
    const patched = await d.server.api(`/api/touchpoints/${touchpoint.id}`, {
      method: "PATCH",
      body: { name: renamed },
    });
    expect(patched.status).toBe(200);
    const analyst = await d.server.api("/api/accounts", {
      body: { ...ANALYST, name: "Audit Analyst", role: "analyst" },
    });
    expect(analyst.status, JSON.stringify(analyst.body)).toBe(201);
  });

  it("an admin sees the tab with the entries, newest first, and opens one's before and after", async () => {
    const { page } = d;
    // A change made in the browser is the signed-in admin's.
    await d.open("/settings/keys");
    await page.getByTestId("credential-name").fill("Audited site");
    await page.getByTestId("credential-create").click();
    await page.getByTestId("secret-done").click();

    await page.getByTestId("tab-audit").click();
    await page.waitForURL(/\/settings\/audit$/);
    const rows = page.getByTestId("audit-row");
    await rows.first().waitFor();
    const first = rows.nth(0);
    expect(await first.getAttribute("data-action")).toBe("write_key.create");
    expect(await first.textContent()).toContain(ADMIN.email);
    const second = page.locator('[data-testid="audit-row"][data-action="touchpoint.update"]');
    expect(await second.count()).toBe(1);
    expect(await second.getByTestId("audit-target").textContent()).toBe(touchpoint.id);
    // The first-run API token the harness changed it with.
    expect(await second.textContent()).toContain("API token");

    await second.getByTestId("audit-open").click();
    const entry = page.getByTestId("audit-entry");
    await entry.waitFor();
    const before = JSON.parse((await entry.getByTestId("audit-before").textContent()) ?? "null");
    const after = JSON.parse((await entry.getByTestId("audit-after").textContent()) ?? "null");
    expect(before).toMatchObject({ id: touchpoint.id, name: touchpoint.name });
    expect(after).toMatchObject({ id: touchpoint.id, name: renamed });
    await d.screenshot("settings-audit-entry");
    await page.keyboard.press("Escape");
    await entry.waitFor({ state: "detached" });
    d.expectNoErrors();
  });

  it("filters by kind of change, kept in the URL", async () => {
    const { page } = d;
    await d.open("/settings/audit");
    await page.getByTestId("audit-row").first().waitFor();
    await page.getByTestId("audit-filter").click();
    await page.getByRole("option", { name: "Touchpoints" }).click();
    await page.waitForURL(/action=touchpoint\./);
    const shown = async () => {
      const out: string[] = [];
      for (const row of await page.getByTestId("audit-row").all())
        out.push(`${await row.getAttribute("data-action")} ${await row.getAttribute("data-id")}`);
      return out;
    };
    const expected = async (prefix: string) =>
      (await d.server.api<AuditPage>(`/api/audit?action=${prefix}`)).body.items.map(
        (e) => `${e.action} ${e.id}`,
      );
    await expect.poll(shown).toEqual(await expected("touchpoint."));
    expect((await shown()).length).toBe(1);
    await d.open("/settings/audit?action=account.");
    const accounts = await expected("account.");
    // The admin this test signs in as, and the analyst made through the API.
    expect(accounts.length).toBeGreaterThanOrEqual(2);
    expect(accounts.every((a) => a.startsWith("account.create "))).toBe(true);
    await expect.poll(shown).toEqual(accounts);
    await d.screenshot("settings-audit");
    d.expectNoErrors();
  });

  it("reads in Korean", async () => {
    const { page } = d;
    await d.open("/settings/audit");
    await switchLanguage(page, "ko");
    await expect.poll(() => page.getByTestId("tab-audit").textContent()).toBe("감사 로그");
    expect(await page.getByTestId("settings-audit").textContent()).toContain("누가");
    await d.screenshot("settings-audit-ko");
    await switchLanguage(page, "en");
    await expect.poll(() => page.getByTestId("tab-audit").textContent()).toBe("Audit log");
    d.expectNoErrors();
  });

  it("an analyst has no audit tab and is refused the page without a 403", async () => {
    const { page } = d;
    await d.context.clearCookies();
    const res = await d.context.request.post("/api/auth/login", { data: ANALYST });
    expect(res.status()).toBe(200);
    await d.open("/settings/touchpoints");
    await page.getByTestId("tab-touchpoints").waitFor();
    const tabs: Array<string | null> = [];
    for (const tab of await page.locator('[role="tablist"] [data-testid^="tab-"]').all())
      tabs.push(await tab.getAttribute("data-testid"));
    expect(tabs).toEqual(["tab-touchpoints", "tab-stages", "tab-personas"]);
    await d.open("/settings/audit");
    await page.getByTestId("no-access").waitFor();
    expect(await page.getByTestId("settings-audit").count()).toBe(0);
    expect(refused).toEqual([]);
    d.expectNoErrors();
  });
});
