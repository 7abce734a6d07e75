// Retention cohorts: POST /api/insights/retention.
import { RetentionRequest, RetentionResult, runRetention } from "../../analytics/retention.js";
import type { App } from "../app.js";
import type { AppContext } from "../context.js";
import { errorResponses, unwrapProblem } from "../errors.js";
import { limitAnalysis } from "./analysis-limit.js";

export function retentionRoutes(app: App, ctx: AppContext): void {
  app.post(
    "/api/insights/retention",
    {
      config: { access: "analytics.read" },
      schema: {
        summary: "Retention cohorts: of the customers who did the start step in a period, who came back",
        description:
          "Cohorts by each customer's first start event (first_time) or by every start event (recurring), per UTC day, ISO week or month. Period 0 is the cohort period and holds the whole cohort; period k counts the cohort's customers who did the return step in the k-th period after it. Totals weigh each period by cohort size. Customers are stitched at read time.",
        tags: ["insights"],
        security: [{ bearerAuth: [] }],
        body: RetentionRequest,
        response: { 200: RetentionResult, ...errorResponses },
      },
    },
    async (req, reply) =>
      unwrapProblem(
        await limitAnalysis(ctx.config, reply, () => runRetention(ctx.store, ctx.journey, req.body)),
      ),
  );
}
