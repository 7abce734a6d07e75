// Failure demand: customers contacting again about the same thing (a contact touchpoint's subject, e.g.
// the order id) within the repeat window. Chance is the baseline: a customer who simply contacts often
// is as likely to contact again 7–14 days later as within 7 days; failure demand clusters right after
// the first contact. When the subject is an identifier, the other events that carry it (the order's
// delivery, its shipment…) are searched for the property that explains the repeats, and what followed
// (did those customers buy again?) is compared.

import * as m from "../../findings/message.js";
import { splitPath } from "../../journey/rules.js";
import type { Touchpoint } from "../../journey/touchpoints.js";
import { all } from "../../store/database.js";
import type { SqlValue } from "../../store/driver.js";
import { Params, plainKeyPath, quoteString } from "../../store/sql.js";
import {
  type Detection,
  type Detector,
  type Found,
  inPeriod,
  num,
  ref,
  round,
  segmentValue,
  touchpointById,
  zScore,
  zSql,
} from "./detector.js";
import { dailyCounts, evidenceOverTime } from "./series.js";

/** A subject is an identifier (worth explaining) when it takes at least this many values per contact. */
const IDENTIFIER_SHARE = 0.3;
/** Above this many events, the events that carry a subject are found in a 5% sample. */
const SAMPLE_ABOVE = 2_000_000;
/** Numeric properties are split at up to this many of their values. */
const MAX_THRESHOLDS = 50;

interface Explanation {
  event: string;
  key: string;
  /** `= value` (JSON text) or a threshold comparison. */
  op: "eq" | "gt" | "lte";
  value: string;
  n: number;
  x: number;
  rn: number;
  rx: number;
  z: number;
}

async function buildContacts(d: Detection): Promise<void> {
  const p = new Params();
  const days = Math.trunc(d.defs.model.repeatContactDays);
  const later = days + Math.trunc(d.settings.laterWindowDays);
  await d.conn.run(
    `CREATE OR REPLACE TABLE ${d.tables.contacts} AS
       SELECT customer_id, touchpoint, subject, timestamp AS ts,
              count(*) OVER (w RANGE BETWEEN INTERVAL 1 MILLISECOND FOLLOWING AND INTERVAL ${days} DAY FOLLOWING) AS soon,
              count(*) OVER (w RANGE BETWEEN INTERVAL ${days * 86_400_000 + 1} MILLISECOND FOLLOWING
                                        AND INTERVAL ${later} DAY FOLLOWING) AS later,
              coalesce(lag(timestamp) OVER w >= timestamp - INTERVAL ${days} DAY, false) AS repeated
         FROM ${d.tables.journey}
        WHERE kind = 'contact' AND subject IS NOT NULL AND ${inPeriod(d, p, "timestamp")}
       WINDOW w AS (PARTITION BY customer_id, touchpoint, subject ORDER BY timestamp)`,
    p.values,
  );
  await d.conn.run(`CREATE OR REPLACE TABLE ${d.tables.repeatSegment} (touchpoint VARCHAR, subject VARCHAR)`);
}

/** A contact touchpoint whose repeats cluster beyond chance, with the events that carry its subject. */
interface Candidate {
  tp: Touchpoint;
  contacts: number;
  repeats: number;
  customers: number;
  subjects: number;
  /** Contacts whose follow-up windows lie in the period, and how many had a follow-up in each. */
  observed: number;
  soon: number;
  later: number;
  z: number;
  /** Events other than the contact that carry an identifier subject (none: nothing to explain with). */
  carriers: string[];
}

/**
 * The contacts of the period and the touchpoints whose repeats are more than chance; for those whose
 * subject is an identifier, the events that carry it (found in a sample of a large store), so the one
 * scan of the events reads them too.
 */
