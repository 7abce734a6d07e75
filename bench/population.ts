// A deterministic population of shoppers and the Segment messages they cause, for benchmarks:
// person(i) always returns the same identifiers, so a benchmark can search for what a build stored.
// Messages look like what real SDKs send (analytics.js, iOS/Android, server-side ESP and call-centre
// relays), about 600–900 bytes each, with a few guard-rail cases (shared devices, junk emails).
import { randomUUID } from "node:crypto";

/** mulberry32: small, fast and good enough for test data. */
export function rng(seed: number): () => number {
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

function uuid(r: () => number): string {
  // At most 6 hex digits per draw: r() carries 32 random bits.
  const h = (n: number) =>
    Math.floor(r() * 16 ** n)
      .toString(16)
      .padStart(n, "0");
  return `${h(4)}${h(4)}-${h(4)}-4${h(3)}-${(8 + Math.floor(r() * 4)).toString(16)}${h(3)}-${h(6)}${h(6)}`;
}

// Korean family names are concentrated (Kim, Lee, Park cover almost half), which makes name search honest.
const LAST = [
  ...Array(21).fill("Kim"),
  ...Array(15).fill("Lee"),
  ...Array(8).fill("Park"),
  ...Array(5).fill("Choi"),
  ...Array(4).fill("Jung"),
  ...Array(2).fill("Kang"),
  ...Array(2).fill("Cho"),
  ...Array(2).fill("Yoon"),
  "Jang",
  "Lim",
  "Han",
  "Oh",
  "Seo",
  "Shin",
  "Kwon",
  "Hwang",
  "Ahn",
  "Song",
  "Yoo",
  "Hong",
  "Smith",
  "Johnson",
  "Garcia",
  "Müller",
  "Nguyen",
  "Tanaka",
  "Silva",
  "Brown",
] as const;
const FIRST = [
  "Minjun",
  "Seoyeon",
  "Jiwoo",
  "Hayoon",
  "Doyun",
  "Seojun",
  "Jiho",
  "Eunwoo",
  "Jiyu",
  "Sua",
  "Harin",
  "Yejun",
  "Siwoo",
  "Juwon",
  "Hajun",
  "Jimin",
  "Yuna",
  "Chaewon",
  "Dahyun",
  "Sohee",
  "Hyunwoo",
  "Taeyang",
  "Mina",
  "Jisoo",
  "Sungmin",
  "Yerin",
  "Daeho",
  "Eunji",
  "Kyungsoo",
  "Nari",
  "James",
  "Emma",
  "Olivia",
  "Lucas",
  "Sofia",
  "Mateo",
  "Hannah",
  "Leon",
  "Yuki",
  "Anh",
] as const;
const DOMAINS = [
  "gmail.com",
  "naver.com",
  "daum.net",
  "kakao.com",
  "hanmail.net",
  "outlook.com",
  "icloud.com",
];

export interface Device {
  anonymousId: string;
  kind: "web" | "ios" | "android";
  /** Index into the context pool of that kind. */
  variant: number;
}

export interface Person {
  index: number;
  firstName: string;
  lastName: string;
  /** Set once the person has an account. */
  userId: string | null;
  /** As the person types it (sometimes mixed case); null when never given. */
  email: string | null;
  /** E.164 and the national form a call-centre agent would type. */
  phone: string | null;
  phoneNational: string | null;
  loyaltyCard: string | null;
  devices: Device[];
}

/** Share of people whose email is a junk value (blocked by the guard rails, never an identifier). */
const JUNK_EMAIL = 0.003;
/** Share of people who also use the next person's device (a shared family tablet). */
const SHARED_DEVICE = 0.003;

function ownDevices(i: number): Device[] {
  const r = rng(i * 2 + 1);
  const n = r() < 0.6 ? 1 : r() < 0.75 ? 2 : 3;
  return Array.from({ length: n }, () => {
    const k = r();
    const kind = k < 0.55 ? "web" : k < 0.75 ? "ios" : "android";
    return { anonymousId: uuid(r), kind, variant: Math.floor(r() * 64) } as Device;
  });
}

export function person(i: number): Person {
  const r = rng(i * 2 + 0x9e3779b9);
  const firstName = pick(r, FIRST);
  const lastName = pick(r, LAST);
  const hasAccount = r() < 0.65;
  const hasEmail = hasAccount ? r() < 0.95 : r() < 0.3;
  const hasPhone = r() < (hasAccount ? 0.6 : 0.25);
  const hasCard = r() < 0.25;
  // Multiplying by an odd (or coprime) constant is a bijection, so ids and numbers never collide.
  const userId = hasAccount
    ? `cus_${(Math.imul(i + 1, 0x9e3779b1) >>> 0).toString(16).padStart(8, "0")}`
    : null;
  let email: string | null = null;
  if (hasEmail) {
    const local = `${firstName}.${lastName}${i}`.normalize("NFD").replace(/[^\w.]/g, "");
    email =
      r() < JUNK_EMAIL ? "test@test.com" : `${r() < 0.1 ? local : local.toLowerCase()}@${pick(r, DOMAINS)}`;
  }
  let phone: string | null = null;
  let phoneNational: string | null = null;
  if (hasPhone) {
    const digits = String((i * 48271 + 12_345_678) % 100_000_000).padStart(8, "0");
    phone = `+8210${digits}`;
    phoneNational = `010-${digits.slice(0, 4)}-${digits.slice(4)}`;
  }
  const devices = ownDevices(i);
  if (r() < SHARED_DEVICE) devices.push(ownDevices(i + 1)[0]!);
  return {
    index: i,
    firstName,
    lastName,
    userId,
    email,
    phone,
    phoneNational,
    loyaltyCard: hasCard ? `LC${String((i * 7919 + 100_003) % 1_000_000_000_000).padStart(12, "0")}` : null,
    devices,
  };
}

// ---------------------------------------------------------------------------------------------
// What SDKs put around a message.

const BROWSERS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Linux; Android 14; SM-S918N) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36",
];
const PHONES = [
  ["Apple", "iPhone15,3", "iOS", "18.1"],
  ["Apple", "iPhone14,5", "iOS", "17.6.1"],
  ["samsung", "SM-S918N", "Android", "14"],
  ["samsung", "SM-A546S", "Android", "13"],
  ["Google", "Pixel 8", "Android", "15"],
] as const;
const PRODUCTS = [
  ["tv-55-oled", '55" OLED TV', "TV & Video", 1_890_000],
  ["fridge-4door", "4-door refrigerator", "Kitchen", 2_450_000],
  ["washer-21kg", "21 kg washing machine", "Laundry", 1_290_000],
  ["soundbar-s8", "Soundbar S8", "Audio", 590_000],
  ["airpurifier-m", "Air purifier M", "Air care", 420_000],
  ["vacuum-cordless", "Cordless vacuum", "Cleaning", 780_000],
  ["monitor-32-4k", '32" 4K monitor', "Computing", 650_000],
  ["earbuds-pro", "Earbuds Pro", "Audio", 259_000],
] as const;
const PAGES = ["/", "/tv", "/kitchen", "/audio", "/deals", "/support", "/account", "/search"];
const REFERRERS = ["https://www.google.com/", "https://search.naver.com/", "https://www.instagram.com/", ""];

