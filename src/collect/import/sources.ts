// The first step of staging: what each row of the file says, column by column, before any rule is applied.
// CSV/Parquet rows are read through the mapping; a JSONL line is a Segment message read at Segment's
// paths (a mapping can point a field elsewhere). Both give the same named raw columns to staging.ts.
import { err, ok, type Result } from "../../result.js";
import type { ResolvedMapping } from "./mapping.js";
import type { Column } from "./reader.js";
import { json, nonEmpty, quoteIdent, quoteString, trimWs } from "./sql.js";

/** A SELECT's source and its raw columns (alias → SQL). `r_src` is the whole row, for rejects. */
export interface RawSelect {
  from: string;
  columns: Map<string, string>;
  /** Text of the row's values, hashed into a messageId when the file has none. */
  hashInput: string;
  /** The row as read, as JSON, for the rejects file. */
  recordSql: string;
  /** CSV/Parquet: the type column is matched case-insensitively (a JSONL message's type is exact). */
  tabular: boolean;
  /** Which inputs of the channel rule (ch_*) the rows can carry; the others are absent. */
  channelInputs: string[];
}

/** Segment's (and ISO-8601's) date-time shapes; Date.parse-style guessing of "11/23/2026" is refused. */
const ISO = String.raw`\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?`;

/** Epoch milliseconds of ISO-8601 text, or NULL. Text without an offset is UTC, whatever the session zone. */
export const parseTime = (text: string): string =>
  `CASE WHEN regexp_full_match(${text}, '${ISO}') THEN
     CASE WHEN regexp_matches(${text}, '(Z|[+-]\\d{2}:?\\d{2})$') THEN epoch_ms(TRY_CAST(${text} AS TIMESTAMPTZ))
          ELSE epoch_ms(TRY_CAST(${text} AS TIMESTAMP)) END END`;

const NULL_TEXT = "NULL::VARCHAR";
const NULL_JSON = "NULL::JSON";

const pairsSql = (pairs: ReadonlyMap<string, string>): string =>
  `json_object(${[...pairs].map(([k, v]) => `${quoteString(k)}, ${v}`).join(", ")})`;

/** A JSON object of key → SQL value without null members, or NULL when nothing is left. */
export function objectSql(pairs: ReadonlyMap<string, string>): string {
  if (pairs.size === 0) return NULL_JSON;
  // A merge patch into {} drops null members (RFC 7386): an empty CSV cell is no property at all.
  return `nullif(json_merge_patch('{}', ${pairsSql(pairs)}), '{}')`;
}

const timeTypes = /^(TIMESTAMP|TIMESTAMP_S|TIMESTAMP_MS|TIMESTAMP_NS|DATE|TIMESTAMP WITH TIME ZONE)$/;

/**
 * Raw columns of a CSV or Parquet row. `rows` yields `__row` (1-based position in the file) and `r_src`,
 * the row as a struct of the file's columns (it may carry more, e.g. Parquet's file_row_number).
 */
