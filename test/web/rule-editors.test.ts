// The rule editors in a real browser (issue 15, item 8): a touchpoint made with the form (event, field
// and value picked from the suggestions, an operator) previews the API's numbers for the same draft,
// saves, and reopens with the same conditions and, in the JSON tab, the same definition; a persona's
// condition added with the form likewise.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { PersonaPreview, TouchpointPreview } from "../../src/journey/preview.js";
import { browserAvailable, dashboardForSuite } from "../helpers/browser.js";

/** Picks an option of an open Mantine combobox by its exact label. */
async function pick(page: Page, label: string): Promise<void> {
  await page.getByRole("option", { name: label, exact: true }).first().click();
}

describe.runIf(browserAvailable)("rule editors", () => {
  const d = dashboardForSuite();

  it("creates a touchpoint with the form, previews the API's count, and reopens it the same", async () => {
    const { page } = d;
    await d.open("/settings/touchpoints");
    await page.getByTestId("touchpoint-add").click();
    await page.getByTestId("touchpoint-name").fill("Long WISMO wait");
    const event = page.getByTestId("touchpoint-event");
    await event.fill("Support C");
    await pick(page, "Support Call");
    // A field and a value from the suggestions of this event's properties.
    await page.getByTestId("condition-add").click();
    await page.getByTestId("condition-0-field").fill("topi");
    await pick(page, "topic");
    await page.getByTestId("condition-0-value").fill("where_is");
    await pick(page, "where_is_my_order");
    await page.getByTestId("condition-add").click();
    await page.getByTestId("condition-1-field").fill("wait_sec");
    await pick(page, "wait_seconds");
    await page.getByTestId("condition-1-op").click();
    await pick(page, "at least");
    await page.getByTestId("condition-1-value").fill("600");

    const match = {
      type: "track",
      event: "Support Call",
      where: [
        { property: "topic", op: "eq", value: "where_is_my_order" },
        { property: "wait_seconds", op: "gte", value: 600 },
      ],
    };
    const api = await d.server.api<TouchpointPreview>("/api/touchpoints/preview", {
      body: { match, days: 30, examples: 5 },
    });
    expect(api.status).toBe(200);
    expect(api.body.events).toBeGreaterThan(0);
    const count = page.getByTestId("rule-preview-count");
    await expect.poll(() => count.getAttribute("data-events")).toBe(String(api.body.events));
    expect(await count.getAttribute("data-customers")).toBe(String(api.body.customers));
    // Checked after every rule before it, the catalogue's own WISMO call takes these events.
    expect(await page.getByTestId("rule-preview-taken").getAttribute("data-taken")).toBe(
      String(api.body.takenByOthers),
    );
    expect(await page.getByTestId("rule-preview-taken").textContent()).toContain("Where-is-my-order call");
    await page.getByTestId("rule-preview-examples").waitFor();
    await d.screenshot("rule-editor-touchpoint");

    await page.getByTestId("touchpoint-save").click();
    await page.getByTestId("touchpoint-form").waitFor({ state: "detached" });
    const list = await d.server.api<{ items: Array<Record<string, unknown> & { id: string }> }>(
      "/api/touchpoints",
    );
    const saved = list.body.items.find((t) => t.id === "long-wismo-wait");
    expect(saved).toMatchObject({ name: "Long WISMO wait", match });

    // Reopened: the same conditions in the form, the same definition in the JSON tab.
    const row = page.locator('[data-testid="touchpoint-row"][data-id="long-wismo-wait"]');
    await row.getByTestId("touchpoint-edit").click();
    expect(await page.getByTestId("touchpoint-event").inputValue()).toBe("Support Call");
    expect(await page.getByTestId("condition-0-field").inputValue()).toBe("topic");
    expect(await page.getByTestId("condition-0-op").inputValue()).toBe("equals");
    expect(await page.getByTestId("condition-0-value").inputValue()).toBe("where_is_my_order");
    expect(await page.getByTestId("condition-1-field").inputValue()).toBe("wait_seconds");
    expect(await page.getByTestId("condition-1-op").inputValue()).toBe("at least");
    expect(await page.getByTestId("condition-1-value").inputValue()).toBe("600");
    await page.getByTestId("touchpoint-editor-json").click();
    const { id: _id, ...definition } = saved!;
    const text = await page.getByTestId("touchpoint-editor-text").inputValue();
    expect(JSON.parse(text)).toEqual(definition);
    // A change in the JSON tab shows in the form.
    const edited = { ...definition, match: { ...match, where: [match.where[0]] } };
    await page.getByTestId("touchpoint-editor-text").fill(JSON.stringify(edited));
    await page.getByTestId("touchpoint-editor-form").click();
    expect(await page.getByTestId("condition-0-field").inputValue()).toBe("topic");
    expect(await page.getByTestId("condition-1-field").count()).toBe(0);
    await page.getByTestId("touchpoint-form").getByRole("button", { name: "Cancel" }).click();
    d.expectNoErrors();
  });

  it("adds a persona condition with the form, previews the API's count, saves and reopens it the same", async () => {
    const { page } = d;
    const personas = await d.server.api<{
      items: Array<{ id: string; match: string; conditions: unknown[]; name: string }>;
    }>("/api/personas");
    const target = personas.body.items[1]!;
    await d.open("/settings/personas");
    const card = page.locator(`[data-testid="persona-card"][data-id="${target.id}"]`);
    await card.getByTestId("persona-edit").click();
    const n = target.conditions.length;
    await page.getByTestId("persona-condition-add").click();
    await page.getByTestId(`persona-condition-${n}-trait-field`).fill("ag");
    await pick(page, "age");
    await page.getByTestId(`persona-condition-${n}-trait-op`).click();
    await pick(page, "at least");
    await page.getByTestId(`persona-condition-${n}-trait-value`).fill("40");

    const conditions = [...target.conditions, { trait: "age", op: "gte", value: 40 }];
    const api = await d.server.api<PersonaPreview>("/api/personas/preview", {
      body: { match: target.match, conditions, replaces: target.id, examples: 5 },
    });
    expect(api.status).toBe(200);
    const count = page.getByTestId("rule-preview-count");
    await expect.poll(() => count.getAttribute("data-customers")).toBe(String(api.body.customers));
    await d.screenshot("rule-editor-persona");

    await page.getByTestId("persona-save").click();
    await page.getByTestId("persona-form").waitFor({ state: "detached" });
    const after = await d.server.api<{ items: Array<{ id: string; match: string; conditions: unknown[] }> }>(
      "/api/personas",
    );
    const saved = after.body.items.find((p) => p.id === target.id)!;
    expect(saved.conditions).toEqual(conditions);

    await card.getByTestId("persona-edit").click();
    expect(await page.getByTestId(`persona-condition-${n}-trait-field`).inputValue()).toBe("age");
    expect(await page.getByTestId(`persona-condition-${n}-trait-value`).inputValue()).toBe("40");
    await page.getByTestId("persona-editor-json").click();
    const text = await page.getByTestId("persona-editor-text").inputValue();
    expect(JSON.parse(text)).toEqual({ match: saved.match, conditions: saved.conditions });
    await page.getByTestId("persona-form").getByRole("button", { name: "Cancel" }).click();
    d.expectNoErrors();
  });
});
