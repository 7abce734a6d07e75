// A person's rights over their data: export everything held about them (one JSON document, or JSONL
// streamed), erase them (tables, kept files, the database file's bytes) behind a tombstone, lift a
// tombstone, list tombstones, apply the retention rules. Every export and erasure is in the audit trail.
import { once } from "node:events";
import { PassThrough } from "node:stream";
import { Type } from "@sinclair/typebox";
import { type Actor, recordAudit } from "../../audit/log.js";
import { type Erasure, type ErasureBatch, eraseCustomers } from "../../privacy/erase.js";
import { canonicalCustomer, exportCustomer, forEachRecord } from "../../privacy/export.js";
import { applyRetention } from "../../privacy/retention.js";
import { liftTombstone, listTombstones } from "../../privacy/tombstones.js";
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

export const ErasureResponse = Type.Object({
  requestedId: Type.Integer(),
  customerId: Type.Integer({ description: "The canonical customer erased (with every id merged into it)" }),
  tables: Type.Record(Type.String(), Type.Integer(), { description: "Rows removed per table" }),
  files: Type.Array(Type.Object({ path: Type.String(), lines: Type.Integer() }), {
    description: "Lines removed from files Itinera keeps (import rejects, demo ground truth)",
  }),
  tombstone: Type.Object({ id: Type.Integer(), identifiers: Type.Integer() }),
  compactMs: Type.Integer({ description: "Rewriting the database file without the deleted rows" }),
  totalMs: Type.Integer(),
});

export const ErasureBatchResponse = Type.Object({
  erased: Type.Array(ErasureResponse),
  missing: Type.Array(Type.Integer(), { description: "Ids that named no customer" }),
  compactMs: Type.Integer(),
  totalMs: Type.Integer(),
});

export const Tombstone = Type.Object({
  id: Type.Integer(),
  customerId: Type.Integer(),
  kinds: Type.Array(Type.String()),
  identifiers: Type.Integer({ description: "Hashed identifiers held (0 once lifted)" }),
  dropped: Type.Integer({ description: "Events refused since the erasure" }),
  deletedAt: Type.String(),
  lastDroppedAt: Type.Union([Type.String(), Type.Null()]),
  liftedAt: Type.Union([Type.String(), Type.Null()]),
});

export const TombstoneList = Type.Object({
  tombstones: Type.Array(Tombstone),
  suppressed: Type.Integer({ description: "Events dropped under all tombstones" }),
});

const RetentionRule = Type.Object({
  channel: Type.Optional(Type.String()),
  event: Type.Optional(Type.String()),
  type: Type.Optional(Type.String()),
  days: Type.Integer(),
});
export const RetentionResponse = Type.Object({
  dryRun: Type.Boolean(),
  rules: Type.Array(Type.Intersect([RetentionRule, Type.Object({ events: Type.Integer() })])),
  tables: Type.Object({
    events: Type.Integer(),
    journey_events: Type.Integer(),
    stage_transitions: Type.Integer(),
  }),
  ms: Type.Integer(),
});

/** Erases customers (one compaction for all) and records who asked; shared by the routes and the CLI. */
export async function eraseAndRecord(ctx: AppContext, ids: number[], actor: Actor): Promise<ErasureBatch> {
  const batch = await eraseCustomers(
    {
      store: ctx.store,
      graph: ctx.writer.graph,
      ingest: ctx.writer.loader,
      tombstones: ctx.tombstones,
      defaultPhoneRegion: ctx.config.identity.defaultPhoneRegion,
    },
    ids,
  );
  for (const erased of batch.erased)
    await recordAudit(ctx.store, {
      actor,
      action: "customer.delete",
      target: String(erased.customerId),
      detail: {
        requestedId: erased.requestedId,
        rows: erased.tables,
        fileLines: erased.files.reduce((s, f) => s + f.lines, 0),
        tombstone: erased.tombstone.id,
        identifiers: erased.tombstone.identifiers,
        batch: ids.length,
        ms: erased.totalMs,
      },
    });
  return batch;
}

/** One customer's erasure; undefined when there is no such customer. */
export async function eraseOneAndRecord(
  ctx: AppContext,
  id: number,
  actor: Actor,
): Promise<Erasure | undefined> {
  return (await eraseAndRecord(ctx, [id], actor)).erased[0];
}

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

export async function undeleteAndRecord(ctx: AppContext, id: number, actor: Actor) {
  const lifted = await liftTombstone(ctx.store, ctx.tombstones, id);
  if (!lifted) return undefined;
  await recordAudit(ctx.store, {
    actor,
    action: "customer.undelete",
    target: String(id),
    detail: { tombstone: lifted.id, dropped: lifted.dropped },
  });
  return lifted;
}

export async function tombstoneList(ctx: AppContext) {
  const tombstones = await listTombstones(ctx.store, ctx.tombstones);
  return { tombstones, suppressed: tombstones.reduce((s, t) => s + t.dropped, 0) };
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

  app.delete(
    "/api/customers/:id",
    {
      // Compacting the database file may take minutes on a large store, with no byte on the socket.
      config: { access: "customers.delete", longRunning: true },
      schema: {
        summary:
          "Erase one person (right to erasure): every row, their lines in kept files, the bytes in the database file; later events from them are dropped",
        tags: ["customers", "privacy"],
        security,
        params: CustomerId,
        response: { 200: ErasureResponse, ...errorResponses },
      },
    },
    async (req) => {
      const erased = await eraseOneAndRecord(ctx, req.params.id, actorOf(req));
      if (!erased) throw notFound(req.params.id);
      return erased;
    },
  );

  app.post(
    "/api/customers/erase",
    {
      config: { access: "customers.delete" },
      schema: {
        summary:
          "Erase several people at once, with one compaction of the database file for all (as DELETE /api/customers/{id} each)",
        tags: ["customers", "privacy"],
        security,
        body: Type.Object({
          ids: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 1000, uniqueItems: true }),
        }),
        response: { 200: ErasureBatchResponse, ...errorResponses },
      },
    },
    (req) => eraseAndRecord(ctx, req.body.ids, actorOf(req)),
  );

  app.post(
    "/api/customers/:id/undelete",
    {
      config: { access: "customers.delete" },
      schema: {
        summary:
          "Lift the tombstone of an erased customer: their events are accepted again (nothing comes back)",
        tags: ["customers", "privacy"],
        security,
        params: CustomerId,
        response: { 200: Tombstone, ...errorResponses },
      },
    },
    async (req) => {
      const lifted = await undeleteAndRecord(ctx, req.params.id, actorOf(req));
      if (!lifted)
        throw new HttpError(404, "tombstone_not_found", `customer ${req.params.id} has no tombstone to lift`);
      return lifted;
    },
  );

  app.get(
    "/api/tombstones",
    {
      config: { access: "customers.delete" },
      schema: {
        summary:
          "Erased customers' tombstones: kinds of identifiers held as keyed hashes, events dropped since",
        tags: ["privacy"],
        security,
        response: { 200: TombstoneList, ...errorResponses },
      },
    },
    () => tombstoneList(ctx),
  );

  app.post(
    "/api/privacy/retention",
    {
      config: { access: "customers.delete", longRunning: true },
      schema: {
        summary: "Apply the retention rules now (the server also does daily): delete events past their days",
        tags: ["privacy"],
        security,
        body: Type.Object({ dryRun: Type.Boolean({ default: false }) }),
        response: { 200: RetentionResponse, ...errorResponses },
      },
    },
    (req) => applyRetention(ctx, { actor: actorOf(req), dryRun: req.body.dryRun }),
  );
}
