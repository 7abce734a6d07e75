// The identity graph in the database: looks up what is known about a batch's identifiers, runs the
// stitching decision, and writes new identifiers, customers, merges and link evidence in the caller's
// transaction. In-memory caches change only after that transaction commits.

import { all, type Row } from "../store/database.js";
import { type Connection, sqlTimestamp } from "../store/driver.js";
import { type KnownIdentity, type LinkEvent, type Resolution, resolveLinks } from "./resolve.js";

const LOOKUP_CHUNK = 500;
/** Above this many uncached keys, one join beats index probes (about 20 µs each). */
const BULK_LOOKUP = 3000;
const CACHE_LIMIT = 500_000;

/** Identifier key → identity id and the customer row it was first given. Both never change. */
interface CachedIdentity {
  id: number;
  original: number;
}

export interface PendingResolution {
  identityOf: Map<string, number>;
  /** Identifiers this batch saw for the first time. */
  created: Resolution["identities"];
  /** Customer row (original id) of each identity id created or seen, for search terms. */
  originalOf: (identityId: number) => number | undefined;
  /** Apply the in-memory side after the transaction committed. */
  commit(): void;
}

export class IdentityGraph {
  private readonly cache = new Map<string, CachedIdentity>();
  /** Identifier counts per kind of canonical customers, for the guard rails. */
  private readonly countCache = new Map<number, Map<string, number>>();
  private nextIdentity = 1;
  private nextCustomer = 1;

  constructor(readonly caps: Record<string, number>) {}

  /**
   * Reads the id counters; nothing else. Lookups go to the database (one join per batch), so start-up
   * time and memory do not grow with the store.
   */
  async load(conn: Connection): Promise<void> {
    const [ids] = await all(
      conn,
      // An erased customer's id is never given again (its tombstone and audit entries name it).
      `SELECT (SELECT coalesce(max(id), 0) FROM identities) AS i,
              greatest((SELECT coalesce(max(id), 0) FROM customers), (SELECT coalesce(max(customer_id), 0) FROM tombstones)) AS c`,
    );
    this.nextIdentity = Number(ids?.i ?? 0) + 1;
    this.nextCustomer = Number(ids?.c ?? 0) + 1;
    this.cache.clear();
    this.countCache.clear();
  }

  /**
   * Takes `n` identity ids (or customer ids) and returns the first. Taken at once, not at commit: a
   * rolled-back batch leaves a gap, never a reused id.
   */
  reserveIdentities(n: number): number {
    const first = this.nextIdentity;
    this.nextIdentity += n;
    return first;
  }

  reserveCustomers(n: number): number {
    const first = this.nextCustomer;
    this.nextCustomer += n;
    return first;
  }

  /** After a committed set-wise batch (src/loader/store-batch.ts): cached counts may be stale. */
  forgetCounts(): void {
    this.countCache.clear();
  }

  /**
   * True when `key` is a stored identifier this process has cached. The tombstone check skips such keys:
   * an erased person's identifiers are no longer stored, and an erasure reloads the graph.
   */
  isStored(key: string): boolean {
    return this.cache.has(key);
  }

  private remember(key: string, value: CachedIdentity): void {
    if (this.cache.size >= CACHE_LIMIT) {
      // Drop the oldest tenth at once: Map iterates in insertion order.
      let drop = CACHE_LIMIT / 10;
      for (const k of this.cache.keys()) {
        this.cache.delete(k);
        if (--drop <= 0) break;
      }
    }
    this.cache.set(key, value);
  }

  private async lookup(conn: Connection, keys: Iterable<string>): Promise<Map<string, CachedIdentity>> {
    const found = new Map<string, CachedIdentity>();
    const missing: string[] = [];
    for (const key of keys) {
      const hit = this.cache.get(key);
      if (hit) found.set(key, hit);
      else missing.push(key);
    }
    const take = (rows: Row[]) => {
      for (const r of rows) {
        const v = { id: Number(r.id), original: Number(r.customer_id) };
        found.set(String(r.key), v);
        this.remember(String(r.key), v);
      }
    };
    if (missing.length > BULK_LOOKUP) {
      // Many keys (an import): one hash join costs about one scan of identities, far less than
      // thousands of index probes.
      const ap = await conn.createAppender("lookup_keys", null, "temp");
      for (const key of missing) {
        ap.appendVarchar(key);
        ap.endRow();
      }
      ap.closeSync();
      take(
        await all(
          conn,
          "SELECT i.id, i.key, i.customer_id FROM identities i JOIN lookup_keys k ON k.key = i.key",
        ),
      );
      await conn.run("DELETE FROM lookup_keys");
      return found;
    }
    for (let i = 0; i < missing.length; i += LOOKUP_CHUNK) {
      const chunk = missing.slice(i, i + LOOKUP_CHUNK);
      // A literal parameter list lets DuckDB probe the key index instead of scanning.
      take(
        await all(
          conn,
          `SELECT id, key, customer_id FROM identities WHERE key IN (${chunk.map((_, j) => `$${j + 1}`).join(",")})`,
          chunk,
        ),
      );
    }
    return found;
  }

