// The rule editors' API (issue 15, item 8): a draft touchpoint's or persona's preview equals independent
// SQL over the store (events and customers in the period, share, what an earlier rule already takes);
// invalid drafts answer 400 with the envelope and the path of the field at fault; examples are masked for
// roles without pii.read and refused to roles that may not list customers; the field suggestions are
// the sample's paths with their frequent values, never the values of personal fields.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDemoWorld } from "../src/demo/load.js";
import type { PersonaPreview, TouchpointPreview } from "../src/journey/preview.js";
import { ManualClock } from "./helpers/clock.js";
import { DAY_MS, expectError, expectOk, refresh } from "./helpers/journey.js";
import { startTestServer, type TestServer, uid } from "./helpers/server.js";

const WORLD = { customers: 300, days: 40, seed: 5, end: new Date("2026-06-01T00:00:00.000Z") };

let server: TestServer;
const tokens = new Map<string, string>();

beforeAll(async () => {
  server = await startTestServer({
    config: { journeyRefreshSeconds: 0 },
    clock: new ManualClock(Date.parse("2026-06-02T00:00:00.000Z")),
  });
  await loadDemoWorld(server.running.ctx, WORLD);
  // One event with personal data in its properties, to see the examples masked.
  const probe = await server.collect("/v1/track", {
    userId: uid("probe"),
    event: "Preview Masking Probe",
    properties: { email: "kim.lee@example.com", plan: "gold" },
    timestamp: "2026-05-31T12:00:00.000Z",
  });
  expect(probe.status).toBe(200);
  await refresh(server);
  for (const role of ["viewer", "agent"]) {
    const r = await server.api<{ secret: string }>("/api/tokens", {
      body: { name: `preview-${role}`, role },
    });
    tokens.set(role, expectOk(r, 201).secret);
  }
}, 120_000);
afterAll(() => server?.close());

const previewTouchpoint = (body: unknown, token?: string) =>
  server.api<TouchpointPreview>("/api/touchpoints/preview", { body, ...(token ? { token } : {}) });
const previewPersona = (body: unknown, token?: string) =>
  server.api<PersonaPreview>("/api/personas/preview", { body, ...(token ? { token } : {}) });

/** Events and customers of the period (after `from`, up to `to`) that satisfy `where` (SQL over `e`). */
async function independent(from: string, to: string, where: string, params: unknown[]) {
  const [row] = await server.query(
    `SELECT count(*) AS events, count(DISTINCT c.canonical_id) AS customers,
            (SELECT count(*) FROM events WHERE timestamp > $1::TIMESTAMP AND timestamp <= $2::TIMESTAMP) AS everything
       FROM events e LEFT JOIN identities i ON i.id = e.identity_id LEFT JOIN customers c ON c.id = i.customer_id
      WHERE e.timestamp > $1::TIMESTAMP AND e.timestamp <= $2::TIMESTAMP AND ${where}`,
    [from, to, ...(params as never[])],
  );
  return {
    events: Number(row!.events),
    customers: Number(row!.customers),
    everything: Number(row!.everything),
  };
}

