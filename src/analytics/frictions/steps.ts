// The units of the steps (a payment attempt, a checkout, a cart, or a customer's visit to a discovered
// step's start), each with its customer, its
// start touchpoint, the value at stake and whether it went wrong, and the dimensions a segment is made of:
// the start event's channel and context (OS, app version, device, campaign), the customer's persona and
// the start event's own scalar properties (e.g. has_coupon). Two tables, `tables.units` and `tables.dims`, read by
// the drop-off and abandonment detectors.
import { type EventMatch, matchSql, splitPath } from "../../journey/rules.js";
import { all } from "../../store/database.js";
import { Params, plainKeyPath, quoteIdent, quoteString } from "../../store/sql.js";
import { type Detection, inPeriod, touchpointOfEvent } from "./detector.js";
import { discoveryOf, type Step, stepsOf } from "./discovery.js";

/** A property of the event as text, SQL. */
function propertyText(property: string, alias = "e."): string {
  const { column, path } = splitPath(property);
  return `json_extract_string(${alias}${column}, ${quoteString(path)})`;
}

/** The events the steps read from the shared scan: every start and every outcome. */
export const stepRules = async (d: Detection): Promise<EventMatch[]> =>
  (await stepsOf(d)).flatMap((s) => [s.start, s.outcome]);

/**
 * Builds `tables.units` (one row per unit whose start is in the period: step, unit, customer_id, ts,
 * channel, touchpoint, value, bad, and rid, its start's row in `tables.events`) and `tables.dims` (step, unit, day, bad, dim,
 * val as JSON text). Returns the steps that have units.
 */
export function buildUnits(d: Detection): Promise<Step[]> {
  // Drop-off and abandonment read the same units: built once per detection.
  let built = once.get(d);
  if (!built) {
    built = build(d);
    once.set(d, built);
  }
  return built;
}

const once = new WeakMap<Detection, Promise<Step[]>>();

/**
 * The units of keyed steps (the first start of each key, reached when an outcome with the key came after
 * it), as (step, unit, ts, rid, reached). A step whose outcome never carries its key while its starters do
 * the outcome cannot be measured (every unit would look abandoned; e.g. Segment's Checkout Started has no
 * cart_id): it has no units.
 */
function keyedUnits(d: Detection, steps: Step[], q: Params): string | undefined {
  const keyed = steps.filter((s) => s.key);
  if (!keyed.length) return undefined;
  const starts = keyed.map(
    (s) => `SELECT ${q.add(s.id)} AS step, ${propertyText(s.key!)} AS unit, e.timestamp, e.rowid AS rid,
                   e.customer_id AS who
              FROM ${d.tables.events} e WHERE ${matchSql(s.start, q)} AND ${inPeriod(d, q, "e.timestamp")}`,
  );
  const outcomes = keyed.map(
    (s) => `SELECT ${q.add(s.id)} AS step, ${propertyText(s.key!)} AS unit, max(e.timestamp) AS last_at
              FROM ${d.tables.events} e WHERE ${matchSql(s.outcome, q)} GROUP BY ALL`,
  );
  const bare = keyed.map(
    (s) => `SELECT DISTINCT ${q.add(s.id)} AS step, e.customer_id AS who
              FROM ${d.tables.events} e WHERE ${matchSql(s.outcome, q)} AND ${propertyText(s.key!)} IS NULL`,
  );
  // Unmeasurable: the outcome never carries the key, and the customers who started units did the outcome
  // anyway (Segment's Checkout Started has no cart_id: every cart would look abandoned). When the outcome
  // never comes, or comes only to others, the units are measured: nobody got through is the finding.
  return `(WITH s AS (${starts.join(" UNION ALL ")}),
               o AS (${outcomes.join(" UNION ALL ")}),
               bare AS (${bare.join(" UNION ALL ")}),
               blind AS (SELECT DISTINCT b.step FROM bare b JOIN (SELECT DISTINCT step, who FROM s) w
                                         ON w.step = b.step AND w.who = b.who
                          WHERE b.step IN (SELECT step FROM o GROUP BY step HAVING count(unit) = 0)),
               firsts AS (SELECT step, unit, min(timestamp) AS ts, arg_min(rid, timestamp) AS rid
                            FROM s WHERE unit IS NOT NULL GROUP BY step, unit)
          SELECT f.step, f.unit, f.ts, f.rid, coalesce(o.last_at >= f.ts, false) AS reached
            FROM firsts f LEFT JOIN o ON o.step = f.step AND o.unit = f.unit
           WHERE f.step NOT IN (SELECT step FROM blind))`;
}

