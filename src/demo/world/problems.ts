// The planted problems: what goes wrong in the demo world, from when, for whom and by how much. The
// generator reads these numbers to behave; the manifest writes them out as the ground truth analytics
// must find, each with the SQL idea that measures it.
import { DAY } from "../time.js";

export interface Plan {
  start: number;
  days: number;
  /** App payment failures for one OS and app version, from a date. */
  payment: { os: "Android"; appVersion: string; from: number; failure: number; baseline: number };
  /** A coupon-code field added to web checkout: customers without a coupon abandon more. */
  coupon: { from: number; abandonBefore: number; abandonAfter: number };
  /** Deliveries that arrive late cause "where is my order" calls, then churn. */
  lateDelivery: { rate: number; callsLate: readonly [number, number]; callOnTime: number; churn: number };
  /** Marketing pressure: more than `threshold` messages in a week raises the week's unsubscribe rate. */
  pressure: { threshold: number; unsubscribeOver: number; unsubscribeUnder: number; heavyShare: number };

  /** Social complaints answered after an hour turn into low NPS. */
  socialReply: { expectationMinutes: number; npsFast: number; npsSlow: number };
}

/** Share of e-mail subscribers in the daily-deals programme (5–7 messages a week). */
export const HEAVY_MESSAGING_SHARE = 0.3;

export function makePlan(start: number, days: number): Plan {
  const dayAt = (fraction: number) => start + Math.floor(days * fraction) * DAY;
  return {
    start,
    days,
    payment: { os: "Android", appVersion: "5.2.0", from: dayAt(0.4), failure: 0.35, baseline: 0.03 },
    coupon: { from: dayAt(0.5), abandonBefore: 0.25, abandonAfter: 0.55 },
    lateDelivery: { rate: 0.12, callsLate: [1, 3], callOnTime: 0.03, churn: 0.6 },
    pressure: {
      threshold: 3,
      unsubscribeOver: 0.08,
      unsubscribeUnder: 0.01,
      heavyShare: HEAVY_MESSAGING_SHARE,
    },
    socialReply: { expectationMinutes: 60, npsFast: 8.3, npsSlow: 4.8 },
  };
}

/** Published first-response figures the support tickets follow, per channel (mean, hours). */
export const firstResponseHours = { social: 5, email: 44, phone: 0.05, chat: 0.03 } as const;
export const resolutionHours = { social: 20, email: 70, phone: 2, chat: 1 } as const;

export interface ProblemEntry {
  id: string;
  title: string;
  stage: "awareness" | "consideration" | "purchase" | "retention" | "advocacy";
  touchpoint: string;
  events: string[];
  segment: Record<string, unknown>;
  start: string;
  size: Record<string, number | string>;
  measure: string;
}

const iso = (t: number) => new Date(t).toISOString();

export function manifestProblems(p: Plan): ProblemEntry[] {
  return [
    {
      id: "app-payment-failure",
      title: `App payment step fails on ${p.payment.os} app ${p.payment.appVersion}`,
      stage: "purchase",
      touchpoint: "app checkout, payment step",
      events: ["Payment Info Entered", "Payment Failed"],
      segment: { channel: "app", os: p.payment.os, app_version: p.payment.appVersion },
      start: iso(p.payment.from),
      size: { failure_rate: p.payment.failure, baseline_failure_rate: p.payment.baseline },
      measure:
        "Payment Failed / Payment Info Entered per attempt (properties.attempt_id), in the segment (context.os.name, context.app.version) from start vs everyone else",
    },
    {
      id: "web-coupon-abandonment",
      title: "A coupon-code field on web checkout makes customers without a coupon abandon",
      stage: "purchase",
      touchpoint: "web checkout, step 2 (coupon field)",
      events: ["Checkout Started", "Order Completed"],
      segment: { channel: "web", has_coupon: false },
      start: iso(p.coupon.from),
      size: { abandonment_rate: p.coupon.abandonAfter, baseline_abandonment_rate: p.coupon.abandonBefore },
      measure:
        "share of web Checkout Started with properties.has_coupon = false whose checkout_id has no Order Completed, from start vs before start (payment failures add a few points to both)",
    },
    {
      id: "late-delivery-wismo-churn",
      title: "Late deliveries cause repeated 'where is my order' calls, then churn",
      stage: "retention",
      touchpoint: "delivery → call centre",
      events: ["Order Delivered", "Support Call", "Order Completed"],
      segment: { delivery: "late" },
      start: iso(p.start),
      size: {
        late_delivery_rate: p.lateDelivery.rate,
        wismo_calls_per_late_order: (p.lateDelivery.callsLate[0] + p.lateDelivery.callsLate[1]) / 2,
        wismo_calls_per_on_time_order: p.lateDelivery.callOnTime,
        churn_probability_after_late: p.lateDelivery.churn,
      },
      measure:
        "Support Call with properties.topic = 'where_is_my_order' per order_id, late (Order Delivered properties.days_late > 0) vs on time; customers whose delivery was late stop ordering: share with any Order Completed after it is lower by about churn_probability",
    },
    {
      id: "message-pressure-unsubscribe",
      title: `Customers messaged more than ${p.pressure.threshold} times a week unsubscribe more`,
      stage: "retention",
      touchpoint: "email and SMS marketing",
      events: ["Email Sent", "SMS Sent", "Unsubscribed"],
      segment: { marketing_messages_per_week: `> ${p.pressure.threshold}` },
      start: iso(p.start),
      size: {
        weekly_unsubscribe_rate: p.pressure.unsubscribeOver,
        heavy_messaging_share_of_subscribers: p.pressure.heavyShare,
        baseline_weekly_unsubscribe_rate: p.pressure.unsubscribeUnder,
      },
      measure:
        "per customer and week (weeks counted from the manifest's window.start), Email Sent + SMS Sent count; share of customer-weeks with an Unsubscribed, over the threshold vs at or under it",
    },
    {
      id: "slow-social-replies-nps",
      title: "Social complaints answered after an hour give low NPS",
      stage: "advocacy",
      touchpoint: "social customer care",
      events: ["Ticket Opened", "Ticket First Response", "Survey Responded"],
      segment: { channel: "social", first_response_minutes: `> ${p.socialReply.expectationMinutes}` },
      start: iso(p.start),
      size: {
        mean_nps_score_slow: p.socialReply.npsSlow,
        mean_nps_score_fast: p.socialReply.npsFast,
        mean_first_response_hours: firstResponseHours.social,
      },
      measure:
        "mean properties.score of Survey Responded (survey_type 'nps', ticket_id set) joined to Ticket First Response on ticket_id, channel social, first_response_minutes > 60 vs ≤ 60",
    },
  ];
}

/** The support figures tickets follow, for the manifest. */
export const supportFigures = {
  first_response_hours_mean: firstResponseHours,
  resolution_hours_mean: resolutionHours,
  social_expectation_minutes: 60,
  source:
    "social: customers expect a reply within an hour, brands average about 5 h; other channels about 44 h",
};
