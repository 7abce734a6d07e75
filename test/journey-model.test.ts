// The journey model on hand-made events with known answers (issue 5): which touchpoint names an event,
// the stage history it gives a customer (forward, never back by a lower signal, back by lapsing), how
// identity stitching carries over to the journey tables, and how personas pick customers. Events go
// through the collection API of a real server; answers are read through /api and the derived tables.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Persona, PersonaInput } from "../src/journey/personas.js";
import type { Condition } from "../src/journey/rules.js";
import type { Touchpoint, TouchpointInput } from "../src/journey/touchpoints.js";
import { customerOf, send } from "./helpers/customers.js";
import {
  audienceAll,
  DAY_MS,
  expectOk,
  factsOf,
  type JourneyModel,
  qs,
  refresh,
  touchpointsOf,
  transitionsOf,
} from "./helpers/journey.js";
import { startTestServer, type TestServer, uid } from "./helpers/server.js";

let server: TestServer;

// Times relative to now: the lapse is measured up to now, so a history that ends now never lapses.
const NOW = Date.now();
const ago = (days: number, minutes = 0) => new Date(NOW - days * DAY_MS + minutes * 60_000).toISOString();
const ms = (iso: string) => Date.parse(iso);

interface Message extends Record<string, unknown> {
  messageId: string;
  timestamp: string;
  properties?: Record<string, unknown>;
}
const msg = (m: Record<string, unknown> & { timestamp: string }): Message => ({ messageId: uid("m"), ...m });
const track = (who: Record<string, unknown>, event: string, timestamp: string, extra = {}) =>
  msg({ type: "track", ...who, event, timestamp, ...extra });
const page = (who: Record<string, unknown>, timestamp: string) =>
  msg({ type: "page", ...who, name: "Home", timestamp });

// Stage positions of the default model.
const AWARENESS = 1;
const CONSIDERATION = 2;
const PURCHASE = 3;
const RETENTION = 4;
const ADVOCACY = 5;

beforeAll(async () => {
  // No background refresh: each test says when the journey tables catch up.
  server = await startTestServer({ config: { journeyRefreshSeconds: 0 } });
});
afterAll(async () => {
  await server?.close();
});

