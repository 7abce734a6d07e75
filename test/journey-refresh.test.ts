// The journey refresher: an incremental refresh after new events, late logins and merges must leave the
// derived tables exactly as a full rebuild from the events would, and a quiet customer must lapse even
// when nothing new arrives for them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Row } from "../src/store/database.js";
import { ManualClock } from "./helpers/clock.js";
import { at, customerOf, send } from "./helpers/customers.js";
import { startTestServer, type TestServer, uid } from "./helpers/server.js";

let server: TestServer;
/** The server's "now": months after the events below (all in January 2025), moved only by the tests. */
const clock = new ManualClock(Date.UTC(2025, 5, 1, 12, 0, 0));
const DAY = 86_400_000;

interface Refresh {
  mode: string;
  customers: number;
  refreshedAt: string;
}

async function refresh(): Promise<Refresh> {
  const res = await server.api<Refresh>("/api/journey/refresh", { method: "POST" });
  expect(res.status).toBe(200);
  return res.body;
}

/** The derived tables in a canonical order, with JSON and maps as text so they compare as values. */
async function snapshot(): Promise<{ events: Row[]; facts: Row[]; transitions: Row[] }> {
  const text = (rows: Row[]) =>
    rows.map((r) =>
      Object.fromEntries(
        Object.entries(r).map(([k, v]) => [k, typeof v === "object" && v !== null ? JSON.stringify(v) : v]),
      ),
    );
  return {
    events: text(
      await server.query("SELECT * FROM journey_events ORDER BY customer_id, timestamp, message_id"),
    ),
    facts: text(
      await server.query(
        `SELECT * EXCLUDE (channel_events, event_counts, touchpoint_counts),
                map_entries(channel_events)::VARCHAR AS ch, map_entries(event_counts)::VARCHAR AS ev,
                map_entries(touchpoint_counts)::VARCHAR AS tp
           FROM customer_facts ORDER BY customer_id`,
      ),
    ),
    transitions: text(
      await server.query("SELECT * FROM stage_transitions ORDER BY customer_id, changed_at, to_stage"),
    ),
  };
}

const anon = uid("anon");
const user = uid("user");
const phone = "010-4455-6677";
const email = `${uid("mina")}@example.com`.toLowerCase();

/** Customers the changes do not touch: an incremental refresh must leave them alone. */
const BYSTANDERS = 20;

beforeAll(async () => {
  server = await startTestServer({ config: { journeyRefreshSeconds: 0 }, clock });
  const batch = Array.from({ length: BYSTANDERS }, (_, i) => [
    { type: "page", anonymousId: `bystander-${i}`, name: "Home", timestamp: at(i) },
    { type: "track", anonymousId: `bystander-${i}`, event: "Product Viewed", timestamp: at(i + 1) },
  ]).flat();
  const res = await server.collect("/v1/batch", { batch });
  expect(res.status).toBe(200);
  await send(
    server,
    { type: "page", anonymousId: anon, name: "Home", timestamp: at(0) },
    {
      type: "track",
      anonymousId: anon,
      event: "Product Viewed",
      properties: { product_id: "tv" },
      timestamp: at(1),
    },
    // A store customer known only by phone: a different customer for now.
    {
      type: "track",
      userId: undefined,
      anonymousId: uid("pos"),
      event: "Order Completed",
      context: { channel: "store", traits: { phone } },
      properties: { order_id: uid("pos"), total: 300_000 },
      timestamp: at(10),
    },
  );
});

afterAll(async () => {
  await server?.close();
});

