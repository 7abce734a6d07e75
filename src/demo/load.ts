// Loads the built-in sample through the same path as the collection API (validation, dedupe,
// identity), so a new database shows a realistic world at once.

import { type NormalisedEvent, normalise } from "../collect/normalise.js";
import type { EventWriter } from "../collect/writer.js";
import type { Config } from "../config.js";
import type { IdentifierRules } from "../identity/identifiers.js";
import { sampleMessages } from "./sample.js";

const CHUNK = 2000;

export interface LoadSummary {
  accepted: number;
  duplicates: number;
  rejected: number;
}

export async function loadSample(
  writer: EventWriter,
  rules: IdentifierRules,
  config: Config,
  opts: { customers: number; days: number; seed: number; now?: Date },
): Promise<LoadSummary> {
  const summary: LoadSummary = { accepted: 0, duplicates: 0, rejected: 0 };
  const now = opts.now ?? new Date();
  let chunk: NormalisedEvent[] = [];
  const flush = async () => {
    const r = await writer.write(chunk);
    if (!r.ok) throw new Error(`demo load stopped: writer ${r.error}`);
    summary.accepted += r.value.accepted;
    summary.duplicates += r.value.duplicates;
    chunk = [];
  };
  for (const m of sampleMessages({ customers: opts.customers, days: opts.days, seed: opts.seed, now })) {
    const n = normalise(
      m,
      undefined,
      { receivedAt: now.getTime(), source: "demo", maxEventBytes: config.limits.maxEventBytes },
      rules,
    );
    if (n.ok) chunk.push(n.value);
    else summary.rejected++;
    if (chunk.length >= CHUNK) await flush();
  }
  if (chunk.length > 0) await flush();
  return summary;
}
