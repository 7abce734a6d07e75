// The demo's cast: who each customer is (persona, name, contact details, devices) and which of them
// carry the identity puzzles a real data set has — shared devices, guest checkouts, junk contact values.
import { Random } from "./random.js";

export type Persona = "tech_savvy" | "traditional" | "bargain_hunter" | "loyal_advocate";

/** Share of the cast per persona: Tech-savvy Tim, Traditional Trudy, the Bargain hunter, the Loyal advocate. */
const mix: ReadonlyArray<readonly [Persona, number]> = [
  ["tech_savvy", 0.3],
  ["traditional", 0.25],
  ["bargain_hunter", 0.25],
  ["loyal_advocate", 0.2],
];

export interface Device {
  anonymousId: string;
  kind: "web" | "app";
  /** The part of `context` an SDK on this device always sends. */
  context: Record<string, unknown>;
}

export interface Customer {
  index: number;
  userId: string;
  persona: Persona;
  name: string;
  korean: boolean;
  /** Absent for customers who never gave one. */
  email?: string;
  phone: string;
  city: string;
  loyaltyCard?: string;
  socialHandle?: string;
  /** The handle is in the customer's profile, so their social mentions can be stitched. */
  socialLinked: boolean;
  emailOptIn: boolean;
  smsOptIn: boolean;
  /** [0] is the customer's main device. */
  devices: Device[];
  /** A tablet app whose anonymous history is linked only by an `alias` call. */
  aliasDevice?: Device;
  /** A store clerk typed test@test.com for this customer. */
  junkEmail: boolean;
  /** This customer typed 0000000000 rather than give a phone number. */
  junkPhone: boolean;
  /** Buys once as a guest on a second device, leaving only an email address. */
  guestCheckout: boolean;
}

export const JUNK_EMAIL = "test@test.com";
export const JUNK_PHONE = "0000000000";

/** [Hangul, romanised]. */
type Name = readonly [string, string];

const families: readonly Name[] = [
  ["김", "Kim"],
  ["이", "Lee"],
  ["박", "Park"],
  ["최", "Choi"],
  ["정", "Jung"],
  ["강", "Kang"],
  ["조", "Cho"],
  ["윤", "Yoon"],
  ["장", "Jang"],
  ["임", "Lim"],
  ["한", "Han"],
  ["오", "Oh"],
  ["서", "Seo"],
  ["신", "Shin"],
];
const youngGiven: readonly Name[] = [
  ["민지", "Minji"],
  ["서연", "Seoyeon"],
  ["지훈", "Jihoon"],
  ["민준", "Minjun"],
  ["하은", "Haeun"],
  ["도윤", "Doyun"],
  ["수빈", "Subin"],
  ["예린", "Yerin"],
  ["현우", "Hyunwoo"],
  ["지민", "Jimin"],
  ["유나", "Yuna"],
  ["태현", "Taehyun"],
];
const olderGiven: readonly Name[] = [
  ["영숙", "Youngsook"],
  ["정희", "Junghee"],
  ["순자", "Soonja"],
  ["미경", "Mikyung"],
  ["영수", "Youngsoo"],
  ["상철", "Sangchul"],
  ["경호", "Kyungho"],
  ["혜경", "Hyekyung"],
];
const englishFirst = [
  "Emily",
  "James",
  "Olivia",
  "Daniel",
  "Sophie",
  "Michael",
  "Grace",
  "Ryan",
  "Hannah",
  "David",
];
const englishLast = [
  "Smith",
  "Brown",
  "Taylor",
  "Wilson",
  "Miller",
  "Clark",
  "Walker",
  "Park",
  "Lee",
  "Evans",
];
const domains: ReadonlyArray<readonly [string, number]> = [
  ["naver.com", 35],
  ["gmail.com", 30],
  ["kakao.com", 10],
  ["daum.net", 10],
  ["hanmail.net", 5],
  ["outlook.com", 5],
  ["icloud.com", 5],
];
const cities: ReadonlyArray<readonly [string, number]> = [
  ["Seoul", 45],
  ["Busan", 12],
  ["Incheon", 10],
  ["Suwon", 9],
  ["Daejeon", 8],
  ["Daegu", 8],
  ["Gwangju", 5],
  ["Seongnam", 3],
];

const webDesktop =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";
const webMac =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15";
const webPhone =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

function device(rng: Random, kind: "web" | "app" | "mobile-web" | "tablet"): Device {
  const locale = { locale: "ko-KR", timezone: "Asia/Seoul" };
  const anonymousId = rng.uuid();
  if (kind === "web" || kind === "mobile-web") {
    const userAgent = kind === "mobile-web" ? webPhone : rng.chance(0.7) ? webDesktop : webMac;
    return { anonymousId, kind: "web", context: { userAgent, ...locale } };
  }
  const ios = kind === "tablet" || rng.chance(0.45);
  const app = {
    name: "Hanbit",
    version: rng.pick(["5.3.0", "5.4.1", "5.4.2"]),
    namespace: "example.hanbit.shop",
  };
  const os = ios
    ? { name: kind === "tablet" ? "iPadOS" : "iOS", version: rng.pick(["17.4", "17.5", "18.0"]) }
    : { name: "Android", version: rng.pick(["13", "14"]) };
  const model = kind === "tablet" ? "iPad13,16" : ios ? rng.pick(["iPhone15,2", "iPhone16,1"]) : "SM-S921N";
  const dev = { type: ios ? "ios" : "android", manufacturer: ios ? "Apple" : "Samsung", model };
  return { anonymousId, kind: "app", context: { app, os, device: dev, ...locale } };
}

