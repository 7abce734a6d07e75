// Store-wide counts for operators and the CLI's `itinera stats`.
import { Type } from "@sinclair/typebox";
import { getStats } from "../../store/stats.js";
import type { App } from "../app.js";
import type { AppContext } from "../context.js";
import { errorResponses } from "../errors.js";

const Counts = Type.Record(Type.String(), Type.Integer());

export const StatsResponse = Type.Object({
  events: Type.Integer(),
  eventsLast24h: Type.Integer(),
  customers: Type.Integer(),
  unattributedEvents: Type.Integer({ description: "Events whose only identifiers were blocked junk values" }),
  identifiers: Counts,
  channels: Counts,
  types: Counts,
  merges: Type.Integer(),
  refusedLinks: Type.Integer(),
  suppressedEvents: Type.Integer({
    description: "Events of erased customers dropped under their tombstones",
  }),
  firstEvent: Type.Union([Type.String(), Type.Null()]),
  lastEvent: Type.Union([Type.String(), Type.Null()]),
});

export function statsRoutes(app: App, ctx: AppContext): void {
  app.get(
    "/api/stats",
    {
      config: { access: "analytics.read" },
      schema: {
        summary: "Events, customers and identifiers stored, per channel and type",
        tags: ["operations"],
        security: [{ bearerAuth: [] }],
        response: { 200: StatsResponse, ...errorResponses },
      },
    },
    () => getStats(ctx.store),
  );
}
