// The one contract of an analysis ("insight"): a request schema, a result schema, a cell schema naming
// any number of the result, how to compute the result on a read connection, and the audience (SQL of
// the customers) behind any cell. The runner below does the rest for every analysis alike: bringing the
// journey tables up to date when the request reads them, one read connection with one scratchpad for the
// run's intermediate tables (dropped when the run ends), and the customers behind a cell as one
// CustomerPage. The server registers `POST /api/insights/{kind}` and
// `POST /api/insights/{kind}/customers` for each entry of INSIGHTS (src/server/routes/insights.ts), and
// the CLI reads the same table.

import { type Static, type TSchema, Type } from "@sinclair/typebox";
import { type JourneyDefinitions, readDefinitions } from "../journey/definitions.js";
import type { JourneyRefresher } from "../journey/refresh.js";
import type { Problem } from "../problem.js";
import { ok, type Result } from "../result.js";
import { runQuery, type Store } from "../store/database.js";
import type { Connection } from "../store/driver.js";
import { type Scratchpad, withScratchpad } from "../store/scratchpad.js";
import { type Audience, type CustomerPage, PageQuery, pageOfAudience } from "./audience.js";

/** What an analysis may read besides the request: when the journey tables were last brought up to date. */
export interface InsightContext {
  asOf: Date;
}

export interface Insight<Req, Res, Cell> {
  /** The path segment: POST /api/insights/{kind}. */
  kind: string;
  summary: string;
  description: string;
  request: TSchema;
  result: TSchema;
  /** A number of the result: which one the customers are asked for. */
  cell: TSchema;
  /** Whether the request reads the journey tables (touchpoint names, stages, personas): they are refreshed first. */
  readsJourney(req: Req): boolean;
  /** `scratch` holds the tables the computation hands from step to step. */
  compute(
    conn: Connection,
    scratch: Scratchpad,
    defs: JourneyDefinitions,
    req: Req,
    at: InsightContext,
  ): Promise<Result<Res, Problem>>;
  /**
   * Prepares what `cell` needs on `conn` and returns the SQL of its customers (a problem for a cell the
   * result has not); the SQL may read `scratch`, which lasts until the page of customers is read.
   */
  audience(
    conn: Connection,
    scratch: Scratchpad,
    defs: JourneyDefinitions,
    req: Req,
    cell: Cell,
    at: InsightContext,
  ): Promise<Result<Audience, Problem>>;
}

// biome-ignore lint/suspicious/noExplicitAny: a table of analyses of different request and result types
export type AnyInsight = Insight<any, any, any>;

/** The body of `POST /api/insights/{kind}/customers`: the analysis's request, the cell, the page. */
export const customersRequestOf = (insight: AnyInsight) =>
  Type.Composite([
    Type.Object({
      request: insight.request,
      cell: insight.cell,
    }),
    PageQuery,
  ]);
export type CustomersRequest<Req, Cell> = { request: Req; cell: Cell } & Static<typeof PageQuery>;

async function onReadConnection<T>(
  store: Store,
  refresher: JourneyRefresher,
  insight: AnyInsight,
  req: unknown,
  fn: (
    conn: Connection,
    scratch: Scratchpad,
    defs: JourneyDefinitions,
    at: InsightContext,
  ) => Promise<Result<T, Problem>>,
): Promise<Result<T, Problem>> {
  const refreshed = insight.readsJourney(req) ? await refresher.refresh() : undefined;
  // Only analyses that read the journey tables report asOf; the others read events as they are now.
  const at = { asOf: refreshed ? new Date(refreshed.refreshedAt) : new Date() };
  return runQuery(store, {
    duckdb: () =>
      store.read((conn) =>
        withScratchpad(conn, async (scratch) => fn(conn, scratch, await readDefinitions(conn), at)),
      ),
  });
}

/** Computes an analysis's result. */
export function runInsight<Req, Res>(
  store: Store,
  refresher: JourneyRefresher,
  insight: Insight<Req, Res, unknown>,
  req: Req,
): Promise<Result<Res, Problem>> {
  return onReadConnection(store, refresher, insight, req, (conn, scratch, defs, at) =>
    insight.compute(conn, scratch, defs, req, at),
  );
}

/** The customers behind one cell of an analysis's result, page by page. */
export function insightCustomers<Req, Cell>(
  store: Store,
  refresher: JourneyRefresher,
  insight: Insight<Req, unknown, Cell>,
  body: CustomersRequest<Req, Cell>,
): Promise<Result<CustomerPage, Problem>> {
  return onReadConnection(store, refresher, insight, body.request, async (conn, scratch, defs, at) => {
    const audience = await insight.audience(conn, scratch, defs, body.request, body.cell, at);
    if (!audience.ok) return audience;
    return ok(await pageOfAudience(conn, defs, audience.value, body));
  });
}
