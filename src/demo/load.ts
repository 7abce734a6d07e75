// Loads the demo world into a new database through the import path (validation, dedupe, identity),
// so a first start shows a realistic business at once. The manifest and the ground truth stay beside
// the database file for anyone who wants to check what the analytics find.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { importFile } from "../collect/import/importer.js";
import type { AppContext } from "../server/context.js";
import { keepBesideDatabase, writeWorld } from "./world/files.js";

export interface DemoLoad {
  events: number;
  customers: number;
  manifest: string;
}

/** A few thousand customers over two months: ready in seconds, rich enough for every view. */
export const FIRST_RUN_WORLD = { customers: 1500, days: 60, seed: 1 } as const;

export async function loadDemoWorld(
  ctx: AppContext,
  opts: { customers: number; days: number; seed: number; end?: Date } = FIRST_RUN_WORLD,
): Promise<DemoLoad> {
  const end = opts.end ?? new Date(new Date().toISOString().slice(0, 10));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "itinera-demo-"));
  try {
    const files = await writeWorld(
      { customers: opts.customers, days: opts.days, seed: opts.seed, end },
      dir,
      "jsonl",
    );
    const imported = await importFile(ctx, { path: files.events, mapping: {}, defaults: {} });
    if (!imported.ok) throw new Error(`loading the demo world failed: ${imported.error}`);
    const { manifest } = keepBesideDatabase(files, ctx.store.path);
    return { events: imported.value.imported, customers: opts.customers, manifest };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
