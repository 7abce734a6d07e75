// Keeps the derived journey tables (journey_events, customer_facts, stage_transitions) true to the events,
// the identity graph and the definitions. A change of touchpoints or stages rebuilds everything; new
// events and merges recompute only the customers they touch; a change of personas only re-assigns them.

import type { Logger } from "pino";
import { type Clock, systemClock } from "../clock.js";
import { all, type Store, unstoppable } from "../store/database.js";
import type { Connection } from "../store/driver.js";
import { Params } from "../store/sql.js";
import { classificationSql } from "./classify.js";
import { type JourneyDefinitions, readDefinitions } from "./definitions.js";
import { stagePosition } from "./model.js";
import { personaCaseSql } from "./personas.js";
import { ResultCache } from "./result-cache.js";
import { stageTransitionsSql } from "./transitions.js";

export interface RefreshReport {
  mode: "none" | "incremental" | "full" | "personas";
  customers: number;
  events: number;
  ms: number;
  refreshedAt: string;
  /**
   * Goes up by one with every refresh that changed the journey tables (and only then): results computed
   * from those tables at one generation stay true until the next (src/journey/result-cache.ts).
   */
  generation: number;
  /** When the newest event the journey tables include was received (null: none yet). */
  lastEventReceivedAt: string | null;
}

const STATE = {
  classification: "journey_built_classification",
  personas: "journey_built_personas",
  eventsRowid: "journey_events_rowid",
  linksRowid: "journey_links_rowid",
  refreshedAt: "journey_refreshed_at",
  generation: "journey_generation",
  lastReceived: "journey_last_received_ms",
} as const;

/** The journey tables' generation as stored (see RefreshReport.generation); 0 before the first build. */
export async function journeyGeneration(conn: Connection): Promise<number> {
  const [row] = await all(conn, "SELECT value FROM store_meta WHERE key = $1", [STATE.generation]);
  return Number(row?.value ?? 0);
}

/** The journey tables' generation, refresh time and newest event as stored, without refreshing. */
export async function journeyFreshness(conn: Connection): Promise<{
  generation: number;
  refreshedAt: string | null;
  lastEventReceivedAt: string | null;
}> {
  const st = await state(conn);
  const at = (key: string) => (st[key] === undefined ? null : new Date(st[key]).toISOString());
  return {
    generation: st[STATE.generation] ?? 0,
    refreshedAt: at(STATE.refreshedAt),
    lastEventReceivedAt: at(STATE.lastReceived),
  };
}

/** Above this share of customers, recomputing everything is cheaper than finding the touched ones. */
const FULL_SHARE = 0.3;

/**
 * Makes the next refresh a full one: events were deleted (an erasure, retention) and row ids may have
 * been renumbered, so the incremental bookmarks no longer mean anything.
 */
export async function requireFullRefresh(conn: Connection): Promise<void> {
  await conn.run("DELETE FROM store_meta WHERE key = $1", [STATE.classification]);
}

async function state(conn: Connection): Promise<Record<string, number>> {
  const rows = await all(conn, "SELECT key, value FROM store_meta WHERE key LIKE 'journey_%'");
  return Object.fromEntries(rows.map((r) => [String(r.key), Number(r.value)]));
}

async function setState(conn: Connection, key: string, value: number): Promise<void> {
  await conn.run("INSERT INTO store_meta VALUES ($1, $2) ON CONFLICT DO UPDATE SET value = excluded.value", [
    key,
    value,
  ]);
}

async function count(conn: Connection, sql: string, params: unknown[] = []): Promise<number> {
  const rows = await all(conn, sql, params as never);
  return Number(rows[0]?.n ?? 0);
}

/**
 * Recomputes the derived tables for the customers in temp table jr_dirty, or all of them. For a few
 * touched customers their events are read from the events table once (into jr_events) and their new
 * journey rows and stage changes are kept apart (jr_journey, jr_transitions), so every later step reads
 * those small tables instead of scanning the whole events, journey_events and stage_transitions again.
 * "rules" (after a touchpoint or stage edit) re-derives for everyone only what the rules decide: the
 * journey events, stage history, orders, spend, stages and personas. Behaviour and traits depend on the
 * events alone, and the last refresh left them current.
 */