/**
 * The units of steps without a key: a customer's visit to the start (a start more than the window after
 * their previous one begins a new visit), reached when the customer does the outcome after it — later than
 * the window too, as a keyed unit's outcome may come any time: a slow answer is not a drop-off.
 */
function visitUnits(d: Detection, steps: Step[], q: Params): string | undefined {
  const keyless = steps.filter((s) => !s.key);
  if (!keyless.length) return undefined;
  const window = `to_minutes(${q.add(discoveryOf(d).windowMinutes)}::BIGINT)`;
  const starts = keyless.map(
    (s) => `SELECT ${q.add(s.id)} AS step, e.customer_id AS who, e.timestamp AS ts, e.rowid AS rid
              FROM ${d.tables.events} e WHERE ${matchSql(s.start, q)} AND ${inPeriod(d, q, "e.timestamp")}`,
  );
  const outcomes = keyless.map(
    (s) => `SELECT ${q.add(s.id)} AS step, e.customer_id AS who, e.timestamp AS ts
              FROM ${d.tables.events} e WHERE ${matchSql(s.outcome, q)} AND e.timestamp >= ${q.add(d.from.toISOString())}::TIMESTAMP`,
  );
  return `(WITH s AS (SELECT * FROM (${starts.join(" UNION ALL ")})
                      QUALIFY coalesce(ts - lag(ts) OVER (PARTITION BY step, who ORDER BY ts) > ${window}, true)),
               o AS (${outcomes.join(" UNION ALL ")})
          SELECT s.step, s.who::VARCHAR || '@' || epoch_ms(s.ts)::VARCHAR AS unit, s.ts, s.rid,
                 o.ts IS NOT NULL AS reached
            FROM s ASOF LEFT JOIN o ON o.step = s.step AND o.who = s.who AND o.ts >= s.ts)`;
}

async function build(d: Detection): Promise<Step[]> {
  const steps = await stepsOf(d);
  if (!steps.length) return [];
  const q = new Params();
  // Narrow rows first (the first start of each unit); the start's own columns are read by row id.
  const units = [keyedUnits(d, steps, q), visitUnits(d, steps, q)].filter((x) => x !== undefined);
  const values = steps
    .filter((s) => s.value)
    .map((s) => `WHEN ${q.add(s.id)} THEN TRY_CAST(${propertyText(s.value!)} AS DOUBLE)`);
  const failures = steps.filter((s) => s.outcomeIs === "failure").map((s) => q.add(s.id));
  await d.conn.run(
    `CREATE OR REPLACE TABLE ${d.tables.units} AS
       SELECT f.step, f.unit, e.customer_id, f.ts, e.channel, f.rid,
              ${touchpointOfEvent(d.defs.touchpoints, q)} AS touchpoint,
              ${values.length ? `CASE f.step ${values.join(" ")} END` : "NULL::DOUBLE"} AS value,
              f.reached = ${failures.length ? `(f.step IN (${failures.join(", ")}))` : "false"} AS bad
         FROM (${units.join(" UNION ALL ")}) f JOIN ${d.tables.events} e ON e.rowid = f.rid`,
    q.values,
  );
  await buildDimensions(d, steps);
  const present = await all(d.conn, `SELECT DISTINCT step FROM ${d.tables.units}`);
  const have = new Set(present.map((r) => String(r.step)));
  return steps.filter((s) => have.has(s.id));
}

/**
 * Dimension values per unit: context and channel, persona, and the start event's scalar properties. The
 * properties' names are read first (json_keys is cheap), then all of a step's values in one parse.
 */
