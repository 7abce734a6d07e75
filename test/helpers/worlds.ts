// Hand-made worlds for the friction finder and the journey map's pain points, in a vocabulary that is
// not the defaults': own event names, an own payment key, response time in hours under an own property,
// an own social target, own self-service and assisted channel. Each world exists twice: with its
// problems planted, and healthy (the same names and volumes, nothing wrong), so a detector that fires
// on the names alone fails the negative control. Who is hurt is decided here, by user id; the tests
// compare the product's customer lists with these.
import type { FrictionSettings } from "../../src/analytics/frictions/settings.js";
import type { TouchpointInput } from "../../src/journey/touchpoints.js";
import { DAY_MS, expectOk, type JourneyModel } from "./journey.js";
import type { TestServer } from "./server.js";

/** The worlds' period: 40 days, queried explicitly (from, to). */
export const START = Date.parse("2026-02-01T00:00:00.000Z");
export const DAYS = 40;
export const END = START + DAYS * DAY_MS;
export const PERIOD = { from: new Date(START).toISOString(), to: new Date(END).toISOString() };
const HOUR_MS = 3_600_000;
export const at = (day: number, hours = 0) => START + day * DAY_MS + hours * HOUR_MS;
export const iso = (ms: number) => new Date(ms).toISOString();

/** The social first-response target (minutes), not the default 60. */
export const SOCIAL_TARGET_MIN = 240;
/** Satisfaction window (days), not the default 7. */
export const SATISFACTION_DAYS = 3;

const eq = (property: string, value: string | number | boolean) => ({ property, op: "eq" as const, value });

/** The catalogue of these worlds, added after the defaults (no default rule names these events). */
export const worldTouchpoints: TouchpointInput[] = [
  // Drop-off explained by a segment: card charges (failure outcome keyed on charge_ref)
  { name: "Card charge", stage: "purchase", match: { event: "Charge Submitted" } },
  { name: "Card declined", stage: "purchase", match: { event: "Charge Declined" }, kind: "failure" },
  // Abandonment with value: baskets keyed on basket_no, value in basket_total
  { name: "Basket filled", stage: "purchase", match: { event: "Basket Filled" } },
  { name: "Basket paid", stage: "purchase", match: { event: "Basket Paid" } },
  { name: "Deposit", stage: "purchase", match: { event: "Deposit Paid" } },
  // Repeat contacts: hotline calls about a parcel (subject parcel_ref), explained by the parcel's hub
  {
    name: "Parcel query",
    stage: "retention",
    match: { event: "Hotline Call", where: [eq("reason", "parcel")] },
    kind: "contact",
    subject: "parcel_ref",
  },
  {
    name: "Hotline call",
    stage: "retention",
    match: { event: "Hotline Call" },
    kind: "contact",
    subject: "reason",
  },
  { name: "Parcel scanned", stage: "retention", match: { event: "Parcel Scanned" }, advances: false },
  // Channel switching: an assistant that gives up, then a visit to the service desk (channel store)
  {
    name: "Assistant session",
    stage: "retention",
    match: { event: "Assistant Session Closed" },
    advances: false,
  },
  {
    name: "Desk visit",
    stage: "retention",
    match: { event: "Desk Visit" },
    kind: "contact",
    subject: "desk_topic",
  },
  // Slow responses: social replies timed in hours, then a 0–10 "pulse" rating
  {
    name: "Mention raised",
    stage: "advocacy",
    match: { event: "Mention Raised", channels: ["social"] },
    kind: "contact",
    subject: "thread_id",
  },
  {
    name: "Brand reply (social)",
    stage: "advocacy",
    match: { event: "Brand Replied", channels: ["social"] },
    kind: "response",
    responseMinutes: { property: "reply_hours", unit: "hours" },
  },
  {
    name: "Pulse rating",
    stage: "advocacy",
    match: { event: "Pulse Rated" },
    kind: "feedback",
    advances: false,
    feedback: { property: "stars", min: 0, max: 10 },
  },
  // Messages per week against opt-outs
  { name: "Digest", stage: "retention", match: { event: "Digest Mailed" }, kind: "message" },
  { name: "Nudge", stage: "retention", match: { event: "Nudge Pushed" }, kind: "message" },
  {
    name: "Notifications off",
    stage: "retention",
    match: { event: "Notifications Disabled" },
    kind: "feedback",
    advances: false,
    feedback: { value: -1 },
  },
  // Negative-feedback spike: stall ratings by label
  {
    name: "Stall rating",
    stage: "advocacy",
    match: { event: "Stall Rated" },
    kind: "feedback",
    advances: false,
    feedback: { property: "mood", labels: { grin: 1, meh: 0, frown: -1 } },
  },
  // The map's drop-off: two ways into consideration, one of which rarely leads to a deposit
  { name: "Brochure request", stage: "consideration", match: { event: "Brochure Requested" } },
  { name: "Showroom booking", stage: "consideration", match: { event: "Showroom Booked" } },
];

