// Identity stitching edge cases, sent through /v1 and read back through /api as an agent would.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { at, customerOf, koreanMobile, profile, search, send, timelineAll } from "./helpers/customers.js";
import { type IngestReply, startTestServer, type TestServer, tempDir, uid } from "./helpers/server.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const msg = (m: Record<string, unknown>) => ({ messageId: uid("m"), ...m });

describe("late login", () => {
  it("re-stitches the anonymous history before it into the customer who logged in", async () => {
    const user = uid("late-user");
    const anon = uid("late-anon");
    // The customer is known from another device first.
    const known = msg({ type: "identify", userId: user, anonymousId: uid("laptop"), timestamp: at(0) });
    const browsing = [1, 2, 3].map((i) =>
      msg({ type: "page", anonymousId: anon, name: `Product ${i}`, timestamp: at(10 + i) }),
    );
    await send(server, known, ...browsing);
    const survivor = await customerOf(server, user);
    const anonymous = await customerOf(server, anon);
    expect(anonymous).not.toBe(survivor);

    const login = msg({
      type: "identify",
      userId: user,
      anonymousId: anon,
      traits: { email: `${user}@example.com` },
      timestamp: at(20),
    });
    await send(server, login);

    expect(await customerOf(server, anon)).toBe(survivor);
    expect(await customerOf(server, user)).toBe(survivor);
    const events = await timelineAll(server, survivor);
    expect(events.map((e) => e.messageId).sort()).toEqual(
      [known, ...browsing, login].map((m) => m.messageId).sort(),
    );
    // Events keep the identifiers they came with: the page views are still anonymous.
    for (const e of events.filter((x) => x.type === "page")) {
      expect(e.userId).toBeNull();
      expect(e.anonymousId).toBe(anon);
    }
    const p = await profile(server, survivor);
    const merge = p.links.find((l) => l.absorbedCustomer === anonymous);
    expect(merge).toMatchObject({
      accepted: true,
      messageId: login.messageId,
      eventType: "identify",
      from: { kind: "user_id", value: user },
      to: { kind: "anonymous_id", value: anon },
    });
  });

  it("a merged-away customer id answers with the survivor's profile", async () => {
    const user = uid("merged-user");
    const anon = uid("merged-anon");
    await send(
      server,
      msg({ type: "identify", userId: user, timestamp: at(0) }),
      msg({ type: "track", anonymousId: anon, event: "Cart Viewed", timestamp: at(1) }),
    );
    const survivor = await customerOf(server, user);
    const absorbed = await customerOf(server, anon);
    await send(
      server,
      msg({ type: "track", userId: user, anonymousId: anon, event: "Logged In", timestamp: at(2) }),
    );

    const res = await server.api<{ id: number; eventCount: number }>(`/api/customers/${absorbed}`);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(survivor);
    expect(res.body.eventCount).toBe(3);
    const tl = await server.api<{ customerId: number; events: unknown[] }>(
      `/api/customers/${absorbed}/timeline`,
    );
    expect(tl.body.customerId).toBe(survivor);
    expect(tl.body.events).toHaveLength(3);
  });
});

describe("shared device", () => {
  it("keeps two logged-in people apart and records the refused link", async () => {
    const device = uid("family-ipad");
    const first = uid("mother");
    const second = uid("son");
    const a1 = msg({ type: "identify", userId: first, anonymousId: device, timestamp: at(0) });
    const a2 = msg({
      type: "track",
      userId: first,
      anonymousId: device,
      event: "Order Completed",
      timestamp: at(1),
    });
    const b1 = msg({ type: "identify", userId: second, anonymousId: device, timestamp: at(5) });
    const b2 = msg({
      type: "track",
      userId: second,
      anonymousId: device,
      event: "Game Bought",
      timestamp: at(6),
    });
    await send(server, a1, a2, b1, b2);

    const c1 = await customerOf(server, first);
    const c2 = await customerOf(server, second);
    expect(c2).not.toBe(c1);
    // The device stays with the person who used it first.
    expect(await customerOf(server, device)).toBe(c1);

    const t1 = (await timelineAll(server, c1)).map((e) => e.messageId).sort();
    const t2 = (await timelineAll(server, c2)).map((e) => e.messageId).sort();
    expect(t1).toEqual([a1.messageId, a2.messageId].sort());
    expect(t2).toEqual([b1.messageId, b2.messageId].sort());

    const p2 = await profile(server, c2);
    expect(p2.identifiers.map((i) => `${i.kind}:${i.value}`)).toEqual([`user_id:${second}`]);
    const refused = p2.links.filter((l) => !l.accepted);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused[0]).toMatchObject({
      messageId: b1.messageId,
      from: { kind: "user_id", value: second },
      to: { kind: "anonymous_id", value: device },
    });
    expect(refused[0]!.reason).toMatch(/one user id per customer/);
    // The first customer's profile shows the refusal too: it is evidence about its device.
    expect((await profile(server, c1)).links.some((l) => !l.accepted && l.messageId === b1.messageId)).toBe(
      true,
    );

    const stats = await server.api<{ refusedLinks: number }>("/api/stats");
    expect(stats.body.refusedLinks).toBeGreaterThanOrEqual(1);
  });
});

