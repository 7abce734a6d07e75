// One customer's month: the persona's story as an ordered list of sessions on random (mostly waking)
// times, played in time order, each session scheduling its own follow-ups (shipping texts, reviews, calls).

import type { Customer, Device } from "./customers.js";
import { emailVariant, JUNK_EMAIL } from "./customers.js";
import { adVisit, newsletter, sms } from "./marketing.js";
import { callTopics } from "./phrases.js";
import type { Random } from "./random.js";
import { call, chat, nps, socialMention } from "./service.js";
import { browse, buy, login, review, signup, storePurchase } from "./shopping.js";
import {
  DAY,
  type Draft,
  HOUR,
  type Kind,
  MIN,
  type Planned,
  type Step,
  Timeline,
  type Window,
} from "./timeline.js";

/** A random instant in [from, to], mostly while people are awake in Korea (08:00–23:00 KST). */
function daytime(rng: Random, from: number, to: number): number {
  for (let i = 0; i < 8; i++) {
    const t = Math.floor(from + rng.next() * (to - from));
    const hour = (t / HOUR + 9) % 24;
    if ((hour >= 8 && hour < 23) || rng.chance(0.05)) return t;
  }
  return Math.floor(from + rng.next() * (to - from));
}

/** The milestones of each persona's month, in story order. */
function story(c: Customer, rng: Random): Step[] {
  const main = c.devices[0]!;
  const second = c.devices[1];
  const steps: Step[] = [];
  const add = (kind: Kind, extra: Omit<Step, "kind"> = {}, p = 1) => {
    if (rng.chance(p)) steps.push({ kind, ...extra });
  };
  switch (c.persona) {
    case "tech_savvy": // app first, quick purchases, chat, reviews
      for (let i = rng.int(1, 2); i > 0; i--) add("browse", { device: main });
      add("signup", { device: main });
      add("purchase", { device: main });
      add("chat", { device: main }, 0.6);
      if (second) add("deviceLogin", { device: second });
      add("purchase", { device: second ?? main }, 0.5);
      if (c.socialHandle) add("social", {}, 0.6);
      add("nps", {}, 0.5);
      break;
    case "traditional": // the store, the phone and the newsletter
      add("storeSignup");
      add("call", { topic: rng.pick(callTopics) });
      add("storeVisit", {}, 0.6);
      add("call", { topic: rng.pick(callTopics) }, 0.4);
      add("storeVisit", {}, 0.3);
      add("nps", {}, 0.4);
      break;
    case "bargain_hunter": // arrives from ads, abandons carts, buys with a coupon
      add("adVisit", { device: main });
      add("abandon", { device: main });
      add("adVisit", { device: main, retarget: true }, 0.6);
      if (second) add("guestCheckout", { device: second });
      add("signup", { device: main });
      add("purchase", { device: main, coupon: true });
      add("chat", { device: main }, 0.4);
      add("abandon", { device: main }, 0.5);
      add("nps", {}, 0.3);
      break;
    case "loyal_advocate": // an existing customer: repeat orders, referrals, praise
      add("welcomeBack", { device: main });
      add("purchase", { device: main });
      add("storeVisit", {}, 0.7);
      add("referral");
      if (second) add("purchase", { device: second });
      for (let i = rng.int(1, 2); i > 0; i--) add("purchase", { device: main });
      if (c.aliasDevice) add("aliasTablet", { device: c.aliasDevice });
      add("referral", {}, 0.5);
      if (c.socialHandle) add("social", {}, 0.7);
      add("nps");
      break;
  }
  return steps;
}