export function tabularSource(
  m: ResolvedMapping,
  columns: readonly Column[],
  traitIdentifiers: readonly string[],
  rows: string,
): Result<RawSelect, string> {
  const col = (name: string) => `r_src.${quoteIdent(name)}`;
  const text = (name: string | undefined) =>
    name === undefined ? NULL_TEXT : `CAST(${col(name)} AS VARCHAR)`;
  // Untrimmed text: staging trims each value once, as a column.
  const field = (target: string) => text(m.fields.get(target));
  const c = new Map<string, string>();
  c.set("r_mid", field("messageId"));
  c.set("r_type", field("type"));
  c.set("r_event", field("event"));
  c.set("r_name", NULL_TEXT);

  const tsColumn = m.fields.get("timestamp");
  if (tsColumn === undefined) {
    c.set("r_ts", NULL_TEXT);
    c.set("r_ts_ms", "NULL::BIGINT");
  } else {
    const type = columns.find((x) => x.name === tsColumn)?.type ?? "VARCHAR";
    if (type === "VARCHAR") {
      c.set("r_ts", field("timestamp"));
      c.set("r_ts_ms", parseTime(`trim(${field("timestamp")})`));
    } else if (timeTypes.test(type)) {
      // A timestamp column is never malformed, only empty; its text is not needed for a reason.
      c.set("r_ts", NULL_TEXT);
      c.set(
        "r_ts_ms",
        type === "TIMESTAMP WITH TIME ZONE"
          ? `epoch_ms(${col(tsColumn)})`
          : `epoch_ms(CAST(${col(tsColumn)} AS TIMESTAMP))`,
      );
    } else {
      return err(
        `timestamp column "${tsColumn}" holds ${type} values; Itinera reads ISO-8601 text (2026-11-23T09:30:00Z) or timestamp columns`,
      );
    }
  }
  c.set("r_sent_ms", "NULL::BIGINT");
  c.set("r_uid", field("userId"));
  c.set("r_aid", field("anonymousId"));
  c.set("r_email", field("email"));
  c.set("r_phone", field("phone"));
  for (const [i, k] of traitIdentifiers.entries()) c.set(`r_t${i}`, field(k));
  c.set("r_prev", NULL_TEXT);
  c.set("r_group", NULL_TEXT);

  const channelInputs: string[] = [];
  if (m.fields.has("channel")) {
    c.set("ch_explicit", field("channel"));
    channelInputs.push("ch_explicit");
  }
  if (m.properties.has("channel")) {
    c.set("ch_prop", text(m.properties.get("channel")));
    channelInputs.push("ch_prop");
  }

  const props = new Map<string, string>();
  for (const name of m.rest) props.set(name, col(name));
  for (const [key, source] of m.properties) props.set(key, col(source));
  // Properties keep a row's empty cells as nulls: stripping them would cost a JSON re-parse per row.
  c.set(
    "r_props",
    props.size === 0
      ? NULL_JSON
      : `to_json({${[...props].map(([k, v]) => `${quoteString(k)}: ${v}`).join(", ")}})`,
  );
  // The identifiers a row came with stay on the event, as an SDK would send them in traits.
  const traits = new Map<string, string>();
  for (const key of ["email", "phone", ...traitIdentifiers]) {
    const source = m.fields.get(key);
    if (source !== undefined) traits.set(key, col(source));
  }
  for (const [key, source] of m.traits) traits.set(key, col(source));
  c.set("r_traits", objectSql(traits));
  c.set("r_context", NULL_JSON);

  const trait = (...keys: string[]) => {
    const source = keys.map((k) => m.traits.get(k)).find((s) => s !== undefined);
    return source === undefined ? NULL_TEXT : text(source);
  };
  c.set("n_name", trait("name"));
  c.set("n_first", trait("first_name", "firstName"));
  c.set("n_last", trait("last_name", "lastName"));
  c.set("r_bad", NULL_TEXT);
  // Every column's text, NULL marked apart from empty text, so equal rows (and only those) share an id.
  const hashInput = `concat_ws(chr(31), ${columns.map((x) => `coalesce(CAST(${col(x.name)} AS VARCHAR), chr(30))`).join(", ")})`;
  return ok({
    from: `(${rows})`,
    columns: c,
    hashInput,
    recordSql: `to_json({${columns.map((x) => `${quoteString(x.name)}: ${col(x.name)}`).join(", ")}})`,
    tabular: true,
    channelInputs,
  });
}

/** A dotted path of a JSONL mapping (`context.traits.email`) as a JSON path. */
const jsonPath = (dotted: string) =>
  `$${dotted
    .split(".")
    .map((s) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(s) ? `.${s}` : `."${s.replaceAll('"', '\\"')}"`))
    .join("")}`;

