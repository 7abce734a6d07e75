// The HTTP app: collection under /v1 (write key), product API under /api (token), OpenAPI document
// generated from the same schemas that validate requests, one error envelope everywhere.
import swagger from "@fastify/swagger";
import { Type, type TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from "fastify";
import { version } from "../version.js";
import { installBodyDecoding } from "./body.js";
import type { AppContext } from "./context.js";
import { serveDashboard } from "./dashboard.js";
import { installErrorHandlers } from "./errors.js";
import { registerOperations } from "./operations.js";
import { enforceAccess } from "./permissions.js";
import { accountRoutes } from "./routes/accounts.js";
import { importRoutes } from "./routes/imports.js";
import { ingestRoutes } from "./routes/ingest.js";
import { journeyRoutes } from "./routes/journey.js";
import { liveRoutes } from "./routes/live.js";
import { privacyRoutes } from "./routes/privacy.js";
import { requestValidators } from "./validators.js";
import { edgeOptions, installWebSafety } from "./web-safety.js";

export type App = FastifyInstance<
  FastifyInstance["server"],
  FastifyRequest["raw"],
  FastifyReply["raw"],
  FastifyInstance["log"],
  TypeBoxTypeProvider
>;

export async function buildApp(ctx: AppContext): Promise<App> {
  const app = Fastify({
    loggerInstance: ctx.log,
    ...edgeOptions(ctx.config),
    bodyLimit: ctx.config.limits.maxRequestBytes,
    // One line per request would cost more than the ingest itself at 50k events/s.
    logController: new LogController({ disableRequestLogging: true }),
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;
  const { coercing, strict } = requestValidators();
  app.setValidatorCompiler(({ schema, httpPart, url }) =>
    httpPart === "body" && url.startsWith("/api/") ? strict.compile(schema) : coercing.compile(schema),
  );

  installErrorHandlers(app, await serveDashboard(app, ctx.config.dashboardDir));
  await installWebSafety(app, ctx.config);
  await app.register(swagger, {
    // Each operation states the access its route declares (`x-access`), and its security follows from it,
    // so the document cannot drift from what the hooks enforce.
    transform: ({ schema, url, route }) => {
      const access = route.config?.access;
      if (!schema || access === undefined) return { schema, url };
      const security =
        access === "public"
          ? []
          : access === "collect"
            ? [{ basicAuth: [] }, { writeKeyInBody: [] }]
            : [{ bearerAuth: [] }];
      return { schema: { ...schema, security, "x-access": access } as typeof schema, url };
    },
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Itinera API",
        version,
        description:
          "Collection (/v1, Segment-compatible, write key as Basic-auth user name or writeKey in the body) and product API (/api, Bearer token). Errors: { error: { code, message, status } }.",
      },
      components: {
        securitySchemes: {
          basicAuth: { type: "http", scheme: "basic", description: "Write key as user name, empty password" },
          writeKeyInBody: {
            type: "apiKey",
            in: "header",
            name: "X-Write-Key-In-Body",
            description: "Or `writeKey` in the JSON body",
          },
          bearerAuth: {
            type: "http",
            scheme: "bearer",
            description: "API token from `itinera tokens create`",
          },
        },
      },
    },
  });

  // Before enforceAccess: its write-key check reads the decoded body.
  installBodyDecoding(app, ctx.config.limits);
  enforceAccess(app, ctx);

  app.get(
    "/healthz",
    {
      config: { access: "public" },
      schema: {
        summary: "Liveness",
        tags: ["operations"],
        response: { 200: Type.Object({ status: Type.String(), version: Type.String() }) },
      },
    },
    async () => ({ status: "ok", version }),
  );
  app.get("/api/openapi.json", { config: { access: "public" }, schema: { hide: true } }, async () =>
    app.swagger(),
  );

  ingestRoutes(app, ctx);
  accountRoutes(app, ctx);
  privacyRoutes(app, ctx);
  importRoutes(app, ctx);
  registerOperations(app, ctx);
  journeyRoutes(app, ctx);
  liveRoutes(app, ctx);
  return app;
}