/** Friction settings in the worlds' vocabulary; thresholds stay the defaults but for two. */
export function worldFrictionSettings(defaults: FrictionSettings): FrictionSettings {
  return {
    ...defaults,
    steps: [
      {
        id: "charge",
        unit: "card charge",
        start: { event: "Charge Submitted" },
        outcome: { event: "Charge Declined" },
        key: "charge_ref",
        outcomeIs: "failure",
        abandonment: false,
      },
      {
        id: "basket",
        unit: "basket",
        start: { event: "Basket Filled" },
        outcome: { event: "Basket Paid" },
        key: "basket_no",
        outcomeIs: "success",
        value: "basket_total",
        abandonment: true,
      },
    ],
    dimensions: [
      { name: "channel", path: "channel" },
      { name: "platform", path: "device.platform" },
      { name: "build", path: "app.build" },
    ],
    channelSwitch: {
      selfService: { event: "Assistant Session Closed" },
      failed: [[eq("outcome", "gave_up")]],
      assistedChannels: ["store"],
      withinHours: 6,
    },
    abandonmentShare: 0.15,
    spikeDays: 10,
  };
}

/** The journey model with the worlds' targets: social 4 h instead of 1 h, a 3-day satisfaction window. */
export function worldModel(model: JourneyModel): JourneyModel {
  return {
    ...model,
    satisfactionDays: SATISFACTION_DAYS,
    responseTargetMinutes: { ...model.responseTargetMinutes, social: SOCIAL_TARGET_MIN },
  };
}

export interface Track {
  userId: string;
  event: string;
  ms: number;
  properties: Record<string, unknown>;
  channel: string;
  context?: Record<string, unknown>;
}

/** What a world planted: user ids per problem (empty when healthy). */
export interface Planted {
  /** Card charges declined in the segment build 7.1 from day 20. */
  declinedInSegment: string[];
  /** Every customer with a declined charge. */
  declined: string[];
  abandonedBaskets: string[];
  repeatCallers: string[];
  switchers: string[];
  slowReplies: string[];
  /** Negative pulse ratings (after slow and fast replies). */
  negativePulse: string[];
  heavyOptOuts: string[];
  optOuts: string[];
  recentFrowns: string[];
  brochureDropped: string[];
}

export interface World {
  events: Track[];
  planted: Planted;
}

/**
 * Builds a world. `planted` false gives the same customers, events and names with healthy behaviour:
 * rare declines everywhere, few abandoned baskets, single calls, the assistant's failures no more often
 * followed by a desk visit, fast replies, light opt-outs, steady ratings, brochures that convert.
 */
