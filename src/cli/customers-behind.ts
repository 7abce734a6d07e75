// The customers behind a number of any analysis (the INSIGHTS table), through the running server's
// POST /api/insights/{kind}/customers or on the database file: the same checks and the same page.

import type { CustomerPage } from "../analytics/audience.js";
import { type AnyInsight, customersRequestOf, insightCustomers } from "../analytics/insight.js";
import { checkShape, orFail } from "./input.js";
import type { GlobalOptions } from "./options.js";
import { configFrom } from "./options.js";
import { customerPage, emit } from "./output.js";
import { viaServerOr } from "./target.js";

/** Checks `body` ({request, cell, limit, after}) as the API does, lists the page and prints it. */
export async function showCustomersBehind(
  g: GlobalOptions,
  insight: AnyInsight,
  body: unknown,
): Promise<void> {
  const checked = checkShape<{ request: unknown; cell: unknown; limit?: number; after?: number }>(
    customersRequestOf(insight),
    body,
    `the ${insight.kind} customers request`,
  );
  const page = await viaServerOr<CustomerPage>(
    configFrom(g),
    { method: "POST", path: `/api/insights/${insight.kind}/customers`, body: checked },
    async (ctx) => orFail(await insightCustomers(ctx.store, ctx.journey, insight, checked)),
  );
  emit(g, page, (p) => customerPage(`${p.total} customers`, p));
}