describe("junk values", () => {
  it("a placeholder email on two different users does not merge them", async () => {
    const u1 = uid("junk-a");
    const u2 = uid("junk-b");
    await send(
      server,
      msg({ type: "identify", userId: u1, traits: { email: "test@test.com" }, timestamp: at(0) }),
      msg({ type: "identify", userId: u2, traits: { email: " TEST@test.com " }, timestamp: at(1) }),
    );
    const c1 = await customerOf(server, u1);
    const c2 = await customerOf(server, u2);
    expect(c1).not.toBe(c2);
    for (const c of [c1, c2]) {
      const p = await profile(server, c);
      expect(p.identifiers.map((i) => i.kind)).toEqual(["user_id"]);
      // The trait itself is still shown; it just links nothing.
      expect(p.traits.email?.value).toMatch(/test@test\.com/i);
    }
    expect(await search(server, "test@test.com")).toEqual([]);
  });

  it("placeholder phone numbers and ids link nothing either", async () => {
    const u1 = uid("junkphone-a");
    const u2 = uid("junkphone-b");
    await send(
      server,
      msg({ type: "identify", userId: u1, anonymousId: "anonymous", traits: { phone: "000-000-0000" } }),
      msg({ type: "identify", userId: u2, anonymousId: "anonymous", traits: { phone: "0000000000" } }),
    );
    const c1 = await customerOf(server, u1);
    const c2 = await customerOf(server, u2);
    expect(c1).not.toBe(c2);
    expect((await profile(server, c1)).identifiers.map((i) => i.kind)).toEqual(["user_id"]);
  });
});

describe("alias chain", () => {
  it("anonymous id → alias to a user id → email → a new device seen only by email ends as one customer", async () => {
    const anon = uid("alias-anon");
    const user = uid("alias-user");
    const newDevice = uid("alias-phone");
    const email = `${uid("alias")}@example.com`;
    const events = [
      msg({ type: "track", anonymousId: anon, event: "Product Viewed", timestamp: at(0) }),
      msg({ type: "alias", previousId: anon, userId: user, timestamp: at(1) }),
      msg({ type: "identify", userId: user, traits: { email }, timestamp: at(2) }),
      msg({
        type: "track",
        anonymousId: newDevice,
        event: "Email Link Clicked",
        context: { traits: { email: email.toUpperCase() } },
        timestamp: at(3),
      }),
    ];
    await send(server, ...events);

    const id = await customerOf(server, user);
    for (const q of [anon, email, newDevice, email.toUpperCase()])
      expect(await customerOf(server, q)).toBe(id);
    const p = await profile(server, id);
    expect(p.identifiers.map((i) => `${i.kind}:${i.value}`).sort()).toEqual(
      [`anonymous_id:${anon}`, `anonymous_id:${newDevice}`, `email:${email}`, `user_id:${user}`].sort(),
    );
    expect(p.eventCount).toBe(4);
    const aliasLink = p.links.find((l) => l.eventType === "alias");
    expect(aliasLink).toMatchObject({
      accepted: true,
      from: { kind: "user_id", value: user },
      to: { kind: "anonymous_id", value: anon },
    });
    expect((await timelineAll(server, id)).map((e) => e.messageId).sort()).toEqual(
      events.map((m) => m.messageId).sort(),
    );
  });
});