const sessions: Record<Kind, (tl: Timeline, p: Planned, dev: Device) => void> = {
  browse: (tl, _, dev) => {
    tl.view(dev, "Home", "/");
    browse(tl, dev, tl.rng.int(1, 3));
  },
  adVisit: (tl, p, dev) => adVisit(tl, dev, p.retarget === true),
  signup: (tl, _, dev) => signup(tl, dev),
  welcomeBack: (tl, _, dev) => {
    tl.view(dev, "Home", "/");
    tl.identify(dev, tl.profile());
  },
  deviceLogin: (tl, _, dev) => {
    tl.view(dev, "Home", "/");
    browse(tl, dev, 1);
    login(tl, dev);
  },
  purchase: (tl, p, dev) => {
    if (!tl.loggedIn.has(dev.anonymousId)) login(tl, dev);
    buy(tl, dev, { coupon: p.coupon === true });
  },
  abandon: (tl, _, dev) => buy(tl, dev, { abandon: true }),
  guestCheckout: (tl, _, dev) => buy(tl, dev, { guestEmail: emailVariant(tl.c.email ?? JUNK_EMAIL, tl.rng) }),
  couponSms: (tl) => sms(tl, "promotion", "[한빛전자] 가입 감사 쿠폰 WELCOME10 (10% 할인)이 발급되었습니다."),
  shipping: (tl, p) => {
    const id = p.order!.order_id;
    const text = tl.c.korean
      ? `[한빛전자] 주문하신 상품(${id})이 발송되었습니다.`
      : `[Hanbit] Your order ${id} has shipped.`;
    sms(tl, "shipping", text, p.order);
  },
  installReminder: (tl, p) =>
    sms(tl, "installation_reminder", "[한빛전자] 내일 오전 설치 기사님이 방문 예정입니다.", p.order),
  review: (tl, p) => review(tl, p.order!),
  chat: (tl, _, dev) => chat(tl, dev),
  call: (tl, p) => call(tl, p.topic ?? "delivery", p.repeat === true),
  storeSignup: (tl) => {
    tl.identify(undefined, tl.profile(), { channel: "store" });
    storePurchase(tl);
  },
  storeVisit: (tl) => storePurchase(tl),
  newsletter: (tl, p) => newsletter(tl, p.newsletter ?? 0),
  nps: (tl) => nps(tl),
  referral: (tl, _, dev) =>
    tl.track(dev, "Referral Sent", {
      referral_code: `HB-${tl.c.userId.slice(-4)}-${tl.rng.hex(4).toUpperCase()}`,
      method: tl.rng.pick(["kakao_link", "copy_link", "qr_code"]),
    }),
  social: (tl) => socialMention(tl),
  // The tablet's anonymous history reaches the customer only through this alias call.
  aliasTablet: (tl, _, dev) => {
    tl.view(dev, "Home", "/");
    browse(tl, dev, tl.rng.int(1, 2));
    tl.emit({ type: "alias", previousId: dev.anonymousId, userId: tl.c.userId, context: dev.context });
  },
};

/** The customer's messages in time order; sessions never overlap, and none starts after `w.lastStart`. */
export function* journey(c: Customer, rng: Random, w: Window, seed: number): Generator<Draft> {
  const tl = new Timeline(c, rng, w, seed);
  const steps = story(c, rng);
  // Idle browsing between the milestones, more of it the longer the window.
  const months = (w.lastStart - w.start) / (30 * DAY);
  const idle = c.persona === "traditional" ? 0 : Math.round(rng.int(1, 3) * months);
  for (let i = 0; i < idle; i++)
    steps.splice(rng.int(1, steps.length), 0, { kind: "browse", device: c.devices[0]! });
  const times = steps.map(() => daytime(rng, w.start, w.lastStart)).sort((a, b) => a - b);
  for (const [i, step] of steps.entries()) tl.schedule(times[i]!, step);
  for (const [i, t] of w.newsletterTimes.entries())
    tl.schedule(t + rng.int(0, 15 * MIN), { kind: "newsletter", newsletter: i });

  let free = w.start;
  for (let p = tl.plan.shift(); p; p = tl.plan.shift()) {
    const at = Math.max(p.at, free);
    if (at > w.lastStart) continue;
    tl.t = at;
    tl.out = [];
    sessions[p.kind](tl, p, p.device ?? c.devices[0]!);
    if (tl.out.length === 0) continue;
    free = tl.t + rng.int(10, 90) * MIN;
    yield* tl.out;
  }
}