async function plan(d: Detection): Promise<Candidate[]> {
  await buildContacts(d);
  const days = d.defs.model.repeatContactDays;
  const later = d.settings.laterWindowDays;
  const p = new Params();
  // Only contacts whose whole follow-up windows lie in the period take part in the comparison.
  const cutoff = new Date(d.to.getTime() - (days + later) * 86_400_000).toISOString();
  const rows = await all(
    d.conn,
    `SELECT touchpoint, count(*) AS contacts, count(*) FILTER (WHERE repeated) AS repeats,
            count(DISTINCT customer_id) AS customers, count(DISTINCT subject) AS subjects,
            count(*) FILTER (WHERE ts < ${p.add(cutoff)}::TIMESTAMP) AS observed,
            count(*) FILTER (WHERE ts < ${p.add(cutoff)}::TIMESTAMP AND soon > 0) AS soon,
            count(*) FILTER (WHERE ts < ${p.add(cutoff)}::TIMESTAMP AND later > 0) AS later
       FROM ${d.tables.contacts} GROUP BY touchpoint ORDER BY touchpoint`,
    p.values,
  );
  const out: Candidate[] = [];
  for (const r of rows) {
    const tp = touchpointById(d.defs, String(r.touchpoint));
    const c = {
      contacts: num(r.contacts),
      repeats: num(r.repeats),
      customers: num(r.customers),
      subjects: num(r.subjects),
      observed: num(r.observed),
      soon: num(r.soon),
      later: num(r.later),
    };
    if (!tp || !c.observed || c.repeats < d.settings.minCases) continue;
    const z = zScore(c.soon, c.observed, c.later, c.observed) ?? 0;
    if (z < d.settings.minZ || c.soon < c.later * d.settings.minRatio) continue;
    const identifier = tp.subject !== undefined && c.subjects >= c.contacts * IDENTIFIER_SHARE;
    out.push({ tp, ...c, z, carriers: identifier ? await carriersOf(d, tp) : [] });
  }
  return out;
}

/** The events other than the contact itself that carry the contact's subject property. */
async function carriersOf(d: Detection, tp: Touchpoint): Promise<string[]> {
  const { column, path } = splitPath(tp.subject!);
  if (column !== "properties") return [];
  const p = new Params();
  const own = tp.match.event ? `AND event <> ${p.add(tp.match.event)}` : "";
  const [size] = await all(d.conn, "SELECT count(*) AS n FROM events");
  const sample = num(size?.n) > SAMPLE_ABOVE ? "TABLESAMPLE system(5%) REPEATABLE (1)" : "";
  const rows = await all(
    d.conn,
    `SELECT DISTINCT event FROM events ${sample}
      WHERE type = 'track' ${own} AND json_extract_string(properties, ${quoteString(path)}) IS NOT NULL
      ORDER BY event`,
    p.values,
  );
  return rows.map((r) => String(r.event));
}

const plans = new WeakMap<Detection, Promise<Candidate[]>>();

function planOf(d: Detection): Promise<Candidate[]> {
  let planned = plans.get(d);
  if (!planned) {
    planned = plan(d);
    plans.set(d, planned);
  }
  return planned;
}

/**
 * The property of the subject's other events whose segment holds the most repeats, against the other
 * subjects: equal values for categories, "> t" and "≤ t" for numbers.
 */
