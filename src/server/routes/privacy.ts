// A person's right of access: everything held about them, as one JSON document or as JSONL streamed, in
// the audit trail. A route rather than an operation of the table: with format=jsonl its answer is a stream.
// Erasure, tombstones and retention are operations (src/server/operations/privacy.ts).
import { once } from "node:events";
import { PassThrough } from "node:stream";
import { Type } from "@sinclair/typebox";
import { type Actor, recordAudit } from "../../audit/log.js";
import { canonicalCustomer, exportCustomer, forEachRecord } from "../../privacy/export.js";
import { StringEnum } from "../../typebox.js";
import type { App } from "../app.js";
import type { AppContext } from "../context.js";
import { errorResponses, HttpError } from "../errors.js";
import { CustomerId } from "../operations/customers.js";
import { actorOf } from "../permissions.js";

const security = [{ bearerAuth: [] }];
const Counts = Type.Record(Type.String(), Type.Integer());
const Rows = Type.Array(Type.Record(Type.String(), Type.Unknown()));

export const CustomerExportResponse = Type.Object({
  customerId: Type.Integer({ description: "Canonical id; a merged-away id answers with its survivor" }),
  exportedAt: Type.String(),
  profile: Type.Unknown({
    description: "Identifiers, why they were linked, traits latest-wins (as GET /api/customers/{id})",
  }),
  counts: Counts,
  records: Type.Record(Type.String(), Rows, {
    description: "Every stored row about the person per record type (event, identifier, identity_link, …)",
  }),
});

/** The export as one document, recorded in the audit trail. */
export async function exportAndRecord(ctx: AppContext, id: number, actor: Actor, format = "json") {
  // Everything acknowledged is in the export: the log's events are stored first.
  await ctx.writer.loader.drain();
  const doc = await exportCustomer(ctx.store, id);
  if (!doc) return undefined;
  await recordAudit(ctx.store, {
    actor,
    action: "customer.export",
    target: String(doc.customerId),
    detail: { requestedId: id, format, rows: doc.counts },
  });
  return doc;
}

const notFound = (id: number) => new HttpError(404, "customer_not_found", `no customer ${id}`);

export function privacyRoutes(app: App, ctx: AppContext): void {
  app.get(
    "/api/customers/:id/export",
    {
      config: { access: "customers.export" },
      schema: {
        summary:
          "Everything held about one person (right of access): every event, identifier, link, trait, stage and derived row",
        description:
          "format=jsonl streams one record per line, each with a `record` field (profile, event, identifier, identity_link, …).",
        tags: ["customers", "privacy"],
        security,
        params: CustomerId,
        querystring: Type.Object({ format: StringEnum(["json", "jsonl"], { default: "json" }) }),
        response: {
          200: Type.Union([CustomerExportResponse, Type.String({ description: "JSONL, with format=jsonl" })]),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      const actor = actorOf(req);
      if (req.query.format === "json") {
        const doc = await exportAndRecord(ctx, id, actor);
        if (!doc) throw notFound(id);
        return doc;
      }
      await ctx.writer.loader.drain();
      const canonical = await ctx.store.read((c) => canonicalCustomer(c, id));
      if (canonical === undefined) throw notFound(id);
      const out = new PassThrough();
      const line = async (r: object) => {
        if (out.destroyed) throw new Error("the client went away");
        if (!out.write(`${JSON.stringify(r)}\n`))
          await Promise.race([once(out, "drain"), once(out, "close")]);
      };
      void (async () => {
        await line({ record: "export", customerId: canonical, exportedAt: new Date().toISOString() });
        const done = await forEachRecord(ctx.store, id, line);
        await recordAudit(ctx.store, {
          actor,
          action: "customer.export",
          target: String(canonical),
          detail: { requestedId: id, format: "jsonl", rows: done?.counts ?? {} },
        });
        out.end();
      })().catch((e: unknown) => {
        req.log.warn({ err: e, customer: canonical }, "customer export stopped");
        out.destroy(e as Error);
      });
      // Fastify sends a stream as it is, past the response schema (which describes format=json).
      return reply.type("application/x-ndjson").send(out as unknown as string);
    },
  );
}
