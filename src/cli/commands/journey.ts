// `itinera journey …`: the journey map (text, JSON or CSV), the customers behind its numbers, the authored
// lanes, the journey model and the refresh of the journey tables.
import type { Command } from "commander";
import type { Config } from "../../config.js";
import { type LaneName, LaneNames } from "../../journey/lanes.js";
import { mapToCsv } from "../../journey/map/export.js";
import type { AudiencePage, JourneyMap, MapComparison, MapStage } from "../../journey/map/schema.js";
import { checkModel, JourneyModel } from "../../journey/model.js";
import {
  journeyCustomersOperation,
  journeyMapOperation,
  laneOperation,
  modelOperation,
  putModelOperation,
  refreshOperation,
} from "../../server/operations/journey.js";
import { checkShape, collect, periodFlag, readJsonFile } from "../input.js";
import { configFrom, type GlobalOptions, positiveInt } from "../options.js";
import { CliError, customerPage, fail, table } from "../output.js";
import { describeMatch } from "../rule-text.js";
import { act, perform } from "../target.js";

// ---- the journey map as text -----------------------------------------------------------------------

function duration(seconds: number | null): string {
  if (seconds === null) return "-";
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 36 * 3600) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}
const pct = (v: number | null) => (v === null ? "-" : `${(v * 100).toFixed(1)}%`);
const signed = (v: number | null) => (v === null ? "-" : `${v >= 0 ? "+" : ""}${v.toFixed(2)}`);
const indent = (text: string, by = "     ") =>
  text
    .split("\n")
    .map((l) => by + l)
    .join("\n");
const day = (iso: string) => iso.slice(0, 16).replace("T", " ");
const who = (m: JourneyMap) => (m.persona ? `${m.persona.name} (${m.persona.id})` : "all customers");

function renderStage(s: MapStage, last: boolean): string {
  const out: string[] = [];
  const next = last
    ? "last stage"
    : `conversion ${pct(s.conversion)} (${s.converted ?? 0} moved on, ${s.dropped ?? 0} dropped)`;
  out.push(`${s.position}. ${s.name} [${s.key}]  ·  reached ${s.reached}  ·  ${next}`);
  const t = s.timeInStage;
  out.push(
    `   time in stage: median ${duration(t.medianSeconds)}, p90 ${duration(t.p90Seconds)} (${t.completedStays} completed stays, ${t.openStays} still in it)`,
  );
  out.push(
    s.emotion.answers > 0
      ? `   emotion: ${signed(s.emotion.value)} on −1…1, from ${s.emotion.answers} answers${s.emotion.source === "after" ? " (feedback given after it)" : ""}`
      : "   emotion: no answers",
  );
  if (s.touchpoints.length) {
    out.push("   top touchpoints:");
    const rows = s.touchpoints.map((tp) => ({
      touchpoint: tp.name,
      id: tp.id,
      events: tp.volume,
      customers: tp.reach,
      "converted after": pct(tp.conversion),
      satisfaction: tp.satisfaction.answers
        ? `${signed(tp.satisfaction.value)} (${tp.satisfaction.answers})`
        : "-",
    }));
    out.push(
      indent(table(rows, ["touchpoint", "id", "events", "customers", "converted after", "satisfaction"])),
    );
  }
  if (s.painPoints.length) {
    out.push("   pain points:");
    const rows = s.painPoints.map((p) => ({
      "pain point": p.title,
      customers: p.customers,
      impact: Math.round(p.impact * 100) / 100,
      audience: `pain:${p.id}`,
    }));
    out.push(indent(table(rows, ["pain point", "customers", "impact", "audience"])));
  }
  for (const lane of LaneNames)
    if (s.lanes[lane].length) out.push(`   ${lane}: ${s.lanes[lane].join(" · ")}`);
  return out.join("\n");
}

export function renderMap(m: JourneyMap): string {
  const head = [
    `Journey map of ${who(m)}  ·  ${day(m.period.from)} → ${day(m.period.to)}  ·  ${m.customers} customers  ·  as of ${m.asOf}`,
  ];
  if (m.persona?.narrative?.summary) head.push(m.persona.narrative.summary);
  const stages = m.stages.map((s, i) => renderStage(s, i === m.stages.length - 1));
  return [
    ...head,
    "",
    stages.join("\n\n"),
    "",
    "The customers behind a number: itinera journey customers --audience stage:<key>:reached|converted|dropped|feedback (or a pain point's audience).",
  ].join("\n");
}

