// `itinera retention`, `itinera stage-flow` and `itinera time-to-convert`: the journey analyses beside
// funnels, through the running server's API or on the database file.
import type { TSchema } from "@sinclair/typebox";
import type { Command } from "commander";
import type { Insight } from "../../analytics/insight.js";
import { RetentionRequest, type RetentionResult, retentionInsight } from "../../analytics/retention.js";
import { StageFlowRequest, type StageFlowResult, stageFlowInsight } from "../../analytics/stage-flow.js";
import type { Step } from "../../analytics/steps.js";
import {
  formatSeconds,
  TimeToConvertRequest,
  type TimeToConvertResult,
  timeToConvertInsight,
} from "../../analytics/time-to-convert.js";
import type { RequestInput, RequestOf } from "../../server/operation.js";
import { analysisOperation } from "../../server/operations/insights.js";
import { checkShape, collect, periodFlag, readJsonFile } from "../input.js";
import { positiveInt } from "../options.js";
import { CliError, table } from "../output.js";
import { parseCondition, parseStep, STEP_FORM } from "../rule-text.js";
import { act, perform } from "../target.js";

/** "Order Completed", "tp:checkout-web", "stage:purchase" (as `itinera funnel` reads steps), with --where. */
function stepOf(flag: string, text: string, where: string[] | undefined, whereFlag: string): Step {
  const step = parseStep(flag, text);
  if (where?.length) step.where = where.map((w) => parseCondition(whereFlag, w));
  return step;
}

/** The whole request from --file, checked as the API checks it. */
function fromFile<T>(schema: TSchema, file: string): T {
  return checkShape<T>(schema, readJsonFile("--file", file), `--file ${file}`);
}

/** Runs an analysis of the INSIGHTS table through the server when one runs, else on the file, and prints it. */
function analyse<Req, Res>(
  cmd: Command,
  insight: Insight<Req, Res, unknown>,
  request: () => Req,
  render: (r: Res) => string,
): Promise<void> {
  const op = analysisOperation(insight);
  return act(
    cmd,
    (config) => perform(config, op, { body: request() } as RequestInput<RequestOf<typeof op>>),
    render,
  );
}

interface RetentionOptions {
  start?: string;
  return?: string;
  startWhere?: string[];
  returnWhere?: string[];
  period?: string;
  periods?: string;
  recurring?: boolean;
  from?: string;
  to?: string;
  persona?: string;
  stage?: string;
  file?: string;
}

function retentionRequest(o: RetentionOptions): RetentionRequest {
  if (o.file) return fromFile<RetentionRequest>(RetentionRequest, o.file);
  if (!o.start || !o.return)
    throw new CliError(`give --start and --return (each ${STEP_FORM}), or --file`, 2);
  const req: RetentionRequest = {
    start: stepOf("--start", o.start, o.startWhere, "--start-where"),
    return: stepOf("--return", o.return, o.returnWhere, "--return-where"),
    mode: o.recurring ? "recurring" : "first_time",
  };
  if (o.period) req.period = o.period as RetentionRequest["period"];
  if (o.persona) req.persona = o.persona;
  if (o.stage) req.stage = o.stage;
  if (o.periods !== undefined) req.periods = positiveInt("--periods", o.periods, 12);
  const from = periodFlag("--from", o.from);
  const to = periodFlag("--to", o.to);
  if (from) req.from = from;
  if (to) req.to = to;
  return checkShape<RetentionRequest>(RetentionRequest, req, "the retention request");
}

function renderRetention(r: RetentionResult): string {
  const ks = r.totals.map((t) => t.period);
  const columns = ["cohort", "size", ...ks.map((k) => `${r.period[0]}${k}`)];
  const cell = (v: { percentage: number } | undefined) => (v ? `${v.percentage.toFixed(1)}%` : "");
  const rows = r.cohorts.map((c) => ({
    cohort: c.start.slice(0, r.period === "month" ? 7 : 10),
    size: c.size,
    ...Object.fromEntries(ks.map((k) => [`${r.period[0]}${k}`, cell(c.values[k])])),
  }));
  rows.push({
    cohort: "weighted",
    size: r.cohorts.reduce((n, c) => n + c.size, 0),
    ...Object.fromEntries(r.totals.map((t) => [`${r.period[0]}${t.period}`, cell(t)])),
  });
  return [
    `${r.mode === "recurring" ? "Recurring" : "First-time"} retention: "${r.steps.start}" then "${r.steps.return}", by ${r.period}, from ${r.range.from} to ${r.range.to}`,
    table(rows, columns),
  ].join("\n");
}

