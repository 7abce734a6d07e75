// `itinera demo generate`: writes the seeded demo world (events, ground-truth customers, manifest) to a
// directory as JSONL or Parquet, or stores it in a database through the import path (via the running
// server's /api/imports when there is one, so the server keeps owning its file), a file of about a
// million events at a time while the next is generated.
import path from "node:path";
import type { Command } from "commander";
import { cliActor } from "../../audit/log.js";
import { auditImport } from "../../collect/import/audit.js";
import type { ImportSummary } from "../../collect/import/contract.js";
import { importFile } from "../../collect/import/importer.js";
import { type ImportChunk, LOAD_CHUNK_EVENTS, loadWorld } from "../../demo/load.js";
import { type WorldFiles, type WorldFormat, writeWorld } from "../../demo/world/files.js";
import { defaultWorkers } from "../../demo/world/threads.js";
import { checkWorldOptions, type WorldOptions } from "../../demo/world/world.js";
import { configFrom, type GlobalOptions, positiveInt } from "../options.js";
import { CliError, emit, fail } from "../output.js";
import { createProgress } from "../progress.js";
import { callApi, runningServer, withLocalStore } from "../target.js";

interface GenerateOptions extends GlobalOptions {
  customers?: string;
  days?: string;
  seed?: string;
  end?: string;
  out?: string;
  format?: string;
  into?: string;
  workers?: string;
  chunkEvents?: string;
}

interface GenerateSummary extends WorldFiles {
  imported?: ImportSummary;
}

function worldOptions(o: GenerateOptions): WorldOptions {
  const today = new Date();
  const end = o.end
    ? new Date(o.end)
    : new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
  const seed = o.seed === undefined ? 1 : Number(o.seed);
  const options = {
    customers: positiveInt("--customers", o.customers, 2000),
    days: positiveInt("--days", o.days, 90),
    seed,
    end,
  };
  const problem = checkWorldOptions(options);
  if (problem) throw new CliError(problem, 2);
  return options;
}

function describe(s: GenerateSummary): string {
  const mb = (s.bytes / 1e6).toFixed(1);
  const head = `Generated ${s.count} events in ${s.seconds.toFixed(1)} s (${s.eventsPerSecond} events/s)`;
  if (s.imported)
    return `${head}; imported ${s.imported.imported} (${s.imported.duplicates} duplicates, ${s.imported.rejected} rejected). Manifest: ${s.manifest}`;
  return `${head} → ${s.events} (${mb} MB). Manifest: ${s.manifest}`;
}

export function demoCommand(program: Command): void {
  const demo = program
    .command("demo")
    .description("the demo world: seeded customers, journeys and planted problems");
  demo
    .command("generate")
    .description("generate the demo world into a directory (--out) or a database (--into)")
    .option("--customers <n>", "number of customers (default 2000)")
    .option("--days <n>", "days of history (default 90)")
    .option("--seed <n>", "seed; the same options give the same bytes (default 1)")
    .option("--end <date>", "end of the window, ISO date (default: today 00:00 UTC)")
    .option("--out <dir>", "write events, customers.jsonl and manifest.json here")
    .option("--format <format>", "jsonl or parquet (default jsonl)")
    .option("--into <db>", "store the events in this database file through the import path")
    .option("--workers <n>", "threads simulating the world; the bytes are the same for any number")
    .option(
      "--chunk-events <n>",
      `with --into: events per imported file, imported while the next is generated (default ${LOAD_CHUNK_EVENTS})`,
    )
    .action(async (opts: GenerateOptions, cmd: Command) => {
      const g = cmd.optsWithGlobals<GenerateOptions>();
      const progress = createProgress({ json: g.json, label: "demo world" });
      try {
        const options = worldOptions(opts);
        if (!opts.out === !opts.into) throw new CliError("give exactly one of --out DIR or --into DB", 2);
        const format = (opts.format ?? "jsonl") as WorldFormat;
        if (format !== "jsonl" && format !== "parquet")
          throw new CliError("--format must be jsonl or parquet", 2);
        if (opts.into && opts.format === "parquet") throw new CliError("--format applies to --out only", 2);
        const workers = positiveInt("--workers", opts.workers, defaultWorkers(options.customers));
        const onProgress = (done: number, total: number, startedAt: number) =>
          progress.update(done, total, startedAt);
        let summary: GenerateSummary;
        if (opts.into) {
          const chunkEvents = positiveInt("--chunk-events", opts.chunkEvents, LOAD_CHUNK_EVENTS);
          const into = path.resolve(opts.into);
          const config = configFrom(g, { databasePath: into });
          const load = (importChunk: ImportChunk) =>
            loadWorld(options, into, importChunk, { workers, chunkEvents, onProgress });
          const server = runningServer(config);
          const loaded = server
            ? await load((body) =>
                callApi<ImportSummary>(server, { method: "POST", path: "/api/imports", body }),
              )
            : await withLocalStore(config, (ctx) =>
                load(async (req) => {
                  const r = await importFile(ctx, req);
                  if (!r.ok) throw new CliError(r.error);
                  await auditImport(ctx.store, cliActor(), r.value);
                  return r.value;
                }),
              );
          summary = { ...loaded.files, imported: loaded.imported };
        } else {
          summary = await writeWorld(options, path.resolve(opts.out!), format, onProgress, { workers });
        }
        progress.stop();
        emit(g, summary, describe);
      } catch (e) {
        progress.stop();
        fail(g, e);
      }
    });
}
