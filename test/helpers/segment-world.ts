// Worlds written for the friction finder's generalisation tests (issue 15), independently of the demo
// world and of the finder's defaults: ordinary drop-off at every step of a funnel, and one problem planted
// in one segment. The Segment world speaks Segment's e-commerce spec (v2) with the spec's own properties
// (Checkout Started carries order_id, not a cart or checkout id); the travel world speaks a vocabulary no
// default names. Each exists planted and healthy (the same customers, steps and segments, nothing wrong).
// Sent as a Segment SDK would: top-level channel (browser or mobile), context with os, app and campaign.
import type { TestServer } from "./server.js";
import { at, iso } from "./worlds.js";

interface Message {
  userId: string;
  event: string;
  ms: number;
  properties: Record<string, unknown>;
  channel: "browser" | "mobile";
  context: Record<string, unknown>;
}

/** Who is where, decided here; the tests compare the finder's customer lists with these. */
export interface Shopper {
  userId: string;
  day: number;
  /** Reached the planted step's start (Payment Info Entered, Traveller Details), when */
  reachedAt: number | null;
  /** …and went no further. */
  stopped: boolean;
  /** In the planted segment (whether planted or not). */
  inSegment: boolean;
}

export interface GenWorld {
  messages: Message[];
  shoppers: Shopper[];
}

/** A small deterministic generator (mulberry32), so a world is the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

export const SEGMENT_PLANT = { day: 20, os: "Android", appVersion: "5.2.0", failure: 0.7 };

/**
 * Segment e-commerce v2: 3,000 customers over the 40 days, each with one visit: Products Searched →
 * Product List Viewed → Product Viewed → Product Added → Cart Viewed → Checkout Started → Checkout Step
 * Viewed → Checkout Step Completed → Payment Info Entered → Order Completed, and at every step 6–15% stop.
 * Half shop in the app (Android 5.0.3, 5.1.0 or 5.2.0; iOS 7.3 or 7.4), half on the web; campaigns in
 * context.campaign. Planted: on Android 5.2.0 from day 20, 70% of Payment Info Entered never become an order
 * (8% elsewhere).
 */
export function segmentWorld(planted: boolean): GenWorld {
  const r = random(15);
  const messages: Message[] = [];
  const shoppers: Shopper[] = [];
  const steps: Array<[string, number]> = [
    ["Products Searched", 0.9],
    ["Product List Viewed", 0.88],
    ["Product Viewed", 0.85],
    ["Product Added", 0.88],
    ["Cart Viewed", 0.9],
    ["Checkout Started", 0.92],
    ["Checkout Step Viewed", 0.94],
    ["Checkout Step Completed", 0.92],
    ["Payment Info Entered", 0.92],
    ["Order Completed", 1],
  ];
  for (let i = 0; i < 3000; i++) {
    const userId = `seg-${i}`;
    const day = i % 40;
    const app = r() < 0.5;
    const android = app && r() < 0.6;
    const context: Record<string, unknown> = app
      ? {
          os: { name: android ? "Android" : "iOS", version: android ? "14" : "17.4" },
          app: {
            name: "Shop",
            version: android ? pick(r, ["5.0.3", "5.1.0", "5.2.0"]) : pick(r, ["7.3", "7.4"]),
          },
          device: { type: android ? "android" : "ios" },
        }
      : { userAgent: "Mozilla/5.0", page: { path: "/" } };
    context.campaign = { name: pick(r, ["spring_sale", "newsletter", "brand", "retarget"]), source: "ads" };
    const inSegment = android && (context.app as { version: string }).version === SEGMENT_PLANT.appVersion;
    const order = `ord-${i}`;
    const cart = `cart-${i}`;
    const product = { product_id: `p-${i % 37}`, sku: `sku-${i % 37}`, price: 20 + (i % 9) * 5, quantity: 1 };
    const props: Record<string, Record<string, unknown>> = {
      "Products Searched": { query: pick(r, ["shoes", "socks", "jacket", "hat"]) },
      "Product List Viewed": { list_id: `list-${i % 5}`, category: "apparel", products: [product] },
      "Product Viewed": product,
      "Product Added": { cart_id: cart, ...product },
      "Cart Viewed": { cart_id: cart, products: [product] },
      "Checkout Started": { order_id: order, value: product.price, revenue: product.price, currency: "USD" },
      "Checkout Step Viewed": { checkout_id: `chk-${i}`, step: 1, shipping_method: "ground" },
      "Checkout Step Completed": { checkout_id: `chk-${i}`, step: 1, shipping_method: "ground" },
      "Payment Info Entered": {
        checkout_id: `chk-${i}`,
        order_id: order,
        step: 2,
        payment_method: pick(r, ["card", "paypal"]),
      },
      "Order Completed": {
        checkout_id: `chk-${i}`,
        order_id: order,
        total: product.price,
        revenue: product.price,
        currency: "USD",
        products: [product],
      },
    };
    let ms = at(day, 8 + (i % 12)) + Math.floor(r() * 1800_000);
    let reachedAt: number | null = null;
    let stopped = false;
    for (const [event, goOn] of steps) {
      messages.push({
        userId,
        event,
        ms,
        properties: props[event]!,
        channel: app ? "mobile" : "browser",
        context,
      });
      if (event === "Payment Info Entered") reachedAt = ms;
      const failing = planted && inSegment && day >= SEGMENT_PLANT.day && event === "Payment Info Entered";
      if (r() >= (failing ? 1 - SEGMENT_PLANT.failure : goOn)) {
        if (reachedAt !== null) stopped = true;
        break;
      }
      ms += 20_000 + Math.floor(r() * 70_000);
    }
    shoppers.push({ userId, day, reachedAt, stopped, inSegment });
  }
  return { messages, shoppers };
}

