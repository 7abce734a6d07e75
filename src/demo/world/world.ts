// The scalable demo world: `customers` people living `days` days, simulated one day at a time so
// memory holds the cast and a few days of messages, never the whole history. Yields each finished
// day's messages as JSON lines in time order; the same options always give the same bytes, whatever
// the number of shards (threads) the cast is split into.
import { version } from "../../version.js";
import { DAY, HOUR, MIN } from "../time.js";
import { type CareChannel, socialPost, ticket } from "./aftercare.js";
import type { DayChunk } from "./chunks.js";
import { marketingDay } from "./messaging.js";
import { makePerson, type Person } from "./people.js";
import { personas, type SessionChannel } from "./personas.js";
import { makePlan, manifestProblems, type Plan, supportFigures } from "./problems.js";
import { onlineSession, phoneSession, storeVisit } from "./shopping.js";
import { Sink, Voice } from "./sink.js";

export interface WorldOptions {
  customers: number;
  days: number;
  seed: number;
  /** The end of the window (exclusive); part of what makes the output reproducible. */
  end: Date;
}

/** Checks options; the error text names the flag. */
export function checkWorldOptions(o: WorldOptions): string | undefined {
  if (!Number.isInteger(o.customers) || o.customers < 1) return "customers must be a whole number ≥ 1";
  if (!Number.isInteger(o.days) || o.days < 1 || o.days > 3650)
    return "days must be a whole number from 1 to 3650";
  if (!Number.isInteger(o.seed) || o.seed < 0) return "seed must be a whole number ≥ 0";
  if (Number.isNaN(o.end.getTime())) return "end must be a valid date";
  return undefined;
}

/** Local hour (KST) at which a persona tends to be active: Trudy in the morning, Tim at night. */
function sessionStart(p: Person, dayStart: number): number {
  const rng = p.rng;
  const kstHour =
    p.profile.persona === "traditional" ? rng.int(9, 17) : rng.pick([8, 12, 13, 19, 20, 21, 22, 23]);
  return dayStart + ((kstHour + 24 - 9) % 24) * HOUR + rng.int(0, 59) * MIN;
}

function sessionChannel(p: Person): SessionChannel {
  const c = p.profile.channels;
  return p.rng.weighted([
    ["web", c.web],
    ["app", c.app],
    ["store", c.store],
    ["phone", c.phone],
    ["chat", c.chat],
  ] as const);
}

function live(v: Voice, plan: Plan, day: number, dayStart: number): void {
  const p = v.p;
  const rng = p.rng;
  if (rng.chance(p.profile.sessionsPerDay)) {
    const at = sessionStart(p, dayStart);
    const channel = sessionChannel(p);
    const app = p.devices.find((d) => d.kind === "app");
    const webs = p.devices.filter((d) => d.kind === "web");
    if (channel === "store") storeVisit(v, at);
    else if (channel === "phone") phoneSession(v, plan, at);
    else if (channel === "chat") {
      onlineSession(v, plan, rng.pick(p.devices), at, true);
    } else {
      const dev = channel === "app" && app ? app : webs.length > 0 ? rng.pick(webs) : p.devices[0]!;
      onlineSession(v, plan, dev, at);
    }
  }
  if (rng.chance(p.profile.contactsPerDay)) {
    const channel: CareChannel = rng.weighted(p.profile.contactChannels);
    ticket(
      v,
      plan,
      sessionStart(p, dayStart),
      channel,
      rng.pick(["warranty", "installation", "billing", "returns", "account"]),
    );
  }
  if (rng.chance(0.004)) socialPost(v, sessionStart(p, dayStart));
  marketingDay(v, plan, day, dayStart);
}

/** What a customer really is: the ground truth for identity resolution and persona discovery. */
export function truthLine(p: Person): string {
  return JSON.stringify({
    user_id: p.userId,
    persona: p.profile.persona,
    name: p.name,
    age: p.age,
    email: p.email,
    phone: p.phone,
    loyalty_card: p.loyaltyCard ?? null,
    social_handle: p.socialHandle,
    anonymous_ids: p.devices.map((d) => d.anonymousId),
    junk_email: p.junkEmail,
    junk_phone: p.junkPhone,
    heavy_messaging: p.heavyMessaging,
  });
}

/** Which customers one shard simulates: those whose number modulo `count` is `index`. */
export interface Shard {
  index: number;
  count: number;
}

export const WHOLE: Shard = { index: 0, count: 1 };

/**
 * A shard of the world. A customer's messages depend only on the seed, their number and the plan (never
 * on another customer), so shards simulated apart and merged in (time, customer, message) order give
 * the bytes of the whole world simulated at once.
 */
export class World {
  readonly plan: Plan;
  readonly people: Person[];
  private readonly sink: Sink;
  total = 0;

  constructor(
    readonly options: WorldOptions,
    shard: Shard = WHOLE,
  ) {
    const start = options.end.getTime() - options.days * DAY;
    this.plan = makePlan(start, options.days);
    this.people = [];
    for (let i = shard.index; i < options.customers; i += shard.count)
      this.people.push(makePerson(options.seed, i));
    this.sink = new Sink(start, options.days, options.seed);
  }

  get counts(): ReadonlyMap<string, number> {
    return this.sink.counts;
  }

  /** Each day's messages in output order, as the day ends. */
  *days(): Generator<DayChunk> {
    const voices = this.people.map((p) => new Voice(this.sink, p));
    for (let day = 0; day < this.options.days; day++) {
      const dayStart = this.plan.start + day * DAY;
      for (const v of voices) live(v, this.plan, day, dayStart);
      const chunk = this.sink.take(day);
      this.total += chunk.count;
      yield chunk;
    }
  }
}

/** What the manifest needs beyond the options: gathered from every shard. */
export interface WorldTally {
  events: number;
  counts: ReadonlyMap<string, number>;
  /** Customers per persona id. */
  personas: ReadonlyMap<string, number>;
}

export function worldManifest(
  options: WorldOptions,
  tally: WorldTally,
  files: Record<string, string>,
): Record<string, unknown> {
  const plan = makePlan(options.end.getTime() - options.days * DAY, options.days);
  const counts = Object.fromEntries([...tally.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  return {
    generator: `itinera ${version} demo world`,
    seed: options.seed,
    customers: options.customers,
    days: options.days,
    window: { start: new Date(plan.start).toISOString(), end: options.end.toISOString() },
    events: tally.events,
    counts,
    files,
    personas: personas.map((pr) => ({
      persona: pr.persona,
      label: pr.label,
      share: pr.share,
      customers: tally.personas.get(pr.persona) ?? 0,
      ages: pr.ages,
      session_channels: pr.channels,
    })),
    problems: manifestProblems(plan),
    support: supportFigures,
  };
}