function renderComparison(c: MapComparison): string {
  const label = (m: JourneyMap) => `${who(m)}, ${day(m.period.from)} → ${day(m.period.to)}`;
  const rows = c.base.stages.map((s) => {
    const o = c.other.stages.find((x) => x.key === s.key);
    const d = c.differences.find((x) => x.key === s.key);
    return {
      stage: s.name,
      reached: `${s.reached} → ${o?.reached ?? 0} (${(d?.reached ?? 0) >= 0 ? "+" : ""}${d?.reached ?? 0})`,
      conversion: `${pct(s.conversion)} → ${pct(o?.conversion ?? null)}`,
      "median time": `${duration(s.timeInStage.medianSeconds)} → ${duration(o?.timeInStage.medianSeconds ?? null)}`,
      emotion: `${signed(s.emotion.value)} → ${signed(o?.emotion.value ?? null)}`,
    };
  });
  return [
    `Base:  ${label(c.base)} (${c.base.customers} customers)`,
    `Other: ${label(c.other)} (${c.other.customers} customers)`,
    "",
    table(rows, ["stage", "reached", "conversion", "median time", "emotion"]),
  ].join("\n");
}

function renderModel(m: JourneyModel): string {
  const stages = m.stages.map((s, i) => ({
    "#": i + 1,
    key: s.key,
    name: s.name,
    "also entered by": s.entry.map(describeMatch).join(" | "),
  }));
  const targets = Object.entries(m.responseTargetMinutes)
    .map(([ch, min]) => `${ch} ${min < 120 ? `${min} min` : `${Math.round((min / 60) * 10) / 10} h`}`)
    .join(", ");
  return [
    table(stages, ["#", "key", "name", "also entered by"]),
    "",
    `lapse: ${m.lapse ? `after ${m.lapse.afterDays} days without a stage signal, back to ${m.lapse.to}` : "off"}`,
    `conversion window: ${m.conversionDays} days · satisfaction window: ${m.satisfactionDays} days · repeat contact within ${m.repeatContactDays} days`,
    `first-response targets: ${targets || "none"}`,
    `purchase: "${m.purchase.event}" with value in ${m.purchase.revenueProperties.join(" or ")}`,
  ].join("\n");
}

// ---- commands --------------------------------------------------------------------------------------

interface ScopeOptions {
  persona?: string;
  stage?: string;
  from?: string;
  to?: string;
}

/** The persona, stage and period flags as the operations' query. */
function scopeOf(o: ScopeOptions) {
  return {
    persona: o.persona,
    stage: o.stage,
    from: periodFlag("--from", o.from),
    to: periodFlag("--to", o.to),
  };
}

function topFlag(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = positiveInt("--top", raw, 6);
  if (n > 50) throw new CliError(`--top must be at most 50 (got ${n})`, 2);
  return n;
}

interface MapOptions extends ScopeOptions {
  top?: string;
  compare?: string;
  csv?: boolean;
}

/** The map, or with --compare the two maps and their differences (the operation reads --compare). */
function journeyMap(o: MapOptions, config: Config): Promise<JourneyMap | MapComparison> {
  const top = topFlag(o.top);
  if (o.compare !== undefined && o.csv) throw new CliError("--csv exports one map; leave out --compare", 2);
  return perform(config, journeyMapOperation, { query: { ...scopeOf(o), top, compare: o.compare } });
}

const renderAudience = (page: AudiencePage): string =>
  customerPage(`${page.total} customers in ${page.audience}`, page);