async function explain(d: Detection, c: Candidate): Promise<Explanation | undefined> {
  const { column, path } = splitPath(c.tp.subject!);
  if (column !== "properties" || !c.carriers.length) return undefined;
  const s = d.settings;
  const key = path.slice(2);
  const q = new Params();
  await d.conn.run(
    `CREATE OR REPLACE TABLE ${d.tables.subjectEvents} AS
       SELECT json_extract_string(e.properties, ${quoteString(path)}) AS subject, e.event, max(e.timestamp) AS ts,
              arg_max(e.properties, e.timestamp) AS properties, arg_max(e.customer_id, e.timestamp) AS customer_id
         FROM ${d.tables.events} e
        WHERE e.type = 'track' AND e.event IN (${c.carriers.map((x) => q.add(x)).join(", ")})
          AND ${inPeriod(d, q, "e.timestamp")} AND json_extract_string(e.properties, ${quoteString(path)}) IS NOT NULL
        GROUP BY ALL`,
    q.values,
  );
  // Each event's scalar properties: numbers (split at thresholds) and categories with few values.
  const keys = await all(
    d.conn,
    `SELECT event, key, bool_and(json_type(v) IN ('BIGINT', 'UBIGINT', 'DOUBLE')) AS numeric,
            count(DISTINCT v::VARCHAR) AS k
       FROM (SELECT event, key, json_extract(properties, ${plainKeyPath("key")}) AS v
               FROM (SELECT event, properties, unnest(json_keys(properties)) AS key
                       FROM (FROM ${d.tables.subjectEvents} USING SAMPLE reservoir(20000 ROWS) REPEATABLE (1))))
      WHERE json_type(v) IN ('BOOLEAN', 'VARCHAR', 'BIGINT', 'UBIGINT', 'DOUBLE') AND key <> ${quoteString(key)}
      GROUP BY ALL
     HAVING numeric OR k BETWEEN 2 AND ${Math.trunc(s.maxPropertyValues)}
      ORDER BY event, key`,
  );
  const byEvent = new Map<string, Array<{ key: string; numeric: boolean }>>();
  for (const k of keys) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(String(k.key))) continue;
    const list = byEvent.get(String(k.event)) ?? [];
    list.push({ key: String(k.key), numeric: k.numeric === true });
    byEvent.set(String(k.event), list);
  }
  if (!byEvent.size) return undefined;
  const r0 = new Params();
  const parts = [...byEvent].map(([event, list]) => {
    const names = `[${list.map((k) => quoteString(k.key)).join(", ")}]`;
    const numeric = `[${list.map((k) => String(k.numeric)).join(", ")}]`;
    const paths = `[${list.map((k) => quoteString(`$.${k.key}`)).join(", ")}]`;
    return `SELECT subject, event, unnest(${names}) AS key, unnest(${numeric}) AS numeric,
                   unnest(json_extract(properties, ${paths})) AS v
              FROM ${d.tables.subjectEvents} WHERE event = ${r0.add(event)}`;
  });
  await d.conn.run(
    `CREATE OR REPLACE TABLE ${d.tables.subjectProps} AS
       WITH bad AS (SELECT DISTINCT subject FROM ${d.tables.contacts} WHERE touchpoint = ${r0.add(c.tp.id)} AND repeated),
            props AS (${parts.join(" UNION ALL ")})
       SELECT props.subject, props.event, props.key, props.numeric, props.v::VARCHAR AS val,
              CASE WHEN props.numeric THEN TRY_CAST(props.v::VARCHAR AS DOUBLE) END AS number,
              bad.subject IS NOT NULL AS bad
         FROM props LEFT JOIN bad USING (subject)
        WHERE json_type(props.v) IN ('BOOLEAN', 'VARCHAR', 'BIGINT', 'UBIGINT', 'DOUBLE')`,
    r0.values,
  );
  const r = new Params();
  const rows = await all(
    d.conn,
    `WITH units AS (SELECT DISTINCT subject, bad FROM ${d.tables.subjectProps}),
          tot AS (SELECT count(*)::DOUBLE AS n, count(*) FILTER (WHERE bad)::DOUBLE AS x FROM units),
          cats AS (
            SELECT event, key, 'eq' AS op, val AS value, count(*)::DOUBLE AS n, count(*) FILTER (WHERE bad)::DOUBLE AS x
              FROM ${d.tables.subjectProps} WHERE NOT numeric GROUP BY ALL),
          usable AS (SELECT event, key FROM cats GROUP BY ALL
                      HAVING count(*) BETWEEN 2 AND ${r.add(d.settings.maxPropertyValues)}),
          nums AS (
            SELECT event, key, number, count(*)::DOUBLE AS n, count(*) FILTER (WHERE bad)::DOUBLE AS x
              FROM ${d.tables.subjectProps} WHERE numeric AND number IS NOT NULL GROUP BY ALL),
          ranked AS (SELECT *, count(*) OVER (PARTITION BY event, key) AS values,
                            row_number() OVER (PARTITION BY event, key ORDER BY number) AS i FROM nums),
          cuts AS (
            SELECT event, key, number,
                   sum(n) OVER up AS n_le, sum(x) OVER up AS x_le,
                   sum(n) OVER (PARTITION BY event, key) AS n_all, sum(x) OVER (PARTITION BY event, key) AS x_all
              FROM ranked
            WINDOW up AS (PARTITION BY event, key ORDER BY number ROWS UNBOUNDED PRECEDING)),
          splits AS (
            SELECT event, key, 'gt' AS op, number::VARCHAR AS value, n_all - n_le AS n, x_all - x_le AS x FROM cuts
            UNION ALL
            SELECT event, key, 'lte', number::VARCHAR, n_le, x_le FROM cuts),
          candidates AS (
            SELECT c.* FROM cats c SEMI JOIN usable USING (event, key)
            UNION ALL
            SELECT s.* FROM splits s SEMI JOIN (SELECT DISTINCT event, key, number::VARCHAR AS value FROM ranked
                                                  WHERE values <= ${r.add(MAX_THRESHOLDS)}
                                                     OR i % (values // ${r.add(MAX_THRESHOLDS)} + 1) = 0) k
                                    USING (event, key, value))
     SELECT c.event, c.key, c.op, c.value, c.n, c.x, t.n - c.n AS rn, t.x - c.x AS rx,
            ${zSql("c.x", "c.n", "t.x - c.x", "t.n - c.n")} AS z
       FROM candidates c, tot t
      WHERE c.n >= ${r.add(s.minUnits)} AND c.x >= ${r.add(s.minCases)} AND t.n > c.n
      ORDER BY z DESC NULLS LAST, c.event, c.key, c.op, c.value LIMIT 1`,
    r.values,
  );
  const best = rows[0];
  if (!best) return undefined;
  const e: Explanation = {
    event: String(best.event),
    key: String(best.key),
    op: String(best.op) as Explanation["op"],
    value: String(best.op) === "eq" ? String(best.value) : String(Number(best.value)),
    n: num(best.n),
    x: num(best.x),
    rn: num(best.rn),
    rx: num(best.rx),
    z: num(best.z),
  };
  const rate = e.x / e.n;
  const rest = e.rn ? e.rx / e.rn : 0;
  return e.z >= s.minZ && rate >= rest * s.minRatio ? e : undefined;
}