async function recompute(
  conn: Connection,
  defs: JourneyDefinitions,
  now: Date,
  scope: "all" | "dirty" | "rules",
): Promise<void> {
  const dirty = scope === "dirty";
  const rules = scope === "rules";
  await conn.run(`CREATE OR REPLACE TEMP TABLE jr_members AS
    SELECT i.id AS identity_id, c.canonical_id AS customer_id
      FROM identities i JOIN customers c ON c.id = i.customer_id
     ${dirty ? "WHERE c.canonical_id IN (SELECT customer_id FROM jr_dirty)" : ""}`);
  if (rules) await conn.run("DELETE FROM journey_events; DELETE FROM stage_transitions;");
  else if (!dirty) {
    await conn.run("DELETE FROM journey_events; DELETE FROM customer_facts; DELETE FROM stage_transitions;");
  } else {
    for (const table of ["journey_events", "customer_facts", "stage_transitions"])
      await conn.run(
        `DELETE FROM ${table} WHERE customer_id IN (SELECT customer_id FROM jr_dirty UNION ALL SELECT customer_id FROM jr_stale)`,
      );
    await conn.run(`CREATE OR REPLACE TEMP TABLE jr_events AS
      SELECT m.customer_id, e.* FROM events e JOIN jr_members m ON m.identity_id = e.identity_id`);
  }
  // Events as `e` with their customer: every event (full) or the touched customers' (jr_events).
  const source = dirty ? "jr_events e" : "events e JOIN jr_members m ON m.identity_id = e.identity_id";
  const customer = dirty ? "e.customer_id" : "m.customer_id";
  const journey = dirty ? "jr_journey" : "journey_events";
  const p = new Params();
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE jr_classified AS ${classificationSql(defs, p, source, customer)}`,
    p.values,
  );
  const followUps = followUpSql(defs.model.stages.length);
  if (dirty) {
    await conn.run(`CREATE OR REPLACE TEMP TABLE jr_journey AS ${followUps}`);
    await conn.run("INSERT INTO journey_events SELECT * FROM jr_journey");
  } else await conn.run(`INSERT INTO journey_events ${followUps}`);
  await conn.run("DROP TABLE jr_classified");

  // Behaviour over all of a customer's events (light columns only), then what journey_events knows.
  const fromJourney = `SELECT customer_id,
                   count(*) FILTER (WHERE revenue IS NOT NULL) AS orders,
                   coalesce(sum(revenue), 0) AS spend,
                   max(timestamp) FILTER (WHERE revenue IS NOT NULL) AS last_order,
                   max(timestamp) FILTER (WHERE signal IS NOT NULL) AS last_signal,
                   histogram(touchpoint) FILTER (WHERE touchpoint IS NOT NULL) AS tps
              FROM ${journey} GROUP BY customer_id`;
  if (rules) {
    // Rows rewritten with the behaviour kept: at 10M events an UPDATE of every customer's rule-derived
    // columns took seconds, a copy of 100k rows a fraction of that.
    await conn.run("CREATE OR REPLACE TEMP TABLE jr_facts AS SELECT * FROM customer_facts");
    await conn.run("DELETE FROM customer_facts");
    await conn.run(`INSERT INTO customer_facts
      SELECT f.customer_id, f.first_seen, f.last_seen, f.events, f.active_days, f.channels_used,
             coalesce(j.orders, 0), coalesce(j.spend, 0), j.last_order, j.last_signal,
             f.channel_events, f.event_counts, j.tps, f.traits, NULL, 0, NULL
        FROM jr_facts f LEFT JOIN (${fromJourney}) j ON j.customer_id = f.customer_id`);
    await conn.run("DROP TABLE jr_facts");
  } else {
    await conn.run(`INSERT INTO customer_facts
      SELECT ${customer}, min(e.timestamp), max(e.timestamp), count(*), count(DISTINCT e.timestamp::DATE),
             count(DISTINCT e.channel), 0, 0, NULL, NULL,
             histogram(e.channel), histogram(e.event) FILTER (WHERE e.type = 'track'), NULL, NULL, NULL, 0, NULL
        FROM ${source} GROUP BY ${customer}`);
    await conn.run(`UPDATE customer_facts f SET orders = j.orders, spend = j.spend, last_order = j.last_order,
                           last_signal = j.last_signal, touchpoint_counts = j.tps
        FROM (${fromJourney}) j WHERE f.customer_id = j.customer_id`);
  }
  // Latest value of each trait, from identify calls and from traits carried in a track call's context.
  if (!rules)
    await conn.run(`UPDATE customer_facts f SET traits = t.traits
      FROM (SELECT customer_id, json_group_object(key, value) AS traits FROM (
              SELECT ${customer} AS customer_id, j.key, arg_max(j.value, e.timestamp) AS value
                FROM ${source}, json_each(coalesce(e.traits, json_extract(e.context, '$.traits'))) j
               WHERE e.traits IS NOT NULL OR json_extract(e.context, '$.traits') IS NOT NULL
               GROUP BY ${customer}, j.key) GROUP BY customer_id) t
     WHERE f.customer_id = t.customer_id`);

  const tp = new Params();
  const transitions = stageTransitionsSql(defs.model, tp, now, journey);
  if (dirty) {
    await conn.run(`CREATE OR REPLACE TEMP TABLE jr_transitions AS ${transitions}`, tp.values);
    await conn.run("INSERT INTO stage_transitions SELECT * FROM jr_transitions");
  } else await conn.run(`INSERT INTO stage_transitions ${transitions}`, tp.values);
  await conn.run(`UPDATE customer_facts f SET stage = s.stage, stage_since = s.since
      FROM (SELECT customer_id, arg_max(to_stage, (changed_at, from_stage)) AS stage, max(changed_at) AS since
              FROM ${dirty ? "jr_transitions" : "stage_transitions"} GROUP BY customer_id) s
     WHERE f.customer_id = s.customer_id`);
  if (dirty) await conn.run("DROP TABLE jr_events; DROP TABLE jr_journey; DROP TABLE jr_transitions;");
  await assignPersonas(conn, defs, now, dirty ? "dirty" : "all");
}

/**
 * jr_classified with what followed each event: the next signal of a later stage than its touchpoint's
 * (for "conversion after a touchpoint") and the next feedback (for "satisfaction after it").
 */
function followUpSql(stages: number): string {
  const arms = Array.from(
    { length: Math.max(0, stages - 1) },
    (_, i) => `WHEN ${i + 1} THEN min(CASE WHEN signal >= ${i + 2} THEN timestamp END) OVER from_here`,
  ).join(" ");
  // Newest first with frames that start at the partition's start: DuckDB computes these running frames
  // about 1.5× faster than the same "current row to the end" frames in time order.
  return `
    SELECT customer_id, timestamp, message_id, channel, touchpoint, stage, signal, kind, feedback,
           response_minutes, subject, revenue,
           ${arms ? `CASE stage ${arms} END` : "NULL::TIMESTAMP"} AS next_stage_at,
           min(CASE WHEN feedback IS NOT NULL THEN timestamp END) OVER after_this AS next_feedback_at,
           last_value(feedback IGNORE NULLS) OVER after_this AS next_feedback
      FROM jr_classified
    WINDOW from_here AS (PARTITION BY customer_id ORDER BY timestamp DESC, message_id DESC
                         ROWS UNBOUNDED PRECEDING),
           after_this AS (PARTITION BY customer_id ORDER BY timestamp DESC, message_id DESC
                          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)`;
}

const usesRecency = (defs: JourneyDefinitions): boolean =>
  defs.personas.some((p) => p.conditions.some((c) => "measure" in c && c.measure.startsWith("days_since")));

async function assignPersonas(
  conn: Connection,
  defs: JourneyDefinitions,
  now: Date,
  scope: "all" | "dirty",
): Promise<void> {
  const p = new Params();
  const p0 = p.shared("now", now.toISOString());
  const nowSql = () => `${p0()}::TIMESTAMP`;
  const where = scope === "all" ? "" : "WHERE f.customer_id IN (SELECT customer_id FROM jr_dirty)";
  await conn.run(
    `UPDATE customer_facts f SET persona = ${personaCaseSql(defs.personas, p, nowSql)} ${where}`,
    p.values,
  );
}

/**
 * Runs one refresh at a time; callers that arrive during a refresh share it. The work happens in one
 * transaction on a read connection, so readers see the old tables until it commits and ingest goes on.
 */
export class JourneyRefresher {
  private running: Promise<RefreshReport> | undefined;
  private next: Promise<RefreshReport> | undefined;
  /** Results computed from the journey tables, by generation (the journey map's). */
  readonly results = new ResultCache(64);
  /** Called after every refresh that changed the journey tables, whoever asked for it. */
  onChange: ((report: RefreshReport) => void) | undefined;

  constructor(
    private readonly store: Store,
    private readonly log?: Logger,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Resolves when no refresh is running (for a clean shutdown). */
  async idle(): Promise<void> {
    while (this.running || this.next) await (this.next ?? this.running)?.catch(() => undefined);
  }

  /** Brings the derived tables up to date; resolves when they are. */
  refresh(): Promise<RefreshReport> {
    if (this.running) {
      // What changed during a running refresh may not be in it: everyone waiting shares one more run.
      this.next ??= this.running
        .catch(() => undefined)
        .then(() => {
          this.next = undefined;
          return this.refresh();
        });
      return this.next;
    }
    // Shared by every caller: one caller's client leaving or time running out must not stop it.
    this.running = unstoppable(() => this.store.read((conn) => this.run(conn))).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(conn: Connection): Promise<RefreshReport> {
    const started = performance.now();
    const now = new Date(this.clock.now());
    await conn.run("BEGIN TRANSACTION");
    try {
      const defs = await readDefinitions(conn);
      const st = await state(conn);
      const eventsEnd = await count(conn, "SELECT coalesce(max(rowid) + 1, 0) AS n FROM events");
      const linksEnd = await count(conn, "SELECT coalesce(max(rowid) + 1, 0) AS n FROM identity_links");
      const eventsFrom = st[STATE.eventsRowid] ?? 0;
      const linksFrom = st[STATE.linksRowid] ?? 0;
      let mode: RefreshReport["mode"] = "none";
      let customers = 0;
      // Built under other rules (a touchpoint or stage edit): every customer is re-derived, as in a full
      // rebuild, but only what the rules decide (after the usual incremental pass for what changed).
      // No version at all (a first build, or events deleted): everything is rebuilt.
      const built = st[STATE.classification];
      const ruleEdit = built !== undefined && built !== defs.classificationVersion;
      if (built === undefined) mode = "full";
      else {
        await conn.run(
          `CREATE OR REPLACE TEMP TABLE jr_stale AS
             SELECT DISTINCT absorbed_customer AS customer_id FROM identity_links
              WHERE rowid >= $1 AND accepted AND absorbed_customer IS NOT NULL`,
          [linksFrom],
        );
        // Touched: new events, merges, and quiet customers whose lapse fell due since the last refresh.
        const lapse = defs.model.lapse;
        const p = new Params();
        const due = lapse
          ? `UNION SELECT customer_id FROM customer_facts
              WHERE stage > ${p.add(stagePosition(defs.model, lapse.to))}
                AND last_signal + INTERVAL (${p.add(lapse.afterDays)}) DAY <= ${p.add(now.toISOString())}::TIMESTAMP`
          : "";
        await conn.run(
          `CREATE OR REPLACE TEMP TABLE jr_dirty AS
             SELECT DISTINCT c.canonical_id AS customer_id FROM (
               SELECT DISTINCT identity_id FROM events WHERE rowid >= ${p.add(eventsFrom)} AND identity_id IS NOT NULL) n
               JOIN identities i ON i.id = n.identity_id JOIN customers c ON c.id = i.customer_id
             UNION
             SELECT c.canonical_id FROM identity_links l JOIN customers c ON c.id = l.kept_customer
              WHERE l.rowid >= ${p.add(linksFrom)} AND l.accepted AND l.absorbed_customer IS NOT NULL
             ${due}`,
          p.values,
        );
        customers = await count(conn, "SELECT count(*) AS n FROM jr_dirty");
        const total = await count(conn, "SELECT count(*) AS n FROM customer_facts");
        if (customers > 0) mode = customers > total * FULL_SHARE ? "full" : "incremental";
        else if (eventsEnd > eventsFrom || linksEnd > linksFrom || ruleEdit) mode = "incremental";
        else if (st[STATE.personas] !== defs.personaVersion || usesRecency(defs)) mode = "personas";
      }

      if (mode === "full") {
        await recompute(conn, defs, now, "all");
        customers = await count(conn, "SELECT count(*) AS n FROM customer_facts");
      } else if (mode === "incremental" && (customers > 0 || !ruleEdit))
        await recompute(conn, defs, now, "dirty");
      if (ruleEdit && mode === "incremental") {
        await recompute(conn, defs, now, "rules");
        mode = "full";
        customers = await count(conn, "SELECT count(*) AS n FROM customer_facts");
      }
      // Recency rules change with the clock, not only with events: re-assign everyone when they are used.
      if (
        mode === "personas" ||
        (mode === "incremental" && (st[STATE.personas] !== defs.personaVersion || usesRecency(defs)))
      )
        await assignPersonas(conn, defs, now, "all");
      let lastReceived = st[STATE.lastReceived] ?? null;
      if (mode !== "none") {
        // Only the new rows (all of them after a full rebuild, when the bookmark may not hold).
        const newest = await all(
          conn,
          "SELECT epoch_ms(max(received_at)) AS t FROM events WHERE rowid >= $1",
          [mode === "full" ? 0 : eventsFrom],
        );
        const t = newest[0]?.t;
        if (t !== null && t !== undefined)
          lastReceived = mode === "full" ? Number(t) : Math.max(lastReceived ?? 0, Number(t));
        else if (mode === "full") lastReceived = null;
        if (lastReceived !== null) await setState(conn, STATE.lastReceived, lastReceived);
        await setState(conn, STATE.classification, defs.classificationVersion);
        await setState(conn, STATE.personas, defs.personaVersion);
        await setState(conn, STATE.eventsRowid, eventsEnd);
        await setState(conn, STATE.linksRowid, linksEnd);
        await setState(conn, STATE.refreshedAt, now.getTime());
        await setState(conn, STATE.generation, (st[STATE.generation] ?? 0) + 1);
      }
      await conn.run("COMMIT");
      const report: RefreshReport = {
        mode,
        customers,
        events: eventsEnd - (mode === "full" ? 0 : eventsFrom),
        ms: Math.round(performance.now() - started),
        refreshedAt: new Date(
          mode === "none" ? (st[STATE.refreshedAt] ?? now.getTime()) : now.getTime(),
        ).toISOString(),
        generation: (st[STATE.generation] ?? 0) + (mode === "none" ? 0 : 1),
        lastEventReceivedAt: lastReceived === null ? null : new Date(lastReceived).toISOString(),
      };
      if (mode !== "none") {
        this.log?.info({ journeyRefresh: report }, "journey tables refreshed");
        this.onChange?.(report);
      }
      return report;
    } catch (e) {
      await conn.run("ROLLBACK").catch(() => undefined);
      throw e;
    }
  }
}
