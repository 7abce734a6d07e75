// Bulk import of a CSV, JSONL or Parquet file (`itinera import`, POST /api/imports) under the API's rules:
// stage the file with DuckDB's reader, validate every row in SQL, write the rejects file, then store the
// valid rows chunk by chunk, one transaction each on the writer connection, so ingest interleaves.
import path from "node:path";
import type { Config } from "../../config.js";
import type { IdentityGraph } from "../../identity/graph.js";
import type { IdentifierRules } from "../../identity/identifiers.js";
import { rememberFile } from "../../privacy/erase.js";
import { err, ok, type Result } from "../../result.js";
import type { Store } from "../../store/database.js";
import type { Connection } from "../../store/driver.js";
import { storeChunk } from "./chunk.js";
import type { ImportProgress, ImportRequest, ImportSummary } from "./contract.js";
import { resolveChannels, resolvePhones } from "./lookups.js";
import { type ImportPlan, planImport } from "./plan.js";
import { readError } from "./reader.js";
import { writeRejects } from "./rejects.js";

/** What an import needs of a running Itinera (an AppContext has all of it). */
export interface ImportDeps {
  store: Store;
  /** The event writer's graph: identity and customer ids come from its counters, so imports share it. */
  writer: { readonly graph: IdentityGraph };
  rules: IdentifierRules;
  config: Config;
}

export interface ImportOptions {
  /** Rows per transaction; memory stays flat and progress is reported per chunk. */
  chunkRows?: number;
  onProgress?: (p: ImportProgress) => void;
}

export const DEFAULT_CHUNK_ROWS = 250_000;

type Run = <T>(fn: (conn: Connection) => Promise<T>) => Promise<T>;

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split("\n")[0]!;

interface Counted {
  /** Rows read, including CSV lines DuckDB could not read. */
  rows: number;
  staged: number;
  rejected: number;
  hasPhones: boolean;
}

/**
 * Runs a staging statement without keeping the reader's row order: every row carries its number (__row),
 * and DuckDB then writes in parallel without buffering rows to restore the order (less memory, less time).
 * Set and reset around the one statement, since the writer connection is shared with ingest.
 */
async function unordered<T>(conn: Connection, fn: () => Promise<T>): Promise<T> {
  await conn.run("SET preserve_insertion_order = false");
  try {
    return await fn();
  } finally {
    await conn.run("RESET preserve_insertion_order");
  }
}

/** Reads and validates the whole file into the staging table; writes the rejects file. */
async function stage(plan: ImportPlan, deps: ImportDeps, run: Run): Promise<Result<Counted, string>> {
  const t = plan.tables;
  try {
    if (plan.copySql) {
      const copy = plan.copySql;
      await run((c) => unordered(c, () => c.run(copy, [plan.file])));
      await run((c) => unordered(c, () => c.run(plan.stagingSql)));
      await run((c) => c.run(`DROP TABLE ${t.copy}`));
    } else {
      await run((c) => unordered(c, () => c.run(plan.stagingSql, [plan.file])));
    }
  } catch (e) {
    return err(readError(plan.file, e));
  }
  const phones = await run((c) => resolvePhones(c, t.staged, t.phones, deps.rules));
  if (!plan.constantChannel) await run((c) => resolveChannels(c, t.staged, t.channels, plan.flagChannel));
  const staged = await run((c) => c.runAndReadAll(`SELECT count(*) FROM ${t.staged}`));
  const stagedRows = Number(staged.getColumnsJS()[0]?.[0] ?? 0);
  const rejects = await run((c) => writeRejects(c, t.staged, t.csvErrors, plan.rejectsFile));
  // An erasure must find every file holding someone's rows (src/privacy/erase.ts).
  if (rejects.invalid + rejects.unreadable > 0)
    await run((c) => rememberFile(c, plan.rejectsFile, "import-rejects"));
  return ok({
    rows: stagedRows + rejects.unreadable,
    staged: stagedRows,
    rejected: rejects.invalid + rejects.unreadable,
    hasPhones: phones > 0,
  });
}

