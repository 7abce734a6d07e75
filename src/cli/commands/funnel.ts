// `itinera funnel`: conversion through steps per stitched customer, and the customers behind a step.
import type { Command } from "commander";
import { FunnelRequest, type FunnelResult, funnelInsight } from "../../analytics/funnel.js";
import { analysisOperation } from "../../server/operations/insights.js";
import { customersBehind, renderCustomersBehind } from "../customers-behind.js";
import { checkShape, collect, periodFlag, readJsonFile } from "../input.js";
import { positiveInt } from "../options.js";
import { CliError, table } from "../output.js";
import { parseCondition, parseStep, STEP_FORM } from "../rule-text.js";
import { act, perform } from "../target.js";

interface FunnelOptions {
  steps?: string;
  step?: string[];
  window?: string;
  order?: string;
  from?: string;
  to?: string;
  breakdown?: string;
  interval?: string;
  exclude?: string[];
  where?: string[];
  persona?: string;
  stage?: string;
  file?: string;
}

/** "Support Call:0-1": an exclusion between two 0-based steps. */
function parseExclusion(text: string): NonNullable<FunnelRequest["exclusions"]>[number] {
  const m = /^(.*):(\d+)-(\d+)$/.exec(text);
  if (!m)
    throw new CliError(`--exclude "${text}": expected STEP:A-B, e.g. "Support Call:0-1" (0-based steps)`, 2);
  return { ...parseStep("--exclude", m[1]!), between: [Number(m[2]), Number(m[3])] };
}

