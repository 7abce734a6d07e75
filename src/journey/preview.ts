// What a draft rule would do before it is saved: how many events (a touchpoint's rule) or customers (a
// persona's conditions) it matches, their share, examples, and how many of them a rule checked earlier
// already takes. The drafts compile with the same SQL as classification and persona assignment.
import { type Static, Type } from "@sinclair/typebox";
import type { Problem } from "../problem.js";
import { invalid } from "../problem.js";
import { ok, type Result } from "../result.js";
import { all, runQuery, type Store } from "../store/database.js";
import { Params } from "../store/sql.js";
import { touchpointIndexSql } from "./classify.js";
import { loadDefinitions } from "./definitions.js";
import {
  type Persona,
  PersonaInput,
  personaCaseSql,
  personaConditionSql,
  personaProblem,
} from "./personas.js";
import { EventMatch, matchProblem, matchSql, splitPath } from "./rules.js";
import type { Touchpoint } from "./touchpoints.js";

const Examples = Type.Integer({ minimum: 0, maximum: 50, default: 5, description: "How many examples" });

export const TouchpointPreviewRequest = Type.Object(
  {
    match: EventMatch,
    replaces: Type.Optional(
      Type.String({ maxLength: 80, description: "The touchpoint being edited: the draft takes its place" }),
    ),
    before: Type.Optional(
      Type.String({ maxLength: 80, description: "A new touchpoint goes before this one (default: last)" }),
    ),
    days: Type.Integer({
      minimum: 1,
      maximum: 3660,
      default: 30,
      description: "The period: this many days up to the latest event",
    }),
    examples: Examples,
  },
  { additionalProperties: false },
);
export type TouchpointPreviewRequest = Static<typeof TouchpointPreviewRequest>;

const Period = Type.Object({
  from: Type.String({ description: "Exclusive start" }),
  to: Type.String({ description: "Inclusive end: the latest event" }),
});

export const TouchpointPreview = Type.Object({
  period: Type.Union([Period, Type.Null()], { description: "null when there are no events yet" }),
  events: Type.Integer({ description: "Events of the period the rule matches" }),
  customers: Type.Integer({ description: "Customers behind those events" }),
  share: Type.Number({ description: "Of all events in the period" }),
  takenByOthers: Type.Integer({
    description: "Of the matched events, those a touchpoint checked earlier in the catalogue takes",
  }),
  takenBy: Type.Array(
    Type.Object({ touchpoint: Type.String(), name: Type.String(), events: Type.Integer() }),
    { description: "The earlier touchpoints that take them, most first" },
  ),
  examples: Type.Array(
    Type.Object({
      messageId: Type.String(),
      type: Type.String(),
      event: Type.Union([Type.String(), Type.Null()]),
      channel: Type.String(),
      timestamp: Type.String(),
      takenBy: Type.Union([Type.String(), Type.Null()], {
        description: "The earlier touchpoint that takes this event, if any",
      }),
      properties: Type.Record(Type.String(), Type.Unknown(), {
        description: "A few of its properties, those the rule names first",
      }),
    }),
  ),
});
export type TouchpointPreview = Static<typeof TouchpointPreview>;

export const PersonaPreviewRequest = Type.Object(
  {
    match: PersonaInput.properties.match,
    conditions: PersonaInput.properties.conditions,
    replaces: Type.Optional(
      Type.String({ maxLength: 80, description: "The persona being edited: the draft takes its priority" }),
    ),
    priority: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1_000_000,
        description: "A new persona's priority (default: last)",
      }),
    ),
    examples: Examples,
  },
  { additionalProperties: false },
);
export type PersonaPreviewRequest = Static<typeof PersonaPreviewRequest>;

export const PersonaPreview = Type.Object({
  customers: Type.Integer({ description: "Customers the conditions match" }),
  share: Type.Number({ description: "Of all customers" }),
  takenByOthers: Type.Integer({
    description:
      "Of them, those a persona of higher priority takes (a customer takes the first that matches)",
  }),
  takenBy: Type.Array(
    Type.Object({ persona: Type.String(), name: Type.String(), customers: Type.Integer() }),
  ),
  examples: Type.Array(
    Type.Object({
      id: Type.Integer({ description: "Customer id" }),
      persona: Type.Union([Type.String(), Type.Null()], { description: "Their persona now" }),
      events: Type.Integer(),
      orders: Type.Integer(),
      spend: Type.Number(),
      lastSeen: Type.String(),
    }),
  ),
  asOf: Type.String({ description: "When the customer facts were computed" }),
});
export type PersonaPreview = Static<typeof PersonaPreview>;