/** Raw columns of a JSONL line read as a Segment message; `rows` yields `__row` and the line as `j`. */
export function jsonlSource(
  m: ResolvedMapping,
  traitIdentifiers: readonly string[],
  rows: string,
  maxEventBytes: number,
): Result<RawSelect, string> {
  // Every value is pulled in one json_extract call, so each line is parsed once.
  const paths: string[] = [];
  const at = (path: string) => {
    let i = paths.indexOf(path);
    if (i < 0) i = paths.push(path) - 1;
    return `f[${i + 1}]`;
  };
  const present = (path: string) => json.present(at(path));
  const mapped = (target: string) => {
    const source = m.fields.get(target);
    return source === undefined ? undefined : present(jsonPath(source));
  };
  /** Where Segment's identify traits, track context.traits and properties keep a person's field. */
  const personal = (key: string) =>
    `coalesce(${present(`$.traits.${key}`)}, ${present(`$.context.traits.${key}`)}, ${present(`$.properties.${key}`)})`;
  const id = (e: string) => `CASE WHEN ${trimWs(json.scalar(e))} <> '' THEN ${json.scalar(e)} END`;

  const c = new Map<string, string>();
  const mid = mapped("messageId");
  c.set("r_mid", mid ? json.scalar(mid) : json.string(at("$.messageId")));
  c.set("r_type", json.string(mapped("type") ?? at("$.type")));
  c.set("r_event", mapped("event") ? nonEmpty(json.scalar(mapped("event")!)) : json.string(at("$.event")));
  c.set("r_name", mapped("event") ? nonEmpty(json.scalar(mapped("event")!)) : id(at("$.name")));

  // A Segment export carries receivedAt and an already skew-corrected timestamp; a raw SDK message with
  // only originalTimestamp is corrected against receivedAt when both receivedAt and sentAt are there.
  const ts = mapped("timestamp") ?? `coalesce(${present("$.timestamp")}, ${present("$.originalTimestamp")})`;
  const textOf = (e: string) => `(${e} ->> '$')`;
  const msOf = (e: string) => `CASE WHEN json_type(${e}) = 'VARCHAR' THEN ${parseTime(textOf(e))} END`;
  const sent = msOf(present("$.sentAt"));
  const received = msOf(present("$.receivedAt"));
  c.set("r_ts", textOf(ts));
  c.set(
    "r_ts_ms",
    mapped("timestamp")
      ? msOf(ts)
      : `CASE WHEN ${present("$.timestamp")} IS NOT NULL THEN ${msOf(present("$.timestamp"))}
              WHEN ${present("$.originalTimestamp")} IS NOT NULL THEN
                ${msOf(present("$.originalTimestamp"))} - coalesce(${sent} - ${received}, 0)
              ELSE ${received} END`,
  );
  c.set("r_sent_ms", sent);
  c.set("r_uid", id(mapped("userId") ?? at("$.userId")));
  c.set("r_aid", id(mapped("anonymousId") ?? at("$.anonymousId")));
  c.set("r_email", json.string(mapped("email") ?? personal("email")));
  c.set("r_phone", json.scalar(mapped("phone") ?? personal("phone")));
  for (const [i, k] of traitIdentifiers.entries()) c.set(`r_t${i}`, json.scalar(mapped(k) ?? personal(k)));
  c.set("r_prev", id(at("$.previousId")));
  c.set("r_group", id(at("$.groupId")));

  c.set("ch_explicit", mapped("channel") ? json.scalar(mapped("channel")!) : NULL_TEXT);
  c.set("ch_ctx", json.string(at("$.context.channel")));
  c.set("ch_prop", json.string(at("$.properties.channel")));
  c.set("ch_sdk", json.string(at("$.channel")));
  c.set("ch_app", json.truthy(at("$.context.app")));
  c.set("ch_os", json.string(at("$.context.os.name")));
  c.set("ch_page", json.truthy(at("$.context.page")));
  c.set("ch_ua", `coalesce(json_type(${at("$.context.userAgent")}) = 'VARCHAR', false)`);
  c.set("ch_lib", json.truthy(at("$.context.library")));

  const merged = (base: string, extra: ReadonlyMap<string, string>) => {
    const obj = json.object(at(base));
    if (extra.size === 0) return obj;
    const pairs = new Map([...extra].map(([k, source]) => [k, present(jsonPath(source))]));
    return `nullif(json_merge_patch(coalesce(${obj}, '{}'), ${pairsSql(pairs)}), '{}')`;
  };
  c.set("r_props", merged("$.properties", m.properties));
  // Identifiers mapped from elsewhere in the message stay on the event, as traits.
  const traits = new Map(m.traits);
  for (const key of ["email", "phone", ...traitIdentifiers]) {
    const source = m.fields.get(key);
    if (source !== undefined && !traits.has(key)) traits.set(key, source);
  }
  c.set("r_traits", merged("$.traits", traits));
  c.set("r_context", json.object(at("$.context")));

  const trait = (...keys: string[]) => {
    const source = keys.map((k) => m.traits.get(k)).find((s) => s !== undefined);
    if (source !== undefined) return json.string(present(jsonPath(source)));
    const e = keys.flatMap((k) => [present(`$.traits.${k}`), present(`$.context.traits.${k}`)]).join(", ");
    return json.string(`coalesce(${e})`);
  };
  c.set("n_name", trait("name"));
  c.set("n_first", trait("first_name", "firstName"));
  c.set("n_last", trait("last_name", "lastName"));

  const notObject = (path: string, name: string) =>
    `WHEN json_type(${at(path)}) NOT IN ('OBJECT', 'NULL') THEN '"${name}" must be an object'`;
  c.set(
    "r_bad",
    `CASE WHEN r_src IS NULL THEN 'line is not valid JSON'
          WHEN json_type(r_src) <> 'OBJECT' THEN 'line is not a JSON object'
          WHEN strlen(CAST(r_src AS VARCHAR)) > ${maxEventBytes}
            THEN 'message is ' || strlen(CAST(r_src AS VARCHAR)) || ' bytes; the limit is ${maxEventBytes} bytes per event'
          ${notObject("$.properties", "properties")}
          ${notObject("$.traits", "traits")}
          ${notObject("$.context", "context")}
          WHEN ${present("$.sentAt")} IS NOT NULL AND ${sent} IS NULL
            THEN '"sentAt" is not an ISO-8601 date-time: ' || (${present("$.sentAt")} ->> '$')
     END`,
  );
  const list = paths.map(quoteString).join(", ");
  return ok({
    from: `(SELECT __row, j AS r_src, json_extract(j, [${list}]) AS f FROM (${rows}))`,
    columns: c,
    hashInput: "CAST(r_src AS VARCHAR)",
    recordSql: "r_src",
    tabular: false,
    channelInputs: [
      "ch_explicit",
      "ch_ctx",
      "ch_prop",
      "ch_sdk",
      "ch_app",
      "ch_os",
      "ch_page",
      "ch_ua",
      "ch_lib",
    ],
  });
}
