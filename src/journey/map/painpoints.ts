// Pain points found in the data, per stage: drop-offs after a touchpoint (against the stage and against
// the touchpoint's own first half of the period), failures, repeated contacts about the same subject,
// responses slower than the channel's target, and negative feedback. Each comes with the numbers it
// rests on and the customers behind it.

import { zScore as signedZ } from "../../analytics/stats.js";
import * as m from "../../findings/message.js";
import { renderLine } from "../../findings/render.js";
import { all } from "../../store/database.js";
import type { Connection } from "../../store/driver.js";
import type { Params } from "../../store/sql.js";
import type { JourneyDefinitions } from "../definitions.js";
import type { PainKind, PainPoint, TouchpointMetrics } from "./schema.js";
import { TREND_DAYS, touchpointAudiences, touchpointPredicates } from "./touchpoints.js";

/** |z| of two proportions (the statistics module's), 0 when undefined: large means unlikely to be chance. */
const zScore = (x1: number, n1: number, x2: number, n2: number): number =>
  Math.abs(signedZ(x1, n1, x2, n2) ?? 0);

const SIGNIFICANT = 3;
const MIN_CUSTOMERS = 20;
const round = (v: number, d = 3) => Math.round(v * 10 ** d) / 10 ** d;

/** Customer sets behind each kind of pain point; `tp` is a SQL parameter reference. */
export function painAudience(defs: JourneyDefinitions, kind: PainKind, tp: string, p: Params): string {
  const model = defs.model;
  switch (kind) {
    case "drop-off":
      return touchpointAudiences(defs).dropped(tp);
    case "failure":
      return touchpointAudiences(defs).reach(tp);
    case "repeat-contact":
      return `SELECT DISTINCT customer_id FROM (${repeatsSql(model.repeatContactDays)}) WHERE touchpoint = ${tp} AND repeated`;
    case "slow-response":
      return `SELECT DISTINCT customer_id FROM m_jr WHERE touchpoint = ${tp} AND ${slowSql(defs, p)}`;
    case "negative-feedback":
      return `SELECT DISTINCT customer_id FROM m_jr WHERE touchpoint = ${tp} AND feedback < 0`;
  }
}

const repeatsSql = (days: number) => `
  SELECT customer_id, touchpoint, ts,
         coalesce(lag(ts) OVER (PARTITION BY customer_id, touchpoint, coalesce(subject, '') ORDER BY ts)
                  >= ts - INTERVAL (${days}) DAY, false) AS repeated
    FROM m_jr WHERE kind = 'contact'`;

function slowSql(defs: JourneyDefinitions, p: Params): string {
  const targets = Object.entries(defs.model.responseTargetMinutes);
  if (!targets.length) return "false";
  const arms = targets.map(([ch, min]) => `WHEN ${p.add(ch)} THEN ${p.add(min)}::DOUBLE`).join(" ");
  return `coalesce(response_minutes > CASE channel ${arms} END, false)`;
}

/** A pain point's words: its message, its notes, and the English title rendered from them. */
function worded(message: m.Message, ...notes: Array<m.Message | undefined>) {
  const kept = notes.filter((n): n is m.Message => n !== undefined);
  return { title: renderLine([message, ...kept]), message, notes: kept };
}

function dropOffs(
  defs: JourneyDefinitions,
  metrics: TouchpointMetrics[],
  baseline: Map<string, number>,
): PainPoint[] {
  const out: PainPoint[] = [];
  for (const t of [...metrics].sort((a, b) => a.id.localeCompare(b.id))) {
    if (t.converted === null || t.reach < MIN_CUSTOMERS) continue;
    if (t.kind !== "failure" && !defs.touchpoints.find((d) => d.id === t.id)?.advances) continue;
    const base = baseline.get(t.stage) ?? 0;
    const conv = t.converted / t.reach;
    const { early, late } = t.halves;
    const vsStage = zScore(t.converted, t.reach, base * t.reach, t.reach) >= SIGNIFICANT && conv < base;
    const earlyConv = early.reach ? early.converted / early.reach : 0;
    const lateConv = late.reach ? late.converted / late.reach : 0;
    const worse =
      early.reach >= MIN_CUSTOMERS &&
      late.reach >= MIN_CUSTOMERS &&
      lateConv < earlyConv &&
      zScore(early.converted, early.reach, late.converted, late.reach) >= SIGNIFICANT;
    const lostVsStage = vsStage ? t.reach * (base - conv) : 0;
    const lostVsBefore = worse ? late.reach * (earlyConv - lateConv) : 0;
    if (t.kind !== "failure" && lostVsStage + lostVsBefore < 1) continue;
    const kind: PainKind = t.kind === "failure" ? "failure" : "drop-off";
    const touchpoint = m.name(t.name);
    const message =
      kind === "failure"
        ? m.message("pain.failure", {
            touchpoint,
            reach: m.number(t.reach),
            conversion: m.percent(conv),
            stage: m.percent(base),
          })
        : worse
          ? m.message("pain.dropOffGrew", {
              touchpoint,
              late: m.percent(1 - lateConv),
              days: m.number(TREND_DAYS),
              early: m.percent(1 - earlyConv),
            })
          : m.message("pain.dropOff", { touchpoint, rate: m.percent(1 - conv), stage: m.percent(1 - base) });
    out.push({
      id: `${kind}:${t.id}`,
      kind,
      stage: t.stage,
      touchpoint: { id: t.id, name: t.name },
      ...worded(message),
      customers: kind === "failure" ? t.reach : t.reach - t.converted,
      impact: Math.round(Math.max(lostVsStage, lostVsBefore, kind === "failure" ? t.reach * (1 - conv) : 0)),
      evidence: {
        reach: t.reach,
        conversion: round(conv),
        stageConversion: round(base),
        trendWindowDays: TREND_DAYS,
        conversionFirstHalf: early.reach ? round(earlyConv) : null,
        conversionSecondHalf: late.reach ? round(lateConv) : null,
        customersFirstHalf: early.reach,
        customersSecondHalf: late.reach,
      },
    });
  }
  return out;
}