export function webContext(d: Device, path: string, title: string): Record<string, unknown> {
  const r = rng(d.variant + 1);
  return {
    library: { name: "analytics.js", version: "next-1.72.0" },
    page: {
      path,
      referrer: pick(r, REFERRERS),
      search: r() < 0.3 ? "?utm_source=newsletter&utm_medium=email" : "",
      title,
      url: `https://shop.example.com${path}`,
    },
    userAgent: pick(r, BROWSERS),
    locale: r() < 0.8 ? "ko-KR" : "en-US",
    timezone: "Asia/Seoul",
    ip: `211.${d.variant}.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}`,
  };
}

export function appContext(d: Device): Record<string, unknown> {
  const r = rng(d.variant + 1000);
  const [manufacturer, model, os, version] =
    d.kind === "ios" ? pick(r, PHONES.slice(0, 2)) : pick(r, PHONES.slice(2));
  return {
    app: { name: "Example Shop", version: "5.12.1", build: "51201", namespace: "com.example.shop" },
    device: { id: d.anonymousId, manufacturer, model, type: os.toLowerCase() },
    os: { name: os, version },
    screen: { width: 1179, height: 2556, density: 3 },
    network: { wifi: r() < 0.6, cellular: true, carrier: pick(r, ["SKTelecom", "KT", "LG U+"]) },
    library: { name: os === "iOS" ? "analytics-ios" : "analytics-android", version: "4.11.3" },
    locale: "ko-KR",
    timezone: "Asia/Seoul",
  };
}

const serverContext = (name: string) => ({ library: { name, version: "3.1.0" } });

function product(r: () => number): Record<string, unknown> {
  const [id, name, category, price] = pick(r, PRODUCTS);
  return { product_id: id, sku: `${id}-${Math.floor(r() * 9)}`, name, category, price, currency: "KRW" };
}

export interface MessageOptions {
  /** Epoch ms of the session's first event; later events follow seconds apart. */
  at: number;
  /** Set for live traffic: an SDK stamps when it sent the batch. */
  sentAt?: number;
  messageId?: () => string;
}

type Message = Record<string, unknown>;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * One visit or contact: 1–8 messages on one channel. `loggedIn` says whether the person identifies
 * on this visit (only people with an account can).
 */
