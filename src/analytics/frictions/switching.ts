// Channel switching after failed self-service: customers whose self-service ended badly (an unresolved
// chat, a bot's answer) contacting an assisted channel (the phone) soon after, against those whose
// self-service went well.

import * as m from "../../findings/message.js";
import { allSql, type Condition, matchSql } from "../../journey/rules.js";
import { all } from "../../store/database.js";
import type { SqlValue } from "../../store/driver.js";
import { Params } from "../../store/sql.js";
import {
  type Detector,
  type Found,
  inPeriod,
  num,
  ref,
  round,
  touchpointById,
  touchpointOfEvent,
  zScore,
} from "./detector.js";
import { dailyCounts, evidenceOverTime } from "./series.js";

/** A failure condition as a segment entry: `resolved: false`, `agent: "bot"`, `wait: "> 5"`. */
function segmentOf(conditions: Condition[]): Record<string, string | number | boolean> {
  const ops: Record<string, string> = { neq: "!=", gt: ">", gte: ">=", lt: "<", lte: "<=" };
  return Object.fromEntries(
    conditions.map((c) => {
      const key = c.property.replace(/^properties\./, "");
      const v = Array.isArray(c.value) ? c.value.join("|") : c.value;
      if (c.op === "eq" && v !== undefined) return [key, v];
      return [key, `${ops[c.op] ?? c.op}${v === undefined ? "" : ` ${v}`}`];
    }),
  );
}

export const channelSwitchDetector: Detector = {
  kinds: ["channel-switch"],
  rules: (d) => [d.settings.channelSwitch.selfService],
  async find(d) {
    const cs = d.settings.channelSwitch;
    if (!cs.failed.length || !cs.assistedChannels.length) return [];
    const tps = d.defs.touchpoints;
    const p = new Params();
    const failed = cs.failed.map((conditions, i) => `(${allSql(conditions, p, "e.")}) AS failed_${i}`);
    const channels = cs.assistedChannels.map((c) => p.add(c)).join(", ");
    const hours = Math.max(1, Math.trunc(cs.withinHours));
    await d.conn.run(
      `CREATE OR REPLACE TABLE ${d.tables.selfService} AS
         WITH s AS (
           SELECT e.rowid AS rid, e.customer_id, e.timestamp AS ts, ${failed.join(", ")},
                  ${touchpointOfEvent(tps, p)} AS touchpoint
             FROM ${d.tables.events} e
            WHERE ${matchSql(cs.selfService, p)} AND ${inPeriod(d, p, "e.timestamp")}),
         assisted AS (
           SELECT customer_id, timestamp, touchpoint FROM ${d.tables.journey}
            WHERE kind = 'contact' AND channel IN (${channels}) AND timestamp >= ${p.add(d.from.toISOString())}::TIMESTAMP)
         SELECT s.*, count(a.customer_id) > 0 AS switched, mode(a.touchpoint) AS switched_to
           FROM s LEFT JOIN assisted a ON a.customer_id = s.customer_id
                                      AND a.timestamp > s.ts AND a.timestamp <= s.ts + INTERVAL ${hours} HOUR
          GROUP BY ALL`,
      p.values,
    );
    const q = new Params();
    const [r] = await all(
      d.conn,
      `SELECT count(*) AS n, ${cs.failed
        .map(
          (_, i) => `count(*) FILTER (WHERE failed_${i}) AS n_${i},
                     count(*) FILTER (WHERE failed_${i} AND switched) AS x_${i},
                     count(*) FILTER (WHERE NOT failed_${i}) AS o_${i},
                     count(*) FILTER (WHERE NOT failed_${i} AND switched) AS ox_${i}`,
        )
        .join(", ")},
              mode(touchpoint) AS touchpoint, mode(switched_to) AS switched_to
         FROM ${d.tables.selfService}`,
      q.values,
    );
    if (!r || !num(r.n)) return [];
    const s = d.settings;
    let best: { i: number; n: number; x: number; o: number; ox: number; z: number } | undefined;
    cs.failed.forEach((_, i) => {
      const n = num(r[`n_${i}`]);
      const x = num(r[`x_${i}`]);
      const o = num(r[`o_${i}`]);
      const ox = num(r[`ox_${i}`]);
      const z = zScore(x, n, ox, o) ?? 0;
      if (n < s.minUnits || x < s.minCases || z < s.minZ || x / n < (o ? ox / o : 0) * s.minRatio) return;
      if (!best || z > best.z) best = { i, n, x, o, ox, z };
    });
    if (!best) return [];
    const b = best;
    const tp = touchpointById(d.defs, r.touchpoint as string | null);
    const to = touchpointById(d.defs, r.switched_to as string | null);
    const conditions = cs.failed[b.i]!;
    const segment = segmentOf(conditions);
    const baseline = b.o ? b.ox / b.o : 0;
    const excess = Math.max(0, b.x - b.n * baseline);
    const a = new Params();
    // Per day, the sessions that failed this way against the others, and how many of each switched.
    const counts = await dailyCounts(
      d,
      `SELECT 'switch' AS key, epoch_ms(date_trunc('day', ts)) AS day,
              count(*) FILTER (WHERE failed_${b.i}) AS au, count(*) FILTER (WHERE failed_${b.i} AND switched) AS ax,
              count(*) FILTER (WHERE NOT failed_${b.i}) AS bu,
              count(*) FILTER (WHERE NOT failed_${b.i} AND switched) AS bx
         FROM ${d.tables.selfService} GROUP BY ALL`,
    );
    const words = {
      channels: m.name(cs.assistedChannels.join("/")),
      within: m.minutes(hours * 60),
    };
    const found: Found = {
      friction: {
        id: `channel-switch:${tp?.id ?? "self-service"}`,
        kind: "channel-switch",
        message: m.message("friction.channelSwitch.title", {
          ...words,
          selfService: m.name(tp?.name ?? cs.selfService.event ?? cs.selfService.type ?? ""),
          segment: m.segment(segment),
          rate: m.percent(b.x / b.n),
          baseline: m.percent(baseline),
        }),
        notes: [],
        stage: tp?.stage ?? null,
        touchpoint: tp ? ref(tp) : null,
        touchpoints: [tp, to].flatMap((t) => (t ? [ref(t)] : [])),
        events: [cs.selfService.event, to?.match.event].filter((e): e is string => e !== undefined),
        segment,
        since: null,
        impact: round(excess, 1),
        lostConversions: null,
        lostRevenue: null,
        ...evidenceOverTime(d, counts.get("switch")),
        evidence: {
          value: round(b.x / b.n),
          cases: b.x,
          units: b.n,
          baseline: round(baseline),
          baselineCases: b.ox,
          baselineUnits: b.o,
          z: round(b.z, 2),
          details: { excessContacts: round(excess, 1), withinHours: hours },
          messages: {
            measure: m.message("friction.channelSwitch.measure", words),
            baseline: m.message("friction.channelSwitch.baseline"),
          },
        },
      },
      audience: {
        sql: `SELECT customer_id FROM ${d.tables.selfService} WHERE failed_${b.i} AND switched`,
        params: a.values as SqlValue[],
      },
    };
    return [found];
  },
};
