// Customer search, profile (customer 360), journey and timeline, and the store-wide counts.
import { Type } from "@sinclair/typebox";
import { getCustomer } from "../../customers/profile.js";
import { searchCustomers } from "../../customers/search.js";
import { decodeCursor, getTimeline } from "../../customers/timeline.js";
import { getCustomerJourney } from "../../journey/customer-journey.js";
import { TouchpointKinds } from "../../journey/touchpoints.js";
import { invalid, notFound } from "../../problem.js";
import { ok } from "../../result.js";
import { getStats } from "../../store/stats.js";
import { StringEnum } from "../../typebox.js";
import { operation } from "../operation.js";

const Identifier = Type.Object({ kind: Type.String(), value: Type.String() });
// Capped so an id past 2^53 is a 400, not a database error when it is bound as a BIGINT.
export const CustomerId = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: "Customer id" }),
});
const Json = Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]);

const CustomerMatch = Type.Object({
  id: Type.Integer(),
  name: Type.Union([Type.String(), Type.Null()]),
  identifiers: Type.Array(Identifier),
  matchedBy: Type.Array(Type.String()),
  stage: Type.Union([Type.String(), Type.Null()], {
    description: "Current stage key, as of the last refresh",
  }),
  persona: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()]),
  lastSeen: Type.Union([Type.String(), Type.Null()]),
});

const Profile = Type.Object({
  id: Type.Integer({ description: "Canonical id; a merged-away id answers with its survivor" }),
  identifiers: Type.Array(
    Type.Object({ id: Type.Integer(), kind: Type.String(), value: Type.String(), firstSeen: Type.String() }),
  ),
  traits: Type.Record(
    Type.String(),
    Type.Object({
      value: Type.Unknown(),
      source: Type.Object({
        messageId: Type.String(),
        channel: Type.String(),
        source: Type.String(),
        at: Type.String(),
      }),
    }),
  ),
  firstSeen: Type.Union([Type.String(), Type.Null()]),
  lastSeen: Type.Union([Type.String(), Type.Null()]),
  eventCount: Type.Integer(),
  channels: Type.Array(
    Type.Object({
      channel: Type.String(),
      events: Type.Integer(),
      firstSeen: Type.String(),
      lastSeen: Type.String(),
    }),
  ),
  links: Type.Array(
    Type.Object({
      at: Type.String(),
      messageId: Type.Union([Type.String(), Type.Null()]),
      eventType: Type.Union([Type.String(), Type.Null()]),
      from: Identifier,
      to: Identifier,
      accepted: Type.Boolean(),
      reason: Type.String(),
      absorbedCustomer: Type.Union([Type.Integer(), Type.Null()]),
    }),
  ),
});

const TimelineEvent = Type.Object({
  messageId: Type.String(),
  type: Type.String(),
  event: Type.Union([Type.String(), Type.Null()]),
  channel: Type.String(),
  timestamp: Type.String(),
  receivedAt: Type.String(),
  anonymousId: Type.Union([Type.String(), Type.Null()]),
  userId: Type.Union([Type.String(), Type.Null()]),
  properties: Json,
  traits: Json,
  context: Json,
  source: Type.String(),
  touchpoint: Type.Union(
    [
      Type.Object({
        id: Type.String(),
        name: Type.String(),
        kind: StringEnum(TouchpointKinds),
        feedback: Type.Union([Type.Number({ description: "Satisfaction, −1 … 1" }), Type.Null()]),
      }),
      Type.Null(),
    ],
    { description: "The catalogue touchpoint the event matched at the last journey refresh" },
  ),
});

const csv = (v: string | undefined) =>
  v
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);

const tags = ["customers"];
const noCustomer = (id: number) => notFound(`no customer ${id}`, "customer_not_found");

export const searchCustomersOperation = operation({
  id: "customers.search",
  method: "GET",
  path: "/api/customers",
  access: "customers.search",
  personal: "bulk",
  summary: "Find customers by any identifier, or by the start of an email or name",
  tags,
  query: Type.Object({
    q: Type.String({ minLength: 1, maxLength: 256 }),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  }),
  response: Type.Object({ customers: Type.Array(CustomerMatch) }),
  run: async (ctx, { query }) =>
    ok({ customers: await searchCustomers(ctx.store, ctx.rules, query.q, query.limit) }),
});

export const customerOperation = operation({
  id: "customers.show",
  method: "GET",
  path: "/api/customers/:id",
  access: "customers.read",
  personal: "one",
  summary: "A customer's identifiers (and why they are linked), traits, first/last seen and channels",
  tags,
  params: CustomerId,
  response: Profile,
  async run(ctx, { params }) {
    const profile = await getCustomer(ctx.store, params.id);
    return profile ? ok(profile) : noCustomer(params.id);
  },
});

