// Accessibility checks in the browser tests: axe-core, read from node_modules (nothing is downloaded),
// runs in the page as it stands and reports what a person with a screen reader, a keyboard or low vision
// would hit, one readable line per element, so a failing test says what to fix and where.
import fs from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/**
 * The rules axe runs. WCAG 2.0 and 2.1 at levels A and AA are what the laws that reach a dashboard ask
 * for (EN 301 549 in Europe, Section 508 in the US, KWCAG in Korea all point at AA); 2.2's AA adds the
 * minimum target size. AAA is left out (7:1 contrast is not a bar any of them set), and so are axe's
 * "experimental" rules (they change between releases). Axe's best practices are in: they catch what
 * WCAG words loosely but a screen reader feels at once (content outside landmarks, landmarks without
 * names, an empty table header). Only serious and critical findings fail a test (`seriousViolations`).
 */
export const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] as const;

export type Impact = "minor" | "moderate" | "serious" | "critical";

export interface Violation {
  id: string;
  impact: Impact | null;
  help: string;
  helpUrl: string;
  nodes: Array<{ target: unknown[]; html: string; failureSummary?: string }>;
}

/** How many elements of one rule a report shows (the rest are counted). */
const SHOWN_NODES = 4;

/** Loads axe-core into the page once (a navigation drops it, so it is loaded again after one). */
async function ensureAxe(page: Page): Promise<void> {
  const present = await page.evaluate("typeof window.axe === 'object'");
  if (present) return;
  // Evaluated over the DevTools protocol, not added as a <script>: the dashboard's Content Security
  // Policy refuses inline scripts, as it should.
  await page.evaluate(`${AXE_SOURCE}\n;undefined`);
}

/** Every violation axe finds in the page now, of any impact. */
export async function axeViolations(page: Page): Promise<Violation[]> {
  await ensureAxe(page);
  const tags = JSON.stringify(AXE_TAGS);
  return (await page.evaluate(`window.axe.run(document, {
    runOnly: { type: "tag", values: ${tags} },
    resultTypes: ["violations"],
  }).then((r) => r.violations.map((v) => ({
    id: v.id, impact: v.impact ?? null, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, failureSummary: n.failureSummary })),
  })))`)) as Violation[];
}

/** One violation as lines a person can act on: the rule, its impact and help, and the first elements. */
export function formatViolation(v: Violation): string {
  const lines = [`${v.id} (${v.impact ?? "no impact"}): ${v.help} — ${v.helpUrl}`];
  for (const n of v.nodes.slice(0, SHOWN_NODES)) {
    const html = n.html.replace(/\s+/g, " ").slice(0, 240);
    lines.push(`  at ${n.target.map((t) => JSON.stringify(t)).join(" > ")}`, `     ${html}`);
    const why = n.failureSummary?.split("\n").slice(1, 3).join(" ").trim();
    if (why) lines.push(`     ${why}`);
  }
  if (v.nodes.length > SHOWN_NODES) lines.push(`  … and ${v.nodes.length - SHOWN_NODES} more elements`);
  return lines.join("\n");
}

/** The serious and critical violations in the page now, each formatted by `formatViolation`. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const found = await axeViolations(page);
  return found.filter((v) => v.impact === "serious" || v.impact === "critical").map(formatViolation);
}