describe("link evidence", () => {
  it("records each event that joined identifiers once, even when it brought two new ones to a known customer", async () => {
    const email = `${uid("evidence")}@example.com`;
    const anon = uid("evidence-anon");
    const user = uid("evidence-user");
    // A known customer, by email.
    await send(
      server,
      msg({ type: "identify", anonymousId: uid("evidence-first"), traits: { email }, timestamp: at(0) }),
    );
    // One batch: a new anonymous id and a new user id on one event, then the user id with the email. Both
    // new identifiers are first reached by the first event's edge.
    const both = msg({
      type: "track",
      anonymousId: anon,
      userId: user,
      event: "Signed In",
      timestamp: at(1),
    });
    const joined = msg({ type: "identify", userId: user, traits: { email }, timestamp: at(2) });
    const res = await server.collect<IngestReply>("/v1/batch", { batch: [both, joined] });
    expect(res.status).toBe(200);
    const id = await customerOf(server, email);
    expect(await customerOf(server, anon)).toBe(id);
    const links = (await profile(server, id)).links.map(
      (l) => `${l.messageId} ${l.from.kind}:${l.from.value} ${l.to.kind}:${l.to.value}`,
    );
    expect(new Set(links).size).toBe(links.length);
    expect(links.filter((l) => l.startsWith(`${both.messageId} `))).toHaveLength(1);
  });
});

describe("alias between two user ids (a renamed account, a migration)", () => {
  for (const order of ["the older id becomes the newer", "the newer id becomes the older"] as const) {
    it(`merges both customers with their histories: ${order}`, async () => {
      const [oldId, newId] = [uid("crm-42"), uid("shop-7")];
      const [oldDevice, newDevice] = [uid("old-device"), uid("new-device")];
      const history = [
        msg({ type: "identify", userId: oldId, anonymousId: oldDevice, timestamp: at(0) }),
        msg({ type: "track", userId: oldId, event: "Order Completed", timestamp: at(1) }),
        msg({ type: "identify", userId: newId, anonymousId: newDevice, timestamp: at(2) }),
        msg({ type: "track", anonymousId: newDevice, event: "Product Viewed", timestamp: at(3) }),
      ];
      await send(server, ...history);
      const older = await customerOf(server, oldId);
      const younger = await customerOf(server, newId);
      expect(younger).not.toBe(older);

      const [previousId, userId] =
        order === "the older id becomes the newer" ? [oldId, newId] : [newId, oldId];
      const alias = msg({ type: "alias", previousId, userId, timestamp: at(4) });
      await send(server, alias);

      for (const q of [oldId, newId, oldDevice, newDevice])
        expect(await customerOf(server, q), q).toBe(older);
      const p = await profile(server, older);
      expect(
        p.identifiers
          .filter((i) => i.kind === "user_id")
          .map((i) => i.value)
          .sort(),
      ).toEqual([oldId, newId].sort());
      expect(p.links.find((l) => l.messageId === alias.messageId)).toMatchObject({
        accepted: true,
        eventType: "alias",
        absorbedCustomer: younger,
        from: { kind: "user_id", value: userId },
        to: { kind: "user_id", value: previousId },
        reason: expect.stringMatching(/^alias: the sender declared/),
      });
      expect((await timelineAll(server, older)).map((e) => e.messageId).sort()).toEqual(
        [...history, alias].map((m) => m.messageId).sort(),
      );
      // The absorbed id answers with the survivor.
      expect((await profile(server, younger)).id).toBe(older);
    });
  }

  it("a user id seen on the merged customer's device is still refused (co-occurrence is no declaration)", async () => {
    const [a, b, c] = [uid("acct-a"), uid("acct-b"), uid("acct-c")];
    const device = uid("device");
    await send(
      server,
      msg({ type: "identify", userId: a, anonymousId: device, timestamp: at(0) }),
      msg({ type: "identify", userId: b, timestamp: at(1) }),
    );
    await send(server, msg({ type: "alias", previousId: b, userId: a, timestamp: at(2) }));
    const merged = await customerOf(server, a);
    expect(await customerOf(server, b)).toBe(merged);
    const shared = msg({ type: "identify", userId: c, anonymousId: device, timestamp: at(3) });
    await send(server, shared);
    expect(await customerOf(server, c)).not.toBe(merged);
    const refused = (await profile(server, merged)).links.find((l) => l.messageId === shared.messageId);
    expect(refused).toMatchObject({ accepted: false });
    expect(refused!.reason).toMatch(/one user id per customer/);
  });
});

