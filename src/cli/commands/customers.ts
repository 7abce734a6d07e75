// `itinera customers search Q`, `itinera customer show ID`, `itinera stats`.
import type { Command } from "commander";
import { INSIGHTS, insightOf } from "../../analytics/insights.js";
import type { CustomerProfile } from "../../customers/profile.js";
import type { TimelinePage } from "../../customers/timeline.js";
import {
  customerOperation,
  searchCustomersOperation,
  statsOperation,
  timelineOperation,
} from "../../server/operations/customers.js";
import type { StoreStats } from "../../store/stats.js";
import { customersBehind, renderCustomersBehind } from "../customers-behind.js";
import { readJsonFile } from "../input.js";
import { positiveInt } from "../options.js";
import { CliError, table } from "../output.js";
import { act, perform } from "../target.js";
import { customerPrivacyCommands } from "./privacy.js";

function showProfile(p: CustomerProfile & { timeline?: TimelinePage }): string {
  const out = [
    `Customer ${p.id}  ·  ${p.eventCount} events  ·  first seen ${p.firstSeen ?? "-"}  ·  last seen ${p.lastSeen ?? "-"}`,
    "",
    "Identifiers:",
    table(p.identifiers as unknown as Array<Record<string, unknown>>, ["kind", "value", "firstSeen"]),
    "",
    "Traits (latest wins):",
    table(
      Object.entries(p.traits).map(([k, t]) => ({
        trait: k,
        value: JSON.stringify(t.value),
        from: `${t.source.channel} ${t.source.at}`,
      })),
      ["trait", "value", "from"],
    ),
    "",
    "Channels:",
    table(p.channels as unknown as Array<Record<string, unknown>>, [
      "channel",
      "events",
      "firstSeen",
      "lastSeen",
    ]),
    "",
    "Why these identifiers are one customer:",
    table(
      p.links.map((l) => ({
        at: l.at,
        link: `${l.from.kind}:${l.from.value} ↔ ${l.to.kind}:${l.to.value}`,
        decision: l.accepted ? "linked" : "REFUSED",
        reason: l.reason,
        evidence: l.messageId,
      })),
      ["at", "link", "decision", "reason", "evidence"],
    ),
  ];
  if (p.timeline) {
    out.push(
      "",
      "Latest events:",
      table(
        p.timeline.events.map((e) => ({
          timestamp: e.timestamp,
          channel: e.channel,
          type: e.type,
          event: e.event,
        })),
        ["timestamp", "channel", "type", "event"],
      ),
    );
  }
  return out.join("\n");
}

export function customerCommands(program: Command): void {
  const customers = program.command("customers").description("find customers, or list those behind a number");
  customers
    .command("behind <analysis>")
    .description(`the customers behind one number of an analysis (${INSIGHTS.map((i) => i.kind).join(", ")})`)
    .requiredOption(
      "--file <request.json>",
      "the analysis's request as JSON (the body of POST /api/insights/<analysis>)",
    )
    .requiredOption("--cell <json>", "the number, as JSON: the analysis's cell (see the API document)")
    .option("--limit <n>", "customers per page (default 50)")
    .option("--after <id>", "start after this customer id (the `next` of the previous page)")
    .addHelpText(
      "after",
      `
Cells:
  funnel           {"step": 2, "kind": "reached"|"dropped", "breakdown"?: "value"|null, "period"?: "<start>"}
  paths            {"step": 1, "name": "Cart Viewed", "next"?: "Order Completed"} | {"path": [...]} | {"goal": true}
  retention        {"cohort": "2026-05-04T00:00:00.000Z", "period": 2}
  stage-flow       {"source": "consideration", "target": "purchase"} | {}
  time-to-convert  {"bin": 3} | {"outcome": "entered"|"converted"|"not_converted"}

Examples:
  $ itinera customers behind retention --file retention.json --cell '{"cohort": "2026-05-04T00:00:00.000Z", "period": 1}'
  $ itinera customers behind stage-flow --file flow.json --cell '{"source": "purchase", "target": "(exit)"}' --json`,
    )
    .action((kind: string, o: { file: string; cell: string; limit?: string; after?: string }, cmd: Command) =>
      act(
        cmd,
        (config) => {
          const insight = insightOf(kind);
          if (!insight)
            throw new CliError(
              `no analysis "${kind}" (analyses: ${INSIGHTS.map((i) => i.kind).join(", ")})`,
              2,
            );
          let cell: unknown;
          try {
            cell = JSON.parse(o.cell);
          } catch (e) {
            throw new CliError(`--cell is not JSON: ${(e as Error).message}`, 2);
          }
          return customersBehind(config, insight, {
            request: readJsonFile("--file", o.file),
            cell,
            limit: positiveInt("--limit", o.limit, 50),
            ...(o.after ? { after: positiveInt("--after", o.after, 1) } : {}),
          });
        },
        renderCustomersBehind,
      ),
    );
  customers
    .command("search <query>")
    .description(
      "find customers by email, phone (any format), user id, anonymous id, trait key, or the start of an email or name",
    )
    .option("--limit <n>", "most results", "20")
    .action((query: string, opts: { limit: string }, cmd: Command) =>
      act(
        cmd,
        (config) =>
          perform(config, searchCustomersOperation, {
            query: { q: query, limit: positiveInt("--limit", opts.limit, 20) },
          }),
        (r) =>
          table(
            r.customers.map((c) => ({
              id: c.id,
              name: c.name,
              identifiers: c.identifiers.map((i) => `${i.kind}:${i.value}`).join(", "),
              matched: c.matchedBy.join(","),
            })),
            ["id", "name", "identifiers", "matched"],
          ),
      ),
    );

  const customer = program.command("customer").description("one customer");
  customerPrivacyCommands(customer);
  customer
    .command("show <id>")
    .description("profile, identifiers and why they were linked, traits, channels and latest events")
    .option("--events <n>", "how many latest events to show", "20")
    .action((rawId: string, opts: { events: string }, cmd: Command) =>
      act(
        cmd,
        async (config) => {
          const id = positiveInt("customer id", rawId, 0);
          const limit = positiveInt("--events", opts.events, 20);
          const profile = await perform(config, customerOperation, { params: { id } });
          const timeline = await perform(config, timelineOperation, { params: { id }, query: { limit } });
          return { ...profile, timeline };
        },
        showProfile,
      ),
    );

  program
    .command("stats")
    .description("events, customers and identifiers stored, per channel and type")
    .action((_o: unknown, cmd: Command) =>
      act(
        cmd,
        (config) => perform(config, statsOperation, {}),
        (s: StoreStats) =>
          [
            `${s.events} events (${s.eventsLast24h} in the last 24 h), ${s.customers} customers, ${s.merges} merges, ${s.refusedLinks} refused links`,
            `first ${s.firstEvent ?? "-"}  last ${s.lastEvent ?? "-"}  unattributed ${s.unattributedEvents}  suppressed (erased customers) ${s.suppressedEvents}`,
            `loader: ${s.loader.pendingEvents} events waiting (${s.loader.lagSeconds.toFixed(1)} s behind)${s.loader.lastError ? `, last error: ${s.loader.lastError}` : ""}; ${s.loader.storedTotal} stored, ${s.loader.duplicatesTotal} duplicates dropped`,
            "",
            table(
              Object.entries(s.channels).map(([channel, events]) => ({ channel, events })),
              ["channel", "events"],
            ),
            "",
            table(
              Object.entries(s.identifiers).map(([kind, count]) => ({ kind, count })),
              ["kind", "count"],
            ),
          ].join("\n"),
      ),
    );
}
