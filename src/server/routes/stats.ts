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
  loader: Type.Object(
    {
      pendingEvents: Type.Integer({ description: "Acknowledged (in the ingest log), not yet stored" }),
      pendingBytes: Type.Integer(),
      lagSeconds: Type.Number({ description: "Age of the oldest event not yet stored; 0 when none waits" }),
      loadedBatches: Type.Integer({ description: "Since the server started" }),
      loadedEvents: Type.Integer({ description: "Since the server started" }),
      lastBatch: Type.Union([
        Type.Object({ events: Type.Integer(), stored: Type.Integer(), ms: Type.Integer() }),
        Type.Null(),
      ]),
      lastError: Type.Union([Type.String(), Type.Null()]),
      storedTotal: Type.Integer({ description: "Events the loader stored, ever" }),
      duplicatesTotal: Type.Integer({ description: "Events the loader dropped as already stored, ever" }),
      suppressedTotal: Type.Integer({ description: "Events of erased people the loader dropped, ever" }),
    },
    { description: "The ingest log's loader: its lag and its counts" },
  ),
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
    () => getStats(ctx.store, ctx.writer.loader.status()),
  );
}