describe("three identifiers", () => {
  it("an anonymous id, an email and a phone in different formats across events merge into one customer", async () => {
    const local = uid("kim").toLowerCase();
    const phone = koreanMobile();
    const e164 = `+82${phone.replace(/-/g, "").slice(1)}`;
    const spaced = `+82 ${phone.slice(1, 3)} ${phone.slice(4, 8)} ${phone.slice(9)}`;
    const [x1, x2, x3] = [uid("x1"), uid("x2"), uid("x3")];
    await send(
      server,
      msg({
        type: "track",
        anonymousId: x1,
        event: "Newsletter Signup",
        context: { traits: { email: ` ${local.toUpperCase()}@Example.COM ` } },
        timestamp: at(0),
      }),
      msg({ type: "track", anonymousId: x2, event: "Support Call", properties: { phone }, timestamp: at(1) }),
    );
    const byEmail = await customerOf(server, `${local}@example.com`);
    const byPhone = await customerOf(server, phone);
    expect(byPhone).not.toBe(byEmail);

    const bridge = msg({
      type: "identify",
      anonymousId: x3,
      traits: { email: `${local}@example.com`, phone: spaced },
      timestamp: at(2),
    });
    await send(server, bridge);

    const id = await customerOf(server, x3);
    expect(id).toBe(byEmail); // the older customer survives
    for (const q of [x1, x2, `${local}@EXAMPLE.com`, phone, spaced, e164, phone.replace(/-/g, "")]) {
      expect(await customerOf(server, q), q).toBe(id);
    }
    const p = await profile(server, id);
    expect(p.identifiers.map((i) => `${i.kind}:${i.value}`).sort()).toEqual(
      [
        `anonymous_id:${x1}`,
        `anonymous_id:${x2}`,
        `anonymous_id:${x3}`,
        `email:${local}@example.com`,
        `phone:${e164}`,
      ].sort(),
    );
    expect(p.eventCount).toBe(3);
    expect(
      p.links.some((l) => l.accepted && l.absorbedCustomer === byPhone && l.messageId === bridge.messageId),
    ).toBe(true);
    expect((await profile(server, byPhone)).id).toBe(id);
  });

  it("finds a customer by phone written in another format than the one stored", async () => {
    const phone = koreanMobile(); // e.g. 010-1234-5678
    const user = uid("phone-user");
    await send(server, msg({ type: "identify", userId: user, traits: { phone } }));
    const id = await customerOf(server, user);
    const international = `+82 ${phone.slice(1, 3)} ${phone.slice(4, 8)} ${phone.slice(9)}`;
    const found = await search(server, international);
    expect(found.map((c) => c.id)).toEqual([id]);
    expect(found[0]!.matchedBy).toContain("phone");
    expect(await customerOf(server, `(${phone.slice(0, 3)}) ${phone.slice(4)}`)).toBe(id);
  });
});

describe("caps", () => {
  let capped: TestServer;
  beforeAll(async () => {
    capped = await startTestServer({ config: { identity: { caps: { email: 1 } } } });
  });
  afterAll(async () => {
    await capped?.close();
  });

  it("refuses and records a merge that would give a customer a second email", async () => {
    const user = uid("cap-user");
    const first = `${uid("first")}@example.com`;
    const second = `${uid("second")}@example.com`;
    const m1 = msg({ type: "identify", userId: user, traits: { email: first }, timestamp: at(0) });
    const m2 = msg({ type: "identify", userId: user, traits: { email: second }, timestamp: at(1) });
    await send(capped, m1, m2);

    const id = await customerOf(capped, user);
    expect(await customerOf(capped, first)).toBe(id);
    expect(await customerOf(capped, second)).not.toBe(id);
    const p = await profile(capped, id);
    expect(p.identifiers.filter((i) => i.kind === "email").map((i) => i.value)).toEqual([first]);
    const refused = p.links.find((l) => !l.accepted);
    expect(refused).toMatchObject({
      messageId: m2.messageId,
      from: { kind: "user_id", value: user },
      to: { kind: "email", value: second },
    });
    expect(refused!.reason).toMatch(/email.*cap 1/);
    // Both identify calls are still the customer's events: the refusal is about identifiers only.
    expect(p.eventCount).toBe(2);
    // Lowering the email cap leaves the other guard rails in place.
    const u2 = uid("cap-other");
    await send(
      capped,
      msg({ type: "identify", userId: u2, anonymousId: `${user}-device`, timestamp: at(2) }),
    );
    await send(
      capped,
      msg({ type: "identify", userId: user, anonymousId: `${user}-device`, timestamp: at(3) }),
    );
    expect(await customerOf(capped, u2)).not.toBe(id);
  });

  it("with the default caps, a second email is simply added", async () => {
    const user = uid("nocap-user");
    const emails = [`${uid("a")}@example.com`, `${uid("b")}@example.com`];
    await send(
      server,
      ...emails.map((email, i) =>
        msg({ type: "identify", userId: user, traits: { email }, timestamp: at(i) }),
      ),
    );
    const id = await customerOf(server, user);
    for (const e of emails) expect(await customerOf(server, e)).toBe(id);
    expect((await profile(server, id)).links.every((l) => l.accepted)).toBe(true);
  });
});

