// Suggested touchpoints (issue 16): a workspace whose own event names the default catalogue does not
// know gets a touchpoint per name, a stage from the name's words and from where it sits in customers'
// paths, the likely conversion, a confidence, and what each would match — over the API and the CLI.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  defaultLexicon,
  readableName,
  soundsLikeConversion,
  stageFromName,
} from "../src/journey/suggestions/lexicon.js";
import type { ApplyResult, Suggestions } from "../src/journey/suggestions/schema.js";
import { ensureBuilt, runCliJson } from "./helpers/cli.js";
import { expectOk, journeyMap, refresh, stageOf } from "./helpers/journey.js";
import { startTestServer, type TestServer, tempDir } from "./helpers/server.js";

const START = Date.parse("2026-06-01T09:00:00.000Z");

/** An online shop with snake_case names: most leave early, a minority pay; two review afterwards. */
const shopPaths: Array<[count: number, path: string[]]> = [
  [6, ["main"]],
  [4, ["main", "catalog"]],
  [2, ["main", "catalog", "product1"]],
  [2, ["main", "catalog", "product1", "product2"]],
  [3, ["main", "catalog", "product1", "product2", "cart"]],
  [1, ["main", "catalog", "product1", "product2", "cart", "delivery_choice", "payment_card"]],
  [3, ["main", "catalog", "product1", "product2", "cart", "delivery_choice", "payment_card", "payment_done"]],
  [
    2,
    [
      "main",
      "catalog",
      "product1",
      "product2",
      "cart",
      "delivery_choice",
      "payment_card",
      "payment_done",
      "review_written",
    ],
  ],
];

/**
 * A Korean retailer's app events, its own Korean names. (Sent as page views, the default catalogue's
 * "Website visit" rule, which takes every page, would match them: they would not be unmatched.)
 */
const retailPaths: Array<[count: number, path: string[]]> = [
  [3, ["메인"]],
  [3, ["메인", "상품상세"]],
  [2, ["메인", "상품상세", "장바구니"]],
  [4, ["메인", "상품상세", "장바구니", "결제완료"]],
];

function eventsOf(prefix: string, paths: Array<[number, string[]]>, type: "track" | "page") {
  let customer = 0;
  return paths
    .flatMap(([count, path]) =>
      Array.from({ length: count }, () => {
        customer += 1;
        const userId = `${prefix}-${customer}`;
        // A repeat view of the first step must not move anything: only first occurrences count.
        return [...path, path[0]!].map((name, i) => ({
          type,
          ...(type === "track" ? { event: name } : { name }),
          userId,
          timestamp: new Date(
            START + customer * 3_600_000 + (i === path.length ? 1 : i) * 60_000 + i,
          ).toISOString(),
          messageId: `${userId}-${i}`,
        }));
      }),
    )
    .flat();
}

const shopEvents = eventsOf("shop", shopPaths, "track");
const retailEvents = eventsOf("kr", retailPaths, "track");

/** The data's own counts: events and customers of each name. */
function counts(events: Array<{ event?: string; name?: string; userId: string }>) {
  const out = new Map<string, { events: number; customers: Set<string> }>();
  for (const e of events) {
    const key = (e.event ?? e.name)!;
    const c = out.get(key) ?? { events: 0, customers: new Set() };
    c.events += 1;
    c.customers.add(e.userId);
    out.set(key, c);
  }
  return out;
}

describe("the lexicon", () => {
  const stage = (name: string) => stageFromName(name, defaultLexicon)?.stage ?? null;
  it("reads a stage from whole words, any case or separator, and from Korean inside a word", () => {
    expect(stage("checkoutStarted")).toBe("purchase");
    expect(stage("Product Viewed")).toBe("consideration");
    expect(stage("products")).toBe("consideration");
    expect(stage("address_entered")).toBeNull(); // not an ad
    expect(stage("반품신청")).toBe("retention");
    // Words of two stages: the later one, what the event is about.
    expect(stage("product_review")).toBe("advocacy");
  });
  it("names events for people and hears when something is done", () => {
    expect(readableName("payment_done")).toBe("Payment done");
    expect(readableName("orderCompleted")).toBe("Order completed");
    expect(readableName("Order Completed")).toBe("Order Completed");
    expect(readableName("SMS-opt-in")).toBe("SMS opt in");
    expect(readableName("결제완료")).toBe("결제완료");
    for (const n of ["payment_done", "Order Completed", "결제완료"])
      expect(soundsLikeConversion(n, defaultLexicon), n).toBe(true);
    expect(soundsLikeConversion("payment_card", defaultLexicon)).toBe(false);
  });
});

