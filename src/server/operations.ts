// The table of API operations, by domain, and their registration as Fastify routes. A new analysis or
// action is one module and one entry in a domain's list below (src/server/operations/<domain>.ts); the
// route, its OpenAPI entry and the CLI's way to it (src/cli/target.ts, perform) follow from the entry.
// What cannot be one entry (streams, downloads, sign-in) stays a route in src/server/routes/.
import type { FastifyReply } from "fastify";
import type { App } from "./app.js";
import type { AppContext } from "./context.js";
import { errorResponses, unwrapProblem } from "./errors.js";
import type { AnyOperation } from "./operation.js";
import { accountOperations } from "./operations/accounts.js";
import { auditOperations } from "./operations/audit.js";
import { credentialOperations } from "./operations/credentials.js";
import { customerOperations } from "./operations/customers.js";
import { eventOperations } from "./operations/events.js";
import { frictionOperations } from "./operations/frictions.js";
import { insightOperations } from "./operations/insights.js";
import { journeyOperations } from "./operations/journey.js";
import { liveOperations } from "./operations/live.js";
import { personaOperations } from "./operations/personas.js";
import { privacyOperations } from "./operations/privacy.js";
import { boardOperations, viewOperations } from "./operations/saved.js";
import { touchpointOperations } from "./operations/touchpoints.js";
import { callerOf } from "./permissions.js";
import { limitAnalysis } from "./routes/analysis-limit.js";

export const OPERATIONS: readonly AnyOperation[] = [
  ...insightOperations,
  ...journeyOperations,
  ...frictionOperations,
  ...touchpointOperations,
  ...personaOperations,
  ...viewOperations,
  ...boardOperations,
  ...customerOperations,
  ...auditOperations,
  ...credentialOperations,
  ...accountOperations,
  ...privacyOperations,
  ...eventOperations,
  ...liveOperations,
];

export function registerOperations(app: App, ctx: AppContext): void {
  for (const op of OPERATIONS) registerOperation(app, ctx, op);
}

function registerOperation(app: App, ctx: AppContext, op: AnyOperation): void {
  const status = op.status ?? 200;
  app.route({
    method: op.method,
    url: op.path,
    config: {
      access: op.access,
      ...(op.personal ? { personal: op.personal } : {}),
      ...(op.longRunning ? { longRunning: true } : {}),
    },
    // Security follows from `access` in the OpenAPI transform (src/server/app.ts).
    schema: {
      operationId: op.id,
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      tags: op.tags,
      ...(op.params ? { params: op.params } : {}),
      ...(op.query ? { querystring: op.query } : {}),
      ...(op.body ? { body: op.body } : {}),
      response: { [status]: op.response, ...errorResponses },
    },
    handler: async (req, reply) => {
      const caller = callerOf(req, ctx.store);
      const run = () => op.run(ctx, { params: req.params, query: req.query, body: req.body }, caller);
      const value = unwrapProblem(op.analysis ? await limitAnalysis(ctx.config, reply, run) : await run());
      if (op.changesJourney)
        void ctx.journey.refresh().catch((e: unknown) => ctx.log.warn({ err: e }, "journey refresh failed"));
      // Untyped here: the status is the operation's, its answer checked by the response schema.
      return (reply as FastifyReply).status(status).send(value);
    },
  });
}