describe("journey refresh", () => {
  it("an incremental refresh after a late login and a merge equals a full rebuild", async () => {
    const first = await refresh();
    expect(first.mode).toBe("full");
    const before = await server.query("SELECT count(*)::INTEGER AS n FROM customer_facts");
    expect(before[0]!.n).toBe(BYSTANDERS + 2);

    // The anonymous browser logs in and buys; the login carries the phone the store knows: one customer.
    await send(
      server,
      {
        type: "identify",
        anonymousId: anon,
        userId: user,
        traits: { email, phone, age: 41 },
        timestamp: at(20),
      },
      {
        type: "track",
        userId: user,
        event: "Checkout Started",
        context: { channel: "web" },
        timestamp: at(21),
      },
      {
        type: "track",
        userId: user,
        event: "Order Completed",
        properties: { order_id: uid("o"), total: 500_000 },
        timestamp: at(25),
      },
      {
        type: "track",
        userId: user,
        event: "Order Delivered",
        properties: { days_late: 0 },
        timestamp: at(3000),
      },
      // A new customer arrives too.
      { type: "page", anonymousId: uid("anon"), name: "Home", timestamp: at(30) },
    );
    const second = await refresh();
    expect(second.mode).toBe("incremental");
    expect(second.customers).toBe(2);
    const facts = await server.query("SELECT count(*)::INTEGER AS n FROM customer_facts");
    expect(facts[0]!.n).toBe(BYSTANDERS + 2);
    const incremental = await snapshot();

    // Force a full rebuild and compare.
    await server.query(
      "UPDATE store_meta SET value = value + 1 WHERE key = 'journey_classification_version'",
    );
    const third = await refresh();
    expect(third.mode).toBe("full");
    const full = await snapshot();
    expect(incremental.events).toEqual(full.events);
    expect(incremental.transitions).toEqual(full.transitions);
    expect(incremental.facts.map(({ stage_since: _s, ...rest }) => rest)).toEqual(
      full.facts.map(({ stage_since: _s, ...rest }) => rest),
    );
  });

  it("the merged customer's history is one journey: awareness through retention, then a lapse", async () => {
    const id = await customerOf(server, email);
    const res = await server.api<{
      stage: string;
      history: Array<{ from: string | null; to: string; cause: string }>;
    }>(`/api/customers/${id}/journey`);
    expect(res.status).toBe(200);
    const path = res.body.history.map((h) => `${h.from ?? "-"}>${h.to}:${h.cause}`);
    // Home (awareness), product view (consideration), the store order (straight to retention: an entry
    // rule), the web order and delivery (no change), then 45 quiet days: back to consideration.
    expect(path).toEqual([
      "->awareness:signal",
      "awareness>consideration:signal",
      "consideration>retention:signal",
      "retention>consideration:lapse",
    ]);
    expect(res.body.stage).toBe("consideration");
    expect((await server.api("/api/customers/999999/journey")).status).toBe(404);
  });

  it("a customer whose quiet spell passes the lapse moves back without any new event of theirs, when it is due", async () => {
    const model = await server.api<{ lapse: unknown }>("/api/journey-model");
    const put = await server.api("/api/journey-model", {
      method: "PUT",
      body: { ...model.body, lapse: { afterDays: 1, to: "consideration" } },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const quiet = uid("quiet");
    // Delivered 1 day minus 1 ms ago on the server's clock: in retention now, due to lapse 1 ms from now.
    const deliveredAt = clock.now() - DAY + 1;
    await send(server, {
      type: "track",
      userId: quiet,
      event: "Order Delivered",
      timestamp: new Date(deliveredAt).toISOString(),
    });
    await refresh(); // the model change already started a full rebuild: this one waits for it and adds the event
    const stageOf = async () =>
      (
        await server.query(
          `SELECT f.stage FROM customer_facts f JOIN identities i ON i.key = $1
             JOIN customers c ON c.id = i.customer_id WHERE f.customer_id = c.canonical_id`,
          [`user_id:${quiet}`],
        )
      )[0]!.stage;
    await expect(stageOf()).resolves.toBe(4);
    // Nothing new and nobody due: a refresh touches no customer.
    expect((await refresh()).customers).toBe(0);
    await expect(stageOf()).resolves.toBe(4);
    // Exactly a day after the delivery the lapse is due; a refresh picks up this one customer.
    clock.advance(1);
    const due = await refresh();
    expect(due.mode).toBe("incremental");
    expect(due.customers).toBe(1);
    expect(due.refreshedAt).toBe(new Date(deliveredAt + DAY).toISOString());
    await expect(stageOf()).resolves.toBe(2);
    const [lapsed] = await server.query(
      `SELECT t.from_stage, t.to_stage, epoch_ms(t.changed_at)::DOUBLE AS at FROM stage_transitions t
         JOIN identities i ON i.key = $1 JOIN customers c ON c.id = i.customer_id
        WHERE t.customer_id = c.canonical_id AND t.cause = 'lapse'`,
      [`user_id:${quiet}`],
    );
    expect(lapsed, "the lapse is dated when it fell due").toEqual({
      from_stage: 4,
      to_stage: 2,
      at: deliveredAt + DAY,
    });
    await server.api("/api/journey-model", { method: "PUT", body: model.body });
  });

  it("after a rule edit, re-deriving what the rules decide equals a rebuild from the events", async () => {
    await refresh();
    // A new event, then a new touchpoint that names it (a rule edit): the refresh the edit starts takes
    // both, re-deriving the new event's customer in full and what the rules decide for everyone.
    await send(server, { type: "track", anonymousId: anon, event: "Gift Wrap Chosen", timestamp: at(30) });
    const tp = await server.api("/api/touchpoints", {
      body: { name: uid("Gift wrap"), stage: "purchase", match: { event: "Gift Wrap Chosen" } },
    });
    expect(tp.status).toBe(201);
    await refresh();
    const afterEdit = await snapshot();
    expect(afterEdit.events.some((e) => e.touchpoint === (tp.body as { id: string }).id)).toBe(true);

    // No classification version at all (as after an erasure): everything is rebuilt from the events.
    await server.query("DELETE FROM store_meta WHERE key = 'journey_built_classification'");
    expect((await refresh()).mode).toBe("full");
    expect(afterEdit).toEqual(await snapshot());
  });

  it("a nothing-new refresh does nothing", async () => {
    await refresh();
    expect((await refresh()).mode).toBe("none");
  });
});