/** Builds the cast. Persona shares are exact (not sampled) so small casts still hold every persona. */
export function buildCustomers(count: number, seed: number): Customer[] {
  const rng = new Random(seed);
  const personas: Persona[] = [];
  for (const [persona, share] of mix) {
    const n = persona === "loyal_advocate" ? count - personas.length : Math.round(count * share);
    for (let i = 0; i < n && personas.length < count; i++) personas.push(persona);
  }
  rng.shuffle(personas);
  const usedEmails = new Set<string>();
  const usedPhones = new Set<string>();
  const usedCards = new Set<string>();
  const unique = (used: Set<string>, make: () => string): string => {
    let v = make();
    while (used.has(v)) v = make();
    used.add(v);
    return v;
  };
  const seen: Partial<Record<Persona, number>> = {};

  const cast = personas.map((persona, index): Customer => {
    const nth = seen[persona] ?? 0;
    seen[persona] = nth + 1;
    const korean = rng.chance(0.75);
    let name: string;
    let local: string[];
    if (korean) {
      const [famKo, famEn] = rng.pick(families);
      const pool = persona === "traditional" && rng.chance(0.7) ? olderGiven : youngGiven;
      const [givKo, givEn] = rng.pick(pool);
      // Written in Hangul, or romanised family-name first (as in Korea) or last (as abroad).
      name = rng.weighted([
        [`${famKo}${givKo}`, 2],
        [`${famEn} ${givEn}`, 1],
        [`${givEn} ${famEn}`, 1],
      ]);
      local = [givEn, famEn];
    } else {
      const first = rng.pick(englishFirst);
      const last = rng.pick(englishLast);
      name = `${first} ${last}`;
      local = [first, last];
    }
    const [first, last] = local.map((s) => s.toLowerCase()) as [string, string];
    const hasEmail = persona !== "traditional" || rng.chance(0.7);
    const junkEmail = persona === "traditional" && nth < 3;
    const email =
      hasEmail && !junkEmail
        ? unique(usedEmails, () => {
            const user = rng.pick([
              `${first}.${last}`,
              `${last}.${first}`,
              `${last}${first}${rng.int(70, 99)}`,
              `${first[0]}${last}${rng.int(1, 999)}`,
            ]);
            return `${user}@${rng.weighted(domains)}`;
          })
        : undefined;
    const phone = unique(usedPhones, () => `010-${rng.int(2000, 9999)}-${rng.int(1000, 9999)}`);
    const wantsCard = persona === "traditional" || persona === "loyal_advocate" || rng.chance(0.2);
    const loyaltyCard = wantsCard
      ? unique(usedCards, () => `HB${rng.int(1000, 9999)}${rng.int(100000, 999999)}`)
      : undefined;
    const social =
      (persona === "tech_savvy" && rng.chance(0.5)) || (persona === "loyal_advocate" && rng.chance(0.4));
    const socialHandle = social ? `@${first}${last[0]}_${rng.int(10, 99)}` : undefined;

    const devices: Device[] = [];
    let guestCheckout = false;
    if (persona === "tech_savvy" || persona === "loyal_advocate") {
      devices.push(device(rng, "app"));
      if (rng.chance(persona === "tech_savvy" ? 0.5 : 0.6)) devices.push(device(rng, "web"));
    } else if (persona === "traditional") {
      devices.push(device(rng, "web"));
    } else {
      devices.push(device(rng, "web"));
      guestCheckout = nth === 0 || rng.chance(0.5);
      if (guestCheckout) devices.push(device(rng, "mobile-web"));
    }
    return {
      index,
      userId: `u-${seed}-${String(index + 1).padStart(4, "0")}`,
      persona,
      name,
      korean,
      ...(email ? { email } : {}),
      phone,
      city: rng.weighted(cities),
      ...(loyaltyCard ? { loyaltyCard } : {}),
      ...(socialHandle ? { socialHandle } : {}),
      socialLinked: socialHandle !== undefined && rng.chance(0.7),
      emailOptIn: email !== undefined && rng.chance(persona === "tech_savvy" ? 0.4 : 0.8),
      smsOptIn: rng.chance(persona === "bargain_hunter" ? 0.8 : 0.5),
      devices,
      junkEmail,
      junkPhone: persona === "bargain_hunter" && nth < 3,
      guestCheckout,
    };
  });

  // A family tablet: the second tech-savvy customer logs in on the first one's app.
  const tims = cast.filter((c) => c.persona === "tech_savvy");
  if (tims[0] && tims[1]) tims[1].devices = [tims[1].devices[0]!, tims[0].devices[0]!];
  const loyal = cast.find((c) => c.persona === "loyal_advocate");
  if (loyal) loyal.aliasDevice = device(rng, "tablet");
  return cast;
}

/** The same mobile number as people and systems really write it. */
export function phoneVariant(phone: string, rng: Random): string {
  const [, mid, end] = phone.split("-") as [string, string, string];
  return rng.pick([
    phone,
    `010${mid}${end}`,
    `+82 10 ${mid} ${end}`,
    `+82-10-${mid}-${end}`,
    `010 ${mid} ${end}`,
    `(010) ${mid}-${end}`,
    `+8210${mid}${end}`,
  ]);
}

/** The same address as a hurried human types it: capitalised parts, stray spaces. */
export function emailVariant(email: string, rng: Random): string {
  const cap = (s: string) =>
    s.replace(/(^|[._])([a-z])/g, (_, sep: string, ch: string) => sep + ch.toUpperCase());
  const [user, domain] = email.split("@") as [string, string];
  const typed = `${cap(user)}@${rng.chance(0.5) ? cap(domain) : domain.toUpperCase()}`;
  return rng.pick([` ${typed}`, `${typed} `, typed, ` ${typed} `]);
}
