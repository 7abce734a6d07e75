// The customers behind a number: every analysis says which customers make up any cell of its result as
// an Audience (SQL selecting customer_id), and this one module turns an audience into pages of customers.
// The page's total is the count of the same SQL, so a list is exactly as long as the number it opens.

import { type Static, Type } from "@sinclair/typebox";
import type { JourneyDefinitions } from "../journey/definitions.js";
import { all } from "../store/database.js";
import type { Connection, SqlValue } from "../store/driver.js";

/** SQL selecting a `customer_id` column (duplicates allowed), with its positional parameters $1…$n. */
export interface Audience {
  sql: string;
  params: SqlValue[];
}

/** Which page: how many customers, and after which customer id (the previous page's `next`). */
export const PageQuery = Type.Object({
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 1000, default: 50, description: "Customers per page" }),
  ),
  after: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: Number.MAX_SAFE_INTEGER,
      description: "`next` of the previous page",
    }),
  ),
});
export type PageQuery = Static<typeof PageQuery>;

export const CustomerRow = Type.Object({
  id: Type.Integer(),
  name: Type.Union([Type.String(), Type.Null()]),
  persona: Type.Union([Type.String(), Type.Null()], { description: "Current persona id" }),
  stage: Type.Union([Type.String(), Type.Null()], { description: "Current journey stage key" }),
  lastSeen: Type.Union([Type.String(), Type.Null()], {
    description: "Newest event (null until the journey tables have placed the customer)",
  }),
});
export type CustomerRow = Static<typeof CustomerRow>;

/** The one shape of a list of customers behind a number, in every analysis and the map. */
export const CustomerPage = Type.Object({
  total: Type.Integer({ description: "Customers behind the number: the list's full length" }),
  customers: Type.Array(CustomerRow, { description: "Ordered by customer id" }),
  next: Type.Union([Type.Integer(), Type.Null()], { description: "Pass as `after` for the next page" }),
});
export type CustomerPage = Static<typeof CustomerPage>;

const DEFAULT_LIMIT = 50;

/**
 * One page of an audience's customers with its total, in one statement: the audience is materialised
 * once and both the count and the page read it (nothing outlives the query).
 */
export async function pageOfAudience(
  conn: Connection,
  defs: JourneyDefinitions,
  audience: Audience,
  page: PageQuery,
): Promise<CustomerPage> {
  const limit = page.limit ?? DEFAULT_LIMIT;
  const n = audience.params.length;
  const rows = await all(
    conn,
    `WITH a AS MATERIALIZED (SELECT DISTINCT customer_id FROM (${audience.sql}) WHERE customer_id IS NOT NULL)
     SELECT 0 AS part, NULL::BIGINT AS id, count(*) AS total, NULL AS name, NULL AS persona, NULL::INTEGER AS stage,
            NULL::BIGINT AS last_seen FROM a
     UNION ALL
     SELECT 1, * FROM (
       SELECT a.customer_id, NULL, coalesce(json_extract_string(f.traits, '$.name'), c.name), f.persona, f.stage,
              epoch_ms(f.last_seen)
         FROM a LEFT JOIN customer_facts f USING (customer_id) LEFT JOIN customers c ON c.id = a.customer_id
        WHERE a.customer_id > $${n + 1} ORDER BY a.customer_id LIMIT $${n + 2})
     ORDER BY part, id`,
    [...audience.params, page.after ?? 0, limit + 1],
  );
  const total = Number(rows.find((r) => Number(r.part) === 0)?.total ?? 0);
  const listed = rows.filter((r) => Number(r.part) === 1);
  const shown = listed.slice(0, limit);
  const stageKey = (pos: unknown) =>
    pos === null || pos === undefined || Number(pos) === 0
      ? null
      : (defs.model.stages[Number(pos) - 1]?.key ?? null);
  return {
    total,
    customers: shown.map((r) => ({
      id: Number(r.id),
      name: r.name === null ? null : String(r.name),
      persona: r.persona === null ? null : String(r.persona),
      stage: stageKey(r.stage),
      lastSeen: r.last_seen === null ? null : new Date(Number(r.last_seen)).toISOString(),
    })),
    next: listed.length > limit ? Number(shown.at(-1)!.id) : null,
  };
}
