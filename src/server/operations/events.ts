// Event names, their property keys and the fields a rule can name, for the pickers of analysis builders
// and rule editors: what can be chosen, most frequent first, never the whole list.
import { Type } from "@sinclair/typebox";
import { findChannels, findFields } from "../../journey/fields.js";
import { ok } from "../../result.js";
import { all, runQuery, type Store } from "../../store/database.js";
import { Params } from "../../store/sql.js";
import { StringEnum } from "../../typebox.js";
import { operation } from "../operation.js";

const tags = ["events"];
/** The kinds of event a step can name (identify, group and alias carry no step name). */
const NAMED_TYPES = ["track", "page", "screen"] as const;

const EventName = Type.Object({
  type: StringEnum(NAMED_TYPES),
  event: Type.String(),
  events: Type.Integer(),
  lastSeen: Type.String(),
});

const PropertyKey = Type.Object({
  property: Type.String(),
  events: Type.Integer({ description: "Sampled events that carry it" }),
});

/** Distinct named events, most frequent first; `q` keeps names containing it (case-insensitive). */
export async function findEventNames(
  store: Store,
  q: string | undefined,
  limit: number,
): Promise<Array<{ type: (typeof NAMED_TYPES)[number]; event: string; events: number; lastSeen: string }>> {
  return runQuery(store, {
    duckdb: () =>
      store.read(async (conn) => {
        const p = new Params();
        const types = NAMED_TYPES.map((t) => p.add(t)).join(", ");
        const search = q ? `AND contains(lower(event), lower(${p.add(q)}))` : "";
        const rows = await all(
          conn,
          `SELECT type, event, count(*) AS events, epoch_ms(max(timestamp)) AS last
             FROM events WHERE type IN (${types}) AND event IS NOT NULL ${search}
            GROUP BY 1, 2 ORDER BY events DESC, event, type LIMIT ${p.add(limit)}`,
          p.values,
        );
        return rows.map((r) => ({
          type: String(r.type) as (typeof NAMED_TYPES)[number],
          event: String(r.event),
          events: Number(r.events),
          lastSeen: new Date(Number(r.last)).toISOString(),
        }));
      }),
  });
}

/** How many recent events of a name are read for their property keys: enough to see them all, and fast. */
const PROPERTY_SAMPLE = 5000;

/** Top-level property keys of one named event (from its latest events), most common first. */
export async function findEventProperties(
  store: Store,
  type: string,
  event: string,
  limit: number,
): Promise<Array<{ property: string; events: number }>> {
  return runQuery(store, {
    duckdb: () =>
      store.read(async (conn) => {
        const p = new Params();
        const rows = await all(
          conn,
          `SELECT k AS property, count(*) AS events
             FROM (SELECT unnest(json_keys(properties)) AS k
                     FROM (SELECT properties FROM events
                            WHERE type = ${p.add(type)} AND event = ${p.add(event)}
                              AND json_type(properties) = 'OBJECT'
                            ORDER BY timestamp DESC LIMIT ${p.add(PROPERTY_SAMPLE)}))
            GROUP BY 1 ORDER BY events DESC, property LIMIT ${p.add(limit)}`,
          p.values,
        );
        return rows.map((r) => ({ property: String(r.property), events: Number(r.events) }));
      }),
  });
}

const Field = Type.Object({
  column: StringEnum(["properties", "context", "traits"] as const, {
    description:
      "Where it is: an event's properties (a rule names it bare or as properties.x), its context (context.x), or customers' traits (traits.x in a touchpoint rule, the trait of a persona condition)",
  }),
  path: Type.String({ description: "Dotted path inside the column" }),
  seen: Type.Integer({ description: "Sampled events (customers, for traits) that carry it" }),
  kind: StringEnum(["string", "number", "boolean"] as const),
  values: Type.Array(
    Type.Object({ value: Type.Union([Type.String(), Type.Number(), Type.Boolean()]), count: Type.Integer() }),
    { description: "Most frequent values seen at least twice; none for personal data" },
  ),
});

export const eventFieldsOperation = operation({
  id: "events.fields",
  method: "GET",
  path: "/api/events/fields",
  access: "analytics.read",
  summary:
    "What a rule can name, for the rule editors: event names, channels, and property, context and trait paths with their most frequent values (from the latest events and customers)",
  tags,
  query: Type.Object({
    type: Type.Optional(StringEnum(["track", "page", "screen", "identify"] as const)),
    event: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: "Only this event's properties" }),
    ),
    top: Type.Integer({ minimum: 1, maximum: 20, default: 8, description: "Values per field" }),
    sample: Type.Integer({
      minimum: 100,
      maximum: 20_000,
      default: 5000,
      description: "How many of the latest events (and customers) are read",
    }),
  }),
  response: Type.Object({
    events: Type.Array(EventName),
    channels: Type.Array(Type.Object({ channel: Type.String(), events: Type.Integer() })),
    fields: Type.Array(Field),
  }),
  async run(ctx, { query }) {
    const { type, event, top, sample } = query;
    return ok({
      events: await findEventNames(ctx.store, undefined, 200),
      channels: await findChannels(ctx.store),
      fields: await findFields(ctx.store, {
        type,
        event,
        top,
        sample,
        identifierKeys: ctx.config.identity.traitIdentifiers,
      }),
    });
  },
});

export const eventNamesOperation = operation({
  id: "events.names",
  method: "GET",
  path: "/api/events/names",
  access: "analytics.read",
  summary: "Distinct event names (track, page and screen) with how many events each, most frequent first",
  tags,
  query: Type.Object({
    q: Type.Optional(Type.String({ maxLength: 200, description: "Names containing this text" })),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  }),
  response: Type.Object({ items: Type.Array(EventName) }),
  run: async (ctx, { query }) => ok({ items: await findEventNames(ctx.store, query.q, query.limit) }),
});

export const eventPropertiesOperation = operation({
  id: "events.properties",
  method: "GET",
  path: "/api/events/properties",
  access: "analytics.read",
  summary: "Property keys of one named event, from its latest events, most common first",
  tags,
  query: Type.Object({
    event: Type.String({ minLength: 1, maxLength: 200 }),
    type: StringEnum(NAMED_TYPES, { default: "track" }),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  }),
  response: Type.Object({ items: Type.Array(PropertyKey) }),
  run: async (ctx, { query }) =>
    ok({ items: await findEventProperties(ctx.store, query.type, query.event, query.limit) }),
});

export const eventOperations = [eventFieldsOperation, eventNamesOperation, eventPropertiesOperation];
