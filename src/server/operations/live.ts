// How fresh the data is: the journey tables' generation and refresh, the loader's lag, the live feed. The
// live stream itself is a route (src/server/routes/live.ts): server-sent events are not one answer.
import { journeyFreshness } from "../../journey/refresh.js";
import { LiveStatus } from "../../live/schema.js";
import { ok } from "../../result.js";
import { operation } from "../operation.js";

export const liveStatusOperation = operation({
  id: "live.status",
  method: "GET",
  path: "/api/live/status",
  access: "analytics.read",
  summary: "How fresh the data is: the journey tables' generation and refresh, the loader's lag",
  tags: ["live"],
  response: LiveStatus,
  async run(ctx) {
    const journey = await ctx.store.read(journeyFreshness);
    const loader = ctx.writer.loader.status();
    return ok({
      journey,
      loader: { pendingEvents: loader.pendingEvents, lagSeconds: loader.lagSeconds },
      lastStoredAt: ctx.live.lastStoredAt,
      listeners: ctx.live.listeners,
    });
  },
});

export const liveOperations = [liveStatusOperation];
