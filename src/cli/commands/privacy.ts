// `itinera customer export|delete|undelete ID`, `itinera privacy tombstones`, `itinera privacy retention`:
// a person's right of access and erasure, and the retention rules, on a running server or on the file.
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Command } from "commander";
import type { Actor } from "../../audit/log.js";
import { recordAudit } from "../../audit/log.js";
import type { Erasure, ErasureBatch } from "../../privacy/erase.js";
import type { CustomerExport, ExportRecord } from "../../privacy/export.js";
import { canonicalCustomer, forEachRecord } from "../../privacy/export.js";
import { applyRetention, type RetentionReport } from "../../privacy/retention.js";
import type { TombstoneSummary } from "../../privacy/tombstones.js";
import {
  eraseAndRecord,
  eraseOneAndRecord,
  exportAndRecord,
  tombstoneList,
  undeleteAndRecord,
} from "../../server/routes/privacy.js";
import { configFrom, type GlobalOptions, positiveInt } from "../options.js";
import { CliError, emit, fail, table } from "../output.js";
import { runningServer, viaServerOr, withLocalStore } from "../target.js";

/** Who did it, when the CLI works on the file itself. */
const cliActor = (): Actor => ({ kind: "cli", id: null, name: os.userInfo().username });

const rowsLine = (counts: Record<string, number>) =>
  Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(", ") || "nothing";

/** Streams the running server's JSONL export into `out` (and ends it); resolves when the last line is written. */
function streamFromServer(
  server: NonNullable<ReturnType<typeof runningServer>>,
  path: string,
  out: NodeJS.WritableStream,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      server.url + path,
      { headers: { authorization: `Bearer ${server.token}` } },
      (res) => {
        if (res.statusCode !== 200) {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            let message = `server answered ${res.statusCode}`;
            try {
              message = JSON.parse(Buffer.concat(chunks).toString("utf8")).error.message ?? message;
            } catch {}
            reject(new CliError(message, res.statusCode === 404 ? 3 : 1));
          });
          return;
        }
        // Done when `out` has taken the last line, not when the answer ended: lines still on their way
        // through `out` would otherwise be written after the caller closed the file.
        pipeline(res, out).then(resolve, reject);
      },
    );
    req.on("error", (e) => reject(new CliError(`cannot reach the server at ${server.url}: ${e.message}`)));
  });
}

/** JSONL: streamed from the server, or from the file, one record per line. */
async function exportJsonl(
  g: GlobalOptions,
  id: number,
  out: NodeJS.WritableStream,
): Promise<{ customerId: number; counts: Record<string, number> }> {
  const config = configFrom(g);
  const server = runningServer(config);
  if (server) {
    // The server's stream has no summary; count its lines as they pass.
    const counts: Record<string, number> = {};
    let customerId = id;
    let rest = "";
    const counter = new Writable({
      write(chunk: Buffer, _enc, done) {
        const text = rest + chunk.toString("utf8");
        const lines = text.split("\n");
        rest = lines.pop() ?? "";
        for (const l of lines) {
          const r = JSON.parse(l) as ExportRecord;
          if (r.record === "export") customerId = Number(r.customerId);
          else if (r.record !== "profile") counts[r.record] = (counts[r.record] ?? 0) + 1;
        }
        out.write(chunk, () => done());
      },
    });
    await streamFromServer(server, `/api/customers/${id}/export?format=jsonl`, counter);
    return { customerId, counts };
  }
  return withLocalStore(config, async (ctx) => {
    const line = (r: object) =>
      new Promise<void>((resolve) => {
        if (out.write(`${JSON.stringify(r)}\n`)) resolve();
        else out.once("drain", resolve);
      });
    const found = await ctx.store.read((c) => canonicalCustomer(c, id));
    if (found === undefined) throw new CliError(`no customer ${id}`, 3);
    await line({ record: "export", customerId: found, exportedAt: new Date().toISOString() });
    const done = await forEachRecord(ctx.store, id, line);
    if (!done) throw new CliError(`no customer ${id}`, 3);
    await recordAudit(ctx.store, {
      actor: cliActor(),
      action: "customer.export",
      target: String(done.customerId),
      detail: { requestedId: id, format: "jsonl", rows: done.counts },
    });
    return done;
  });
}