/** Subjects in the explaining segment, and whether their customer bought again after that event. */
interface AfterSegment {
  n: number;
  again: number;
  rn: number;
  ragain: number;
}

async function segmentSubjects(d: Detection, tp: Touchpoint, e: Explanation): Promise<AfterSegment> {
  const p = new Params();
  const test =
    e.op === "eq"
      ? `val = ${p.add(e.value)}`
      : `number ${e.op === "gt" ? ">" : "<="} ${p.add(Number(e.value))}::DOUBLE`;
  await d.conn.run(
    `INSERT INTO ${d.tables.repeatSegment}
       SELECT DISTINCT ${p.add(tp.id)}, subject FROM ${d.tables.subjectProps}
        WHERE event = ${p.add(e.event)} AND key = ${p.add(e.key)} AND ${test}`,
    p.values,
  );
  // What followed: the customer's latest order against the time of the explaining event.
  const q = new Params();
  const [r] = await all(
    d.conn,
    `WITH g AS (SELECT subject FROM ${d.tables.repeatSegment} WHERE touchpoint = ${q.add(tp.id)}),
          u AS (SELECT s.subject, s.customer_id, max(s.ts) AS ts, g.subject IS NOT NULL AS inseg
                  FROM ${d.tables.subjectEvents} s LEFT JOIN g USING (subject)
                 WHERE s.event = ${q.add(e.event)} GROUP BY ALL)
     SELECT count(*) FILTER (WHERE inseg) AS n, count(*) FILTER (WHERE inseg AND f.last_order > u.ts) AS again,
            count(*) FILTER (WHERE NOT inseg) AS rn, count(*) FILTER (WHERE NOT inseg AND f.last_order > u.ts) AS ragain
       FROM u JOIN customer_facts f USING (customer_id)`,
    q.values,
  );
  return { n: num(r?.n), again: num(r?.again), rn: num(r?.rn), ragain: num(r?.ragain) };
}

