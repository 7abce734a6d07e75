// Over-contact: marketing messages (touchpoints of kind message) per customer and week against opt-outs
// (feedback touchpoints whose event itself is negative, such as an unsubscribe). Every threshold is
// tried; the one where the weekly opt-out rate jumps most significantly is reported.

import * as m from "../../findings/message.js";
import { all } from "../../store/database.js";
import type { SqlValue } from "../../store/driver.js";
import { Params } from "../../store/sql.js";
import { type Detector, type Found, inPeriod, num, ref, round, touchpointById, zSql } from "./detector.js";
import { dailyCounts, evidenceOverTime } from "./series.js";

export const pressureDetector: Detector = {
  kinds: ["over-contact"],
  async find(d) {
    const tps = d.defs.touchpoints;
    const optOuts = tps.filter(
      (t) => t.kind === "feedback" && t.feedback && "value" in t.feedback && t.feedback.value < 0,
    );
    const messages = tps.filter((t) => t.kind === "message");
    if (!optOuts.length || !messages.length) return [];
    const p = new Params();
    const outs = optOuts.map((t) => p.add(t.id)).join(", ");
    // Weeks are counted from the day of the first message in the period.
    await d.conn.run(
      `CREATE OR REPLACE TABLE ${d.tables.weeks} AS
         WITH j AS (SELECT customer_id, timestamp, kind, touchpoint FROM ${d.tables.journey}
                     WHERE (kind = 'message' OR touchpoint IN (${outs})) AND ${inPeriod(d, p, "timestamp")}),
              origin AS (SELECT date_trunc('day', min(timestamp)) AS t FROM j WHERE kind = 'message')
         SELECT customer_id, date_diff('day', origin.t, timestamp) // 7 AS week,
                count(*) FILTER (WHERE kind = 'message') AS messages,
                count(*) FILTER (WHERE touchpoint IN (${outs})) AS outs,
                any_value(origin.t) AS origin
           FROM j, origin WHERE timestamp >= origin.t GROUP BY ALL HAVING count(*) FILTER (WHERE kind = 'message') > 0`,
      p.values,
    );
    const q = new Params();
    const [r] = await all(
      d.conn,
      `WITH per AS (SELECT messages, count(*)::DOUBLE AS n, count(*) FILTER (WHERE outs > 0)::DOUBLE AS x
                      FROM ${d.tables.weeks} GROUP BY 1),
            cum AS (SELECT messages AS threshold,
                           coalesce(sum(n) OVER over, 0) AS n, coalesce(sum(x) OVER over, 0) AS x,
                           sum(n) OVER () AS tn, sum(x) OVER () AS tx
                      FROM per
                    WINDOW over AS (ORDER BY messages DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING))
       SELECT threshold, n, x, tn - n AS bn, tx - x AS bx, ${zSql("x", "n", "tx - x", "tn - n")} AS z,
              (SELECT median(messages) FROM ${d.tables.weeks}) AS median,
              (SELECT epoch_ms(min(origin)) FROM ${d.tables.weeks}) AS origin
         FROM cum WHERE n >= ${q.add(d.settings.minUnits)} AND tn > n AND x >= ${q.add(d.settings.minCases)}
        ORDER BY z DESC NULLS LAST, threshold LIMIT 1`,
      q.values,
    );
    if (!r) return [];
    const s = d.settings;
    const n = num(r.n);
    const x = num(r.x);
    const bn = num(r.bn);
    const bx = num(r.bx);
    const z = num(r.z);
    const rate = x / n;
    const baseline = bn ? bx / bn : 0;
    if (z < s.minZ || rate < baseline * s.minRatio) return [];
    const threshold = num(r.threshold);
    // The touchpoints that took part in the period (not every message touchpoint of the catalogue), the
    // most frequent message first.
    const t = new Params();
    const seen = await all(
      d.conn,
      `SELECT touchpoint FROM ${d.tables.journey}
        WHERE (kind = 'message' OR touchpoint IN (${optOuts.map((o) => t.add(o.id)).join(", ")}))
          AND ${inPeriod(d, t, "timestamp")}
        GROUP BY touchpoint, kind ORDER BY kind = 'message' DESC, count(*) DESC, touchpoint`,
      t.values,
    );
    const present = new Set(seen.map((row) => String(row.touchpoint)));
    const main = touchpointById(d.defs, seen[0]?.touchpoint as string | undefined) ?? messages[0]!;
    const involved = [...messages, ...optOuts].filter((tp) => present.has(tp.id));
    const excess = Math.max(0, x - n * baseline);
    const a = new Params();
    // Per customer-week, by the week's first day: weeks above the threshold against the others.
    const w = new Params();
    const over = w.add(threshold);
    const counts = await dailyCounts(
      d,
      `SELECT 'weeks' AS key, epoch_ms(origin + INTERVAL 7 DAY * week) AS day,
              count(*) FILTER (WHERE messages > ${over}) AS au, count(*) FILTER (WHERE messages > ${over} AND outs > 0) AS ax,
              count(*) FILTER (WHERE messages <= ${over}) AS bu, count(*) FILTER (WHERE messages <= ${over} AND outs > 0) AS bx
         FROM ${d.tables.weeks} GROUP BY ALL`,
      w.values as SqlValue[],
    );
    const found: Found = {
      friction: {
        id: "over-contact:messages",
        kind: "over-contact",
        message: m.message("friction.overContact.title", {
          threshold: m.number(threshold),
          rate: m.percent(rate),
          baseline: m.percent(baseline),
        }),
        notes: [],
        stage: main.stage,
        touchpoint: ref(main),
        touchpoints: involved.map(ref),
        events: involved.flatMap((tp) => (tp.match.event ? [tp.match.event] : [])),
        segment: { marketing_messages_per_week: `> ${threshold}` },
        since: null,
        impact: round(excess, 1),
        lostConversions: null,
        lostRevenue: null,
        ...evidenceOverTime(d, counts.get("weeks")),
        evidence: {
          value: round(rate),
          cases: x,
          units: n,
          baseline: round(baseline),
          baselineCases: bx,
          baselineUnits: bn,
          z: round(z, 2),
          details: {
            threshold,
            medianMessagesPerWeek: num(r.median),
            excessOptOuts: round(excess, 1),
            weeksFrom: new Date(num(r.origin)).toISOString(),
          },
          messages: {
            measure: m.message("friction.overContact.measure"),
            baseline: m.message("friction.overContact.baseline", { threshold: m.number(threshold) }),
          },
        },
      },
      audience: {
        sql: `SELECT customer_id FROM ${d.tables.weeks} WHERE messages > ${a.add(threshold)} AND outs > 0`,
        params: a.values as SqlValue[],
      },
    };
    return [found];
  },
};