describe("touchpoint preview", () => {
  it("counts a draft's events and customers in the latest days as SQL does, and what an earlier rule takes", async () => {
    const draft = {
      event: "Support Call",
      channels: ["phone"],
      where: [
        { property: "topic", op: "eq", value: "where_is_my_order" },
        { property: "wait_seconds", op: "gte", value: 600 },
      ],
    };
    const r = expectOk(await previewTouchpoint({ match: draft, days: 20, examples: 3 }));
    const [latest] = await server.query("SELECT epoch_ms(max(timestamp)) AS hi FROM events");
    const to = new Date(Number(latest!.hi)).toISOString();
    const from = new Date(Number(latest!.hi) - 20 * DAY_MS).toISOString();
    expect(r.period).toEqual({ from, to });
    const want = await independent(
      from,
      to,
      `e.type = 'track' AND e.event = 'Support Call' AND e.channel = 'phone'
       AND json_extract_string(e.properties, '$.topic') = 'where_is_my_order'
       AND TRY_CAST(json_extract_string(e.properties, '$.wait_seconds') AS DOUBLE) >= 600`,
      [],
    );
    expect(want.events).toBeGreaterThan(5);
    expect(r.events).toBe(want.events);
    expect(r.customers).toBe(want.customers);
    expect(r.share).toBeCloseTo(want.events / want.everything, 12);
    // Appended last, every one of them is taken by the catalogue's "Where-is-my-order call".
    expect(r.takenByOthers).toBe(want.events);
    expect(r.takenBy).toEqual([
      { touchpoint: "where-is-my-order-call", name: "Where-is-my-order call", events: want.events },
    ]);
    expect(r.examples).toHaveLength(3);
    for (const ex of r.examples) {
      expect(ex).toMatchObject({ type: "track", event: "Support Call", channel: "phone" });
      expect(ex.takenBy).toBe("where-is-my-order-call");
      expect(ex.properties.topic).toBe("where_is_my_order");
      expect(Number(ex.properties.wait_seconds)).toBeGreaterThanOrEqual(600);
      // The rule's properties come first.
      expect(Object.keys(ex.properties).slice(0, 2)).toEqual(["topic", "wait_seconds"]);
    }
    const times = r.examples.map((e) => e.timestamp);
    expect([...times].sort().reverse()).toEqual(times);

    // In place of the touchpoint it would take from, nothing earlier takes them.
    const inPlace = expectOk(
      await previewTouchpoint({ match: draft, days: 20, replaces: "where-is-my-order-call" }),
    );
    expect(inPlace).toMatchObject({ events: want.events, takenByOthers: 0, takenBy: [] });
    // Before it, too; and before the first rule of all.
    const before = expectOk(
      await previewTouchpoint({ match: draft, days: 20, before: "where-is-my-order-call" }),
    );
    expect(before.takenByOthers).toBe(0);
  });

  it("counts a rule with a list and a contains condition over the whole period", async () => {
    const draft = {
      event: "Order Completed",
      where: [
        { property: "payment_method", op: "in", value: ["card", "paypal"] },
        { property: "total", op: "gt", value: 50 },
      ],
    };
    const r = expectOk(await previewTouchpoint({ match: draft, days: 3660, examples: 0 }));
    const want = await independent(
      r.period!.from,
      r.period!.to,
      `e.type = 'track' AND e.event = 'Order Completed'
       AND json_extract_string(e.properties, '$.payment_method') IN ('card', 'paypal')
       AND TRY_CAST(json_extract_string(e.properties, '$.total') AS DOUBLE) > 50`,
      [],
    );
    expect(want.events).toBeGreaterThan(10);
    expect(r).toMatchObject({ events: want.events, customers: want.customers, examples: [] });
    const [all] = await server.query("SELECT count(*) AS n FROM events");
    expect(want.everything).toBe(Number(all!.n));
  });

  it("refuses an invalid draft with the envelope and the path of the field at fault", async () => {
    const noValue = expectError(
      await previewTouchpoint({ match: { event: "Support Call", where: [{ property: "topic", op: "eq" }] } }),
      400,
      "invalid_request",
    );
    expect(noValue.message).toContain("needs a value");
    expect(noValue.path).toBe("/match/where/0/value");
    const notNumber = expectError(
      await previewTouchpoint({
        match: {
          event: "Support Call",
          where: [
            { property: "topic", op: "exists" },
            { property: "wait_seconds", op: "gt", value: "ten" },
          ],
        },
      }),
      400,
      "invalid_request",
    );
    expect(notNumber.path).toBe("/match/where/1/value");
    const noEvent = expectError(
      await previewTouchpoint({ match: { type: "track" } }),
      400,
      "invalid_request",
    );
    expect(noEvent.path).toBe("/match/event");
    // The schema's own refusals carry the path too.
    const badPath = expectError(
      await previewTouchpoint({ match: { event: "X", where: [{ property: "not a path", op: "exists" }] } }),
      400,
      "invalid_request",
    );
    expect(badPath.path).toBe("/match/where/0/property");
    // Saving the same draft is refused alike.
    const save = expectError(
      await server.api("/api/touchpoints", {
        body: {
          name: uid("tp"),
          stage: "retention",
          match: { event: "X", where: [{ property: "a", op: "in", value: 1 }] },
        },
      }),
      400,
      "invalid_request",
    );
    expect(save.path).toBe("/match/where/0/value");
  });

  it("masks personal data in the examples for roles without pii.read and refuses roles that may not list customers", async () => {
    const draft = { match: { event: "Preview Masking Probe" }, days: 30 };
    const admin = expectOk(await previewTouchpoint(draft));
    expect(admin.events).toBe(1);
    expect(admin.examples[0]!.properties).toEqual({ email: "kim.lee@example.com", plan: "gold" });
    const viewer = expectOk(await previewTouchpoint(draft, tokens.get("viewer")));
    expect(viewer.events).toBe(1);
    expect(viewer.examples[0]!.properties.plan).toBe("gold");
    expect(viewer.examples[0]!.properties.email).not.toContain("kim.lee");
    expect(JSON.stringify(viewer)).not.toContain("kim.lee@example.com");
    expectError(await previewTouchpoint(draft, tokens.get("agent")), 403, "forbidden");
    expectError(
      await server.api("/api/touchpoints/preview", { body: draft, token: null }),
      401,
      "missing_token",
    );
  });
});

