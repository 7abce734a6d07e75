// A five-customer journey map computed by hand: every stage's reach, conversion, time in stage and
// emotion, and *who* is behind each number (not only how many), on events sent through the collection
// API with explicit times. The period is March 2025; the server's clock stands at 1 June 2025. Every
// customer above consideration lapses back to it 45 days after their last stage signal (in April, after
// the period and before that "now"): a lapse ends a stay but reaches nothing in the period.
//
// Day d is 2025-03-01 + d days (UTC). Feedback (src/journey/catalogue.ts): NPS s → s/10·2−1, CSAT and a
// review's rating r (1–5) → (r−1)/4·2−1, a social mention's sentiment negative → −1.
//
//   A  d0 page · d1 Product Viewed · d3 Checkout Started (web) · d3 1h Order Completed (web)
//      · d5 Order Delivered · d7 12h NPS 9 (0.8; ≥ 9 enters advocacy) — lapses d52 12h
//   B  d0 page · d2 6h Product Viewed · d4 Checkout Started (web) · d4 2h Payment Failed (web)
//      · d5 CSAT 2 (−0.5) — lapses d49 2h
//   C  d2 Order Completed (store: straight to retention, passing awareness…purchase)
//      · d10 review rating 2 (−0.5) · d12 Product Viewed (a lower signal) — lapses d57
//   D  d7 page · d7 1h Product Viewed · d13 negative social mention (−1) — stays in consideration
//   E  2025-02-20 Checkout Started (web, before the period) · d1 Order Delivered · d3 review rating 5
//      (1; ≥ 4 enters advocacy) · d4 NPS 6 (0.2) · d10 Product Viewed — lapses d55
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "./helpers/clock.js";
import { customerOf, send } from "./helpers/customers.js";
import { audienceAll, type JourneyMap, journeyMap, refresh, stageOf } from "./helpers/journey.js";
import { startTestServer, type TestServer, uid } from "./helpers/server.js";

const DAY = 86_400;
const HOUR = 3_600;
const START = Date.UTC(2025, 2, 1);
const PERIOD = { from: "2025-03-01T00:00:00.000Z", to: "2025-04-01T00:00:00.000Z" };
/** Day d (and h hours) of March 2025 as ISO; negative days fall in February. */
const day = (d: number, h = 0) => new Date(START + (d * DAY + h * HOUR) * 1000).toISOString();

type Who = "A" | "B" | "C" | "D" | "E";
const user: Record<Who, string> = {
  A: uid("ann"),
  B: uid("ben"),
  C: uid("cy"),
  D: uid("dee"),
  E: uid("eve"),
};

const track = (who: Who, event: string, timestamp: string, properties = {}, channel?: string) => ({
  type: "track",
  userId: user[who],
  event,
  timestamp,
  properties,
  ...(channel ? { context: { channel } } : {}),
});
const page = (who: Who, timestamp: string) => ({
  type: "page",
  userId: user[who],
  name: "Home",
  timestamp,
  context: { channel: "web" },
});
const survey = (who: Who, timestamp: string, type: "nps" | "csat", score: number) =>
  track(who, "Survey Responded", timestamp, { survey_type: type, score }, "email");

let server: TestServer;
let map: JourneyMap;
const id = {} as Record<Who, number>;

