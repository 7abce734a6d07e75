// The one period of every analysis, map and friction list: `from` (inclusive) and `to` (exclusive), each a
// full ISO-8601 time or a date as people type it ("2026-05-01": `from` the start of that day, `to` its end,
// in the workspace's time zone; settlePeriod turns dates into times where requests arrive). Without `to` a period ends just after the
// newest event, so an imported history that ended last month still shows; without `from` it starts
// DEFAULT_PERIOD_DAYS before its end. One schema, one resolver, one default.

import { type Static, Type } from "@sinclair/typebox";
import { invalid, type Problem } from "../problem.js";
import { ok, type Result } from "../result.js";
import { all } from "../store/database.js";
import type { Connection } from "../store/driver.js";

/** Days a period covers when it has no `from`: a quarter, long enough for journeys that take weeks from first touch to purchase and the frictions of each. */
export const DEFAULT_PERIOD_DAYS = 90;
const DAY_MS = 86_400_000;

const bound = (description: string) =>
  Type.Optional(
    Type.Union([Type.String({ format: "date" }), Type.String({ format: "date-time" })], { description }),
  );

/** The fields `from` and `to`, to spread into a request or query schema. */
export const PeriodFields = {
  from: bound(
    `Start, inclusive: an ISO-8601 time, or a date (the start of that day in the workspace's time zone); default ${DEFAULT_PERIOD_DAYS} days before \`to\``,
  ),
  to: bound(
    "End: an ISO-8601 time (exclusive), or a date (the whole day included: up to the end of that day in the workspace's time zone); default just after the newest event",
  ),
};
export const Period = Type.Object(PeriodFields);
export type Period = Static<typeof Period>;

export interface ResolvedPeriod {
  from: Date;
  to: Date;
}

/** Just after the newest event, or now when there is none. */
export async function dataEnd(conn: Connection): Promise<number> {
  const [row] = await all(conn, "SELECT epoch_ms(max(timestamp)) AS t FROM events");
  return row?.t === null || row?.t === undefined ? Date.now() : Number(row.t) + 1;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Milliseconds `timeZone` is ahead of UTC at the instant `ms`. */
function offsetAt(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(ms));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return (
    Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"), n("second")) - (ms - (ms % 1000))
  );
}

/** The instant midnight begins on day y-m-d in `timeZone` (twice corrected: the offset can differ at midnight). */
function midnight(y: number, m: number, d: number, timeZone: string): number {
  const wall = Date.UTC(y, m - 1, d);
  let t = wall - offsetAt(wall, timeZone);
  t = wall - offsetAt(t, timeZone);
  return t;
}

/**
 * A period's bound as an ISO time: a date is the start of that day (`from`) or of the next (`to`, so the
 * day is included) in `timeZone`; a time is itself. A problem names what cannot be read.
 */
export function settleBound(value: string, edge: "from" | "to", timeZone: string): Result<string, Problem> {
  const day = DATE_ONLY.exec(value);
  if (day) {
    const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const check = new Date(Date.UTC(y, m - 1, d));
    if (check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d)
      return invalid(`${edge} "${value}" is not a day of the calendar`);
    return ok(new Date(midnight(y, m, d + (edge === "to" ? 1 : 0), timeZone)).toISOString());
  }
  const t = new Date(value);
  if (Number.isNaN(t.getTime()))
    return invalid(
      `${edge} "${value}" is not a date (2026-05-01) or an ISO-8601 time (2026-05-01T09:00:00Z)`,
    );
  return ok(t.toISOString());
}

/** A request or query with its `from` and `to` dates settled into times (see settleBound). */
export function settlePeriod<T extends { from?: string | undefined; to?: string | undefined }>(
  q: T,
  timeZone: string,
): Result<T, Problem> {
  const out = { ...q };
  for (const edge of ["from", "to"] as const) {
    const value = q[edge];
    if (value === undefined) continue;
    const settled = settleBound(value, edge, timeZone);
    if (!settled.ok) return settled;
    out[edge] = settled.value as T[typeof edge];
  }
  return ok(out);
}

const asDate = (v: string | Date | undefined): Date | undefined =>
  v === undefined ? undefined : v instanceof Date ? v : new Date(v);

/** The period asked for with its defaults settled; a problem when it is empty or runs backwards. */
export async function resolvePeriod(
  conn: Connection,
  from: string | Date | undefined,
  to: string | Date | undefined,
): Promise<Result<ResolvedPeriod, Problem>> {
  const end = asDate(to) ?? new Date(await dataEnd(conn));
  const start = asDate(from) ?? new Date(end.getTime() - DEFAULT_PERIOD_DAYS * DAY_MS);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()))
    return invalid("from and to must be dates (2026-05-01) or ISO-8601 times");
  if (!(start < end)) return invalid("from must be before to");
  return ok({ from: start, to: end });
}