export function makeWorld(planted: boolean): World {
  const events: Track[] = [];
  const p: Planted = {
    declinedInSegment: [],
    declined: [],
    abandonedBaskets: [],
    repeatCallers: [],
    switchers: [],
    slowReplies: [],
    negativePulse: [],
    heavyOptOuts: [],
    optOuts: [],
    recentFrowns: [],
    brochureDropped: [],
  };
  const track = (t: Track) => events.push(t);

  // Card charges: 400 customers, one charge each, 10 a day. Build 7.1 (every 4th) runs on one platform;
  // from day 20 every charge on it is declined. Elsewhere 1 in 20 is declined (1 in 40 when healthy).
  for (let i = 0; i < 400; i++) {
    const userId = `payer-${i}`;
    const day = i % 40;
    const ms = at(day, 10 + (((i / 40) | 0) % 8));
    const build = i % 4 === 0 ? "7.1" : "7.0";
    const context = { device: { platform: i % 2 === 0 ? "tizen" : "webos" }, app: { build } };
    const props = { charge_ref: `ch-${i}`, amount: 100 + i };
    track({ userId, event: "Charge Submitted", ms, properties: props, channel: "app", context });
    const inSegment = planted && build === "7.1" && day >= 20;
    const declined = inSegment || (planted ? i % 20 === 1 : i % 40 === 1);
    if (declined) {
      track({
        userId,
        event: "Charge Declined",
        ms: ms + 60_000,
        properties: { charge_ref: `ch-${i}` },
        channel: "app",
        context,
      });
      p.declined.push(userId);
      if (inSegment) p.declinedInSegment.push(userId);
    }
  }

  // Baskets on the web: 80, totals 40…80; every 4th is never paid (every 20th when healthy).
  for (let i = 0; i < 80; i++) {
    const userId = `shopper-${i}`;
    const ms = at(i % 40, 14);
    const basket = { basket_no: `b-${i}`, basket_total: 40 + (i % 5) * 10 };
    track({ userId, event: "Basket Filled", ms, properties: basket, channel: "web" });
    if (i % (planted ? 4 : 20) === 0) p.abandonedBaskets.push(userId);
    else
      track({
        userId,
        event: "Basket Paid",
        ms: ms + 600_000,
        properties: { basket_no: `b-${i}` },
        channel: "web",
      });
  }

  // Parcels: 120 customers, each with one parcel scanned at a hub and a hotline call about it the next
  // day. The first 40 parcels (all at the north hub) get a second call two days later; 10 more parcels
  // pass the north hub without trouble. Healthy: nobody calls twice.
  for (let i = 0; i < 120; i++) {
    const userId = `caller-${i}`;
    const day = i % 20;
    const parcel = `pc-${i}`;
    const hub = i < 50 ? "north" : "south";
    track({
      userId,
      event: "Parcel Scanned",
      ms: at(day, 6),
      properties: { parcel_ref: parcel, hub },
      channel: "server",
    });
    const call = { reason: "parcel", parcel_ref: parcel };
    track({ userId, event: "Hotline Call", ms: at(day + 1, 9), properties: call, channel: "phone" });
    if (planted && i < 40) {
      track({ userId, event: "Hotline Call", ms: at(day + 3, 9), properties: call, channel: "phone" });
      p.repeatCallers.push(userId);
    }
  }

  // The assistant: 100 sessions, every other one gives up. Planted: 30 of the 50 that gave up visit the
  // service desk within 3 h, 10 more only after 10 h (outside the 6-hour window); 2 of the 50 that were
  // solved visit too. Healthy: 4 of each 50 visit.
  for (let i = 0; i < 100; i++) {
    const userId = `helper-${i}`;
    const ms = at(2 + (i % 30), 9);
    const gaveUp = i % 2 === 0;
    track({
      userId,
      event: "Assistant Session Closed",
      ms,
      properties: { outcome: gaveUp ? "gave_up" : "solved", session_ref: `as-${i}` },
      channel: "app",
    });
    const visit = (hours: number) =>
      track({
        userId,
        event: "Desk Visit",
        ms: ms + hours * HOUR_MS,
        properties: { desk_topic: "refund" },
        channel: "store",
      });
    if (planted) {
      if ((gaveUp && [0, 2, 4].includes(i % 10)) || i % 50 === 1) {
        visit(3);
        if (gaveUp) p.switchers.push(userId);
      } else if (i % 10 === 6) visit(10);
    } else if (i % 25 === 0 || i % 25 === 1) visit(3);
  }

  // Social: 80 mentions answered by the brand, every other one after 9 h (over the 4 h target), the rest
  // after 1 h; a pulse rating follows a day later: negative after 32 of the 40 slow replies and 8 of the 40
  // fast ones. Healthy: every reply within 1 h, 8 negative ratings.
  for (let i = 0; i < 80; i++) {
    const userId = `fan-${i}`;
    const ms = at(i % 30, 8);
    const slow = planted && i % 2 === 0;
    const hours = slow ? 9 : 1;
    track({ userId, event: "Mention Raised", ms, properties: { thread_id: `t-${i}` }, channel: "social" });
    track({
      userId,
      event: "Brand Replied",
      ms: ms + hours * HOUR_MS,
      properties: { thread_id: `t-${i}`, reply_hours: hours },
      channel: "social",
    });
    const negative = slow ? i % 10 !== 8 : i % 10 === 1;
    track({
      userId,
      event: "Pulse Rated",
      ms: ms + DAY_MS,
      properties: { stars: negative ? 1 : 9 },
      channel: "social",
    });
    if (slow) p.slowReplies.push(userId);
    if (negative) p.negativePulse.push(userId);
  }

  // Messages: 100 readers over three weeks from day 5. The first 40 get 6 a week (4 digests, 2 nudges),
  // the rest 2 (a digest and a nudge). Planted: every other heavy reader turns notifications off at the
  // end of week 3; one light reader does in week 2. Healthy: one heavy and one light reader.
  const M0 = 5;
  for (let i = 0; i < 100; i++) {
    const userId = `reader-${i}`;
    const heavy = i < 40;
    for (let w = 0; w < 3; w++) {
      const days = heavy ? [0, 1, 2, 3, 4, 5] : [0, 3];
      days.forEach((k, j) => {
        const digest = heavy ? j < 4 : j === 0;
        track({
          userId,
          event: digest ? "Digest Mailed" : "Nudge Pushed",
          ms: at(M0 + 7 * w + k, 7),
          properties: { issue: `w${w}` },
          channel: digest ? "email" : "app",
        });
      });
    }
    const optOut = (day: number) => {
      track({ userId, event: "Notifications Disabled", ms: at(day, 20), properties: {}, channel: "app" });
      p.optOuts.push(userId);
    };
    if (heavy && (planted ? i % 2 === 0 : i === 0)) {
      optOut(M0 + 20);
      p.heavyOptOuts.push(userId);
    }
    if (i === 41) optOut(M0 + 13);
  }

  // Stall ratings: 200 customers, 5 a day. Before day 30, 15 of 150 frown; from day 30 (the last 10
  // days), 30 of 50 (planted) or 5 of 50 (healthy).
  for (let i = 0; i < 200; i++) {
    const userId = `rater-${i}`;
    const day = i % 40;
    const slot = (i / 40) | 0;
    const recent = day >= 30;
    const frown = recent && planted ? slot < 3 : slot === 0 && day % 2 === 0;
    track({
      userId,
      event: "Stall Rated",
      ms: at(day, 15),
      properties: { mood: frown ? "frown" : "grin" },
      channel: "store",
    });
    if (frown && recent) p.recentFrowns.push(userId);
  }

  // Into consideration: 60 brochure requests and 60 showroom bookings; a deposit the next day follows
  // 54 of the bookings, and 6 of the brochures (54 when healthy).
  for (let i = 0; i < 60; i++) {
    for (const [who, event, converts] of [
      [`prospect-${i}`, "Brochure Requested", planted ? i % 10 === 0 : i % 10 !== 0],
      [`visitor-${i}`, "Showroom Booked", i % 10 !== 0],
    ] as const) {
      const ms = at(i % 25, 11);
      track({ userId: who, event, ms, properties: {}, channel: "web" });
      if (converts)
        track({
          userId: who,
          event: "Deposit Paid",
          ms: ms + DAY_MS,
          properties: { deposit: 50 },
          channel: "web",
        });
      else if (event === "Brochure Requested") p.brochureDropped.push(who);
    }
  }
  return { events: events.sort((a, b) => a.ms - b.ms), planted: p };
}