beforeAll(async () => {
  server = await startTestServer({
    config: { journeyRefreshSeconds: 0 },
    clock: new ManualClock(Date.parse("2025-06-01T00:00:00.000Z")),
  });
  await send(
    server,
    page("A", day(0)),
    track("A", "Product Viewed", day(1)),
    track("A", "Checkout Started", day(3), {}, "web"),
    track("A", "Order Completed", day(3, 1), { total: 80 }, "web"),
    track("A", "Order Delivered", day(5)),
    survey("A", day(7, 12), "nps", 9),

    page("B", day(0)),
    track("B", "Product Viewed", day(2, 6)),
    track("B", "Checkout Started", day(4), {}, "web"),
    track("B", "Payment Failed", day(4, 2), {}, "web"),
    survey("B", day(5), "csat", 2),

    track("C", "Order Completed", day(2), { total: 30 }, "store"),
    track("C", "Product Reviewed", day(10), { rating: 2 }),
    track("C", "Product Viewed", day(12)),

    page("D", day(7)),
    track("D", "Product Viewed", day(7, 1)),
    track("D", "Social Mention", day(13), { sentiment: "negative" }),

    track("E", "Checkout Started", day(-9), {}, "web"),
    track("E", "Order Delivered", day(1)),
    track("E", "Product Reviewed", day(3), { rating: 5 }),
    survey("E", day(4), "nps", 6),
    track("E", "Product Viewed", day(10)),
  );
  for (const who of Object.keys(user) as Who[]) id[who] = await customerOf(server, user[who]);
  await refresh(server);
  map = await journeyMap(server, { ...PERIOD, top: 50 });
});

afterAll(async () => {
  await server?.close();
});

const ids = (...who: Who[]) => who.map((w) => id[w]).sort((a, b) => a - b);

describe("a five-customer map, computed by hand", () => {
  it("counts the five customers and who reached and converted in each stage", () => {
    expect(map.period).toEqual(PERIOD);
    expect(map.customers).toBe(5);
    const numbers = map.stages.map((s) => [s.key, s.reached, s.converted, s.dropped]);
    expect(numbers).toEqual([
      // A, B, D by a page view, C by the store order passing it; E was in purchase before the period.
      ["awareness", 4, 4, 0],
      // D stays in consideration.
      ["consideration", 4, 3, 1],
      // B's payment failed; E's move from purchase to retention reaches retention only.
      ["purchase", 3, 2, 1],
      // C never gave a promoter's answer or a good review.
      ["retention", 3, 2, 1],
      ["advocacy", 2, null, null],
    ]);
    expect(map.stages.map((s) => s.conversion)).toEqual([1, 0.75, 2 / 3, 2 / 3, null]);
  });

  it("times the stays that began in the period and have ended, in seconds", () => {
    const times = Object.fromEntries(map.stages.map((s) => [s.key, s.timeInStage]));
    // p90 of sorted values x0 ≤ … ≤ x(n−1) interpolates at 0.9·(n−1).
    const p90 = (xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      const at = 0.9 * (sorted.length - 1);
      const lo = Math.floor(at);
      return sorted[lo]! + (at - lo) * ((sorted[lo + 1] ?? sorted[lo]!) - sorted[lo]!);
    };
    // Awareness: A d0→d1, B d0→d2 6h, D d7→d7 1h.
    const awareness = [DAY, 2 * DAY + 6 * HOUR, HOUR];
    expect(times.awareness).toEqual({
      medianSeconds: DAY,
      p90Seconds: p90(awareness),
      completedStays: 3,
      openStays: 0,
    });
    expect(p90(awareness)).toBe(172_800);
    // Consideration: A d1→d3, B d2 6h→d4; D's stay has not ended. C jumped over it.
    expect(times.consideration).toEqual({
      medianSeconds: (2 * DAY + (DAY + 18 * HOUR)) / 2,
      p90Seconds: p90([2 * DAY, DAY + 18 * HOUR]),
      completedStays: 2,
      openStays: 1,
    });
    // Purchase: A d3→d5, B d4→its lapse 45 days after the failed payment (d4 2h). E's stay began in
    // February and does not count.
    const purchase = [2 * DAY, 45 * DAY + 2 * HOUR];
    expect(times.purchase).toEqual({
      medianSeconds: (purchase[0]! + purchase[1]!) / 2,
      p90Seconds: p90(purchase),
      completedStays: 2,
      openStays: 0,
    });
    expect(times.purchase!.medianSeconds).toBe(2_034_000);
    // Retention: A d5→d7 12h, C d2→its lapse at d57 (45 days after its last signal, d12), E d1→d3.
    const retention = [2.5 * DAY, 55 * DAY, 2 * DAY];
    expect(times.retention).toEqual({
      medianSeconds: 2.5 * DAY,
      p90Seconds: p90(retention),
      completedStays: 3,
      openStays: 0,
    });
    // Advocacy: A d7 12h→its lapse 45 days later; E d3→its lapse 45 days after its last signal (d10).
    const advocacy = [45 * DAY, 52 * DAY];
    expect(times.advocacy).toEqual({
      medianSeconds: (45 * DAY + 52 * DAY) / 2,
      p90Seconds: p90(advocacy),
      completedStays: 2,
      openStays: 0,
    });
  });

  it("reads emotion from the stage's own feedback, or else from the next feedback within 7 days", () => {
    const emotion = (key: string) => stageOf(map, key).emotion;
    // Awareness has no feedback of its own. After a page view: B's CSAT 5 days later (−0.5), D's mention
    // 6 days later (−1); A's NPS came 7.5 days after the page view, too late.
    expect(emotion("awareness")).toMatchObject({ answers: 2, source: "after" });
    expect(emotion("awareness").value).toBeCloseTo(-0.75, 6);
    // After a product view: A's NPS (0.8), B's CSAT (−0.5), D's mention (−1); C and E gave none after it.
    expect(emotion("consideration")).toMatchObject({ answers: 3, source: "after" });
    expect(emotion("consideration").value).toBeCloseTo((0.8 - 0.5 - 1) / 3, 6);
    // After checkout, order or failed payment: A's NPS and B's CSAT, once per customer and answer; C's
    // review came 8 days after the store order.
    expect(emotion("purchase")).toMatchObject({ answers: 2, source: "after" });
    expect(emotion("purchase").value).toBeCloseTo((0.8 - 0.5) / 2, 6);
    // Retention's own surveys: A's NPS 9, B's CSAT 2, E's NPS 6 (whatever stage the customer was in).
    expect(emotion("retention")).toMatchObject({ answers: 3, source: "direct" });
    expect(emotion("retention").value).toBeCloseTo((0.8 - 0.5 + 0.2) / 3, 6);
    // Advocacy's own: C's review 2, D's negative mention, E's review 5.
    expect(emotion("advocacy")).toMatchObject({ answers: 3, source: "direct" });
    expect(emotion("advocacy").value).toBeCloseTo((-0.5 - 1 + 1) / 3, 6);
  });
});

