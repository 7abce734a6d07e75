// Time to convert: POST /api/insights/time-to-convert, the distribution of the time between two steps.
import {
  runTimeToConvert,
  TimeToConvertRequest,
  TimeToConvertResult,
} from "../../analytics/time-to-convert.js";
import type { App } from "../app.js";
import type { AppContext } from "../context.js";
import { errorResponses, unwrapProblem } from "../errors.js";
import { limitAnalysis } from "./analysis-limit.js";

export function timeToConvertRoutes(app: App, ctx: AppContext): void {
  app.post(
    "/api/insights/time-to-convert",
    {
      config: { access: "analytics.read" },
      schema: {
        summary: "Time to convert: how long customers take from one step to another (histogram, median, p90)",
        description:
          "Per stitched customer: from their first `from` step event in [since, until) to the first later `to` step event within the window (default 14d, inclusive). Converted and not converted customers, median, p90 and mean, and a histogram in human steps or `bins` log-spaced bins.",
        tags: ["insights"],
        security: [{ bearerAuth: [] }],
        body: TimeToConvertRequest,
        response: { 200: TimeToConvertResult, ...errorResponses },
      },
    },
    async (req, reply) =>
      unwrapProblem(
        await limitAnalysis(ctx.config, reply, () => runTimeToConvert(ctx.store, ctx.journey, req.body)),
      ),
  );
}