interface StageFlowOptions {
  from?: string;
  to?: string;
  persona?: string;
  stage?: string;
  file?: string;
}

function stageFlowRequest(o: StageFlowOptions): StageFlowRequest {
  if (o.file) return fromFile<StageFlowRequest>(StageFlowRequest, o.file);
  const req: StageFlowRequest = {};
  const from = periodFlag("--from", o.from);
  const to = periodFlag("--to", o.to);
  if (from) req.from = from;
  if (to) req.to = to;
  if (o.persona) req.persona = o.persona;
  if (o.stage) req.stage = o.stage;
  return checkShape<StageFlowRequest>(StageFlowRequest, req, "the stage-flow request");
}

function renderStageFlow(r: StageFlowResult): string {
  const name = new Map(r.nodes.map((n) => [n.id, n.name]));
  const rows = r.links.map((l) => ({
    from: name.get(l.source) ?? l.source,
    to: name.get(l.target) ?? l.target,
    moves: l.value,
    customers: l.customers,
    how: l.cause === "lapse" ? "back (lapse)" : l.cause,
  }));
  return [
    `Stage flow${r.persona ? ` of ${r.persona}` : ""} from ${r.period.from} to ${r.period.to}: ${r.transitions} stage changes by ${r.customers} customers (exit: no stage signal for ${r.exitAfterDays} days after the last change; as of ${r.asOf})`,
    table(rows, ["from", "to", "moves", "customers", "how"]),
  ].join("\n");
}

interface TimeToConvertOptions {
  start?: string;
  end?: string;
  startWhere?: string[];
  endWhere?: string[];
  window?: string;
  from?: string;
  to?: string;
  bins?: string;
  persona?: string;
  stage?: string;
  file?: string;
}

function timeToConvertRequest(o: TimeToConvertOptions): TimeToConvertRequest {
  if (o.file) return fromFile<TimeToConvertRequest>(TimeToConvertRequest, o.file);
  if (!o.start || !o.end) throw new CliError(`give --start and --end (each ${STEP_FORM}), or --file`, 2);
  const req: TimeToConvertRequest = {
    start: stepOf("--start", o.start, o.startWhere, "--start-where"),
    end: stepOf("--end", o.end, o.endWhere, "--end-where"),
  };
  if (o.window) req.window = o.window;
  if (o.persona) req.persona = o.persona;
  if (o.stage) req.stage = o.stage;
  const from = periodFlag("--from", o.from);
  const to = periodFlag("--to", o.to);
  if (from) req.from = from;
  if (to) req.to = to;
  if (o.bins !== undefined) req.bins = positiveInt("--bins", o.bins, 10);
  return checkShape<TimeToConvertRequest>(TimeToConvertRequest, req, "the time-to-convert request");
}

function renderTimeToConvert(r: TimeToConvertResult): string {
  const time = (s: number | null) => (s === null ? "–" : formatSeconds(s));
  const widest = Math.max(1, ...r.histogram.map((b) => b.customers));
  const rows = r.histogram.map((b) => ({
    time: b.label,
    customers: b.customers,
    share: `${b.percentage.toFixed(1)}%`,
    "": "#".repeat(Math.round((40 * b.customers) / widest)),
  }));
  return [
    `"${r.steps.start}" to "${r.steps.end}" within ${r.window}, from ${r.period.from} to ${r.period.to}: ${r.converted} of ${r.entered} customers converted; median ${time(r.medianSeconds)}, p90 ${time(r.p90Seconds)}, mean ${time(r.averageSeconds)}`,
    table(rows, ["time", "customers", "share", ""]),
  ].join("\n");
}