async function buildDimensions(d: Detection, steps: Step[]): Promise<void> {
  const dims = d.settings.dimensions;
  const named = new Set([...dims.map((x) => x.name), "persona"]);
  const context = dims.map(
    (x) =>
      `${x.path === "channel" ? "u.channel" : `json_extract_string(u.context, ${quoteString(`$.${x.path}`)})`} AS ${quoteIdent(x.name)}`,
  );
  // Steps with too few bad units cannot show a segment: no dimensions for them.
  const live = await all(
    d.conn,
    `SELECT step FROM ${d.tables.units} GROUP BY step HAVING count(*) FILTER (WHERE bad) >= ${Math.trunc(d.settings.minCases)}`,
  );
  const inLive = live.length ? live.map((r) => quoteString(String(r.step))).join(", ") : "NULL";
  await d.conn.run(
    `CREATE OR REPLACE TABLE ${d.tables.starts} AS
       SELECT u.step, u.unit, date_trunc('day', u.ts) AS day, u.bad, u.channel, u.customer_id, e.properties, e.context
         FROM ${d.tables.units} u JOIN ${d.tables.events} e ON e.rowid = u.rid WHERE u.step IN (${inLive})`,
  );
  // Property names, with their number of values in a sample: identifiers and prices are no dimensions.
  const keys = await all(
    d.conn,
    `SELECT step, list(key ORDER BY key) AS keys FROM (
       SELECT step, key, count(DISTINCT json_extract(properties, ${plainKeyPath("key")})::VARCHAR) AS k
         FROM (SELECT step, properties, unnest(json_keys(properties)) AS key
                 FROM (FROM ${d.tables.starts} USING SAMPLE reservoir(20000 ROWS) REPEATABLE (1)))
        GROUP BY ALL HAVING k BETWEEN 2 AND ${Math.trunc(d.settings.maxPropertyValues)})
     GROUP BY step`,
  );
  const p = new Params();
  const props = keys.flatMap((r) => {
    const step = steps.find((s) => s.id === String(r.step));
    // The key and the value of a step are not dimensions (they are many-valued anyway).
    const own = new Set([...named, step?.key, step?.value]);
    const list = (r.keys as string[]).filter((k) => !own.has(k) && /^[A-Za-z_][A-Za-z0-9_]*$/.test(k));
    if (!list.length) return [];
    const names = `[${list.map(quoteString).join(", ")}]`;
    const paths = `[${list.map((k) => quoteString(`$.${k}`)).join(", ")}]`;
    return [
      `SELECT step, unit, day, bad, dim, v::VARCHAR AS val FROM (
         SELECT step, unit, day, bad, unnest(${names}) AS dim, unnest(json_extract(properties, ${paths})) AS v
           FROM ${d.tables.starts} WHERE step = ${p.add(String(r.step))})
        WHERE json_type(v) IN ('BOOLEAN', 'VARCHAR', 'BIGINT', 'UBIGINT', 'DOUBLE')`,
    ];
  });
  await d.conn.run(
    `CREATE OR REPLACE TABLE ${d.tables.dims} AS
       WITH base AS (
         SELECT u.step, u.unit, u.day, u.bad, ${context.join(", ")}, f.persona
           FROM ${d.tables.starts} u LEFT JOIN customer_facts f ON f.customer_id = u.customer_id),
       context AS (
         SELECT step, unit, day, bad, dim, to_json(val)::VARCHAR AS val
           FROM (UNPIVOT base ON COLUMNS(* EXCLUDE (step, unit, day, bad)) INTO NAME dim VALUE val)),
       everything AS (SELECT * FROM context ${props.map((x) => `UNION ALL ${x}`).join(" ")}),
       usable AS (SELECT step, dim FROM everything GROUP BY ALL
                   HAVING count(DISTINCT val) BETWEEN 2 AND ${p.add(d.settings.maxPropertyValues)})
       SELECT e.* FROM everything e SEMI JOIN usable USING (step, dim)`,
    p.values,
  );
  await d.conn.run(`DROP TABLE ${d.tables.starts}`);
}
