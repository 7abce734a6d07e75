// Retention and advocacy: delivery (late ones bring "where is my order" calls and churn), returns,
// reviews, surveys, referrals, and support tickets with per-channel response times in line with
// published figures (social: expected within an hour, answered in about five; e-mail about 44 hours).
import type { Product } from "../catalog.js";
import { comments, reviews, socialPosts, type Tone, toneOfScore } from "../phrases.js";
import type { Random } from "../random.js";
import { DAY, HOUR, MIN } from "../time.js";
import type { Person } from "./people.js";
import { firstResponseHours, type Plan, resolutionHours } from "./problems.js";
import type { Voice } from "./sink.js";

export type CareChannel = keyof typeof firstResponseHours;

/** A log-normal draw with the given mean and spread σ: response times have long tails. */
function lognormal(rng: Random, mean: number, sigma = 1): number {
  const u = Math.max(rng.next(), 1e-12);
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
  return Math.exp(Math.log(mean) - (sigma * sigma) / 2 + sigma * z);
}

/** A whole score around `mean` (spread `sd`), clamped to [lo, hi]. */
function score(rng: Random, mean: number, sd: number, lo: number, hi: number): number {
  const z = (rng.next() + rng.next() + rng.next() - 1.5) * 2; // ≈ N(0, 1), cheap and bounded
  return Math.min(hi, Math.max(lo, Math.round(mean + z * sd)));
}

function say(
  p: Person,
  bank: Record<Tone, { en: readonly string[]; ko: readonly string[] }>,
  tone: Tone,
): string {
  const lines = bank[tone];
  return p.rng.pick(p.korean && p.rng.chance(0.65) ? lines.ko : lines.en);
}

export function survey(
  v: Voice,
  at: number,
  type: "nps" | "csat" | "ces",
  value: number,
  extra: object = {},
): void {
  const tone =
    type === "nps"
      ? toneOfScore(value, 10)
      : type === "csat"
        ? toneOfScore(value, 5)
        : value <= 3
          ? "positive"
          : value <= 5
            ? "neutral"
            : "negative";
  const comment = v.p.rng.chance(0.6) ? { comment: say(v.p, comments, tone) } : {};
  v.office(at, "Survey Responded", "email", { survey_type: type, score: value, ...comment, ...extra });
}

/** Ships and delivers an order; late deliveries bring WISMO calls and, often, churn. */
export function deliver(v: Voice, plan: Plan, order_id: string, orderedAt: number, product: Product): void {
  const p = v.p;
  const rng = p.rng;
  const ld = plan.lateDelivery;
  const promised = orderedAt + 2 * DAY;
  const late = rng.chance(ld.rate);
  const days_late = late ? rng.int(2, 5) : 0;
  const deliveredAt = late ? promised + days_late * DAY : promised - rng.int(2, 30) * HOUR;
  v.office(orderedAt + rng.int(4, 20) * HOUR, "Order Shipped", "server", {
    order_id,
    carrier: rng.pick(["CJ", "Hanjin", "Lotte"]),
  });
  v.office(deliveredAt, "Order Delivered", "server", {
    order_id,
    promised_date: new Date(promised).toISOString(),
    days_late,
    installation: product.installation === true,
  });
  const calls = late ? rng.int(ld.callsLate[0], ld.callsLate[1]) : rng.chance(ld.callOnTime) ? 1 : 0;
  for (let i = 0; i < calls; i++) {
    const at = late ? promised + (i + 1) * rng.int(8, 22) * HOUR : promised - rng.int(30, 40) * HOUR;
    v.office(
      at,
      "Support Call",
      "phone",
      {
        call_id: v.id("call"),
        topic: "where_is_my_order",
        order_id,
        wait_seconds: rng.int(60, 1500),
        duration_seconds: rng.int(90, 600),
      },
      { phone: p.phone },
    );
  }
  if (late && p.churnedAt === undefined && rng.chance(ld.churn)) p.churnedAt = deliveredAt;
  let t = deliveredAt + rng.int(1, 4) * DAY;
  if (rng.chance(0.04)) {
    v.office(t, "Order Refunded", "server", {
      order_id,
      reason: rng.pick(["defect", "changed_mind", "wrong_item"]),
      total: product.price,
    });
    return;
  }
  if (rng.chance(p.profile.review)) {
    const rating = late
      ? rng.int(1, 3)
      : rng.weighted([
          [5, 5],
          [4, 3],
          [3, 1],
          [2, 0.5],
          [1, 0.5],
        ] as const);
    v.office(t, "Product Reviewed", "web", {
      product_id: product.product_id,
      order_id,
      rating,
      review_body: say(p, reviews, toneOfScore(rating, 5)),
    });
    t += HOUR;
  }
  if (rng.chance(0.25))
    survey(v, t + 2 * HOUR, "nps", late ? score(rng, 4.5, 2, 0, 10) : score(rng, 8.5, 1.3, 0, 10), {
      order_id,
    });
  if (!late && rng.chance(p.profile.referral))
    v.office(t + DAY, "Referral Sent", "social", {
      referral_code: `REF-${p.userId}`,
      medium: rng.pick(["kakao", "sms", "link"]),
    });
}