export function journeyCommands(program: Command): void {
  const journey = program
    .command("journey")
    .description("the journey map, the customers behind its numbers, its lanes and the journey model");

  journey
    .command("map")
    .description(
      "the journey map per stage: customers reached, conversion, time in stage, emotion, top touchpoints, pain points",
    )
    .option("--persona <id>", "a persona id (see `itinera personas list`), or unassigned; default everyone")
    .option("--stage <key>", "only customers now in this journey stage (a stage key); default every stage")
    .option("--from <iso>", "start of the period, inclusive: a date or time (default: 90 days before --to)")
    .option("--to <iso>", "end of the period, exclusive (default: just after the newest event)")
    .option("--top <n>", "touchpoints and pain points shown per stage, 1–50 (default 6)")
    .option("--compare <what>", "persona:<id> or period:<from>/<to>: a second map and the differences")
    .option("--csv", "print the map as CSV (one number per row), as the API's export does")
    .addHelpText(
      "after",
      `
Examples:
  $ itinera journey map
  $ itinera journey map --persona tech-savvy-tim --from 2026-03-01 --to 2026-06-01
  $ itinera journey map --persona tech-savvy-tim --compare persona:traditional-trudy
  $ itinera journey map --compare period:2026-02-01/2026-03-01
  $ itinera journey map --csv > journey-map.csv
  $ itinera --json journey map --top 10`,
    )
    .action(async (o: MapOptions, cmd: Command) => {
      if (!o.csv)
        return act(
          cmd,
          (config) => journeyMap(o, config),
          (r) => ("differences" in r ? renderComparison(r) : renderMap(r)),
        );
      const g = cmd.optsWithGlobals<GlobalOptions>();
      try {
        // As the API's export writes it (GET /api/journey-map/export?format=csv).
        process.stdout.write(mapToCsv((await journeyMap(o, configFrom(g))) as JourneyMap));
      } catch (e) {
        fail(g, e);
      }
    });

  journey
    .command("customers")
    .description("the customers behind a number of the journey map, page by page")
    .requiredOption(
      "--audience <audience>",
      "cohort, stage:<key>:reached|converted|dropped|feedback, touchpoint:<id>:reach|converted|dropped or pain:<friction id> (a pain point: a friction of itinera frictions)",
    )
    .option("--persona <id>", "the map's persona (or unassigned); default everyone")
    .option("--stage <key>", "only customers now in this journey stage (a stage key); default every stage")
    .option("--from <iso>", "start of the map's period")
    .option("--to <iso>", "end of the map's period")
    .option("--limit <n>", "customers per page, 1–1000", "50")
    .option("--after <id>", "the `next` of the previous page")
    .addHelpText(
      "after",
      `
Examples:
  $ itinera journey customers --audience stage:purchase:dropped
  $ itinera journey customers --audience pain:drop-off:payment --persona tech-savvy-tim --limit 100
  $ itinera journey customers --audience touchpoint:support-call:reach --after 1234`,
    )
    .action((o: ScopeOptions & { audience: string; limit: string; after?: string }, cmd: Command) =>
      act(
        cmd,
        (config) => {
          const limit = positiveInt("--limit", o.limit, 50);
          if (limit > 1000) throw new CliError(`--limit must be at most 1000 (got ${limit})`, 2);
          const after = o.after === undefined ? undefined : positiveInt("--after", o.after, 0);
          return perform(config, journeyCustomersOperation, {
            query: { ...scopeOf(o), audience: o.audience, limit, after },
          });
        },
        renderAudience,
      ),
    );

  journey
    .command("lanes")
    .description("the authored lanes of the map: goals, questions, actions, opportunities")
    .command("set <stage> <lane>")
    .description(`replace a stage's lane (${LaneNames.join(", ")}) for a persona or for everyone`)
    .option("--item <text>", "one entry of the lane; repeat for more", collect)
    .option("--clear", "empty the lane")
    .option("--persona <id>", "the persona's map (or unassigned); default the map of everyone")
    .option("--stage <key>", "only customers now in this journey stage (a stage key); default every stage")
    .addHelpText(
      "after",
      `
Examples:
  $ itinera journey lanes set purchase goals --item "Pay in one step" --item "Know the delivery date"
  $ itinera journey lanes set retention opportunities --persona traditional-trudy --item "Call back within a day"
  $ itinera journey lanes set purchase questions --clear`,
    )
    .action(
      (
        stage: string,
        lane: string,
        o: { item?: string[]; clear?: boolean; persona?: string },
        cmd: Command,
      ) =>
        act(
          cmd,
          (config) => {
            const items = o.item ?? [];
            if (!(LaneNames as readonly string[]).includes(lane))
              throw new CliError(`lane must be one of ${LaneNames.join(", ")} (got "${lane}")`, 2);
            if (o.clear && items.length) throw new CliError("give --item entries or --clear, not both", 2);
            if (!o.clear && !items.length)
              throw new CliError('give the lane\'s entries with --item "…" (repeat it), or --clear', 2);
            if (items.length > 50) throw new CliError("a lane holds at most 50 entries", 2);
            const long = items.find((i) => i.length < 1 || i.length > 500);
            if (long !== undefined) throw new CliError("each --item must be 1–500 characters", 2);
            return perform(config, laneOperation, {
              params: { stage, lane: lane as LaneName },
              body: { ...(o.persona === undefined ? {} : { persona: o.persona }), items },
            });
          },
          (w) =>
            `${w.stage} · ${w.lane} (${w.persona ?? "everyone"}): ${w.items.length ? w.items.join(" · ") : "(empty)"}`,
        ),
    );

  journey
    .command("model")
    .description("print the journey model (stages, entry rules, lapse, windows), or replace it with --set")
    .option(
      "--set <file>",
      "a JSON file with the whole JourneyModel (start from `itinera --json journey model`)",
    )
    .addHelpText(
      "after",
      `
Replacing the model rebuilds every customer's stage history from the events on the next refresh.

Examples:
  $ itinera journey model
  $ itinera --json journey model > model.json   # edit, then:
  $ itinera journey model --set model.json`,
    )
    .action((o: { set?: string }, cmd: Command) =>
      act(
        cmd,
        (config) => {
          if (!o.set) return perform(config, modelOperation, {});
          const next = checkShape<JourneyModel>(JourneyModel, readJsonFile("--set", o.set), o.set);
          const why = checkModel(next);
          if (why) throw new CliError(`${o.set}: ${why}`);
          return perform(config, putModelOperation, { body: next });
        },
        (m) => (o.set ? `Journey model replaced.\n\n${renderModel(m)}` : renderModel(m)),
      ),
    );

  journey
    .command("refresh")
    .description("bring the journey tables (classified events, stages, personas) up to date now")
    .action((_o: unknown, cmd: Command) =>
      act(
        cmd,
        (config) => perform(config, refreshOperation, {}),
        (r) =>
          r.mode === "none"
            ? `Already up to date (as of ${r.refreshedAt}).`
            : `Refreshed (${r.mode}): ${r.customers} customers, ${r.events} events in ${r.ms} ms, as of ${r.refreshedAt}.`,
      ),
    );
}
