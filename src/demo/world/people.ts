// One customer of the demo world, built from the seed and their number alone (so any customer can be
// rebuilt without the others), with the identity puzzles real data has: several devices, contact details
// known on different channels, late logins, and junk values typed by people who would rather not say.
import { mixSeed, Random } from "../random.js";
import { type PersonaProfile, personaMix } from "./personas.js";
import { HEAVY_MESSAGING_SHARE } from "./problems.js";

export const JUNK_EMAIL = "test@test.com";
export const JUNK_PHONE = "0000000000";

export interface Device {
  anonymousId: string;
  kind: "web" | "app";
  /** What the SDK on this device sends in every `context`. */
  context: Record<string, unknown>;
  os: string;
  appVersion?: string;
  loggedIn: boolean;
}

export interface Person {
  index: number;
  rng: Random;
  profile: PersonaProfile;
  userId: string;
  name: string;
  age: number;
  korean: boolean;
  email: string;
  phone: string;
  loyaltyCard?: string;
  socialHandle: string;
  /** Typed test@test.com / 0000000000 at sign-up instead of their own. */
  junkEmail: boolean;
  junkPhone: boolean;
  devices: Device[];
  /** Anonymous sessions still to go before the customer signs up. */
  anonymousLeft: number;
  signedUp: boolean;
  emailOptIn: boolean;
  smsOptIn: boolean;
  /** In the daily-deals programme: many messages a week (the message-pressure problem). */
  heavyMessaging: boolean;
  unsubscribed: boolean;
  /** When the customer stopped buying, after a late delivery. */
  churnedAt?: number;
  arrived: boolean;
  referredBy?: string;
  /** Next message number: message ids are `w<seed>-<customer>-<n>`. */
  seq: number;
  serial: number;
  weekMessages: number;
}

const families = ["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Oh"];
const given = [
  "Minji",
  "Seoyeon",
  "Jihoon",
  "Minjun",
  "Haeun",
  "Doyun",
  "Subin",
  "Yerin",
  "Hyunwoo",
  "Jimin",
];
const olderGiven = ["Youngsook", "Junghee", "Soonja", "Mikyung", "Youngsoo", "Sangchul", "Kyungho"];
const domains = ["gmail.com", "naver.com", "daum.net", "kakao.com", "hanmail.net"];
const browsers = ["Chrome", "Safari", "Edge", "Samsung Internet", "Whale"];

const pad = (n: number, width: number) => String(n).padStart(width, "0");

function webDevice(rng: Random, os: string): Device {
  const browser = rng.pick(browsers);
  return {
    anonymousId: rng.uuid(),
    kind: "web",
    os,
    loggedIn: false,
    context: {
      library: { name: "analytics.js", version: "5.2.1" },
      os: { name: os },
      userAgentData: { brands: [{ brand: browser }], mobile: os === "Android" || os === "iOS" },
      locale: "ko-KR",
    },
  };
}

function appDevice(rng: Random, os: "Android" | "iOS"): Device {
  // Android users update slowly: about half are on the newest build, 5.2.0.
  const appVersion = os === "Android" ? (rng.chance(0.5) ? "5.2.0" : "5.1.3") : rng.pick(["5.2.0", "5.1.4"]);
  return {
    anonymousId: rng.uuid(),
    kind: "app",
    os,
    appVersion,
    loggedIn: false,
    context: {
      library: { name: os === "iOS" ? "analytics-ios" : "analytics-android", version: "4.11.0" },
      app: { name: "Hanbit", version: appVersion, build: appVersion.replaceAll(".", "") },
      os: { name: os, version: os === "iOS" ? rng.pick(["17.5", "18.1"]) : rng.pick(["13", "14", "15"]) },
      device: { type: os === "iOS" ? "ios" : "android", model: os === "iOS" ? "iPhone" : "Galaxy" },
      locale: "ko-KR",
    },
  };
}

export function makePerson(seed: number, index: number): Person {
  const rng = new Random(mixSeed(seed, index, 0x5eed));
  const profile = rng.weighted(personaMix);
  const age = rng.int(profile.ages[0], profile.ages[1]);
  const korean = rng.chance(profile.korean);
  const first = age >= 55 ? rng.pick(olderGiven) : rng.pick(given);
  const family = rng.pick(families);
  const n = index + 1;
  const mobileOs = rng.chance(0.6) ? "Android" : "iOS";
  const devices: Device[] = [];
  // Tim lives in the app; Trudy has one old web browser if anything; the rest have a phone and a laptop.
  if (profile.persona === "tech_savvy") devices.push(appDevice(rng, mobileOs), webDevice(rng, "macOS"));
  else if (profile.persona === "traditional") devices.push(webDevice(rng, "Windows"));
  else devices.push(webDevice(rng, rng.pick(["Windows", "macOS"])), appDevice(rng, mobileOs));
  if (rng.chance(0.25)) devices.push(webDevice(rng, mobileOs));
  const emailOptIn = rng.chance(profile.emailOptIn);
  return {
    index,
    rng,
    profile,
    userId: `cust-${seed}-${pad(n, 7)}`,
    name: `${first} ${family}`,
    age,
    korean,
    email: `${first}.${family}${n}@${rng.pick(domains)}`.toLowerCase(),
    phone: `010-${pad(1000 + ((n * 7919) % 9000), 4)}-${pad(n % 10_000, 4)}`,
    ...(rng.chance(0.5) ? { loyaltyCard: `LC${pad((n * 104_729) % 100_000_000, 8)}` } : {}),
    socialHandle: `@${first.toLowerCase()}_${n}`,
    junkEmail: rng.chance(0.01),
    junkPhone: rng.chance(0.012),
    devices,
    anonymousLeft: rng.int(profile.anonymousSessions[0], profile.anonymousSessions[1]),
    signedUp: false,
    emailOptIn,
    smsOptIn: rng.chance(0.5),
    heavyMessaging: emailOptIn && rng.chance(HEAVY_MESSAGING_SHARE),
    unsubscribed: false,
    arrived: false,
    ...(index > 0 && rng.chance(0.08) ? { referredBy: `cust-${seed}-${pad(rng.int(1, index), 7)}` } : {}),
    seq: 0,
    serial: 0,
    weekMessages: 0,
  };
}

/** The sign-up traits, junk included where the person typed junk. */
export function signupTraits(p: Person): Record<string, unknown> {
  return {
    name: p.name,
    email: p.junkEmail ? JUNK_EMAIL : p.email,
    phone: p.junkPhone ? JUNK_PHONE : p.phone,
    age: p.age,
    ...(p.loyaltyCard ? { loyalty_card: p.loyaltyCard } : {}),
    email_opt_in: p.emailOptIn,
    sms_opt_in: p.smsOptIn,
  };
}

export const churned = (p: Person, at: number): boolean => p.churnedAt !== undefined && at >= p.churnedAt;
