// Buying sessions: browsing, sign-up and log-in, carts (bought, abandoned or as a guest), store
// purchases at the till, and what an order sets in motion (shipping texts, installation, a review).
import { CURRENCY, coupons, type Product, products, stores } from "./catalog.js";
import { type Customer, type Device, JUNK_PHONE, phoneVariant } from "./customers.js";
import { reviews, toneOfScore } from "./phrases.js";
import { DAY, HOUR, type LineItem, type Order, type Timeline } from "./timeline.js";

const interests: Record<Customer["persona"], ReadonlyArray<Product["category"]>> = {
  tech_savvy: ["phone", "audio", "computer", "wearable", "accessory", "tv"],
  traditional: ["kitchen", "laundry", "climate", "tv", "cleaning"],
  bargain_hunter: ["tv", "audio", "phone", "climate", "cleaning", "kitchen", "accessory"],
  loyal_advocate: ["tv", "audio", "phone", "computer", "kitchen", "cleaning", "wearable"],
};

function product(tl: Timeline): Product {
  const wanted = interests[tl.c.persona];
  return tl.rng.pick(products.filter((p) => wanted.includes(p.category)));
}

function item(p: Product, quantity = 1): LineItem {
  const { installation: _, ...rest } = p;
  return { ...rest, quantity };
}

export function browse(tl: Timeline, dev: Device, n: number): Product[] {
  const seen: Product[] = [];
  for (let i = 0; i < n; i++) {
    const p = product(tl);
    tl.view(dev, "Product Detail", `/products/${p.product_id}`);
    tl.track(dev, "Product Viewed", { ...item(p), currency: CURRENCY });
    tl.wait(10, tl.c.persona === "tech_savvy" ? 40 : 150);
    seen.push(p);
  }
  return seen;
}

export function signup(tl: Timeline, dev: Device): void {
  tl.view(dev, "Sign Up", "/signup");
  tl.wait(30, 120);
  tl.identify(dev, tl.profile());
  tl.track(dev, "Signed Up", { method: "email" });
  if (tl.c.persona === "bargain_hunter" && tl.c.smsOptIn && !tl.c.junkPhone)
    tl.schedule(tl.t + tl.rng.int(1, 20) * HOUR, { kind: "couponSms" });
}

/** A later log-in on another device: the identify that stitches that device's anonymous history. */
export function login(tl: Timeline, dev: Device): void {
  const { c } = tl;
  tl.view(dev, "Log In", "/login");
  tl.identify(dev, c.email ? { email: c.email, name: c.name } : { name: c.name });
  tl.track(dev, "Signed In", { method: tl.rng.pick(["password", "kakao", "naver"]) });
}

export function buy(
  tl: Timeline,
  dev: Device,
  opts: { coupon?: boolean; abandon?: boolean; guestEmail?: string },
): void {
  const { rng } = tl;
  const order_id = tl.id("HB");
  const cart_id = `cart-${order_id.slice(3)}`;
  // A guest checkout leaves nothing but the e-mail address typed into the form.
  const traits = opts.guestEmail ? { traits: { email: opts.guestEmail } } : {};
  const items = browse(tl, dev, rng.chance(0.3) ? 2 : 1).map((p) => item(p));
  for (const it of items) tl.track(dev, "Product Added", { cart_id, ...it }, traits);
  const subtotal = items.reduce((s, it) => s + it.price * it.quantity, 0);
  const base = { cart_id, order_id, currency: CURRENCY, products: items };
  tl.view(dev, "Checkout", "/checkout");
  tl.track(dev, "Checkout Started", { ...base, value: subtotal }, traits);
  if (opts.abandon) return;
  let discount = 0;
  let coupon: string | undefined;
  if (opts.coupon) {
    const offer = rng.pick(coupons);
    const ids = { cart_id, order_id, coupon_id: offer.coupon };
    tl.track(dev, "Coupon Entered", ids);
    if (rng.chance(0.2)) {
      tl.track(dev, "Coupon Denied", { ...ids, reason: "not valid on sale items" });
    } else {
      coupon = offer.coupon;
      discount =
        "rate" in offer ? Math.round((subtotal * offer.rate) / 100) * 100 : Math.min(offer.amount, subtotal);
      tl.track(dev, "Coupon Applied", { ...ids, coupon_name: offer.name, discount });
    }
  }
  tl.wait(20, tl.c.persona === "tech_savvy" ? 60 : 240);
  const shipping = subtotal >= 30_000 ? 0 : 3_000;
  const total = subtotal - discount + shipping;
  const tax = Math.round(total / 11);
  const order = {
    ...base,
    checkout_id: `chk-${cart_id}`,
    affiliation: dev.kind === "web" ? "Hanbit Online" : "Hanbit App",
    subtotal,
    discount,
    ...(coupon ? { coupon } : {}),
    shipping,
    tax,
    revenue: total - tax - shipping,
    total,
    payment_method: rng.pick(["card", "kakao_pay", "naver_pay", "bank_transfer"]),
  };
  tl.track(dev, "Order Completed", order, traits);
  if (!opts.guestEmail) afterOrder(tl, { order_id, items, device: dev });
}

