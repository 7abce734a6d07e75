// Where the world's messages gather before they are written: one bucket per day, each sorted by time
// (then customer, then the customer's message number) when its day is done, so the output is in time
// order and identical for the same seed. Messages are serialised on arrival, by string building with
// each device's and person's constant parts serialised once: JSON.stringify of a fresh nested object
// per event was a third of the generator's time and most of its garbage (bench/RESULTS.md, demo).
import { DAY } from "../time.js";
import type { DayChunk } from "./chunks.js";
import { type Device, JUNK_PHONE, type Person } from "./people.js";

const json = JSON.stringify;
const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));

/** `new Date(at).toISOString()` with the date part computed once per day (events come day by day). */
class IsoClock {
  private day = Number.NaN;
  private prefix = "";

  format(at: number): string {
    // Some times are fractional (hours × a random share); toISOString drops the fraction.
    const whole = Math.floor(at);
    const day = Math.floor(whole / DAY);
    if (day !== this.day) {
      this.day = day;
      this.prefix = new Date(day * DAY).toISOString().slice(0, 11);
    }
    let ms = whole - day * DAY;
    const h = Math.floor(ms / 3_600_000);
    ms -= h * 3_600_000;
    const m = Math.floor(ms / 60_000);
    ms -= m * 60_000;
    const s = Math.floor(ms / 1000);
    return `${this.prefix}${pad2(h)}:${pad2(m)}:${pad2(s)}.${pad3(ms - s * 1000)}Z`;
  }
}

/**
 * One day's messages as they arrive: UTF-8 lines in a growing buffer and their sort keys. Lines are
 * written out at once rather than kept as strings, so they die young: a day of strings outliving the
 * young generation made garbage collection 40% of the generator's time.
 */
class DayArena {
  bytes = Buffer.allocUnsafeSlow(64 * 1024);
  used = 0;
  count = 0;
  at = new Float64Array(256);
  c = new Uint32Array(256);
  s = new Uint32Array(256);
  ends = new Uint32Array(256);

  push(line: string, at: number, c: number, s: number): void {
    const need = Buffer.byteLength(line) + 1;
    if (this.used + need > this.bytes.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(this.bytes.length * 2, this.used + need));
      this.bytes.copy(bigger, 0, 0, this.used);
      this.bytes = bigger;
    }
    if (this.count === this.at.length) {
      const grow = <T extends Float64Array | Uint32Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.at = grow(this.at, (n) => new Float64Array(n));
      this.c = grow(this.c, (n) => new Uint32Array(n));
      this.s = grow(this.s, (n) => new Uint32Array(n));
      this.ends = grow(this.ends, (n) => new Uint32Array(n));
    }
    this.used += this.bytes.write(line, this.used, "utf8");
    this.bytes[this.used++] = 10;
    const i = this.count++;
    this.at[i] = at;
    this.c[i] = c;
    this.s[i] = s;
    this.ends[i] = this.used;
  }

  /** The day in output order: time, then customer, then the customer's message number. */
  sorted(day: number): DayChunk {
    const n = this.count;
    const { at, c, s, ends } = this;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((x, y) => at[x]! - at[y]! || c[x]! - c[y]! || s[x]! - s[y]!);
    const out: DayChunk = {
      day,
      count: n,
      bytes: Buffer.allocUnsafeSlow(this.used),
      ends: new Uint32Array(n),
      at: new Float64Array(n),
      c: new Uint32Array(n),
      s: new Uint32Array(n),
    };
    const bytes = out.bytes as Buffer;
    let pos = 0;
    for (let k = 0; k < n; k++) {
      const i = order[k]!;
      pos += this.bytes.copy(bytes, pos, i === 0 ? 0 : ends[i - 1]!, ends[i]!);
      out.ends[k] = pos;
      out.at[k] = at[i]!;
      out.c[k] = c[i]!;
      out.s[k] = s[i]!;
    }
    return out;
  }
}

export class Sink {
  private readonly arenas: Array<DayArena | undefined>;
  private readonly clock = new IsoClock();
  /** Messages per event name (or type for identify/page/screen), for the manifest. */
  readonly counts = new Map<string, number>();

