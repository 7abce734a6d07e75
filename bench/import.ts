// `npm run bench -- import`: `itinera import` of a 1M-row Parquet call-centre log and a 1M-row CSV
// POS export, both generated with DuckDB (cached under bench/.data/), each into a new database.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { DuckDBInstance } from "@duckdb/node-api";
import { machine } from "./machine.js";
import { profiling } from "./profile.js";
import {
  check,
  fmt,
  markdownTable,
  printOutcome,
  progress,
  recordSection,
  round,
  type TargetCheck,
  table,
} from "./report.js";
import { CLI, ROOT } from "./server.js";
import { DATA_DIR } from "./store.js";

export interface ImportOptions {
  json: boolean;
  record: boolean;
  profile: boolean;
  command: string;
  rows: number;
}

/** Bump when the generated files change shape. */
const FILES_VERSION = 1;

// Customer numbers and phones follow bench/population.ts (cus_<hash>, 010-xxxx-xxxx) so the same people
// could be found by search; a skewed draw gives repeat callers and regular shoppers.
const CUSTOMER = (i: string) =>
  `'cus_' || lpad(printf('%x', ((${i} + 1) * 2654435761) % 4294967296), 8, '0')`;
const PHONE = (i: string) =>
  `'010-' || substr(lpad(CAST((${i} * 48271 + 12345678) % 100000000 AS VARCHAR), 8, '0'), 1, 4) || '-' || substr(lpad(CAST((${i} * 48271 + 12345678) % 100000000 AS VARCHAR), 8, '0'), 5, 4)`;

const callCentreSql = (rows: number, file: string) => `
COPY (
  WITH base AS (
    SELECT n, CAST(floor(pow(random(), 2) * 400000) AS BIGINT) AS c FROM range(${rows}) t(n)
  )
  SELECT
    'call-' || lpad(CAST(n AS VARCHAR), 9, '0') AS call_id,
    TIMESTAMP '2025-11-23 00:00:00' + to_seconds(CAST(random() * 365 * 86400 AS BIGINT)) AS call_start,
    CASE WHEN random() < 0.8 THEN ${CUSTOMER("c")} END AS customer_no,
    ${PHONE("c")} AS caller_phone,
    'agent_' || CAST(floor(random() * 120) AS INTEGER) AS agent_id,
    (['delivery', 'repair', 'billing', 'installation', 'returns'])[1 + CAST(floor(random() * 5) AS INTEGER)] AS queue,
    CAST(30 + floor(random() * 1500) AS INTEGER) AS duration_s,
    CAST(floor(random() * 600) AS INTEGER) AS wait_s,
    (['resolved', 'callback', 'escalated', 'abandoned'])[1 + CAST(floor(random() * 4) AS INTEGER)] AS outcome,
    (['positive', 'neutral', 'negative'])[1 + CAST(floor(random() * 3) AS INTEGER)] AS sentiment,
    round(random() * 4 + 1, 1) AS csat
  FROM base
) TO '${file}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)`;

// Three lines per receipt; a receipt's lines share its shopper, time and store (drawn from a hash of it).
const posSql = (rows: number, file: string) => `
COPY (
  WITH base AS (
    SELECT n, n // 3 AS b,
           (hash(n // 3) % 1000000) / 1000000.0 AS u1,
           (hash(n // 3, 'member') % 1000000) / 1000000.0 AS member,
           (hash(n // 3, 'time') % 1000000) / 1000000.0 AS u3
    FROM range(${rows}) t(n)
  ), people AS (
    SELECT *, CAST(floor(pow(u1, 2) * 400000) AS BIGINT) AS c FROM base
  )
  SELECT
    'rcpt-' || lpad(CAST(b AS VARCHAR), 8, '0') || '-' || CAST(n % 3 + 1 AS VARCHAR) AS line_id,
    strftime(TIMESTAMP '2025-11-23 09:00:00' + to_seconds(CAST(u3 * 365 * 86400 AS BIGINT)), '%Y-%m-%dT%H:%M:%S') || '+09:00' AS sold_at,
    'st_' || CAST(c % 80 AS INTEGER) AS store_id,
    CASE WHEN member < 0.7 THEN ${CUSTOMER("c")} END AS member_id,
    'pos-' || lpad(CAST(b AS VARCHAR), 8, '0') AS basket_id,
    CASE WHEN member < 0.5 THEN 'LC' || lpad(CAST((c * 7919 + 100003) % 1000000000000 AS VARCHAR), 12, '0') END AS loyalty_card,
    CASE WHEN member < 0.3 THEN 'shopper' || CAST(c AS VARCHAR) || '@naver.com' END AS customer_email,
    (['tv-55-oled', 'fridge-4door', 'washer-21kg', 'soundbar-s8', 'earbuds-pro'])[1 + CAST(floor(random() * 5) AS INTEGER)] AS sku,
    CAST(1 + floor(random() * 3) AS INTEGER) AS qty,
    CAST(10000 * (10 + floor(random() * 200)) AS INTEGER) AS unit_price,
    (['card', 'cash', 'mobile'])[1 + CAST(floor(random() * 3) AS INTEGER)] AS payment_method,
    'KRW' AS currency
  FROM people
) TO '${file}' (FORMAT csv, HEADER)`;