/** The request from --file, or from the flags. */
function requestOf(o: FunnelOptions): FunnelRequest {
  if (o.file)
    return checkShape<FunnelRequest>(FunnelRequest, readJsonFile("--file", o.file), `--file ${o.file}`);
  const texts = [...(o.steps ? o.steps.split(",") : []), ...(o.step ?? [])];
  if (texts.length < 2)
    throw new CliError(`give at least two steps: --steps "A,B,C" or --step A --step B (${STEP_FORM})`, 2);
  const steps = texts.map((t) => parseStep("--steps", t));
  // --where "N:prop op value" adds a condition to step N (1-based).
  for (const w of o.where ?? []) {
    const m = /^(\d+):(.*)$/.exec(w);
    const index = m ? Number(m[1]) - 1 : -1;
    if (!m || !steps[index])
      throw new CliError(`--where "${w}": expected STEP:CONDITION, e.g. "3:total gt 100"`, 2);
    steps[index]!.where = [...(steps[index]!.where ?? []), parseCondition("--where", m[2]!)];
  }
  const req: FunnelRequest = { steps };
  if (o.window) req.window = o.window;
  if (o.order) req.order = o.order as FunnelRequest["order"];
  const from = periodFlag("--from", o.from);
  const to = periodFlag("--to", o.to);
  if (from) req.from = from;
  if (to) req.to = to;
  if (o.breakdown) req.breakdown = { property: o.breakdown };
  if (o.interval) req.interval = o.interval as FunnelRequest["interval"];
  if (o.exclude?.length) req.exclusions = o.exclude.map(parseExclusion);
  if (o.persona) req.persona = o.persona;
  if (o.stage) req.stage = o.stage;
  return checkShape<FunnelRequest>(FunnelRequest, req, "the funnel");
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
function duration(s: number | null): string {
  if (s === null) return "";
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} d`;
}

function render(r: FunnelResult): string {
  const rows = (steps: FunnelResult["steps"]) =>
    steps.map((s, i) => ({
      step: i + 1,
      name: s.name,
      customers: s.count,
      "of first": pct(s.conversionFromFirst),
      "of previous": pct(s.conversionFromPrevious),
      "median time": duration(s.medianSecondsFromPrevious),
    }));
  const head = `${r.order} funnel, window ${r.window}, step 1 from ${r.period.from} to ${r.period.to}${r.excluded ? `; ${r.excluded} customers excluded` : ""}`;
  const parts = [
    head,
    table(rows(r.steps), ["step", "name", "customers", "of first", "of previous", "median time"]),
  ];
  for (const b of r.breakdown ?? [])
    parts.push(
      "",
      `breakdown ${b.value ?? "(none)"}:`,
      table(rows(b.steps), ["step", "name", "customers", "of first", "of previous"]),
    );
  if (r.overTime?.length)
    parts.push(
      "",
      table(
        r.overTime.map((t) => ({
          start: t.start.slice(0, 10),
          entered: t.entered,
          converted: t.converted,
          conversion: pct(t.conversion),
        })),
        ["start", "entered", "converted", "conversion"],
      ),
    );
  return parts.join("\n");
}

function funnelFlags(cmd: Command): Command {
  return cmd
    .option("--steps <list>", `comma-separated steps, each ${STEP_FORM}`)
    .option("--step <step>", "one step (repeat; for names with commas)", collect)
    .option("--where <step:condition>", 'a condition on a step, e.g. "3:total gt 100" (repeat)', collect)
    .option("--window <length>", "conversion window from step 1, e.g. 30m, 12h, 14d (default 14d)")
    .option("--order <mode>", "ordered (default), strict or unordered")
    .option("--from <date>", "first step-1 event counted (default: 90 days before --to)")
    .option("--to <date>", "end of the period (default: the newest event)")
    .option("--breakdown <property>", "split by a property of the step-1 event, e.g. context.os.name")
    .option("--interval <unit>", "conversion over time: day or week")
    .option("--persona <id>", "only customers of this persona (or unassigned); default everyone")
    .option("--stage <key>", "only customers now in this journey stage (a stage key); default every stage")
    .option(
      "--exclude <step:a-b>",
      'drop customers with this event between steps a and b (0-based), e.g. "Support Call:0-1"',
      collect,
    )
    .option("--file <request.json>", "the whole request as JSON (POST /api/insights/funnel body)");
}

export function funnelCommands(program: Command): void {
  const funnel = funnelFlags(
    program
      .command("funnel")
      .description("conversion through steps, per stitched customer")
      .addHelpText(
        "after",
        `
Examples:
  $ itinera funnel --steps "Product Viewed,Product Added,Order Completed" --window 7d
  $ itinera funnel --steps "tp:checkout-web,Order Completed" --where "2:total gt 100000" --breakdown context.os.name
  $ itinera funnel --steps "stage:consideration,stage:purchase" --window 30d --interval week --json
  $ itinera funnel customers --steps "Checkout Started,Order Completed" --dropped 1`,
      ),
  ).action((o: FunnelOptions, cmd: Command) =>
    act(cmd, (config) => perform(config, analysisOperation(funnelInsight), { body: requestOf(o) }), render),
  );

  funnelFlags(
    funnel
      .command("customers")
      .description("the customers who reached a step (--reached N) or dropped off after it (--dropped N)"),
  )
    .option("--reached <step>", "customers who did step N (1-based)")
    .option("--dropped <step>", "customers who did step N and not the next")
    .option("--limit <n>", "customers per page (default 50)")
    .option("--after <id>", "start after this customer id (the `next` of the previous page)")
    .action(
      (
        o: FunnelOptions & { reached?: string; dropped?: string; limit?: string; after?: string },
        cmd: Command,
      ) =>
        act(
          cmd,
          (config) => {
            if ((o.reached === undefined) === (o.dropped === undefined))
              throw new CliError("give one of --reached N or --dropped N", 2);
            return customersBehind(config, funnelInsight, {
              request: requestOf(o),
              cell: {
                step: positiveInt(o.reached ? "--reached" : "--dropped", o.reached ?? o.dropped, 1),
                kind: o.reached ? "reached" : "dropped",
              },
              limit: positiveInt("--limit", o.limit, 50),
              ...(o.after ? { after: positiveInt("--after", o.after, 1) } : {}),
            });
          },
          renderCustomersBehind,
        ),
    );
}
