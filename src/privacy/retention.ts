// Retention: events older than their rule's days (config.retention: per channel, event name or message
// type) are deleted with the journey rows derived from them; the next journey refresh is a full one, so
// customer facts and stages follow. Run daily by the server and by `itinera privacy retention`.

import type { Actor } from "../audit/log.js";
import { recordAudit } from "../audit/log.js";
import type { Config } from "../config.js";
import { requireFullRefresh } from "../journey/refresh.js";
import { all, type Store } from "../store/database.js";
import type { SqlValue } from "../store/driver.js";
import { markCompactionPending } from "./erase.js";

export type RetentionRule = Config["retention"][number];

export interface RetentionReport {
  dryRun: boolean;
  /** Events each rule matched past its days (an event matched by two rules counts in both). */
  rules: Array<RetentionRule & { events: number }>;
  /** Rows deleted per table (what would be, on a dry run). */
  tables: { events: number; journey_events: number; stage_transitions: number };
  ms: number;
}

/** The rule's condition with its parameters, numbered from `from`. */
function condition(rule: RetentionRule, params: SqlValue[]): string {
  const parts: string[] = [];
  const add = (v: SqlValue) => {
    params.push(v);
    return `$${params.length}`;
  };
  parts.push(`timestamp < now()::TIMESTAMP - to_days(CAST(${add(rule.days)} AS INTEGER))`);
  if (rule.channel !== undefined) parts.push(`channel = ${add(rule.channel)}`);
  if (rule.event !== undefined) parts.push(`event = ${add(rule.event)}`);
  if (rule.type !== undefined) parts.push(`type = ${add(rule.type)}`);
  return parts.join(" AND ");
}

export async function applyRetention(
  deps: { store: Store; config: Pick<Config, "retention"> },
  opts: { actor: Actor; dryRun?: boolean; rules?: RetentionRule[] },
): Promise<RetentionReport> {
  const started = performance.now();
  const rules = opts.rules ?? deps.config.retention;
  const dryRun = opts.dryRun === true;
  const { store } = deps;
  const empty = { events: 0, journey_events: 0, stage_transitions: 0 };
  if (rules.length === 0) return { dryRun, rules: [], tables: empty, ms: 0 };
  const report = await store.exclusive(async (conn) => {
    const counted: RetentionReport["rules"] = [];
    for (const rule of rules) {
      const params: SqlValue[] = [];
      const [row] = await all(
        conn,
        `SELECT count(*) AS n FROM events WHERE ${condition(rule, params)}`,
        params,
      );
      counted.push({ ...rule, events: Number(row?.n ?? 0) });
    }
    const params: SqlValue[] = [];
    const any = rules.map((r) => `(${condition(r, params)})`).join(" OR ");
    await conn.run(
      `CREATE OR REPLACE TEMP TABLE expired_messages AS SELECT message_id FROM events WHERE ${any}`,
      params,
    );
    const tables = { ...empty };
    try {
      if (dryRun) {
        const [row] = await all(
          conn,
          `SELECT (SELECT count(*) FROM expired_messages) AS events,
                  (SELECT count(*) FROM journey_events WHERE message_id IN (SELECT message_id FROM expired_messages)) AS je,
                  (SELECT count(*) FROM stage_transitions WHERE message_id IN (SELECT message_id FROM expired_messages)) AS st`,
        );
        tables.events = Number(row?.events ?? 0);
        tables.journey_events = Number(row?.je ?? 0);
        tables.stage_transitions = Number(row?.st ?? 0);
      } else if (Number((await all(conn, "SELECT count(*) AS n FROM expired_messages"))[0]?.n ?? 0) > 0) {
        await conn.run("BEGIN TRANSACTION");
        try {
          for (const table of ["journey_events", "stage_transitions", "events"] as const) {
            const reader = await conn.runAndReadAll(
              `DELETE FROM ${table} WHERE message_id IN (SELECT message_id FROM expired_messages)`,
            );
            tables[table] = Number(reader.getColumnsJS()[0]?.[0] ?? 0);
          }
          await requireFullRefresh(conn);
          // Not compacted now (a daily copy of the whole file would stall ingest daily): the expired rows'
          // bytes go at the next erasure or start.
          await markCompactionPending(conn);
          await conn.run("COMMIT");
        } catch (e) {
          await conn.run("ROLLBACK").catch(() => undefined);
          throw e;
        }
      }
    } finally {
      await conn.run("DROP TABLE IF EXISTS expired_messages");
    }
    return { rules: counted, tables };
  });
  const result: RetentionReport = { dryRun, ...report, ms: Math.round(performance.now() - started) };
  if (!dryRun && result.tables.events > 0)
    await recordAudit(store, {
      actor: opts.actor,
      action: "retention.apply",
      target: null,
      detail: { rules: result.rules, rows: result.tables },
    });
  return result;
}