interface Generated {
  parquet: string;
  csv: string;
  generatedMs?: number;
}

export async function generate(rows: number, say: (m: string) => void): Promise<Generated> {
  const dir = path.join(DATA_DIR, `import-${rows}-v${FILES_VERSION}`);
  const out = { parquet: path.join(dir, "calls.parquet"), csv: path.join(dir, "pos.csv") };
  if (fs.existsSync(out.parquet) && fs.existsSync(out.csv)) return out;
  fs.mkdirSync(dir, { recursive: true });
  const t = performance.now();
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  await conn.run("SELECT setseed(0.42)");
  // Generated to temporary names first so an interrupted run never leaves a half file behind.
  await conn.run(callCentreSql(rows, `${out.parquet}.tmp`));
  await conn.run(posSql(rows, `${out.csv}.tmp`));
  conn.closeSync();
  db.closeSync();
  fs.renameSync(`${out.parquet}.tmp`, out.parquet);
  fs.renameSync(`${out.csv}.tmp`, out.csv);
  const generatedMs = performance.now() - t;
  say(`generated ${fmt(rows)}-row Parquet and CSV files with DuckDB in ${fmt(generatedMs)} ms`);
  return { ...out, generatedMs };
}

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  peakRss: number;
}

interface Profiling {
  nodeArgs: string[];
  env: Record<string, string>;
}

