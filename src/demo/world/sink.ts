// Where the world's messages gather before they are written: one bucket per day, each sorted by time
// (then customer, then the customer's message number) when its day is done, so the output is in time
// order and identical for the same seed. Messages are serialised on arrival to keep memory small.
import { DAY } from "../time.js";
import { type Device, JUNK_PHONE, type Person } from "./people.js";

export interface Draft {
  at: number;
  c: number;
  s: number;
  line: string;
}

export class Sink {
  private readonly buckets: Draft[][];
  /** Messages per event name (or type for identify/page/screen), for the manifest. */
  readonly counts = new Map<string, number>();

  constructor(
    readonly start: number,
    readonly days: number,
    readonly seed: number,
  ) {
    this.buckets = Array.from({ length: days }, () => []);
  }

  add(p: Person, at: number, message: Record<string, unknown>): void {
    const day = Math.floor((at - this.start) / DAY);
    if (day < 0 || day >= this.days) return;
    const s = ++p.seq;
    const { type, ...rest } = message;
    const line = JSON.stringify({
      type,
      messageId: `w${this.seed}-${p.index + 1}-${s}`,
      timestamp: new Date(at).toISOString(),
      ...rest,
    });
    this.buckets[day]!.push({ at, c: p.index, s, line });
    const key = (message.event as string | undefined) ?? String(type);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** Takes a finished day's messages, in output order; the bucket is freed. */
  take(day: number): Draft[] {
    const out = this.buckets[day]!;
    this.buckets[day] = [];
    return out.sort((a, b) => a.at - b.at || a.c - b.c || a.s - b.s);
  }
}

/** Writes messages for one customer: SDK events from a device, back-office events by user id or contact. */
export class Voice {
  constructor(
    readonly sink: Sink,
    readonly p: Person,
  ) {}

  private who(dev: Device): Record<string, string> {
    return dev.loggedIn
      ? { anonymousId: dev.anonymousId, userId: this.p.userId }
      : { anonymousId: dev.anonymousId };
  }

  /** `channel` overrides the device's channel (a chat window on the web page is the chat channel). */
  track(
    dev: Device,
    at: number,
    event: string,
    properties: Record<string, unknown>,
    extra?: Record<string, unknown>,
  ): void {
    const context = extra ? { ...dev.context, ...extra } : dev.context;
    this.sink.add(this.p, at, {
      type: "track",
      channel: dev.kind === "web" ? "browser" : "mobile",
      ...this.who(dev),
      event,
      properties,
      context,
    });
  }

  view(dev: Device, at: number, name: string, path: string): void {
    const web = dev.kind === "web";
    this.sink.add(this.p, at, {
      type: web ? "page" : "screen",
      channel: web ? "browser" : "mobile",
      ...this.who(dev),
      name,
      properties: { path },
      context: dev.context,
    });
  }

  identify(dev: Device | undefined, at: number, traits: Record<string, unknown>, channel?: string): void {
    if (dev) {
      dev.loggedIn = true;
      this.sink.add(this.p, at, { type: "identify", ...this.who(dev), traits, context: dev.context });
    } else
      this.sink.add(this.p, at, { type: "identify", userId: this.p.userId, traits, context: { channel } });
  }

  /**
   * An event from a back-office system (POS, call centre, e-mail tool, help desk). Before sign-up it
   * only knows a contact detail, given as `traits`; after, the user id too.
   */
  office(
    at: number,
    event: string,
    channel: string,
    properties: Record<string, unknown>,
    traits?: object,
    byContactOnly = false,
  ): void {
    const known = this.p.signedUp && !byContactOnly;
    const contact = traits ?? (known ? undefined : { phone: this.p.junkPhone ? JUNK_PHONE : this.p.phone });
    const context = contact ? { channel, traits: contact } : { channel };
    this.sink.add(this.p, at, {
      type: "track",
      ...(known ? { userId: this.p.userId } : {}),
      event,
      properties,
      context,
    });
  }

  /** A new id for an order, cart, ticket or conversation, unique within the world. */
  id(prefix: string): string {
    return `${prefix}-${this.sink.seed}-${this.p.index + 1}-${++this.p.serial}`;
  }
}
