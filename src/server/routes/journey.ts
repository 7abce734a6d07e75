// The journey map's download, as JSON or CSV (one number per row). A route rather than an operation of
// src/server/operations/journey.ts: its answer is a file with a name (content-disposition) in one of two
// formats, not a document of a schema; the CLI's `journey map --csv` renders the map operation's answer.
import { Type } from "@sinclair/typebox";
import { mapToCsv } from "../../journey/map/export.js";
import { buildJourneyMap } from "../../journey/map/map.js";
import type { App } from "../app.js";
import type { AppContext } from "../context.js";
import { errorResponses, unwrapProblem } from "../errors.js";
import { Scope, scopeOf, TopField } from "../operations/journey.js";
import { limitAnalysis } from "./analysis-limit.js";

export function journeyRoutes(app: App, ctx: AppContext): void {
  app.get(
    "/api/journey-map/export",
    {
      config: { access: "analytics.read" },
      schema: {
        summary: "Download a journey map as JSON or CSV (one number per row)",
        tags: ["journey"],
        security: [{ bearerAuth: [] }],
        querystring: Type.Object({
          ...Scope,
          top: TopField,
          format: Type.Union([Type.Literal("json"), Type.Literal("csv")], { default: "json" }),
        }),
        response: { 200: Type.String({ description: "The file" }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const m = await limitAnalysis(ctx.config, reply, async () => {
        const scope = unwrapProblem(scopeOf(req.query, ctx.config.timeZone));
        return unwrapProblem(await buildJourneyMap(ctx.store, ctx.journey, { ...scope, top: req.query.top }));
      });
      const name = `journey-map-${m.persona?.id ?? "all"}-${m.period.from.slice(0, 10)}-${m.period.to.slice(0, 10)}`;
      const csv = req.query.format === "csv";
      return reply
        .header("content-disposition", `attachment; filename="${name}.${csv ? "csv" : "json"}"`)
        .type(csv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8")
        .serializer((payload: unknown) => String(payload))
        .send(csv ? mapToCsv(m) : JSON.stringify(m, null, 2));
    },
  );
}
