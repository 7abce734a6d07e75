// `itinera paths`: the steps customers take after a start event or before an end event, within a session.
import type { Command } from "commander";
import { PathGroups, PathsRequest, type PathsResult, pathsInsight } from "../../analytics/paths.js";
import { analysisOperation } from "../../server/operations/insights.js";
import { checkShape, collect, periodFlag, readJsonFile } from "../input.js";
import { positiveInt } from "../options.js";
import { CliError, table } from "../output.js";
import { parseStep } from "../rule-text.js";
import { act, perform } from "../target.js";

interface PathsOptions {
  start?: string;
  end?: string;
  steps?: string;
  session?: string;
  goal?: string;
  from?: string;
  to?: string;
  group?: string;
  persona?: string;
  stage?: string;
  limit?: string;
  exclude?: string[];
  file?: string;
}

function requestOf(o: PathsOptions): PathsRequest {
  if (o.file)
    return checkShape<PathsRequest>(PathsRequest, readJsonFile("--file", o.file), `--file ${o.file}`);
  if ((o.start === undefined) === (o.end === undefined))
    throw new CliError(
      "give one of --start STEP (the paths after it) or --end STEP (the paths before it)",
      2,
    );
  const req: PathsRequest = o.start
    ? { start: parseStep("--start", o.start) }
    : { end: parseStep("--end", o.end!) };
  if (o.steps !== undefined) req.steps = positiveInt("--steps", o.steps, 5);
  if (o.session) req.sessionGap = o.session;
  if (o.goal) req.goal = parseStep("--goal", o.goal);
  const from = periodFlag("--from", o.from);
  const to = periodFlag("--to", o.to);
  if (from) req.from = from;
  if (to) req.to = to;
  if (o.group) {
    if (!(PathGroups as readonly string[]).includes(o.group))
      throw new CliError(`--group must be one of ${PathGroups.join(", ")} (got "${o.group}")`, 2);
    req.group = o.group as PathsRequest["group"];
  }
  if (o.limit !== undefined) req.limit = positiveInt("--limit", o.limit, 20);
  if (o.exclude?.length) req.excludeEvents = o.exclude;
  if (o.persona) req.persona = o.persona;
  if (o.stage) req.stage = o.stage;
  return checkShape<PathsRequest>(PathsRequest, req, "the request");
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

function pathRows(rows: PathsResult["paths"]) {
  return rows.map((p, i) => ({
    "#": i + 1,
    count: p.count,
    sessions: p.sessions,
    customers: p.customers,
    path: p.path.join(" → "),
  }));
}

function render(r: PathsResult): string {
  const way = r.direction === "next" ? `after ${r.anchor}` : `before ${r.anchor}`;
  const parts = [
    `Paths of up to ${r.steps} steps ${way} (sessions split after ${r.sessionGap}, steps by ${r.group}), from ${r.period.from} to ${r.period.to}:`,
    `${r.totals.paths} occurrences in ${r.totals.sessions} sessions of ${r.totals.customers} customers.`,
    "",
    table(pathRows(r.paths), ["#", "count", "sessions", "customers", "path"]),
  ];
  if (r.goal)
    parts.push(
      "",
      `${pct(r.goal.share)} of them (${r.goal.reached}, ${r.goal.customers} customers) reached ${r.goal.name} in the same session; their most common paths:`,
      table(pathRows(r.goal.paths), ["#", "count", "sessions", "customers", "path"]),
    );
  return parts.join("\n");
}

export function pathsCommand(program: Command): void {
  program
    .command("paths")
    .description("the steps customers take after a step (--start) or before one (--end), within a session")
    .option("--start <step>", 'the paths after it: an event name or "tp:<touchpoint id>"')
    .option("--end <step>", "the paths before it")
    .option("--steps <n>", "steps after the start or before the end, 1 to 10 (default 5)")
    .option("--session <length>", "inactivity that ends a session, e.g. 30m, 2h (default 30m)")
    .option("--goal <step>", "with --start: the share of paths that reach this step in the session")
    .option("--from <date>", "first start (end) event counted (default: 90 days before --to)")
    .option("--to <date>", "end of the period, exclusive (default: just after the newest event)")
    .option("--group <what>", "what a step is: event (default) or touchpoint")
    .option("--persona <id>", "only customers of this persona (or unassigned); default everyone")
    .option("--stage <key>", "only customers now in this journey stage (a stage key); default every stage")
    .option("--limit <n>", "top paths to list (default 20)")
    .option("--exclude <event>", "an event name that is no step of a path (repeat)", collect)
    .option("--file <request.json>", "the whole request as JSON (POST /api/insights/paths body)")
    .addHelpText(
      "after",
      `
Examples:
  $ itinera paths --start "Product Viewed" --steps 5
  $ itinera paths --start "Product Viewed" --goal "Order Completed" --session 1h
  $ itinera paths --end "Order Completed" --steps 3 --from 2026-05-01 --to 2026-06-01 --json
  $ itinera paths --start "tp:checkout-web" --group touchpoint`,
    )
    .action((o: PathsOptions, cmd: Command) =>
      act(cmd, (config) => perform(config, analysisOperation(pathsInsight), { body: requestOf(o) }), render),
    );
}
