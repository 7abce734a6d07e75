// Validates one Segment message and turns it into the event Itinera stores: skew-corrected UTC time,
// a channel, normalised identifiers. A bad message becomes a reason, never an exception.
import { randomUUID } from "node:crypto";
import { type Identifier, type IdentifierRules, searchNames } from "../identity/identifiers.js";
import { nestsDeeperThan } from "../json-depth.js";
import { err, ok, type Result } from "../result.js";
import { type Channel, inferChannel } from "./channel.js";
import { type MessageType, messageCheckers, messageTypes } from "./schemas.js";

export interface NormalisedEvent {
  messageId: string;
  type: MessageType;
  event: string | null;
  channel: Channel;
  /** Epoch milliseconds, UTC. */
  timestamp: number;
  receivedAt: number;
  sentAt: number | null;
  anonymousId: string | null;
  userId: string | null;
  /** JSON text, or null. */
  properties: string | null;
  traits: string | null;
  context: string | null;
  source: string;
  /** Strongest first; the first one is the event's own identity. */
  identifiers: Identifier[];
  /** alias: the id being linked to userId. */
  previousId: string | null;
  names: string[];
}

export interface Envelope {
  receivedAt: number;
  source: string;
  /** Batch-level fields Segment lets clients hoist out of the items. */
  sentAt?: unknown;
  context?: Record<string, unknown>;
  maxEventBytes: number;
  /** Deepest nesting an event may have (the message object is level 1); 64 when not given. */
  maxJsonDepth?: number;
}

const typeSet = new Set<string>(messageTypes);
// Events this far from the server's clock are almost always unit mistakes (seconds as ms, year 0).
const EARLIEST = Date.UTC(1990, 0, 1);
const LATEST_AHEAD_MS = 366 * 24 * 3600 * 1000;

function parseTime(v: unknown): number | undefined | null {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") return null;
  // Date.parse would read "2026-11-23" as UTC midnight and "11/23/2026" as local time; only ISO-8601 is accepted.
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v)) return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}

/**
 * JSON numbers past 1.8e308 parse as Infinity; as an id, "Infinity" would glue strangers together. The
 * reason, or undefined. (Single-message routes ask before their schema coerces the number to a string.)
 */
export function nonFiniteId(raw: Record<string, unknown>): string | undefined {
  for (const key of ["userId", "anonymousId", "previousId"] as const) {
    const v = raw[key];
    if (typeof v === "number" && !Number.isFinite(v))
      return `${key} is a number too large to be an id; send it as a string`;
  }
  return undefined;
}

const asId = (v: unknown): string | null =>
  typeof v === "number" ? String(v) : typeof v === "string" && v.trim() !== "" ? v : null;

const asBag = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

const jsonOrNull = (v: Record<string, unknown> | undefined): string | null => {
  if (!v) return null;
  for (const _ in v) return JSON.stringify(v);
  return null;
};

interface BatchContext {
  value: Record<string, unknown> | undefined;
  json: string | null;
  tooDeep: boolean;
}

/** The batch-level context of an envelope, checked and serialised once for all its events. */
const batchContexts = new WeakMap<Envelope, BatchContext>();
function batchContextOf(env: Envelope, maxDepth: number): BatchContext {
  let c = batchContexts.get(env);
  if (!c) {
    const tooDeep = nestsDeeperThan(env.context, maxDepth - 1);
    c = { value: env.context, json: tooDeep ? null : jsonOrNull(env.context), tooDeep };
    batchContexts.set(env, c);
  }
  return c;
}

