// Every analysis of the INSIGHTS table (src/analytics/insights.ts) is two operations:
// POST /api/insights/{kind} (the result) and POST /api/insights/{kind}/customers (the customers behind any
// number of it, page by page). Both stop when the client leaves or the analysis runs too long.

import { CustomerPage } from "../../analytics/audience.js";
import {
  type AnyInsight,
  type CustomersRequest,
  customersRequestOf,
  type Insight,
  insightCustomers,
  runInsight,
} from "../../analytics/insight.js";
import { INSIGHTS } from "../../analytics/insights.js";
import { type Period, settlePeriod } from "../../analytics/period.js";
import type { Operation, OperationRequest } from "../operation.js";

const tags = ["insights"];

type BodyOnly<B> = OperationRequest<undefined, undefined, B>;

const resultOperation = (insight: AnyInsight): Operation<BodyOnly<unknown>, unknown> => ({
  id: `insights.${insight.kind}`,
  method: "POST",
  path: `/api/insights/${insight.kind}`,
  access: "analytics.read",
  summary: insight.summary,
  description: insight.description,
  tags,
  body: insight.request,
  response: insight.result,
  analysis: true,
  run: (ctx, req) => {
    // Dates in the request are whole days of the workspace's time zone.
    const settled = settlePeriod(req.body as Period, ctx.config.timeZone);
    return settled.ok ? runInsight(ctx.store, ctx.journey, insight, settled.value) : Promise.resolve(settled);
  },
});

const customersOperation = (
  insight: AnyInsight,
): Operation<BodyOnly<CustomersRequest<unknown, unknown>>> => ({
  id: `insights.${insight.kind}.customers`,
  method: "POST",
  path: `/api/insights/${insight.kind}/customers`,
  access: "customers.list",
  personal: "bulk",
  summary: `The customers behind a number of ${insight.kind === "funnel" ? "a funnel" : insight.kind}, page by page`,
  description:
    "`request` is the analysis's request as it was sent, `cell` names the number; `total` equals that number (distinct customers), and the list is ordered by customer id.",
  tags,
  body: customersRequestOf(insight),
  response: CustomerPage,
  analysis: true,
  run: (ctx, req) => {
    const settled = settlePeriod(req.body.request as Period, ctx.config.timeZone);
    return settled.ok
      ? insightCustomers(ctx.store, ctx.journey, insight, { ...req.body, request: settled.value })
      : Promise.resolve(settled);
  },
});

const byKind = new Map(
  INSIGHTS.map((i) => [i.kind, { result: resultOperation(i), customers: customersOperation(i) }]),
);

export const insightOperations = [...byKind.values()].flatMap((o) => [o.result, o.customers]);

function entryOf(insight: AnyInsight) {
  const entry = byKind.get(insight.kind);
  if (!entry) throw new Error(`${insight.kind} is not in the INSIGHTS table`);
  return entry;
}

/** The operation that computes an analysis's result. */
export const analysisOperation = <Req, Res>(insight: Insight<Req, Res, never>) =>
  entryOf(insight).result as Operation<BodyOnly<Req>, Res>;

/** The operation that lists the customers behind a number of an analysis. */
export const customersOperationOf = <Req, Cell>(insight: Insight<Req, unknown, Cell>) =>
  entryOf(insight).customers as Operation<BodyOnly<CustomersRequest<Req, Cell>>, CustomerPage>;
