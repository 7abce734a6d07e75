// What demo customers say, in English and Korean: survey comments, reviews, chats and social posts.
// Each text matches its score or sentiment so voice-of-customer analysis finds real signal.

export type Tone = "positive" | "neutral" | "negative";

/** The tone that usually comes with a score: NPS promoters (9–10) and 4–5 stars praise, detractors complain. */
export function toneOfScore(score: number, max: 5 | 10): Tone {
  const [praise, meh] = max === 10 ? [9, 7] : [4, 3];
  return score >= praise ? "positive" : score >= meh ? "neutral" : "negative";
}

interface Bilingual {
  en: readonly string[];
  ko: readonly string[];
}

export const comments: Record<Tone, Bilingual> = {
  positive: {
    en: [
      "Fast delivery and the price was the best I found.",
      "The app makes ordering really easy.",
      "Staff at the store explained everything patiently.",
      "Installation was on time and very clean.",
      "I always recommend Hanbit to my friends.",
    ],
    ko: [
      "배송이 정말 빨랐어요!",
      "매장 직원분이 친절하게 설명해 주셨어요.",
      "앱으로 주문하니 너무 편하네요.",
      "설치 기사님이 꼼꼼하게 해 주셨어요.",
      "가격 대비 만족합니다. 또 구매할게요.",
    ],
  },
  neutral: {
    en: [
      "Good product, but delivery took longer than promised.",
      "Okay overall. The website is a bit slow.",
      "Fine, though the coupon rules are confusing.",
    ],
    ko: ["제품은 좋은데 배송이 조금 늦었어요.", "무난했어요. 홈페이지가 좀 느려요.", "쿠폰 조건이 헷갈려요."],
  },
  negative: {
    en: [
      "I waited over 20 minutes on the phone before anyone answered.",
      "The installation date was changed twice without asking me.",
      "My coupon did not work at checkout.",
      "Still waiting for my refund after two weeks.",
    ],
    ko: [
      "상담원 연결이 너무 오래 걸렸어요.",
      "설치 일정이 두 번이나 변경됐어요.",
      "쿠폰이 결제할 때 적용되지 않았어요.",
      "환불 처리가 너무 느립니다.",
    ],
  },
};

export const reviews: Record<Tone, Bilingual> = {
  positive: {
    en: [
      "Excellent picture quality, worth every won.",
      "Battery lasts two days. Love it.",
      "Quiet and powerful.",
    ],
    ko: ["화질이 정말 좋아요.", "배터리가 오래가서 만족합니다.", "조용하고 성능 좋아요. 강추!"],
  },
  neutral: {
    en: ["Does the job. Setup instructions could be clearer.", "Nice, but a bit pricey."],
    ko: ["쓸만해요. 설명서가 좀 부족해요.", "좋긴 한데 가격이 조금 비싸요."],
  },
  negative: {
    en: ["Stopped working after a week.", "Arrived with a scratch on the panel."],
    ko: ["일주일 만에 고장났어요.", "화면에 흠집이 있는 상태로 왔어요."],
  },
};

export const socialPosts: Record<Tone, readonly string[]> = {
  positive: [
    "Just picked up the Nova X15 at @hanbit_electronics Gangnam, staff were amazing 🙌",
    "한빛전자 앱 당일배송 실화? 오전에 시켰는데 벌써 왔어요 ㅋㅋ",
    "Hanbit's OLED week deal is legit. New TV is gorgeous.",
  ],
  neutral: [
    "Anyone tried the Breeze robot vacuum from Hanbit? Thinking about it",
    "한빛전자 세일 언제까지인가요?",
  ],
  negative: [
    "@hanbit_electronics 3rd call about my washer installation and still no date. Not impressed.",
    "한빛전자 쿠폰 적용 안 되는 거 저만 그런가요? 😤",
  ],
};

export interface ChatScript {
  topic: string;
  tone: Tone;
  /** [author, text]: the customer speaks first; "agent" or "bot" answers. */
  lines: ReadonlyArray<readonly ["customer" | "agent" | "bot", string]>;
}

export const chatScripts: readonly ChatScript[] = [
  {
    topic: "delivery",
    tone: "positive",
    lines: [
      ["customer", "주문한 이어폰 언제 도착하나요?"],
      ["bot", "주문번호를 확인했어요. 내일 오전 도착 예정입니다."],
      ["customer", "감사합니다 👍"],
    ],
  },
  {
    topic: "product question",
    tone: "positive",
    lines: [
      ["customer", "Does the Nova X15 support dual eSIM?"],
      ["agent", "Yes, it supports one physical SIM plus two eSIM profiles."],
      ["customer", "Perfect, ordering now."],
    ],
  },
  {
    topic: "coupon",
    tone: "negative",
    lines: [
      ["customer", "WELCOME10 쿠폰이 적용이 안 돼요"],
      ["bot", "쿠폰 관련 문의는 상담원에게 연결해 드릴게요."],
      ["agent", "확인해 보니 할인 상품에는 쿠폰이 중복 적용되지 않습니다. 죄송합니다."],
      ["customer", "미리 알려주셨으면 좋았을 텐데요..."],
    ],
  },
  {
    topic: "return",
    tone: "neutral",
    lines: [
      ["customer", "I'd like to return my smartwatch, the strap broke."],
      ["agent", "Sorry about that! I've opened a return for you; a courier will pick it up on Friday."],
      ["customer", "OK, thanks."],
    ],
  },
];

export const callTopics = [
  "delivery",
  "installation",
  "warranty",
  "returns",
  "billing",
  "product question",
] as const;
