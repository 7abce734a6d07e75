// Loads the demo world into a database through the import path (validation, dedupe, identity). The
// world is generated in files of about a million events, each imported while the next is generated,
// so generation and storing overlap and neither the disk nor the import holds the whole world. The
// manifest and the ground truth stay beside the database file for anyone who wants to check what the
// analytics find.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ImportRequest, ImportSummary } from "../collect/import/contract.js";
import { importFile } from "../collect/import/importer.js";
import type { AppContext } from "../server/context.js";
import {
  generateFiles,
  keepBesideDatabase,
  summarise,
  type WorldFiles,
  type WorldProgress,
} from "./world/files.js";
import { defaultWorkers } from "./world/threads.js";
import type { WorldOptions } from "./world/world.js";

export interface DemoLoad {
  events: number;
  customers: number;
  manifest: string;
}

/** Events per imported file: big enough for the importer's bulk paths, small enough for its memory. */
export const LOAD_CHUNK_EVENTS = 1_000_000;

export interface WorldLoad {
  files: WorldFiles;
  imported: ImportSummary;
  /** Manifest and ground truth, kept beside the database. */
  kept: { manifest: string; customers: string };
}

/** One import of a generated file: importFile on an open store, or the running server's /api/imports. */
export type ImportChunk = (req: ImportRequest) => Promise<ImportSummary>;

function add(total: ImportSummary | undefined, s: ImportSummary): ImportSummary {
  if (!total) return s;
  const seconds = total.seconds + s.seconds;
  const rows = total.rows + s.rows;
  return {
    ...total,
    rows,
    imported: total.imported + s.imported,
    duplicates: total.duplicates + s.duplicates,
    rejected: total.rejected + s.rejected,
    suppressed: total.suppressed + s.suppressed,
    rejectsFile: total.rejectsFile ?? s.rejectsFile,
    seconds,
    rowsPerSecond: Math.round(rows / Math.max(seconds, 0.001)),
  };
}

/**
 * Generates the world and stores it in `databasePath`'s store through `importChunk`, file by file in
 * time order; rejects (none are expected) go beside the database. `imported.seconds` is the import
 * time alone; `files.seconds` the whole load.
 */
export async function loadWorld(
  options: WorldOptions,
  databasePath: string,
  importChunk: ImportChunk,
  opts: { workers?: number; chunkEvents?: number; onProgress?: WorldProgress } = {},
): Promise<WorldLoad> {
  const started = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "itinera-demo-"));
  const base = databasePath.replace(/\.duckdb$/, "");
  let imported: ImportSummary | undefined;
  try {
    const generated = await generateFiles(options, dir, "events.jsonl", "events.jsonl", {
      workers: opts.workers ?? defaultWorkers(options.customers),
      onProgress: opts.onProgress,
      splitEvents: opts.chunkEvents ?? LOAD_CHUNK_EVENTS,
      onFile: async (file) => {
        const rejectsPath = `${base}.demo-rejects.${path.basename(file, ".jsonl")}.jsonl`;
        const summary = await importChunk({ path: file, mapping: {}, defaults: {}, rejectsPath });
        imported = add(imported, summary);
        // The file was only a carrier: the disk holds at most the file being imported and the next.
        fs.rmSync(file, { force: true });
      },
    });
    const files = summarise(dir, "jsonl", path.join(dir, "events.jsonl"), generated, started);
    if (!imported) throw new Error("the demo world had no events to load");
    const kept = keepBesideDatabase(files, databasePath);
    return { files: { ...files, ...kept }, imported: { ...imported, file: files.events }, kept };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A few thousand customers over two months: ready in seconds, rich enough for every view. */
export const FIRST_RUN_WORLD = { customers: 1500, days: 60, seed: 1 } as const;

/** The first-run world, into the open store of a starting server. */
export async function loadDemoWorld(
  ctx: AppContext,
  opts: { customers: number; days: number; seed: number; end?: Date } = FIRST_RUN_WORLD,
): Promise<DemoLoad> {
  const end = opts.end ?? new Date(new Date().toISOString().slice(0, 10));
  const loaded = await loadWorld({ ...opts, end }, ctx.store.path, async (req) => {
    const r = await importFile(ctx, req);
    if (!r.ok) throw new Error(`loading the demo world failed: ${r.error}`);
    return r.value;
  });
  return { events: loaded.imported.imported, customers: opts.customers, manifest: loaded.kept.manifest };
}
