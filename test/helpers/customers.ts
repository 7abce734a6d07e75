// Reading customers back through the product API, as a support agent's screen would.
import { expect } from "vitest";
import type { CustomerProfile, LinkEvidence } from "../../src/customers/profile.js";
import type { CustomerMatch } from "../../src/customers/search.js";
import type { TimelineEvent, TimelinePage } from "../../src/customers/timeline.js";
import type { IngestReply, TestServer } from "./server.js";

// The API's own types: tests read exactly what the routes promise.
export type Match = CustomerMatch;
export type Link = LinkEvidence;
export type Profile = CustomerProfile;
export type { TimelineEvent, TimelinePage };

export async function search(server: TestServer, q: string, limit?: number): Promise<Match[]> {
  const res = await server.api<{ customers: Match[] }>(
    `/api/customers?q=${encodeURIComponent(q)}${limit ? `&limit=${limit}` : ""}`,
  );
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.customers;
}

/** The one customer a query finds; fails when it finds none or several. */
export async function customerOf(server: TestServer, q: string): Promise<number> {
  const found = await search(server, q);
  expect(
    found.map((c) => c.id),
    `search "${q}"`,
  ).toHaveLength(1);
  return found[0]!.id;
}

export async function profile(server: TestServer, id: number): Promise<Profile> {
  const res = await server.api<Profile>(`/api/customers/${id}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

export async function timelinePage(server: TestServer, id: number, query = ""): Promise<TimelinePage> {
  const res = await server.api<TimelinePage>(`/api/customers/${id}/timeline${query ? `?${query}` : ""}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** Every event of a customer, following cursors. */
export async function timelineAll(server: TestServer, id: number, query = ""): Promise<TimelineEvent[]> {
  const out: TimelineEvent[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const q = [query, cursor ? `cursor=${encodeURIComponent(cursor)}` : ""].filter(Boolean).join("&");
    const p = await timelinePage(server, id, q);
    out.push(...p.events);
    cursor = p.nextCursor;
    if (!cursor) return out;
  }
  throw new Error("timeline did not end within 100 pages");
}

/** Sends messages one request at a time, in order, and fails on anything but full acceptance. */
export async function send(server: TestServer, ...messages: Array<Record<string, unknown>>): Promise<void> {
  for (const m of messages) {
    const res = await server.collect<IngestReply>("/v1/batch", { batch: [m] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.accepted, JSON.stringify(res.body)).toBe(1);
  }
}

/** An ISO time `minutes` after a fixed start, so event order never depends on the wall clock. */
export const at = (minutes: number) =>
  new Date(Date.UTC(2025, 0, 10, 9, 0, 0) + minutes * 60_000).toISOString();

/** A random, possible Korean mobile number as "010-XXXX-XXXX". */
export function koreanMobile(): string {
  const part = () => String(1000 + Math.floor(Math.random() * 9000));
  return `010-${part()}-${part()}`;
}
