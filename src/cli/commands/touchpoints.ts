// `itinera touchpoints list|add|edit|remove|unmatched|suggest`: the touchpoint catalogue, whose rules name each
// event and place it in a stage, and the events no rule names yet.
import { Type } from "@sinclair/typebox";
import { type Command, Option } from "commander";
import type { EventMatch } from "../../journey/rules.js";
import type { ApplyResult, Suggestions } from "../../journey/suggestions/schema.js";
import { type Touchpoint, TouchpointInput, TouchpointKinds } from "../../journey/touchpoints.js";
import type { Unmatched } from "../../journey/unmatched.js";
import {
  addTouchpointOperation,
  applySuggestionsOperation,
  editTouchpointOperation,
  removeTouchpointOperation,
  suggestionsOperation,
  touchpointListOperation,
  unmatchedOperation,
} from "../../server/operations/touchpoints.js";
import { checkShape, collect, readJsonFile } from "../input.js";
import { positiveInt } from "../options.js";
import { CliError, table } from "../output.js";
import {
  CONDITION_FORM,
  describeChannels,
  describeEvent,
  describeMatch,
  describeWhere,
  parseCondition,
} from "../rule-text.js";
import { act, perform } from "../target.js";

const EventTypes = ["track", "page", "screen", "identify"] as const;
const TouchpointPatch = Type.Partial(TouchpointInput);

interface RuleOptions {
  file?: string;
  name?: string;
  stage?: string;
  event?: string;
  type?: string;
  channel?: string[];
  where?: string[];
  kind?: string;
  advances?: boolean;
  subject?: string;
}
interface EditOptions extends RuleOptions {
  anyChannel?: boolean;
  clearWhere?: boolean;
}

