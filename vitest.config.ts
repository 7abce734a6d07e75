import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Builds the demo-world database the browser tests copy (test/helpers/demo-database.ts).
    globalSetup: ["test/helpers/demo-database.ts"],
    testTimeout: 60_000,
    // expect.poll waits 1 s by default; a browser test on a busy 2-core CI machine can need longer for
    // a navigation or an analysis to land, and a slow pass is not a failure.
    expect: { poll: { timeout: 20_000 } },
    hookTimeout: 120_000,
    // Tests start real servers on DuckDB files; two cores run two files at a time comfortably.
    maxWorkers: 2,
  },
});