export function session(p: Person, r: () => number, o: MessageOptions): Message[] {
  const id = o.messageId ?? randomUUID;
  const out: Message[] = [];
  let t = o.at;
  const base = (extra: Message): Message => {
    t += 1000 + Math.floor(r() * 40_000);
    return { messageId: id(), timestamp: iso(t), ...(o.sentAt ? { sentAt: iso(o.sentAt) } : {}), ...extra };
  };
  const traits = (): Message => ({
    ...(p.email ? { email: p.email } : {}),
    ...(p.phone && r() < 0.5 ? { phone: p.phone } : {}),
    name: `${p.firstName} ${p.lastName}`,
    firstName: p.firstName,
    lastName: p.lastName,
    ...(p.loyaltyCard ? { loyalty_card: p.loyaltyCard } : {}),
    plan: pick(r, ["basic", "plus", "premium"]),
  });
  const k = r();
  if (k < 0.72) {
    const d = pick(r, p.devices);
    const known = p.userId !== null && r() < 0.6;
    const who = { anonymousId: d.anonymousId, ...(known ? { userId: p.userId } : {}) };
    const web = d.kind === "web";
    const ctx = (path: string) => (web ? webContext(d, path, "Example Shop") : appContext(d));
    const view = (path: string): Message =>
      web
        ? base({
            type: "page",
            name: path,
            properties: { path, title: "Example Shop" },
            context: ctx(path),
            ...who,
          })
        : base({ type: "screen", name: path.slice(1) || "Home", properties: {}, context: ctx(path), ...who });
    out.push(view(pick(r, PAGES)));
    if (known || (p.email && r() < 0.15)) {
      const tr = traits();
      if (!known) delete tr.name;
      out.push(base({ type: "identify", traits: tr, context: ctx("/account"), ...who }));
    }
    const steps = 1 + Math.floor(r() * 5);
    for (let s = 0; s < steps; s++) {
      const prod = product(r);
      const ev =
        s === 0
          ? "Product Viewed"
          : s < 3
            ? "Product Added"
            : s === 3
              ? "Checkout Started"
              : "Order Completed";
      const props =
        ev === "Order Completed"
          ? { order_id: `ord_${id().slice(0, 12)}`, total: prod.price, currency: "KRW", products: [prod] }
          : prod;
      if (ev === "Order Completed" && !known) break;
      out.push(
        base({ type: "track", event: ev, properties: props, context: ctx(`/p/${prod.product_id}`), ...who }),
      );
    }
  } else if (k < 0.84) {
    // An email service provider relays delivery and engagement by user id or email address.
    if (!p.userId && !p.email) return out;
    const campaign = `cmp_${Math.floor(r() * 400)}`;
    const who = p.userId ? { userId: p.userId } : { anonymousId: `esp-${p.index}` };
    for (const ev of r() < 0.5
      ? ["Email Delivered", "Email Opened"]
      : ["Email Delivered", "Email Opened", "Email Link Clicked"])
      out.push(
        base({
          type: "track",
          event: ev,
          properties: {
            campaign_id: campaign,
            subject: "Winter deals on OLED TVs",
            email_id: `em_${campaign}_${p.index}`,
          },
          context: { ...serverContext("analytics-node"), channel: "email", traits: { email: p.email } },
          ...who,
        }),
      );
  } else if (k < 0.92) {
    // A call-centre relay knows the caller's number; agents add the account when they find it.
    if (!p.phone) return out;
    out.push(
      base({
        type: "track",
        event: "Support Call",
        properties: {
          phone: p.phoneNational,
          call_id: `call_${id().slice(0, 10)}`,
          queue: pick(r, ["delivery", "repair", "billing", "installation"]),
          duration_s: 60 + Math.floor(r() * 900),
          agent: `agent_${Math.floor(r() * 120)}`,
          sentiment: pick(r, ["positive", "neutral", "negative"]),
        },
        context: { ...serverContext("call-centre-relay"), channel: "phone" },
        ...(p.userId ? { userId: p.userId } : { anonymousId: `tel-${p.index}` }),
      }),
    );
  } else {
    // In a shop, the POS knows the loyalty card (or the account) and the basket.
    const prod = product(r);
    if (!p.loyaltyCard && !p.userId) return out;
    out.push(
      base({
        type: "track",
        event: "Order Completed",
        properties: {
          order_id: `pos_${id().slice(0, 12)}`,
          store_id: `st_${Math.floor(r() * 80)}`,
          total: prod.price,
          currency: "KRW",
          products: [prod],
          ...(p.loyaltyCard ? { loyalty_card: p.loyaltyCard } : {}),
          payment: pick(r, ["card", "cash", "mobile"]),
        },
        context: { ...serverContext("pos-export"), channel: "store" },
        ...(p.userId ? { userId: p.userId } : { anonymousId: `pos-${p.loyaltyCard}` }),
      }),
    );
  }
  return out;
}

/** A person's whole history: sessions spread over `days` before `now`, oldest first. */
export function history(p: Person, now: number, days: number): Message[] {
  const r = rng(p.index * 7 + 3);
  // Most people come a few times; a loyal few come back dozens of times.
  const sessions = r() < 0.03 ? 15 + Math.floor(r() * 45) : 1 + Math.floor(-Math.log(1 - r()) * 1.7);
  const starts = Array.from({ length: sessions }, () => now - Math.floor(r() * days * 86_400_000)).sort(
    (a, b) => a - b,
  );
  return starts.flatMap((at) => session(p, r, { at }));
}