export const repeatContactDetector: Detector = {
  kinds: ["repeat-contact"],
  rules: async (d) => (await planOf(d)).flatMap((c) => c.carriers.map((event) => ({ event }))),
  async find(d) {
    const days = d.defs.model.repeatContactDays;
    const later = d.settings.laterWindowDays;
    const candidates = await planOf(d);
    if (!candidates.length) return [];
    // Per day, the contacts whose follow-up windows lie in the period: followed within the window
    // (affected) and "later" (chance, the baseline), out of the same contacts.
    const q = new Params();
    const cutoff = q.add(new Date(d.to.getTime() - (days + later) * 86_400_000).toISOString());
    const counts = await dailyCounts(
      d,
      `SELECT touchpoint AS key, epoch_ms(date_trunc('day', ts)) AS day, count(*) AS au,
              count(*) FILTER (WHERE soon > 0) AS ax, count(*) AS bu, count(*) FILTER (WHERE later > 0) AS bx
         FROM ${d.tables.contacts} WHERE ts < ${cutoff}::TIMESTAMP GROUP BY ALL`,
      q.values as SqlValue[],
    );
    const found: Found[] = [];
    for (const c of candidates) {
      const tp = c.tp;
      const soonShare = c.soon / c.observed;
      const laterShare = c.later / c.observed;
      const subject = m.name((tp.subject ?? "").replace(/^properties\./, ""));
      const why = await explain(d, c);
      const after = why ? await segmentSubjects(d, tp, why) : undefined;
      const churn = after?.n && after.rn ? after : undefined;
      const condition = why ? `${why.op === "eq" ? "=" : why.op === "gt" ? ">" : "<="} ${why.value}` : "";
      const segment: Record<string, string | number | boolean> = {};
      if (why) segment[why.key] = why.op === "eq" ? segmentValue(why.value) : condition;
      const excess = Math.max(0, c.repeats - c.contacts * laterShare);
      const a = new Params();
      const windows = { days: m.number(days), laterEnd: m.number(days + later) };
      const notes: m.Message[] = [];
      if (why)
        notes.push(
          m.message("friction.repeatContact.concentrated", {
            event: m.name(why.event),
            segment: m.segment(segment),
            subject,
            share: m.percent(why.x / why.n),
            rest: m.percent(why.rn ? why.rx / why.rn : 0),
          }),
        );
      if (churn)
        notes.push(
          m.message("friction.repeatContact.boughtAgain", {
            again: m.percent(churn.again / churn.n),
            rest: m.percent(churn.ragain / churn.rn),
          }),
        );
      found.push({
        friction: {
          id: `repeat-contact:${tp.id}`,
          kind: "repeat-contact",
          message: m.message("friction.repeatContact.title", {
            touchpoint: m.name(tp.name),
            subject,
            ...windows,
            soon: m.percent(soonShare),
            later: m.percent(laterShare),
          }),
          notes,
          stage: tp.stage,
          touchpoint: ref(tp),
          touchpoints: [ref(tp)],
          events: [tp.match.event, ...(why ? [why.event] : [])].filter((x): x is string => x !== undefined),
          segment,
          since: null,
          impact: round(excess, 1),
          // Customers who would have bought again at the others' rate.
          lostConversions: churn
            ? round(Math.max(0, churn.n * (churn.ragain / churn.rn) - churn.again), 1)
            : null,
          lostRevenue: null,
          ...evidenceOverTime(d, counts.get(tp.id)),
          evidence: {
            value: round(soonShare),
            cases: c.soon,
            units: c.observed,
            baseline: round(laterShare),
            baselineCases: c.later,
            baselineUnits: c.observed,
            z: round(c.z, 2),
            details: {
              contacts: c.contacts,
              repeatContacts: c.repeats,
              customers: c.customers,
              subjects: c.subjects,
              segmentEvent: why?.event ?? null,
              segmentShare: why ? round(why.x / why.n) : null,
              segmentSubjects: why?.n ?? null,
              restShare: why ? round(why.rn ? why.rx / why.rn : 0) : null,
              restSubjects: why?.rn ?? null,
              segmentZ: why ? round(why.z, 2) : null,
              boughtAgainAfter: churn ? round(churn.again / churn.n) : null,
              boughtAgainAfterRest: churn ? round(churn.ragain / churn.rn) : null,
            },
            messages: {
              measure: m.message("friction.repeatContact.measure", { subject, ...windows }),
              baseline: m.message("friction.repeatContact.baseline", windows),
            },
          },
        },
        audience: {
          sql: `SELECT customer_id FROM ${d.tables.contacts} WHERE touchpoint = ${a.add(tp.id)} AND repeated
                ${why ? `AND subject IN (SELECT subject FROM ${d.tables.repeatSegment} WHERE touchpoint = ${a.add(tp.id)})` : ""}`,
          params: a.values as SqlValue[],
        },
      });
    }
    return found;
  },
};
