// Reads a batch back right after it was stored, for the live feed: each stored event with the customer it
// was stitched to, the touchpoint the current catalogue names it (the refresher's own classification SQL,
// src/journey/classify.ts) and the stage it moves its customer to. Runs only while a live stream wants
// events, on the loader's connection, over the batch's temp tables: a fixed number of small queries per
// batch, never a scan of the events table.

import { classificationSql } from "../journey/classify.js";
import { readDefinitions } from "../journey/definitions.js";
import { all } from "../store/database.js";
import type { Connection } from "../store/driver.js";
import { Params } from "../store/sql.js";
import type { LiveEvent } from "./schema.js";

/**
 * The stored events of `batch` (a batch-shaped table, src/loader/batch.ts) whose rows `stored` lists
 * (`seq`, `identity_id`), oldest first.
 */
export async function readStoredEvents(
  conn: Connection,
  batch: string,
  stored: string,
  /** Stages earlier live events moved customers to since the last refresh (and when); updated here. */
  levels: Map<number, { stage: number; at: number }>,
  now: number,
): Promise<Array<Omit<LiveEvent, "id">>> {
  const defs = await readDefinitions(conn);
  const p = new Params();
  // The batch's stored rows with their customer, as classificationSql reads events (`e`).
  const source = `SELECT r.seq, r.message_id, r."type", r.event, r.channel, make_timestamp(r.ts_ms * 1000) AS timestamp,
                          r.received_ms, r.properties, r.context, c.canonical_id AS customer_id
                     FROM ${batch} r JOIN ${stored} k ON k.seq = r.seq
                     LEFT JOIN identities i ON i.id = k.identity_id LEFT JOIN customers c ON c.id = i.customer_id`;
  const classified = classificationSql(defs, p, "b e", "e.customer_id");
  const rows = await all(
    conn,
    `WITH b AS (${source}), cl AS (${classified})
     SELECT b.seq, b.message_id, b."type", b.event, b.channel, epoch_ms(b.timestamp) AS ts, b.received_ms,
            b.customer_id, cl.touchpoint, cl.signal, f.stage AS current_stage
       FROM b LEFT JOIN cl ON cl.message_id = b.message_id
       LEFT JOIN customer_facts f ON f.customer_id = b.customer_id
      ORDER BY b.timestamp, b.seq`,
    p.values,
  );
  const stages = defs.model.stages;
  const stageRef = (position: number) => {
    const s = stages[position - 1];
    return s ? { key: s.key, name: s.name } : null;
  };
  const touchpoints = new Map(defs.touchpoints.map((t) => [t.id, t]));
  // A customer's second event of a stage they just entered (in this batch or an earlier one) changes nothing.
  return rows.map((r) => {
    const customerId = r.customer_id === null ? null : Number(r.customer_id);
    const tp = r.touchpoint === null ? undefined : touchpoints.get(String(r.touchpoint));
    const tpStage = tp ? stageRef(stages.findIndex((s) => s.key === tp.stage) + 1) : null;
    let stageChange: LiveEvent["stageChange"] = null;
    const signal = r.signal === null ? null : Number(r.signal);
    if (customerId !== null && signal !== null) {
      const current = Math.max(
        levels.get(customerId)?.stage ?? 0,
        r.current_stage === null ? 0 : Number(r.current_stage),
      );
      const to = stageRef(signal);
      if (signal > current && to) {
        stageChange = { from: stageRef(current), to, provisional: true };
        levels.set(customerId, { stage: signal, at: now });
      }
    }
    return {
      messageId: String(r.message_id),
      type: String(r.type),
      event: r.event === null ? null : String(r.event),
      channel: String(r.channel),
      timestamp: new Date(Number(r.ts)).toISOString(),
      receivedAt: new Date(Number(r.received_ms)).toISOString(),
      customerId,
      touchpoint: tp && tpStage ? { id: tp.id, name: tp.name, stage: tpStage, kind: tp.kind } : null,
      stageChange,
    };
  });
}
