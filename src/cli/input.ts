// Reading what a user typed or pointed at — flags, JSON files, dates — into checked values, and library
// failures into CLI errors, the same way with or without a running server.

import fs from "node:fs";
import { FormatRegistry, type TSchema } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { settleBound } from "../analytics/period.js";
import type { Result } from "../result.js";
import { CliError } from "./output.js";

/**
 * A library failure as the error the API would have answered, so both paths exit alike: not_found is
 * a 404 there and exits 3; conflicts and invalid definitions exit 1.
 */
export function orFail<T>(r: Result<T, { code: string; message: string }>): T {
  if (r.ok) return r.value;
  throw new CliError(r.error.message, r.error.code === "not_found" ? 3 : 1);
}

/** Reads a JSON document given with a flag such as --file, or explains why it cannot. */
export function readJsonFile(flag: string, file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new CliError(`${flag} ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? e})`, 2);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`${flag} ${file} is not JSON: ${(e as Error).message}`, 2);
  }
}

// TypeBox checks formats only when they are registered (the API checks them with ajv-formats): without
// this, checkShape would refuse every date-time as an unknown format.
if (!FormatRegistry.Has("date-time"))
  FormatRegistry.Set(
    "date-time",
    (v) =>
      /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(v) &&
      !Number.isNaN(Date.parse(v)),
  );
if (!FormatRegistry.Has("date"))
  FormatRegistry.Set("date", (v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)));

/**
 * Checks a document against the schema the API validates it with, before it goes anywhere, so a bad
 * file gets the same message with or without a server.
 */
export function checkShape<T>(schema: TSchema, value: unknown, what: string): T {
  const first = [...Value.Errors(schema, value)][0];
  if (first) throw new CliError(`${what}: ${first.path || "/"}: ${first.message}`);
  return value as T;
}

/**
 * A period flag (--from, --to): a date as typed (2026-05-01, a whole day in the workspace's time zone,
 * settled by the operation) or an ISO-8601 time, normalised to the full form.
 */
export function periodFlag(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const day = settleBound(raw, name === "--to" ? "to" : "from", "UTC");
  if (!day.ok)
    throw new CliError(`${name} must be a date or an ISO-8601 time, e.g. 2026-05-01 (got "${raw}")`, 2);
  return /^\d{4}-\d{2}-\d{2}$/.test(raw) ? raw : day.value;
}

/** An ISO-8601 flag, normalised to the full form the API's date-time format wants. */
export function isoFlag(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const d = new Date(raw);
  if (Number.isNaN(d.getTime()))
    throw new CliError(`${name} must be an ISO-8601 date or time, e.g. 2026-05-01 (got "${raw}")`, 2);
  return d.toISOString();
}

/** An API path with its query string; undefined values are left out, a list repeats its name. */
export function withQuery(path: string, query: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (Array.isArray(v)) for (const item of v) params.append(k, String(item));
    else if (v !== undefined) params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

/** Collects a repeatable flag's values (commander option argument parser). */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
