// The Segment-compatible collection API: /v1/track|identify|page|screen|group|alias|batch.
import type { FastifyReply, FastifyRequest } from "fastify";
import { type NormalisedEvent, nonFiniteId, normalise } from "../../collect/normalise.js";
import {
  BatchRequest,
  IngestQuery,
  IngestResponse,
  type MessageType,
  messageSchemas,
  messageTypes,
  type Rejection,
} from "../../collect/schemas.js";
import type { App } from "../app.js";
import type { AppContext } from "../context.js";
import { errorResponses, HttpError } from "../errors.js";
import { sourceOf } from "../permissions.js";

const asBag = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

const security: Array<Record<string, string[]>> = [{ basicAuth: [] }, { writeKeyInBody: [] }];

export function ingestRoutes(app: App, ctx: AppContext): void {
  const { config, writer, rules } = ctx;

  async function store(
    events: NormalisedEvent[],
    rejected: Rejection[],
    req: FastifyRequest,
    reply: FastifyReply,
  ) {
    const wait = (req.query as IngestQuery).wait === "stored";
    const result = await writer.write(events, { wait });
    if (!result.ok) {
      void reply.header("retry-after", "1");
      if (result.error === "not_stored")
        throw new HttpError(
          503,
          "not_stored",
          "the events are durable in the ingest log, but storing them failed for now; they are stored on retry (resending is safe)",
        );
      throw new HttpError(
        503,
        result.error,
        "the collector is busy; retry shortly (nothing from this request was stored)",
      );
    }
    return { success: rejected.length === 0, ...result.value, rejected };
  }

  // The write key is checked by the access hooks (src/server/permissions.ts) once the body is parsed.
  const collect = { access: "collect" } as const;

  // Before the schema coerces a numeric id to a string, so Infinity cannot arrive as "Infinity".
  const finiteIds = async (req: FastifyRequest) => {
    const reason = asBag(req.body) && nonFiniteId(req.body as Record<string, unknown>);
    if (reason) throw new HttpError(400, "invalid_message", reason);
  };

  for (const type of messageTypes) {
    const handler = async (req: FastifyRequest, reply: FastifyReply) => {
      const body = req.body as Record<string, unknown>;
      const n = normalise(body, type as MessageType, envelopeOf(req, sourceOf(req)), rules);
      if (!n.ok) throw new HttpError(400, "invalid_message", n.error);
      return store([n.value], [], req, reply);
    };
    const schema = {
      summary: `Record a ${type} message (Segment spec)`,
      tags: ["collect"],
      security,
      querystring: IngestQuery,
      body: messageSchemas[type],
      response: { 200: IngestResponse, ...errorResponses },
    };
    app.post(`/v1/${type}`, { schema, config: collect, preValidation: finiteIds }, handler);
    // analytics.js posts to one-letter paths (/v1/t, /v1/p, …).
    app.post(
      `/v1/${type[0]}`,
      { schema: { ...schema, hide: true }, config: collect, preValidation: finiteIds },
      handler,
    );
  }

  const batchHandler = async (req: FastifyRequest, reply: FastifyReply) => {
    // Validated against BatchRequest by the route schema before this runs.
    const body = req.body as BatchRequest;
    const env = envelopeOf(req, sourceOf(req));
    const events: NormalisedEvent[] = [];
    const rejected: Rejection[] = [];
    body.batch.forEach((item, index) => {
      const n = normalise(item, undefined, env, rules);
      if (n.ok) events.push(n.value);
      else
        rejected.push({
          index,
          reason: n.error,
          ...(typeof item.messageId === "string" ? { messageId: item.messageId } : {}),
        });
    });
    return store(events, rejected, req, reply);
  };
  const batchSchema = {
    summary: "Record many messages; an invalid one is rejected alone, with its index and reason",
    tags: ["collect"],
    security,
    querystring: IngestQuery,
    body: BatchRequest,
    response: { 200: IngestResponse, ...errorResponses },
  };
  app.post("/v1/batch", { schema: batchSchema, config: collect }, batchHandler);
  app.post("/v1/b", { schema: { ...batchSchema, hide: true }, config: collect }, batchHandler);
  app.post("/v1/import", { schema: { ...batchSchema, hide: true }, config: collect }, batchHandler);
  // RudderStack's JavaScript SDK with useBeacon: the write key comes in the query (src/server/body.ts).
  app.post("/beacon/v1/batch", { schema: { ...batchSchema, hide: true }, config: collect }, batchHandler);

  function envelopeOf(req: FastifyRequest, source: string) {
    const body = req.body as Record<string, unknown>;
    return {
      receivedAt: Date.now(),
      source,
      sentAt: body.sentAt,
      context: asBag(body.context),
      maxEventBytes: config.limits.maxEventBytes,
      maxJsonDepth: config.limits.maxJsonDepth,
    };
  }
}
