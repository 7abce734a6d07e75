// `itinera frictions`: what is really wrong in a period, ranked, and the customers behind a friction.
import type { Command } from "commander";
import type { Friction, FrictionCustomers, FrictionList } from "../../analytics/frictions/schema.js";
import { FrictionSettings } from "../../analytics/frictions/settings.js";
import { type FindingLanguage, findingMessages } from "../../findings/catalogue.js";
import { segmentParts } from "../../findings/message.js";
import { formatParams, LOCALES, paramFormat, renderLine, renderMessage } from "../../findings/render.js";
import {
  frictionCustomersOperation,
  frictionListOperation,
  frictionSettingsOperation,
  putFrictionSettingsOperation,
  resetFrictionSettingsOperation,
} from "../../server/operations/frictions.js";
import { checkShape, periodFlag, readJsonFile } from "../input.js";
import { positiveInt } from "../options.js";
import { CliError, customerPage, table } from "../output.js";
import { act, perform } from "../target.js";

interface PeriodOptions {
  persona?: string;
  stage?: string;
  from?: string;
  to?: string;
}

/** The persona, stage and period flags as the operations' query. */
function periodOf(o: PeriodOptions) {
  return {
    persona: o.persona,
    stage: o.stage,
    from: periodFlag("--from", o.from),
    to: periodFlag("--to", o.to),
  };
}

function limitFlag(raw: string | undefined, fallback: number, max: number): number {
  const n = positiveInt("--limit", raw, fallback);
  if (n > max) throw new CliError(`--limit must be at most ${max} (got ${n})`, 2);
  return n;
}

/** The list's own words (a finding's words come from the findings catalogue). */
const WORDS = {
  en: {
    head: "{{total}} frictions · {{from}} → {{to}} · as of {{asOf}}",
    none: "No friction stands out in this period.",
    segment: "segment",
    since: "since {{day}}",
    customers: "{{n}} customers · impact {{impact}}",
    lost: "lost: {{what}}",
    conversions: "{{n}} conversions",
    revenue: "{{money}} revenue",
    evidence: "evidence",
    baseline: "vs",
    more: "customers: itinera frictions customers {{id}}",
    kind: {
      "drop-off": "drop-off",
      failure: "failure",
      abandonment: "abandonment",
      "repeat-contact": "repeat contact",
      "channel-switch": "channel switch",
      "slow-response": "slow response",
      "over-contact": "over-contact",
      "negative-feedback": "negative feedback",
    },
  },
  ko: {
    head: "마찰 지점 {{total}}개 · {{from}} → {{to}} · {{asOf}} 기준",
    none: "이 기간에는 두드러지는 마찰 지점이 없습니다.",
    segment: "세그먼트",
    since: "{{day}}부터",
    customers: "고객 {{n}}명 · 영향 {{impact}}",
    lost: "손실: {{what}}",
    conversions: "전환 {{n}}건",
    revenue: "매출 {{money}}",
    evidence: "근거",
    baseline: "기준선",
    more: "고객 목록: itinera frictions customers {{id}}",
    kind: {
      "drop-off": "이탈",
      failure: "실패",
      abandonment: "중도 포기",
      "repeat-contact": "반복 문의",
      "channel-switch": "채널 전환",
      "slow-response": "느린 응답",
      "over-contact": "과다 발송",
      "negative-feedback": "부정적 피드백",
    },
  },
} as const;

const fill = (text: string, values: Record<string, string | number>) =>
  text.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(values[k] ?? ""));

function renderList(list: FrictionList, lang: FindingLanguage): string {
  const w = WORDS[lang];
  const f = paramFormat(LOCALES[lang]);
  const head = fill(w.head, {
    total: f.number(list.total),
    from: list.period.from.slice(0, 10),
    to: list.period.to.slice(0, 10),
    asOf: list.asOf,
  });
  if (!list.frictions.length) return `${head}\n\n${w.none}`;
  const blocks = list.frictions.map((x: Friction) => {
    const e = x.evidence;
    const lost = [
      x.lostConversions === null ? null : fill(w.conversions, { n: f.number(x.lostConversions, 1) }),
      x.lostRevenue === null ? null : fill(w.revenue, { money: f.money(x.lostRevenue) }),
    ]
      .filter(Boolean)
      .join(", ");
    const segment = formatParams({ s: { type: "segment", parts: segmentOf(x) } }, f, everyone(lang)).s;
    const counts = (cases: number, units: number) => `${f.number(cases)}/${f.number(units)}`;
    return [
      `${x.rank}. ${renderLine([x.message, ...x.notes], lang)}`,
      `   ${w.kind[x.kind]} · ${x.stage ?? "-"} · ${x.touchpoint?.name ?? "-"} · ${w.segment}: ${segment}${x.since ? ` · ${fill(w.since, { day: x.since.slice(0, 10) })}` : ""}`,
      `   ${fill(w.customers, { n: f.number(x.customers), impact: f.number(x.impact, 1) })}${lost ? ` · ${fill(w.lost, { what: lost })}` : ""}`,
      `   ${w.evidence}: ${renderMessage(e.messages.measure, lang)}: ${f.percent(e.value)} (${counts(e.cases, e.units)}) ${w.baseline} ${f.percent(e.baseline)} (${counts(e.baselineCases, e.baselineUnits)}, ${renderMessage(e.messages.baseline, lang)})${e.z === null ? "" : `, z ${f.number(e.z, 2)}`}`,
      `   ${fill(w.more, { id: x.id })}`,
    ].join("\n");
  });
  return [head, "", blocks.join("\n\n")].join("\n");
}

