// A person's erasure (one or many, behind a tombstone), lifting a tombstone, the list of tombstones, and
// applying the retention rules now. Every erasure is in the audit trail. The export of a person (one JSON
// document, or JSONL streamed) is a route (src/server/routes/privacy.ts): its answer may be a stream.
import { Type } from "@sinclair/typebox";
import { type Actor, recordAudit } from "../../audit/log.js";
import { type Erasure, type ErasureBatch, eraseCustomers } from "../../privacy/erase.js";
import { applyRetention } from "../../privacy/retention.js";
import { liftTombstone, listTombstones } from "../../privacy/tombstones.js";
import { notFound } from "../../problem.js";
import { ok } from "../../result.js";
import type { AppContext } from "../context.js";
import { operation } from "../operation.js";
import { CustomerId } from "./customers.js";

const tags = ["customers", "privacy"];

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

export const eraseCustomerOperation = operation({
  id: "customers.erase.one",
  method: "DELETE",
  path: "/api/customers/:id",
  // Compacting the database file may take minutes on a large store, with no byte on the socket.
  access: "customers.delete",
  longRunning: true,
  summary:
    "Erase one person (right to erasure): every row, their lines in kept files, the bytes in the database file; later events from them are dropped",
  tags,
  params: CustomerId,
  response: ErasureResponse,
  async run(ctx, { params }, caller) {
    const erased = await eraseOneAndRecord(ctx, params.id, caller.actor);
    return erased ? ok(erased) : notFound(`no customer ${params.id}`, "customer_not_found");
  },
});

export const eraseCustomersOperation = operation({
  id: "customers.erase",
  method: "POST",
  path: "/api/customers/erase",
  access: "customers.delete",
  summary:
    "Erase several people at once, with one compaction of the database file for all (as DELETE /api/customers/{id} each)",
  tags,
  body: Type.Object({
    ids: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 1000, uniqueItems: true }),
  }),
  response: ErasureBatchResponse,
  run: async (ctx, { body }, caller) => ok(await eraseAndRecord(ctx, body.ids, caller.actor)),
});

export const undeleteOperation = operation({
  id: "customers.undelete",
  method: "POST",
  path: "/api/customers/:id/undelete",
  access: "customers.delete",
  summary: "Lift the tombstone of an erased customer: their events are accepted again (nothing comes back)",
  tags,
  params: CustomerId,
  response: Tombstone,
  async run(ctx, { params }, caller) {
    const lifted = await undeleteAndRecord(ctx, params.id, caller.actor);
    return lifted
      ? ok(lifted)
      : notFound(`customer ${params.id} has no tombstone to lift`, "tombstone_not_found");
  },
});

export const tombstonesOperation = operation({
  id: "tombstones.list",
  method: "GET",
  path: "/api/tombstones",
  access: "customers.delete",
  summary: "Erased customers' tombstones: kinds of identifiers held as keyed hashes, events dropped since",
  tags: ["privacy"],
  response: TombstoneList,
  run: async (ctx) => ok(await tombstoneList(ctx)),
});

export const retentionOperation = operation({
  id: "privacy.retention",
  method: "POST",
  path: "/api/privacy/retention",
  access: "customers.delete",
  longRunning: true,
  summary: "Apply the retention rules now (the server also does daily): delete events past their days",
  tags: ["privacy"],
  body: Type.Object({ dryRun: Type.Boolean({ default: false }) }),
  response: RetentionResponse,
  run: async (ctx, { body }, caller) =>
    ok(await applyRetention(ctx, { actor: caller.actor, dryRun: body.dryRun })),
});

export const privacyOperations = [
  eraseCustomerOperation,
  eraseCustomersOperation,
  undeleteOperation,
  tombstonesOperation,
  retentionOperation,
];
