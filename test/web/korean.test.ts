// The whole dashboard in Korean (issue 15): switched to 한국어 with the shell's language switch, every view
// of the demo world (a friction opened, a customer's page, each settings tab) shows no English prose. What
// may stay in Latin letters is what the brand itself chose or what is a code: event, property, touchpoint,
// persona and stage names and the rest of the configuration (read from the API), the data's own values
// (a customer's events, traits and properties), emails, ids and versions, numbers and units, and
// upper-case codes such as NPS, CSAT, CES, ID, CSV, JSON, URL, API. Any other Latin word fails the test
// with the line it stood in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FrictionList } from "../../src/analytics/frictions/schema.js";
import { ViewKinds } from "../../src/saved/schema.js";
import {
  browserAvailable,
  checkErrorsAfterEach,
  type Dashboard,
  startDashboard,
} from "../helpers/browser.js";

/** Ids the views' paths need, read from the API before the visits. */
interface Context {
  frictionId: string;
  customerId: number;
  email: string;
  boardId: string;
}

interface View {
  name: string;
  path: (c: Context) => string;
  /** A test id that is on the page once its data has arrived. */
  ready: string;
  /** The view keeps a stream open (no network idle to wait for). */
  streams?: boolean;
}

/** Every view of the dashboard: add a view here when it is added to the navigation. */
const VIEWS: View[] = [
  { name: "overview", path: () => "/", ready: "top-friction" },
  { name: "journey map", path: () => "/journey-map", ready: "jm-pain" },
  { name: "funnels", path: () => "/funnels", ready: "funnel-table" },
  { name: "paths", path: () => "/paths", ready: "path-row" },
  { name: "retention", path: () => "/retention", ready: "cohort-row" },
  { name: "stage flow", path: () => "/stage-flow", ready: "stage-flow-link" },
  { name: "time to convert", path: () => "/time-to-convert", ready: "ttc-histogram" },
  { name: "frictions", path: () => "/frictions", ready: "friction-row" },
  {
    name: "a friction",
    path: (c) => `/frictions?id=${encodeURIComponent(c.frictionId)}`,
    ready: "friction-customers-total",
  },
  { name: "customers", path: (c) => `/customers?q=${encodeURIComponent(c.email)}`, ready: "customer-result" },
  { name: "a customer", path: (c) => `/customers/${c.customerId}`, ready: "timeline-event" },
  // The Live view holds its event stream open: the network never goes idle there.
  { name: "live", path: () => "/live", ready: "live-waiting", streams: true },
  { name: "saved views", path: () => "/saved", ready: "saved-row" },
  { name: "boards", path: () => "/boards", ready: "board-card" },
  { name: "a board", path: (c) => `/boards/${c.boardId}`, ready: "tile-funnel" },
  { name: "settings: keys", path: () => "/settings/keys", ready: "tab-keys" },
  { name: "settings: tokens", path: () => "/settings/tokens", ready: "tab-tokens" },
  { name: "settings: touchpoints", path: () => "/settings/touchpoints", ready: "touchpoint-row" },
  { name: "settings: stages", path: () => "/settings/stages", ready: "stage-row" },
  { name: "settings: personas", path: () => "/settings/personas", ready: "persona-card" },
  { name: "settings: accounts", path: () => "/settings/accounts", ready: "account-row" },
  { name: "settings: audit", path: () => "/settings/audit", ready: "audit-row" },
];

/**
 * Text in code elements (a rule's syntax, a segment, a secret) is left out of the reading. Codes that
 * read the same in every language (upper case up to five letters pass anyway): the product's
 * name, JSON's literals as a segment or a property shows them, HTTP's authentication schemes, units.
 */
const CODES = new Set(["Itinera", "true", "false", "null", "Basic", "Bearer", "pp"]);

/** Fields whose values are the product's own codes (a touchpoint's kind, a rule's operator), not names. */
const CODE_FIELDS = new Set(["kind", "op", "type", "role", "outcomeIs", "status", "action"]);
/** Objects whose keys are the brand's (property and trait names). */
const NAMED_KEYS = new Set(["properties", "traits", "context"]);

/** Every string in a JSON value but the codes, and the keys of its properties and traits. */
function strings(value: unknown, out: Set<string>, named = false): Set<string> {
  if (typeof value === "string") {
    if (value.length > 1) out.add(value);
  } else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) {
      if (named) out.add(k);
      if (!CODE_FIELDS.has(k)) strings(v, out, NAMED_KEYS.has(k));
    }
  return out;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The Latin words of `text` that are neither one of the brand's names nor a code, each with its line.
 * Names are taken out whole (not inside other words), the longest first.
 */
