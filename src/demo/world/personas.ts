// The four personas of the demo world. A persona is a hidden trait: it never appears in an event, only in
// the behaviour it drives and in the ground-truth files beside the data.
export type Persona = "tech_savvy" | "traditional" | "bargain_hunter" | "loyal_advocate";

/** Where a customer's own sessions happen (marketing and service contacts come on top). */
export type SessionChannel = "web" | "app" | "store" | "phone" | "chat";

export interface PersonaProfile {
  persona: Persona;
  label: string;
  share: number;
  ages: readonly [number, number];
  /** Chance of a session on a given day. */
  sessionsPerDay: number;
  channels: Readonly<Record<SessionChannel, number>>;
  /** Chance that an online browsing session goes on to checkout; a store visit buys at `storeBuy`. */
  checkout: number;
  storeBuy: number;
  /** Holds a coupon when checking out. */
  coupon: number;
  /** Arrives first through an ad click (else organic, social or a referral). */
  fromAds: number;
  review: number;
  referral: number;
  /** Signs up (user id) only after this many anonymous sessions: late logins. */
  anonymousSessions: readonly [number, number];
  emailOptIn: number;
  emailOpen: number;
  korean: number;
  /** Contacts to support that are not about an order, per day. */
  contactsPerDay: number;
  /** Where those contacts go. */
  contactChannels: ReadonlyArray<readonly ["email" | "social" | "phone" | "chat", number]>;
}

export const personas: readonly PersonaProfile[] = [
  {
    persona: "tech_savvy",
    label: "Tech-savvy Tim",
    share: 0.3,
    ages: [20, 35],
    sessionsPerDay: 0.3,
    channels: { web: 0.25, app: 0.55, store: 0.04, phone: 0.01, chat: 0.15 },
    checkout: 0.16,
    storeBuy: 0.5,
    coupon: 0.2,
    fromAds: 0.3,
    review: 0.4,
    referral: 0.05,
    anonymousSessions: [1, 4],
    emailOptIn: 0.5,
    emailOpen: 0.2,
    korean: 0.7,
    contactsPerDay: 0.012,
    contactChannels: [
      ["chat", 0.5],
      ["social", 0.35],
      ["email", 0.15],
    ],
  },
  {
    persona: "traditional",
    label: "Traditional Trudy",
    share: 0.25,
    ages: [55, 78],
    sessionsPerDay: 0.12,
    channels: { web: 0.2, app: 0.02, store: 0.45, phone: 0.31, chat: 0.02 },
    checkout: 0.1,
    storeBuy: 0.45,
    coupon: 0.1,
    fromAds: 0.05,
    review: 0.05,
    referral: 0.02,
    anonymousSessions: [2, 6],
    emailOptIn: 0.85,
    emailOpen: 0.45,
    korean: 0.85,
    contactsPerDay: 0.016,
    contactChannels: [
      ["phone", 0.75],
      ["email", 0.2],
      ["social", 0.05],
    ],
  },
  {
    persona: "bargain_hunter",
    label: "Bargain hunter Bora",
    share: 0.25,
    ages: [25, 50],
    sessionsPerDay: 0.3,
    channels: { web: 0.55, app: 0.33, store: 0.08, phone: 0.02, chat: 0.02 },
    checkout: 0.07,
    storeBuy: 0.3,
    coupon: 0.8,
    fromAds: 0.85,
    review: 0.1,
    referral: 0.03,
    anonymousSessions: [2, 8],
    emailOptIn: 0.9,
    emailOpen: 0.35,
    korean: 0.75,
    contactsPerDay: 0.01,
    contactChannels: [
      ["email", 0.4],
      ["social", 0.4],
      ["chat", 0.2],
    ],
  },
  {
    persona: "loyal_advocate",
    label: "Loyal advocate Liam",
    share: 0.2,
    ages: [30, 55],
    sessionsPerDay: 0.22,
    channels: { web: 0.35, app: 0.35, store: 0.22, phone: 0.04, chat: 0.04 },
    checkout: 0.2,
    storeBuy: 0.6,
    coupon: 0.15,
    fromAds: 0.1,
    review: 0.3,
    referral: 0.3,
    anonymousSessions: [1, 3],
    emailOptIn: 0.75,
    emailOpen: 0.5,
    korean: 0.75,
    contactsPerDay: 0.008,
    contactChannels: [
      ["email", 0.35],
      ["phone", 0.25],
      ["chat", 0.25],
      ["social", 0.15],
    ],
  },
];

export const personaMix = personas.map((p) => [p, p.share] as const);
