// Stage flow: POST /api/insights/stage-flow, a Sankey of stage changes in a period.
import { runStageFlow, StageFlowRequest, StageFlowResult } from "../../analytics/stage-flow.js";
import type { App } from "../app.js";
import type { AppContext } from "../context.js";
import { errorResponses, unwrapProblem } from "../errors.js";
import { limitAnalysis } from "./analysis-limit.js";

export function stageFlowRoutes(app: App, ctx: AppContext): void {
  app.post(
    "/api/insights/stage-flow",
    {
      config: { access: "analytics.read" },
      schema: {
        summary:
          "Stage flow: how customers moved between journey stages in a period (Sankey nodes and links)",
        description:
          "Every stage change in [from, to) is a unit of a link; first entries come from `(start)`, lapses are backward links, and a customer whose last stage change ever falls in the period and who then had no stage signal for the model's lapse length flows to `(exit)`. Refreshes the journey tables first. `persona` filters by current persona (`unassigned` for none).",
        tags: ["insights"],
        security: [{ bearerAuth: [] }],
        body: StageFlowRequest,
        response: { 200: StageFlowResult, ...errorResponses },
      },
    },
    async (req, reply) =>
      unwrapProblem(
        await limitAnalysis(ctx.config, reply, () => runStageFlow(ctx.store, ctx.journey, req.body)),
      ),
  );
}
