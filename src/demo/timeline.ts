// The page one customer's month is written on: a clock, the sessions still to come, what each device
// knows about the customer, and helpers that shape messages the way each sending system does.
import { type Product, SITE } from "./catalog.js";
import { type Customer, type Device, JUNK_EMAIL, JUNK_PHONE } from "./customers.js";
import type { Tone } from "./phrases.js";
import type { Random } from "./random.js";

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

export interface Draft {
  /** Epoch milliseconds. */
  at: number;
  message: Record<string, unknown>;
}

/** The sample's time span. Sessions start by `lastStart`, early enough that none runs past `now`. */
export interface Window {
  start: number;
  lastStart: number;
  /** When each weekly newsletter goes out (Thursdays 10:00 KST). */
  newsletterTimes: number[];
}

export function sampleWindow(now: number, days: number): Window {
  const start = now - days * DAY;
  const lastStart = now - 2 * HOUR;
  const newsletterTimes: number[] = [];
  const first = new Date(start);
  for (let d = 0; d <= days + 1; d++) {
    const t = Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), first.getUTCDate() + d, 1);
    if (new Date(t).getUTCDay() === 4 && t >= start && t <= lastStart) newsletterTimes.push(t);
  }
  return { start, lastStart, newsletterTimes };
}

export type Kind =
  | "browse"
  | "adVisit"
  | "signup"
  | "welcomeBack"
  | "deviceLogin"
  | "purchase"
  | "abandon"
  | "guestCheckout"
  | "couponSms"
  | "shipping"
  | "installReminder"
  | "review"
  | "chat"
  | "call"
  | "storeSignup"
  | "storeVisit"
  | "newsletter"
  | "nps"
  | "referral"
  | "social"
  | "aliasTablet";

export interface Step {
  kind: Kind;
  device?: Device;
  order?: Order;
  topic?: string;
  newsletter?: number;
  coupon?: boolean;
  repeat?: boolean;
  retarget?: boolean;
}
export interface Planned extends Step {
  at: number;
}

export interface LineItem extends Omit<Product, "installation"> {
  quantity: number;
}
export interface Order {
  order_id: string;
  items: LineItem[];
  /** Where it was bought online; absent for store purchases. */
  device?: Device;
}

export class Timeline {
  /** Sessions still to come, earliest first. */
  readonly plan: Planned[] = [];
  /** Devices on which the customer has identified; the SDK there now sends the user id too. */
  readonly loggedIn = new Set<string>();
  /** Back-office systems know the customer once any identify has happened. */
  known = false;
  /** The clock of the session being written, and the page it is on. */
  t = 0;
  path = "/";
  out: Draft[] = [];
  private serial = 0;

  constructor(
    readonly c: Customer,
    readonly rng: Random,
    readonly w: Window,
    readonly seed: number,
  ) {}

  schedule(at: number, step: Step): void {
    if (at > this.w.lastStart) return;
    let i = this.plan.length;
    while (i > 0 && this.plan[i - 1]!.at > at) i--;
    this.plan.splice(i, 0, { ...step, at });
  }

  /** A new id for this customer's orders, carts, calls and conversations, unique within the sample. */
  id(prefix: string): string {
    return `${prefix}-${this.seed}-${String(this.c.index + 1).padStart(5, "0")}-${++this.serial}`;
  }

  emit(message: Record<string, unknown>): void {
    this.out.push({ at: this.t, message });
    this.t += this.rng.int(800, 4000);
  }

  wait(minSeconds: number, maxSeconds: number): void {
    this.t += this.rng.int(minSeconds * 1000, maxSeconds * 1000);
  }

  who(dev: Device): Record<string, string> {
    return this.loggedIn.has(dev.anonymousId)
      ? { anonymousId: dev.anonymousId, userId: this.c.userId }
      : { anonymousId: dev.anonymousId };
  }

  private sdkContext(dev: Device, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return dev.kind === "web"
      ? { ...dev.context, page: { path: this.path, url: SITE + this.path }, ...extra }
      : { ...dev.context, ...extra };
  }

  /** A page on the web, a screen in the app. */
  view(dev: Device, name: string, path: string, context: Record<string, unknown> = {}): void {
    this.path = path;
    const type = dev.kind === "web" ? "page" : "screen";
    const properties = dev.kind === "web" ? { path, url: SITE + path, title: `${name} | Hanbit` } : { path };
    this.emit({ type, ...this.who(dev), name, properties, context: this.sdkContext(dev, context) });
    this.wait(5, 60);
  }

  /** An event from the SDK on a device. */
  track(dev: Device, event: string, properties: Record<string, unknown>, context = {}): void {
    this.emit({ type: "track", ...this.who(dev), event, properties, context: this.sdkContext(dev, context) });
  }

  /** An event from a back-office system (e-mail tool, SMS gateway, survey tool): user id plus a contact. */
  backOffice(event: string, channel: string, properties: Record<string, unknown>, traits?: object): void {
    const context = traits ? { channel, traits } : { channel };
    this.emit({ type: "track", userId: this.c.userId, event, properties, context });
  }

  /** The traits a full sign-up records, junk values included where the person gave junk. */
  profile(): Record<string, unknown> {
    const c = this.c;
    const email = c.junkEmail ? JUNK_EMAIL : c.email;
    return {
      name: c.name,
      ...(email ? { email } : {}),
      phone: c.junkPhone ? JUNK_PHONE : c.phone,
      city: c.city,
      ...(c.loyaltyCard ? { loyalty_card: c.loyaltyCard } : {}),
      ...(c.socialLinked && c.socialHandle ? { social_handle: c.socialHandle } : {}),
      email_opt_in: c.emailOptIn,
      sms_opt_in: c.smsOptIn && !c.junkPhone,
    };
  }

  /** Identifies on a device (SDK) or, with no device, from a back-office system such as the POS. */
  identify(
    dev: Device | undefined,
    traits: Record<string, unknown>,
    context: Record<string, unknown> = {},
  ): void {
    if (dev) {
      this.loggedIn.add(dev.anonymousId);
      this.emit({ type: "identify", ...this.who(dev), traits, context: this.sdkContext(dev, context) });
    } else this.emit({ type: "identify", userId: this.c.userId, traits, context });
    this.known = true;
  }

  /** A line in the customer's language: Korean customers write Korean about two times in three. */
  say(bank: Record<Tone, { en: readonly string[]; ko: readonly string[] }>, tone: Tone): string {
    const lines = bank[tone];
    return this.rng.pick(this.c.korean && this.rng.chance(0.65) ? lines.ko : lines.en);
  }
}
