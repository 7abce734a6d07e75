// Shared setup for the privacy tests (test/privacy-*.test.ts): people with identifiers across channels,
// sending and seeding their events, finding their rows in every per-person table independently of
// src/privacy's own SQL, and finding their bytes in files.
import fs from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { normalisePhone } from "../../src/identity/identifiers.js";
import { type IngestReply, type TestServer, uid } from "./server.js";

export interface Person {
  userId: string;
  email: string;
  phoneRaw: string;
  phone: string;
  anon: string;
  messages: string[];
}

export function person(label: string): Person {
  const digits = String(Math.floor(1000 + Math.random() * 8999));
  const phoneRaw = `010-5550-${digits}`;
  return {
    userId: uid(`${label}-user`),
    email: `${uid(label)}@privacy.example`,
    phoneRaw,
    phone: normalisePhone(phoneRaw, "KR")!,
    anon: uid(`${label}-anon`),
    messages: [],
  };
}

export const DAY = 86_400_000;

export type Reply = IngestReply & { suppressed: number };

/** Sends messages one request each (so identity decisions happen in this order); returns the replies. */
export async function send(server: TestServer, p: Person | null, messages: Array<Record<string, unknown>>) {
  const replies: Reply[] = [];
  for (const m of messages) {
    const messageId = uid("m");
    const r = await server.collect<Reply>(`/v1/${m.type ?? "track"}`, { messageId, ...m });
    expect(r.status).toBe(200);
    replies.push(r.body);
    if (p && r.body.accepted === 1) p.messages.push(messageId);
  }
  return replies;
}

/**
 * A person whose anonymous browsing became a customer row of its own before they identified, so one of
 * their customer ids is merged away; then `events` tracked events across channels.
 */
export async function seed(server: TestServer, p: Person, name: string, events: number) {
  await send(server, p, [
    { type: "track", event: "Viewed Product", anonymousId: p.anon, context: { channel: "web" } },
    {
      type: "identify",
      userId: p.userId,
      traits: { email: p.email, phone: p.phoneRaw, name, loyalty_card: `card-${p.userId}` },
      context: { channel: "store" },
    },
    { type: "identify", userId: p.userId, anonymousId: p.anon, context: { channel: "web" } },
  ]);
  const channels = ["web", "email", "app", "phone", "chat"];
  const batch = Array.from({ length: events }, (_, i) => ({
    type: "track",
    messageId: uid("m"),
    userId: p.userId,
    event: i % 3 === 0 ? "Order Completed" : "Clicked",
    properties: { n: i, note: `visit ${i} of ${name}` },
    context: { channel: channels[i % channels.length], traits: { email: p.email } },
    timestamp: new Date(Date.now() - (events - i) * 60_000).toISOString(),
  }));
  const r = await server.collect("/v1/batch", { batch });
  expect(r.body.accepted).toBe(events);
  p.messages.push(...batch.map((m) => m.messageId));
}

export const count = async (server: TestServer, sql: string, params: Array<string | number> = []) =>
  Number((await server.query(sql, params))[0]?.n ?? -1);

const inList = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `$${i + from}`).join(",");

/** How many rows of `table` have `column` in `values`. */
const countIn = (server: TestServer, table: string, column: string, values: Array<string | number>) =>
  count(server, `SELECT count(*) AS n FROM ${table} WHERE ${column} IN (${inList(values.length)})`, values);

/** Whether an erasure or retention run still owes the files a compaction (1) or not (0). */
export const compactionPending = (server: TestServer) =>
  count(server, "SELECT count(*) AS n FROM store_meta WHERE key = 'privacy_compaction_pending'");

/** The person's customer rows (canonical first) and identity ids, found by their identifier values. */
export async function idsOf(server: TestServer, p: Person) {
  const identities = await server.query(
    `SELECT id, customer_id FROM identities WHERE value IN ($1, $2, $3, $4, $5) ORDER BY id`,
    [p.userId, p.email, p.phone, p.anon, `card-${p.userId}`],
  );
  const originals = [...new Set(identities.map((r) => Number(r.customer_id)))];
  const rows = await server.query(
    `SELECT id, canonical_id FROM customers WHERE id IN (${inList(originals.length)})`,
    originals,
  );
  return {
    identities: identities.map((r) => Number(r.id)),
    customers: rows.map((r) => Number(r.id)),
    canonical: Number(rows[0]?.canonical_id),
    mergedAway: rows.map((r) => Number(r.id)).find((id) => id !== Number(rows[0]?.canonical_id)),
  };
}

export type Ids = Awaited<ReturnType<typeof idsOf>>;

/** Rows of the person in each per-person table, found independently of src/privacy's own SQL. */
export async function rowsOf(server: TestServer, p: Person, ids: Ids) {
  const c = ids.customers;
  const m = p.messages;
  const i = ids.identities;
  return {
    events: await countIn(server, "events", "message_id", m),
    seen_messages: await countIn(server, "seen_messages", "message_id", m),
    identities: await countIn(server, "identities", "id", i),
    identity_links: await count(
      server,
      `SELECT count(*) AS n FROM identity_links WHERE from_identity IN (${inList(i.length)}) OR to_identity IN (${inList(i.length)})`,
      i,
    ),
    customers: await countIn(server, "customers", "id", c),
    search_terms: await countIn(server, "search_terms", "customer_id", c),
    journey_events: await count(
      server,
      `SELECT count(*) AS n FROM journey_events WHERE customer_id IN (${inList(c.length)}) OR message_id IN (${inList(m.length, c.length + 1)})`,
      [...c, ...m],
    ),
    customer_facts: await countIn(server, "customer_facts", "customer_id", c),
    stage_transitions: await countIn(server, "stage_transitions", "customer_id", c),
  };
}

/** Every file under `dir` whose bytes contain `needle` (as `strings | grep` would find it). */
export function filesContaining(dir: string, needle: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const f = path.join(d, e.name);
      if (e.isDirectory()) walk(f);
      else if (fs.readFileSync(f).includes(Buffer.from(needle, "utf8"))) found.push(path.relative(dir, f));
    }
  };
  walk(dir);
  return found.sort();
}

export interface Erasure {
  customerId: number;
  tables: Record<string, number>;
  files: Array<{ path: string; lines: number }>;
  tombstone: { id: number; identifiers: number };
}
export interface TombstoneList {
  tombstones: Array<{
    id: number;
    customerId: number;
    kinds: string[];
    identifiers: number;
    dropped: number;
    liftedAt: string | null;
  }>;
  suppressed: number;
}
