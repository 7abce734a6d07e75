import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Builds the demo-world database the browser tests copy (test/helpers/demo-database.ts).
    globalSetup: ["test/helpers/demo-database.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Tests start real servers on DuckDB files; two cores run two files at a time comfortably.
    maxWorkers: 2,
  },
});