describe("classification", () => {
  it("names an event after the first touchpoint in catalogue order that matches it", async () => {
    const who = { userId: uid("order-of-rules") };
    const events = {
      wismo: track(who, "Support Call", ago(1), {
        properties: { topic: "where_is_my_order", order_id: "o1" },
      }),
      question: track(who, "Support Call", ago(1, 1), { properties: { topic: "product_question" } }),
      billing: track(who, "Support Call", ago(1, 2), { properties: { topic: "billing" } }),
      socialNps: track(who, "Survey Responded", ago(1, 3), {
        properties: { survey_type: "nps", score: 9, channel: "social" },
      }),
      nps: track(who, "Survey Responded", ago(1, 4), { properties: { survey_type: "nps", score: 3 } }),
      socialTicket: track(who, "Ticket Opened", ago(1, 5), { context: { channel: "social" } }),
      emailTicket: track(who, "Ticket Opened", ago(1, 6), { context: { channel: "email" } }),
      webCheckout: track(who, "Checkout Started", ago(1, 7), { context: { channel: "web" } }),
      appCheckout: track(who, "Checkout Started", ago(1, 8), { context: { channel: "app" } }),
    };
    await send(server, ...Object.values(events));
    await refresh(server);
    const tp = await touchpointsOf(
      server,
      Object.values(events).map((e) => e.messageId),
    );
    const named = Object.fromEntries(Object.entries(events).map(([k, e]) => [k, tp.get(e.messageId)]));
    // Specific rules sit before general ones: the WISMO call is not a "Support call", the social NPS not
    // a post-purchase NPS, the social ticket not a support ticket.
    expect(named).toEqual({
      wismo: "where-is-my-order-call",
      question: "product-question-phone",
      billing: "support-call",
      socialNps: "social-care-nps",
      nps: "post-purchase-nps",
      socialTicket: "social-care-ticket",
      emailTicket: "support-ticket",
      webCheckout: "checkout-web",
      appCheckout: "checkout-app",
    });
  });

  it("a touchpoint added before another takes the events both match; the catalogue lists it there", async () => {
    const added = await server.api<Touchpoint>("/api/touchpoints?before=where-is-my-order-call", {
      body: {
        name: "VIP where-is-my-order call",
        stage: "retention",
        kind: "contact",
        subject: "order_id",
        match: {
          event: "Support Call",
          where: [
            { property: "topic", op: "eq", value: "where_is_my_order" },
            { property: "traits.tier", op: "eq", value: "gold" },
          ],
        },
      },
    });
    expect(expectOk(added, 201)).toMatchObject({ id: "vip-where-is-my-order-call", kind: "contact" });
    const list = expectOk(await server.api<{ items: Touchpoint[] }>("/api/touchpoints")).items.map(
      (t) => t.id,
    );
    expect(list.indexOf("vip-where-is-my-order-call")).toBe(list.indexOf("where-is-my-order-call") - 1);

    const who = { userId: uid("vip") };
    const gold = track(who, "Support Call", ago(1), {
      properties: { topic: "where_is_my_order", order_id: "o2" },
      context: { traits: { tier: "gold" } },
    });
    const silver = track(who, "Support Call", ago(1, 1), {
      properties: { topic: "where_is_my_order", order_id: "o2" },
      context: { traits: { tier: "silver" } },
    });
    await send(server, gold, silver);
    await refresh(server);
    const tp = await touchpointsOf(server, [gold.messageId, silver.messageId]);
    expect(tp.get(gold.messageId)).toBe("vip-where-is-my-order-call");
    expect(tp.get(silver.messageId)).toBe("where-is-my-order-call");
  });

  it("property conditions (eq, gt on numbers, in, exists, traits.*) select the right touchpoint", async () => {
    const rule = (name: string, where: Condition[]): TouchpointInput => ({
      name,
      stage: "consideration",
      advances: false,
      match: { event: "Widget Used", where },
    });
    // In catalogue order: the first that matches names the event.
    for (const body of [
      rule("Widget gold", [{ property: "traits.tier", op: "eq", value: "gold" }]),
      rule("Widget big", [{ property: "amount", op: "gt", value: 100 }]),
      rule("Widget colour", [{ property: "color", op: "in", value: ["red", "blue"] }]),
      rule("Widget coupon", [{ property: "coupon", op: "exists" }]),
      rule("Widget kind", [{ property: "properties.kind", op: "eq", value: "special" }]),
    ]) {
      const added = expectOk(await server.api<Touchpoint>("/api/touchpoints", { body }), 201);
      // Numbers stay numbers: a value sent as 100 is not stored as "100".
      expect(added.match.where).toEqual(body.match.where);
    }

    const who = { userId: uid("widgets") };
    const w = (minute: number, properties: Record<string, unknown>, context?: Record<string, unknown>) =>
      track(who, "Widget Used", ago(1, minute), { properties, ...(context ? { context } : {}) });
    const cases: Array<[ReturnType<typeof w>, string | undefined]> = [
      [w(0, { amount: 150, color: "red" }), "widget-big"], // big comes before colour
      [w(1, { amount: 9, color: "blue" }), "widget-colour"], // 9 > 100 only as text: compared as a number
      [w(2, { amount: "250" }), "widget-big"], // a number sent as text still compares as a number
      [w(3, { amount: 100 }), undefined], // gt is strict
      [w(4, { color: "green" }), undefined],
      [w(5, { coupon: "SAVE10" }), "widget-coupon"],
      [w(6, { coupon: null }), undefined], // a null value does not exist
      [w(7, { kind: "special" }), "widget-kind"],
      [w(8, { amount: 500 }, { traits: { tier: "gold" } }), "widget-gold"],
      [w(9, { amount: 500 }, { traits: { tier: "silver" } }), "widget-big"],
    ];
    await send(server, ...cases.map(([m]) => m));
    await refresh(server);
    const tp = await touchpointsOf(
      server,
      cases.map(([m]) => m.messageId),
    );
    for (const [m, expected] of cases)
      expect(tp.get(m.messageId), JSON.stringify(m.properties)).toBe(expected);
  });

  it("a page or screen rule with a name takes those views only; other views stay visits", async () => {
    for (const body of [
      { name: "Pricing page", stage: "consideration", match: { type: "page", event: "Pricing" } },
      { name: "Cart screen", stage: "consideration", match: { type: "screen", event: "Cart" } },
    ])
      expectOk(await server.api(`/api/touchpoints${qs({ before: "website-visit" })}`, { body }), 201);
    const who = { userId: uid("views") };
    const view = (type: string, name: string, minute: number) =>
      msg({ type, ...who, name, timestamp: ago(1, minute) });
    const cases: Array<[Message, string]> = [
      [view("page", "Pricing", 0), "pricing-page"],
      [view("page", "Home", 1), "website-visit"],
      [view("screen", "Cart", 2), "cart-screen"],
      [view("screen", "Pricing", 3), "app-visit"],
    ];
    await send(server, ...cases.map(([m]) => m));
    await refresh(server);
    const tp = await touchpointsOf(
      server,
      cases.map(([m]) => m.messageId),
    );
    for (const [m, expected] of cases) expect(tp.get(m.messageId), `${m.type} ${m.name}`).toBe(expected);
  });

  it("lists events no touchpoint names, grouped with their count, until a rule names them", async () => {
    const who = { userId: uid("mystery") };
    const mystery = [0, 1, 2].map((i) =>
      track(who, "Mystery Thing Happened", ago(2, i), { context: { channel: "web" } }),
    );
    await send(server, ...mystery);
    type Unmatched = {
      events: number;
      share: number;
      groups: Array<{ type: string; event: string | null; channel: string; events: number; example: string }>;
    };
    const before = expectOk(await server.api<Unmatched>("/api/touchpoints/unmatched?limit=1000"));
    const group = before.groups.find((g) => g.event === "Mystery Thing Happened");
    expect(group).toMatchObject({ type: "track", channel: "web", events: 3 });
    expect(mystery.map((m) => m.messageId)).toContain(group!.example);
    // Widget events of the previous test that matched no rule (amount 100, green, null coupon).
    expect(before.groups.find((g) => g.event === "Widget Used")?.events).toBe(3);
    expect(before.events).toBe(before.groups.reduce((n, g) => n + g.events, 0));
    expect(before.share).toBeGreaterThan(0);
    expect(before.share).toBeLessThan(1);

    expectOk(
      await server.api("/api/touchpoints", {
        body: { name: "Mystery", stage: "awareness", match: { event: "Mystery Thing Happened" } },
      }),
      201,
    );
    const after = expectOk(await server.api<Unmatched>("/api/touchpoints/unmatched?limit=1000"));
    expect(after.groups.find((g) => g.event === "Mystery Thing Happened")).toBeUndefined();
    expect(after.events).toBe(before.events - 3);
  });
});

