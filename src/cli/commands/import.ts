// `itinera import FILE`: bulk import of a CSV, JSONL or Parquet file with a column mapping. While a
// server runs it imports through POST /api/imports (the server owns the database file and reads the file
// from the same disk); otherwise it opens the database itself and shows progress.
import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { cliActor } from "../../audit/log.js";
import { auditImport } from "../../collect/import/audit.js";
import type { ImportRequest, ImportSummary } from "../../collect/import/contract.js";
import { importFile, type ImportOptions as RunOptions } from "../../collect/import/importer.js";
import { parseMapFlags, parseMappingFile } from "../../collect/import/mapping.js";
import type { Config } from "../../config.js";
import { configFrom, type GlobalOptions, positiveInt } from "../options.js";
import { CliError, emit, fail } from "../output.js";
import { createProgress } from "../progress.js";
import { viaServerOr } from "../target.js";

interface ImportOptions extends GlobalOptions {
  format?: string;
  map: string[];
  mapping?: string;
  event?: string;
  channel?: string;
  type?: string;
  rejects?: string;
  dryRun?: boolean;
  chunkRows?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** The request both paths run: paths made absolute, mapping file and flags merged (flags win). */
function buildRequest(file: string, opts: ImportOptions): ImportRequest {
  let mapping: Record<string, string> = {};
  if (opts.mapping) {
    let text: string;
    try {
      text = fs.readFileSync(opts.mapping, "utf8");
    } catch (e) {
      throw new CliError(`cannot read mapping file ${opts.mapping}: ${(e as Error).message}`, 2);
    }
    const parsed = parseMappingFile(text, opts.mapping);
    if (!parsed.ok) throw new CliError(parsed.error, 2);
    mapping = parsed.value;
  }
  const flags = parseMapFlags(opts.map);
  if (!flags.ok) throw new CliError(flags.error, 2);
  return {
    path: path.resolve(file),
    ...(opts.format ? { format: opts.format as ImportRequest["format"] } : {}),
    mapping: { ...mapping, ...flags.value },
    defaults: {
      ...(opts.event !== undefined ? { event: opts.event } : {}),
      ...(opts.channel !== undefined ? { channel: opts.channel } : {}),
      ...(opts.type !== undefined ? { type: opts.type as ImportRequest["defaults"]["type"] } : {}),
    },
    ...(opts.rejects ? { rejectsPath: path.resolve(opts.rejects) } : {}),
    ...(opts.dryRun ? { dryRun: true } : {}),
  };
}

function describe(s: ImportSummary): string {
  const rejects = s.rejected > 0 ? `${s.rejected} rejected → ${s.rejectsFile}` : "0 rejected";
  const verb = s.dryRun ? "Dry run: would import" : "Imported";
  const suppressed = s.suppressed > 0 ? `, ${s.suppressed} of erased people dropped` : "";
  return `${verb} ${s.imported} rows (${s.duplicates} duplicates${suppressed}, ${rejects}) in ${s.seconds.toFixed(1)} s, ${s.rowsPerSecond} rows/s`;
}

/**
 * Runs an import inside the running server (its API) or, when none runs, on the database file.
 * Progress is reported only for a local import: the server answers once, when done.
 */
export function importVia(
  config: Config,
  request: ImportRequest,
  opts: RunOptions = {},
): Promise<ImportSummary> {
  return viaServerOr<ImportSummary>(
    config,
    { method: "POST", path: "/api/imports", body: request },
    async (ctx) => {
      const result = await importFile(ctx, request, opts);
      if (!result.ok) throw new CliError(result.error);
      await auditImport(ctx.store, cliActor(), result.value);
      return result.value;
    },
  );
}

export function importCommand(program: Command): void {
  program
    .command("import <file>")
    .description("import events from a CSV, JSONL (Segment messages) or Parquet file")
    .option("--format <format>", "csv, jsonl or parquet (default: from the file extension)")
    .option(
      "--map <target=column>",
      "feed a field from a column; targets: messageId, type, event, timestamp, userId, anonymousId, email, phone, channel, trait identifier keys, properties.NAME, traits.NAME (repeatable)",
      collect,
      [],
    )
    .option("--mapping <file.json>", "a JSON object of target → column (flags win)")
    .option("--event <name>", "event name for rows without one")
    .option("--channel <channel>", "channel of every row whose channel column does not name one")
    .option("--type <type>", "message type for rows without one (default track)")
    .option("--rejects <path>", "where rejected rows go (default <file>.rejects.jsonl)")
    .option("--dry-run", "validate and count without storing")
    .option("--chunk-rows <n>", "rows per transaction (default 250000)")
    .addHelpText(
      "after",
      "\nExample: itinera import calls.csv --map timestamp=call_start --map userId=customer_no --event 'Support Call' --channel phone\nCSV/Parquet columns named like a field (timestamp, userId, email, phone, …) feed it without a flag; other columns become properties.",
    )
    .action(async (file: string, opts: ImportOptions, cmd: Command) => {
      const g = cmd.optsWithGlobals<ImportOptions>();
      const progress = createProgress({ json: g.json, label: path.basename(file) });
      try {
        const config = configFrom(g);
        const request = buildRequest(file, opts);
        const chunkRows = positiveInt("--chunk-rows", opts.chunkRows, 250_000);
        const summary = await importVia(config, request, {
          chunkRows,
          onProgress: (p) =>
            p.phase === "reading" ? progress.step("reading") : progress.update(p.done, p.total, p.startedAt),
        });
        progress.stop();
        emit(g, summary, describe);
      } catch (e) {
        progress.stop();
        fail(g, e);
      }
    });
}
