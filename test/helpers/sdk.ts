// Shared by the SDK tests (test/sdk-*.test.ts): waiting for what an SDK sent to be stored (an ack means
// "in the ingest log"; the loader stores it shortly after), reading it back in one shape, and a browser
// page on another origin that loads an SDK's own bundle from node_modules.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { expect } from "vitest";
import type { TestServer } from "./server.js";

/** An event as the store holds it, JSON columns parsed and times as epoch milliseconds. */
export interface StoredEvent {
  messageId: string;
  type: string;
  event: string | null;
  channel: string;
  userId: string | null;
  anonymousId: string | null;
  timestamp: number;
  sentAt: number | null;
  properties: Record<string, unknown> | null;
  traits: Record<string, unknown> | null;
  context: Record<string, unknown> | null;
}

const parsed = (v: unknown): Record<string, unknown> | null =>
  v === null || v === undefined
    ? null
    : typeof v === "string"
      ? JSON.parse(v)
      : (v as Record<string, unknown>);

/** The stored events of these user or anonymous ids, oldest first. */
export async function eventsOf(server: TestServer, ids: string[]): Promise<StoredEvent[]> {
  const marks = ids.map((_, i) => `$${i + 1}`).join(",");
  const rows = await server.query(
    `SELECT message_id, type, event, channel, user_id, anonymous_id, epoch_ms(timestamp) AS ts,
            epoch_ms(sent_at) AS sent, properties, traits, context
       FROM events WHERE user_id IN (${marks}) OR anonymous_id IN (${marks})
      ORDER BY timestamp, message_id`,
    ids,
  );
  return rows.map((r) => ({
    messageId: String(r.message_id),
    type: String(r.type),
    event: r.event === null ? null : String(r.event),
    channel: String(r.channel),
    userId: r.user_id === null ? null : String(r.user_id),
    anonymousId: r.anonymous_id === null ? null : String(r.anonymous_id),
    timestamp: Number(r.ts),
    sentAt: r.sent === null ? null : Number(r.sent),
    properties: parsed(r.properties),
    traits: parsed(r.traits),
    context: parsed(r.context),
  }));
}

/**
 * Waits until `count` events of these ids are stored (at most `timeoutMs`), then returns them. The
 * write path acknowledges once events are in the durable ingest log, and a loader stores them a moment
 * later, so an SDK's flush resolving does not yet mean the events are readable.
 */
export async function storedEventsOf(
  server: TestServer,
  ids: string[],
  count: number,
  timeoutMs = 10_000,
): Promise<StoredEvent[]> {
  const deadline = Date.now() + timeoutMs;
  let events = await eventsOf(server, ids);
  while (events.length < count && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    events = await eventsOf(server, ids);
  }
  expect(events.length, `stored events of ${ids.join(", ")}`).toBe(count);
  return events;
}

/** The one stored event of this type (and event name, for track), failing when there is not exactly one. */
export function one(events: StoredEvent[], type: string, event?: string): StoredEvent {
  const found = events.filter((e) => e.type === type && (event === undefined || e.event === event));
  expect(
    found.map((e) => `${e.type} ${e.event}`),
    `one ${type} ${event ?? ""}`,
  ).toHaveLength(1);
  return found[0]!;
}

/** A time window in which an SDK stamped its events with this machine's clock (skew correction included). */
export function expectWithin(ts: number, from: number, to: number): void {
  // The server's skew correction (receivedAt − (sentAt − timestamp)) may move a stamp by the few
  // milliseconds a request spends in transit, either way.
  expect(ts).toBeGreaterThanOrEqual(from - 1000);
  expect(ts).toBeLessThanOrEqual(to + 1000);
}

const ROOT = path.dirname(path.dirname(path.dirname(new URL(import.meta.url).pathname)));
/** A file of an installed package, as the browser test pages load it. */
export const packageFile = (pkg: string, file: string) => path.join(ROOT, "node_modules", pkg, file);

export interface SitePage {
  /** The page's origin (http://localhost:PORT): another origin than Itinera's 127.0.0.1, so CORS applies. */
  origin: string;
  close(): Promise<void>;
}

/**
 * Serves one HTML page at / and the given scripts (path → file) from a static server on localhost: the
 * customer's web site, on which the SDK runs and from which it posts to Itinera across origins.
 */
export async function serveSite(html: string, scripts: Record<string, string>): Promise<SitePage> {
  const server = http.createServer((req, res) => {
    const url = req.url ?? "/";
    const file = scripts[url];
    if (url === "/") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(html);
    } else if (file) {
      res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" });
      fs.createReadStream(file).pipe(res);
    } else if (url === "/favicon.ico") {
      res.writeHead(204);
      res.end();
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "localhost", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://localhost:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface WatchedPage {
  page: Page;
  /** Requests that failed, answers of 400 and above, page errors and requests to any other host. */
  problems: string[];
  /** Every request the page made to Itinera, as "METHOD /path content-type". */
  sent: string[];
}

/**
 * Opens a page in a fresh context and records what goes wrong. No request is intercepted (Playwright
 * would then answer CORS preflights itself, and Itinera's CORS would go untested); a request to any
 * host but the two local servers fails for want of a network and is reported as a problem.
 */
export async function openPage(browser: Browser, url: string, itinera: string): Promise<WatchedPage> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems: string[] = [];
  const sent: string[] = [];
  const local = [new URL(url).host, new URL(itinera).host];
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (!local.includes(u.host)) problems.push(`request to another host: ${r.method()} ${r.url()}`);
    else if (u.host === new URL(itinera).host)
      sent.push(`${r.method()} ${u.pathname} ${r.headers()["content-type"] ?? ""}`.trim());
  });
  page.on("requestfailed", (r) =>
    problems.push(`failed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`),
  );
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`answer ${r.status()}: ${r.request().method()} ${r.url()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  await page.goto(url);
  return { page, problems, sent };
}