describe("persona preview", () => {
  it("counts the customers of draft conditions as SQL over the customer facts does, and what a higher persona takes", async () => {
    const conditions = [
      { measure: "orders", op: "gte", value: 2 },
      { trait: "age", op: "gte", value: 40 },
    ];
    const r = expectOk(await previewPersona({ match: "all", conditions, examples: 4 }));
    const [want] = await server.query(
      `SELECT count(*) FILTER (WHERE m) AS customers, count(*) AS everything,
              count(*) FILTER (WHERE m AND persona IS NOT NULL) AS taken
         FROM (SELECT persona, orders >= 2 AND TRY_CAST(json_extract_string(traits, '$.age') AS DOUBLE) >= 40 AS m
                 FROM customer_facts)`,
    );
    expect(Number(want!.customers)).toBeGreaterThan(5);
    expect(r.customers).toBe(Number(want!.customers));
    expect(r.share).toBeCloseTo(Number(want!.customers) / Number(want!.everything), 12);
    // Appended last: every persona is of higher priority, so those with a persona now are taken.
    expect(r.takenByOthers).toBe(Number(want!.taken));
    const byPersona = await server.query(
      `SELECT persona, count(*) AS n FROM customer_facts
        WHERE orders >= 2 AND TRY_CAST(json_extract_string(traits, '$.age') AS DOUBLE) >= 40 AND persona IS NOT NULL
        GROUP BY persona ORDER BY n DESC, persona`,
    );
    expect(r.takenBy.map((t) => [t.persona, t.customers])).toEqual(
      byPersona.map((b) => [b.persona, Number(b.n)]),
    );
    expect(r.examples).toHaveLength(4);
    for (const ex of r.examples) expect(ex.orders).toBeGreaterThanOrEqual(2);

    const any = expectOk(await previewPersona({ match: "any", conditions, examples: 0 }));
    const [wantAny] = await server.query(
      `SELECT count(*) AS n FROM customer_facts
        WHERE orders >= 2 OR coalesce(TRY_CAST(json_extract_string(traits, '$.age') AS DOUBLE) >= 40, false)`,
    );
    expect(any.customers).toBe(Number(wantAny!.n));
  });

  it("puts an edited persona at its own priority: only those before it take its customers", async () => {
    const personas = (
      await server.api<{
        items: Array<{
          id: string;
          priority: number;
          conditions: unknown[];
          match: string;
          customers: number;
        }>;
      }>("/api/personas")
    ).body.items;
    const first = personas[0]!;
    const own = expectOk(
      await previewPersona({ match: first.match, conditions: first.conditions, replaces: first.id }),
    );
    // The first persona's own rules, in its place: nothing is before it, and its count is at least its customers.
    expect(own.takenByOthers).toBe(0);
    expect(own.customers).toBe(first.customers);
    const second = personas[1]!;
    const [want] = await server.query("SELECT count(*) AS n FROM customer_facts WHERE persona = $1", [
      second.id,
    ]);
    const secondOwn = expectOk(
      await previewPersona({ match: second.match, conditions: second.conditions, replaces: second.id }),
    );
    expect(secondOwn.customers - secondOwn.takenByOthers).toBe(Number(want!.n));
    expect(secondOwn.takenBy.every((t) => t.persona === first.id)).toBe(true);
  });

  it("refuses invalid conditions with the path, and roles that may not list customers", async () => {
    const e = expectError(
      await previewPersona({
        match: "all",
        conditions: [
          { measure: "orders", op: "gte", value: 1 },
          { trait: "plan", op: "in", value: "gold" },
        ],
      }),
      400,
      "invalid_request",
    );
    expect(e.path).toBe("/conditions/1/value");
    expect(e.message).toContain("needs a list value");
    expectError(await previewPersona({ match: "all", conditions: [] }), 400, "invalid_request");
    expectError(
      await previewPersona(
        { match: "all", conditions: [{ measure: "orders", op: "gte", value: 1 }] },
        tokens.get("agent"),
      ),
      403,
      "forbidden",
    );
  });
});

