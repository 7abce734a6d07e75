// Every analysis of the INSIGHTS table (src/analytics/insights.ts) gets the same two routes:
// POST /api/insights/{kind} (the result) and POST /api/insights/{kind}/customers (the customers behind
// any number of it, page by page). Both stop when the client leaves or the analysis runs too long.
import { CustomerPage } from "../../analytics/audience.js";
import { customersRequestOf, insightCustomers, runInsight } from "../../analytics/insight.js";
import { INSIGHTS } from "../../analytics/insights.js";
import type { App } from "../app.js";
import type { AppContext } from "../context.js";
import { errorResponses, unwrapProblem } from "../errors.js";
import { limitAnalysis } from "./analysis-limit.js";

const security = [{ bearerAuth: [] }];
const tags = ["insights"];

export function insightRoutes(app: App, ctx: AppContext): void {
  for (const insight of INSIGHTS) {
    app.post(
      `/api/insights/${insight.kind}`,
      {
        config: { access: "analytics.read" },
        schema: {
          summary: insight.summary,
          description: insight.description,
          tags,
          security,
          body: insight.request,
          response: { 200: insight.result, ...errorResponses },
        },
      },
      async (req, reply) =>
        unwrapProblem(
          await limitAnalysis(ctx.config, reply, () => runInsight(ctx.store, ctx.journey, insight, req.body)),
        ),
    );
    app.post(
      `/api/insights/${insight.kind}/customers`,
      {
        config: { access: "customers.list", personal: "bulk" },
        schema: {
          summary: `The customers behind a number of ${insight.kind === "funnel" ? "a funnel" : insight.kind}, page by page`,
          description:
            "`request` is the analysis's request as it was sent, `cell` names the number; `total` equals that number (distinct customers), and the list is ordered by customer id.",
          tags,
          security,
          body: customersRequestOf(insight),
          response: { 200: CustomerPage, ...errorResponses },
        },
      },
      async (req, reply) =>
        unwrapProblem(
          await limitAnalysis(ctx.config, reply, () =>
            insightCustomers(ctx.store, ctx.journey, insight, req.body as never),
          ),
        ),
    );
  }
}