describe("a period that starts on day 4", () => {
  const LATER = { from: day(4), to: PERIOD.to };

  it("counts only the moves, stays and feedback from then on", async () => {
    const later = await journeyMap(server, { ...LATER, top: 50 });
    // In it: B's checkout (d4), A's delivery and promoter answer, D's whole journey. E moved before it.
    expect(later.stages.map((s) => [s.key, s.reached, s.converted])).toEqual([
      ["awareness", 1, 1],
      ["consideration", 1, 0],
      ["purchase", 1, 0],
      ["retention", 1, 1],
      ["advocacy", 1, null],
    ]);
    const times = later.stages.map((s) => [
      s.key,
      s.timeInStage.medianSeconds,
      s.timeInStage.p90Seconds,
      s.timeInStage.completedStays,
      s.timeInStage.openStays,
    ]);
    expect(times).toEqual([
      ["awareness", HOUR, HOUR, 1, 0],
      // D's stay has not ended: no time to report.
      ["consideration", null, null, 0, 1],
      ["purchase", 45 * DAY + 2 * HOUR, 45 * DAY + 2 * HOUR, 1, 0],
      ["retention", 2.5 * DAY, 2.5 * DAY, 1, 0],
      ["advocacy", 45 * DAY, 45 * DAY, 1, 0],
    ]);
    // E's good review (d3) is before the period: advocacy rests on C's review and D's mention.
    expect(stageOf(later, "advocacy").emotion).toMatchObject({ answers: 2, source: "direct", value: -0.75 });
    expect(stageOf(later, "purchase").emotion).toMatchObject({ answers: 1, source: "after", value: -0.5 });
    const people = async (audience: string) =>
      (await audienceAll(server, audience, { ...LATER, limit: 2 })).ids;
    expect(await people("stage:awareness:reached")).toEqual(ids("D"));
    expect(await people("stage:purchase:dropped")).toEqual(ids("B"));
    expect(await people("stage:retention:converted")).toEqual(ids("A"));
    expect(await people("touchpoint:product-view:reach")).toEqual(ids("C", "D", "E"));
  });
});