describe("field suggestions", () => {
  it("lists an event's property paths with their frequent values as counted in the sample", async () => {
    const r = expectOk(
      await server.api<{
        events: Array<{ event: string; events: number }>;
        channels: Array<{ channel: string; events: number }>;
        fields: Array<{
          column: string;
          path: string;
          seen: number;
          kind: string;
          values: Array<{ value: unknown; count: number }>;
        }>;
      }>("/api/events/fields?event=Support%20Call&top=3&sample=20000"),
    );
    const calls = await server.query(
      `SELECT json_extract_string(properties, '$.topic') AS topic, count(*) AS n FROM events
        WHERE type = 'track' AND event = 'Support Call' GROUP BY 1 ORDER BY n DESC, topic LIMIT 3`,
    );
    const [total] = await server.query("SELECT count(*) AS n FROM events WHERE event = 'Support Call'");
    expect(Number(total!.n)).toBeLessThan(20000);
    const topic = r.fields.find((f) => f.column === "properties" && f.path === "topic")!;
    expect(topic).toMatchObject({ kind: "string", seen: Number(total!.n) });
    expect(topic.values).toEqual(
      calls.filter((c) => Number(c.n) >= 2).map((c) => ({ value: c.topic, count: Number(c.n) })),
    );
    const wait = r.fields.find((f) => f.path === "wait_seconds")!;
    expect(wait.kind).toBe("number");
    // Names and channels for the pickers, most frequent first.
    const [channels] = await server.query("SELECT count(DISTINCT channel) AS n FROM events");
    expect(r.channels).toHaveLength(Number(channels!.n));
    expect(r.events[0]!.events).toBeGreaterThanOrEqual(r.events.at(-1)!.events);
    expect(r.fields.some((f) => f.column === "traits" && f.path === "age" && f.kind === "number")).toBe(true);
  });

  it("never suggests values of personal fields", async () => {
    const r = expectOk(
      await server.api<{
        fields: Array<{ column: string; path: string; values: Array<{ value: unknown }> }>;
      }>("/api/events/fields?sample=20000"),
    );
    const email = r.fields.filter((f) => f.path.split(".").includes("email"));
    expect(email.length).toBeGreaterThan(0);
    for (const f of email) expect(f.values).toEqual([]);
    expect(JSON.stringify(r)).not.toMatch(/[a-z0-9._-]+@[a-z0-9-]+\.[a-z]+/i);
  });
});