function runCli(args: string[], profiling?: Profiling): Promise<RunResult> {
  return new Promise((resolve) => {
    const t = performance.now();
    const child = spawn(process.execPath, [...(profiling?.nodeArgs ?? []), CLI, ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...profiling?.env },
    });
    let stdout = "";
    let stderr = "";
    let peakRss = 0;
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    // VmHWM is gone once the process exits, so it is sampled while it runs.
    const poll = setInterval(() => {
      try {
        const m = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${child.pid}/status`, "utf8"));
        if (m) peakRss = Math.max(peakRss, Number(m[1]) * 1024);
      } catch {
        // Exited between polls.
      }
    }, 100);
    child.on("exit", (code) => {
      clearInterval(poll);
      resolve({ code, stdout, stderr, wallMs: performance.now() - t, peakRss });
    });
  });
}

interface Summary {
  rows: number;
  imported: number;
  duplicates: number;
  rejected: number;
  seconds: number;
  rowsPerSecond: number;
}

async function importOnce(
  file: string,
  db: string,
  mapping: string[],
  profiling?: Profiling,
): Promise<RunResult & { summary: Summary }> {
  const rejects = `${db}.rejects.jsonl`;
  const r = await runCli(["import", file, "--json", "--db", db, "--rejects", rejects, ...mapping], profiling);
  if (r.code !== 0)
    throw new Error(`itinera import ${path.basename(file)} exited with ${r.code}:\n${r.stderr || r.stdout}`);
  // --json prints one document (possibly pretty-printed) on stdout.
  return { ...r, summary: JSON.parse(r.stdout) as Summary };
}

/** True when the built CLI has an import command (it is written separately; skip cleanly if absent). */
async function importAvailable(): Promise<boolean> {
  const r = await runCli(["import", "--help"]);
  return r.code === 0 && /import/.test(r.stdout);
}

export async function runImport(o: ImportOptions): Promise<Record<string, unknown>> {
  const say = progress(o.json);
  if (!(await importAvailable())) {
    const message =
      "skipped: this build has no `itinera import` command yet (src/collect/import/ and its CLI command); " +
      "rerun `npm run bench -- import` once it exists";
    say(message);
    return { bench: "import", skipped: true, message };
  }
  const files = await generate(o.rows, say);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "itinera-bench-import-"));
  const prof = o.profile
    ? profiling(ROOT, path.join(dir, "profile"), path.join(dir, "sql-timing.json"))
    : undefined;
  const cases = [
    {
      name: "Parquet call-centre log",
      file: files.parquet,
      mapping: [
        "--map",
        "messageId=call_id",
        "--map",
        "timestamp=call_start",
        "--map",
        "userId=customer_no",
        "--map",
        "phone=caller_phone",
        "--event",
        "Support Call",
        "--channel",
        "phone",
      ],
    },
    {
      name: "CSV POS export",
      file: files.csv,
      mapping: [
        "--map",
        "messageId=line_id",
        "--map",
        "timestamp=sold_at",
        "--map",
        "userId=member_id",
        "--map",
        "anonymousId=basket_id",
        "--map",
        "email=customer_email",
        "--event",
        "Order Completed",
        "--channel",
        "store",
      ],
    },
  ];
  const results: Array<{
    name: string;
    file: string;
    wallMs: number;
    peakRss: number;
    summary: Summary;
    again?: Summary & { wallMs: number };
  }> = [];
  for (const c of cases) {
    const db = path.join(dir, `${path.basename(c.file)}.duckdb`);
    say(`importing ${c.name} (${fmt(fs.statSync(c.file).size / 2 ** 20)} MiB)…`);
    // Only the Parquet import (the one with a target) is profiled.
    const profiled = o.profile && c === cases[0];
    const first = await importOnce(c.file, db, c.mapping, profiled ? prof : undefined);
    say(
      `  ${fmt(first.summary.imported)} imported in ${fmt(first.wallMs)} ms wall; re-importing (all duplicates)…`,
    );
    const again = await importOnce(c.file, db, c.mapping);
    results.push({
      name: c.name,
      file: c.file,
      wallMs: first.wallMs,
      peakRss: first.peakRss,
      summary: first.summary,
      again: { ...again.summary, wallMs: again.wallMs },
    });
  }
  const profileLines = prof?.lines() ?? [];
  fs.rmSync(dir, { recursive: true, force: true });

  const wallRate = (r: (typeof results)[number]) => r.summary.rows / (r.wallMs / 1000);
  const parquet = results[0]!;
  const targets: TargetCheck[] = [
    check({
      name: "Parquet import, rows/s (whole command, wall clock)",
      measured: round(wallRate(parquet), 0),
      unit: "rows/s",
      kind: "atLeast",
      goal: 300_000,
    }),
  ];
  const rows: Array<Array<string | number>> = [
    [
      "file",
      "rows",
      "imported",
      "rejected",
      "wall s",
      "rows/s (wall)",
      "rows/s (reported)",
      "peak RSS MiB",
      "re-import: imported",
      "re-import s",
    ],
    ...results.map((r) => [
      r.name,
      r.summary.rows,
      r.summary.imported,
      r.summary.rejected,
      round(r.wallMs / 1000, 2),
      round(wallRate(r), 0),
      r.summary.rowsPerSecond,
      round(r.peakRss / 2 ** 20, 0),
      r.again?.imported ?? Number.NaN,
      round((r.again?.wallMs ?? Number.NaN) / 1000, 2),
    ]),
  ];
  if (!o.json) {
    printOutcome([table(rows)], targets, profileLines);
  }
  if (o.record) {
    recordSection({
      bench: o.profile ? "import-profile" : "import",
      title: o.profile ? "Bulk import (itinera import), profiled run" : "Bulk import (itinera import)",
      command: o.command,
      machine: await machine(),
      body: [
        `Files generated with DuckDB SQL (cached in bench/.data/): a ${fmt(o.rows)}-row Parquet call-centre log ` +
          "(call_id, call_start, customer_no, caller_phone, agent, queue, durations, outcome, sentiment, csat; " +
          "80% of calls with a customer number, repeat callers) and a " +
          `${fmt(o.rows)}-row CSV POS export (receipt lines with ISO times and offsets, member id for 70%, ` +
          "basket id, loyalty card, email for 30%, product, price). Each is imported with " +
          "`node dist/src/cli/main.js import FILE --json --db <new temp file> --map …` (mappings below), then " +
          "imported again into the same database to time the all-duplicates path. Wall time includes process " +
          'start and opening the database; "reported" is the command\'s own rowsPerSecond.',
        markdownTable(rows),
        ...cases.map(
          (c) => `${c.name}: \`${c.mapping.map((a) => (a.includes(" ") ? `"${a}"` : a)).join(" ")}\``,
        ),
        ...profileLines,
      ],
      targets,
    });
  }
  return { bench: "import", results, targets, profile: profileLines };
}
