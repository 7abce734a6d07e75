// A finding as structured data: a message key and its parameters (numbers, shares, days, names the brand
// chose, segments), so the dashboard and the CLI word it in the reader's language from one catalogue
// (./catalogue.ts) and the server's English strings come from the same key and parameters.
import { type Static, Type } from "@sinclair/typebox";

/** One condition of a segment: `os = Android`, `days_late > 0`, `resolved = false`. */
export const SegmentPart = Type.Object({
  name: Type.String({ description: "A dimension or property name, as configured" }),
  op: Type.Union([
    Type.Literal("="),
    Type.Literal("!="),
    Type.Literal(">"),
    Type.Literal(">="),
    Type.Literal("<"),
    Type.Literal("<="),
  ]),
  value: Type.Union([Type.String(), Type.Number(), Type.Boolean()]),
});
export type SegmentPart = Static<typeof SegmentPart>;

export const MessageParam = Type.Union([
  Type.Object(
    { type: Type.Literal("name"), value: Type.String() },
    { description: "A name the brand chose (touchpoint, event, property, channel, step): shown as is" },
  ),
  Type.Object(
    { type: Type.Literal("channel"), value: Type.String() },
    { description: "A channel (web, app, chat…): named in the reader's language where it has a name" },
  ),
  Type.Object({ type: Type.Literal("number"), value: Type.Number(), digits: Type.Optional(Type.Integer()) }),
  Type.Object({ type: Type.Literal("percent"), value: Type.Number({ description: "A share from 0 to 1" }) }),
  Type.Object({ type: Type.Literal("money"), value: Type.Number() }),
  Type.Object({ type: Type.Literal("minutes"), value: Type.Number({ description: "A length of time" }) }),
  Type.Object({
    type: Type.Literal("day"),
    value: Type.String({ description: "ISO date-time of a UTC day" }),
  }),
  Type.Object(
    { type: Type.Literal("segment"), parts: Type.Array(SegmentPart) },
    { description: "Where a finding concentrates; no parts is everyone" },
  ),
]);
export type MessageParam = Static<typeof MessageParam>;

export const Message = Type.Object({
  key: Type.String({ description: "Key in the findings catalogue, e.g. friction.dropOff.fail" }),
  params: Type.Record(Type.String(), MessageParam),
});
export type Message = Static<typeof Message>;

export const message = (key: string, params: Record<string, MessageParam> = {}): Message => ({ key, params });

// Parameter constructors, so a detector reads `percent(rate)` rather than an object literal.
export const name = (value: string): MessageParam => ({ type: "name", value });
export const channel = (value: string): MessageParam => ({ type: "channel", value });
export const number = (value: number, digits?: number): MessageParam =>
  digits === undefined ? { type: "number", value } : { type: "number", value, digits };
export const percent = (value: number): MessageParam => ({ type: "percent", value });
export const money = (value: number): MessageParam => ({ type: "money", value });
export const minutes = (value: number): MessageParam => ({ type: "minutes", value });
export const day = (value: Date | string): MessageParam => ({
  type: "day",
  value: new Date(value).toISOString(),
});

/** A segment record as the API has it (`{"os": "Android", "wait": "> 5"}`) as structured parts. */
export function segmentParts(segment: Record<string, string | number | boolean>): SegmentPart[] {
  return Object.entries(segment).map(([k, v]) => {
    const m = typeof v === "string" ? /^(!=|[<>]=?) ?(.*)$/.exec(v) : null;
    if (!m) return { name: k, op: "=", value: v };
    const rest = m[2] ?? "";
    const n = Number(rest);
    return { name: k, op: m[1] as SegmentPart["op"], value: rest !== "" && Number.isFinite(n) ? n : rest };
  });
}

export const segment = (s: Record<string, string | number | boolean>): MessageParam => ({
  type: "segment",
  parts: segmentParts(s),
});