export async function findPainPoints(
  conn: Connection,
  defs: JourneyDefinitions,
  metrics: TouchpointMetrics[],
  p: () => Params,
): Promise<PainPoint[]> {
  const model = defs.model;
  const name = new Map(defs.touchpoints.map((t) => [t.id, t]));
  const pred = touchpointPredicates(defs);
  // Baseline conversion of a stage: customers who used any touchpoint of it and went on. Per customer
  // first: one grouping instead of two DISTINCT counts over every journey event of the period.
  const stageRows = await all(
    conn,
    `SELECT stage, count(*) AS reach, count(*) FILTER (WHERE converted) AS converted
       FROM (SELECT stage, customer_id, bool_or(${pred.converted}) AS converted
               FROM m_jr WHERE touchpoint IS NOT NULL GROUP BY stage, customer_id)
      GROUP BY stage`,
  );
  const keyOf = (pos: number) => model.stages[pos - 1]?.key ?? "";
  const baseline = new Map(
    stageRows.map((r) => [
      keyOf(Number(r.stage)),
      Number(r.reach) ? Number(r.converted) / Number(r.reach) : 0,
    ]),
  );
  const found = dropOffs(defs, metrics, baseline);

  const repeats = await all(
    conn,
    `SELECT touchpoint, count(*) AS contacts, count(*) FILTER (WHERE repeated) AS repeats,
            count(DISTINCT customer_id) AS customers,
            count(DISTINCT customer_id) FILTER (WHERE repeated) AS repeat_customers
       FROM (${repeatsSql(model.repeatContactDays)}) GROUP BY touchpoint ORDER BY touchpoint`,
  );
  for (const r of repeats) {
    const t = name.get(String(r.touchpoint));
    const rep = Number(r.repeats);
    if (!t || rep < 10 || rep / Number(r.contacts) < 0.1) continue;
    found.push({
      id: `repeat-contact:${t.id}`,
      kind: "repeat-contact",
      stage: t.stage,
      touchpoint: { id: t.id, name: t.name },
      ...worded(
        m.message("pain.repeatContact", {
          touchpoint: m.name(t.name),
          share: m.percent(rep / Number(r.contacts)),
          days: m.number(model.repeatContactDays),
        }),
      ),
      customers: Number(r.repeat_customers),
      impact: rep,
      evidence: {
        contacts: Number(r.contacts),
        repeatContacts: rep,
        customers: Number(r.customers),
        repeatCustomers: Number(r.repeat_customers),
        contactsPerCustomer: round(Number(r.contacts) / Number(r.customers), 2),
        windowDays: model.repeatContactDays,
      },
    });
  }

  const sp = p();
  const slow = slowSql(defs, sp);
  const responses = await all(
    conn,
    `SELECT touchpoint, count(*) AS responses, count(*) FILTER (WHERE ${slow}) AS slow,
            count(DISTINCT customer_id) FILTER (WHERE ${slow}) AS slow_customers,
            median(response_minutes) AS median, quantile_cont(response_minutes, 0.9) AS p90,
            avg(next_feedback) FILTER (WHERE ${slow} AND ${pred.laterFeedback}) AS feedback_slow,
            count(next_feedback) FILTER (WHERE ${slow} AND ${pred.laterFeedback}) AS answers_slow,
            avg(next_feedback) FILTER (WHERE NOT ${slow} AND ${pred.laterFeedback}) AS feedback_fast,
            count(next_feedback) FILTER (WHERE NOT ${slow} AND ${pred.laterFeedback}) AS answers_fast,
            string_agg(DISTINCT channel, ',' ORDER BY channel) AS channels
       FROM m_jr WHERE kind = 'response' AND response_minutes IS NOT NULL GROUP BY touchpoint ORDER BY touchpoint`,
    sp.values,
  );
  for (const r of responses) {
    const t = name.get(String(r.touchpoint));
    const share = Number(r.slow) / Number(r.responses);
    if (!t || Number(r.slow) < 10 || share < 0.2) continue;
    const fbSlow = r.feedback_slow === null ? null : round(Number(r.feedback_slow));
    const fbFast = r.feedback_fast === null ? null : round(Number(r.feedback_fast));
    const channels = String(r.channels).split(",").sort();
    const targets = channels.map((c) => `${c} ${model.responseTargetMinutes[c] ?? "–"} min`).join(", ");
    found.push({
      id: `slow-response:${t.id}`,
      kind: "slow-response",
      stage: t.stage,
      touchpoint: { id: t.id, name: t.name },
      ...worded(
        m.message("pain.slowResponse", {
          touchpoint: m.name(t.name),
          share: m.percent(share),
          targets: {
            type: "targets",
            items: channels.map((c) => ({ name: c, minutes: model.responseTargetMinutes[c] ?? null })),
          },
        }),
        fbSlow !== null && fbFast !== null && fbSlow < fbFast
          ? m.message("pain.slowFeedback", { slow: m.number(fbSlow, 3), onTime: m.number(fbFast, 3) })
          : undefined,
      ),
      customers: Number(r.slow_customers),
      impact: Number(r.slow),
      evidence: {
        responses: Number(r.responses),
        slowResponses: Number(r.slow),
        medianMinutes: round(Number(r.median), 1),
        p90Minutes: round(Number(r.p90), 1),
        targets,
        feedbackAfterSlow: fbSlow,
        answersAfterSlow: Number(r.answers_slow),
        feedbackAfterFast: fbFast,
        answersAfterFast: Number(r.answers_fast),
      },
    });
  }

  // Negative feedback, with how many messages the customer had in the week before it: over-contact
  // shows as unsubscribes that follow a heavy week.
  const negative = await all(
    conn,
    `WITH n AS (SELECT customer_id, touchpoint, ts FROM m_jr WHERE feedback < 0),
          before AS (SELECT n.touchpoint, n.customer_id, n.ts, count(x.ts) AS messages
                       FROM n LEFT JOIN m_jr x ON x.customer_id = n.customer_id AND x.kind = 'message'
                        AND x.ts >= n.ts - INTERVAL 7 DAY AND x.ts < n.ts
                      GROUP BY ALL),
          weekly AS (SELECT coalesce(sum(n), 0) / greatest(count(*), 1) AS per_week FROM (
                       SELECT count(*) AS n FROM m_jr WHERE kind = 'message' GROUP BY customer_id, date_trunc('week', ts)))
     SELECT f.touchpoint, count(*) AS answers, avg(f.feedback) AS mean,
            count(*) FILTER (WHERE f.feedback < 0) AS negative,
            count(DISTINCT f.customer_id) FILTER (WHERE f.feedback < 0) AS negative_customers,
            (SELECT avg(messages) FROM before b WHERE b.touchpoint = f.touchpoint) AS messages_before,
            (SELECT per_week FROM weekly) AS messages_per_week
       FROM m_jr f WHERE f.feedback IS NOT NULL AND f.kind = 'feedback' GROUP BY f.touchpoint ORDER BY f.touchpoint`,
  );
  for (const r of negative) {
    const t = name.get(String(r.touchpoint));
    const answers = Number(r.answers);
    const neg = Number(r.negative);
    const mean = Number(r.mean);
    if (!t || neg < MIN_CUSTOMERS || (mean >= -0.1 && neg / answers < 0.3)) continue;
    const before = r.messages_before === null ? null : round(Number(r.messages_before), 2);
    const typical = r.messages_per_week === null ? null : round(Number(r.messages_per_week), 2);
    found.push({
      id: `negative-feedback:${t.id}`,
      kind: "negative-feedback",
      stage: t.stage,
      touchpoint: { id: t.id, name: t.name },
      ...worded(
        m.message("pain.negativeFeedback", {
          touchpoint: m.name(t.name),
          negative: m.number(neg),
          share: m.percent(neg / answers),
          mean: m.number(mean, 2),
        }),
        before !== null && typical !== null && before > typical * 1.5
          ? m.message("pain.heavyWeek", { before: m.number(before, 2), typical: m.number(typical, 2) })
          : undefined,
      ),
      customers: Number(r.negative_customers),
      impact: neg,
      evidence: {
        answers,
        negative: neg,
        meanFeedback: round(mean),
        messagesInWeekBefore: before,
        messagesPerCustomerWeek: typical,
      },
    });
  }
  // Equal impacts keep the order found (by kind, then touchpoint id: each query above is ordered, since
  // rows come out of DuckDB's parallel aggregates in any order).
  return found.sort((a, b) => b.impact - a.impact);
}