describe("stage history", () => {
  it("moves forward awareness → consideration → purchase in order, and not back on a lower signal", async () => {
    const who = { userId: uid("forward") };
    const visit = page(who, ago(2));
    const view = track(who, "Product Viewed", ago(2, 10));
    const order = track(who, "Order Completed", ago(2, 20), {
      context: { channel: "web" },
      properties: { revenue: 40 },
    });
    const laterVisit = page(who, ago(2, 30));
    const laterView = track(who, "Product Viewed", ago(2, 40));
    await send(server, visit, view, order, laterVisit, laterView);
    await refresh(server);
    const id = await customerOf(server, who.userId);
    expect(await transitionsOf(server, id)).toEqual([
      { at: ms(visit.timestamp), from: 0, to: AWARENESS, cause: "signal", messageId: visit.messageId },
      {
        at: ms(view.timestamp),
        from: AWARENESS,
        to: CONSIDERATION,
        cause: "signal",
        messageId: view.messageId,
      },
      {
        at: ms(order.timestamp),
        from: CONSIDERATION,
        to: PURCHASE,
        cause: "signal",
        messageId: order.messageId,
      },
    ]);
    expect(await factsOf(server, id)).toMatchObject({ stage: PURCHASE, stageSince: ms(order.timestamp) });
  });

  it("an order at the store counter puts a customer straight into retention (entry rule)", async () => {
    const who = { userId: uid("counter") };
    const order = track(who, "Order Completed", ago(3), {
      context: { channel: "store" },
      properties: { total: 120 },
    });
    await send(server, order);
    await refresh(server);
    const id = await customerOf(server, who.userId);
    expect(await transitionsOf(server, id)).toEqual([
      { at: ms(order.timestamp), from: 0, to: RETENTION, cause: "signal", messageId: order.messageId },
    ]);
    expect((await touchpointsOf(server, [order.messageId])).get(order.messageId)).toBe("order-store");
    expect((await factsOf(server, id))?.stage).toBe(RETENTION);
  });

  it("advocacy's entry rule takes a good review, not a bad one", async () => {
    const who = { userId: uid("reviewer") };
    const order = track(who, "Order Completed", ago(4), { context: { channel: "web" } });
    const bad = track(who, "Product Reviewed", ago(4, 60), { properties: { rating: 2 } });
    const good = track(who, "Product Reviewed", ago(4, 120), { properties: { rating: 5 } });
    await send(server, order, bad, good);
    await refresh(server);
    const id = await customerOf(server, who.userId);
    const moves = (await transitionsOf(server, id)).map((t) => [t.to, t.messageId]);
    expect(moves).toEqual([
      [PURCHASE, order.messageId],
      [ADVOCACY, good.messageId],
    ]);
  });
});