export const TRAVEL_PLANT = { day: 15, market: "PT", failure: 0.65 };

/**
 * A travel booking in names of its own: Trip Searched → Fare Picked → Seat Chosen → Traveller Details →
 * Fare Paid, 2,400 customers over the 40 days, 5–15% stopping at every step; Traveller Details carries the
 * traveller's market (one of six). Planted: from day 15, 65% of Portuguese travellers' details are never
 * paid for (7% elsewhere). No touchpoint, step or setting names any of it.
 */
export function travelWorld(planted: boolean): GenWorld {
  const r = random(27);
  const messages: Message[] = [];
  const shoppers: Shopper[] = [];
  const steps: Array<[string, number]> = [
    ["Trip Searched", 0.85],
    ["Fare Picked", 0.9],
    ["Seat Chosen", 0.92],
    ["Traveller Details", 0.93],
    ["Fare Paid", 1],
  ];
  const markets = ["PT", "ES", "FR", "DE", "IT", "NL"];
  for (let i = 0; i < 2400; i++) {
    const userId = `trav-${i}`;
    const day = i % 40;
    const app = r() < 0.4;
    const context = app
      ? { os: { name: pick(r, ["Android", "iOS"]) }, app: { version: pick(r, ["3.1", "3.2"]) } }
      : { userAgent: "Mozilla/5.0" };
    const market = pick(r, markets);
    const inSegment = market === TRAVEL_PLANT.market;
    const booking = `bk-${i}`;
    const props: Record<string, Record<string, unknown>> = {
      "Trip Searched": { origin: "LIS", destination: pick(r, ["MAD", "CDG", "FRA"]) },
      "Fare Picked": { booking_ref: booking, fare_class: pick(r, ["light", "classic", "plus"]) },
      "Seat Chosen": { booking_ref: booking, seat_zone: pick(r, ["front", "middle", "back"]) },
      "Traveller Details": { booking_ref: booking, market, travellers: 1 + (i % 3) },
      "Fare Paid": { booking_ref: booking, amount: 90 + (i % 7) * 15 },
    };
    let ms = at(day, 7 + (i % 14)) + Math.floor(r() * 1800_000);
    let reachedAt: number | null = null;
    let stopped = false;
    for (const [event, goOn] of steps) {
      messages.push({
        userId,
        event,
        ms,
        properties: props[event]!,
        channel: app ? "mobile" : "browser",
        context,
      });
      if (event === "Traveller Details") reachedAt = ms;
      const failing = planted && inSegment && day >= TRAVEL_PLANT.day && event === "Traveller Details";
      if (r() >= (failing ? 1 - TRAVEL_PLANT.failure : goOn)) {
        if (reachedAt !== null) stopped = true;
        break;
      }
      ms += 30_000 + Math.floor(r() * 120_000);
    }
    shoppers.push({ userId, day, reachedAt, stopped, inSegment });
  }
  return { messages, shoppers };
}

/** Sends a world through the collection endpoint as Segment batches, in time order. */
export async function sendWorld(server: TestServer, world: GenWorld): Promise<void> {
  const sorted = [...world.messages].sort((a, b) => a.ms - b.ms);
  for (let i = 0; i < sorted.length; i += 500) {
    const batch = sorted.slice(i, i + 500).map((m, j) => ({
      type: "track",
      messageId: `g-${i + j}`,
      userId: m.userId,
      event: m.event,
      timestamp: iso(m.ms),
      channel: m.channel,
      properties: m.properties,
      context: m.context,
    }));
    const res = await server.collect("/v1/batch", { batch });
    if (res.status !== 200 || (res.body as { rejected?: unknown[] }).rejected?.length)
      throw new Error(`batch not stored: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

/** The user ids behind a drop-off at the planted step found since `sinceMs`: in the segment, stopped there. */
export function stoppedInSegment(world: GenWorld, sinceMs: number): string[] {
  return world.shoppers
    .filter((s) => s.inSegment && s.stopped && s.reachedAt !== null && s.reachedAt >= sinceMs)
    .map((s) => s.userId);
}
