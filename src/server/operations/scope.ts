// What several operations' queries share: the period's dates as the libraries take them, and the page of
// customers behind a number.
import { Type } from "@sinclair/typebox";
import { invalid, type Problem } from "../../problem.js";
import { ok, type Result } from "../../result.js";

/** `from` and `to` of a query (checked as dates by the schema) as Dates. */
export function periodOf(q: {
  from?: string | undefined;
  to?: string | undefined;
}): Result<{ from: Date | undefined; to: Date | undefined }, Problem> {
  const out: { from: Date | undefined; to: Date | undefined } = { from: undefined, to: undefined };
  for (const name of ["from", "to"] as const) {
    const value = q[name];
    if (value === undefined) continue;
    const d = new Date(value);
    if (Number.isNaN(d.getTime())) return invalid(`${name} is not an ISO-8601 date: ${value}`);
    out[name] = d;
  }
  return ok(out);
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
