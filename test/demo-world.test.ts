// The demo world (issue 4): reproducible byte for byte, personas that behave differently, every planted
// problem really present in the data at the manifest's size (measured by SQL with DuckDB's JSON reader),
// the identity traps it promises, and `itinera demo generate` writing files or a database.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeWorld } from "../src/demo/world/files.js";
import type { WorldOptions } from "../src/demo/world/world.js";
import { ensureBuilt, runCliJson } from "./helpers/cli.js";
import { tempDir } from "./helpers/server.js";

type Row = Record<string, number | string | boolean | null>;
const DAY = 86_400_000;
const end = new Date("2026-06-01T00:00:00.000Z");
const options: WorldOptions = { customers: 3000, days: 60, seed: 11, end };
const startMs = end.getTime() - options.days * DAY;

let dir: string;
let db: DuckDBInstance;
let conn: DuckDBConnection;
let manifest: {
  events: number;
  window: { start: string };
  problems: Array<{ id: string; start: string; size: Record<string, number> }>;
};
const problem = (id: string) => manifest.problems.find((p) => p.id === id)!;

async function rows(sql: string): Promise<Row[]> {
  const reader = await conn.runAndReadAll(sql);
  return reader
    .getRowObjectsJS()
    .map((r) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v])),
    ) as Row[];
}
/** Rows keyed by their first column's text. */
async function byKey(sql: string): Promise<Record<string, Row>> {
  return Object.fromEntries((await rows(sql)).map((r) => [String(Object.values(r)[0]), r]));
}
const sha256 = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

beforeAll(async () => {
  dir = tempDir("demo-world");
  const files = await writeWorld(options, dir, "jsonl");
  manifest = JSON.parse(fs.readFileSync(files.manifest, "utf8"));
  db = await DuckDBInstance.create(":memory:");
  conn = await db.connect();
  const columns =
    "{type: 'VARCHAR', messageId: 'VARCHAR', timestamp: 'TIMESTAMP', channel: 'VARCHAR', anonymousId: 'VARCHAR', userId: 'VARCHAR', event: 'VARCHAR', name: 'VARCHAR', properties: 'JSON', traits: 'JSON', context: 'JSON'}";
  await conn.run(`CREATE TABLE ev AS
    SELECT *, CAST(split_part(messageId, '-', 2) AS INTEGER) AS cust, epoch_ms(timestamp) AS ms,
      coalesce(context->>'channel', CASE channel WHEN 'browser' THEN 'web' WHEN 'mobile' THEN 'app' END) AS ch
    FROM read_json('${files.events}', format = 'newline_delimited', columns = ${columns})`);
  await conn.run(`CREATE TABLE truth AS
    SELECT CAST(split_part(user_id, '-', 3) AS INTEGER) AS cust, *
    FROM read_json('${files.customers}', format = 'newline_delimited')`);
}, 120_000);

