// Suggested touchpoints for the events no touchpoint names: a readable name, a stage from two kinds of
// evidence (the name's words and the place in customers' paths), the likely conversion, a confidence,
// and what each would take. Only aggregates per event name reach Node; the paths stay in the database.
import { runQuery, type Store } from "../../store/database.js";
import { readDefinitions } from "../definitions.js";
import type { JourneyModel } from "../model.js";
import { idFromName, type TouchpointInput } from "../touchpoints.js";
import {
  defaultLexicon,
  type Lexicon,
  readableName,
  soundsLikeConversion,
  stageFromName,
} from "./lexicon.js";
import type { Suggestion, Suggestions } from "./schema.js";
import { type NameSequence, nameSequences, positionsBefore, type RelativePosition } from "./sequences.js";

/** Conversions are late, end paths and are reached by a minority; below this score a name is not one. */
const CONVERSION_SCORE = 0.5;
/** A name that says it is done ("payment_done", "결제완료") gets this much more conversion score. */
const CONVERSION_WORD_BONUS = 0.15;

/**
 * The likely conversion score: how late it first comes × how often nothing follows it × how much of a
 * minority reaches it (a name most customers reach is a step everyone takes, not the goal).
 */
export function conversionScore(n: NameSequence, everyone: number, lexicon: Lexicon): number {
  const reach = everyone ? n.seenBy / everyone : 0;
  const minority = reach <= 0.5 ? 1 : Math.max(0, (1 - reach) * 2);
  const score = n.position * n.lastShare * minority;
  return Math.min(1, score + (soundsLikeConversion(n.event, lexicon) ? CONVERSION_WORD_BONUS : 0));
}

/**
 * The stage a place in the path points to. Relative to the conversion (1 = the conversion): the first
 * thing is awareness, what comes well before it consideration, the steps just before it purchase, and
 * what follows it retention. Without a conversion, only the path's own order is known, so nothing is
 * said to come after the purchase.
 */
export function stageFromPlace(basis: "conversion" | "path", position: number): string {
  if (basis === "conversion" && position > 1) return "retention";
  if (position <= 0.1) return "awareness";
  if (position < 0.55) return "consideration";
  return "purchase";
}

const AFTER_PURCHASE = new Set(["retention", "advocacy"]);

/**
 * How much the two kinds of evidence agree, 0–1. The same stage agrees; retention and advocacy both
 * mean "after the purchase", which is all a path can tell; neighbouring stages half disagree. One kind
 * alone is worth half: a name can mislead ("main" of a product line) and so can a short path.
 */
function agreement(
  nameStage: string | undefined,
  placeStage: string | undefined,
  model: JourneyModel,
): number {
  if (nameStage && placeStage) {
    if (nameStage === placeStage) return 1;
    if (AFTER_PURCHASE.has(nameStage) && AFTER_PURCHASE.has(placeStage)) return 0.8;
    const order = model.stages.map((s) => s.key);
    const gap = Math.abs(order.indexOf(nameStage) - order.indexOf(placeStage));
    return gap === 1 ? 0.4 : 0.2;
  }
  return nameStage || placeStage ? 0.5 : 0.2;
}

/** More customers make the evidence firmer: 10 customers give three quarters of full weight. */
const weight = (customers: number) => 0.5 + 0.5 * (customers / (customers + 10));

interface Options {
  lexicon?: Lexicon;
  /** At most this many event names, most events first. */
  limit?: number;
}