/** Sets the catalogue, the model and the friction settings, then sends the world through /v1/batch. */
export async function loadWorld(server: TestServer, world: World): Promise<void> {
  for (const t of worldTouchpoints)
    expectOk(await server.api("/api/touchpoints", { method: "POST", body: t }), 201);
  const model = expectOk(await server.api<JourneyModel>("/api/journey-model"));
  expectOk(await server.api("/api/journey-model", { method: "PUT", body: worldModel(model) }));
  const defaults = expectOk(await server.api<FrictionSettings>("/api/frictions/settings"));
  expectOk(
    await server.api("/api/frictions/settings", { method: "PUT", body: worldFrictionSettings(defaults) }),
  );
  let n = 0;
  for (let i = 0; i < world.events.length; i += 400) {
    const batch = world.events.slice(i, i + 400).map((e) => ({
      type: "track",
      messageId: `w-${n++}`,
      userId: e.userId,
      event: e.event,
      timestamp: iso(e.ms),
      properties: e.properties,
      context: { channel: e.channel, ...e.context },
    }));
    const res = await server.collect("/v1/batch", { batch });
    expect200(res.status, res.body);
  }
}

function expect200(status: number, body: unknown): void {
  if (status !== 200 || (body as { rejected?: unknown[] }).rejected?.length)
    throw new Error(`batch not stored: ${status} ${JSON.stringify(body)}`);
}

/** Customer id of each user id (every world customer has exactly one). */
export async function customerIds(server: TestServer): Promise<Map<string, number>> {
  const rows = await server.query("SELECT value, customer_id FROM identities WHERE kind = 'user_id'");
  return new Map(rows.map((r) => [String(r.value), Number(r.customer_id)]));
}