const DRAFT = "(draft)";
/** Properties an example shows: those the rule names, then the first others. */
const EXAMPLE_PROPERTIES = 8;

/** The catalogue as it would be with the draft in place, and the draft's index in it. */
function withDraft(
  tps: readonly Touchpoint[],
  req: TouchpointPreviewRequest,
): { list: Touchpoint[]; at: number } {
  const draft: Touchpoint = {
    id: DRAFT,
    name: "",
    stage: "",
    match: req.match,
    kind: "interaction",
    advances: false,
  };
  const list = [...tps];
  const replaced = req.replaces === undefined ? -1 : list.findIndex((t) => t.id === req.replaces);
  if (replaced >= 0) {
    list[replaced] = draft;
    return { list, at: replaced };
  }
  const before = req.before === undefined ? -1 : list.findIndex((t) => t.id === req.before);
  const at = before >= 0 ? before : list.length;
  list.splice(at, 0, draft);
  return { list, at };
}

function exampleProperties(json: unknown, match: EventMatch): Record<string, unknown> {
  let props: unknown;
  try {
    props = typeof json === "string" ? JSON.parse(json) : null;
  } catch {
    props = null;
  }
  if (props === null || typeof props !== "object" || Array.isArray(props)) return {};
  const obj = props as Record<string, unknown>;
  const named = (match.where ?? [])
    .map((c) => splitPath(c.property))
    .filter((p) => p.column === "properties")
    .map((p) => p.path.slice(2).split(".")[0]!);
  const keys = [...new Set([...named.filter((k) => k in obj), ...Object.keys(obj)])].slice(
    0,
    EXAMPLE_PROPERTIES,
  );
  return Object.fromEntries(keys.map((k) => [k, obj[k]]));
}

/** The draft touchpoint's matches in the period ending at the latest event. */
export async function previewTouchpoint(
  store: Store,
  req: TouchpointPreviewRequest,
): Promise<Result<TouchpointPreview, Problem>> {
  const bad = matchProblem(req.match);
  if (bad) return invalid(bad.message, `/match${bad.path}`);
  const defs = await loadDefinitions(store);
  const { list, at } = withDraft(defs.touchpoints, req);
  return runQuery(store, {
    duckdb: () =>
      store.read(async (conn) => {
        const [span] = await all(conn, "SELECT epoch_ms(max(timestamp)) AS hi FROM events");
        if (span?.hi === null || span?.hi === undefined)
          return ok({
            period: null,
            events: 0,
            customers: 0,
            share: 0,
            takenByOthers: 0,
            takenBy: [],
            examples: [],
          });
        const to = new Date(Number(span.hi));
        const from = new Date(to.getTime() - req.days * 86_400_000);
        const p = new Params();
        const lo = p.add(from.toISOString());
        const hi = p.add(to.toISOString());
        const inPeriod = `e.timestamp > ${lo}::TIMESTAMP AND e.timestamp <= ${hi}::TIMESTAMP`;
        // Matched events with the index of the touchpoint that takes them in the catalogue with the draft.
        const matched = `SELECT e.message_id, e.type, e.event, e.channel, e.timestamp, e.properties, e.identity_id,
                                ${touchpointIndexSql(list, p, "e.")} AS taken
                           FROM events e WHERE ${inPeriod} AND ${matchSql(req.match, p, "e.")}`;
        const totals = await all(
          conn,
          `WITH m AS (${matched})
           SELECT count(*) AS events, count(DISTINCT c.canonical_id) AS customers,
                  (SELECT count(*) FROM events e WHERE ${inPeriod}) AS everything
             FROM m LEFT JOIN identities i ON i.id = m.identity_id LEFT JOIN customers c ON c.id = i.customer_id`,
          p.values,
        );
        const byTaker = await all(
          conn,
          `WITH m AS (${matched}) SELECT taken, count(*) AS n FROM m GROUP BY taken ORDER BY n DESC, taken`,
          p.values,
        );
        const examples = await all(
          conn,
          `WITH m AS (${matched})
           SELECT message_id, type, event, channel, epoch_ms(timestamp) AS ts, CAST(properties AS VARCHAR) AS props, taken
             FROM m ORDER BY timestamp DESC, message_id LIMIT ${p.add(req.examples)}`,
          p.values,
        );
        const t = totals[0]!;
        const events = Number(t.events);
        const everything = Number(t.everything);
        const takerOf = (taken: unknown) =>
          taken === null || Number(taken) === at ? null : list[Number(taken)]!;
        const takenBy = byTaker.flatMap((r) => {
          const tp = takerOf(r.taken);
          return tp ? [{ touchpoint: tp.id, name: tp.name, events: Number(r.n) }] : [];
        });
        return ok({
          period: { from: from.toISOString(), to: to.toISOString() },
          events,
          customers: Number(t.customers),
          share: everything ? events / everything : 0,
          takenByOthers: takenBy.reduce((sum, x) => sum + x.events, 0),
          takenBy,
          examples: examples.map((r) => ({
            messageId: String(r.message_id),
            type: String(r.type),
            event: r.event === null ? null : String(r.event),
            channel: String(r.channel),
            timestamp: new Date(Number(r.ts)).toISOString(),
            takenBy: takerOf(r.taken)?.id ?? null,
            properties: exampleProperties(r.props, req.match),
          })),
        });
      }),
  });
}