export function normalise(
  raw: Record<string, unknown>,
  typeHint: MessageType | undefined,
  env: Envelope,
  rules: IdentifierRules,
): Result<NormalisedEvent, string> {
  const type = (raw.type ?? typeHint) as string | undefined;
  if (typeof type !== "string" || !typeSet.has(type)) {
    return err(`"type" must be one of ${messageTypes.join(", ")} (got ${JSON.stringify(raw.type ?? null)})`);
  }
  if (typeHint && raw.type !== undefined && raw.type !== typeHint) {
    return err(`"type" is "${String(raw.type)}" but this route takes "${typeHint}"`);
  }
  // Before anything recursive (JSON.stringify below) meets it: thousands of levels overflow the stack.
  const maxDepth = env.maxJsonDepth ?? 64;
  if (nestsDeeperThan(raw, maxDepth) || batchContextOf(env, maxDepth).tooDeep)
    return err(
      `message nests objects or arrays more than ${maxDepth} levels deep; flatten its properties, traits or context`,
    );
  const t = type as MessageType;
  const checker = messageCheckers[t];
  const badId = nonFiniteId(raw);
  if (badId) return err(badId);
  // Checked through an `unknown` alias so `raw` keeps its plain record type below.
  const candidate: unknown = raw;
  if (!checker.Check(candidate)) {
    const first = checker.Errors(raw).First();
    return err(`${first?.path || "message"}: ${first?.message ?? "invalid"}`);
  }
  // The three big parts are serialised once: for the size limit here and for storage below.
  const properties = asBag(raw.properties);
  const traits = asBag(raw.traits);
  const ownContext = asBag(raw.context);
  const propertiesJson = jsonOrNull(
    t === "group" ? { ...properties, groupId: String(raw.groupId) } : properties,
  );
  const traitsJson = jsonOrNull(traits);
  const ownContextJson = jsonOrNull(ownContext);
  const size =
    Buffer.byteLength(
      JSON.stringify({ ...raw, properties: undefined, traits: undefined, context: undefined }),
    ) +
    (propertiesJson === null ? 0 : Buffer.byteLength(propertiesJson)) +
    (traitsJson === null ? 0 : Buffer.byteLength(traitsJson)) +
    (ownContextJson === null ? 0 : Buffer.byteLength(ownContextJson));
  if (size > env.maxEventBytes)
    return err(`message is ${size} bytes; the limit is ${env.maxEventBytes} bytes per event`);

  const anonymousId = asId(raw.anonymousId);
  const userId = asId(raw.userId);
  if (!anonymousId && !userId) return err("message needs a userId or an anonymousId");
  if (t === "alias" && !userId) return err("alias needs the userId that previousId becomes");

  const ts = parseTime(raw.timestamp ?? raw.originalTimestamp);
  const sentAt = parseTime(raw.sentAt ?? env.sentAt);
  if (ts === null) return err(`"timestamp" is not an ISO-8601 date-time: ${JSON.stringify(raw.timestamp)}`);
  if (sentAt === null)
    return err(`"sentAt" is not an ISO-8601 date-time: ${JSON.stringify(raw.sentAt ?? env.sentAt)}`);
  // Clock-skew correction: the device's clock is off by (sentAt - receivedAt); shift its timestamp back.
  const timestamp =
    ts === undefined ? env.receivedAt : sentAt === undefined ? ts : env.receivedAt - (sentAt - ts);
  if (timestamp < EARLIEST || timestamp > env.receivedAt + LATEST_AHEAD_MS) {
    return err(`"timestamp" ${new Date(timestamp).toISOString()} is outside 1990 … one year from now`);
  }

  const batch = batchContextOf(env, maxDepth);
  const context = batch.value ? (ownContext ? { ...batch.value, ...ownContext } : batch.value) : ownContext;
  // A batch-level context without one of the event's own is serialised once per batch, not per event.
  const contextJson = batch.value ? (ownContext ? jsonOrNull(context) : batch.json) : ownContextJson;
  const contextTraits = asBag(context?.traits);
  const event =
    t === "track" ? (raw.event as string) : t === "page" || t === "screen" ? asId(raw.name) : null;
  const src = { anonymousId, userId, traits, contextTraits, properties };
  return ok({
    messageId: typeof raw.messageId === "string" ? raw.messageId : `itinera-${randomUUID()}`,
    type: t,
    event,
    channel: inferChannel({ type: t, event, channel: raw.channel, context, properties }),
    timestamp: Math.trunc(timestamp),
    receivedAt: env.receivedAt,
    sentAt: sentAt ?? null,
    anonymousId,
    userId,
    properties: propertiesJson,
    traits: traitsJson,
    context: contextJson,
    source: env.source,
    identifiers: rules.extract(src),
    previousId: t === "alias" ? asId(raw.previousId) : null,
    names: searchNames(src),
  });
}
