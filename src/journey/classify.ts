// Classification as SQL: the touchpoint catalogue and the stage entry rules compiled into one SELECT
// that turns raw events into journey events (touchpoint, stage, stage signal, feedback, response time).
import { type Params, quoteString } from "../store/sql.js";
import type { JourneyDefinitions } from "./definitions.js";
import { stagePosition } from "./model.js";
import { type EventMatch, matchSql, splitPath } from "./rules.js";
import type { Feedback, Touchpoint } from "./touchpoints.js";

const typeOf = (m: EventMatch) => m.type ?? "track";

/** A JSON path of the event (default: properties) as text. */
function textAt(property: string, alias: string): string {
  const { column, path } = splitPath(property);
  return `json_extract_string(${alias}${column}, ${quoteString(path)})`;
}

function feedbackSql(f: Feedback, p: Params, alias: string): string {
  if ("value" in f) return `${p.add(f.value)}::DOUBLE`;
  const raw = textAt(f.property, alias);
  if ("labels" in f) {
    const arms = Object.entries(f.labels).map(
      ([label, v]) => `WHEN ${p.add(label)} THEN ${p.add(v)}::DOUBLE`,
    );
    return `CASE ${raw} ${arms.join(" ")} END`;
  }
  const unit = `((TRY_CAST(${raw} AS DOUBLE) - ${p.add(f.min)}::DOUBLE) / ${p.add(f.max - f.min)}::DOUBLE)`;
  const scaled = `greatest(-1.0, least(1.0, ${unit} * 2 - 1))`;
  return f.invert ? `-${scaled}` : scaled;
}

const UNIT_MINUTES = { seconds: 1 / 60, minutes: 1, hours: 60 } as const;

/**
 * The first touchpoint whose rule matches, as its index: rules are grouped by type and event name so
 * an event is compared only with the rules that could match it, keeping catalogue order within a group.
 */
export function touchpointIndexSql(tps: readonly Touchpoint[], p: Params, alias: string): string {
  const byType = new Map<string, number[]>();
  tps.forEach((t, i) => {
    const list = byType.get(typeOf(t.match)) ?? [];
    list.push(i);
    byType.set(typeOf(t.match), list);
  });
  const firstOf = (indexes: number[]) =>
    indexes.length === 0
      ? "NULL"
      : `CASE ${indexes
          .map((i) => {
            return `WHEN ${matchSql(tps[i]!.match, p, alias, false)} THEN ${i}`;
          })
          .join(" ")} END`;
  const typeArms = [...byType].map(([type, indexes]) => {
    const unnamed = indexes.filter((i) => !tps[i]!.match.event);
    const names = [...new Set(indexes.map((i) => tps[i]!.match.event).filter((e): e is string => !!e))];
    const nameArms = names.map(
      (name) =>
        `WHEN ${p.add(name)} THEN ${firstOf(indexes.filter((i) => !tps[i]!.match.event || tps[i]!.match.event === name))}`,
    );
    const inner = nameArms.length
      ? `CASE ${alias}event ${nameArms.join(" ")} ELSE ${firstOf(unnamed)} END`
      : firstOf(unnamed);
    return `WHEN ${p.add(type)} THEN ${inner}`;
  });
  return typeArms.length ? `CASE ${alias}type ${typeArms.join(" ")} END` : "NULL::INTEGER";
}

/** The highest stage an entry rule gives the event, or NULL. */
function entrySignalSql(defs: JourneyDefinitions, p: Params, alias: string): string {
  const arms: string[] = [];
  const stages = [...defs.model.stages].reverse();
  for (const s of stages)
    for (const rule of s.entry)
      arms.push(`WHEN ${matchSql(rule, p, alias)} THEN ${stagePosition(defs.model, s.key)}`);
  return arms.length ? `CASE ${arms.join(" ")} END` : "NULL";
}

/** `CASE tp WHEN i THEN … END` over the touchpoints that have the attribute. */
function perTouchpoint(tps: readonly Touchpoint[], value: (t: Touchpoint) => string | undefined): string {
  const arms = tps.flatMap((t, i) => {
    const v = value(t);
    return v === undefined ? [] : [`WHEN ${i} THEN ${v}`];
  });
  return arms.length ? `CASE tp ${arms.join(" ")} END` : "NULL";
}

/**
 * SELECT producing journey_events rows from `source`, a FROM clause that yields events as `e` and the
 * customer as `customer` (an expression). Purchase events are kept even when no touchpoint names them,
 * so spend never depends on the catalogue.
 */
export function classificationSql(
  defs: JourneyDefinitions,
  p: Params,
  source: string,
  customer = "m.customer_id",
): string {
  const tps = defs.touchpoints;
  const inner = `
    SELECT ${customer} AS customer_id, e.timestamp, e.message_id, e.channel, e.type, e.event, e.properties, e.context,
           ${touchpointIndexSql(tps, p, "e.")} AS tp,
           ${entrySignalSql(defs, p, "e.")} AS entry_signal
      FROM ${source}`;
  const purchase = p.add(defs.model.purchase.event);
  const revenue = defs.model.purchase.revenueProperties
    .map((prop) => `TRY_CAST(json_extract_string(properties, ${quoteString(`$.${prop}`)}) AS DOUBLE)`)
    .join(", ");
  const advancing = perTouchpoint(tps, (t) =>
    t.advances ? String(stagePosition(defs.model, t.stage)) : undefined,
  );
  return `
    SELECT customer_id, timestamp, message_id, channel,
           ${perTouchpoint(tps, (t) => p.add(t.id))} AS touchpoint,
           ${perTouchpoint(tps, (t) => String(stagePosition(defs.model, t.stage)))} AS stage,
           CASE WHEN entry_signal IS NULL THEN ${advancing}
                ELSE greatest(entry_signal, coalesce(${advancing}, 0)) END AS signal,
           ${perTouchpoint(tps, (t) => p.add(t.kind))} AS kind,
           ${perTouchpoint(tps, (t) => (t.feedback ? feedbackSql(t.feedback, p, "") : undefined))} AS feedback,
           ${perTouchpoint(tps, (t) =>
             t.responseMinutes
               ? `TRY_CAST(${textAt(t.responseMinutes.property, "")} AS DOUBLE) * ${UNIT_MINUTES[t.responseMinutes.unit ?? "minutes"]}`
               : undefined,
           )} AS response_minutes,
           ${perTouchpoint(tps, (t) => (t.subject ? textAt(t.subject, "") : undefined))} AS subject,
           CASE WHEN type = 'track' AND event = ${purchase} THEN coalesce(${revenue}, 0) END AS revenue
      FROM (${inner}) c
     WHERE tp IS NOT NULL OR entry_signal IS NOT NULL OR (type = 'track' AND event = ${purchase})`;
}
