// One demo-world database for the whole run, built once by Vitest's global setup; each browser test
// file copies it, so every file starts from the same data without loading the world again.
import fs from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { FIRST_RUN_WORLD, loadDemoWorld } from "../../src/demo/load.js";
import { startTestServer, tempDir } from "./server.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** A closed DuckDB file with the first-run demo world, placed on the journey. */
    demoDatabase: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = tempDir("demo-db");
  const dbPath = path.join(dir, "demo.duckdb");
  const server = await startTestServer({ databasePath: dbPath, config: { journeyRefreshSeconds: 0 } });
  await loadDemoWorld(server.running.ctx, FIRST_RUN_WORLD);
  await server.running.ctx.journey.refresh();
  await server.close();
  project.provide("demoDatabase", dbPath);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