  /** Canonical customer of each customer row (merges move canonical_id; the database is the truth). */
  private async canonicalOf(conn: Connection, ids: Set<number>): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    const list = [...ids];
    for (let i = 0; i < list.length; i += LOOKUP_CHUNK) {
      const chunk = list.slice(i, i + LOOKUP_CHUNK);
      const rows = await all(
        conn,
        `SELECT id, canonical_id FROM customers WHERE id IN (${chunk.map((_, j) => `$${j + 1}`).join(",")})`,
        chunk,
      );
      for (const r of rows) out.set(Number(r.id), Number(r.canonical_id));
    }
    return out;
  }

  /**
   * Identifier counts per kind of the given canonical customers: from the cache, else from the
   * database in two index-friendly steps (member rows, then their identifiers).
   */
  private async counts(conn: Connection, customers: number[]): Promise<Map<number, Map<string, number>>> {
    const out = new Map<number, Map<string, number>>();
    const missing: number[] = [];
    for (const c of customers) {
      const hit = this.countCache.get(c);
      if (hit) out.set(c, hit);
      else missing.push(c);
    }
    for (let i = 0; i < missing.length; i += LOOKUP_CHUNK) {
      const chunk = missing.slice(i, i + LOOKUP_CHUNK);
      for (const c of chunk) out.set(c, new Map());
      const members = await all(
        conn,
        `SELECT id, canonical_id FROM customers WHERE canonical_id IN (${chunk.map((_, j) => `$${j + 1}`).join(",")})`,
        chunk,
      );
      const canonicalOf = new Map(members.map((m) => [Number(m.id), Number(m.canonical_id)]));
      const ids = [...canonicalOf.keys()];
      if (ids.length === 0) continue;
      const rows = await all(
        conn,
        `SELECT customer_id, kind, count(*) AS n FROM identities
          WHERE customer_id IN (${ids.map((_, j) => `$${j + 1}`).join(",")}) GROUP BY ALL`,
        ids,
      );
      for (const r of rows) {
        const m = out.get(canonicalOf.get(Number(r.customer_id))!)!;
        m.set(String(r.kind), (m.get(String(r.kind)) ?? 0) + Number(r.n));
      }
    }
    if (this.countCache.size > CACHE_LIMIT) this.countCache.clear();
    for (const c of missing) this.countCache.set(c, out.get(c)!);
    return out;
  }

  /** Keeps cached counts true after a committed batch (this process is the only writer). */
  private applyCounts(res: Resolution): void {
    for (const c of res.customers) this.countCache.set(c.id, new Map());
    for (const { loser, winner } of res.merges) {
      const l = this.countCache.get(loser);
      const w = this.countCache.get(winner);
      this.countCache.delete(loser);
      if (w && l) for (const [kind, n] of l) w.set(kind, (w.get(kind) ?? 0) + n);
      else this.countCache.delete(winner);
    }
    for (const n of res.identities) {
      const m = this.countCache.get(n.customer);
      m?.set(n.kind, (m.get(n.kind) ?? 0) + 1);
    }
  }

  /**
   * Resolves a batch inside the caller's open transaction; the connection's scratch tables must
   * exist (store/scratch.ts, created before BEGIN). An alias's previousId means an existing
   * user id when one is known, otherwise an anonymous id.
   */
  async resolve(
    conn: Connection,
    batch: Array<LinkEvent & { previousId?: string | null }>,
  ): Promise<PendingResolution> {
    const keys = new Set<string>();
    for (const e of batch) {
      for (const k of e.keys) keys.add(k);
      if (e.previousId) keys.add(`user_id:${e.previousId}`);
    }
    const found = await this.lookup(conn, keys);
    const events: LinkEvent[] = batch.map(({ previousId, ...e }) => {
      if (!previousId) return e;
      const declared = found.has(`user_id:${previousId}`)
        ? `user_id:${previousId}`
        : `anonymous_id:${previousId}`;
      return { ...e, keys: [...e.keys, declared], declared };
    });
    const extra = new Set<string>();
    for (const e of events) for (const k of e.keys) if (!keys.has(k)) extra.add(k);
    for (const [k, v] of await this.lookup(conn, extra)) found.set(k, v);

    const canonical = await this.canonicalOf(conn, new Set([...found.values()].map((v) => v.original)));
    const known = new Map<string, KnownIdentity>();
    for (const [k, v] of found) known.set(k, { id: v.id, customer: canonical.get(v.original) ?? v.original });

    // Guard rails need counts only for customers that a new link could touch.
    const touched = new Set<number>();
    for (const e of events) {
      const cs = new Set(e.keys.map((k) => known.get(k)?.customer ?? -1));
      if (cs.size > 1) for (const c of cs) if (c >= 0) touched.add(c);
    }
    const counts = await this.counts(conn, [...touched]);
    const res = resolveLinks({
      events,
      known,
      counts,
      caps: this.caps,
      newIdentityId: () => this.nextIdentity++,
      newCustomerId: () => this.nextCustomer++,
    });
    await this.write(conn, res);

    const originals = new Map<number, number>();
    for (const v of found.values()) originals.set(v.id, v.original);
    for (const n of res.identities) originals.set(n.id, n.customer);
    return {
      identityOf: res.identityOf,
      created: res.identities,
      originalOf: (id) => originals.get(id),
      commit: () => {
        this.applyCounts(res);
        for (const n of res.identities) {
          this.remember(n.key, { id: n.id, original: n.customer });
        }
      },
    };
  }

  private async write(conn: Connection, res: Resolution): Promise<void> {
    if (res.customers.length > 0) {
      const ap = await conn.createAppender("customers");
      for (const c of res.customers) {
        ap.appendBigInt(BigInt(c.id));
        ap.appendBigInt(BigInt(c.id));
        ap.appendTimestamp(sqlTimestamp(c.at));
        ap.appendNull(); // name: set when a name arrives
        ap.endRow();
      }
      ap.closeSync();
    }
    if (res.identities.length > 0) {
      const ap = await conn.createAppender("identities");
      for (const n of res.identities) {
        ap.appendBigInt(BigInt(n.id));
        ap.appendVarchar(n.key);
        ap.appendVarchar(n.kind);
        ap.appendVarchar(n.value);
        ap.appendBigInt(BigInt(n.customer));
        ap.appendTimestamp(sqlTimestamp(n.at));
        ap.appendVarchar(n.messageId);
        ap.endRow();
      }
      ap.closeSync();
    }
    if (res.links.length > 0) {
      const ap = await conn.createAppender("identity_links");
      for (const l of res.links) {
        ap.appendTimestamp(sqlTimestamp(l.at));
        ap.appendVarchar(l.messageId);
        ap.appendVarchar(l.eventType);
        ap.appendBigInt(BigInt(l.fromIdentity));
        ap.appendBigInt(BigInt(l.toIdentity));
        ap.appendBigInt(BigInt(l.keptCustomer));
        if (l.absorbedCustomer === null) ap.appendNull();
        else ap.appendBigInt(BigInt(l.absorbedCustomer));
        ap.appendBoolean(l.accepted);
        ap.appendVarchar(l.reason);
        ap.endRow();
      }
      ap.closeSync();
    }
    if (res.merges.length > 0) {
      const ap = await conn.createAppender("merge_map", null, "temp");
      for (const m of res.merges) {
        ap.appendBigInt(BigInt(m.loser));
        ap.appendBigInt(BigInt(m.winner));
        ap.endRow();
      }
      ap.closeSync();
      // Everything that pointed at an absorbed customer now points at the survivor.
      await conn.run(
        `UPDATE customers SET canonical_id = m.winner FROM merge_map m WHERE customers.canonical_id = m.loser;
         DELETE FROM merge_map`,
      );
    }
  }
}
