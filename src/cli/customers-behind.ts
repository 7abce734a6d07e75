// The customers behind a number of any analysis (the INSIGHTS table): the operation
// POST /api/insights/{kind}/customers, through the running server or on the database file.

import type { CustomerPage } from "../analytics/audience.js";
import { type AnyInsight, customersRequestOf } from "../analytics/insight.js";
import type { Config } from "../config.js";
import { customersOperationOf } from "../server/operations/insights.js";
import { checkShape } from "./input.js";
import { customerPage } from "./output.js";
import { perform } from "./target.js";

/** Checks `body` ({request, cell, limit, after}) as the API does (with a CLI's message) and lists the page. */
export function customersBehind(config: Config, insight: AnyInsight, body: unknown): Promise<CustomerPage> {
  const checked = checkShape<{ request: unknown; cell: unknown; limit?: number; after?: number }>(
    customersRequestOf(insight),
    body,
    `the ${insight.kind} customers request`,
  );
  return perform(config, customersOperationOf(insight), { body: checked });
}

export const renderCustomersBehind = (p: CustomerPage) => customerPage(`${p.total} customers`, p);
