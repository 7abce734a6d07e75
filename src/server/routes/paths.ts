// Paths: the steps customers take after a start event or before an end event, within a session.
import { PathsRequest, PathsResult, runPaths } from "../../analytics/paths.js";
import type { App } from "../app.js";
import type { AppContext } from "../context.js";
import { errorResponses, unwrapProblem } from "../errors.js";
import { limitAnalysis } from "./analysis-limit.js";

const security = [{ bearerAuth: [] }];
const tags = ["insights"];

export function pathRoutes(app: App, ctx: AppContext): void {
  app.post(
    "/api/insights/paths",
    {
      config: { access: "analytics.read" },
      schema: {
        summary:
          "Paths: the next N steps after a start event, or the N steps before an end event, per session",
        description:
          "Per stitched customer, in (timestamp, message id) order. A step is an event name (page and screen names for page and screen calls) or, with group=touchpoint, a touchpoint name; consecutive steps with the same name are one step. A gap of more than sessionGap (default 30m) between steps starts a new session, and a path never leaves its session. Every start (end) occurrence in the period counts: `count` and Sankey link values count occurrences, `sessions` and `customers` the distinct ones. With goal: the share of occurrences followed by the goal in the same session, and their most common paths (cut at the goal). Default period: the 30 days up to the newest event.",
        tags,
        security,
        body: PathsRequest,
        response: { 200: PathsResult, ...errorResponses },
      },
    },
    async (req, reply) =>
      unwrapProblem(await limitAnalysis(ctx.config, reply, () => runPaths(ctx.store, ctx.journey, req.body))),
  );
}
