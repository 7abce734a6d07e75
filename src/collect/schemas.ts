// Segment-spec message schemas. One schema per message type: it validates what arrives on /v1,
// types the handlers, and generates the OpenAPI document.
import { type Static, type TObject, Type } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";

/** SDKs send ids as strings; some send numbers. Both are stored as strings. */
const Id = Type.Union([Type.String({ maxLength: 512 }), Type.Number()]);
const Time = Type.String({ description: "ISO-8601 date-time with offset, e.g. 2026-11-23T09:30:00.000Z" });
const Bag = Type.Record(Type.String(), Type.Unknown());

const common = {
  messageId: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
  anonymousId: Type.Optional(Type.Union([Id, Type.Null()])),
  userId: Type.Optional(Type.Union([Id, Type.Null()])),
  timestamp: Type.Optional(Time),
  originalTimestamp: Type.Optional(Time),
  sentAt: Type.Optional(Time),
  context: Type.Optional(Bag),
  integrations: Type.Optional(Bag),
  channel: Type.Optional(Type.String({ description: "Set by Segment SDKs: browser, mobile or server" })),
  writeKey: Type.Optional(Type.String()),
};

const opts = (description: string) => ({ description, additionalProperties: true });

export const TrackMessage = Type.Object(
  {
    type: Type.Optional(Type.Literal("track")),
    event: Type.String({ minLength: 1, maxLength: 255 }),
    properties: Type.Optional(Bag),
    ...common,
  },
  opts("An action a customer performed."),
);
export const IdentifyMessage = Type.Object(
  { type: Type.Optional(Type.Literal("identify")), traits: Type.Optional(Bag), ...common },
  opts("Who the customer is and what is known about them."),
);
export const PageMessage = Type.Object(
  {
    type: Type.Optional(Type.Literal("page")),
    name: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
    category: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
    properties: Type.Optional(Bag),
    ...common,
  },
  opts("A web page view."),
);
export const ScreenMessage = Type.Object(
  {
    type: Type.Optional(Type.Literal("screen")),
    name: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
    properties: Type.Optional(Bag),
    ...common,
  },
  opts("A mobile app screen view."),
);
export const GroupMessage = Type.Object(
  { type: Type.Optional(Type.Literal("group")), groupId: Id, traits: Type.Optional(Bag), ...common },
  opts("The customer's membership of an account or company."),
);
export const AliasMessage = Type.Object(
  { type: Type.Optional(Type.Literal("alias")), previousId: Id, ...common },
  opts("Two ids of the same customer."),
);

export const messageSchemas = {
  track: TrackMessage,
  identify: IdentifyMessage,
  page: PageMessage,
  screen: ScreenMessage,
  group: GroupMessage,
  alias: AliasMessage,
} as const satisfies Record<string, TObject>;

export type MessageType = keyof typeof messageSchemas;
export const messageTypes = Object.keys(messageSchemas) as MessageType[];
export type SegmentMessage = Static<(typeof messageSchemas)[MessageType]> & { type?: MessageType };

export const BatchRequest = Type.Object(
  {
    batch: Type.Array(Type.Record(Type.String(), Type.Unknown()), { minItems: 1 }),
    context: Type.Optional(Bag),
    integrations: Type.Optional(Bag),
    sentAt: Type.Optional(Time),
    writeKey: Type.Optional(Type.String()),
  },
  { additionalProperties: true, description: "Many messages in one request; each item names its type." },
);
export type BatchRequest = Static<typeof BatchRequest>;

export const Rejection = Type.Object({
  index: Type.Integer({ description: "Position of the message in the batch (0 for single-message routes)" }),
  messageId: Type.Optional(Type.String()),
  reason: Type.String(),
});
export type Rejection = Static<typeof Rejection>;

export const IngestResponse = Type.Object({
  success: Type.Boolean({ description: "True when every message was accepted (as Segment answers)" }),
  accepted: Type.Integer({
    description:
      "Messages written to the durable ingest log by this request (the ack); with ?wait=stored, messages stored as new",
  }),
  duplicates: Type.Integer({
    description:
      "Repeated messageIds within this request; with ?wait=stored, also messages whose messageId was already stored",
  }),
  suppressed: Type.Integer({
    description: "Messages of erased people (an identifier under a tombstone): dropped, not stored",
  }),
  rejected: Type.Array(Rejection),
});

/** `?wait=stored`: answer once the events are stored and readable, with exact counts (read-your-writes). */
export const IngestQuery = Type.Object({
  wait: Type.Optional(
    Type.Union([Type.Literal("stored"), Type.Literal("logged")], {
      description:
        "logged (default): answer once the events are durable in the ingest log; stored: once they are readable",
    }),
  ),
});
export type IngestQuery = Static<typeof IngestQuery>;

/** Compiled checkers: validating each batch item must be cheap at 50k events/s. */
export const messageCheckers = Object.fromEntries(
  messageTypes.map((t) => [t, TypeCompiler.Compile(messageSchemas[t])]),
) as { [T in MessageType]: ReturnType<typeof TypeCompiler.Compile<(typeof messageSchemas)[T]>> };
