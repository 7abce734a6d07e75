// The one period of every analysis, map and friction list: `from` (inclusive) and `to` (exclusive), each a
// date ("2026-05-01", midnight UTC) or a full ISO-8601 time. Without `to` a period ends just after the
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
    `Start, inclusive: a date (midnight UTC) or an ISO-8601 time; default ${DEFAULT_PERIOD_DAYS} days before \`to\``,
  ),
  to: bound("End, exclusive: a date (midnight UTC) or an ISO-8601 time; default just after the newest event"),
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