function closeFile(s: fs.WriteStream): Promise<void> {
  return new Promise((resolve, reject) => s.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

/** Adds export, delete and undelete to the `customer` group. */
export function customerPrivacyCommands(customer: Command): void {
  customer
    .command("export <id>")
    .description(
      "everything Itinera holds about one person (right of access): events, identifiers and why they were linked, traits, stages, derived rows",
    )
    .option("--out <file>", "write to this file instead of standard output")
    .option("--jsonl", "one record per line (streamed; for large customers) instead of one JSON document")
    .action(async (rawId: string, opts: { out?: string; jsonl?: boolean }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      try {
        const id = positiveInt("customer id", rawId, 0);
        const file = opts.out ? fs.createWriteStream(opts.out, { mode: 0o600 }) : undefined;
        if (opts.jsonl) {
          if (!file && g.json)
            throw new CliError("--jsonl writes JSON lines; give --out FILE with --json", 2);
          const done = await exportJsonl(g, id, file ?? process.stdout);
          if (file) {
            await closeFile(file);
            emit(
              g,
              { file: opts.out, ...done },
              (d) => `Customer ${d.customerId}: ${rowsLine(d.counts)} → ${d.file}`,
            );
          }
          return;
        }
        const config = configFrom(g);
        const doc = await viaServerOr<CustomerExport | null>(
          config,
          { method: "GET", path: `/api/customers/${id}/export` },
          async (ctx) => (await exportAndRecord(ctx, id, cliActor())) ?? null,
        );
        if (!doc) throw new CliError(`no customer ${id}`, 3);
        if (file) {
          file.write(`${JSON.stringify(doc, null, 2)}\n`);
          await closeFile(file);
          emit(
            g,
            { file: opts.out, customerId: doc.customerId, counts: doc.counts },
            (d) => `Customer ${d.customerId}: ${rowsLine(d.counts)} → ${d.file}`,
          );
        } else process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
      } catch (e) {
        fail(g, e);
      }
    });

  customer
    .command("delete <ids...>")
    .description(
      "erase people (right to erasure) from every table and kept file, compact the database file once, and drop their later events (a tombstone each)",
    )
    .option("--yes", "really erase (nothing can bring the data back)")
    .action(async (rawIds: string[], opts: { yes?: boolean }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      try {
        const ids = [...new Set(rawIds.map((r) => positiveInt("customer id", r, 0)))];
        if (!opts.yes)
          throw new CliError(
            `erasing ${ids.length === 1 ? `customer ${ids[0]}` : `${ids.length} customers`} cannot be undone; run again with --yes (export first with \`itinera customer export ID\`)`,
            2,
          );
        const config = configFrom(g);
        const summary = (e: Erasure) =>
          `Erased customer ${e.customerId}: ${rowsLine(e.tables)}; ${e.files.reduce((s, f) => s + f.lines, 0)} lines from kept files; ` +
          `tombstone ${e.tombstone.id} holds ${e.tombstone.identifiers} hashed identifiers`;
        if (ids.length === 1) {
          const id = ids[0]!;
          const erased = await viaServerOr<Erasure | null>(
            config,
            { method: "DELETE", path: `/api/customers/${id}` },
            async (ctx) => (await eraseOneAndRecord(ctx, id, cliActor())) ?? null,
          );
          if (!erased) throw new CliError(`no customer ${id}`, 3);
          emit(g, erased, (e) => `${summary(e)}; ${e.totalMs} ms (compaction ${e.compactMs} ms)`);
          return;
        }
        const batch = await viaServerOr<ErasureBatch>(
          config,
          { method: "POST", path: "/api/customers/erase", body: { ids } },
          (ctx) => eraseAndRecord(ctx, ids, cliActor()),
        );
        emit(g, batch, (b) =>
          [
            ...b.erased.map(summary),
            ...(b.missing.length > 0 ? [`No customer: ${b.missing.join(", ")}`] : []),
            `${b.erased.length} erased in ${b.totalMs} ms (one compaction, ${b.compactMs} ms)`,
          ].join("\n"),
        );
        if (batch.missing.length > 0) process.exitCode = 3;
      } catch (e) {
        fail(g, e);
      }
    });

  customer
    .command("undelete <id>")
    .description(
      "lift an erased customer's tombstone: their events are accepted again (the erased data stays gone)",
    )
    .action(async (rawId: string, _o: unknown, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      try {
        const id = positiveInt("customer id", rawId, 0);
        const config = configFrom(g);
        const lifted = await viaServerOr<TombstoneSummary | null>(
          config,
          { method: "POST", path: `/api/customers/${id}/undelete` },
          async (ctx) => (await undeleteAndRecord(ctx, id, cliActor())) ?? null,
        );
        if (!lifted) throw new CliError(`customer ${id} has no tombstone to lift`, 3);
        emit(
          g,
          lifted,
          (t) =>
            `Lifted tombstone ${t.id} of customer ${t.customerId} (${t.dropped} events were dropped under it)`,
        );
      } catch (e) {
        fail(g, e);
      }
    });
}

/** `itinera privacy tombstones` and `itinera privacy retention`. */
export function privacyCommands(program: Command): void {
  const privacy = program.command("privacy").description("tombstones of erased customers, retention rules");

  privacy
    .command("tombstones")
    .description(
      "erased customers' tombstones: identifier kinds (held as keyed hashes) and events dropped since",
    )
    .action(async (_o: unknown, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      try {
        const config = configFrom(g);
        const list = await viaServerOr<{ tombstones: TombstoneSummary[]; suppressed: number }>(
          config,
          { method: "GET", path: "/api/tombstones" },
          tombstoneList,
        );
        emit(g, list, (l) =>
          [
            `${l.tombstones.length} tombstones, ${l.suppressed} events dropped`,
            table(
              l.tombstones.map((t) => ({ ...t, kinds: t.kinds.join(",") })),
              ["id", "customerId", "kinds", "identifiers", "dropped", "deletedAt", "liftedAt"],
            ),
          ].join("\n"),
        );
      } catch (e) {
        fail(g, e);
      }
    });

  privacy
    .command("retention")
    .description("apply the retention rules (config `retention`) now: delete events past their days")
    .option("--dry-run", "count what would be deleted, delete nothing")
    .action(async (opts: { dryRun?: boolean }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      try {
        const config = configFrom(g);
        const dryRun = opts.dryRun === true;
        const report = await viaServerOr<RetentionReport>(
          config,
          { method: "POST", path: "/api/privacy/retention", body: { dryRun } },
          (ctx) => applyRetention(ctx, { actor: cliActor(), dryRun }),
        );
        emit(g, report, (r) =>
          r.rules.length === 0
            ? "No retention rules configured (config `retention`)."
            : [
                `${r.dryRun ? "Would delete" : "Deleted"} ${r.tables.events} events, ${r.tables.journey_events} journey rows, ${r.tables.stage_transitions} stage changes`,
                table(
                  r.rules.map((x) => ({
                    ...x,
                    channel: x.channel ?? "*",
                    event: x.event ?? "*",
                    type: x.type ?? "*",
                  })),
                  ["channel", "event", "type", "days", "events"],
                ),
              ].join("\n"),
        );
      } catch (e) {
        fail(g, e);
      }
    });
}
