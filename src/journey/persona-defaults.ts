// The default personas: the two of the source articles (Tech-savvy Tim, Traditional Trudy) and two more
// that retail CX teams keep meeting. Their rules read behaviour only, so they work on any store that
// tracks channels, coupons, reviews and referrals; the demo world was generated to contain all four.
import type { PersonaInput } from "./personas.js";

export const defaultPersonas: PersonaInput[] = [
  {
    name: "Traditional Trudy",
    match: "any",
    conditions: [
      { trait: "age", op: "gte", value: 55 },
      { channels: ["store", "phone"], share: true, op: "gte", value: 0.35 },
    ],
    narrative: {
      summary: "Prefers personal service: the store counter and the phone. Shops rarely and carefully.",
      goals: [
        "Buy the right product once, with advice from a person",
        "Have it delivered and installed on time",
      ],
      needs: ["A person to talk to", "Clear delivery dates", "Simple, large-print information"],
      frustrations: ["Long waits on the phone", "Not knowing where the order is", "Apps she did not ask for"],
      quote: "I'd rather ask someone who knows.",
    },
  },
  {
    name: "Tech-savvy Tim",
    match: "all",
    conditions: [
      { trait: "age", op: "lte", value: 35 },
      { channels: ["app"], share: true, op: "gte", value: 0.35 },
    ],
    narrative: {
      summary: "A young professional who values innovative solutions and lives in the app.",
      goals: ["Research quickly and buy in a few taps", "Get answers in chat, not on the phone"],
      needs: [
        "A fast, reliable app",
        "Self-service for orders and returns",
        "Replies on social within the hour",
      ],
      frustrations: ["Payment errors in the app", "Waiting for a human for simple things"],
      quote: "If it doesn't work in the app, it doesn't work.",
    },
  },
  {
    name: "Loyal advocate Liam",
    match: "any",
    conditions: [
      { touchpoint: "referral-sent", op: "gte", value: 1 },
      { measure: "orders", op: "gte", value: 3 },
      { touchpoint: "review-posted", op: "gte", value: 1 },
    ],
    narrative: {
      summary: "Buys again and again, and tells friends about it.",
      goals: ["Get a fair reward for loyalty", "Recommend products friends will like"],
      needs: ["Recognition and member benefits", "Consistent quality on every channel"],
      frustrations: ["Being treated like a stranger", "Promotions that are better for new customers"],
      quote: "I've sent half my office your way.",
    },
  },
  {
    name: "Bargain hunter Bora",
    match: "any",
    conditions: [
      { touchpoint: "coupon-applied", op: "gte", value: 1 },
      { touchpoint: "ad-click", op: "gte", value: 1 },
    ],
    narrative: {
      summary: "Compares prices, arrives from ads and deals, and rarely checks out without a coupon.",
      goals: ["Pay the lowest price", "Catch limited-time deals"],
      needs: ["Clear prices and discounts", "Coupons that work at checkout"],
      frustrations: ["Hidden costs at checkout", "Coupon codes that fail"],
      quote: "If there's no coupon, I'll wait for one.",
    },
  },
];
