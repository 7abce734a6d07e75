// The one rule language of the journey model: conditions on an event's properties, context or traits,
// used by touchpoints, stage entry rules and persona trait rules, and compiled here (only here) to SQL.
import { type Static, Type } from "@sinclair/typebox";
import { type Params, quoteString } from "../store/sql.js";
import { StringEnum } from "../typebox.js";

export const Operators = [
  "eq",
  "neq",
  "gt",
  "gte",
  "lt",
  "lte",
  "in",
  "not_in",
  "exists",
  "not_exists",
  "contains",
] as const;
export type Operator = (typeof Operators)[number];

export const Scalar = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);
const PATH = "^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$";

export const Condition = Type.Object(
  {
    property: Type.String({
      pattern: PATH,
      maxLength: 200,
      description:
        "A property of the event (`total`, `properties.total`), of its context (`context.os.name`) or its traits (`traits.age`); dots go into nested objects",
    }),
    op: StringEnum(Operators, {
      description: "Comparison; `in`/`not_in` take a list, `exists`/`not_exists` take no value",
    }),
    value: Type.Optional(Type.Union([Scalar, Type.Array(Scalar, { maxItems: 200 })])),
  },
  { additionalProperties: false },
);
export type Condition = Static<typeof Condition>;

/** Which JSON column a path reads and the JSON path inside it. */
export function splitPath(property: string, defaultColumn = "properties"): { column: string; path: string } {
  const [head, ...rest] = property.split(".");
  if ((head === "properties" || head === "context" || head === "traits") && rest.length > 0)
    return { column: head, path: `$.${rest.join(".")}` };
  return { column: defaultColumn, path: `$.${property}` };
}

/** Why a condition cannot be compiled, and which of its fields is at fault (checked before anything is stored). */
export function conditionProblem(c: Condition): { message: string; field: "property" | "value" } | undefined {
  const at = (field: "property" | "value", message: string) => ({ message, field });
  if (!new RegExp(PATH).test(c.property))
    return at("property", `property "${c.property}" is not a dotted name`);
  const list = Array.isArray(c.value);
  if ((c.op === "in" || c.op === "not_in") && !list)
    return at("value", `${c.op} on "${c.property}" needs a list value`);
  if (c.op === "exists" || c.op === "not_exists") {
    if (c.value !== undefined) return at("value", `${c.op} on "${c.property}" takes no value`);
    return undefined;
  }
  if (c.value === undefined) return at("value", `${c.op} on "${c.property}" needs a value`);
  if (list && c.op !== "in" && c.op !== "not_in")
    return at("value", `${c.op} on "${c.property}" takes one value, not a list`);
  if (["gt", "gte", "lt", "lte"].includes(c.op) && typeof c.value !== "number")
    return at("value", `${c.op} on "${c.property}" compares numbers: give a number`);
  return undefined;
}

/** A readable reason when a condition cannot be compiled. */
export const checkCondition = (c: Condition): string | undefined => conditionProblem(c)?.message;

const COMPARE: Record<string, string> = { eq: "=", neq: "<>", gt: ">", gte: ">=", lt: "<", lte: "<=" };

/** The SQL text of a JSON value as a string, or a number when compared with one. */
function operand(column: string, path: string, value: unknown): string {
  const text = `json_extract_string(${column}, ${quoteString(path)})`;
  return typeof value === "number" ? `TRY_CAST(${text} AS DOUBLE)` : text;
}

const literal = (p: Params, v: string | number | boolean): string =>
  typeof v === "boolean" ? p.add(String(v)) : typeof v === "number" ? `${p.add(v)}::DOUBLE` : p.add(v);

/**
 * One condition as a SQL predicate over an events-shaped row (`properties`, `context`, `traits` JSON
 * columns, optionally behind `alias.`). Values are parameters; the path was validated and is quoted.
 */
export function conditionSql(c: Condition, p: Params, alias = "", defaultColumn = "properties"): string {
  const { column, path } = splitPath(c.property, defaultColumn);
  const col = `${alias}${column}`;
  const raw = `json_extract(${col}, ${quoteString(path)})`;
  const present = `coalesce(json_type(${raw}) <> 'NULL', false)`;
  switch (c.op) {
    case "exists":
      return present;
    case "not_exists":
      return `NOT ${present}`;
    case "in":
    case "not_in": {
      const values = c.value as Array<string | number | boolean>;
      const any = values.map((v) => `${operand(col, path, v)} = ${literal(p, v)}`).join(" OR ");
      return c.op === "in" ? `coalesce(${any || "false"}, false)` : `NOT coalesce(${any || "false"}, false)`;
    }
    case "contains":
      return `coalesce(contains(lower(${operand(col, path, "")}), lower(${p.add(String(c.value))})), false)`;
    default: {
      const v = c.value as string | number | boolean;
      // neq is true for a missing value too: "not Android" includes events with no OS.
      if (c.op === "neq") return `coalesce(${operand(col, path, v)} <> ${literal(p, v)}, true)`;
      return `coalesce(${operand(col, path, v)} ${COMPARE[c.op]} ${literal(p, v)}, false)`;
    }
  }
}

/** All conditions must hold; an empty list holds for every row. */
export function allSql(
  conditions: readonly Condition[],
  p: Params,
  alias = "",
  defaultColumn = "properties",
) {
  return conditions.length === 0
    ? "true"
    : conditions.map((c) => `(${conditionSql(c, p, alias, defaultColumn)})`).join(" AND ");
}

/** What a rule matches on an event: its type, name, channels and conditions. */
export const EventMatch = Type.Object(
  {
    type: Type.Optional(
      StringEnum(["track", "page", "screen", "identify"], {
        description: "Event type; default track (page/screen match page or screen views, by name if given)",
      }),
    ),
    event: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "Event or page name" })),
    channels: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: 20 })),
    where: Type.Optional(Type.Array(Condition, { maxItems: 20 })),
  },
  { additionalProperties: false },
);
export type EventMatch = Static<typeof EventMatch>;

/** Why a rule cannot be compiled, with the JSON pointer (inside the rule) of the field at fault. */
export function matchProblem(m: EventMatch): { message: string; path: string } | undefined {
  const type = m.type ?? "track";
  if (type === "track" && !m.event) return { message: "a track rule needs an event name", path: "/event" };
  for (const [i, c] of (m.where ?? []).entries()) {
    const why = conditionProblem(c);
    if (why) return { message: why.message, path: `/where/${i}/${why.field}` };
  }
  return undefined;
}

export const checkMatch = (m: EventMatch): string | undefined => matchProblem(m)?.message;

/**
 * An event rule as a SQL predicate over the events table (alias `e.` by default); without its type and
 * name when the caller has already compared those.
 */
export function matchSql(m: EventMatch, p: Params, alias = "e.", withName = true): string {
  const parts: string[] = [];
  if (withName) parts.push(`${alias}type = ${p.add(m.type ?? "track")}`);
  if (withName && m.event) parts.push(`${alias}event = ${p.add(m.event)}`);
  if (m.channels?.length) parts.push(`${alias}channel IN (${m.channels.map((c) => p.add(c)).join(", ")})`);
  // Trait conditions also look at context.traits, where track calls carry them.
  for (const c of m.where ?? []) {
    if (c.property.startsWith("traits.")) {
      const inTraits = conditionSql(c, p, alias);
      const inContext = conditionSql({ ...c, property: `context.${c.property}` }, p, alias);
      parts.push(`((${inTraits}) OR (${inContext}))`);
    } else parts.push(`(${conditionSql(c, p, alias)})`);
  }
  return parts.length ? parts.join(" AND ") : "true";
}