describe("identity in the journey tables", () => {
  it("an anonymous stage signal and a later identified one are one customer after a late login", async () => {
    const user = uid("late-login");
    const laptop = uid("laptop");
    const phone = uid("phone");
    // The customer is known from the laptop; the phone browses anonymously first.
    const known = msg({ type: "identify", userId: user, anonymousId: laptop, timestamp: ago(5) });
    const visit = page({ anonymousId: phone }, ago(5, 10));
    const view = track({ anonymousId: phone }, "Product Viewed", ago(5, 20));
    await send(server, known, visit, view);
    await refresh(server);
    const survivor = await customerOf(server, user);
    const anonymous = await customerOf(server, phone);
    expect(anonymous).not.toBe(survivor);
    expect((await transitionsOf(server, anonymous)).map((t) => t.to)).toEqual([AWARENESS, CONSIDERATION]);

    const login = msg({ type: "identify", userId: user, anonymousId: phone, timestamp: ago(5, 30) });
    const order = track({ userId: user }, "Order Completed", ago(5, 40), { context: { channel: "app" } });
    await send(server, login, order);
    const report = await refresh(server);
    expect(report.mode).toBe("incremental");
    expect(await customerOf(server, phone)).toBe(survivor);
    expect(await transitionsOf(server, survivor)).toEqual([
      { at: ms(visit.timestamp), from: 0, to: AWARENESS, cause: "signal", messageId: visit.messageId },
      {
        at: ms(view.timestamp),
        from: AWARENESS,
        to: CONSIDERATION,
        cause: "signal",
        messageId: view.messageId,
      },
      {
        at: ms(order.timestamp),
        from: CONSIDERATION,
        to: PURCHASE,
        cause: "signal",
        messageId: order.messageId,
      },
    ]);
    expect(await transitionsOf(server, anonymous)).toEqual([]);
    expect(await factsOf(server, anonymous)).toBeUndefined();
  });

  it.each([
    ["a shared email", "email"],
    ["an alias", "alias"],
  ])(
    "a merge of two customers by %s leaves one customer_facts row after the next refresh",
    async (_label, how) => {
      const anon = uid("merge-anon");
      const user = uid("merge-user");
      const email = `${uid("merge").toLowerCase()}@example.com`;
      const first = [
        ...(how === "email"
          ? [msg({ type: "identify", anonymousId: anon, traits: { email }, timestamp: ago(6) })]
          : []),
        page({ anonymousId: anon }, ago(6, 1)),
        track({ anonymousId: anon }, "Product Viewed", ago(6, 2)),
      ];
      const second = [
        msg({ type: "identify", userId: user, traits: { first_name: "Mina" }, timestamp: ago(6, 3) }),
        track({ userId: user }, "Cart Viewed", ago(6, 4)),
      ];
      await send(server, ...first, ...second);
      await refresh(server);
      const a = await customerOf(server, anon);
      const b = await customerOf(server, user);
      expect(a).not.toBe(b);
      const facts = async () =>
        (
          await server.query("SELECT customer_id, events FROM customer_facts WHERE customer_id IN ($1, $2)", [
            a,
            b,
          ])
        ).map((r) => ({ id: Number(r.customer_id), events: Number(r.events) }));
      expect(await facts()).toHaveLength(2);

      const merge =
        how === "email"
          ? msg({ type: "identify", userId: user, traits: { email }, timestamp: ago(6, 5) })
          : msg({ type: "alias", previousId: anon, userId: user, timestamp: ago(6, 5) });
      await send(server, merge);
      const survivor = await customerOf(server, user);
      expect(await customerOf(server, anon)).toBe(survivor);
      await refresh(server);
      expect(await facts()).toEqual([{ id: survivor, events: first.length + second.length + 1 }]);
      // The absorbed customer's history now belongs to the survivor.
      expect((await transitionsOf(server, survivor)).map((t) => t.to)).toEqual([AWARENESS, CONSIDERATION]);
      expect(await transitionsOf(server, survivor === a ? b : a)).toEqual([]);
    },
  );
});

