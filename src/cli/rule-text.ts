// Rule conditions as text, both ways: `total gt 100`, `os eq Android`, `coupon exists`, `topic in a,b`.
import type { Step } from "../analytics/steps.js";
import { type Condition, checkCondition, type EventMatch, Operators } from "../journey/rules.js";
import { CliError } from "./output.js";

const SYMBOLS: Record<string, string> = {
  "=": "eq",
  "==": "eq",
  "!=": "neq",
  ">": "gt",
  ">=": "gte",
  "<": "lt",
  "<=": "lte",
};

export const CONDITION_FORM = `"PROPERTY OP [VALUE]", e.g. "total gt 100", "os eq Android", "coupon exists", "topic in a,b" (OP is one of ${Operators.join(", ")})`;

type Scalar = string | number | boolean;

/** Numbers become numbers and true/false booleans; quotes keep a value text ("100"). */
function scalar(raw: string): Scalar {
  const t = raw.trim();
  const quoted = /^"(.*)"$|^'(.*)'$/.exec(t);
  if (quoted) return quoted[1] ?? quoted[2] ?? "";
  if (t === "true") return true;
  if (t === "false") return false;
  const n = Number(t);
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) && Number.isFinite(n)) return n;
  return t;
}

/** Parses one condition written as text, naming the flag and the expected form when it cannot. */
export function parseCondition(flag: string, text: string): Condition {
  const bad = (why: string) => new CliError(`${flag} "${text}": ${why}; expected ${CONDITION_FORM}`, 2);
  const m = /^\s*(\S+)\s+(\S+)(?:\s+(.*?))?\s*$/.exec(text);
  if (!m) throw bad("needs a property and an operator");
  const [, property, rawOp, rest] = m as unknown as [string, string, string, string | undefined];
  const op = SYMBOLS[rawOp] ?? rawOp.toLowerCase();
  if (!(Operators as readonly string[]).includes(op)) throw bad(`"${rawOp}" is not an operator`);
  const c = { property, op } as Condition;
  if (rest) {
    if (op === "in" || op === "not_in") {
      const items = rest.split(",").map((s) => s.trim());
      if (items.some((s) => s === "")) throw bad("the list has an empty item");
      c.value = items.map(scalar);
    } else c.value = scalar(rest);
  }
  const why = checkCondition(c);
  if (why) throw bad(why);
  return c;
}

/** A value as parseCondition reads it back: text that would read as a number or boolean is quoted. */
function showScalar(v: Scalar): string {
  if (typeof v !== "string") return String(v);
  return v === "" || typeof scalar(v) !== "string" || /[\s,"']/.test(v) ? JSON.stringify(v) : v;
}

export function formatCondition(c: Condition): string {
  if (c.value === undefined) return `${c.property} ${c.op}`;
  const value = Array.isArray(c.value) ? c.value.map(showScalar).join(",") : showScalar(c.value);
  return `${c.property} ${c.op} ${value}`;
}

/** `track "Order Completed"`, `page`, `page "Home"`. */
export const describeEvent = (m: EventMatch): string =>
  `${m.type ?? "track"}${m.event ? ` "${m.event}"` : ""}`;
export const describeChannels = (m: EventMatch): string => m.channels?.join(",") || "any";
export const describeWhere = (conditions: readonly Condition[] | undefined): string =>
  (conditions ?? []).map(formatCondition).join("; ");

export function describeMatch(m: EventMatch): string {
  const parts = [describeEvent(m)];
  if (m.channels?.length) parts.push(`on ${m.channels.join(",")}`);
  if (m.where?.length) parts.push(`where ${describeWhere(m.where)}`);
  return parts.join(" ");
}

export const STEP_FORM = `an event name, "tp:<touchpoint id>" or "stage:<stage key>"`;

/** A step as text: "Order Completed", "tp:checkout-web", "stage:purchase". */
export function parseStep(flag: string, text: string): Step {
  const t = text.trim();
  if (!t) throw new CliError(`${flag}: an empty step; a step is ${STEP_FORM}`, 2);
  if (t.startsWith("tp:")) return { touchpoint: t.slice(3) };
  if (t.startsWith("stage:")) return { stage: t.slice(6) };
  return { event: t };
}