describe("the customers behind the numbers are the right ones", () => {
  /** Every page of an audience, two customers a page: the ids, and every page's total equal to their count. */
  async function members(audience: string): Promise<number[]> {
    const { totals, ids: found } = await audienceAll(server, audience, { ...PERIOD, limit: 2 });
    expect(
      totals.every((t) => t === found.length),
      `${audience}: totals ${totals} vs ${found.length}`,
    ).toBe(true);
    return found;
  }

  it("the cohort and each stage's reached, converted and dropped", async () => {
    expect(await members("cohort")).toEqual(ids("A", "B", "C", "D", "E"));
    const expected: Record<string, Record<string, Who[]>> = {
      awareness: { reached: ["A", "B", "C", "D"], converted: ["A", "B", "C", "D"], dropped: [] },
      consideration: { reached: ["A", "B", "C", "D"], converted: ["A", "B", "C"], dropped: ["D"] },
      purchase: { reached: ["A", "B", "C"], converted: ["A", "C"], dropped: ["B"] },
      retention: { reached: ["A", "C", "E"], converted: ["A", "E"], dropped: ["C"] },
      advocacy: { reached: ["A", "E"] },
    };
    for (const [stage, lists] of Object.entries(expected))
      for (const [kind, who] of Object.entries(lists))
        expect(await members(`stage:${stage}:${kind}`), `${stage} ${kind}`).toEqual(ids(...who));
    // Who gave the feedback behind each stage's own emotion value.
    expect(await members("stage:retention:feedback")).toEqual(ids("A", "B", "E"));
    expect(await members("stage:advocacy:feedback")).toEqual(ids("C", "D", "E"));
    expect(await members("stage:purchase:feedback")).toEqual([]);
  });

  it("a touchpoint's reach, converted (a later stage within 30 days) and dropped", async () => {
    const expected: Record<string, Record<string, Who[]>> = {
      // C, D and E viewed a product and signalled nothing later than consideration after it.
      "product-view": { reach: ["A", "B", "C", "D", "E"], converted: ["A", "B"], dropped: ["C", "D", "E"] },
      // E's checkout was before the period.
      "checkout-web": { reach: ["A", "B"], converted: ["A"], dropped: ["B"] },
      // A store order signals retention itself.
      "order-store": { reach: ["C"], converted: ["C"], dropped: [] },
    };
    for (const [touchpoint, lists] of Object.entries(expected)) {
      const t = map.stages.flatMap((s) => s.touchpoints).find((x) => x.id === touchpoint)!;
      expect(t, touchpoint).toBeDefined();
      expect([t.reach, t.converted], touchpoint).toEqual([lists.reach!.length, lists.converted!.length]);
      for (const [kind, who] of Object.entries(lists))
        expect(await members(`touchpoint:${touchpoint}:${kind}`), `${touchpoint} ${kind}`).toEqual(
          ids(...who),
        );
    }
  });

  it("lists each customer's current stage: everyone above consideration has lapsed back to it", async () => {
    const page = await server.api<{
      customers: Array<{ id: number; stage: string | null; lastSeen: string }>;
    }>(`/api/journey-map/customers?audience=cohort&from=${PERIOD.from}&to=${PERIOD.to}`);
    expect(page.status).toBe(200);
    const byId = new Map(page.body.customers.map((c) => [c.id, c]));
    const lastSeen: Record<Who, string> = { A: day(7, 12), B: day(5), C: day(12), D: day(13), E: day(10) };
    for (const who of Object.keys(user) as Who[])
      expect(byId.get(id[who]), who).toMatchObject({ stage: "consideration", lastSeen: lastSeen[who] });
  });
});