/**
 * The draft persona's customers in the customer facts as of `asOf` (the last journey refresh, which the
 * caller has just brought up to date), recency measured from that time as persona assignment does.
 */
export async function previewPersona(
  store: Store,
  req: PersonaPreviewRequest,
  asOf: string,
): Promise<Result<PersonaPreview, Problem>> {
  const bad = personaProblem(req);
  if (bad) return invalid(bad.message, bad.path);
  const defs = await loadDefinitions(store);
  const replaced = req.replaces === undefined ? undefined : defs.personas.find((x) => x.id === req.replaces);
  const rank = replaced?.priority ?? req.priority ?? Number.POSITIVE_INFINITY;
  const higher: Persona[] = defs.personas.filter((x) => x.id !== replaced?.id && x.priority < rank);
  return runQuery(store, {
    duckdb: () =>
      store.read(async (conn) => {
        // Each statement has its own parameters: DuckDB refuses any it does not use.
        const compile = () => {
          const p = new Params();
          const now = p.shared("now", asOf);
          const nowSql = () => `${now()}::TIMESTAMP`;
          const joiner = req.match === "all" ? " AND " : " OR ";
          const body = req.conditions.map((c) => `(${personaConditionSql(c, p, nowSql)})`).join(joiner);
          return { p, body, taken: () => personaCaseSql(higher, p, nowSql) };
        };
        const a = compile();
        const totals = await all(
          conn,
          `SELECT count(*) FILTER (WHERE ${a.body}) AS customers, count(*) AS everything FROM customer_facts f`,
          a.p.values,
        );
        const b = compile();
        const byTaker = await all(
          conn,
          `SELECT ${b.taken()} AS taken, count(*) AS n FROM customer_facts f WHERE ${b.body}
            GROUP BY 1 ORDER BY n DESC, taken`,
          b.p.values,
        );
        const c = compile();
        const examples = await all(
          conn,
          `SELECT customer_id, persona, events, orders, spend, epoch_ms(last_seen) AS last
             FROM customer_facts f WHERE ${c.body} ORDER BY last_seen DESC, customer_id LIMIT ${c.p.add(req.examples)}`,
          c.p.values,
        );
        const customers = Number(totals[0]!.customers);
        const everything = Number(totals[0]!.everything);
        const takenBy = byTaker.flatMap((r) => {
          const persona = r.taken === null ? undefined : higher.find((x) => x.id === String(r.taken));
          return persona ? [{ persona: persona.id, name: persona.name, customers: Number(r.n) }] : [];
        });
        return ok({
          customers,
          share: everything ? customers / everything : 0,
          takenByOthers: takenBy.reduce((sum, x) => sum + x.customers, 0),
          takenBy,
          examples: examples.map((r) => ({
            id: Number(r.customer_id),
            persona: r.persona === null ? null : String(r.persona),
            events: Number(r.events),
            orders: Number(r.orders),
            spend: Number(r.spend),
            lastSeen: new Date(Number(r.last)).toISOString(),
          })),
          asOf,
        });
      }),
  });
}