/** The flags both add and edit take; only the flags given change anything. */
function ruleFlags(cmd: Command): Command {
  return cmd
    .option(
      "--file <file>",
      "a JSON file with the touchpoint (add) or the fields to change (edit); flags win",
    )
    .option("--name <name>", 'what people call it, e.g. "Checkout (web)"; the id is made from it')
    .option("--stage <key>", "the stage it belongs to (see `itinera journey model`)")
    .option("--event <name>", "the event (track) or page/screen name it matches")
    .addOption(new Option("--type <type>", "event type to match (default track)").choices(EventTypes))
    .option("--channel <channel>", "only on this channel (repeat, or a,b); default any channel", collect)
    .option(
      "--where <condition>",
      `a property condition, all must hold (repeat): ${CONDITION_FORM}`,
      collect,
      [],
    )
    .addOption(
      new Option("--kind <kind>", "what sort of touchpoint (default interaction)").choices(TouchpointKinds),
    )
    .option("--advances", "puts the customer in its stage (the default, except for response and message)")
    .option("--no-advances", "does not move the customer (what the brand does, e.g. a reply or a newsletter)")
    .option(
      "--subject <property>",
      "for contacts: the property saying what it is about (for repeat contacts)",
    );
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function fileDoc(o: RuleOptions): Record<string, unknown> {
  if (!o.file) return {};
  const doc = readJsonFile("--file", o.file);
  if (!isObject(doc)) throw new CliError(`--file ${o.file} must hold one JSON object`, 2);
  return doc;
}

const matchFlagsGiven = (o: EditOptions) =>
  o.event !== undefined ||
  o.type !== undefined ||
  Boolean(o.channel?.length) ||
  Boolean(o.where?.length) ||
  Boolean(o.anyChannel) ||
  Boolean(o.clearWhere);

/** The rule the flags describe, on top of `base` (the file's or the current rule). */
function matchFrom(o: EditOptions, base: EventMatch): EventMatch {
  const m: EventMatch = { ...base };
  if (o.type !== undefined) m.type = o.type as EventMatch["type"];
  if (o.event !== undefined) m.event = o.event;
  if (o.anyChannel) delete m.channels;
  const channels = (o.channel ?? []).flatMap((c) => c.split(",")).map((c) => c.trim());
  if (channels.some((c) => c === "")) throw new CliError("--channel has an empty channel name", 2);
  if (channels.length) m.channels = channels;
  if (o.clearWhere) delete m.where;
  if (o.where?.length) m.where = o.where.map((w) => parseCondition("--where", w));
  return m;
}

/** Name, stage, kind, advances and subject from the flags, over the file's fields. */
function fieldsFrom(o: RuleOptions, doc: Record<string, unknown>): Record<string, unknown> {
  const out = { ...doc };
  if (o.name !== undefined) out.name = o.name;
  if (o.stage !== undefined) out.stage = o.stage;
  if (o.kind !== undefined) out.kind = o.kind;
  if (o.advances !== undefined) out.advances = o.advances;
  if (o.subject !== undefined) out.subject = o.subject;
  return out;
}

const summary = (t: Touchpoint) =>
  `${t.name} (${t.id}) in ${t.stage}: ${describeMatch(t.match)}${t.kind === "interaction" ? "" : `, ${t.kind}`}${t.advances ? "" : ", does not advance"}`;

const APPLIED = "The journey tables apply it to the whole history at the next refresh.";

function renderList(items: Touchpoint[]): string {
  const rows = items.map((t, i) => ({
    "#": i + 1,
    id: t.id,
    name: t.name,
    stage: t.stage,
    kind: t.advances ? t.kind : `${t.kind} (no advance)`,
    channels: describeChannels(t.match),
    event: describeEvent(t.match),
    where: describeWhere(t.match.where),
  }));
  return [
    table(rows, ["#", "id", "name", "stage", "kind", "channels", "event", "where"]),
    "",
    "An event takes the first touchpoint whose rule it matches (# is that order).",
  ].join("\n");
}

function renderUnmatched(u: Unmatched): string {
  if (u.events === 0) return "Every event matches a touchpoint.";
  const rows = u.groups.map((g) => ({
    type: g.type,
    event: g.event ?? "",
    channel: g.channel,
    events: g.events,
    firstSeen: g.firstSeen,
    lastSeen: g.lastSeen,
    example: g.example,
  }));
  return [
    `${u.events} events (${(u.share * 100).toFixed(1)}% of all) match no touchpoint:`,
    "",
    table(rows, ["type", "event", "channel", "events", "firstSeen", "lastSeen", "example"]),
    "",
    'Name one: itinera touchpoints add --name "…" --stage <key> --event "<event>" [--channel <channel>]',
  ].join("\n");
}

const percent = (x: number) => `${Math.round(x * 100)}%`;

function renderSuggestions(s: Suggestions): string {
  if (s.items.length === 0) return "Every event matches a touchpoint: nothing to suggest.";
  const rows = s.items.map((x) => ({
    id: x.id,
    event: x.event,
    name: x.name,
    stage: x.conversion ? `${x.stage} (conversion)` : x.stage,
    byName: x.evidence.name ? `${x.evidence.name.stage} ("${x.evidence.name.word}")` : "",
    byPath: x.evidence.sequence?.stage ?? "",
    confidence: percent(x.confidence),
    events: x.matches.events,
    customers: x.matches.customers,
  }));
  return [
    `${s.items.length} suggested touchpoints for unmatched events, among ${s.customers} customers:`,
    "",
    table(rows, ["id", "event", "name", "stage", "byName", "byPath", "confidence", "events", "customers"]),
    "",
    'Add one as it is or changed: itinera touchpoints add --name "…" --stage <key> --event "<event>"',
  ].join("\n");
}

function renderApplied(r: ApplyResult): string {
  const lines = [`Created ${r.created.length} touchpoints:`, ...r.created.map((t) => `  ${summary(t)}`)];
  if (r.refused.length)
    lines.push(`Refused ${r.refused.length}:`, ...r.refused.map((x) => `  ${x.id}: ${x.message}`));
  if (r.created.length) lines.push(APPLIED);
  return lines.join("\n");
}

export function touchpointCommands(program: Command): void {
  const touchpoints = program
    .command("touchpoints")
    .description("the touchpoint catalogue: rules that name each event and place it in a journey stage");

  touchpoints
    .command("list")
    .description("the touchpoints in the order their rules are checked")
    .action((_o: unknown, cmd: Command) =>
      act(
        cmd,
        (config) => perform(config, touchpointListOperation, {}),
        (l) => renderList(l.items),
      ),
    );

  ruleFlags(
    touchpoints
      .command("add")
      .description("add a touchpoint; it goes last, or before another with --before")
      .option("--before <id>", "check this rule before the touchpoint with this id"),
  )
    .addHelpText(
      "after",
      `
Examples:
  $ itinera touchpoints add --name "Big order" --stage purchase --event "Order Completed" --where "total gt 100"
  $ itinera touchpoints add --name "Android checkout" --stage purchase --event "Checkout Started" \\
      --channel app --where "context.os.name eq Android" --before checkout-web
  $ itinera touchpoints add --name "Pricing page" --stage consideration --type page --event Pricing
  $ itinera touchpoints add --name "Coupon used" --stage purchase --event "Coupon Applied" --where "coupon exists"
  $ itinera touchpoints add --file rule.json      # a whole TouchpointInput document`,
    )
    .action((o: RuleOptions & { before?: string }, cmd: Command) =>
      act(
        cmd,
        (config) => {
          const doc = fieldsFrom(o, fileDoc(o));
          if (doc.name === undefined)
            throw new CliError("give the touchpoint a --name (or a --file with one)", 2);
          if (doc.stage === undefined)
            throw new CliError("give the touchpoint a --stage (or a --file with one)", 2);
          const base = isObject(doc.match) ? (doc.match as EventMatch) : {};
          doc.match = matchFrom(o, base);
          const input = checkShape<TouchpointInput>(TouchpointInput, doc, "touchpoint");
          return perform(config, addTouchpointOperation, { query: { before: o.before }, body: input });
        },
        (t) => `Added ${summary(t)}.\n${APPLIED}`,
      ),
    );

  ruleFlags(
    touchpoints
      .command("edit <id>")
      .description("change a touchpoint; only the fields given change")
      .option("--any-channel", "drop the channel restriction")
      .option("--clear-where", "drop the property conditions (--where then gives new ones)"),
  )
    .addHelpText(
      "after",
      `
--channel and --where replace the rule's channels and conditions; its other match fields stay.

Examples:
  $ itinera touchpoints edit big-order --stage retention
  $ itinera touchpoints edit big-order --where "total gte 250" --channel web --channel app
  $ itinera touchpoints edit support-call --kind contact --subject order_id
  $ itinera touchpoints edit big-order --file patch.json   # e.g. {"feedback": {"value": 1}}`,
    )
    .action((id: string, o: EditOptions, cmd: Command) =>
      act(
        cmd,
        async (config) => {
          const patch = fieldsFrom(o, fileDoc(o));
          if (matchFlagsGiven(o)) {
            // Match flags change parts of the rule; the API replaces the match whole, so start from it.
            let base = patch.match as EventMatch | undefined;
            if (!isObject(base)) {
              const { items } = await perform(config, touchpointListOperation, {});
              const current = items.find((t) => t.id === id);
              if (!current) throw new CliError(`no touchpoint "${id}"`, 3);
              base = current.match;
            }
            patch.match = matchFrom(o, base);
          }
          if (Object.keys(patch).length === 0)
            throw new CliError("nothing to change: give flags such as --stage or --where, or --file", 2);
          const checked = checkShape<Partial<TouchpointInput>>(TouchpointPatch, patch, "touchpoint change");
          return perform(config, editTouchpointOperation, { params: { id }, body: checked });
        },
        (t) => `Changed ${summary(t)}.\n${APPLIED}`,
      ),
    );

  touchpoints
    .command("remove <id>")
    .description("remove a touchpoint; its events go to the next rule that matches them, or to unmatched")
    .addHelpText("after", "\nExample:\n  $ itinera touchpoints remove big-order")
    .action((id: string, _o: unknown, cmd: Command) =>
      act(
        cmd,
        (config) => perform(config, removeTouchpointOperation, { params: { id } }),
        (r) => `Removed touchpoint ${r.id}.\n${APPLIED}`,
      ),
    );

  touchpoints
    .command("unmatched")
    .description("events no touchpoint names, by type, name and channel, most frequent first")
    .option("--limit <n>", "most groups shown, 1–1000", "100")
    .addHelpText("after", "\nExample:\n  $ itinera touchpoints unmatched --limit 20")
    .action((o: { limit: string }, cmd: Command) =>
      act(
        cmd,
        (config) => {
          const limit = positiveInt("--limit", o.limit, 100);
          if (limit > 1000) throw new CliError(`--limit must be at most 1000 (got ${limit})`, 2);
          return perform(config, unmatchedOperation, { query: { limit } });
        },
        renderUnmatched,
      ),
    );

  touchpoints
    .command("suggest")
    .description(
      "a touchpoint for each unmatched event name: stage by its name and its place in customers' paths, the likely conversion, a confidence",
    )
    .option("--limit <n>", "most event names, 1–1000", "200")
    .option("--apply", "create the suggested touchpoints as proposed (all, or those of --only)")
    .option("--only <ids>", "with --apply: only these suggestion ids (repeat, or a,b)", collect)
    .addHelpText(
      "after",
      "\nExamples:\n  $ itinera touchpoints suggest --json\n  $ itinera touchpoints suggest --apply --only payment-done,cart",
    )
    .action((o: { limit: string; apply?: boolean; only?: string[] }, cmd: Command) =>
      o.apply
        ? act(
            cmd,
            (config) =>
              perform(config, applySuggestionsOperation, {
                body: o.only ? { items: o.only.flatMap((ids) => ids.split(",")).map((id) => ({ id })) } : {},
              }),
            renderApplied,
          )
        : act(
            cmd,
            async (config) => {
              if (o.only) throw new CliError("--only goes with --apply", 2);
              const limit = positiveInt("--limit", o.limit, 200);
              if (limit > 1000) throw new CliError(`--limit must be at most 1000 (got ${limit})`, 2);
              return perform(config, suggestionsOperation, { query: { limit } });
            },
            renderSuggestions,
          ),
    );
}