export async function suggestTouchpoints(store: Store, options: Options = {}): Promise<Suggestions> {
  const lexicon = options.lexicon ?? defaultLexicon;
  return runQuery(store, {
    duckdb: () =>
      store.read(async (conn) => {
        const defs = await readDefinitions(conn);
        const { customers, names } = await nameSequences(conn, defs.touchpoints, options.limit ?? 200);
        const scores = new Map(names.map((n) => [keyOf(n), conversionScore(n, customers, lexicon)]));
        const conversions = names.filter((n) => {
          const stage = stageFromName(n.event, lexicon)?.stage;
          // A late, final "review_done" is the advocacy it names, not a purchase.
          return scores.get(keyOf(n))! >= CONVERSION_SCORE && (!stage || stage === "purchase");
        });
        const relative = new Map(
          (await positionsBefore(conn, defs.touchpoints, conversions)).map((r) => [keyOf(r), r]),
        );
        const isConversion = new Set(conversions.map(keyOf));
        const taken = new Set(defs.touchpoints.flatMap((t) => [t.id, t.name]));
        const items = names.map((n) =>
          suggestion(n, {
            model: defs.model,
            lexicon,
            everyone: customers,
            score: scores.get(keyOf(n))!,
            conversion: isConversion.has(keyOf(n)),
            anyConversion: conversions.length > 0,
            relative: relative.get(keyOf(n)),
            taken,
          }),
        );
        const order = defs.model.stages.map((s) => s.key);
        items.sort(
          (a, b) =>
            order.indexOf(a.stage) - order.indexOf(b.stage) ||
            placeOf(a) - placeOf(b) ||
            b.matches.events - a.matches.events,
        );
        return { customers, conversions: items.filter((s) => s.conversion).map((s) => s.id), items };
      }),
  });
}

const keyOf = (n: { type: string; event: string }) => `${n.type}\u0000${n.event}`;
const placeOf = (s: Suggestion) => s.evidence.sequence?.position ?? 0;

interface Context {
  model: JourneyModel;
  lexicon: Lexicon;
  everyone: number;
  score: number;
  conversion: boolean;
  anyConversion: boolean;
  relative: RelativePosition | undefined;
  /** Touchpoint ids and names in use, and those given to earlier suggestions. */
  taken: Set<string>;
}

function suggestion(n: NameSequence, c: Context): Suggestion {
  const inModel = (stage: string | undefined) =>
    stage && c.model.stages.some((s) => s.key === stage) ? stage : undefined;
  const byName = stageFromName(n.event, c.lexicon);
  const sequence =
    n.seenBy === 0
      ? null
      : c.relative && c.relative.customers > 0
        ? { basis: "conversion" as const, position: c.relative.relative, customers: c.relative.customers }
        : { basis: "path" as const, position: n.position, customers: n.seenBy };
  const placeStage = c.conversion
    ? "purchase"
    : sequence
      ? stageFromPlace(sequence.basis, sequence.position)
      : undefined;
  const nameStage = inModel(byName?.stage);
  // A deliberate name outweighs a place in paths that may be short or partial.
  const stage = nameStage ?? inModel(placeStage) ?? c.model.stages[0]!.key;
  const agree = agreement(nameStage, inModel(placeStage), c.model);
  // A path only relative to itself says less than one anchored on a conversion.
  const basisFactor = sequence?.basis === "path" && !nameStage ? 0.8 : 1;
  const confidence = round(agree * basisFactor * weight(sequence?.customers ?? n.customers));
  const name = uniqueName(readableName(n.event), n, c.taken);
  // Once a conversion is known, it alone puts customers in the purchase stage: a cart is not a purchase.
  const advances = !(c.anyConversion && stage === "purchase" && !c.conversion);
  const touchpoint: TouchpointInput = {
    name,
    stage,
    match: n.type === "track" ? { event: n.event } : { type: n.type as "page" | "screen", event: n.event },
    advances,
  };
  return {
    id: idFromName(name),
    type: n.type,
    event: n.event,
    channels: n.channels,
    name,
    stage,
    advances,
    conversion: c.conversion,
    conversionScore: round(c.score),
    confidence,
    evidence: {
      name: byName,
      sequence: sequence && {
        stage: placeStage!,
        basis: sequence.basis,
        position: round(sequence.position),
        customers: sequence.customers,
        lastShare: round(n.lastShare),
        reach: round(c.everyone ? n.seenBy / c.everyone : 0),
      },
    },
    matches: { events: n.events, customers: n.customers },
    touchpoint,
  };
}

/** A name (and so an id) no touchpoint or earlier suggestion has: "Cart" then "Cart (page)", "Cart 2". */
function uniqueName(base: string, n: NameSequence, taken: Set<string>): string {
  const free = (name: string) => !taken.has(name) && !taken.has(idFromName(name));
  const candidates = [
    base,
    `${base} (${n.type})`,
    ...Array.from({ length: 50 }, (_, i) => `${base} ${i + 2}`),
  ];
  const name = candidates.find(free) ?? `${base} ${taken.size}`;
  taken.add(name);
  taken.add(idFromName(name));
  return name;
}

const round = (x: number) => Math.round(x * 1000) / 1000;