export function englishProse(text: string, names: Set<string>): string[] {
  const sorted = [...names].filter((n) => /[A-Za-z]/.test(n)).sort((a, b) => b.length - a.length);
  const found: string[] = [];
  for (const line of text.split("\n")) {
    let rest = line;
    // One alternation per thousand names keeps each regular expression a reasonable size.
    for (let i = 0; i < sorted.length; i += 1000) {
      const any = sorted
        .slice(i, i + 1000)
        .map(escapeRegExp)
        .join("|");
      rest = rest.replace(new RegExp(`(?<![A-Za-z0-9_.])(?:${any})(?![A-Za-z0-9_])`, "g"), " ");
    }
    for (const raw of rest.split(/\s+/)) {
      // Emails, URLs, ids, versions, keys and codes with digits or separators (account.create) are not
      // prose; a sentence's own punctuation is taken off first.
      const token = raw.replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
      if (/[0-9_@/:=#]/.test(raw) || /[.]/.test(token) || /^[^A-Za-z]*$/.test(token)) continue;
      for (const word of token.match(/[A-Za-z][A-Za-z'’]*/g) ?? []) {
        if (word.length < 2 || CODES.has(word) || /^[A-Z]{2,5}s?$/.test(word)) continue;
        found.push(`${word}  ←  ${line.trim().slice(0, 160)}`);
      }
    }
  }
  return [...new Set(found)];
}

describe.runIf(browserAvailable)("the dashboard in Korean", () => {
  let d: Dashboard;
  let context: Context;
  let names: Set<string>;
  checkErrorsAfterEach(() => d);

  beforeAll(async () => {
    d = await startDashboard();
    const api = async <T>(path: string): Promise<T> => {
      const res = await d.server.api<T>(path);
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      return res.body;
    };
    const frictions = await api<FrictionList>("/api/frictions");
    // A customer with an email and a timeline of some length.
    const [row] = await d.server.query(
      `SELECT i.value AS email, c.id FROM identities i JOIN customers c ON c.id = i.customer_id
        WHERE i.kind = 'email' AND c.id = c.canonical_id
          AND (SELECT count(*) FROM events e JOIN identities j ON j.id = e.identity_id
                 JOIN customers k ON k.id = j.customer_id WHERE k.canonical_id = c.id) > 30
        ORDER BY c.id LIMIT 1`,
    );
    const first = frictions.frictions.find((f) => f.kind === "drop-off") ?? frictions.frictions[0];
    if (!first || !row) throw new Error("the demo world has no friction or no customer");
    // A board with a saved view of every kind: their names are the brand's words, the tiles' are ours.
    const tiles: Array<{ view: string }> = [];
    for (const kind of ViewKinds) {
      const saved = await d.server.api<{ id: string }>("/api/views", {
        body: { kind, name: `Weekly ${kind}`, description: `Team notes on ${kind}`, state: {} },
      });
      if (saved.status !== 201) throw new Error(`saving a ${kind} view: ${saved.status}`);
      tiles.push({ view: saved.body.id });
    }
    const board = await d.server.api<{ id: string }>("/api/boards", {
      body: { name: "Monday review", description: "What the team looks at", tiles },
    });
    if (board.status !== 201) throw new Error(`creating the board: ${board.status}`);
    context = {
      frictionId: first.id,
      customerId: Number(row.id),
      email: String(row.email),
      boardId: board.body.id,
    };
    // The brand's own words: its configuration and its data, as the API gives them.
    names = new Set<string>();
    for (const path of [
      "/api/touchpoints",
      "/api/personas",
      "/api/journey-model",
      "/api/frictions/settings",
      "/api/accounts",
      "/api/keys",
      "/api/tokens",
      `/api/customers?q=${encodeURIComponent(context.email)}`,
      `/api/customers/${context.customerId}`,
      `/api/customers/${context.customerId}/timeline`,
      `/api/frictions/${encodeURIComponent(first.id)}/customers?limit=25`,
      "/api/views",
      "/api/boards",
    ])
      strings(await api(path), names);
    // The map's authored lanes are the brand's words; its pain points are findings and stay out.
    const map = await api<{ stages: Array<{ lanes: unknown }> }>("/api/journey-map");
    for (const s of map.stages) strings(s.lanes, names);
    const events = await api<{ items: Array<{ event: string; type: "track" }> }>(
      "/api/events/names?limit=500",
    );
    for (const e of events.items) {
      names.add(e.event);
      const props = await api<{ items: Array<{ property: string }> }>(
        `/api/events/properties?event=${encodeURIComponent(e.event)}&type=${e.type}&limit=200`,
      );
      for (const p of props.items) names.add(p.property.replace(/^(properties|context|traits)\./, ""));
    }
    // The test helper's own actor in the audit log (src/server/runtime.ts names Itinera's, translated).
    names.add("test setup");
    // Segment values and names of the findings (app versions, OS, campaigns) are the data's.
    for (const f of frictions.frictions) strings(f.segment, names);
  }, 120_000);
  afterAll(async () => {
    await d?.close();
  });

  it("tells brand names and codes from English prose", () => {
    const known = new Set(["Card charge", "order_id"]);
    expect(englishProse("Card charge: 결제 5.2% · order_id = 17 · NPS 42 · CSV · a@b.io", known)).toEqual([]);
    expect(englishProse("Card charge failed 결제", known).map((x) => x.split(" ")[0])).toEqual(["failed"]);
    expect(englishProse("Card charges", known)).toHaveLength(2);
    expect(englishProse("account.create · 실패했습니다. Done.", known).map((x) => x.split(" ")[0])).toEqual([
      "Done",
    ]);
  });

  it("shows no English prose on any view", async () => {
    const { page } = d;
    await d.open("/");
    await page.getByTestId("language-switch").getByText("한국어").click();
    await expect.poll(() => page.evaluate("document.documentElement.lang")).toBe("ko");
    const failures: string[] = [];
    for (const view of VIEWS) {
      await d.open(view.path(context));
      await page.getByTestId(view.ready).first().waitFor({ timeout: 30_000 });
      if (!view.streams) await page.waitForLoadState("networkidle");
      // Text in code elements is code (a rule's syntax, a segment, a secret): left out of the reading.
      const text = (await page.evaluate(`(() => {
        const style = document.createElement("style");
        style.textContent = "code, kbd, pre { display: none !important; }";
        document.head.append(style);
        const text = document.body.innerText;
        style.remove();
        return text;
      })()`)) as string;
      for (const word of englishProse(text, names)) failures.push(`${view.name}: ${word}`);
      await d.screenshot(`korean-${view.name.replace(/[^a-z]+/g, "-")}`);
    }
    expect(failures).toEqual([]);
  }, 300_000);
});
