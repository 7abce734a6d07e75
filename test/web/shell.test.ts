// The dashboard's frame in a real browser: served by `itinera serve` itself, sign-in and its redirects,
// the language switch, and the headers and caching the pages and assets get.
import { describe, expect, it } from "vitest";
import { ADMIN, browserAvailable, dashboardForSuite, switchLanguage } from "../helpers/browser.js";

describe.runIf(browserAvailable)("dashboard shell", () => {
  const d = dashboardForSuite({ signedIn: false });

  it("sends a visitor to sign-in, refuses a wrong password, and returns to the page asked for", async () => {
    const { page } = d;
    await d.open("/funnels?window=7d");
    await page.waitForURL(/\/sign-in\?next=/);
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByRole("textbox", { name: "Password" }).fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByTestId("sign-in-error").isVisible()).toBe(true);
    await d.screenshot("sign-in-error");
    await page.getByRole("textbox", { name: "Password" }).fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/funnels\?window=7d$/);
    await expect.poll(() => page.getByTestId("nav-funnels").getAttribute("aria-current")).toBe("page");
    // The wrong password's 401 is the one error the browser may log.
    d.expectNoErrors(["POST /api/auth/login 401"]);
  });

  it("switches the whole UI to Korean and keeps the choice after a reload", async () => {
    const { page } = d;
    await d.open("/");
    await switchLanguage(page, "ko");
    await expect.poll(() => page.getByTestId("nav-journey-map").textContent()).toBe("고객 여정 지도");
    expect(await page.locator("html").getAttribute("lang")).toBe("ko");
    await page.reload();
    await expect.poll(() => page.getByTestId("nav-frictions").textContent()).toBe("마찰 지점");
    await d.screenshot("shell-korean");
    await switchLanguage(page, "en");
    await expect.poll(() => page.getByTestId("nav-frictions").textContent()).toBe("Frictions");
    d.expectNoErrors();
  });

  it("works from the keyboard: skip link, sign-in form and navigation", async () => {
    const { page } = d;
    await d.context.clearCookies();
    await d.open("/sign-in");
    await page.getByLabel("Email").focus();
    await page.keyboard.type(ADMIN.email);
    await page.keyboard.press("Tab");
    await page.keyboard.type(ADMIN.password);
    await page.keyboard.press("Enter");
    await page.waitForURL((url) => url.pathname === "/");
    // A fresh page: the first Tab must reach the skip link.
    await d.open("/frictions");
    await page.getByTestId("nav-overview").waitFor();
    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "Skip to content" });
    await expect
      .poll(() => page.evaluate("document.activeElement && document.activeElement.textContent"))
      .toBe(await skip.textContent());
    await page.keyboard.press("Enter");
    await expect
      .poll(() => page.evaluate("document.activeElement && document.activeElement.id"))
      .toBe("main");
    await page.getByTestId("nav-retention").focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/retention/);
    d.expectNoErrors();
  });

  it("fits a tablet: the navigation folds behind a menu button", async () => {
    const { page } = d;
    await page.setViewportSize({ width: 820, height: 1180 });
    await d.open("/");
    const menu = page.getByRole("button", { name: "Menu" });
    await menu.waitFor();
    // A folded navigation is moved off the screen (not removed), so look at where it is.
    const onScreen = async () => {
      const box = await page.getByTestId("nav-retention").boundingBox();
      return box !== null && box.x + box.width > 0;
    };
    expect(await onScreen()).toBe(false);
    await menu.click();
    await expect.poll(onScreen).toBe(true);
    await page.getByTestId("nav-retention").click();
    await page.waitForURL(/\/retention/);
    await expect.poll(onScreen).toBe(false);
    await d.screenshot("shell-tablet");
    await page.setViewportSize({ width: 1280, height: 800 });
    d.expectNoErrors();
  });

  it("signs out and the API refuses the old session", async () => {
    const { page } = d;
    await d.open("/");
    await page.getByRole("button", { name: /Signed in as/ }).click();
    await page.getByTestId("sign-out").click();
    await page.waitForURL(/\/sign-in/);
    const me = await d.context.request.get("/api/auth/me");
    expect(me.status()).toBe(401);
    d.expectNoErrors();
  });

  it("serves pages with index.html and strict headers, assets cached and compressed, the API's 404 unchanged", async () => {
    const page = await d.server.raw<string>("/journey-map?persona=x", { headers: { accept: "text/html" } });
    expect(page.status).toBe(200);
    expect(String(page.body)).toContain('<div id="root">');
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(page.headers.get("cache-control")).toBe("no-cache");
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(String(page.body))?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(d.server.url + script, { headers: { "accept-encoding": "gzip" } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-encoding")).toBe("gzip");
    expect(asset.headers.get("cache-control")).toContain("immutable");
    const api404 = await d.server.raw("/api/no-such-thing", { headers: { accept: "text/html" } });
    expect(api404.status).toBe(404);
    expect(api404.body).toMatchObject({ error: { code: "not_found" } });
    const session = await d.server.raw("/api/auth/session", {});
    expect(session.body).toEqual({ account: null, permissions: [] });
  });
});
