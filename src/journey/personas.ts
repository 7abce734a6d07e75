// Personas: saved segments (rules on traits and on behaviour) with a narrative. A customer takes the first
// persona, by priority, whose rules they match; the rules compile to SQL over customer_facts.
import { type Static, Type } from "@sinclair/typebox";
import type { Params } from "../store/sql.js";
import { StringEnum } from "../typebox.js";
import { type Condition, conditionProblem, conditionSql, Operators, Scalar } from "./rules.js";

const NumberOps = ["eq", "neq", "gt", "gte", "lt", "lte"] as const;
const NumberOp = StringEnum(NumberOps);

export const Measures = [
  "events",
  "active_days",
  "orders",
  "spend",
  "channels_used",
  "days_since_first_seen",
  "days_since_last_seen",
  "days_since_last_order",
] as const;
export type Measure = (typeof Measures)[number];

export const PersonaCondition = Type.Union([
  Type.Object(
    {
      trait: Type.String({ pattern: "^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$" }),
      op: StringEnum(Operators),
      value: Type.Optional(Type.Union([Scalar, Type.Array(Scalar, { maxItems: 200 })])),
    },
    { additionalProperties: false, description: "A trait's latest value, e.g. age ≥ 55" },
  ),
  Type.Object(
    { measure: StringEnum(Measures), op: NumberOp, value: Type.Number() },
    {
      additionalProperties: false,
      description: "Counts, spend and recency over the customer's whole history",
    },
  ),
  Type.Object(
    {
      channels: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 20 }),
      share: Type.Optional(
        Type.Boolean({ description: "Compare the share of events (0–1) rather than the count" }),
      ),
      op: NumberOp,
      value: Type.Number(),
    },
    { additionalProperties: false, description: "Events on these channels, as a count or a share" },
  ),
  Type.Object(
    { touchpoint: Type.String({ minLength: 1 }), op: NumberOp, value: Type.Number() },
    { additionalProperties: false, description: "How often the customer had this touchpoint" },
  ),
  Type.Object(
    { event: Type.String({ minLength: 1 }), op: NumberOp, value: Type.Number() },
    { additionalProperties: false, description: "How often the customer sent this track event" },
  ),
]);
export type PersonaCondition = Static<typeof PersonaCondition>;

export const Narrative = Type.Object(
  {
    summary: Type.Optional(Type.String({ maxLength: 2000 })),
    goals: Type.Array(Type.String({ maxLength: 500 }), { maxItems: 20 }),
    needs: Type.Array(Type.String({ maxLength: 500 }), { maxItems: 20 }),
    frustrations: Type.Array(Type.String({ maxLength: 500 }), { maxItems: 20 }),
    quote: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type Narrative = Static<typeof Narrative>;

export const PersonaInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 80 }),
    match: Type.Union([Type.Literal("all"), Type.Literal("any")], {
      description: "All conditions, or any one",
    }),
    conditions: Type.Array(PersonaCondition, { minItems: 1, maxItems: 30 }),
    narrative: Narrative,
  },
  { additionalProperties: false },
);
export type PersonaInput = Static<typeof PersonaInput>;

export const Persona = Type.Composite([
  Type.Object({ id: Type.String(), priority: Type.Integer({ description: "1 is checked first" }) }),
  PersonaInput,
]);
export type Persona = Static<typeof Persona>;

/** Why a persona's conditions cannot be compiled, with the JSON pointer of the field at fault. */
export function personaProblem(
  p: Pick<PersonaInput, "conditions">,
): { message: string; path: string } | undefined {
  for (const [i, c] of p.conditions.entries()) {
    if ("trait" in c) {
      const why = conditionProblem({ property: c.trait, op: c.op, value: c.value } as Condition);
      if (why)
        return {
          message: `trait condition: ${why.message}`,
          path: `/conditions/${i}/${why.field === "property" ? "trait" : "value"}`,
        };
    }
  }
  return undefined;
}

export const checkPersona = (p: PersonaInput): string | undefined => personaProblem(p)?.message;

const COMPARE: Record<string, string> = { eq: "=", neq: "<>", gt: ">", gte: ">=", lt: "<", lte: "<=" };

/** SQL for each measure over customer_facts `f`, with `now()` the time the facts were computed. */
function measureSql(m: Measure, now: () => string): string {
  switch (m) {
    case "days_since_first_seen":
      return `date_diff('day', f.first_seen, ${now()})`;
    case "days_since_last_seen":
      return `date_diff('day', f.last_seen, ${now()})`;
    case "days_since_last_order":
      return `date_diff('day', f.last_order, ${now()})`;
    default:
      return `f.${m}`;
  }
}

/** One condition as a predicate over customer_facts `f`. */
export function personaConditionSql(c: PersonaCondition, p: Params, now: () => string): string {
  if ("trait" in c)
    return conditionSql({ property: c.trait, op: c.op, value: c.value } as Condition, p, "f.", "traits");
  const cmp = COMPARE[c.op]!;
  const v = `${p.add(c.value)}::DOUBLE`;
  if ("measure" in c) return `coalesce(${measureSql(c.measure, now)} ${cmp} ${v}, false)`;
  if ("channels" in c) {
    // Parameters, not literals: a channel name is free text, and a NUL in SQL text ends the statement.
    const sum = c.channels.map((ch) => `coalesce(f.channel_events[${p.add(ch)}], 0)`).join(" + ");
    return c.share ? `coalesce((${sum}) / nullif(f.events, 0) ${cmp} ${v}, false)` : `(${sum}) ${cmp} ${v}`;
  }
  if ("touchpoint" in c) return `coalesce(f.touchpoint_counts[${p.add(c.touchpoint)}], 0) ${cmp} ${v}`;
  return `coalesce(f.event_counts[${p.add(c.event)}], 0) ${cmp} ${v}`;
}

/** The persona id of each customer as one CASE: the first persona whose rules hold. */
export function personaCaseSql(personas: readonly Persona[], p: Params, now: () => string): string {
  if (personas.length === 0) return "NULL";
  const arms = personas.map((persona) => {
    const joiner = persona.match === "all" ? " AND " : " OR ";
    const body = persona.conditions.map((c) => `(${personaConditionSql(c, p, now)})`).join(joiner);
    return `WHEN ${body} THEN ${p.add(persona.id)}`;
  });
  return `CASE ${arms.join(" ")} END`;
}