describe("personas", () => {
  type PersonaList = { items: Array<Persona & { customers: number }>; unassigned: number; asOf: string };
  const people = { p60: uid("age-60"), p40: uid("age-40"), p70: uid("age-70") };
  const ids: Record<keyof typeof people, number> = { p60: 0, p40: 0, p70: 0 };
  const cohort = async (persona: string) => new Set((await audienceAll(server, "cohort", { persona })).ids);

  beforeAll(async () => {
    const ages = { p60: 60, p40: 40, p70: 70 };
    for (const [key, user] of Object.entries(people) as Array<[keyof typeof people, string]>) {
      // Web only: the channel rules of the default personas (store/phone share, app share) do not apply.
      await send(
        server,
        msg({ type: "identify", userId: user, traits: { age: ages[key] }, timestamp: ago(7) }),
        page({ userId: user }, ago(7, 1)),
      );
      ids[key] = await customerOf(server, user);
    }
  });

  it("a persona with a trait rule picks the customers it describes; priority decides between two", async () => {
    const input: PersonaInput = {
      name: "Seniors",
      match: "all",
      conditions: [{ trait: "age", op: "gte", value: 55 }],
      narrative: { goals: [], needs: [], frustrations: [] },
    };
    const created = expectOk(await server.api<Persona>("/api/personas?priority=1", { body: input }), 201);
    expect(created).toMatchObject({ id: "seniors", priority: 1, conditions: input.conditions });
    await refresh(server);
    let seniors = await cohort("seniors");
    expect(seniors.has(ids.p60)).toBe(true);
    expect(seniors.has(ids.p70)).toBe(true);
    expect(seniors.has(ids.p40)).toBe(false);
    expect((await factsOf(server, ids.p40))?.persona).toBeNull();

    // Traditional Trudy also takes age ≥ 55: placed after her, Seniors loses them to her.
    expectOk(await server.api<Persona>("/api/personas/seniors", { method: "PATCH", body: { priority: 2 } }));
    await refresh(server);
    seniors = await cohort("seniors");
    expect(seniors.size).toBe(0);
    const trudy = await cohort("traditional-trudy");
    expect(trudy.has(ids.p60) && trudy.has(ids.p70)).toBe(true);
    expect((await factsOf(server, ids.p60))?.persona).toBe("traditional-trudy");
  });

  it("a trait carried in a track call's context counts for personas", async () => {
    const user = uid("context-age");
    await send(
      server,
      track({ userId: user }, "Product Viewed", ago(7, 2), { context: { traits: { age: 66 } } }),
    );
    await refresh(server);
    const id = await customerOf(server, user);
    const [row] = await server.query("SELECT traits FROM customer_facts WHERE customer_id = $1", [id]);
    expect(JSON.parse(String(row?.traits))).toMatchObject({ age: 66 });
    expect((await factsOf(server, id))?.persona).toBe("traditional-trudy");
  });

  it("an order without a value is still an order", async () => {
    const user = uid("no-value");
    const orders = [0, 1, 2].map((i) =>
      track({ userId: user }, "Order Completed", ago(8, i), {
        context: { channel: "web" },
        properties: { order_id: uid("o") },
      }),
    );
    await send(server, ...orders);
    await refresh(server);
    const id = await customerOf(server, user);
    const [row] = await server.query(
      "SELECT orders, epoch_ms(last_order) AS last FROM customer_facts WHERE customer_id = $1",
      [id],
    );
    expect(Number(row?.orders)).toBe(3);
    expect(Number(row?.last)).toBe(ms(orders[2]!.timestamp));
    expect((await factsOf(server, id))?.persona).toBe("loyal-advocate-liam");
  });

  it("persona counts and the unassigned sum to the number of customers", async () => {
    const list = expectOk(await server.api<PersonaList>("/api/personas"));
    expect(list.items.map((p) => p.priority)).toEqual(list.items.map((_, i) => i + 1));
    const [row] = await server.query(
      `SELECT count(DISTINCT c.canonical_id) AS n FROM events e
         JOIN identities i ON i.id = e.identity_id JOIN customers c ON c.id = i.customer_id`,
    );
    const customers = Number(row?.n);
    expect(customers).toBeGreaterThan(10);
    expect(list.items.reduce((n, p) => n + p.customers, 0) + list.unassigned).toBe(customers);
    // Each count is the persona's cohort, customer by customer.
    for (const p of list.items) expect((await cohort(p.id)).size, p.id).toBe(p.customers);
    expect((await cohort("unassigned")).size).toBe(list.unassigned);
  });
});

