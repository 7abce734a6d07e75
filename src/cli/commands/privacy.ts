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
import type { Erasure } from "../../privacy/erase.js";
import type { CustomerExport, ExportRecord } from "../../privacy/export.js";
import { canonicalCustomer, forEachRecord } from "../../privacy/export.js";
import {
  eraseCustomerOperation,
  eraseCustomersOperation,
  retentionOperation,
  tombstonesOperation,
  undeleteOperation,
} from "../../server/operations/privacy.js";
import { exportAndRecord } from "../../server/routes/privacy.js";
import { configFrom, type GlobalOptions, positiveInt } from "../options.js";
import { CliError, emit, fail, table } from "../output.js";
import { act, perform, runningServer, viaServerOr, withLocalStore } from "../target.js";

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
    .action((rawIds: string[], opts: { yes?: boolean }, cmd: Command) => {
      const summary = (e: Erasure) =>
        `Erased customer ${e.customerId}: ${rowsLine(e.tables)}; ${e.files.reduce((s, f) => s + f.lines, 0)} lines from kept files; ` +
        `tombstone ${e.tombstone.id} holds ${e.tombstone.identifiers} hashed identifiers`;
      const ids = () => {
        const unique = [...new Set(rawIds.map((r) => positiveInt("customer id", r, 0)))];
        if (!opts.yes)
          throw new CliError(
            `erasing ${unique.length === 1 ? `customer ${unique[0]}` : `${unique.length} customers`} cannot be undone; run again with --yes (export first with \`itinera customer export ID\`)`,
            2,
          );
        return unique;
      };
      // One customer is DELETE /api/customers/{id}; several share one compaction (POST /api/customers/erase).
      if (new Set(rawIds).size === 1)
        return act(
          cmd,
          (config) => perform(config, eraseCustomerOperation, { params: { id: ids()[0]! } }),
          (e) => `${summary(e)}; ${e.totalMs} ms (compaction ${e.compactMs} ms)`,
        );
      return act(
        cmd,
        async (config) => {
          const batch = await perform(config, eraseCustomersOperation, { body: { ids: ids() } });
          if (batch.missing.length > 0) process.exitCode = 3;
          return batch;
        },
        (b) =>
          [
            ...b.erased.map(summary),
            ...(b.missing.length > 0 ? [`No customer: ${b.missing.join(", ")}`] : []),
            `${b.erased.length} erased in ${b.totalMs} ms (one compaction, ${b.compactMs} ms)`,
          ].join("\n"),
      );
    });

  customer
    .command("undelete <id>")
    .description(
      "lift an erased customer's tombstone: their events are accepted again (the erased data stays gone)",
    )
    .action((rawId: string, _o: unknown, cmd: Command) =>
      act(
        cmd,
        (config) =>
          perform(config, undeleteOperation, { params: { id: positiveInt("customer id", rawId, 0) } }),
        (t) =>
          `Lifted tombstone ${t.id} of customer ${t.customerId} (${t.dropped} events were dropped under it)`,
      ),
    );
}

/** `itinera privacy tombstones` and `itinera privacy retention`. */
export function privacyCommands(program: Command): void {
  const privacy = program.command("privacy").description("tombstones of erased customers, retention rules");

  privacy
    .command("tombstones")
    .description(
      "erased customers' tombstones: identifier kinds (held as keyed hashes) and events dropped since",
    )
    .action((_o: unknown, cmd: Command) =>
      act(
        cmd,
        (config) => perform(config, tombstonesOperation, {}),
        (l) =>
          [
            `${l.tombstones.length} tombstones, ${l.suppressed} events dropped`,
            table(
              l.tombstones.map((t) => ({ ...t, kinds: t.kinds.join(",") })),
              ["id", "customerId", "kinds", "identifiers", "dropped", "deletedAt", "liftedAt"],
            ),
          ].join("\n"),
      ),
    );

  privacy
    .command("retention")
    .description("apply the retention rules (config `retention`) now: delete events past their days")
    .option("--dry-run", "count what would be deleted, delete nothing")
    .action((opts: { dryRun?: boolean }, cmd: Command) =>
      act(
        cmd,
        (config) => perform(config, retentionOperation, { body: { dryRun: opts.dryRun === true } }),
        (r) =>
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
      ),
    );
}
