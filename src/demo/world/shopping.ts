// Awareness, consideration and purchase: how customers arrive (ads, social, referrals), browse and
// compare, sign up late, check out online (with the app payment and web coupon problems) or buy in store.
import { adCampaigns, CURRENCY, coupons, type Product, products, stores } from "../catalog.js";
import { MIN } from "../time.js";
import { deliver } from "./aftercare.js";
import { churned, type Device, JUNK_EMAIL, signupTraits } from "./people.js";
import type { Plan } from "./problems.js";
import type { Voice } from "./sink.js";

const SEC = 1000;

const item = (p: Product, quantity = 1) => ({
  product_id: p.product_id,
  sku: p.sku,
  name: p.name,
  brand: p.brand,
  category: p.category,
  price: p.price,
  quantity,
});

/** Awareness: the first visit, from an ad, a social post, a friend's referral or a search. */
function arrive(v: Voice, dev: Device, t: number): number {
  const p = v.p;
  const rng = p.rng;
  p.arrived = true;
  if (p.referredBy) {
    v.track(dev, t, "Referral Link Opened", {
      referrer_id: p.referredBy,
      referral_code: `REF-${p.referredBy}`,
    });
    return t + 20 * SEC;
  }
  if (rng.chance(p.profile.fromAds)) {
    const ad = rng.pick(adCampaigns);
    const campaign = { name: ad.name, source: ad.source, medium: ad.medium, content: ad.content };
    v.track(dev, t, "Ad Impression", { campaign_name: ad.name, placement: ad.source }, { channel: "ads" });
    v.track(
      dev,
      t + 4 * SEC,
      "Ad Clicked",
      { campaign_name: ad.name, placement: ad.source },
      { channel: "ads", campaign },
    );
    v.view(dev, t + 8 * SEC, "Campaign landing", ad.landing);
    return t + 40 * SEC;
  }
  if (rng.chance(0.3)) {
    v.track(
      dev,
      t,
      "Social Post Clicked",
      { network: rng.pick(["instagram", "youtube", "x"]) },
      { channel: "social" },
    );
    return t + 10 * SEC;
  }
  return t;
}

function signup(v: Voice, dev: Device, t: number): void {
  v.p.signedUp = true;
  v.identify(dev, t, signupTraits(v.p));
  v.track(dev, t + 2 * SEC, "Signed Up", { method: v.p.rng.pick(["email", "kakao", "naver"]) });
}

/** One web or app session: the funnel from first page to, sometimes, an order. */
export function onlineSession(v: Voice, plan: Plan, dev: Device, start: number, chat = false): void {
  const p = v.p;
  const rng = p.rng;
  let t = start;
  const later = (ms: number): number => {
    t += ms;
    return t;
  };
  if (!p.arrived) t = arrive(v, dev, t);
  v.view(dev, t, "Home", "/");
  t += rng.int(5, 40) * SEC;
  if (!p.signedUp && --p.anonymousLeft <= 0) signup(v, dev, t);
  // Late login: a known customer on a device where they have not logged in yet.
  else if (p.signedUp && !dev.loggedIn && rng.chance(0.4)) v.identify(dev, t, { email: p.email });
  t += 10 * SEC;
  const pick = rng.pick(products);
  v.track(dev, t, "Product List Viewed", { list_id: pick.category, category: pick.category });
  const views = rng.int(1, 4);
  let chosen = pick;
  for (let i = 0; i < views; i++) {
    t += rng.int(15, 90) * SEC;
    chosen = rng.chance(0.6)
      ? rng.pick(products.filter((x) => x.category === pick.category))
      : rng.pick(products);
    v.track(dev, t, "Product Viewed", item(chosen));
  }
  if (rng.chance(0.25))
    v.track(dev, later(30 * SEC), "Product Reviews Viewed", { product_id: chosen.product_id });
  if (rng.chance(0.12))
    v.track(dev, later(20 * SEC), "Products Compared", { product_ids: [pick.product_id, chosen.product_id] });
  if (rng.chance(0.08)) v.track(dev, later(10 * SEC), "Product Added to Wishlist", item(chosen));
  if (chat || rng.chance(0.04)) {
    const conversation_id = v.id("chat");
    const agent = rng.chance(0.6) ? "bot" : "human";
    v.track(
      dev,
      later(20 * SEC),
      "Chat Started",
      { conversation_id, agent, topic: "product_question" },
      { channel: "chat" },
    );
    v.track(
      dev,
      later(90 * SEC),
      "Chat Ended",
      { conversation_id, agent, resolved: rng.chance(0.8) },
      { channel: "chat" },
    );
  }
  if (!churned(p, t) && rng.chance(p.profile.checkout)) checkout(v, plan, dev, t + 60 * SEC, chosen);
}