export function insightCommands(program: Command): void {
  program
    .command("retention")
    .description("retention cohorts: of the customers who did a start step, who came back, period by period")
    .option("--start <step>", `the step that puts a customer in a cohort: ${STEP_FORM}`)
    .option("--return <step>", "the step that counts as coming back")
    .option(
      "--start-where <condition>",
      'a condition on the start step, e.g. "total gt 100" (repeat)',
      collect,
    )
    .option("--return-where <condition>", "a condition on the return step (repeat)", collect)
    .option("--period <unit>", "day, week (ISO, Monday) or month, in UTC (default week)")
    .option("--periods <n>", "periods followed after each cohort, 1–52; cohorts without --from (default 12)")
    .option("--recurring", "every start event puts the customer in its period's cohort (default: first time)")
    .option("--from <date>", "first cohort: the period holding this date (default: --periods periods back)")
    .option("--to <date>", "end of the events read, exclusive (default: just after the newest event)")
    .option("--persona <id>", "only customers of this persona (or unassigned); default everyone")
    .option("--stage <key>", "only customers now in this journey stage (a stage key); default every stage")
    .option("--file <request.json>", "the whole request as JSON (POST /api/insights/retention body)")
    .addHelpText(
      "after",
      `
Period 0 is the cohort's own period and holds the whole cohort; period k counts the cohort's customers
who did the return step in the k-th period after it.

Examples:
  $ itinera retention --start "Signed Up" --return "Order Completed" --period week --periods 12
  $ itinera retention --start "Order Completed" --return "Order Completed" --period month --recurring --json`,
    )
    .action((o: RetentionOptions, cmd: Command) =>
      analyse<RetentionRequest, RetentionResult>(
        cmd,
        retentionInsight,
        () => retentionRequest(o),
        renderRetention,
      ),
    );

  program
    .command("stage-flow")
    .description("how customers moved between journey stages in a period: Sankey links, lapses and exits")
    .option("--from <date>", "start of the period, inclusive (default: 90 days before --to)")
    .option("--to <date>", "end of the period, exclusive (default: just after the newest journey event)")
    .option("--persona <id>", "only customers of this persona (or unassigned); default everyone")
    .option("--stage <key>", "only customers now in this journey stage (a stage key); default every stage")
    .option("--file <request.json>", "the whole request as JSON (POST /api/insights/stage-flow body)")
    .addHelpText(
      "after",
      `
Examples:
  $ itinera stage-flow
  $ itinera stage-flow --persona tech-savvy-tim --from 2026-03-01 --to 2026-06-01 --json`,
    )
    .action((o: StageFlowOptions, cmd: Command) =>
      analyse<StageFlowRequest, StageFlowResult>(
        cmd,
        stageFlowInsight,
        () => stageFlowRequest(o),
        renderStageFlow,
      ),
    );

  program
    .command("time-to-convert")
    .description("how long customers take from one step to the next: histogram, median, p90")
    .option("--start <step>", `the step a customer starts from: ${STEP_FORM}`)
    .option("--end <step>", "the step that converts")
    .option("--start-where <condition>", "a condition on the start step (repeat)", collect)
    .option("--end-where <condition>", "a condition on the end step (repeat)", collect)
    .option(
      "--window <length>",
      "how long after the start step a conversion counts, e.g. 12h, 14d (default 14d)",
    )
    .option("--from <date>", "first start-step event counted (default: 90 days before --to)")
    .option("--to <date>", "end of the start-step events counted, exclusive (default: the newest event)")
    .option("--bins <n>", "log-spaced bins from the fastest to the slowest (default: human steps)")
    .option("--persona <id>", "only customers of this persona (or unassigned); default everyone")
    .option("--stage <key>", "only customers now in this journey stage (a stage key); default every stage")
    .option("--file <request.json>", "the whole request as JSON (POST /api/insights/time-to-convert body)")
    .addHelpText(
      "after",
      `
Examples:
  $ itinera time-to-convert --start "Product Added" --end "Order Completed" --window 7d
  $ itinera time-to-convert --start "Signed Up" --end "stage:purchase" --window 30d --bins 12 --json`,
    )
    .action((o: TimeToConvertOptions, cmd: Command) =>
      analyse<TimeToConvertRequest, TimeToConvertResult>(
        cmd,
        timeToConvertInsight,
        () => timeToConvertRequest(o),
        renderTimeToConvert,
      ),
    );
}
