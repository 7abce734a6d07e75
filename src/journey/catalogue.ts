// The default touchpoint catalogue: Segment's e-commerce spec events and the customer-service events
// (calls, tickets, surveys, social mentions) that call centres and CX tools export. Order matters: the
// first rule an event matches names it, so specific rules (social NPS) come before general ones (NPS).
import type { Condition, EventMatch } from "./rules.js";
import type { TouchpointInput } from "./touchpoints.js";

type Options = Omit<TouchpointInput, "name" | "stage" | "match">;

const on = (
  name: string,
  stage: string,
  event: string,
  channels?: string[],
  where?: Condition[],
  options: Options = {},
): TouchpointInput => {
  const match: EventMatch = { event };
  if (channels) match.channels = channels;
  if (where) match.where = where;
  return { name, stage, match, ...options };
};

const eq = (property: string, value: string | number | boolean): Condition => ({ property, op: "eq", value });
const nps = { property: "score", min: 0, max: 10 };

export const defaultTouchpoints: TouchpointInput[] = [
  // Awareness
  on("Ad impression", "awareness", "Ad Impression"),
  on("Ad click", "awareness", "Ad Clicked"),
  on("Promotion viewed", "awareness", "Promotion Viewed"),
  on("Promotion clicked", "awareness", "Promotion Clicked"),
  on("Social post click", "awareness", "Social Post Clicked"),
  on("Referral link opened", "awareness", "Referral Link Opened"),
  { name: "Website visit", stage: "awareness", match: { type: "page" } },
  { name: "App visit", stage: "awareness", match: { type: "screen" } },
  // Consideration
  on("Product search", "consideration", "Products Searched"),
  on("Product list", "consideration", "Product List Viewed"),
  on("Product list filtered", "consideration", "Product List Filtered"),
  on("Product click", "consideration", "Product Clicked"),
  on("Product view", "consideration", "Product Viewed"),
  on("Reviews read", "consideration", "Product Reviews Viewed"),
  on("Product comparison", "consideration", "Products Compared"),
  on("Wishlist", "consideration", "Product Added to Wishlist"),
  on("Wishlist removal", "consideration", "Product Removed from Wishlist", undefined, undefined, {
    advances: false,
  }),
  on("Wishlist to cart", "consideration", "Wishlist Product Added to Cart"),
  on("Product shared", "consideration", "Product Shared"),
  on("Sign-up", "consideration", "Signed Up"),
  { name: "Profile update", stage: "consideration", match: { type: "identify" }, advances: false },
  on("Store visit", "consideration", "Store Visited"),
  on(
    "Product question (chat)",
    "consideration",
    "Chat Started",
    undefined,
    [eq("topic", "product_question")],
    {
      kind: "contact",
      subject: "topic",
    },
  ),
  on("Chat ended", "consideration", "Chat Ended", undefined, undefined, { advances: false }),
  on(
    "Product question (phone)",
    "consideration",
    "Support Call",
    undefined,
    [eq("topic", "product_question")],
    {
      kind: "contact",
      subject: "product_id",
    },
  ),
  on("Add to cart", "consideration", "Product Added"),
  on("Cart viewed", "consideration", "Cart Viewed"),
  on("Removed from cart", "consideration", "Product Removed", undefined, undefined, { advances: false }),
  on("Cart shared", "consideration", "Cart Shared"),
  // Purchase
  on("Checkout (web)", "purchase", "Checkout Started", ["web"]),
  on("Checkout (app)", "purchase", "Checkout Started", ["app"]),
  on("Checkout step", "purchase", "Checkout Step Viewed"),
  on("Checkout step completed", "purchase", "Checkout Step Completed"),
  on("Coupon entered", "purchase", "Coupon Entered"),
  on("Coupon applied", "purchase", "Coupon Applied"),
  on("Coupon denied", "purchase", "Coupon Denied", undefined, undefined, { kind: "failure" }),
  on("Coupon removed", "purchase", "Coupon Removed", undefined, undefined, { advances: false }),
  on("Payment (web)", "purchase", "Payment Info Entered", ["web"]),
  on("Payment (app)", "purchase", "Payment Info Entered", ["app"]),
  on("Payment failed (web)", "purchase", "Payment Failed", ["web"], undefined, { kind: "failure" }),
  on("Payment failed (app)", "purchase", "Payment Failed", ["app"], undefined, { kind: "failure" }),
  on("Order (web)", "purchase", "Order Completed", ["web"]),
  on("Order (app)", "purchase", "Order Completed", ["app"]),
  on("Order (store)", "purchase", "Order Completed", ["store"]),
  on("Order (phone)", "purchase", "Order Completed", ["phone"]),
  on("Order (other)", "purchase", "Order Completed"),
  on("Order updated", "purchase", "Order Updated", undefined, undefined, { advances: false }),
  // Retention
  on("Order shipped", "retention", "Order Shipped", undefined, undefined, { advances: false }),
  on("Order delivered", "retention", "Order Delivered"),
  on("Order cancelled", "retention", "Order Cancelled", undefined, undefined, { kind: "failure" }),
  on("Order refunded", "retention", "Order Refunded", undefined, undefined, { kind: "failure" }),
  on("Where-is-my-order call", "retention", "Support Call", undefined, [eq("topic", "where_is_my_order")], {
    kind: "contact",
    subject: "order_id",
  }),
  on("Support call", "retention", "Support Call", undefined, undefined, {
    kind: "contact",
    subject: "topic",
  }),
  on("Social care ticket", "advocacy", "Ticket Opened", ["social"], undefined, {
    kind: "contact",
    subject: "topic",
  }),
  on("Support ticket", "retention", "Ticket Opened", undefined, undefined, {
    kind: "contact",
    subject: "topic",
  }),
  on("Social care reply", "advocacy", "Ticket First Response", ["social"], undefined, {
    kind: "response",
    responseMinutes: { property: "first_response_minutes" },
  }),
  on("Support reply", "retention", "Ticket First Response", undefined, undefined, {
    kind: "response",
    responseMinutes: { property: "first_response_minutes" },
  }),
  on("Ticket resolved", "retention", "Ticket Resolved", undefined, undefined, { advances: false }),
  on("Marketing email", "retention", "Email Sent", undefined, undefined, { kind: "message" }),
  on("Email opened", "retention", "Email Opened", undefined, undefined, { advances: false }),
  on("Email clicked", "retention", "Email Link Clicked"),
  on("Marketing SMS", "retention", "SMS Sent", undefined, undefined, { kind: "message" }),
  on("SMS clicked", "retention", "SMS Link Clicked"),
  on("Unsubscribed", "retention", "Unsubscribed", undefined, undefined, {
    kind: "feedback",
    advances: false,
    feedback: { value: -1 },
  }),
  on(
    "Social care NPS",
    "advocacy",
    "Survey Responded",
    undefined,
    [eq("survey_type", "nps"), eq("channel", "social")],
    {
      kind: "feedback",
      advances: false,
      feedback: nps,
    },
  ),
  on("Post-purchase NPS", "retention", "Survey Responded", undefined, [eq("survey_type", "nps")], {
    kind: "feedback",
    advances: false,
    feedback: nps,
  }),
  on("Support satisfaction (CSAT)", "retention", "Survey Responded", undefined, [eq("survey_type", "csat")], {
    kind: "feedback",
    advances: false,
    feedback: { property: "score", min: 1, max: 5 },
  }),
  on("Support effort (CES)", "retention", "Survey Responded", undefined, [eq("survey_type", "ces")], {
    kind: "feedback",
    advances: false,
    feedback: { property: "score", min: 1, max: 7, invert: true },
  }),
  // Advocacy
  on("Review posted", "advocacy", "Product Reviewed", undefined, undefined, {
    kind: "feedback",
    advances: false,
    feedback: { property: "rating", min: 1, max: 5 },
  }),
  on("Referral sent", "advocacy", "Referral Sent"),
  on("Social mention", "advocacy", "Social Mention", undefined, undefined, {
    kind: "feedback",
    advances: false,
    feedback: { property: "sentiment", labels: { positive: 1, neutral: 0, negative: -1 } },
  }),
];
