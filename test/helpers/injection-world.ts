// The hostile world the SQL-injection tests attack (test/injection-analytics.test.ts and
// test/injection-definitions.test.ts), and how they judge an answer. The store holds events whose names,
// property keys, property values, user ids and traits literally are the payloads (./hostile.ts), so each
// (place × payload) has one exact expected answer: a quoting bug shows as a wrong count (or another
// customer's data), not only as a crash. A payload that cannot be a valid input there (a property *name*
// outside the dotted-name rule, a string past a length limit) must get a 400 in the error envelope. Never
// a 500; the tables are intact afterwards.
import { expect } from "vitest";
import type { FunnelResult } from "../../src/analytics/funnel.js";
import { search, send } from "./customers.js";
import { type Payload, SQL_PAYLOADS } from "./hostile.js";
import { refresh } from "./journey.js";
import { type ErrorReply, eventCount, type HttpResult, startTestServer, type TestServer } from "./server.js";

export const MINUTE = 60_000;
export const T0 = Date.UTC(2025, 2, 3, 10, 0, 0);
export const at = (ms: number) => new Date(ms).toISOString();
export const PERIOD = { from: at(T0 - 86_400_000), to: at(T0 + 2 * 86_400_000) };
export const CANARY = { userId: "canary-7f3a", email: "canary@itinera.test" };

/** Who holds what for payload i: A and B did Probe → <payload> → Probe Done; D is a near miss. */
export const userA = (p: Payload) => p.text;
export const userB = (i: number) => `inj-${i}-b`;
export const userD = (i: number) => `inj-${i}-decoy`;
/** The decoy's note: the payload with a suffix, so only exact comparisons leave it out. */
export const near = (p: Payload) => `${p.text}~`;

export const PAYLOADS = SQL_PAYLOADS.map((p, i) => ({ ...p, i }));
export type P = (typeof PAYLOADS)[number];

/** Every note stored on Probe events, one per customer (the contains-oracle reads these). */
export const notes: readonly string[] = PAYLOADS.flatMap((p) => [p.text, p.text, near(p)]);

function messagesFor(p: P): Array<Record<string, unknown>> {
  const t = T0 + p.i * 10 * MINUTE;
  const journey = (userId: string, start: number, note: string, literal: boolean) => [
    {
      type: "track",
      userId,
      event: "Probe",
      timestamp: at(start),
      // The payload is also a property key and a nested value: the picker must list the key as it is.
      properties: literal ? { note, n: p.i, meta: { x: note }, [p.text]: "literal key" } : { note, n: p.i },
    },
    ...(literal
      ? [{ type: "track", userId, event: p.text, timestamp: at(start + MINUTE), properties: { note } }]
      : []),
    { type: "track", userId, event: "Probe Done", timestamp: at(start + 2 * MINUTE), properties: { note } },
  ];
  return [
    { type: "identify", userId: userA(p), traits: { tag: p.text }, timestamp: at(t) },
    ...journey(userA(p), t, p.text, true),
    ...journey(userB(p.i), t + 3 * MINUTE, p.text, true),
    { type: "identify", userId: userD(p.i), traits: { tag: near(p) }, timestamp: at(t) },
    ...journey(userD(p.i), t + 5 * MINUTE, near(p), false),
  ];
}

/** The error envelope's shape, for a refused request. */
export function refused(res: HttpResult<unknown>, label: string, statuses: number[] = [400]): void {
  expect.soft(statuses, `${label}: status ${res.status} ${JSON.stringify(res.body)}`).toContain(res.status);
  const e = (res.body as ErrorReply | undefined)?.error;
  expect.soft(e?.status, `${label}: envelope ${JSON.stringify(res.body)}`).toBe(res.status);
  expect.soft(typeof e?.code === "string" && typeof e.message === "string", `${label}: envelope`).toBe(true);
}

/** The status a path parameter gets: the router answers 414 (in the envelope) past 100 characters. */
export const inPath = (p: Payload, status: number) =>
  encodeURIComponent(p.text).length > 100 ? [414] : [status];

/** The body of a 200, or undefined (recorded as a soft failure) for anything else. */
export function answered<T>(res: HttpResult<T>, label: string): T | undefined {
  expect.soft(res.status, `${label}: ${JSON.stringify(res.body).slice(0, 400)}`).toBe(200);
  return res.status === 200 ? res.body : undefined;
}

export const eq = (property: string, value: unknown) => ({ property, op: "eq", value });
export const probe = (where: unknown[]) => ({ event: "Probe", where });
export const done = (where: unknown[]) => ({ event: "Probe Done", where });
export const counts = (r: FunnelResult | undefined) => r?.steps.map((s) => s.count);

export interface InjectionWorld {
  server: TestServer;
  /** The canonical customer id of every user id. */
  customersOf: Map<string, number>;
}

/**
 * A server holding the canary and every payload's customers, journeys refreshed. Each test file builds
 * its own (a few seconds); the attacks of one file never see the other's touchpoints or settings.
 */
export async function startInjectionWorld(): Promise<InjectionWorld> {
  const server = await startTestServer({ config: { journeyRefreshSeconds: 0 } });
  try {
    await send(
      server,
      {
        type: "identify",
        userId: CANARY.userId,
        traits: { email: CANARY.email, name: "Canary Bird" },
        timestamp: at(T0),
      },
      { type: "track", userId: CANARY.userId, event: "Canary Seen", timestamp: at(T0) },
    );
    const batch = PAYLOADS.flatMap(messagesFor);
    for (let i = 0; i < batch.length; i += 100) {
      const res = await server.collect("/v1/batch", { batch: batch.slice(i, i + 100) });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.rejected, JSON.stringify(res.body.rejected)).toEqual([]);
    }
    await refresh(server);
    const ids = await server.query(
      `SELECT i.value, c.canonical_id AS id FROM identities i JOIN customers c ON c.id = i.customer_id
        WHERE i.kind = 'user_id'`,
    );
    return { server, customersOf: new Map(ids.map((r) => [String(r.value), Number(r.id)])) };
  } catch (err) {
    await server.close();
    throw err;
  }
}

export interface TableCounts {
  events: number;
  identities: number;
  customers: number;
}

export async function tableCounts(server: TestServer): Promise<TableCounts> {
  const [r] = await server.query(
    "SELECT (SELECT count(*) FROM identities) AS identities, (SELECT count(*) FROM customers) AS customers",
  );
  return {
    events: await eventCount(server),
    identities: Number(r?.identities),
    customers: Number(r?.customers),
  };
}

/** Runs `attack` for every payload; failures are soft, so one run reports every broken pair. */
export async function forEachPayload(attack: (p: P) => Promise<void>): Promise<void> {
  for (const p of PAYLOADS) await attack(p);
}

/** After the attacks: no table lost or gained a row, and the canary customer is still found. */
export async function expectIntact(world: InjectionWorld, baseline: TableCounts): Promise<void> {
  expect(await tableCounts(world.server)).toEqual(baseline);
  const found = await search(world.server, CANARY.email);
  expect(found.map((c) => c.id)).toEqual([world.customersOf.get(CANARY.userId)]);
  expect(found[0]!.identifiers).toContainEqual({ kind: "email", value: CANARY.email });
}