function afterOrder(tl: Timeline, order: Order): void {
  const { rng, t, c } = tl;
  if (!c.junkPhone) tl.schedule(t + rng.int(18, 30) * HOUR, { kind: "shipping", order });
  if (order.items.some((it) => products.find((p) => p.product_id === it.product_id)?.installation)) {
    tl.schedule(t + rng.int(2, 4) * DAY, { kind: "installReminder", order });
    if (c.persona === "traditional" || rng.chance(0.3))
      tl.schedule(t + rng.int(1, 3) * DAY, { kind: "call", topic: "installation" });
  }
  const reviewChance = { tech_savvy: 0.7, loyal_advocate: 0.6, bargain_hunter: 0.25, traditional: 0.15 };
  if (order.device && rng.chance(reviewChance[c.persona]))
    tl.schedule(t + rng.int(3, 7) * DAY, { kind: "review", order, device: order.device });
}

export function review(tl: Timeline, order: Order): void {
  const dev = order.device ?? tl.c.devices[0]!;
  const first = order.items[0]!;
  const ratings = { tech_savvy: [3, 5], loyal_advocate: [4, 5], bargain_hunter: [1, 5], traditional: [2, 5] };
  const [lo, hi] = ratings[tl.c.persona] as [number, number];
  const rating = tl.rng.int(lo, hi);
  tl.view(dev, "Write Review", `/products/${first.product_id}/review`);
  tl.wait(40, 240);
  tl.track(dev, "Review Posted", {
    review_id: `rv-${order.order_id}`,
    order_id: order.order_id,
    product_id: first.product_id,
    rating,
    text: tl.say(reviews, toneOfScore(rating, 5)),
  });
}

/** The till knows no account: it sends a receipt with the phone number keyed in, the card scanned, or both. */
export function storePurchase(tl: Timeline): void {
  const { c, rng } = tl;
  const store = stores.find((s) => s.city === c.city) ?? rng.pick(stores);
  const order_id = tl.id("POS");
  const p = product(tl);
  const line = item(p, p.price < 100_000 ? rng.int(1, 2) : 1);
  const card = c.loyaltyCard ? { loyalty_card: c.loyaltyCard } : undefined;
  const phone = { phone: phoneVariant(c.phone, rng) };
  let traits: Record<string, string> = card ? rng.pick([phone, card, { ...phone, ...card }]) : phone;
  // Some cashiers type zeros to get past the phone prompt, then scan the card.
  if (card && c.persona === "loyal_advocate" && rng.chance(0.3)) traits = { phone: JUNK_PHONE, ...card };
  tl.emit({
    type: "track",
    anonymousId: `pos-${order_id.toLowerCase()}`,
    event: "Store Purchase",
    properties: {
      store: store.name,
      store_id: store.id,
      order_id,
      products: [line],
      total: line.price * line.quantity,
      currency: CURRENCY,
      payment_method: rng.pick(["card", "cash", "samsung_pay"]),
    },
    context: { channel: "store", traits },
  });
  if (p.installation) afterOrder(tl, { order_id, items: [line] });
}