/** Valid rows a dry run would store: distinct messageIds not seen before. */
async function countNew(run: Run, staged: string): Promise<number> {
  const reader = await run((c) =>
    c.runAndReadAll(
      `SELECT count(DISTINCT message_id) FROM ${staged} s
        WHERE reason IS NULL AND NOT EXISTS (SELECT 1 FROM seen_messages m WHERE m.message_id = s.message_id)`,
    ),
  );
  return Number(reader.getColumnsJS()[0]?.[0] ?? 0);
}

/** Stores the staged rows chunk by chunk; returns how many events were appended. */
async function storeAll(
  plan: ImportPlan,
  deps: ImportDeps,
  counted: Counted,
  run: Run,
  opts: ImportOptions,
): Promise<Result<{ stored: number; suppressed: number }, string>> {
  const chunkRows = opts.chunkRows ?? DEFAULT_CHUNK_ROWS;
  const settings = {
    graph: deps.writer.graph,
    traitIdentifiers: deps.config.identity.traitIdentifiers,
    receivedAt: plan.receivedAt,
    source: `import:${path.basename(plan.file)}`,
    constantChannel: plan.constantChannel,
    hasPhones: counted.hasPhones,
  };
  const total = counted.staged;
  const startedAt = Date.now();
  opts.onProgress?.({ phase: "storing", done: 0, total, startedAt });
  let stored = 0;
  let suppressed = 0;
  for (let from = 1; from <= total; from += chunkRows) {
    const to = Math.min(total, from + chunkRows - 1);
    try {
      const chunk = await run((c) => storeChunk(c, plan.tables, settings, from, to));
      stored += chunk.stored;
      suppressed += chunk.suppressed;
    } catch (e) {
      return err(
        `import stopped after storing ${stored} events: ${firstLine(e)}. Run it again to finish; stored rows are skipped as duplicates.`,
      );
    }
    opts.onProgress?.({ phase: "storing", done: to, total, startedAt });
  }
  return ok({ stored, suppressed });
}

export async function importFile(
  deps: ImportDeps,
  req: ImportRequest,
  opts: ImportOptions = {},
): Promise<Result<ImportSummary, string>> {
  const started = performance.now();
  const planned = await planImport(deps.store, deps.config, req);
  if (!planned.ok) return planned;
  const plan = planned.value;

  const work = async (run: Run): Promise<Result<ImportSummary, string>> => {
    opts.onProgress?.({ phase: "reading" });
    const counted = await stage(plan, deps, run);
    if (!counted.ok) return counted;
    const c = counted.value;
    // A dry run does not look at tombstones: it counts what is new.
    const imported = req.dryRun
      ? ok({ stored: await countNew(run, plan.tables.staged), suppressed: 0 })
      : await storeAll(plan, deps, c, run, opts);
    if (!imported.ok) return imported;
    const seconds = (performance.now() - started) / 1000;
    return ok({
      file: plan.file,
      format: plan.format,
      rows: c.rows,
      imported: imported.value.stored,
      duplicates: c.rows - c.rejected - imported.value.stored - imported.value.suppressed,
      suppressed: imported.value.suppressed,
      rejected: c.rejected,
      rejectsFile: c.rejected > 0 ? plan.rejectsFile : null,
      seconds: Math.round(seconds * 1000) / 1000,
      rowsPerSecond: Math.round(c.rows / Math.max(seconds, 0.001)),
      dryRun: req.dryRun === true,
      mapping: plan.mapping.used,
    });
  };
  const execute = async (run: Run) => {
    try {
      return await work(run);
    } finally {
      await run(async (c) => {
        const { csvErrors, csvScans, ...rest } = plan.tables;
        const names = [...Object.values(rest), `${plan.tables.channels}_v`, csvErrors, csvScans];
        // Each on its own: the chunk is a view (dropped by storeChunk), and one failure must not keep the rest.
        for (const name of names)
          if (name) await c.run(`DROP TABLE IF EXISTS temp.main.${name}`).catch(() => undefined);
      }).catch(() => undefined);
    }
  };
  // A dry run holds one read connection throughout (its temp tables live there); a real import takes the
  // writer per step, so HTTP ingest commits between the steps and between chunks.
  return req.dryRun
    ? deps.store.read((conn) => execute((fn) => fn(conn)))
    : execute((fn) => deps.store.exclusive(fn));
}
