// Roles in a real browser: accounts of each role (made through the API with the admin token) see exactly
// the navigation and settings tabs their permissions allow, land on a view they may use, get a plain
// "no access" state (and no 403s) on a view they may not, and an admin changes a role in the Accounts tab.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ADMIN,
  browserAvailable,
  checkErrorsAfterEach,
  type Dashboard,
  startDashboard,
} from "../helpers/browser.js";

type Role = "admin" | "analyst" | "marketer" | "agent" | "viewer";
const PASSWORD = "plum harbor quartz lantern 7391";
const email = (role: Role) => `role-${role}@example.test`;

const ANALYSES = [
  "nav-overview",
  "nav-journey-map",
  "nav-funnels",
  "nav-paths",
  "nav-retention",
  "nav-stage-flow",
  "nav-time-to-convert",
  "nav-frictions",
  "nav-saved",
  "nav-boards",
];
// The Live view needs what the analyses need (analytics.read), and comes after Customers.
const ALL = [...ANALYSES, "nav-customers", "nav-live", "nav-settings"];
const JOURNEY_TABS = ["tab-touchpoints", "tab-stages", "tab-personas"];

interface Account {
  id: string;
  email: string;
  role: Role;
}

describe.runIf(browserAvailable)("roles", () => {
  let d: Dashboard;
  checkErrorsAfterEach(() => d);
  /** Every response with status 403 the page received: a role-aware dashboard asks for none. */
  const refused: string[] = [];
  const ids = new Map<Role, string>();

  beforeAll(async () => {
    d = await startDashboard({ signedIn: false });
    d.page.on("response", (r) => {
      if (r.status() === 403) refused.push(`${r.request().method()} ${new URL(r.url()).pathname}`);
    });
    for (const role of ["admin", "analyst", "marketer", "agent", "viewer"] as const) {
      const res = await d.server.api<{ account: Account }>("/api/accounts", {
        method: "POST",
        body: { email: email(role), name: `Role ${role}`, role, password: PASSWORD },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.account.role).toBe(role);
      ids.set(role, res.body.account.id);
    }
  });
  afterAll(async () => {
    await d?.close();
  });

  async function signInAs(who: string, password = PASSWORD) {
    await d.context.clearCookies();
    const res = await d.context.request.post("/api/auth/login", { data: { email: who, password } });
    expect(res.status()).toBe(200);
  }

  /** The test ids of what a selector finds, in page order, once the first is on screen. */
  async function testIds(page: Page, selector: string): Promise<string[]> {
    await page.locator(selector).first().waitFor();
    const found = await page.locator(selector).all();
    return Promise.all(found.map(async (l) => (await l.getAttribute("data-testid")) ?? ""));
  }
  /** The navigation's entries, in order. */
  const navItems = (page: Page) => testIds(page, 'nav [data-testid^="nav-"]');
  const settingsTabs = (page: Page) => testIds(page, '[role="tablist"] [data-testid^="tab-"]');

  /** An option of the role picker that is open (each picker keeps its closed list in the page). */
  const option = (page: Page, role: Role) => page.locator(`[data-testid="role-option-${role}"]:visible`);

  /** The journey map with the customers behind a number open, and whether the 360 and lanes are offered. */
  async function journeyMapOffers(page: Page) {
    await d.open("/journey-map?audience=stage:purchase:reached");
    await page.getByTestId("customer-list-total").waitFor();
    const lane = page.getByTestId("jm-lane-purchase-goals");
    await lane.waitFor();
    return {
      customerLinks: await page.locator('[data-testid="customer-list"] a[href^="/customers/"]').count(),
      rows: await page.locator('[data-testid="customer-list"] tbody tr').count(),
      laneEditable: (await lane.getAttribute("role")) === "button",
    };
  }

  async function expectNoAccess(page: Page, path: string) {
    await d.open(path);
    await page.getByTestId("no-access").waitFor();
    expect(await page.getByTestId("no-access").textContent()).toContain("No access to this page");
    expect(await page.getByTestId("error-state").count()).toBe(0);
  }

  it("an agent signs in to Customers, sees only Customers, and is refused analyses plainly", async () => {
    const { page } = d;
    await d.context.clearCookies();
    await d.open("/sign-in");
    await page.getByLabel("Email").fill(email("agent"));
    await page.getByRole("textbox", { name: "Password" }).fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    // The landing page is the first view the role may use.
    await page.waitForURL((url) => url.pathname === "/customers");
    expect(await navItems(page)).toEqual(["nav-customers"]);
    await page.getByTestId("customer-search-input").waitFor();
    // What an agent is for: find one customer and open their 360, with nothing refused on the way.
    const [row] = await d.server.query(
      `SELECT i.value FROM identities i JOIN customers c ON c.id = i.customer_id
        WHERE i.kind = 'email' AND c.id = c.canonical_id ORDER BY i.value LIMIT 1`,
    );
    await page.getByTestId("customer-search-input").fill(String(row!.value));
    await page.getByTestId("customer-search-submit").click();
    await page.getByTestId("customer-result").first().getByRole("link").click();
    await page.getByTestId("customer-360").waitFor();
    await page.getByTestId("timeline-event").first().waitFor();
    await page.getByTestId("customer-stage").first().waitFor();

    await expectNoAccess(page, "/funnels");
    expect(await page.getByTestId("no-access").textContent()).toContain("Agent");
    await d.screenshot("roles-agent-no-access");
    await page.getByTestId("no-access-home").click();
    await page.waitForURL((url) => url.pathname === "/customers");
    await expectNoAccess(page, "/journey-map");
    await expectNoAccess(page, "/settings/keys");
    // Settings without a tab the role may see is refused too, not sent to a tab that would fail.
    await expectNoAccess(page, "/settings");
    await d.open("/");
    await page.waitForURL((url) => url.pathname === "/customers");
    expect(refused).toEqual([]);
    d.expectNoErrors();
  });

  it("a viewer reads the analyses but not customers, keys, tokens or accounts; journey settings read-only", async () => {
    const { page } = d;
    await signInAs(email("viewer"));
    await d.open("/");
    expect(await navItems(page)).toEqual([...ANALYSES, "nav-live", "nav-settings"]);
    await page.getByTestId("overview").waitFor();
    // Every analysis opens without a refused request or an error.
    for (const path of ANALYSES.slice(1).map((n) => `/${n.slice("nav-".length)}`)) {
      await d.open(path);
      await page.waitForLoadState("networkidle");
      expect(await page.getByTestId("no-access").count(), path).toBe(0);
      expect(await page.getByTestId("error-state").count(), path).toBe(0);
    }
    // Saved views and boards are read, not written: no Save action, no new board.
    await d.open("/funnels");
    await page.getByTestId("funnels-view").waitFor();
    expect(await page.getByTestId("save-view").count()).toBe(0);
    await d.open("/boards");
    await page.getByTestId("boards-page").waitFor();
    expect(await page.getByTestId("board-create").count()).toBe(0);
    // The customers behind a number are listed, but not linked to a 360 it may not open; lanes only read.
    const offers = await journeyMapOffers(page);
    expect(offers.rows).toBeGreaterThan(0);
    expect(offers).toMatchObject({ customerLinks: 0, laneEditable: false });
    await expectNoAccess(page, "/customers");
    await expectNoAccess(page, "/customers/1");
    await expectNoAccess(page, "/settings/accounts");
    await expectNoAccess(page, "/settings/tokens");
    await d.open("/settings");
    await page.waitForURL(/\/settings\/touchpoints$/);
    expect(await settingsTabs(page)).toEqual(JOURNEY_TABS);
    await page.getByTestId("touchpoint-row").first().waitFor();
    await page.getByTestId("read-only").waitFor();
    expect(await page.getByTestId("touchpoint-add").count()).toBe(0);
    expect(await page.getByTestId("touchpoint-edit").count()).toBe(0);
    await d.open("/settings/stages");
    await page.getByTestId("stage-row").first().waitFor();
    expect(await page.getByTestId("stages-save").isVisible()).toBe(false);
    expect(await page.getByTestId("stage-name").first().isDisabled()).toBe(true);
    await d.screenshot("roles-viewer-stages");
    expect(refused).toEqual([]);
    d.expectNoErrors();
  });

  it("an analyst has every view and edits the journey, but has no keys, tokens or accounts tabs", async () => {
    const { page } = d;
    await signInAs(email("analyst"));
    await d.open("/");
    expect(await navItems(page)).toEqual(ALL);
    await d.open("/funnels");
    await page.getByTestId("funnels-view").waitFor();
    expect(await page.getByTestId("save-view").count()).toBe(1);
    const offers = await journeyMapOffers(page);
    expect(offers.customerLinks).toBe(offers.rows);
    expect(offers.laneEditable).toBe(true);
    await d.open("/settings");
    await page.waitForURL(/\/settings\/touchpoints$/);
    expect(await settingsTabs(page)).toEqual(JOURNEY_TABS);
    await page.getByTestId("touchpoint-row").first().waitFor();
    expect(await page.getByTestId("touchpoint-add").count()).toBe(1);
    expect(await page.getByTestId("touchpoint-edit").count()).toBe(
      await page.getByTestId("touchpoint-row").count(),
    );
    expect(await page.getByTestId("read-only").count()).toBe(0);
    await expectNoAccess(page, "/settings/keys");
    await expectNoAccess(page, "/settings/accounts");
    expect(refused).toEqual([]);
    d.expectNoErrors();
  });

  it("a marketer has every view but the journey (settings and map lanes) only to read", async () => {
    const { page } = d;
    await signInAs(email("marketer"));
    expect((await journeyMapOffers(page)).laneEditable).toBe(false);
    await d.open("/settings/personas");
    expect(await navItems(page)).toEqual(ALL);
    expect(await settingsTabs(page)).toEqual(JOURNEY_TABS);
    await page.getByTestId("persona-card").first().waitFor();
    await page.getByTestId("read-only").waitFor();
    expect(await page.getByTestId("persona-add").count()).toBe(0);
    expect(await page.getByTestId("persona-edit").count()).toBe(0);
    expect(refused).toEqual([]);
    d.expectNoErrors();
  });

  it("an admin sees everything, makes a token with a role, and changes another account's role", async () => {
    const { page } = d;
    await signInAs(ADMIN.email, ADMIN.password);
    await d.open("/settings/tokens");
    expect(await navItems(page)).toEqual(ALL);
    const tabs = await settingsTabs(page);
    // Another tab (the audit log) may join; these six are the ones this suite knows.
    expect(tabs.filter((t) => t !== "tab-audit")).toEqual([
      "tab-keys",
      "tab-tokens",
      ...JOURNEY_TABS,
      "tab-accounts",
    ]);

    // An API token asks for its role (analyst unless chosen) and the list shows it.
    expect(await page.getByTestId("token-role").inputValue()).toBe("Analyst");
    await page.getByTestId("credential-name").fill("Dashboard reader");
    await page.getByTestId("token-role").click();
    await option(page, "viewer").click();
    expect(await page.getByTestId("token-role-info").textContent()).toContain("personal data hidden");
    await page.getByTestId("credential-create").click();
    const token = (await page.getByTestId("secret-value").textContent())?.trim() ?? "";
    await page.getByTestId("secret-done").click();
    const me = await d.server.api<{ kind: string; role: string }>("/api/auth/me", { token });
    expect(me.body).toMatchObject({ kind: "token", role: "viewer" });
    const row = page.locator('[data-testid="credential-row"][data-name="Dashboard reader"]');
    expect(await row.getAttribute("data-role")).toBe("viewer");
    expect(await row.getByTestId("credential-role").textContent()).toBe("Viewer");

    // Accounts: each row's role; one's own cannot be changed or disabled here.
    await page.getByTestId("tab-accounts").click();
    const own = page.locator(`[data-testid="account-row"][data-email="${ADMIN.email}"]`);
    await own.waitFor();
    expect(await own.getByTestId("account-role").textContent()).toBe("Admin");
    expect(await own.getByTestId("account-role-select").count()).toBe(0);
    expect(await own.getByTestId("account-disable").count()).toBe(0);
    const viewer = page.locator(`[data-testid="account-row"][data-email="${email("viewer")}"]`);
    expect(await viewer.getAttribute("data-role")).toBe("viewer");
    expect(await viewer.getByTestId("account-role-select").inputValue()).toBe("Viewer");

    // The picker offers the five roles, each with what it may do.
    await viewer.getByTestId("account-role-select").click();
    for (const role of ["admin", "analyst", "marketer", "agent", "viewer"] as const)
      await option(page, role).waitFor();
    expect(await option(page, "agent").textContent()).toContain("one customer at a time");
    await d.screenshot("roles-accounts-picker");
    await option(page, "agent").click();
    await expect.poll(() => viewer.getAttribute("data-role")).toBe("agent");
    const accounts = await d.server.api<{ items: Account[] }>("/api/accounts");
    expect(accounts.body.items.find((a) => a.id === ids.get("viewer"))?.role).toBe("agent");
    expect(await viewer.getByTestId("account-role-select").inputValue()).toBe("Agent");

    // In Korean the roles have Korean names.
    await page.getByTestId("language-switch").getByText("한국어").click();
    await expect.poll(() => own.getByTestId("account-role").textContent()).toBe("관리자");
    expect(await viewer.getByTestId("account-role-select").inputValue()).toBe("상담원");
    await d.screenshot("roles-accounts-ko");
    await page.getByTestId("language-switch").getByText("EN").click();
    expect(refused).toEqual([]);
    d.expectNoErrors();

    // The changed account now signs in as an agent.
    await signInAs(email("viewer"));
    await d.open("/");
    await page.waitForURL((url) => url.pathname === "/customers");
    expect(await navItems(page)).toEqual(["nav-customers"]);
    expect(refused).toEqual([]);
    d.expectNoErrors();
  });

  it("follows a role changed while signed in at the first refused request", async () => {
    const { page } = d;
    await signInAs(email("marketer"));
    await d.open("/funnels");
    expect(await navItems(page)).toEqual(ALL);
    const changed = await d.server.api<Account>(`/api/accounts/${ids.get("marketer")}`, {
      method: "PATCH",
      body: { role: "agent" },
    });
    expect(changed.body.role).toBe("agent");
    refused.length = 0;
    // A move inside the page: the dashboard still believes "marketer" until the server refuses.
    await page.getByTestId("nav-frictions").click();
    await page.getByTestId("no-access").waitFor();
    await expect.poll(() => navItems(page)).toEqual(["nav-customers"]);
    expect(await page.getByTestId("no-access").textContent()).toContain("Agent");
    expect(refused).toEqual(["GET /api/frictions"]);
    d.expectNoErrors(["GET /api/frictions 403"]);
  });
});