function checkout(v: Voice, plan: Plan, dev: Device, start: number, product: Product): void {
  const p = v.p;
  const rng = p.rng;
  // The app only sells to signed-in customers; the web allows guest checkout by e-mail.
  if (dev.kind === "app" && !p.signedUp) signup(v, dev, start - 30 * SEC);
  const guest = !p.signedUp;
  const traits = guest ? { traits: { email: p.junkEmail ? JUNK_EMAIL : p.email } } : undefined;
  let t = start;
  const later = (ms: number): number => {
    t += ms;
    return t;
  };
  const cart_id = v.id("cart");
  const checkout_id = v.id("chk");
  const quantity = product.category === "accessory" ? rng.int(1, 3) : 1;
  const line = item(product, quantity);
  const value = product.price * quantity;
  const hasCoupon = rng.chance(p.profile.coupon);
  v.track(dev, t, "Product Added", { cart_id, ...line });
  v.track(dev, later(20 * SEC), "Cart Viewed", { cart_id, products: [line] });
  v.track(dev, later(30 * SEC), "Checkout Started", {
    checkout_id,
    cart_id,
    value,
    currency: CURRENCY,
    products: [line],
    has_coupon: hasCoupon,
    guest,
  });
  const couponField = dev.kind === "web" && t >= plan.coupon.from;
  v.track(dev, later(40 * SEC), "Checkout Step Viewed", { checkout_id, step: 2, coupon_field: couponField });
  let coupon: string | undefined;
  if (hasCoupon) {
    coupon = rng.pick(coupons).coupon;
    v.track(dev, later(20 * SEC), "Coupon Entered", { checkout_id, coupon_id: coupon });
    v.track(dev, later(2 * SEC), "Coupon Applied", {
      checkout_id,
      coupon_id: coupon,
      discount: Math.round(value * 0.05),
    });
  }
  const abandon = couponField && !hasCoupon ? plan.coupon.abandonAfter : plan.coupon.abandonBefore;
  if (rng.chance(abandon)) return;
  const buggy =
    dev.kind === "app" &&
    dev.os === plan.payment.os &&
    dev.appVersion === plan.payment.appVersion &&
    t >= plan.payment.from;
  const method = rng.pick(["card", "card", "kakaopay", "naverpay", "bank_transfer"]);
  for (let attempt = 1; attempt <= 2; attempt++) {
    const attempt_id = v.id("pay");
    v.track(
      dev,
      later(45 * SEC),
      "Payment Info Entered",
      { checkout_id, attempt_id, payment_method: method },
      traits,
    );
    if (rng.chance(buggy ? plan.payment.failure : plan.payment.baseline)) {
      v.track(
        dev,
        later(5 * SEC),
        "Payment Failed",
        { checkout_id, attempt_id, reason: buggy ? "PG_TIMEOUT" : "CARD_DECLINED" },
        traits,
      );
      if (attempt === 2 || rng.chance(0.5)) return;
      continue;
    }
    const order_id = v.id("ord");
    const discount = coupon ? Math.round(value * 0.05) : 0;
    v.track(
      dev,
      later(5 * SEC),
      "Order Completed",
      {
        order_id,
        checkout_id,
        total: value - discount,
        revenue: value - discount,
        discount,
        currency: CURRENCY,
        products: [line],
        payment_method: method,
        ...(coupon ? { coupon } : {}),
      },
      traits,
    );
    deliver(v, plan, order_id, t, product);
    return;
  }
}

/** A store visit: the POS knows the customer by phone number or loyalty card, never by user id. */
export function storeVisit(v: Voice, start: number): void {
  const p = v.p;
  const rng = p.rng;
  const store = rng.pick(stores);
  let t = start;
  if (!p.signedUp && rng.chance(0.35)) {
    // Trudy signs up at the counter: the clerk types what she says (or test@test.com).
    p.signedUp = true;
    v.identify(undefined, t, { ...signupTraits(p), store_id: store.id }, "store");
    t += 3 * MIN;
  }
  if (churned(p, t) || !rng.chance(p.profile.storeBuy)) {
    v.office(t, "Store Visited", "store", { store_id: store.id }, { phone: p.phone }, true);
    return;
  }
  const product = rng.pick(products);
  const contact = p.loyaltyCard && rng.chance(0.6) ? { loyalty_card: p.loyaltyCard } : { phone: p.phone };
  v.office(
    t + 10 * MIN,
    "Order Completed",
    "store",
    {
      order_id: v.id("pos"),
      store_id: store.id,
      total: product.price,
      revenue: product.price,
      currency: CURRENCY,
      products: [item(product)],
      payment_method: "card",
    },
    contact,
    true,
  );
}

/** A phone call to the call centre before buying; traditional customers sometimes order on the phone. */
export function phoneSession(v: Voice, plan: Plan, start: number): void {
  const p = v.p;
  const rng = p.rng;
  const call_id = v.id("call");
  const product = rng.pick(products);
  v.office(
    start,
    "Support Call",
    "phone",
    {
      call_id,
      topic: "product_question",
      product_id: product.product_id,
      wait_seconds: rng.int(20, 600),
      duration_seconds: rng.int(60, 900),
    },
    { phone: p.phone },
  );
  if (!churned(p, start) && rng.chance(0.2)) {
    const order_id = v.id("ord");
    v.office(
      start + 15 * MIN,
      "Order Completed",
      "phone",
      {
        order_id,
        total: product.price,
        revenue: product.price,
        currency: CURRENCY,
        products: [item(product)],
        payment_method: "bank_transfer",
      },
      { phone: p.phone },
    );
    deliver(v, plan, order_id, start + 15 * MIN, product);
  }
}