export const customerJourneyOperation = operation({
  id: "customers.journey",
  method: "GET",
  path: "/api/customers/:id/journey",
  access: "customers.read",
  personal: "one",
  summary: "A customer's persona, current stage and stage history (forward by events, back by lapsing)",
  tags: ["customers", "journey"],
  params: CustomerId,
  response: Type.Object({
    id: Type.Integer({ description: "Canonical customer id" }),
    persona: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()]),
    stage: Type.Union([Type.String(), Type.Null()]),
    stageSince: Type.Union([Type.String(), Type.Null()]),
    history: Type.Array(
      Type.Object({
        at: Type.String(),
        from: Type.Union([Type.String(), Type.Null()]),
        to: Type.String(),
        cause: StringEnum(["signal", "lapse"]),
        messageId: Type.Union([Type.String(), Type.Null()]),
      }),
    ),
    asOf: Type.String(),
  }),
  async run(ctx, { params }) {
    const journey = await getCustomerJourney(ctx.store, ctx.journey, params.id);
    return journey ? ok(journey) : noCustomer(params.id);
  },
});

export const timelineOperation = operation({
  id: "customers.timeline",
  method: "GET",
  path: "/api/customers/:id/timeline",
  access: "customers.read",
  personal: "one",
  summary: "Every event of a customer across channels, newest first",
  tags,
  params: CustomerId,
  query: Type.Object({
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    cursor: Type.Optional(Type.String({ maxLength: 1024, description: "nextCursor of the previous page" })),
    channel: Type.Optional(Type.String({ description: "Comma-separated channels, e.g. phone,chat" })),
    event: Type.Optional(Type.String({ description: "Comma-separated event names" })),
  }),
  response: Type.Object({
    customerId: Type.Integer(),
    events: Type.Array(TimelineEvent),
    nextCursor: Type.Union([Type.String(), Type.Null()]),
  }),
  async run(ctx, { params, query }) {
    const { limit, cursor, channel, event } = query;
    if (cursor !== undefined && !decodeCursor(cursor))
      return invalid(
        "cursor is not one this API issued; start again without it",
        undefined,
        "invalid_cursor",
      );
    const page = await getTimeline(ctx.store, params.id, {
      limit,
      cursor,
      channels: csv(channel),
      events: csv(event),
    });
    return page ? ok(page) : noCustomer(params.id);
  },
});

const Counts = Type.Record(Type.String(), Type.Integer());
export const StatsResponse = Type.Object({
  events: Type.Integer(),
  eventsLast24h: Type.Integer(),
  customers: Type.Integer(),
  unattributedEvents: Type.Integer({ description: "Events whose only identifiers were blocked junk values" }),
  identifiers: Counts,
  channels: Counts,
  types: Counts,
  merges: Type.Integer(),
  refusedLinks: Type.Integer(),
  suppressedEvents: Type.Integer({
    description: "Events of erased customers dropped under their tombstones",
  }),
  firstEvent: Type.Union([Type.String(), Type.Null()]),
  lastEvent: Type.Union([Type.String(), Type.Null()]),
  loader: Type.Object(
    {
      pendingEvents: Type.Integer({ description: "Acknowledged (in the ingest log), not yet stored" }),
      pendingBytes: Type.Integer(),
      lagSeconds: Type.Number({ description: "Age of the oldest event not yet stored; 0 when none waits" }),
      loadedBatches: Type.Integer({ description: "Since the server started" }),
      loadedEvents: Type.Integer({ description: "Since the server started" }),
      lastBatch: Type.Union([
        Type.Object({ events: Type.Integer(), stored: Type.Integer(), ms: Type.Integer() }),
        Type.Null(),
      ]),
      lastError: Type.Union([Type.String(), Type.Null()]),
      storedTotal: Type.Integer({ description: "Events the loader stored, ever" }),
      duplicatesTotal: Type.Integer({ description: "Events the loader dropped as already stored, ever" }),
      suppressedTotal: Type.Integer({ description: "Events of erased people the loader dropped, ever" }),
    },
    { description: "The ingest log's loader: its lag and its counts" },
  ),
});

export const statsOperation = operation({
  id: "stats",
  method: "GET",
  path: "/api/stats",
  access: "analytics.read",
  summary: "Events, customers and identifiers stored, per channel and type",
  tags: ["operations"],
  response: StatsResponse,
  run: async (ctx) => ok(await getStats(ctx.store, ctx.writer.loader.status())),
});

export const customerOperations = [
  searchCustomersOperation,
  customerOperation,
  customerJourneyOperation,
  timelineOperation,
  statsOperation,
];
