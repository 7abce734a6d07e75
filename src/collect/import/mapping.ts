// Which column of an import file feeds which field of an event. Mappings come from `--map target=column`
// flags or a mapping file with the same keys, and are checked against the file's columns before any
// row is read, so a typo costs an error message, not a half-imported file.
import { err, ok, type Result } from "../../result.js";
import type { ImportFormat } from "./contract.js";

/** Event fields a column can feed; configured trait identifier keys are targets too. */
export const fieldTargets = [
  "messageId",
  "type",
  "event",
  "timestamp",
  "userId",
  "anonymousId",
  "email",
  "phone",
  "channel",
] as const;

/** Fields a CSV/Parquet column feeds without a flag when it carries the field's name. */
const byName = ["messageId", "timestamp", "userId", "anonymousId", "email", "phone", "event", "channel"];

export interface ResolvedMapping {
  /** Field target (or trait identifier key) → source column (CSV/Parquet) or dotted path (JSONL). */
  fields: Map<string, string>;
  /** properties.X → source. */
  properties: Map<string, string>;
  /** traits.X → source. */
  traits: Map<string, string>;
  /** CSV/Parquet columns no target uses; they become properties under their own names. */
  rest: string[];
  /** The mapping in effect, including columns mapped by name, for the summary. */
  used: Record<string, string>;
}

/** Parses repeated `--map target=column` flags. */
export function parseMapFlags(flags: readonly string[]): Result<Record<string, string>, string> {
  const out: Record<string, string> = {};
  for (const flag of flags) {
    const i = flag.indexOf("=");
    const target = flag.slice(0, i).trim();
    const source = flag.slice(i + 1).trim();
    if (i < 1 || target === "" || source === "")
      return err(`--map takes target=column, e.g. --map timestamp=call_start (got "${flag}")`);
    out[target] = source;
  }
  return ok(out);
}

/** Reads a mapping file's text: a JSON object of target → column, the same keys as --map. */
export function parseMappingFile(text: string, file: string): Result<Record<string, string>, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return err(`mapping file ${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
    return err(`mapping file ${file} must hold one JSON object of target → column`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v !== "string" || v.trim() === "")
      return err(`mapping file ${file}: "${k}" must name a column (got ${JSON.stringify(v)})`);
    out[k] = v.trim();
  }
  return ok(out);
}

const targetList = (traitIdentifiers: readonly string[]) =>
  [...fieldTargets, ...traitIdentifiers, "properties.NAME", "traits.NAME"].join(", ");

/** Rejects unknown targets before the file is opened. */
export function checkTargets(
  mapping: Record<string, string>,
  traitIdentifiers: readonly string[],
): Result<void, string> {
  const fields = new Set<string>([...fieldTargets, ...traitIdentifiers]);
  for (const target of Object.keys(mapping)) {
    const nested = /^(properties|traits)\.(.+)$/.exec(target);
    if (nested ? nested[2]!.trim() === "" : !fields.has(target))
      return err(`unknown mapping target "${target}"; targets are ${targetList(traitIdentifiers)}`);
  }
  return ok(undefined);
}

const squash = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, "");

/**
 * Resolves a mapping against the file's columns (CSV/Parquet) or top-level keys (JSONL; a JSONL source
 * may be a dotted path into the message). Unknown columns give an error naming the ones that exist.
 */
export function resolveMapping(
  format: ImportFormat,
  mapping: Record<string, string>,
  columns: readonly string[],
  traitIdentifiers: readonly string[],
): Result<ResolvedMapping, string> {
  const checked = checkTargets(mapping, traitIdentifiers);
  if (!checked.ok) return checked;
  const tabular = format !== "jsonl";
  const known = new Set(columns);
  for (const [target, source] of Object.entries(mapping)) {
    const head = tabular ? source : source.split(".")[0]!;
    if (!known.has(head)) {
      const what = tabular ? "column" : "top-level field";
      const list = columns.length > 0 ? columns.map((c) => JSON.stringify(c)).join(", ") : "(none)";
      return err(`${target}: the file has no ${what} "${head}"; it has ${list}`);
    }
  }

  const fields = new Map<string, string>();
  const properties = new Map<string, string>();
  const traits = new Map<string, string>();
  for (const [target, source] of Object.entries(mapping)) {
    if (target.startsWith("properties.")) properties.set(target.slice(11), source);
    else if (target.startsWith("traits.")) traits.set(target.slice(7), source);
    else fields.set(target, source);
  }
  const used: Record<string, string> = { ...mapping };
  if (tabular) {
    // A column named after a field feeds it unless a flag says otherwise ("type" is too often something else).
    const taken = new Set(Object.values(mapping));
    for (const target of [...byName, ...traitIdentifiers]) {
      if (fields.has(target)) continue;
      const column = columns.find((c) => !taken.has(c) && squash(c) === squash(target));
      if (column === undefined) continue;
      fields.set(target, column);
      used[target] = column;
      taken.add(column);
    }
  }
  // As on the API, an email, phone or trait identifier in traits or properties identifies the person.
  for (const key of ["email", "phone", ...traitIdentifiers]) {
    const nested = traits.get(key) ?? properties.get(key);
    if (!fields.has(key) && nested !== undefined) fields.set(key, nested);
  }
  const usedColumns = new Set([...fields.values(), ...properties.values(), ...traits.values()]);
  const rest = tabular ? columns.filter((c) => !usedColumns.has(c)) : [];
  return ok({ fields, properties, traits, rest, used });
}
