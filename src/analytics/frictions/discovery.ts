// The steps the finder measures: the configured ones, and the ones found in the data — the frequent
// consecutive transitions A → B between track events, so a data set with names of its own has its steps
// checked without configuration. One windowed pass over the period's events (names and times only, no
// JSON), per identity: an identity is a customer's device or account, and a step happens on one of them.
import { createHash } from "node:crypto";
import { all } from "../../store/database.js";
import { Params } from "../../store/sql.js";
import { type Detection, inPeriod, num } from "./detector.js";
import { defaultStepDiscovery, type StepDefinition } from "./settings.js";

/** A step as the detectors measure it: configured, or discovered in the data. */
export type Step = StepDefinition & { discovered: boolean };

/** The discovery's settings, its defaults where stored settings predate it. */
export const discoveryOf = (d: Detection) => d.settings.discovery ?? defaultStepDiscovery;

/** A stable, url-safe id for a discovered step: readable names and a hash of the pair. */
export function discoveredId(start: string, outcome: string): string {
  const slug = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 13)
      .replace(/-+$/, "");
  const hash = createHash("sha256").update(`${start}\u0000${outcome}`).digest("hex").slice(0, 6);
  return `seq-${[slug(start), slug(outcome)].filter(Boolean).join("-")}-${hash}`;
}

/**
 * The frequent transitions of the period: for each track event A, the event that comes next for the same
 * identity (runs of A count once), kept when B comes within the window, at least `minCustomers` identities
 * take A → B and B is next after at least `minShare` of A; the `maxSteps` most taken.
 */
async function transitions(d: Detection): Promise<Array<{ start: string; outcome: string }>> {
  const s = discoveryOf(d);
  if (s.maxSteps <= 0) return [];
  const p = new Params();
  const rows = await all(
    d.conn,
    `WITH t AS (
       SELECT identity_id AS who, event AS a, lead(event) OVER w AS b, lead(timestamp) OVER w - timestamp AS gap
         FROM events e
        WHERE e.type = 'track' AND e.identity_id IS NOT NULL AND ${inPeriod(d, p, "e.timestamp")}
       WINDOW w AS (PARTITION BY identity_id ORDER BY timestamp, event)),
     runs AS (SELECT * FROM t WHERE b IS DISTINCT FROM a),
     starts AS (SELECT a, count(*) AS n FROM runs GROUP BY a)
     SELECT r.a, r.b, count(DISTINCT r.who) AS customers, count(*) / any_value(s.n) AS share
       FROM runs r JOIN starts s USING (a)
      WHERE r.b IS NOT NULL AND r.gap <= to_minutes(${p.add(s.windowMinutes)}::BIGINT)
      GROUP BY r.a, r.b
     HAVING count(DISTINCT r.who) >= ${p.add(s.minCustomers)} AND count(*) >= ${p.add(s.minShare)} * any_value(s.n)
      ORDER BY customers DESC, r.a, r.b
      LIMIT ${p.add(s.maxSteps)}`,
    p.values,
  );
  return rows.filter((r) => num(r.customers) > 0).map((r) => ({ start: String(r.a), outcome: String(r.b) }));
}

/**
 * The configured steps, then the discovered ones that no configured step already measures (the same start
 * and outcome event). Found once per detection: the drop-off and abandonment detectors share them.
 */
export function stepsOf(d: Detection): Promise<Step[]> {
  let found = once.get(d);
  if (!found) {
    found = discover(d);
    once.set(d, found);
  }
  return found;
}

const once = new WeakMap<Detection, Promise<Step[]>>();

async function discover(d: Detection): Promise<Step[]> {
  const configured: Step[] = d.settings.steps.map((s) => ({ ...s, discovered: false }));
  const known = new Set(
    configured.map((s) => JSON.stringify([s.start.event ?? null, s.outcome.event ?? null])),
  );
  const found: Step[] = [];
  for (const t of await transitions(d)) {
    if (known.has(JSON.stringify([t.start, t.outcome]))) continue;
    known.add(JSON.stringify([t.start, t.outcome]));
    found.push({
      id: discoveredId(t.start, t.outcome),
      unit: `${t.start} → ${t.outcome}`,
      start: { event: t.start },
      outcome: { event: t.outcome },
      outcomeIs: "success",
      abandonment: false,
      discovered: true,
    });
  }
  return [...configured, ...found];
}
