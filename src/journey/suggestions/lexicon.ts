// The words that tie an event's name to a journey stage, in English and Korean. A default: a later
// setting may replace it, so everything that reads it takes the lexicon as an argument.

export interface LexiconEntry {
  stage: string;
  /** Latin words match whole tokens of the name (with a plural or a trailing number); Hangul words match anywhere, as Korean names are written without separators. */
  words: readonly string[];
}

export interface Lexicon {
  stages: readonly LexiconEntry[];
  /** Words that say "it happened" (done, completed, 완료): a hint that the event is a conversion. */
  conversion: readonly string[];
}

export const defaultLexicon: Lexicon = {
  stages: [
    {
      stage: "awareness",
      words: ["ad", "ads", "landing", "main", "home", "campaign", "광고", "메인", "홈", "랜딩"],
    },
    {
      stage: "consideration",
      words: ["catalog", "catalogue", "product", "search", "browse", "category", "상품", "검색", "카테고리"],
    },
    {
      stage: "purchase",
      words: [
        "cart",
        "checkout",
        "payment",
        "order",
        "basket",
        "purchase",
        "결제",
        "주문",
        "장바구니",
        "구매",
      ],
    },
    {
      stage: "retention",
      words: ["support", "return", "refund", "help", "문의", "반품", "환불", "고객센터"],
    },
    { stage: "advocacy", words: ["review", "referral", "rating", "share", "리뷰", "추천", "후기"] },
  ],
  conversion: ["done", "complete", "completed", "success", "confirmed", "paid", "완료", "성공"],
};

const HANGUL = /[\u3131-\u318e\uac00-\ud7a3]/;

/** The name's Latin tokens, lower case: "OrderCompleted", "order_completed", "Order Completed" → order, completed. */
export function tokens(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

function has(name: string, toks: readonly string[], word: string): boolean {
  if (HANGUL.test(word)) return name.includes(word);
  // "products", "product1" are the product; "address" is not an ad, hence whole tokens.
  return toks.some((t) => t === word || t === `${word}s` || t.replace(/\d+$/, "") === word);
}

export interface NameEvidence {
  stage: string;
  /** The word of the lexicon found in the name. */
  word: string;
}

/**
 * The stage the name's words point to. When words of several stages are in one name, the later stage
 * wins: "product_review" is about the review, "ad_checkout" about the checkout.
 */
export function stageFromName(name: string, lexicon: Lexicon): NameEvidence | null {
  const toks = tokens(name);
  let found: NameEvidence | null = null;
  for (const entry of lexicon.stages) {
    const word = entry.words.find((w) => has(name, toks, w));
    if (word) found = { stage: entry.stage, word };
  }
  return found;
}

/** Whether the name says the thing is done ("payment_done", "Order Completed", "결제완료"). */
export const soundsLikeConversion = (name: string, lexicon: Lexicon): boolean =>
  lexicon.conversion.some((w) => has(name, tokens(name), w));

/**
 * What people would call it: "payment_done" → "Payment done", "productViewed" → "Product viewed". A name
 * that is already written for people (with spaces, or in Korean, the brand's own word) is kept.
 */
export function readableName(event: string): string {
  const trimmed = event.trim();
  if (HANGUL.test(trimmed) || /\s/.test(trimmed)) return trimmed.slice(0, 80);
  const words = trimmed
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .split(/[_\-.:/]+|\s+/)
    .filter(Boolean)
    .map((w) => (w === w.toUpperCase() && w.length > 1 ? w : w.toLowerCase()));
  const text = words.join(" ") || trimmed;
  return (text.charAt(0).toUpperCase() + text.slice(1)).slice(0, 80);
}