afterAll(() => {
  conn?.closeSync();
  db?.closeSync();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("demo world: determinism and shape", () => {
  it("gives the same bytes for the same seed, other bytes for another", async () => {
    const small = (seed: number) => ({ customers: 300, days: 20, seed, end });
    const a = await writeWorld(small(5), path.join(dir, "a"), "jsonl");
    const b = await writeWorld(small(5), path.join(dir, "b"), "jsonl");
    const c = await writeWorld(small(6), path.join(dir, "c"), "jsonl");
    expect(a.count).toBeGreaterThan(5000);
    expect(sha256(b.events)).toBe(sha256(a.events));
    expect(sha256(b.manifest)).toBe(sha256(a.manifest));
    expect(sha256(c.events)).not.toBe(sha256(a.events));
  });

  it("is in time order, inside the window, with unique message ids and counts matching the manifest", async () => {
    const [r] =
      await rows(`SELECT count(*) AS n, count(DISTINCT messageId) AS ids, min(ms) AS lo, max(ms) AS hi,
      bool_and(ms >= lag_ms) AS ordered FROM (SELECT ms, messageId, coalesce(lag(ms) OVER (), 0) AS lag_ms FROM ev)`);
    expect(r).toMatchObject({ n: manifest.events, ids: manifest.events, ordered: true });
    expect(Number(r!.lo)).toBeGreaterThanOrEqual(startMs);
    expect(Number(r!.hi)).toBeLessThan(end.getTime());
  });

  it("covers all five journey stages with Segment e-commerce names, and every channel", async () => {
    const events = new Set(
      (await rows("SELECT DISTINCT coalesce(event, type) AS e FROM ev")).map((r) => r.e),
    );
    const stages = {
      awareness: ["Ad Impression", "Ad Clicked", "Referral Link Opened", "Social Post Clicked"],
      consideration: [
        "Product List Viewed",
        "Product Viewed",
        "Products Compared",
        "Product Added to Wishlist",
        "Chat Started",
      ],
      purchase: ["Product Added", "Checkout Started", "Payment Info Entered", "Order Completed"],
      retention: [
        "Order Delivered",
        "Support Call",
        "Order Refunded",
        "Email Opened",
        "Unsubscribed",
        "Ticket Resolved",
      ],
      advocacy: ["Product Reviewed", "Survey Responded", "Referral Sent", "Social Mention"],
    };
    for (const names of Object.values(stages)) for (const n of names) expect(events, n).toContain(n);
    const channels = (await rows("SELECT DISTINCT ch FROM ev")).map((r) => r.ch);
    expect(channels).toEqual(
      expect.arrayContaining(["web", "app", "email", "sms", "phone", "chat", "social", "store", "ads"]),
    );
  });
});

describe("demo world: personas behave differently", () => {
  it("has per-persona channel shares and purchase rates within the stated ranges", async () => {
    const p = await byKey(`WITH per AS (
        SELECT t.persona,
          count(*) FILTER (WHERE e.type = 'screen' AND e.name = 'Home') AS app_visits,
          count(*) FILTER (WHERE e.type = 'page' AND e.name = 'Home') AS web_visits,
          count(*) FILTER (WHERE e.event IN ('Store Visited') OR (e.event = 'Order Completed' AND e.ch = 'store')
            OR (e.event = 'Support Call' AND (e.properties->>'topic') = 'product_question')) AS offline,
          count(*) FILTER (WHERE e.event = 'Chat Started') AS chats,
          count(*) FILTER (WHERE e.event = 'Order Completed') AS orders,
          count(*) FILTER (WHERE e.event = 'Order Completed' AND e.ch IN ('store', 'phone')) AS offline_orders,
          count(*) FILTER (WHERE e.event = 'Product Reviewed') AS reviews,
          count(*) FILTER (WHERE e.event = 'Checkout Started' AND (e.properties->>'has_coupon') = 'true') AS coupon,
          count(*) FILTER (WHERE e.event = 'Checkout Started') AS checkouts,
          count(*) FILTER (WHERE e.event = 'Ad Clicked') AS ad_arrivals,
          count(DISTINCT t.cust) AS customers
        FROM truth t JOIN ev e USING (cust) GROUP BY 1)
      SELECT persona, app_visits / (app_visits + web_visits) AS app_share,
        offline / (offline + app_visits + web_visits + chats) AS offline_share,
        chats / (offline + app_visits + web_visits) AS chat_rate,
        orders / customers * 30 / ${options.days} AS orders_per_month,
        offline_orders / orders AS offline_order_share, reviews / orders AS reviews_per_order,
        coupon / checkouts AS coupon_share, ad_arrivals / customers AS from_ads FROM per`);
    // Stated ranges, from the persona profiles in src/demo/world/personas.ts.
    const ranges: Record<string, Record<string, [number, number]>> = {
      tech_savvy: {
        app_share: [0.55, 0.8],
        offline_share: [0, 0.1],
        chat_rate: [0.12, 0.3],
        orders_per_month: [0.6, 1.6],
        reviews_per_order: [0.2, 0.45],
      },
      traditional: {
        app_share: [0, 0.08],
        offline_share: [0.6, 0.85],
        offline_order_share: [0.8, 1],
        orders_per_month: [0.5, 1.5],
        reviews_per_order: [0, 0.08],
      },
      bargain_hunter: {
        coupon_share: [0.65, 0.9],
        from_ads: [0.7, 0.95],
        app_share: [0.3, 0.5],
        orders_per_month: [0.3, 1.2],
      },
      loyal_advocate: {
        offline_share: [0.15, 0.35],
        orders_per_month: [1.1, 2],
        reviews_per_order: [0.08, 0.3],
      },
    };
    for (const [persona, metrics] of Object.entries(ranges))
      for (const [metric, [lo, hi]] of Object.entries(metrics)) {
        const value = Number(p[persona]![metric]);
        expect(value, `${persona} ${metric}`).toBeGreaterThanOrEqual(lo);
        expect(value, `${persona} ${metric}`).toBeLessThanOrEqual(hi);
      }
  });
});

describe("demo world: planted problems are present at the manifest's size", () => {
  it("app payment failures for Android 5.2.0 from the start date", async () => {
    const pr = problem("app-payment-failure");
    const r =
      await byKey(`SELECT (context->'os'->>'name' = 'Android' AND (context->'app'->>'version') = '5.2.0'
        AND timestamp >= '${pr.start}'::TIMESTAMPTZ) AS seg,
        count(*) FILTER (WHERE event = 'Payment Failed') / count(*) FILTER (WHERE event = 'Payment Info Entered') AS rate,
        count(*) FILTER (WHERE event = 'Payment Info Entered') AS n
      FROM ev WHERE event IN ('Payment Info Entered', 'Payment Failed') GROUP BY 1`);
    expect(Number(r.true!.n)).toBeGreaterThan(150);
    expect(Number(r.true!.rate)).toBeCloseTo(pr.size.failure_rate!, 1);
    expect(Number(r.false!.rate)).toBeCloseTo(pr.size.baseline_failure_rate!, 1);
    expect(Math.abs(Number(r.false!.rate) - pr.size.baseline_failure_rate!)).toBeLessThan(0.015);
  });

  it("web checkout abandonment without a coupon jumps when the coupon field appears", async () => {
    const pr = problem("web-coupon-abandonment");
    const r = await byKey(`WITH s AS (SELECT (properties->>'checkout_id') AS id, timestamp FROM ev
          WHERE event = 'Checkout Started' AND ch = 'web' AND (properties->>'has_coupon') = 'false'),
        o AS (SELECT DISTINCT (properties->>'checkout_id') AS id FROM ev WHERE event = 'Order Completed')
      SELECT s.timestamp >= '${pr.start}'::TIMESTAMPTZ AS after, avg(CASE WHEN o.id IS NULL THEN 1 ELSE 0 END) AS rate,
        count(*) AS n FROM s LEFT JOIN o USING (id) GROUP BY 1`);
    // Failed payments that are given up add a point or two to both periods.
    expect(Number(r.true!.rate) - pr.size.abandonment_rate!).toBeGreaterThan(-0.05);
    expect(Number(r.true!.rate) - pr.size.abandonment_rate!).toBeLessThan(0.06);
    expect(Number(r.false!.rate) - pr.size.baseline_abandonment_rate!).toBeGreaterThan(-0.05);
    expect(Number(r.false!.rate) - pr.size.baseline_abandonment_rate!).toBeLessThan(0.06);
  });

  it("late deliveries bring 'where is my order' calls and then churn", async () => {
    const pr = problem("late-delivery-wismo-churn");
    const calls =
      await byKey(`WITH d AS (SELECT (properties->>'order_id') AS id, (properties->>'days_late')::INT > 0 AS late
          FROM ev WHERE event = 'Order Delivered'),
        c AS (SELECT (properties->>'order_id') AS id, count(*) AS n FROM ev
          WHERE event = 'Support Call' AND (properties->>'topic') = 'where_is_my_order' GROUP BY 1)
      SELECT late, avg(coalesce(n, 0)) AS calls, count(*) AS orders FROM d LEFT JOIN c USING (id) GROUP BY 1`);
    const lateShare = Number(calls.true!.orders) / (Number(calls.true!.orders) + Number(calls.false!.orders));
    expect(Math.abs(lateShare - pr.size.late_delivery_rate!)).toBeLessThan(0.03);
    expect(Math.abs(Number(calls.true!.calls) - pr.size.wismo_calls_per_late_order!)).toBeLessThan(0.25);
    expect(Math.abs(Number(calls.false!.calls) - pr.size.wismo_calls_per_on_time_order!)).toBeLessThan(0.02);
    // Churn: after a customer's first delivery, do they order again within 30 days?
    const cutoff = end.getTime() - 30 * DAY;
    const again = await byKey(`WITH d AS (SELECT cust, ms, (properties->>'days_late')::INT > 0 AS late,
          row_number() OVER (PARTITION BY cust ORDER BY ms) AS rn FROM ev WHERE event = 'Order Delivered'),
        f AS (SELECT * FROM d WHERE rn = 1 AND ms < ${cutoff}),
        o AS (SELECT cust, ms FROM ev WHERE event = 'Order Completed')
      SELECT late, avg(CASE WHEN EXISTS (SELECT 1 FROM o WHERE o.cust = f.cust AND o.ms > f.ms AND o.ms <= f.ms + ${30 * DAY})
        THEN 1 ELSE 0 END) AS rate, count(*) AS n FROM f GROUP BY 1`);
    const ratio = Number(again.true!.rate) / Number(again.false!.rate);
    const expected = 1 - pr.size.churn_probability_after_late!;
    expect(Math.abs(ratio - expected), `repeat-order ratio ${ratio}`).toBeLessThan(0.2);
  });

  it("customers messaged more than 3 times a week unsubscribe more", async () => {
    const pr = problem("message-pressure-unsubscribe");
    const weeks = Math.floor(options.days / 7);
    const r = await byKey(`WITH w AS (SELECT cust, floor((ms - ${startMs}) / ${7 * DAY}) AS wk,
          count(*) FILTER (WHERE event IN ('Email Sent', 'SMS Sent')) AS sent,
          count(*) FILTER (WHERE event = 'Unsubscribed') AS unsub
        FROM ev WHERE event IN ('Email Sent', 'SMS Sent', 'Unsubscribed') GROUP BY 1, 2)
      SELECT sent > 3 AS over, avg(unsub) AS rate, count(*) AS n FROM w WHERE sent > 0 AND wk < ${weeks} GROUP BY 1`);
    expect(Number(r.true!.n)).toBeGreaterThan(1000);
    expect(Math.abs(Number(r.true!.rate) - pr.size.weekly_unsubscribe_rate!)).toBeLessThan(0.02);
    expect(Math.abs(Number(r.false!.rate) - pr.size.baseline_weekly_unsubscribe_rate!)).toBeLessThan(0.006);
  });

  it("slow social replies give low NPS; response times follow the published figures", async () => {
    const pr = problem("slow-social-replies-nps");
    const r =
      await byKey(`WITH f AS (SELECT (properties->>'ticket_id') AS id, (properties->>'first_response_minutes')::INT AS frt
          FROM ev WHERE event = 'Ticket First Response' AND (properties->>'channel') = 'social'),
        s AS (SELECT (properties->>'ticket_id') AS id, (properties->>'score')::INT AS score FROM ev
          WHERE event = 'Survey Responded' AND (properties->>'survey_type') = 'nps')
      SELECT frt > 60 AS slow, avg(score) AS score, count(*) AS n FROM f JOIN s USING (id) GROUP BY 1`);
    expect(Number(r.false!.n)).toBeGreaterThan(30);
    expect(Math.abs(Number(r.true!.score) - pr.size.mean_nps_score_slow!)).toBeLessThan(0.5);
    expect(Math.abs(Number(r.false!.score) - pr.size.mean_nps_score_fast!)).toBeLessThan(0.5);
    const frt =
      await byKey(`SELECT (properties->>'channel') AS channel, avg((properties->>'first_response_minutes')::INT) / 60 AS hours
      FROM ev WHERE event = 'Ticket First Response' GROUP BY 1`);
    expect(Number(frt.social!.hours)).toBeGreaterThan(3.5);
    expect(Number(frt.social!.hours)).toBeLessThan(6.5);
    expect(Number(frt.email!.hours)).toBeGreaterThan(32);
    expect(Number(frt.email!.hours)).toBeLessThan(56);
    expect(Number(frt.chat!.hours)).toBeLessThan(0.2);
  });
});

describe("demo world: identity traps", () => {
  it("has junk identifiers shared by several people, late logins, store purchases by phone and guest checkouts", async () => {
    const [r] = await rows(`SELECT
        count(DISTINCT cust) FILTER (WHERE coalesce(traits->>'email', (context->'traits'->>'email')) = 'test@test.com') AS junk_email,
        count(DISTINCT cust) FILTER (WHERE coalesce(traits->>'phone', (context->'traits'->>'phone')) = '0000000000') AS junk_phone,
        count(*) FILTER (WHERE event = 'Order Completed' AND ch = 'store' AND userId IS NULL
          AND (context->'traits'->>'phone') IS NOT NULL) AS store_by_phone,
        count(*) FILTER (WHERE event = 'Order Completed' AND ch = 'store' AND (context->'traits'->>'loyalty_card') IS NOT NULL) AS store_by_card,
        count(*) FILTER (WHERE event = 'Order Completed' AND userId IS NULL AND anonymousId IS NOT NULL
          AND (context->'traits'->>'email') IS NOT NULL) AS guest_orders
      FROM ev`);
    expect(Number(r!.junk_email)).toBeGreaterThanOrEqual(5);
    expect(Number(r!.junk_phone)).toBeGreaterThanOrEqual(5);
    expect(Number(r!.store_by_phone)).toBeGreaterThan(50);
    expect(Number(r!.store_by_card)).toBeGreaterThan(50);
    expect(Number(r!.guest_orders)).toBeGreaterThan(20);
    // Late logins: devices with anonymous history before their first identify.
    const [late] =
      await rows(`WITH firsts AS (SELECT anonymousId, min(ms) FILTER (WHERE type = 'identify') AS login,
        min(ms) AS seen FROM ev WHERE anonymousId IS NOT NULL GROUP BY 1)
      SELECT count(*) FILTER (WHERE login > seen) AS late, count(*) FILTER (WHERE login IS NULL) AS never FROM firsts`);
    expect(Number(late!.late)).toBeGreaterThan(300);
    expect(Number(late!.never)).toBeGreaterThan(100);
    // Several devices per customer.
    const [dev] = await rows("SELECT avg(len(anonymous_ids)) AS devices FROM truth");
    expect(Number(dev!.devices)).toBeGreaterThan(1.4);
  });
});

describe("itinera demo generate", () => {
  beforeAll(ensureBuilt, 300_000);

  it("writes Parquet with a manifest, and stores a world in a database through the import path", async () => {
    const out = path.join(dir, "cli-out");
    const files = await runCliJson<{ events: string; count: number; manifest: string }>(dir, [
      "--json",
      "demo",
      "generate",
      "--customers",
      "200",
      "--days",
      "14",
      "--seed",
      "3",
      "--end",
      "2026-06-01",
      "--out",
      out,
      "--format",
      "parquet",
    ]);
    expect(files.events).toBe(path.join(out, "events.parquet"));
    expect(JSON.parse(fs.readFileSync(files.manifest, "utf8")).problems).toHaveLength(5);
    const [pq] = await rows(`SELECT count(*) AS n FROM read_parquet('${files.events}')`);
    expect(pq!.n).toBe(files.count);

    const dbPath = path.join(dir, "world.duckdb");
    const stored = await runCliJson<{
      count: number;
      manifest: string;
      imported: { imported: number; rejected: number };
    }>(dir, [
      "--json",
      "demo",
      "generate",
      "--customers",
      "200",
      "--days",
      "14",
      "--seed",
      "3",
      "--end",
      "2026-06-01",
      "--into",
      dbPath,
    ]);
    expect(stored.imported).toMatchObject({ imported: stored.count, rejected: 0 });
    expect(stored.count).toBe(files.count);
    expect(fs.existsSync(stored.manifest)).toBe(true);
  }, 120_000);
});
