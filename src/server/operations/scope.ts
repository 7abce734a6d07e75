// What several operations' queries share: the period's dates as the libraries take them, and the page of
// customers behind a number.
import { Type } from "@sinclair/typebox";
import { settlePeriod } from "../../analytics/period.js";
import type { Problem } from "../../problem.js";
import { ok, type Result } from "../../result.js";

/**
 * `from` and `to` of a query as Dates: a date is a whole day in the workspace's time zone (see
 * settleBound), a time is itself.
 */
export function periodOf(
  q: { from?: string | undefined; to?: string | undefined },
  timeZone: string,
): Result<{ from: Date | undefined; to: Date | undefined }, Problem> {
  const settled = settlePeriod({ from: q.from, to: q.to }, timeZone);
  if (!settled.ok) return settled;
  const { from, to } = settled.value;
  return ok({
    from: from === undefined ? undefined : new Date(from),
    to: to === undefined ? undefined : new Date(to),
  });
}

/** A page of the customers behind a number (a map's, a friction's), in a query string. */
export const CustomerPageFields = {
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 50 }),
  after: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: Number.MAX_SAFE_INTEGER,
      description: "`next` of the previous page",
    }),
  ),
};
