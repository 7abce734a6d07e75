// `npm run bench -- <name> [options]`: runs one benchmark, prints a short table, and records its
// section in bench/RESULTS.md. Benchmarks are not tests: they measure, they do not pass or fail.
import { parseArgs } from "node:util";
import { runAnalytics } from "./analytics.js";
import { runDemo } from "./demo.js";
import { runImport } from "./import.js";
import { runIngest } from "./ingest.js";
import { runJourney } from "./journey.js";
import { runScale } from "./scale.js";
import { runSearch } from "./search.js";
import { runWeb } from "./web.js";

const usage = `usage: npm run bench -- <ingest|search|import|demo|journey|analytics|web|scale> [options]

  --json            machine-readable result on stdout, no progress
  --no-record       do not update bench/RESULTS.md
  --profile         run the server with --cpu-prof and SQL timing; print where the time goes

ingest:  --duration S (30)  --warmup S (5)  --clients N (8)  --batch N (100)
search:  --events N (10000000)  --requests N (500 per kind)  --rebuild
import:  --rows N (1000000)
demo:    --events N (10000000)
journey: --events N (10000000)  --runs N (5 per map, after 1 warm-up)  --rebuild
analytics: --events N (10000000, the journey store)  --runs N (5, after 1 warm-up)
web:     --runs N (5 per view, after 1 warm-up; the first-run demo world in Chromium)
         --db FILE (serve a copy of this store instead, e.g. the journey bench's 10M-event one)
scale:   --full (adds the 50M-event store)  --runs N (3)  --rebuild (load the stores again)
         --events N (10000000: the curve's stores up to N; below 1M, that one store alone)
         --duration S (10, HTTP ingest per store)
`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    json: { type: "boolean", default: false },
    "no-record": { type: "boolean", default: false },
    profile: { type: "boolean", default: false },
    duration: { type: "string" },
    warmup: { type: "string" },
    clients: { type: "string" },
    batch: { type: "string" },
    events: { type: "string" },
    requests: { type: "string" },
    rebuild: { type: "boolean", default: false },
    full: { type: "boolean", default: false },
    rows: { type: "string" },
    runs: { type: "string" },
    db: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});

function num(name: keyof typeof values, fallback: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    process.stderr.write(`--${name} must be a positive number (got ${String(raw)})\n`);
    process.exit(2);
  }
  return n;
}

const name = positionals[0];
const command = `npm run bench -- ${process.argv.slice(2).join(" ")}`;
const common = { json: values.json, record: !values["no-record"], profile: values.profile, command };

async function main(): Promise<Record<string, unknown>> {
  switch (name) {
    case "ingest":
      return runIngest({
        ...common,
        durationS: num("duration", 30),
        warmupS: num("warmup", 5),
        clients: num("clients", 8),
        batchSize: num("batch", 100),
      });
    case "search":
      return runSearch({
        ...common,
        events: num("events", 10_000_000),
        requests: num("requests", 500),
        rebuild: values.rebuild,
      });
    case "import":
      return runImport({ ...common, rows: num("rows", 1_000_000) });
    case "demo":
      return runDemo({ ...common, events: num("events", 10_000_000) });
    case "analytics":
      return runAnalytics({ ...common, events: num("events", 10_000_000), runs: num("runs", 5) });
    case "web":
      return runWeb({ ...common, runs: num("runs", 5), db: values.db });
    case "scale":
      return runScale({
        ...common,
        full: values.full,
        events: num("events", 10_000_000),
        runs: num("runs", 3),
        rebuild: values.rebuild,
        ingestS: num("duration", 10),
      });
    case "journey":
      return runJourney({
        ...common,
        events: num("events", 10_000_000),
        runs: num("runs", 5),
        rebuild: values.rebuild,
      });
    default:
      process.stderr.write(usage);
      process.exit(values.help ? 0 : 2);
  }
}

try {
  const result = await main();
  if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.exit(0);
} catch (e) {
  process.stderr.write(`bench ${name} failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
}
