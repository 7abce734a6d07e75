// `npm test`: type-check, lint, build, then the whole Vitest suite. Ends with the line CI reads:
// "N passed, N failed".
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: "inherit" }).status ?? 1;

let failedChecks = 0;
for (const [label, cmd, args] of [
  ["type-check", bin("tsc"), ["-p", "tsconfig.test.json"]],
  ["type-check dashboard", bin("tsc"), ["-p", "web/tsconfig.json"]],
  ["lint", bin("biome"), ["check", "src", "test", "bench", "scripts", "web"]],
  ["build", process.execPath, ["scripts/build-if-needed.mjs"]],
]) {
  process.stdout.write(`\n== ${label}\n`);
  if (run(cmd, args) !== 0) {
    process.stdout.write(`${label} failed\n`);
    failedChecks++;
  }
}

fs.mkdirSync(path.join(root, "test-results"), { recursive: true });
const report = path.join(root, "test-results", "vitest.json");
fs.rmSync(report, { force: true });
process.stdout.write("\n== tests\n");
const vitestArgs = [
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
];
const status = run(bin("vitest"), vitestArgs);

let passed = 0;
let failed = failedChecks;
if (fs.existsSync(report)) {
  const r = JSON.parse(fs.readFileSync(report, "utf8"));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  // A file that fails to load has no tests to count; count it as a failure so it cannot hide.
  failed += (r.testResults ?? []).filter(
    (f) => f.status === "failed" && (f.assertionResults ?? []).length === 0,
  ).length;
} else {
  failed += 1;
}
if (status !== 0 && failed === 0) failed = 1;
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(failed > 0 ? 1 : 0);
