// The set-wise storing step (src/loader/store-batch.ts) on a real DuckDB file: batches are written into a
// batch-shaped temp table and stored in one transaction each, as the loader and the importer do.
import fs from "node:fs";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IdentityGraph } from "../src/identity/graph.js";
import { type LinkEvent, resolveLinks } from "../src/identity/resolve.js";
import { type BatchOutcome, batchTableDdl } from "../src/loader/batch.js";
import { storeBatch } from "../src/loader/store-batch.js";
import { createTombstone } from "../src/privacy/tombstones.js";
import { all, openStore, type Store } from "../src/store/database.js";
import { tempDir, uid } from "./helpers/server.js";

const CAPS = { user_id: 1, email: 5, phone: 5, anonymous_id: 200 };

interface In {
  tag?: number | null;
  id?: string;
  type?: string;
  at: number;
  user?: string;
  anon?: string;
  email?: string;
  previous?: string;
  names?: string[];
}

const keysOf = (e: In) =>
  [e.user && `user_id:${e.user}`, e.email && `email:${e.email}`, e.anon && `anonymous_id:${e.anon}`].filter(
    (k): k is string => Boolean(k),
  );

let dir: string;
let store: Store;
let seq = 0;

async function openGraph(caps: Record<string, number> = CAPS): Promise<IdentityGraph> {
  const g = new IdentityGraph(caps);
  await g.load(store.writer);
  return g;
}

/** Writes the rows into a fresh batch table and stores it in one transaction, as the loader does. */
async function storeRows(graph: IdentityGraph, rows: In[]): Promise<BatchOutcome> {
  return store.exclusive(async (conn) => {
    await conn.run(batchTableDdl("test_batch"));
    for (const e of rows) {
      await conn.run(
        `INSERT INTO test_batch (seq, tag, message_id, type, event, channel, ts_ms, received_ms, sent_ms,
                                 anonymous_id, user_id, previous_id, properties, traits, context, source, keys, names)
         VALUES ($1, $2, $3, $4, 'Thing', 'web', $5, $5 + 5, NULL, $6, $7, $8, NULL, NULL, NULL, 'test',
                 CAST($9::JSON AS VARCHAR[]), CAST($10::JSON AS VARCHAR[]))`,
        [
          ++seq,
          e.tag === undefined ? 1 : e.tag,
          e.id ?? uid("m"),
          e.type ?? "track",
          e.at,
          e.anon ?? null,
          e.user ?? null,
          e.previous ?? null,
          JSON.stringify(keysOf(e)),
          JSON.stringify(e.names ?? []),
        ],
      );
    }
    await conn.run("BEGIN TRANSACTION");
    try {
      const { outcome, afterCommit } = await storeBatch(conn, "test_batch", { graph });
      await conn.run("COMMIT");
      afterCommit();
      return outcome;
    } catch (e) {
      await conn.run("ROLLBACK");
      throw e;
    } finally {
      await conn.run("DROP TABLE test_batch");
    }
  });
}

const q = (sql: string, params: Array<string | number> = []) => store.read((c) => all(c, sql, params));

/** Canonical customer of an identifier key. */
async function customerOf(key: string): Promise<number | undefined> {
  const [r] = await q(
    "SELECT c.canonical_id FROM identities i JOIN customers c ON c.id = i.customer_id WHERE i.key = $1",
    [key],
  );
  return r ? Number(r.canonical_id) : undefined;
}

/** Message ids stored for a canonical customer (the timeline's membership). */
async function eventsOf(customer: number): Promise<string[]> {
  const rows = await q(
    `SELECT e.message_id FROM events e JOIN identities i ON i.id = e.identity_id
       JOIN customers c ON c.id = i.customer_id WHERE c.canonical_id = $1 ORDER BY 1`,
    [customer],
  );
  return rows.map((r) => String(r.message_id));
}

const linksOf = (messageId: string) =>
  q(
    `SELECT f.key AS "from", t.key AS "to", l.accepted, l.reason, l.kept_customer, l.absorbed_customer
       FROM identity_links l JOIN identities f ON f.id = l.from_identity JOIN identities t ON t.id = l.to_identity
      WHERE l.message_id = $1`,
    [messageId],
  );