describe("suggested touchpoints for a shop's and a Korean retailer's own event names", () => {
  let server: TestServer;
  let s: Suggestions;
  const dir = tempDir("suggest");
  const databasePath = `${dir}/itinera.duckdb`;
  const byEvent = (event: string) => {
    const found = s.items.find((x) => x.event === event);
    if (!found) throw new Error(`no suggestion for ${event}`);
    return found;
  };

  beforeAll(async () => {
    server = await startTestServer({ databasePath, config: { journeyRefreshSeconds: 0 } });
    expectOk(await server.collect("/v1/batch", { batch: [...shopEvents, ...retailEvents] }));
    s = expectOk(await server.api<Suggestions>("/api/touchpoints/suggestions"));
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  it("suggests a touchpoint for every unmatched event name", async () => {
    const unmatched = expectOk(
      await server.api<{ groups: Array<{ event: string | null }> }>("/api/touchpoints/unmatched"),
    );
    const names = new Set(unmatched.groups.map((g) => g.event));
    expect(names.size).toBe(13);
    expect(new Set(s.items.map((x) => x.event))).toEqual(names);
    expect(s.customers).toBe(23 + 12);
  });

  it("gives readable names, keeping the brand's Korean ones", () => {
    expect(byEvent("payment_done").name).toBe("Payment done");
    expect(byEvent("delivery_choice").name).toBe("Delivery choice");
    expect(byEvent("결제완료").name).toBe("결제완료");
    expect(new Set(s.items.map((x) => x.id)).size).toBe(s.items.length);
  });

  it("places each in the expected stage, by its name and by its place in the paths", () => {
    const stages = Object.fromEntries(s.items.map((x) => [x.event, x.stage]));
    expect(stages).toEqual({
      main: "awareness",
      catalog: "consideration",
      product1: "consideration",
      product2: "consideration",
      cart: "purchase",
      delivery_choice: "purchase",
      payment_card: "purchase",
      payment_done: "purchase",
      review_written: "advocacy",
      메인: "awareness",
      상품상세: "consideration",
      장바구니: "purchase",
      결제완료: "purchase",
    });
    expect(byEvent("catalog").evidence.name).toEqual({ stage: "consideration", word: "catalog" });
    expect(byEvent("상품상세").evidence.name).toEqual({ stage: "consideration", word: "상품" });
    // No word of the lexicon: the stage is the sequence's, just before the payment.
    expect(byEvent("delivery_choice").evidence.name).toBeNull();
    expect(byEvent("delivery_choice").evidence.sequence).toMatchObject({
      stage: "purchase",
      basis: "conversion",
    });
    // Each name agrees with its place among the customers who paid.
    for (const event of [
      "main",
      "catalog",
      "product2",
      "cart",
      "payment_card",
      "메인",
      "상품상세",
      "장바구니",
    ])
      expect(byEvent(event).evidence.sequence?.stage, event).toBe(byEvent(event).stage);
    // The review comes after the payment: a path cannot tell retention from advocacy, the name can.
    expect(byEvent("review_written").evidence.sequence).toMatchObject({ stage: "retention" });
    expect(byEvent("review_written").evidence.sequence!.position).toBeGreaterThan(1);
  });

  it("proposes payment_done and 결제완료 as the conversions, the only purchase steps that advance", () => {
    expect(s.conversions.sort()).toEqual([byEvent("payment_done").id, byEvent("결제완료").id].sort());
    expect(
      s.items
        .filter((x) => x.conversion)
        .map((x) => x.event)
        .sort(),
    ).toEqual(["payment_done", "결제완료"]);
    for (const x of s.items) {
      const advances = x.stage !== "purchase" || x.conversion;
      expect(x.advances, x.event).toBe(advances);
      expect(x.touchpoint).toMatchObject({
        name: x.name,
        stage: x.stage,
        advances,
        match: { event: x.event },
      });
    }
    expect(byEvent("결제완료").touchpoint.match).toEqual({ event: "결제완료" });
    expect(byEvent("payment_done").touchpoint.match).toEqual({ event: "payment_done" });
    // Late and final, but its name says advocacy: not a purchase.
    expect(byEvent("review_written").conversion).toBe(false);
    expect(byEvent("payment_card").conversionScore).toBeLessThan(0.5);
  });

  it("gives confidences between 0 and 1, higher where the name and the paths agree", () => {
    for (const x of s.items) {
      expect(x.confidence, x.event).toBeGreaterThan(0);
      expect(x.confidence, x.event).toBeLessThanOrEqual(1);
      expect(x.conversionScore).toBeGreaterThanOrEqual(0);
      expect(x.conversionScore).toBeLessThanOrEqual(1);
    }
    // Same customers behind both: the one whose name agrees is surer than the one with no word.
    expect(byEvent("payment_card").confidence).toBeGreaterThan(byEvent("delivery_choice").confidence);
    expect(byEvent("cart").confidence).toBeGreaterThan(byEvent("delivery_choice").confidence);
    // Agreeing on "after the purchase" is less than naming the same stage.
    expect(byEvent("review_written").confidence).toBeLessThan(byEvent("payment_done").confidence);
  });

  it("says what each would match: the data's own events and customers", () => {
    const truth = counts([...shopEvents, ...retailEvents]);
    for (const x of s.items) {
      const t = truth.get(x.event)!;
      expect(x.matches, x.event).toEqual({ events: t.events, customers: t.customers.size });
    }
    expect(byEvent("main").matches).toEqual({ events: 46, customers: 23 });
    expect(byEvent("payment_done").matches).toEqual({ events: 5, customers: 5 });
  });

  it("answers the same through the CLI on the file", async () => {
    await ensureBuilt();
    await server.close();
    const cli = await runCliJson<Suggestions>(dir, ["--db", databasePath, "touchpoints", "suggest"]);
    expect(cli).toEqual(s);
    const applied = await runCliJson<ApplyResult>(dir, [
      "--db",
      databasePath,
      "touchpoints",
      "suggest",
      "--apply",
      "--only",
      "payment-done,no-such-suggestion",
    ]);
    expect(applied.created.map((t) => t.id)).toEqual(["payment-done"]);
    expect(applied.refused).toEqual([
      {
        id: "no-such-suggestion",
        message: 'no suggestion "no-such-suggestion" (its events may be matched now)',
      },
    ]);
    const after = await runCliJson<Suggestions>(dir, ["--db", databasePath, "touchpoints", "suggest"]);
    expect(after.items.map((x) => x.event)).not.toContain("payment_done");
  }, 120_000);
});

describe("applying the suggestions", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ config: { journeyRefreshSeconds: 0 } });
    expectOk(await server.collect("/v1/batch", { batch: [...shopEvents, ...retailEvents] }));
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  it("creates the touchpoints as POST /api/touchpoints would, edits included, and the map fills", async () => {
    const s = expectOk(await server.api<Suggestions>("/api/touchpoints/suggestions"));
    const review = s.items.find((x) => x.event === "review_written")!;
    const items = s.items.map((x) =>
      x === review ? { id: x.id, name: "Review", stage: "advocacy" } : { id: x.id },
    );
    const applied = expectOk(
      await server.api<ApplyResult>("/api/touchpoints/suggestions/apply", { body: { items } }),
    );
    expect(applied.refused).toEqual([]);
    expect(applied.created).toHaveLength(13);
    expect(applied.created.find((t) => t.match.event === "review_written")).toMatchObject({
      id: "review",
      name: "Review",
      stage: "advocacy",
    });
    const listed = expectOk(await server.api<{ items: Array<{ id: string }> }>("/api/touchpoints"));
    for (const t of applied.created) expect(listed.items.map((x) => x.id)).toContain(t.id);

    const unmatched = expectOk(await server.api<{ events: number }>("/api/touchpoints/unmatched"));
    expect(unmatched.events).toBe(0);
    const again = expectOk(await server.api<Suggestions>("/api/touchpoints/suggestions"));
    expect(again).toEqual({ customers: 35, conversions: [], items: [] });
    // A name now taken is refused, with the reason addTouchpoint gives.
    const twice = expectOk(
      await server.api<ApplyResult>("/api/touchpoints/suggestions/apply", {
        body: { items: [{ id: "main" }] },
      }),
    );
    expect(twice.created).toEqual([]);
    expect(twice.refused.map((r) => r.id)).toEqual(["main"]);

    await refresh(server);
    const map = await journeyMap(server, { from: "2026-05-01", to: "2026-06-30" });
    const reached = Object.fromEntries(map.stages.map((st) => [st.key, st.reached]));
    // Everyone saw a main page; 17 + 9 looked at the catalogue or a product; only the conversions put
    // customers in the purchase stage (5 shop customers paid, 4 at the retailer), not a cart; the two
    // reviewers pass through retention to advocacy.
    expect(reached).toEqual({ awareness: 35, consideration: 26, purchase: 9, retention: 2, advocacy: 2 });
    expect(stageOf(map, "purchase").touchpoints.map((t) => t.id)).toContain("payment-done");
  }, 60_000);
});