  constructor(
    readonly start: number,
    readonly days: number,
    readonly seed: number,
  ) {
    this.arenas = new Array(days).fill(undefined);
  }

  /**
   * Adds one message: `body` is its JSON after the timestamp (without braces), keys in the order the
   * world has always written them, so the bytes stay those of earlier versions.
   */
  add(p: Person, at: number, type: string, key: string, body: string): void {
    const day = Math.floor((at - this.start) / DAY);
    if (day < 0 || day >= this.days) return;
    const s = ++p.seq;
    const line = `{"type":"${type}","messageId":"w${this.seed}-${p.index + 1}-${s}","timestamp":"${this.clock.format(at)}",${body}}`;
    let arena = this.arenas[day];
    if (!arena) {
      arena = new DayArena();
      this.arenas[day] = arena;
    }
    arena.push(line, at, p.index, s);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** Takes a finished day's messages, in output order; its memory is freed. */
  take(day: number): DayChunk {
    const arena = this.arenas[day] ?? new DayArena();
    this.arenas[day] = undefined;
    return arena.sorted(day);
  }
}

/** A device's constant JSON parts: the SDK's context and its anonymous id. */
interface DeviceJson {
  context: string;
  anonymous: string;
}
const deviceJson = new WeakMap<Device, DeviceJson>();

function partsOf(dev: Device): DeviceJson {
  let parts = deviceJson.get(dev);
  if (!parts) {
    parts = { context: json(dev.context), anonymous: `"anonymousId":${json(dev.anonymousId)}` };
    deviceJson.set(dev, parts);
  }
  return parts;
}

/** Writes messages for one customer: SDK events from a device, back-office events by user id or contact. */
export class Voice {
  private readonly user: string;

  constructor(
    readonly sink: Sink,
    readonly p: Person,
  ) {
    this.user = `"userId":${json(p.userId)}`;
  }

  private who(dev: Device): string {
    const anonymous = partsOf(dev).anonymous;
    return dev.loggedIn ? `${anonymous},${this.user}` : anonymous;
  }

  /** `channel` overrides the device's channel (a chat window on the web page is the chat channel). */
  track(
    dev: Device,
    at: number,
    event: string,
    properties: Record<string, unknown>,
    extra?: Record<string, unknown>,
  ): void {
    const context = extra ? json({ ...dev.context, ...extra }) : partsOf(dev).context;
    const channel = dev.kind === "web" ? "browser" : "mobile";
    const body = `"channel":"${channel}",${this.who(dev)},"event":${json(event)},"properties":${json(properties)},"context":${context}`;
    this.sink.add(this.p, at, "track", event, body);
  }

  view(dev: Device, at: number, name: string, path: string): void {
    const web = dev.kind === "web";
    const type = web ? "page" : "screen";
    const body = `"channel":"${web ? "browser" : "mobile"}",${this.who(dev)},"name":${json(name)},"properties":{"path":${json(path)}},"context":${partsOf(dev).context}`;
    this.sink.add(this.p, at, type, type, body);
  }

  identify(dev: Device | undefined, at: number, traits: Record<string, unknown>, channel?: string): void {
    if (dev) {
      dev.loggedIn = true;
      const body = `${this.who(dev)},"traits":${json(traits)},"context":${partsOf(dev).context}`;
      this.sink.add(this.p, at, "identify", "identify", body);
    } else {
      const body = `${this.user},"traits":${json(traits)},"context":${json({ channel })}`;
      this.sink.add(this.p, at, "identify", "identify", body);
    }
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
    const context = contact ? json({ channel, traits: contact }) : `{"channel":${json(channel)}}`;
    const body = `${known ? `${this.user},` : ""}"event":${json(event)},"properties":${json(properties)},"context":${context}`;
    this.sink.add(this.p, at, "track", event, body);
  }

  /** A new id for an order, cart, ticket or conversation, unique within the world. */
  id(prefix: string): string {
    return `${prefix}-${this.sink.seed}-${this.p.index + 1}-${++this.p.serial}`;
  }
}