describe("lapsing", () => {
  let original: JourneyModel;

  const put = async (model: JourneyModel) => {
    // The model GET returned goes back unchanged but for the lapse: numbers in its rules stay numbers.
    expect(
      expectOk(await server.api<JourneyModel>("/api/journey-model", { method: "PUT", body: model })),
    ).toEqual(model);
    await refresh(server);
  };

  beforeAll(async () => {
    original = expectOk(await server.api<JourneyModel>("/api/journey-model"));
    await put({ ...original, lapse: { afterDays: 7, to: "consideration" } });
    expect(expectOk(await server.api<JourneyModel>("/api/journey-model")).lapse).toEqual({
      afterDays: 7,
      to: "consideration",
    });
  });
  afterAll(async () => {
    if (original) await put(original);
  });

  /** Visit, view and order on three days from `days` ago. */
  const buying = (who: Record<string, unknown>, days: number) => [
    page(who, ago(days)),
    track(who, "Product Viewed", ago(days - 1)),
    track(who, "Order Completed", ago(days - 2), { context: { channel: "web" } }),
  ];

  it("a quiet spell longer than the lapse moves the customer back at last signal + 7 days", async () => {
    const who = { userId: uid("quiet") };
    const events = buying(who, 30);
    await send(server, ...events);
    await refresh(server);
    const id = await customerOf(server, who.userId);
    const order = events[2]!;
    const lapseAt = ms(order.timestamp) + 7 * DAY_MS;
    expect(
      (await transitionsOf(server, id)).map(({ at, from, to, cause }) => ({ at, from, to, cause })),
    ).toEqual([
      { at: ms(events[0]!.timestamp), from: 0, to: AWARENESS, cause: "signal" },
      { at: ms(events[1]!.timestamp), from: AWARENESS, to: CONSIDERATION, cause: "signal" },
      { at: ms(order.timestamp), from: CONSIDERATION, to: PURCHASE, cause: "signal" },
      { at: lapseAt, from: PURCHASE, to: CONSIDERATION, cause: "lapse" },
    ]);
    expect(await factsOf(server, id)).toMatchObject({ stage: CONSIDERATION, stageSince: lapseAt });
  });

  it("after a lapse, a lower signal keeps the lapse stage and a purchase moves the customer on again", async () => {
    const who = { userId: uid("comeback") };
    const first = buying(who, 30);
    const visit = page(who, ago(3));
    const order = track(who, "Order Completed", ago(1), { context: { channel: "app" } });
    await send(server, ...first, visit, order);
    await refresh(server);
    const id = await customerOf(server, who.userId);
    const lapseAt = ms(first[2]!.timestamp) + 7 * DAY_MS;
    expect((await transitionsOf(server, id)).map(({ at, to, cause }) => ({ at, to, cause }))).toEqual([
      { at: ms(first[0]!.timestamp), to: AWARENESS, cause: "signal" },
      { at: ms(first[1]!.timestamp), to: CONSIDERATION, cause: "signal" },
      { at: ms(first[2]!.timestamp), to: PURCHASE, cause: "signal" },
      { at: lapseAt, to: CONSIDERATION, cause: "lapse" },
      // The visit after the quiet spell (awareness) leaves the customer in consideration.
      { at: ms(order.timestamp), to: PURCHASE, cause: "signal" },
    ]);
    expect((await factsOf(server, id))?.stage).toBe(PURCHASE);
  });

  it("a customer who never stood above the lapse stage does not lapse", async () => {
    const who = { userId: uid("browser") };
    const visit = page(who, ago(40));
    const view = track(who, "Product Viewed", ago(39));
    await send(server, visit, view);
    await refresh(server);
    const id = await customerOf(server, who.userId);
    expect((await transitionsOf(server, id)).map((t) => t.cause)).toEqual(["signal", "signal"]);
    expect((await factsOf(server, id))?.stage).toBe(CONSIDERATION);
  });
});