const segmentOf = (x: Friction) => segmentParts(x.segment);
const everyone = (lang: FindingLanguage) => findingMessages[lang].segment.everyone;

/** --lang, or the locale's language (LANG and the like, through the configuration). */
function languageFlag(raw: string | undefined, fallback: FindingLanguage): FindingLanguage {
  if (raw === undefined) return fallback;
  if (raw === "en" || raw === "ko") return raw;
  throw new CliError(`--lang must be en or ko (got "${raw}")`, 2);
}

const renderCustomers = (page: FrictionCustomers): string =>
  customerPage(`${page.total} customers behind ${page.friction}`, page);

export function frictionCommands(program: Command): void {
  const frictions = program
    .command("frictions")
    .description(
      "what is really wrong: drop-offs with the segment that explains them, abandonment, repeat contacts, slow responses, over-contact, negative feedback",
    )
    .option("--from <iso>", "start of the period, inclusive: a date or time (default: 90 days before --to)")
    .option("--to <iso>", "end of the period, exclusive (default: just after the newest event)")
    .option("--persona <id>", "only customers of this persona (or unassigned); default everyone")
    .option("--stage <key>", "only customers now in this journey stage (a stage key); default every stage")
    .option(
      "--limit <n>",
      "frictions listed, 1–100 (default 20); with `customers`, customers per page, 1–1000 (default 50)",
    )
    .option(
      "--lang <en|ko>",
      "language of the list: en or ko (default: from LANG; --json is the same in both)",
    )
    .addHelpText(
      "after",
      `
Examples:
  $ itinera frictions
  $ itinera frictions --from 2026-04-01 --to 2026-06-01 --limit 5
  $ itinera frictions --persona tech-savvy-tim
  $ itinera frictions --lang ko
  $ itinera --json frictions
  $ itinera frictions customers drop-off:payment --limit 100`,
    )
    .action((o: PeriodOptions & { limit?: string; lang?: string }, cmd: Command) => {
      let lang: FindingLanguage = "en";
      return act(
        cmd,
        (config) => {
          lang = languageFlag(o.lang, config.language);
          const query = { ...periodOf(o), limit: limitFlag(o.limit, 20, 100) };
          return perform(config, frictionListOperation, { query });
        },
        (l) => renderList(l, lang),
      );
    });

  frictions
    .command("customers <id>")
    .description(
      "the customers behind a friction, page by page; --persona/--from/--to as for the list, --limit customers per page (1–1000, default 50)",
    )
    .option("--after <id>", "the `next` of the previous page")
    .action((id: string, own: { after?: string }, cmd: Command) =>
      act(
        cmd,
        (config) => {
          // --persona, --from, --to and --limit belong to `frictions`, wherever they are typed.
          const o = { ...(cmd.parent?.opts<PeriodOptions & { limit?: string }>() ?? {}), ...own };
          const limit = limitFlag(o.limit, 50, 1000);
          const after = o.after === undefined ? undefined : positiveInt("--after", o.after, 0);
          return perform(config, frictionCustomersOperation, {
            params: { id },
            query: { ...periodOf(o), limit, after },
          });
        },
        renderCustomers,
      ),
    );

  frictions
    .command("settings")
    .description(
      "what the friction finder looks for: print it, replace it (--set FILE) or go back to the defaults (--reset)",
    )
    .option("--set <file>", "a JSON document like the one printed (GET/PUT /api/frictions/settings)")
    .option("--reset", "go back to the default settings")
    .addHelpText(
      "after",
      `
Examples:
  $ itinera --json frictions settings > frictions.json   # edit steps, dimensions, thresholds
  $ itinera frictions settings --set frictions.json
  $ itinera frictions settings --reset`,
    )
    .action((o: { set?: string; reset?: boolean }, cmd: Command) =>
      act(
        cmd,
        (config) => {
          if (o.set && o.reset) throw new CliError("give --set FILE or --reset, not both", 2);
          if (o.set) {
            const doc = checkShape<FrictionSettings>(
              FrictionSettings,
              readJsonFile("--set", o.set),
              `--set ${o.set}`,
            );
            return perform(config, putFrictionSettingsOperation, { body: doc });
          }
          return perform(config, o.reset ? resetFrictionSettingsOperation : frictionSettingsOperation, {});
        },
        (s) =>
          [
            `${o.set ? "Saved. " : o.reset ? "Back to the defaults. " : ""}Steps:`,
            table(
              s.steps.map((x) => ({
                id: x.id,
                start: x.start.event ?? x.start.type ?? "",
                outcome: x.outcome.event ?? x.outcome.type ?? "",
                key: x.key,
                "outcome is": x.outcomeIs,
              })),
              ["id", "start", "outcome", "key", "outcome is"],
            ),
            `Dimensions: ${s.dimensions.map((d) => d.name).join(", ")}; min |z| ${s.minZ}, min units ${s.minUnits}, min ratio ${s.minRatio}.`,
          ].join("\n"),
      ),
    );
}
