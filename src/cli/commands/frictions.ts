// `itinera frictions`: what is really wrong in a period, ranked, and the customers behind a friction.
import type { Command } from "commander";
import { findFrictions, listFrictionCustomers } from "../../analytics/frictions/frictions.js";
import type { Friction, FrictionCustomers, FrictionList } from "../../analytics/frictions/schema.js";
import { FrictionSettings } from "../../analytics/frictions/settings.js";
import { loadFrictionSettings, putFrictionSettings } from "../../analytics/frictions/settings-store.js";
import { cliActor } from "../../audit/log.js";
import { checkShape, isoFlag, orFail, readJsonFile, withQuery } from "../input.js";
import { configFrom, type GlobalOptions, positiveInt } from "../options.js";
import { CliError, customerPage, emit, fail, table } from "../output.js";
import { viaServerOr } from "../target.js";

interface PeriodOptions {
  persona?: string;
  stage?: string;
  from?: string;
  to?: string;
}

/** The persona and period flags as the API's query and as the local call's arguments. */
function periodOf(o: PeriodOptions) {
  const from = isoFlag("--from", o.from);
  const to = isoFlag("--to", o.to);
  return {
    query: { persona: o.persona, stage: o.stage, from, to },
    local: {
      persona: o.persona,
      stage: o.stage,
      from: from === undefined ? undefined : new Date(from),
      to: to === undefined ? undefined : new Date(to),
    },
  };
}

function limitFlag(raw: string | undefined, fallback: number, max: number): number {
  const n = positiveInt("--limit", raw, fallback);
  if (n > max) throw new CliError(`--limit must be at most ${max} (got ${n})`, 2);
  return n;
}

const segmentText = (f: Friction) =>
  Object.entries(f.segment)
    .map(([k, v]) => (typeof v === "string" && /^[<>!]=? /.test(v) ? `${k} ${v}` : `${k}=${v}`))
    .join(", ") || "everyone";

function renderList(list: FrictionList): string {
  const head = `${list.total} frictions · ${list.period.from.slice(0, 10)} → ${list.period.to.slice(0, 10)} · as of ${list.asOf}`;
  if (!list.frictions.length) return `${head}\n\nNo friction stands out in this period.`;
  const blocks = list.frictions.map((f) => {
    const e = f.evidence;
    const lost = [
      f.lostConversions === null ? null : `${f.lostConversions} conversions`,
      f.lostRevenue === null ? null : `${f.lostRevenue} revenue`,
    ]
      .filter(Boolean)
      .join(", ");
    return [
      `${f.rank}. ${f.title}`,
      `   ${f.kind} · ${f.stage ?? "-"} · ${f.touchpoint?.name ?? "-"} · segment: ${segmentText(f)}${f.since ? ` · since ${f.since.slice(0, 10)}` : ""}`,
      `   ${f.customers} customers · impact ${f.impact}${lost ? ` · lost: ${lost}` : ""}`,
      `   evidence: ${e.measure}: ${e.value} (${e.cases}/${e.units}) vs ${e.baseline} (${e.baselineCases}/${e.baselineUnits}, ${e.baselineLabel})${e.z === null ? "" : `, z ${e.z}`}`,
      `   customers: itinera frictions customers ${f.id}`,
    ].join("\n");
  });
  return [head, "", blocks.join("\n\n")].join("\n");
}

const renderCustomers = (page: FrictionCustomers): string =>
  customerPage(`${page.total} customers behind ${page.friction}`, page);

export function frictionCommands(program: Command): void {
  const frictions = program
    .command("frictions")
    .description(
      "what is really wrong: drop-offs with the segment that explains them, abandonment, repeat contacts, slow responses, over-contact, negative feedback",
    )
    .option("--from <iso>", "start of the period, inclusive: a date or time (default: 30 days before --to)")
    .option("--to <iso>", "end of the period, exclusive (default: just after the newest event)")
    .option("--persona <id>", "only customers of this persona (or unassigned); default everyone")
    .option("--stage <key>", "only customers now in this journey stage (a stage key); default every stage")
    .option(
      "--limit <n>",
      "frictions listed, 1–100 (default 20); with `customers`, customers per page, 1–1000 (default 50)",
    )
    .addHelpText(
      "after",
      `
Examples:
  $ itinera frictions
  $ itinera frictions --from 2026-04-01 --to 2026-06-01 --limit 5
  $ itinera frictions --persona tech-savvy-tim
  $ itinera --json frictions
  $ itinera frictions customers drop-off:payment --limit 100`,
    )
    .action(async (o: PeriodOptions & { limit?: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      try {
        const config = configFrom(g);
        const period = periodOf(o);
        const limit = limitFlag(o.limit, 20, 100);
        const list = await viaServerOr<FrictionList>(
          config,
          { method: "GET", path: withQuery("/api/frictions", { ...period.query, limit }) },
          async (ctx) => orFail(await findFrictions(ctx.store, ctx.journey, { ...period.local, limit })),
        );
        emit(g, list, renderList);
      } catch (e) {
        fail(g, e);
      }
    });

  frictions
    .command("customers <id>")
    .description(
      "the customers behind a friction, page by page; --persona/--from/--to as for the list, --limit customers per page (1–1000, default 50)",
    )
    .option("--after <id>", "the `next` of the previous page")
    .action(async (id: string, own: { after?: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      try {
        // --persona, --from, --to and --limit belong to `frictions`, wherever they are typed.
        const o = { ...(cmd.parent?.opts<PeriodOptions & { limit?: string }>() ?? {}), ...own };
        const config = configFrom(g);
        const period = periodOf(o);
        const limit = limitFlag(o.limit, 50, 1000);
        const after = o.after === undefined ? undefined : positiveInt("--after", o.after, 0);
        const page = await viaServerOr<FrictionCustomers>(
          config,
          {
            method: "GET",
            path: withQuery(`/api/frictions/${encodeURIComponent(id)}/customers`, {
              ...period.query,
              limit,
              after,
            }),
          },
          async (ctx) =>
            orFail(
              await listFrictionCustomers(ctx.store, ctx.journey, { id, ...period.local, limit, after }),
            ),
        );
        emit(g, page, renderCustomers);
      } catch (e) {
        fail(g, e);
      }
    });

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
    .action(async (o: { set?: string; reset?: boolean }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      try {
        if (o.set && o.reset) throw new CliError("give --set FILE or --reset, not both", 2);
        const doc = o.set
          ? checkShape<FrictionSettings>(FrictionSettings, readJsonFile("--set", o.set), `--set ${o.set}`)
          : undefined;
        const settings = await viaServerOr<FrictionSettings>(
          configFrom(g),
          doc
            ? { method: "PUT", path: "/api/frictions/settings", body: doc }
            : o.reset
              ? { method: "DELETE", path: "/api/frictions/settings" }
              : { method: "GET", path: "/api/frictions/settings" },
          async (ctx) =>
            doc
              ? orFail(await putFrictionSettings(ctx.store, doc, cliActor()))
              : o.reset
                ? orFail(await putFrictionSettings(ctx.store, null, cliActor()))
                : loadFrictionSettings(ctx.store),
        );
        emit(g, settings, (s) =>
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
        );
      } catch (e) {
        fail(g, e);
      }
    });
}