/** A support contact on a channel: opened, first response, resolution, then a survey. */
export function ticket(v: Voice, plan: Plan, at: number, channel: CareChannel, topic: string): void {
  const p = v.p;
  const rng = p.rng;
  const ticket_id = v.id("tkt");
  // Social care is uneven: some brands answer in minutes, many take a day (wider spread, same mean).
  const firstMin = Math.max(
    1,
    Math.round(lognormal(rng, firstResponseHours[channel] * 60, channel === "social" ? 1.3 : 1)),
  );
  const resolved = firstMin * MIN + lognormal(rng, resolutionHours[channel]) * HOUR;
  const handle = { social_handle: p.socialHandle };
  const contact =
    channel === "social" ? handle : channel === "email" ? { email: p.email } : { phone: p.phone };
  if (channel === "social") {
    v.office(
      at - 2 * MIN,
      "Social Mention",
      "social",
      {
        handle: p.socialHandle,
        network: rng.pick(["x", "instagram"]),
        sentiment: "negative",
        text: rng.pick(socialPosts.negative),
      },
      handle,
      true,
    );
  }
  v.office(at, "Ticket Opened", channel, { ticket_id, topic, channel }, contact);
  v.office(
    at + firstMin * MIN,
    "Ticket First Response",
    channel,
    { ticket_id, channel, first_response_minutes: firstMin },
    contact,
  );
  v.office(
    at + resolved,
    "Ticket Resolved",
    channel,
    { ticket_id, channel, resolution_hours: Math.round((resolved / HOUR) * 10) / 10 },
    contact,
  );
  const after = at + resolved + rng.int(1, 6) * HOUR;
  if (channel === "social") {
    // The planted problem: a reply after the hour people expect on social costs goodwill.
    const slow = firstMin > plan.socialReply.expectationMinutes;
    if (rng.chance(0.7))
      survey(
        v,
        after,
        "nps",
        score(rng, slow ? plan.socialReply.npsSlow : plan.socialReply.npsFast, 1.2, 0, 10),
        { ticket_id, channel },
      );
  } else if (rng.chance(0.5)) {
    survey(v, after, "csat", score(rng, firstMin > 24 * 60 ? 2.5 : 4.2, 0.8, 1, 5), { ticket_id, channel });
    if (channel !== "email" && rng.chance(0.5))
      survey(v, after + MIN, "ces", score(rng, 3, 1.2, 1, 7), { ticket_id, channel });
  }
}

/** Advocacy and chatter: a social post about the brand, usually happy. */
export function socialPost(v: Voice, at: number): void {
  const rng = v.p.rng;
  const tone: Tone = rng.weighted([
    ["positive", 6],
    ["neutral", 3],
    ["negative", 1],
  ] as const);
  v.office(
    at,
    "Social Mention",
    "social",
    {
      handle: v.p.socialHandle,
      network: rng.pick(["x", "instagram", "naver_blog"]),
      sentiment: tone,
      text: rng.pick(socialPosts[tone]),
    },
    { social_handle: v.p.socialHandle },
    true,
  );
}
