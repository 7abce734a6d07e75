// Staging: one pass over the file that applies the API's rules to every row at once, in SQL. Each row
// gets its event fields, normalised identifiers, search names, the inputs of the channel rule, and the
// first reason it must be rejected (or NULL). Phones and channels are filled in later (lookups.ts).
// Layered sub-selects compute each value once; the outer layers only refer to columns.
import type { IdentitySettings } from "../../config.js";
import { messageTypes } from "../schemas.js";
import type { RawSelect } from "./sources.js";
import { nonEmptyColumn, quoteString, trimWs } from "./sql.js";

export interface StagingRules {
  identity: IdentitySettings;
  defaults: { event?: string; type?: string };
  /** CSV and Parquet rows without a type are track events; a JSONL message must name its type. */
  fallbackType: string | null;
  /** Events outside [earliest, latest] (epoch ms) are unit mistakes, as on the API. */
  earliest: number;
  latest: number;
}

const EMAIL = String.raw`[^\s@]+@[^\s@]+\.[^\s@]+`;
const NO_TEXT = "NULL::VARCHAR";

const literalOrNull = (v: string | null | undefined) => (v == null ? NO_TEXT : quoteString(v));

/** The channel-rule inputs that exist as columns; the struct is what lookups.ts reads and joins on. */
export function channelStruct(raw: RawSelect): string {
  const fields = ["'type': \"type\"", "'event': event"];
  for (const input of raw.channelInputs) fields.push(`'${input.slice(3)}': ${input}`);
  return `{${fields.join(", ")}}`;
}

/** `CREATE TEMP TABLE table AS …` staging every row of `raw` (a Parquet reader takes the path as $1). */
export function stagingSql(table: string, raw: RawSelect, rules: StagingRules): string {
  const blocked = rules.identity.blockedValues.map((v) => quoteString(v.trim().toLowerCase()));
  const keep = (v: string) =>
    blocked.length === 0 ? v : `CASE WHEN lower(${v}) NOT IN (${blocked.join(", ")}) THEN ${v} END`;
  const traitIds = rules.identity.traitIdentifiers;
  const slots = ["uid", "aid", "phone", ...traitIds.map((_, i) => `t${i}`)];
  const trimmed = (name: string) => nonEmptyColumn(`r_${name}`);
  const identifierNames = ["userId", "anonymousId", "email", "phone", ...traitIds].join(", ");

  const cols = raw.columns;
  const noNames = ["n_name", "n_first", "n_last"].every((k) => cols.get(k) === NO_TEXT);
  const name = (e: string) => `lower(${trimWs(e)})[1:200]`;
  const names = noNames
    ? "[]::VARCHAR[]"
    : `list_distinct(list_filter([
         ${name("n_name")},
         CASE WHEN n_first IS NOT NULL OR n_last IS NOT NULL
              THEN ${name("concat_ws(' ', nullif(n_first, ''), nullif(n_last, ''))")} END,
         ${name("n_last")}
       ], x -> x IS NOT NULL AND x <> ''))`;
  const types = messageTypes.map(quoteString).join(", ");
  const rawColumns = [...cols].map(([alias, sql]) => `${sql} AS ${alias}`).join(",\n      ");

  return `
  CREATE TEMP TABLE ${table} AS
  SELECT * EXCLUDE (r_src), CASE WHEN reason IS NOT NULL THEN ${raw.recordSql} END AS record
  FROM (
  SELECT
    __row, r_src, message_id, "type", event, r_ts_ms AS ts_ms, r_sent_ms AS sent_ms,
    r_uid AS user_id, r_aid AS anonymous_id,
    id_user, id_email, t_phone AS phone_raw, ${traitIds.map((_, i) => `id_t${i},`).join(" ")} id_anon,
    r_prev AS previous_id,
    ${channelStruct(raw)} AS ch,
    CASE WHEN "type" = 'group' AND r_group IS NOT NULL
         THEN json_merge_patch(coalesce(r_props, '{}'), json_object('groupId', r_group))
         ELSE r_props END AS properties,
    r_traits AS traits,
    r_context AS context,
    ${names} AS names,
    CASE
      WHEN r_bad IS NOT NULL THEN r_bad
      WHEN "type" IS NULL OR "type" NOT IN (${types})
        THEN '"type" must be one of ${messageTypes.join(", ")} (got ' || coalesce('"' || "type" || '"', 'none') || ')'
      WHEN "type" = 'track' AND event IS NULL
        THEN 'a track event needs an event name: map a column with --map event=COLUMN or pass --event NAME'
      WHEN length(event) > 255 THEN 'event name is longer than 255 characters'
      WHEN length(message_id) > 512 THEN 'messageId is longer than 512 characters'
      WHEN length(r_uid) > 512 OR length(r_aid) > 512 THEN 'userId or anonymousId is longer than 512 characters'
      WHEN coalesce(${slots.map((s) => `t_${s}`).join(", ")}, t_email_raw) IS NULL
        THEN 'no identifier: the row needs one of ${identifierNames}'
      WHEN "type" = 'alias' AND r_prev IS NULL THEN 'alias needs a previousId'
      WHEN "type" = 'alias' AND r_uid IS NULL THEN 'alias needs the userId that previousId becomes'
      WHEN "type" = 'group' AND r_group IS NULL THEN 'group needs a groupId'
      WHEN r_ts_ms IS NULL AND r_ts IS NULL THEN 'no timestamp: the row has none (map one with --map timestamp=COLUMN)'
      WHEN r_ts_ms IS NULL THEN 'timestamp "' || r_ts || '" is not an ISO-8601 date-time'
      WHEN r_ts_ms < ${rules.earliest} OR r_ts_ms > ${rules.latest}
        THEN 'timestamp ' || strftime(make_timestamp(r_ts_ms * 1000), '%Y-%m-%dT%H:%M:%S.%gZ')
             || ' is outside 1990 … one year from now'
    END AS reason
  FROM (
    SELECT *,
      CASE WHEN "type" = 'track' THEN coalesce(r_event_text, ${literalOrNull(rules.defaults.event)})
           WHEN "type" IN ('page', 'screen') THEN coalesce(r_name, r_event_text) END AS event,
      ${keep("t_uid")} AS id_user,
      CASE WHEN regexp_full_match(t_email, '${EMAIL}') THEN ${keep("t_email")} END AS id_email,
      ${traitIds.map((_, i) => `${keep(`t_t${i}`)} AS id_t${i},`).join("\n      ")}
      ${keep("t_aid")} AS id_anon
    FROM (
      SELECT *,
        coalesce(${nonEmptyColumn("r_mid")}, 'itinera-' || md5(${raw.hashInput})) AS message_id,
        coalesce(${raw.tabular ? `lower(${nonEmptyColumn("r_type")})` : "r_type"}, ${literalOrNull(rules.defaults.type)},
                 ${literalOrNull(rules.fallbackType)}) AS "type",
        ${nonEmptyColumn("r_event")} AS r_event_text,
        ${slots.map((s) => `${trimmed(s)} AS t_${s},`).join("\n        ")}
        ${trimmed("email")} AS t_email_raw,
        lower(${trimmed("email")}) AS t_email
      FROM (SELECT __row, r_src, ${rawColumns} FROM ${raw.from}))))`;
}
