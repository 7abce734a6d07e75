// The overview of a period in one answer (the dashboard's first screen): customers and events per channel,
// customers per current stage with conversion between stages, and NPS and CSAT where surveys exist.
// NPS and CSAT come from the touchpoint catalogue, not from event names: a feedback touchpoint on a 0–10
// scale is an NPS question, one on a 1–5 scale a CSAT question.
import { type Static, Type } from "@sinclair/typebox";
import { hasCohort, keptInScope, type ScopeQuery } from "../journey/map/scope.js";
import { stageCounts } from "../journey/map/stages.js";
import type { JourneyRefresher, RefreshReport } from "../journey/refresh.js";
import { Freshness } from "../live/schema.js";
import type { Problem } from "../problem.js";
import { ok, type Result } from "../result.js";
import { all, type Store } from "../store/database.js";
import { quoteString } from "../store/sql.js";

const Num = Type.Union([Type.Number(), Type.Null()]);

export const Overview = Type.Object({
  period: Type.Object({ from: Type.String(), to: Type.String() }),
  asOf: Type.String(),
  freshness: Freshness,
  customers: Type.Integer({ description: "Customers with an event in the period" }),
  events: Type.Integer(),
  channels: Type.Array(
    Type.Object({ channel: Type.String(), events: Type.Integer(), customers: Type.Integer() }),
  ),
  stages: Type.Array(
    Type.Object({
      key: Type.String(),
      name: Type.String(),
      current: Type.Integer({ description: "Customers in this stage now" }),
      reached: Type.Integer({ description: "Customers who reached it in the period" }),
      conversion: Type.Union([Type.Number(), Type.Null()], {
        description: "To the next stage, in the period",
      }),
    }),
  ),
  nps: Type.Object({
    score: Num,
    responses: Type.Integer(),
    promoters: Type.Integer(),
    passives: Type.Integer(),
    detractors: Type.Integer(),
  }),
  csat: Type.Object({
    mean: Num,
    responses: Type.Integer(),
    satisfiedShare: Type.Union([Type.Number(), Type.Null()], { description: "Share of 4 and 5" }),
  }),
});
export type Overview = Static<typeof Overview>;

/** A feedback value (−1…1) back on its touchpoint's scale: `(v + 1) / 2 × (max − min) + min`. */
const onScale = (min: number, max: number) => `((feedback + 1) / 2 * ${max - min} + ${min})`;

export async function getOverview(
  store: Store,
  refresher: JourneyRefresher,
  q: ScopeQuery,
  refreshed?: RefreshReport,
): Promise<Result<Overview, Problem>> {
  const kept = await keptInScope(
    store,
    refresher,
    q,
    ["overview"],
    async (conn, defs, scope) => {
      const range = `timestamp >= ${quoteString(scope.from.toISOString())}::TIMESTAMP AND timestamp < ${quoteString(scope.to.toISOString())}::TIMESTAMP`;
      // A persona's events are its cohort's; everyone's include events no customer is known for yet.
      const t = scope.tables;
      const cohort = hasCohort(scope) ? `AND c.canonical_id IN (SELECT customer_id FROM ${t.cohort})` : "";
      // One scan: per channel, and (the empty grouping set) the period's totals.
      const rows = await all(
        conn,
        `SELECT e.channel, grouping(e.channel) AS total, count(*) AS events, count(DISTINCT c.canonical_id) AS customers
             FROM events e LEFT JOIN identities i ON i.id = e.identity_id LEFT JOIN customers c ON c.id = i.customer_id
            WHERE e.${range} ${cohort} GROUP BY GROUPING SETS ((e.channel), ()) ORDER BY events DESC, e.channel`,
      );
      const totals = rows.find((r) => Number(r.total) === 1);
      const channels = rows.filter((r) => Number(r.total) === 0);
      const current = new Map(
        (
          await all(
            conn,
            `SELECT stage, count(*) AS n FROM customer_facts f SEMI JOIN ${t.cohort} c ON c.customer_id = f.customer_id GROUP BY stage`,
          )
        ).map((r) => [Number(r.stage), Number(r.n)]),
      );
      const counts = await stageCounts(conn, t);
      const n = defs.model.stages.length;
      const stages = defs.model.stages.map((s, i) => {
        const k = i + 1;
        const reached = counts.get(k)?.reached ?? 0;
        const conversion = k < n && reached > 0 ? (counts.get(k)?.converted ?? 0) / reached : null;
        return { key: s.key, name: s.name, current: current.get(k) ?? 0, reached, conversion };
      });
      // Survey touchpoints by scale: 0–10 is NPS, 1–5 is CSAT.
      const scaled = (min: number, max: number) =>
        defs.touchpoints.filter(
          (t) =>
            t.feedback &&
            "min" in t.feedback &&
            t.feedback.min === min &&
            t.feedback.max === max &&
            !t.feedback.invert,
        );
      const list = (ids: string[]) => (ids.length ? ids.map(quoteString).join(", ") : "NULL");
      const npsIds = scaled(0, 10).map((t) => t.id);
      const csatIds = scaled(1, 5).map((t) => t.id);
      const [nps] = await all(
        conn,
        `SELECT count(*) AS n, count(*) FILTER (WHERE s >= 8.999) AS promoters, count(*) FILTER (WHERE s <= 6.001) AS detractors
             FROM (SELECT ${onScale(0, 10)} AS s FROM ${t.journey} WHERE touchpoint IN (${list(npsIds)}) AND feedback IS NOT NULL)`,
      );
      const [csat] = await all(
        conn,
        `SELECT count(*) AS n, avg(s) AS mean, count(*) FILTER (WHERE s >= 3.999) AS satisfied
             FROM (SELECT ${onScale(1, 5)} AS s FROM ${t.journey} WHERE touchpoint IN (${list(csatIds)}) AND feedback IS NOT NULL)`,
      );
      const responses = Number(nps?.n ?? 0);
      const promoters = Number(nps?.promoters ?? 0);
      const detractors = Number(nps?.detractors ?? 0);
      const csatN = Number(csat?.n ?? 0);
      return {
        period: { from: scope.from.toISOString(), to: scope.to.toISOString() },
        customers: Number(totals?.customers ?? 0),
        events: Number(totals?.events ?? 0),
        channels: channels.map((r) => ({
          channel: String(r.channel),
          events: Number(r.events),
          customers: Number(r.customers),
        })),
        stages,
        nps: {
          score: responses ? Math.round(((promoters - detractors) / responses) * 1000) / 10 : null,
          responses,
          promoters,
          passives: responses - promoters - detractors,
          detractors,
        },
        csat: {
          mean: csatN ? Math.round(Number(csat?.mean) * 100) / 100 : null,
          responses: csatN,
          satisfiedShare: csatN ? Number(csat?.satisfied ?? 0) / csatN : null,
        },
      };
    },
    refreshed,
  );
  return kept.ok ? ok({ ...kept.value.value, asOf: kept.value.asOf, freshness: kept.value.freshness }) : kept;
}
