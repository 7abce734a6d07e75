// A person's rights over their data, on a real server and a real DuckDB file: export (JSON and JSONL),
// erasure from every table and from the files' bytes (also of several at once, and after an interrupted
// compaction), tombstones dropping later events (HTTP and import), undelete, and the audit trail.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importFile } from "../src/collect/import/importer.js";
import { lineMentions } from "../src/privacy/erase.js";
import { notPersonalTables, personalTables, tablesNamingPeople } from "../src/privacy/personal-data.js";
import {
  compactionPending,
  count,
  type Erasure,
  filesContaining,
  type Ids,
  idsOf,
  person,
  type Reply,
  rowsOf,
  seed,
  send,
  type TombstoneList,
} from "./helpers/privacy.js";
import { startTestServer, type TestServer, tempDir, uid } from "./helpers/server.js";

describe("export, erasure and tombstones", () => {
  let server: TestServer;
  const a = person("ada");
  const b = person("bob");
  let idsA: Ids;
  let idsB: Ids;

  beforeAll(async () => {
    server = await startTestServer({ config: { journeyRefreshSeconds: 0 } });
    await seed(server, a, "Ada Lovelace", 40);
    await seed(server, b, "Bob Dylan", 12);
    await server.running.ctx.journey.refresh();
    idsA = await idsOf(server, a);
    idsB = await idsOf(server, b);
  }, 60_000);
  afterAll(() => server?.close());

  it("seeds a merged customer (the test's premise)", () => {
    expect(a.messages.length).toBe(43);
    expect(idsA.customers.length).toBe(2);
    expect(idsA.mergedAway).toBeDefined();
    expect(idsA.identities.length).toBe(5);
  });

  it("every table naming people is either erased or listed as holding nothing personal", async () => {
    const tables = await server.running.ctx.store.read((c) => tablesNamingPeople(c));
    const known = new Set([...personalTables.map((t) => t.table), ...notPersonalTables]);
    expect(tables.filter((t) => !known.has(t))).toEqual([]);
    expect(tables).toContain("events");
  });

  it("exports exactly the person's events and rows, also when asked by a merged-away id", async () => {
    const r = await server.api<{
      customerId: number;
      counts: Record<string, number>;
      profile: {
        id: number;
        identifiers: Array<{ kind: string; value: string }>;
        traits: Record<string, unknown>;
      };
      records: Record<string, Array<Record<string, unknown>>>;
    }>(`/api/customers/${idsA.mergedAway}/export`);
    expect(r.status).toBe(200);
    const doc = r.body;
    expect(doc.customerId).toBe(idsA.canonical);
    expect(doc.records.event!.map((e) => e.message_id).sort()).toEqual([...a.messages].sort());
    expect(doc.counts.event).toBe(43);
    const columns = Object.keys(doc.records.event![0]!).sort();
    expect(columns).toEqual(
      [
        "anonymous_id",
        "channel",
        "context",
        "event",
        "identity_id",
        "message_id",
        "properties",
        "received_at",
        "sent_at",
        "source",
        "timestamp",
        "traits",
        "type",
        "user_id",
      ].sort(),
    );
    expect(doc.records.identifier!.map((i) => i.value).sort()).toEqual(
      [a.userId, a.email, a.phone, a.anon, `card-${a.userId}`].sort(),
    );
    expect(doc.records.customer!.map((c) => c.id).sort()).toEqual([...idsA.customers].sort());
    expect(doc.counts.identity_link).toBe((await rowsOf(server, a, idsA)).identity_links);
    expect(doc.counts.customer_fact).toBe(1);
    expect(doc.profile.traits.email).toBeDefined();
    // Nothing of the other person.
    const text = JSON.stringify(doc);
    for (const v of [b.email, b.userId, b.phone, b.anon]) expect(text).not.toContain(v);
  });

  it("streams the export as JSONL, one typed record per line", async () => {
    const res = await fetch(`${server.url}/api/customers/${idsA.canonical}/export?format=jsonl`, {
      headers: { authorization: `Bearer ${server.apiToken}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/x-ndjson");
    const lines = (await res.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]!.record).toBe("export");
    expect(lines[1]!.record).toBe("profile");
    expect(lines.every((l) => typeof l.record === "string")).toBe(true);
    expect(lines.filter((l) => l.record === "event").length).toBe(43);
    expect(lines.filter((l) => l.record === "identifier").length).toBe(5);
  });

  it("answers 404 for an unknown customer and refuses a role without customers.export", async () => {
    expect((await server.api(`/api/customers/999999/export`)).status).toBe(404);
    expect((await server.api(`/api/customers/${idsA.canonical}/export`, { token: null })).status).toBe(401);
  });

  it("erases the person from every table, leaves the other intact, and records who asked", async () => {
    const beforeA = await rowsOf(server, a, idsA);
    const beforeB = await rowsOf(server, b, idsB);
    // The premise: the person has rows in every table.
    for (const [table, n] of Object.entries(beforeA)) expect([table, n > 0]).toEqual([table, true]);
    const totalEvents = await count(server, "SELECT count(*) AS n FROM events");

    const r = await server.api<Erasure>(`/api/customers/${idsA.mergedAway}`, { method: "DELETE" });
    expect(r.status).toBe(200);
    expect(r.body.customerId).toBe(idsA.canonical);
    expect(r.body.tables).toEqual(beforeA);
    expect(r.body.tombstone.identifiers).toBe(5);

    const afterA = await rowsOf(server, a, idsA);
    for (const n of Object.values(afterA)) expect(n).toBe(0);
    expect(await rowsOf(server, b, idsB)).toEqual(beforeB);
    expect(await count(server, "SELECT count(*) AS n FROM events")).toBe(totalEvents - 43);
    expect((await server.api(`/api/customers/${idsA.canonical}`)).status).toBe(404);
    expect((await server.api(`/api/customers/${idsB.canonical}`)).status).toBe(200);

    const audit = await server.query(
      "SELECT actor_kind, action, target, detail::VARCHAR AS detail FROM audit_log WHERE action LIKE 'customer.%' ORDER BY id",
    );
    expect(audit.map((x) => x.action)).toEqual(["customer.export", "customer.export", "customer.delete"]);
    const del = audit[2]!;
    expect(del.actor_kind).toBe("token");
    expect(del.target).toBe(String(idsA.canonical));
    expect(JSON.parse(String(del.detail)).rows.events).toBe(43);
    for (const x of audit)
      for (const v of [a.email, a.phone, a.userId]) expect(String(x.detail)).not.toContain(v);
  });

  it("drops and counts later events by email, phone, user id and anonymous id", async () => {
    const replies = await send(server, a, [
      { type: "identify", anonymousId: uid("fresh"), traits: { email: a.email.toUpperCase() } },
      { type: "track", event: "Called", anonymousId: uid("fresh"), properties: { phone: a.phoneRaw } },
      { type: "track", event: "Came back", userId: a.userId },
      { type: "page", name: "Home", anonymousId: a.anon },
    ]);
    expect(replies.map((r) => [r.accepted, r.suppressed, r.duplicates])).toEqual([
      [0, 1, 0],
      [0, 1, 0],
      [0, 1, 0],
      [0, 1, 0],
    ]);
    // Mixed with someone else's event, only the erased person's is dropped.
    const mixed = await server.collect<Reply>("/v1/batch", {
      batch: [
        { type: "track", messageId: uid("m"), event: "Back", userId: a.userId },
        { type: "track", messageId: uid("m"), event: "Still here", userId: b.userId },
      ],
    });
    expect([mixed.body.accepted, mixed.body.suppressed]).toEqual([1, 1]);
    expect(await count(server, "SELECT count(*) AS n FROM identities WHERE value = $1", [a.email])).toBe(0);

    // The import path drops them too.
    const file = path.join(server.dir, "later.jsonl");
    const now = new Date().toISOString();
    fs.writeFileSync(
      file,
      [
        { type: "track", messageId: uid("m"), event: "Imported", userId: a.userId, timestamp: now },
        { type: "track", messageId: uid("m"), event: "Imported", userId: b.userId, timestamp: now },
        {
          type: "identify",
          messageId: uid("m"),
          anonymousId: uid("x"),
          traits: { phone: a.phoneRaw },
          timestamp: now,
        },
      ]
        .map((l) => JSON.stringify(l))
        .join("\n"),
    );
    const imported = await importFile(server.running.ctx, { path: file, mapping: {}, defaults: {} });
    expect(imported).toMatchObject({ ok: true, value: { imported: 1, suppressed: 2, duplicates: 0 } });

    const list = await server.api<TombstoneList>("/api/tombstones");
    expect(list.status).toBe(200);
    expect(list.body.tombstones.length).toBe(1);
    const t = list.body.tombstones[0]!;
    expect(t.customerId).toBe(idsA.canonical);
    expect(t.kinds).toEqual(["anonymous_id", "email", "loyalty_card", "phone", "user_id"]);
    expect(t.identifiers).toBe(5);
    expect(t.dropped).toBe(7);
    expect(list.body.suppressed).toBe(7);
    const stats = await server.api<{ suppressedEvents: number }>("/api/stats");
    expect(stats.body.suppressedEvents).toBe(7);
    expect(JSON.stringify(list.body)).not.toContain(a.email);
  });

  it("undelete lifts the tombstone: the person's events are stored again", async () => {
    const r = await server.api<{ liftedAt: string | null; dropped: number }>(
      `/api/customers/${idsA.canonical}/undelete`,
      { method: "POST" },
    );
    expect(r.status).toBe(200);
    expect(r.body.liftedAt).not.toBeNull();
    expect(r.body.dropped).toBe(7);
    const [reply] = await send(server, null, [
      { type: "identify", userId: uid("new"), traits: { email: a.email } },
    ]);
    expect([reply!.accepted, reply!.suppressed]).toEqual([1, 0]);
    expect(await count(server, "SELECT count(*) AS n FROM identities WHERE value = $1", [a.email])).toBe(1);
    expect((await server.api(`/api/customers/${idsA.canonical}/undelete`, { method: "POST" })).status).toBe(
      404,
    );
    const list = await server.api<TombstoneList>("/api/tombstones");
    expect(list.body.tombstones[0]!.identifiers).toBe(0);
    const audit = await server.query("SELECT action FROM audit_log WHERE action = 'customer.undelete'");
    expect(audit.length).toBe(1);
  });
});

describe("which lines of a kept file are the person's", () => {
  const ids = [
    { kind: "user_id", value: "cust-1-0000001" },
    { kind: "email", value: "ada@example.com" },
    { kind: "phone", value: "+821089190001" },
  ];
  const about = (line: string) => lineMentions(line, ids, "KR");
  it("finds identifiers as JSON values or inside text, a phone in any format", () => {
    expect(about(JSON.stringify({ record: { userId: "cust-1-0000001" } }))).toBe(true);
    expect(about(JSON.stringify({ record: { mail: "ADA@example.com " } }))).toBe(true);
    expect(about(JSON.stringify({ record: { tel: "010-8919-0001" } }))).toBe(true);
    expect(about(JSON.stringify({ record: { csv_line: "x,+82 10 8919 0001,y" } }))).toBe(true);
    expect(about(JSON.stringify({ reason: "bad", record: { csv_line: "1,ada@example.com,2" } }))).toBe(true);
  });
  it("leaves other people's lines alone", () => {
    expect(about(JSON.stringify({ record: { userId: "cust-1-00000012" } }))).toBe(false);
    expect(about(JSON.stringify({ record: { mail: "ada@example.community" } }))).toBe(false);
    expect(about(JSON.stringify({ record: { tel: "010-8919-0002", n: 1089190001000 } }))).toBe(false);
    expect(about(JSON.stringify({ row: 3, record: { userId: "cust-2", ts: "2026-01-01T10:00:00Z" } }))).toBe(
      false,
    );
  });
});

describe("erasing several customers at once", () => {
  it("erases each with one compaction, names the ids that matched nobody, keeps the others", async () => {
    const server = await startTestServer({ config: { journeyRefreshSeconds: 0 } });
    try {
      const [p1, p2, p3] = [person("one"), person("two"), person("three")];
      await seed(server, p1, "One", 4);
      await seed(server, p2, "Two", 6);
      await seed(server, p3, "Three", 5);
      const [i1, i2, i3] = [await idsOf(server, p1), await idsOf(server, p2), await idsOf(server, p3)];
      const r = await server.api<{
        erased: Erasure[];
        missing: number[];
        compactMs: number;
      }>("/api/customers/erase", { body: { ids: [i1.canonical, i2.mergedAway, 999_999] } });
      expect(r.status).toBe(200);
      expect(r.body.erased.map((e) => [e.customerId, e.tables.events])).toEqual([
        [i1.canonical, 7],
        [i2.canonical, 9],
      ]);
      expect(r.body.missing).toEqual([999_999]);
      expect(r.body.compactMs).toBeGreaterThan(0);
      expect(await count(server, "SELECT count(*) AS n FROM events")).toBe(8);
      expect((await rowsOf(server, p3, i3)).events).toBe(8);
      const audit = await server.query(
        "SELECT target, detail->>'batch' AS batch FROM audit_log WHERE action = 'customer.delete' ORDER BY id",
      );
      expect(audit.map((x) => [x.target, x.batch])).toEqual([
        [String(i1.canonical), "3"],
        [String(i2.canonical), "3"],
      ]);
    } finally {
      await server.close();
    }
  }, 60_000);
});

describe("erasure leaves no bytes of the person in any file", () => {
  it("finds the email and phone in the files before (positive control), nowhere after the server stopped", async () => {
    const dir = tempDir("erase-bytes");
    const dbPath = path.join(dir, "itinera.duckdb");
    const server = await startTestServer({ databasePath: dbPath, config: { journeyRefreshSeconds: 0 } });
    const a = person("eve");
    const b = person("kim");
    try {
      await seed(server, a, "Eve Erased", 30);
      await seed(server, b, "Kim Kept", 5);
      // A rejects file beside the database holding the person (a track without an event name).
      const file = path.join(dir, "crm.jsonl");
      fs.writeFileSync(
        file,
        `${JSON.stringify({ type: "track", messageId: uid("m"), userId: a.userId, traits: { email: a.email, phone: a.phoneRaw } })}\n` +
          `${JSON.stringify({ type: "track", messageId: uid("m"), userId: b.userId, traits: { email: b.email } })}\n`,
      );
      const imported = await importFile(server.running.ctx, { path: file, mapping: {}, defaults: {} });
      expect(imported.ok && imported.value.rejected).toBe(2);
      await server.running.ctx.journey.refresh();
      await server.query("CHECKPOINT");
      // Positive control: the bytes are there, in the database file itself and in the rejects file.
      expect(filesContaining(dir, a.email)).toEqual([
        "crm.jsonl",
        "crm.jsonl.rejects.jsonl",
        "itinera.duckdb",
      ]);
      expect(filesContaining(dir, a.phone)).toContain("itinera.duckdb");
      fs.rmSync(file); // the input is the customer's own file, not one Itinera keeps

      const { canonical } = await idsOf(server, a);
      const r = await server.api<Erasure>(`/api/customers/${canonical}`, { method: "DELETE" });
      expect(r.status).toBe(200);
      expect(r.body.files).toEqual([{ path: path.join(dir, "crm.jsonl.rejects.jsonl"), lines: 1 }]);
      // The server goes on working on the compacted file.
      const [after] = await send(server, b, [{ type: "track", event: "After", userId: b.userId }]);
      expect(after!.accepted).toBe(1);
    } finally {
      await server.close();
    }
    expect(filesContaining(dir, a.email)).toEqual([]);
    expect(filesContaining(dir, a.phone)).toEqual([]);
    expect(filesContaining(dir, a.userId)).toEqual([]);
    // The other person's data is still there and still readable.
    expect(filesContaining(dir, b.email)).toEqual(["crm.jsonl.rejects.jsonl", "itinera.duckdb"]);
    const reopened = await startTestServer({ databasePath: dbPath });
    try {
      expect(await count(reopened, "SELECT count(*) AS n FROM events WHERE user_id = $1", [b.userId])).toBe(
        8,
      );
      expect(await count(reopened, "SELECT count(*) AS n FROM events WHERE user_id = $1", [a.userId])).toBe(
        0,
      );
    } finally {
      await reopened.close();
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});

describe("an erasure interrupted before its compaction", () => {
  it("is compacted at the next start", async () => {
    const dir = tempDir("erase-crash");
    const dbPath = path.join(dir, "itinera.duckdb");
    const a = person("crash");
    let server = await startTestServer({ databasePath: dbPath, config: { journeyRefreshSeconds: 0 } });
    try {
      await seed(server, a, "Carl Crash", 10);
      await seed(server, person("kept"), "Kept Person", 10);
      const ids = await idsOf(server, a);
      // The rows of an erasure went, with its pending mark, and the process stopped before compacting.
      await server.running.ctx.store.exclusive(async (c) => {
        const list = (n: number[]) => n.join(",");
        await c.run(`DELETE FROM events WHERE identity_id IN (${list(ids.identities)})`);
        await c.run(`DELETE FROM search_terms WHERE customer_id IN (${list(ids.customers)})`);
        await c.run(`DELETE FROM identities WHERE id IN (${list(ids.identities)})`);
        await c.run("INSERT INTO store_meta VALUES ('privacy_compaction_pending', 1)");
      });
    } finally {
      await server.close();
    }
    expect(filesContaining(dir, a.email)).toEqual(["itinera.duckdb"]);
    server = await startTestServer({ databasePath: dbPath, config: { journeyRefreshSeconds: 0 } });
    try {
      expect(await compactionPending(server)).toBe(0);
    } finally {
      await server.close();
    }
    expect(filesContaining(dir, a.email)).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});
