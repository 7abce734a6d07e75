// The journey API as the tests read it: maps, the customers behind a number (all pages), refreshes, and
// a customer's stage history straight from the derived tables.
import { expect } from "vitest";
import type { AudiencePage, JourneyMap, MapComparison, MapStage } from "../../src/journey/map/schema.js";
import type { JourneyModel } from "../../src/journey/model.js";
import type { RefreshReport } from "../../src/journey/refresh.js";
import type { ErrorReply, HttpResult, TestServer } from "./server.js";

// The API's own types: tests read exactly what the routes promise.
export type { AudiencePage, JourneyMap, JourneyModel, MapComparison, MapStage, RefreshReport };

export const DAY_MS = 86_400_000;

/** A query string from the defined values. */
export function qs(params: Record<string, string | number | undefined>): string {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join("&")}` : "";
}

export function expectOk<T>(res: HttpResult<T>, status = 200): T {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
}

/** The error envelope of a failed call, checked for its shape. */
export function expectError(res: HttpResult<unknown>, status: number, code: string): ErrorReply["error"] {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  const e = (res.body as ErrorReply).error;
  expect(e, JSON.stringify(res.body)).toBeDefined();
  expect(e).toMatchObject({ status, code });
  expect(typeof e.message).toBe("string");
  expect(e.message.length).toBeGreaterThan(0);
  return e;
}

export async function refresh(server: TestServer): Promise<RefreshReport> {
  return expectOk(await server.api<RefreshReport>("/api/journey/refresh", { method: "POST" }));
}

export interface Scope {
  persona?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export async function journeyMap(server: TestServer, q: Scope & { top?: number } = {}): Promise<JourneyMap> {
  return expectOk(await server.api<JourneyMap>(`/api/journey-map${qs({ ...q })}`));
}

export function stageOf(map: JourneyMap, key: string): MapStage {
  const s = map.stages.find((x) => x.key === key);
  if (!s) throw new Error(`no stage ${key} in the map`);
  return s;
}

export async function audiencePage(
  server: TestServer,
  audience: string,
  q: Scope & { limit?: number; after?: number } = {},
): Promise<AudiencePage> {
  return expectOk(await server.api<AudiencePage>(`/api/journey-map/customers${qs({ audience, ...q })}`));
}

/** Every page of an audience: the total each page reported, and all ids in order. */
export async function audienceAll(
  server: TestServer,
  audience: string,
  q: Scope & { limit?: number } = {},
): Promise<{ totals: number[]; ids: number[] }> {
  const totals: number[] = [];
  const ids: number[] = [];
  let after: number | undefined;
  for (let page = 0; page < 1000; page++) {
    const p = await audiencePage(server, audience, { limit: 1000, ...q, after });
    totals.push(p.total);
    ids.push(...p.customers.map((c) => c.id));
    if (p.next === null) return { totals, ids };
    after = p.next;
  }
  throw new Error(`audience ${audience} did not end within 1000 pages`);
}

export interface Transition {
  at: number;
  from: number;
  to: number;
  cause: string;
  messageId: string | null;
}

/** A customer's stage history in order, times as epoch milliseconds. */
export async function transitionsOf(server: TestServer, customerId: number): Promise<Transition[]> {
  const rows = await server.query(
    `SELECT epoch_ms(changed_at) AS at, from_stage, to_stage, cause, message_id FROM stage_transitions
      WHERE customer_id = $1 ORDER BY changed_at, cause <> 'lapse', from_stage`,
    [customerId],
  );
  return rows.map((r) => ({
    at: Number(r.at),
    from: Number(r.from_stage),
    to: Number(r.to_stage),
    cause: String(r.cause),
    messageId: r.message_id === null ? null : String(r.message_id),
  }));
}

/** The customer's row of customer_facts (stage as a position, persona id), or undefined. */
export async function factsOf(
  server: TestServer,
  customerId: number,
): Promise<{ stage: number | null; stageSince: number | null; persona: string | null } | undefined> {
  const [r] = await server.query(
    "SELECT stage, epoch_ms(stage_since) AS since, persona FROM customer_facts WHERE customer_id = $1",
    [customerId],
  );
  if (!r) return undefined;
  return {
    stage: r.stage === null ? null : Number(r.stage),
    stageSince: r.since === null ? null : Number(r.since),
    persona: r.persona === null ? null : String(r.persona),
  };
}

/** Touchpoint id of each stored journey event, by message id (null: in journey_events, no touchpoint). */
export async function touchpointsOf(
  server: TestServer,
  messageIds: string[],
): Promise<Map<string, string | null>> {
  if (messageIds.length === 0) return new Map();
  const rows = await server.query(
    `SELECT message_id, touchpoint FROM journey_events WHERE message_id IN (${messageIds
      .map((_, i) => `$${i + 1}`)
      .join(",")})`,
    messageIds,
  );
  return new Map(
    rows.map((r) => [String(r.message_id), r.touchpoint === null ? null : String(r.touchpoint)]),
  );
}
