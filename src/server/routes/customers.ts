// Customer search, profile (customer 360) and timeline.
import { Type } from "@sinclair/typebox";
import { getCustomer } from "../../customers/profile.js";
import { searchCustomers } from "../../customers/search.js";
import { decodeCursor, getTimeline } from "../../customers/timeline.js";
import { getCustomerJourney } from "../../journey/customer-journey.js";
import { TouchpointKinds } from "../../journey/touchpoints.js";
import { StringEnum } from "../../typebox.js";
import type { App } from "../app.js";
import type { AppContext } from "../context.js";
import { errorResponses, HttpError } from "../errors.js";

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

export function customerRoutes(app: App, ctx: AppContext): void {
  const security = [{ bearerAuth: [] }];
  app.get(
    "/api/customers",
    {
      config: { access: "customers.search", personal: "bulk" },
      schema: {
        summary: "Find customers by any identifier, or by the start of an email or name",
        tags: ["customers"],
        security,
        querystring: Type.Object({
          q: Type.String({ minLength: 1, maxLength: 256 }),
          limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
        }),
        response: { 200: Type.Object({ customers: Type.Array(CustomerMatch) }), ...errorResponses },
      },
    },
    async (req) => ({ customers: await searchCustomers(ctx.store, ctx.rules, req.query.q, req.query.limit) }),
  );

  app.get(
    "/api/customers/:id",
    {
      config: { access: "customers.read", personal: "one" },
      schema: {
        summary: "A customer's identifiers (and why they are linked), traits, first/last seen and channels",
        tags: ["customers"],
        security,
        params: CustomerId,
        response: { 200: Profile, ...errorResponses },
      },
    },
    async (req) => {
      const profile = await getCustomer(ctx.store, req.params.id);
      if (!profile) throw new HttpError(404, "customer_not_found", `no customer ${req.params.id}`);
      return profile;
    },
  );

  app.get(
    "/api/customers/:id/journey",
    {
      config: { access: "customers.read", personal: "one" },
      schema: {
        summary: "A customer's persona, current stage and stage history (forward by events, back by lapsing)",
        tags: ["customers", "journey"],
        security,
        params: CustomerId,
        response: {
          200: Type.Object({
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
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const journey = await getCustomerJourney(ctx.store, ctx.journey, req.params.id);
      if (!journey) throw new HttpError(404, "customer_not_found", `no customer ${req.params.id}`);
      return journey;
    },
  );

  app.get(
    "/api/customers/:id/timeline",
    {
      config: { access: "customers.read", personal: "one" },
      schema: {
        summary: "Every event of a customer across channels, newest first",
        tags: ["customers"],
        security,
        params: CustomerId,
        querystring: Type.Object({
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
          cursor: Type.Optional(
            Type.String({ maxLength: 1024, description: "nextCursor of the previous page" }),
          ),
          channel: Type.Optional(Type.String({ description: "Comma-separated channels, e.g. phone,chat" })),
          event: Type.Optional(Type.String({ description: "Comma-separated event names" })),
        }),
        response: {
          200: Type.Object({
            customerId: Type.Integer(),
            events: Type.Array(TimelineEvent),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const { limit, cursor, channel, event } = req.query;
      if (cursor !== undefined && !decodeCursor(cursor)) {
        throw new HttpError(
          400,
          "invalid_cursor",
          "cursor is not one this API issued; start again without it",
        );
      }
      const page = await getTimeline(ctx.store, req.params.id, {
        limit,
        cursor,
        channels: csv(channel),
        events: csv(event),
      });
      if (!page) throw new HttpError(404, "customer_not_found", `no customer ${req.params.id}`);
      return page;
    },
  );
}