beforeAll(async () => {
  dir = tempDir("store-batch");
  const opened = await openStore(path.join(dir, "store.duckdb"));
  if (!opened.ok) throw new Error(opened.error);
  store = opened.value;
});
afterAll(async () => {
  await store?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("dedupe and counts", () => {
  it("keeps the first row of a messageId in the batch, refuses ones already stored, and counts per tag", async () => {
    const graph = await openGraph();
    const anon = uid("anon");
    const [m1, m2, m3] = [uid("m"), uid("m"), uid("m")];
    const first = await storeRows(graph, [
      { tag: 1, id: m1, at: 1000, anon },
      { tag: 2, id: m1, at: 999, anon: uid("other") }, // a later row of the same messageId: a duplicate
      { tag: 2, id: m2, at: 1001, anon },
      { tag: null, id: m3, at: 1002, anon },
    ]);
    expect(first).toMatchObject({ stored: 3, duplicates: 1, suppressed: 0 });
    expect(first.perTag.get(1)).toEqual({ stored: 1, duplicates: 0, suppressed: 0 });
    expect(first.perTag.get(2)).toEqual({ stored: 1, duplicates: 1, suppressed: 0 });
    expect(first.perTag.has(-1)).toBe(false);
    const [row] = await q(
      "SELECT anonymous_id, epoch_ms(received_at) AS r FROM events WHERE message_id = $1",
      [m1],
    );
    expect(row).toEqual({ anonymous_id: anon, r: 1005n });

    const again = await storeRows(graph, [
      { tag: 7, id: m1, at: 1000, anon },
      { tag: 7, id: m2, at: 1001, anon },
      { tag: 8, id: uid("m"), at: 1003, anon },
    ]);
    expect(again).toMatchObject({ stored: 1, duplicates: 2 });
    expect(again.perTag.get(7)).toEqual({ stored: 0, duplicates: 2, suppressed: 0 });
    const [n] = await q("SELECT count(*) AS n FROM events WHERE message_id IN ($1, $2, $3)", [m1, m2, m3]);
    expect(Number(n?.n)).toBe(3);
    expect(await eventsOf((await customerOf(`anonymous_id:${anon}`))!)).toHaveLength(4);
  });
});

describe("stitching", () => {
  it("gives new identifiers one customer per connected component, chains included", async () => {
    const graph = await openGraph({ ...CAPS, email: 100 });
    // A chain: event i carries anon_i and anon_(i+1) with an email every third: one person, 40 devices.
    const anons = Array.from({ length: 41 }, () => uid("chain"));
    const rows: In[] = anons.slice(0, 40).map((a, i) => ({
      at: 10_000 + i,
      anon: a,
      ...(i % 3 === 0 ? { email: `${a}@example.com` } : {}),
    }));
    // Links listed in reverse time order: ids must still follow first appearance.
    const links: In[] = anons
      .slice(0, 40)
      .map((_a, i) => ({ at: 20_000 - i, email: `${anons[i - (i % 3)]}@example.com`, anon: anons[i + 1] }));
    const loner = uid("loner");
    await storeRows(graph, [...rows, ...links, { at: 10_000, anon: loner }]);
    const c = await customerOf(`anonymous_id:${anons[0]}`);
    for (const a of anons) expect(await customerOf(`anonymous_id:${a}`)).toBe(c);
    expect(await customerOf(`anonymous_id:${loner}`)).not.toBe(c);
    // 41 devices and 14 emails make 55 identifiers. Every one but the first joined by a link it is an end
    // of; an event that first reached two of them is recorded once (no two links alike).
    const [ids] = await q("SELECT count(*) AS n FROM identities WHERE customer_id = $1", [c!]);
    expect(Number(ids?.n)).toBe(55);
    const [evidence] = await q(
      `SELECT count(*) AS n, count(DISTINCT (message_id, from_identity, to_identity)) AS distinct_links,
              (SELECT count(*) FROM identities i WHERE i.customer_id = $1 AND NOT EXISTS (
                 SELECT 1 FROM identity_links l WHERE l.kept_customer = $1 AND l.accepted
                    AND i.id IN (l.from_identity, l.to_identity))) AS unlinked
         FROM identity_links WHERE kept_customer = $1 AND accepted`,
      [c!],
    );
    expect(Number(evidence?.n)).toBe(Number(evidence?.distinct_links));
    expect(Number(evidence?.n)).toBeGreaterThanOrEqual(27);
    expect(Number(evidence?.n)).toBeLessThan(55);
    expect(Number(evidence?.unlinked)).toBe(0);
  });

  it("joins an identifier to a stored customer and merges two stored customers into the older", async () => {
    const graph = await openGraph();
    const [user, anon, email] = [uid("u"), uid("a"), `${uid("e")}@example.com`];
    const known = uid("m");
    await storeRows(graph, [
      { id: known, at: 1, user, anon: uid("laptop") },
      { at: 2, anon },
      { at: 3, anon },
    ]);
    const older = (await customerOf(`user_id:${user}`))!;
    const younger = (await customerOf(`anonymous_id:${anon}`))!;
    expect(younger).toBeGreaterThan(older);
    const login = uid("m");
    await storeRows(graph, [{ id: login, type: "identify", at: 10, user, email, anon }]);
    expect(await customerOf(`anonymous_id:${anon}`)).toBe(older);
    expect(await customerOf(`email:${email}`)).toBe(older);
    expect(await eventsOf(older)).toHaveLength(4);
    const links = await linksOf(login);
    expect(links).toContainEqual({
      from: `user_id:${user}`,
      to: `anonymous_id:${anon}`,
      accepted: true,
      reason: "identify event carried both identifiers",
      kept_customer: BigInt(older),
      absorbed_customer: BigInt(younger),
    });
    expect(links.find((l) => l.to === `email:${email}`)).toMatchObject({
      accepted: true,
      absorbed_customer: null,
    });
    const [row] = await q("SELECT canonical_id FROM customers WHERE id = $1", [younger]);
    expect(Number(row?.canonical_id)).toBe(older);
  });

  it("on a shared device, the first user id (by time) keeps the device; the second link is refused", async () => {
    const graph = await openGraph();
    const [device, mother, son] = [uid("ipad"), uid("mother"), uid("son")];
    const b1 = uid("m");
    // Listed out of order: the batch is stitched in time order.
    await storeRows(graph, [
      { id: b1, type: "identify", at: 50, user: son, anon: device },
      { type: "identify", at: 40, user: mother, anon: device },
      { at: 60, user: son, anon: device },
    ]);
    const c1 = await customerOf(`user_id:${mother}`);
    const c2 = await customerOf(`user_id:${son}`);
    expect(c2).not.toBe(c1);
    expect(await customerOf(`anonymous_id:${device}`)).toBe(c1);
    const [refused] = await linksOf(b1);
    expect(refused).toMatchObject({ from: `user_id:${son}`, to: `anonymous_id:${device}`, accepted: false });
    expect(String(refused?.reason)).toMatch(/one user id per customer/);
    expect(await eventsOf(c2!)).toHaveLength(2);
  });

  it("refuses a merge past an email cap, against stored customers too", async () => {
    const graph = await openGraph({ ...CAPS, email: 1 });
    const [user, first, second] = [uid("u"), `${uid("a")}@example.com`, `${uid("b")}@example.com`];
    await storeRows(graph, [{ at: 1, user, email: first }]);
    const m2 = uid("m");
    await storeRows(graph, [{ id: m2, at: 2, user, email: second }]);
    const id = await customerOf(`user_id:${user}`);
    expect(await customerOf(`email:${second}`)).not.toBe(id);
    const [refused] = await linksOf(m2);
    expect(refused).toMatchObject({ accepted: false, from: `user_id:${user}`, to: `email:${second}` });
    expect(String(refused?.reason)).toMatch(/email.*cap 1/);
    expect(await eventsOf(id!)).toHaveLength(2);
  });
});

describe("alias", () => {
  it("an alias from an anonymous id to a user id joins the anonymous history", async () => {
    const graph = await openGraph();
    const [anon, user] = [uid("a"), uid("u")];
    const alias = uid("m");
    await storeRows(graph, [
      { at: 1, anon },
      { id: alias, type: "alias", at: 2, user, previous: anon },
    ]);
    const c = await customerOf(`user_id:${user}`);
    expect(await customerOf(`anonymous_id:${anon}`)).toBe(c);
    expect(await linksOf(alias)).toEqual([
      expect.objectContaining({ from: `user_id:${user}`, to: `anonymous_id:${anon}`, accepted: true }),
    ]);
  });

  for (const order of ["old → new", "new → old"] as const) {
    it(`merges two user ids with history on both sides (${order}); co-occurrence still may not`, async () => {
      const graph = await openGraph();
      const [oldId, newId] = [uid("old-account"), uid("new-account")];
      const [oldAnon, newAnon] = [uid("a"), uid("a")];
      await storeRows(graph, [
        { at: 1, user: oldId, anon: oldAnon },
        { at: 2, user: oldId },
        { at: 3, user: newId, anon: newAnon },
        { at: 4, anon: newAnon },
      ]);
      const older = (await customerOf(`user_id:${oldId}`))!;
      const younger = (await customerOf(`user_id:${newId}`))!;
      expect(older).toBeLessThan(younger);
      const [from, to] = order === "old → new" ? [oldId, newId] : [newId, oldId];
      const alias = uid("m");
      await storeRows(graph, [{ id: alias, type: "alias", at: 5, user: to, previous: from }]);
      // The older customer survives whichever id was declared the new one.
      expect(await customerOf(`user_id:${oldId}`)).toBe(older);
      expect(await customerOf(`user_id:${newId}`)).toBe(older);
      expect(await customerOf(`anonymous_id:${newAnon}`)).toBe(older);
      expect(await eventsOf(older)).toHaveLength(5);
      expect(await linksOf(alias)).toEqual([
        {
          from: `user_id:${to}`,
          to: `user_id:${from}`,
          accepted: true,
          reason: "alias: the sender declared previousId and userId one person",
          kept_customer: BigInt(older),
          absorbed_customer: BigInt(younger),
        },
      ]);
      // An anonymous device still joins the merged customer (it holds two user ids now) ...
      const device = uid("device");
      await storeRows(graph, [{ at: 6, user: newId, anon: device }]);
      expect(await customerOf(`anonymous_id:${device}`)).toBe(older);
      // ... and a third user id seen on that device is refused, as any co-occurrence would be.
      const third = uid("third");
      const shared = uid("m");
      await storeRows(graph, [{ id: shared, at: 7, user: third, anon: device }]);
      expect(await customerOf(`user_id:${third}`)).not.toBe(older);
      expect((await linksOf(shared))[0]).toMatchObject({ accepted: false });
    });
  }

  it("two user ids new in one batch: the alias merges them, the co-occurrence refusal is unchanged", async () => {
    const graph = await openGraph();
    const [a, b, c] = [uid("a"), uid("b"), uid("c")];
    const anon = uid("anon");
    // previousId b is not stored yet: it means an anonymous id (as before), so a joins anonymous_id:b.
    await storeRows(graph, [
      { type: "alias", at: 1, user: a, previous: b },
      { at: 2, user: c, anon },
      { at: 3, user: a, anon },
    ]);
    expect(await customerOf(`anonymous_id:${b}`)).toBe(await customerOf(`user_id:${a}`));
    expect(await customerOf(`user_id:${a}`)).not.toBe(await customerOf(`user_id:${c}`));
  });
});

describe("suppression and search terms", () => {
  it("drops events naming an erased person's identifier (also as previousId), counts them, and claims nothing", async () => {
    const graph = await openGraph();
    const [email, anon, gone] = [`${uid("gone")}@example.com`, uid("a"), uid("gone-user")];
    await store.exclusive(async (conn: DuckDBConnection) => {
      await conn.run("BEGIN TRANSACTION");
      await createTombstone(conn, 999_999, [
        { kind: "email", value: email },
        { kind: "user_id", value: gone },
      ]);
      await conn.run("COMMIT");
    });
    const [m1, m2, m3] = [uid("m"), uid("m"), uid("m")];
    const out = await storeRows(graph, [
      { tag: 1, id: m1, at: 1, anon, email },
      { tag: 1, id: uid("m"), at: 2, anon: uid("other") },
      { tag: 2, id: m2, type: "alias", at: 3, user: uid("u"), previous: gone },
      { tag: 2, id: m3, at: 4, user: uid("someone") },
    ]);
    expect(out).toMatchObject({ stored: 2, suppressed: 2, duplicates: 0 });
    expect(out.perTag.get(1)).toEqual({ stored: 1, duplicates: 0, suppressed: 1 });
    expect(out.perTag.get(2)).toEqual({ stored: 1, duplicates: 0, suppressed: 1 });
    expect(await customerOf(`anonymous_id:${anon}`)).toBeUndefined();
    const [seen] = await q("SELECT count(*) AS n FROM seen_messages WHERE message_id IN ($1, $2)", [m1, m2]);
    expect(Number(seen?.n)).toBe(0);
    const [t] = await q("SELECT dropped FROM tombstones WHERE customer_id = 999999");
    expect(Number(t?.dropped)).toBe(2);
    await store.exclusive((conn) => conn.run("DELETE FROM tombstone_keys"));
  });

  it("stores names and first-seen emails as search terms; the display name is the newest event's", async () => {
    const graph = await openGraph();
    const [user, email] = [uid("u"), `${uid("kim")}@example.com`];
    await storeRows(graph, [
      { at: 2, user, email, names: ["kim jisoo", "kim"] },
      { at: 1, user, names: ["old name"] },
    ]);
    await storeRows(graph, [{ at: 3, user, email }]);
    const c = (await customerOf(`user_id:${user}`))!;
    const terms = (await q("SELECT term, kind FROM search_terms WHERE customer_id = $1", [c])).sort((x, y) =>
      String(x.term) < String(y.term) ? -1 : 1,
    );
    expect(terms).toEqual([
      { term: "kim", kind: "name" },
      { term: "kim jisoo", kind: "name" },
      { term: email, kind: "email" },
      { term: "old name", kind: "name" },
    ]);
    const [row] = await q("SELECT name FROM customers WHERE id = $1", [c]);
    expect(row?.name).toBe("kim jisoo");
  });
});

describe("the same decisions as resolveLinks", () => {
  it("partitions random worlds exactly as the one-link-at-a-time resolver does, across batches", async () => {
    // Few people, shared devices and emails: components both with and without rail conflicts.
    let rnd = 7;
    const next = (n: number) => {
      rnd = (rnd * 1103515245 + 12345) % 2147483648;
      return rnd % n;
    };
    const graph = await openGraph({ ...CAPS, email: 2, anonymous_id: 3 });
    const tag = uid("w");
    const pick = (kind: string, n: number) => (next(3) === 0 ? undefined : `${tag}-${kind}${next(n)}`);
    const batches: In[][] = [];
    let at = 0;
    for (let b = 0; b < 4; b++) {
      const rows: In[] = [];
      for (let i = 0; i < 60; i++) {
        const e: In = { at: ++at, user: pick("u", 12), anon: pick("a", 30) };
        const email = pick("e", 15);
        if (email) e.email = `${email}@example.com`;
        if (keysOf(e).length > 0) rows.push(e);
      }
      batches.push(rows);
    }
    for (const rows of batches) await storeRows(graph, rows);

    let ids = 0;
    let customers = 0;
    const events: LinkEvent[] = batches
      .flat()
      .map((e) => ({ keys: keysOf(e), at: e.at, messageId: "", eventType: "track" }));
    const res = resolveLinks({
      events,
      known: new Map(),
      counts: new Map(),
      caps: { ...CAPS, email: 2, anonymous_id: 3 },
      newIdentityId: () => ++ids,
      newCustomerId: () => ++customers,
    });
    const winner = new Map(res.merges.map((m) => [m.loser, m.winner]));
    const expected = new Map(res.identities.map((n) => [n.key, winner.get(n.customer) ?? n.customer]));
    const stored = await q(
      `SELECT i.key, c.canonical_id FROM identities i JOIN customers c ON c.id = i.customer_id
        WHERE i.key LIKE '%' || $1 || '%'`,
      [tag],
    );
    expect(stored.length).toBe(expected.size);
    // Same partition: two keys share a customer in one exactly when they do in the other.
    const groups = (pairs: Array<[string, number]>) => {
      const by = new Map<number, string[]>();
      for (const [k, c] of pairs) by.set(c, [...(by.get(c) ?? []), k]);
      return [...by.values()].map((g) => g.sort().join(" ")).sort();
    };
    expect(groups(stored.map((r) => [String(r.key), Number(r.canonical_id)]))).toEqual(groups([...expected]));
    // The same refusals: one per identifier pair (a batch records a combination's refusal once, at its
    // first event; the resolver, given every event, repeats it).
    const refused = await q(
      `SELECT DISTINCT f.key || ' > ' || t.key AS pair FROM identity_links l
         JOIN identities f ON f.id = l.from_identity JOIN identities t ON t.id = l.to_identity
        WHERE NOT l.accepted AND f.key LIKE '%' || $1 || '%'`,
      [tag],
    );
    const keyOf = new Map([...res.identityOf].map(([k, id]) => [id, k]));
    const expectedRefused = new Set(
      res.links
        .filter((l) => !l.accepted)
        .map((l) => `${keyOf.get(l.fromIdentity)} > ${keyOf.get(l.toIdentity)}`),
    );
    expect(refused.map((r) => String(r.pair)).sort()).toEqual([...expectedRefused].sort());
    expect(expectedRefused.size).toBeGreaterThan(0);
  });
});
