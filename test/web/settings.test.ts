// Settings in a real browser: a write key made here is shown once and collects events until it is revoked;
// touchpoint, persona and stage edits reach the API; an account made here can sign in; in Korean too.
import { describe, expect, it } from "vitest";
import { browserAvailable, dashboardForSuite, switchLanguage } from "../helpers/browser.js";
import { basicAuth } from "../helpers/server.js";

interface Touchpoint {
  id: string;
  name: string;
  stage: string;
}

describe.runIf(browserAvailable)("settings", () => {
  const d = dashboardForSuite();

  const track = (key: string) =>
    d.server.raw<{ success?: boolean }>("/v1/track", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: basicAuth(key) },
      body: JSON.stringify({ userId: "settings-test-user", event: "Key Tested", properties: { from: "ui" } }),
    });

  it("creates a write key whose secret is shown once and collects events, then revokes it", async () => {
    const { page } = d;
    await d.open("/settings");
    await page.waitForURL(/\/settings\/keys$/);
    await page.getByTestId("credential-name").fill("Browser test site");
    await page.getByTestId("credential-create").click();
    const secret = (await page.getByTestId("secret-value").textContent())?.trim() ?? "";
    expect(secret.length).toBeGreaterThan(16);
    await d.screenshot("settings-keys-secret");
    await page.getByTestId("secret-done").click();
    await page.getByTestId("secret-value").waitFor({ state: "detached" });
    // Never shown again: the list has the name, not the secret.
    const row = page.locator('[data-testid="credential-row"][data-name="Browser test site"]');
    await row.waitFor();
    expect(await page.getByTestId("settings-keys").textContent()).not.toContain(secret);

    const accepted = await track(secret);
    expect(accepted.status).toBe(200);

    await row.getByTestId("credential-revoke").click();
    await page.getByTestId("confirm").click();
    await row.getByTestId("credential-revoked").waitFor();
    const refused = await track(secret);
    expect(refused.status).toBe(401);
    const keys = await d.server.api<{ items: Array<{ name: string; revokedAt: string | null }> }>(
      "/api/keys",
    );
    expect(keys.body.items.find((k) => k.name === "Browser test site")?.revokedAt).not.toBeNull();
    await d.screenshot("settings-keys");
    d.expectNoErrors();
  });

  it("creates an API token shown once that reads the API", async () => {
    const { page } = d;
    await d.open("/settings/tokens");
    await page.getByTestId("credential-name").fill("Nightly export");
    await page.getByTestId("credential-create").click();
    const token = (await page.getByTestId("secret-value").textContent())?.trim() ?? "";
    const me = await d.server.api<{ kind: string; token: string }>("/api/auth/me", { token });
    expect(me.body).toMatchObject({ kind: "token", token: "Nightly export" });
    await page.getByTestId("secret-done").click();
    await d.screenshot("settings-tokens");
    d.expectNoErrors();
  });

  it("edits a touchpoint through the form and the API has the change", async () => {
    const { page } = d;
    const before = await d.server.api<{ items: Touchpoint[] }>("/api/touchpoints");
    const target = before.body.items[0]!;
    await d.open("/settings/touchpoints");
    const row = page.locator(`[data-testid="touchpoint-row"][data-id="${target.id}"]`);
    await row.waitFor();
    await page.getByTestId("touchpoints-unmatched").locator("h3").waitFor();
    await d.screenshot("settings-touchpoints");
    await row.getByTestId("touchpoint-edit").click();
    const name = page.getByTestId("touchpoint-name");
    await name.fill("");
    await page.getByTestId("touchpoint-save").click();
    // An empty name is refused before anything is sent.
    await expect.poll(() => page.getByTestId("touchpoint-form").textContent()).toContain("Required");
    await name.fill(`${target.name} (renamed)`);
    await d.screenshot("settings-touchpoint-form");
    await page.getByTestId("touchpoint-save").click();
    await page.getByTestId("touchpoint-form").waitFor({ state: "detached" });
    await expect.poll(() => row.textContent()).toContain(`${target.name} (renamed)`);
    const after = await d.server.api<{ items: Touchpoint[] }>("/api/touchpoints");
    expect(after.body.items.find((t) => t.id === target.id)).toMatchObject({
      name: `${target.name} (renamed)`,
      stage: target.stage,
    });
    d.expectNoErrors();
  });

  it("shows the server's refusal of a touchpoint rule in the form", async () => {
    const { page } = d;
    await d.open("/settings/touchpoints");
    await page.getByTestId("touchpoint-add").click();
    await page.getByTestId("touchpoint-name").fill("Broken rule");
    await page.getByTestId("touchpoint-event").fill("Anything");
    await page.getByTestId("touchpoint-editor-json").click();
    await page.getByTestId("touchpoint-editor-text").fill(
      JSON.stringify({
        name: "Broken rule",
        stage: "awareness",
        match: { type: "track", event: "Anything", where: [{ property: "score", op: "gte" }] },
      }),
    );
    await page.getByTestId("touchpoint-save").click();
    await page.getByTestId("touchpoint-form").getByTestId("action-error").waitFor();
    expect(await page.getByTestId("action-error").textContent()).toContain("needs a value");
    d.expectNoErrors(["POST /api/touchpoints 400"]);
  });

  it("edits a persona's narrative and the API has it", async () => {
    const { page } = d;
    const personas = await d.server.api<{ items: Array<{ id: string; name: string; customers: number }> }>(
      "/api/personas",
    );
    const target = personas.body.items[0]!;
    await d.open("/settings/personas");
    const card = page.locator(`[data-testid="persona-card"][data-id="${target.id}"]`);
    await card.waitFor();
    expect(await card.getByTestId("persona-count").textContent()).toContain(String(target.customers));
    await d.screenshot("settings-personas");
    await card.getByTestId("persona-edit").click();
    await page.getByTestId("persona-summary-input").fill("Edited from the settings test.");
    await page.getByTestId("persona-save").click();
    await page.getByTestId("persona-form").waitFor({ state: "detached" });
    await expect
      .poll(() => card.getByTestId("persona-summary").textContent())
      .toBe("Edited from the settings test.");
    const after = await d.server.api<{ items: Array<{ id: string; narrative: { summary?: string } }> }>(
      "/api/personas",
    );
    expect(after.body.items.find((p) => p.id === target.id)?.narrative.summary).toBe(
      "Edited from the settings test.",
    );
    d.expectNoErrors();
  });

  it("saves the stages' lapse through PUT /api/journey-model", async () => {
    const { page } = d;
    await d.open("/settings/stages");
    await page.getByTestId("stage-row").first().waitFor();
    await d.screenshot("settings-stages");
    const days = page.getByTestId("lapse-days");
    await days.fill("60");
    await page.getByTestId("stages-save").click();
    await page.getByTestId("stages-saved").waitFor();
    const model = await d.server.api<{ lapse: { afterDays: number } | null }>("/api/journey-model");
    expect(model.body.lapse?.afterDays).toBe(60);
    d.expectNoErrors();
  });

  it("creates an account whose password is shown once and signs in", async () => {
    const { page } = d;
    await d.open("/settings/accounts");
    await page.getByTestId("account-row").first().waitFor();
    await page.getByTestId("account-add").click();
    await page.getByTestId("account-email").fill("not-an-email");
    await page.getByTestId("account-name").fill("Min Lee");
    await page.getByTestId("account-save").click();
    await expect.poll(() => page.getByTestId("account-form").textContent()).toContain("Not an email address");
    await page.getByTestId("account-email").fill("min.lee@itinera.test");
    await page.getByTestId("account-save").click();
    const password = (await page.getByTestId("secret-value").textContent())?.trim() ?? "";
    const login = await d.server.raw("/api/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "min.lee@itinera.test", password }),
    });
    expect(login.status).toBe(200);
    await page.getByTestId("secret-done").click();
    const row = page.locator('[data-testid="account-row"][data-email="min.lee@itinera.test"]');
    await row.waitFor();
    await row.getByTestId("account-disable").click();
    await page.getByTestId("confirm").click();
    await expect.poll(() => row.getByTestId("account-disable").count()).toBe(0);
    await d.screenshot("settings-accounts");
    d.expectNoErrors();
  });

  it("reads in Korean", async () => {
    const { page } = d;
    await d.open("/settings/touchpoints");
    await switchLanguage(page, "ko");
    await expect.poll(() => page.getByTestId("tab-touchpoints").textContent()).toBe("접점");
    await page.getByTestId("touchpoint-row").first().waitFor();
    await d.screenshot("settings-touchpoints-ko");
    await d.open("/settings/personas");
    await page.getByTestId("persona-card").first().waitFor();
    await d.screenshot("settings-personas-ko");
    await switchLanguage(page, "en");
    d.expectNoErrors();
  });
});