describe("after a restart", () => {
  it("recognises every known identifier, so returning customers join their own profile", async () => {
    const dir = tempDir("identity-restart");
    const dbPath = path.join(dir, "itinera.duckdb");
    const people = Array.from({ length: 40 }, (_, i) => ({
      userId: `back-${i}-user`,
      anonymousId: `back-${i}-device`,
      email: `back-${i}-mail@example.com`,
    }));
    const before = await startTestServer({ databasePath: dbPath });
    try {
      const res = await before.collect<IngestReply>("/v1/batch", {
        batch: people.map((p) => ({
          type: "identify",
          userId: p.userId,
          anonymousId: p.anonymousId,
          traits: { email: p.email },
        })),
      });
      expect(res.body.accepted).toBe(people.length);
    } finally {
      await before.close();
    }
    const after = await startTestServer({ databasePath: dbPath });
    try {
      const ids = new Map<string, number>();
      for (const p of people) ids.set(p.userId, await customerOf(after, p.userId));
      // Each identifier on its own, then all together: nothing new may be created for a known value.
      const res = await after.collect<IngestReply>("/v1/batch", {
        batch: people.flatMap((p) => [
          { type: "track", anonymousId: p.anonymousId, event: "Came Back" },
          {
            type: "track",
            anonymousId: uid("new-device"),
            event: "Came Back",
            context: { traits: { email: p.email } },
          },
          { type: "track", userId: p.userId, anonymousId: p.anonymousId, event: "Logged In" },
        ]),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.accepted).toBe(3 * people.length);
      for (const p of people) {
        const id = ids.get(p.userId)!;
        expect(await customerOf(after, p.anonymousId)).toBe(id);
        expect((await profile(after, id)).eventCount).toBe(4);
      }
      const [dupes] = await after.query("SELECT count(*) - count(DISTINCT key) AS n FROM identities");
      expect(Number(dupes?.n)).toBe(0);
    } finally {
      await after.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("phone numbers in bulk (the importer's distinct phones)", () => {
  it("gives exactly the answer of one-by-one parsing, for every format, region and junk value", async () => {
    const { IdentifierRules } = await import("../src/identity/identifiers.js");
    const { defaultConfig } = await import("../src/config.js");
    const rules = new IdentifierRules(defaultConfig.identity);
    let seed = 11;
    const digit = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return String(seed % 10);
    };
    const digits = (n: number) => Array.from({ length: n }, digit).join("");
    const raws: string[] = [];
    for (let i = 0; i < 400; i++) {
      const [a, b] = [digits(4), digits(4)];
      raws.push(
        `010-${a}-${b}`,
        `010${a}${b}`,
        `+82 10 ${a} ${b}`,
        `(02) ${digits(3)}-${b}`,
        `+1 (${digits(3)}) ${digits(3)}-${b}`,
        `+44 (0)20 ${a} ${b}`,
        `0${digits(1)}${digits(1)}-${digits(3)}-${b}`,
        `001-1-${digits(3)}-${a}${digits(3)}`,
        `${digits(5 + (i % 9))}`,
        `+${digits(6 + (i % 10))}`,
        // Large groups sharing their first six digits: these take the per-group rule.
        `010-1234-${b}`,
        `+82 10-5555-${b}`,
        `02-555-${b}`,
        `+1 212 555 ${b}`,
        `0505-123-${b}`,
        `080-${digits(1)}00-${b}`,
      );
    }
    raws.push("000-000-0000", "0000000000", "+11234567890", "1111111", "010 1234", "tel: 010-1234-5678");
    const bulk = rules.phones(raws);
    const one = raws.map(
      (r) => rules.extract({ properties: { phone: r } }).find((i) => i.kind === "phone")?.value,
    );
    expect(bulk).toEqual(one);
    // The test means something only if it has both answers.
    expect(one.filter(Boolean).length).toBeGreaterThan(1000);
    expect(one.filter((p) => p === undefined).length).toBeGreaterThan(10);
  });
});
