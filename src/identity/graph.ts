// The identity graph in the database: looks up what is known about a batch's identifiers, runs the
// stitching decision, and writes new identifiers, customers, merges and link evidence in the caller's
// transaction. In-memory caches change only after that transaction commits.
import { type DuckDBConnection, DuckDBTimestampValue } from "@duckdb/node-api";
import { all } from "../store/database.js";
import { KeyFilter } from "./keyfilter.js";
import { type KnownIdentity, type LinkEvent, type Resolution, resolveLinks } from "./resolve.js";

const LOOKUP_CHUNK = 500;
const CACHE_LIMIT = 500_000;

export const toTimestamp = (ms: number) => new DuckDBTimestampValue(BigInt(ms) * 1000n);

/** Identifier key → identity id and the customer row it was first given. Both never change. */
interface CachedIdentity {
  id: number;
  original: number;
}

export interface PendingResolution {
  identityOf: Map<string, number>;
  /** Customer row (original id) of each identity id created or seen, for search terms. */
  originalOf: (identityId: number) => number | undefined;
  /** Apply the in-memory side after the transaction committed. */
  commit(): void;
}

export class IdentityGraph {
  private readonly cache = new Map<string, CachedIdentity>();
  /** Parent pointers of merged customers only; unmerged customers are their own canonical id. */
  private readonly mergedInto = new Map<number, number>();
  private nextIdentity = 1;
  private nextCustomer = 1;
  private known = new KeyFilter(0);

  constructor(private readonly caps: Record<string, number>) {}

  async load(conn: DuckDBConnection): Promise<void> {
    const [ids] = await all(
      conn,
      "SELECT (SELECT coalesce(max(id), 0) FROM identities) AS i, (SELECT coalesce(max(id), 0) FROM customers) AS c",
    );
    this.nextIdentity = Number(ids?.i ?? 0) + 1;
    this.nextCustomer = Number(ids?.c ?? 0) + 1;
    this.mergedInto.clear();
    this.cache.clear();
    for (const r of await all(conn, "SELECT id, canonical_id FROM customers WHERE id <> canonical_id")) {
      this.mergedInto.set(Number(r.id), Number(r.canonical_id));
    }
    // Sized for growth: twice today's identities (a fuller filter only costs extra lookups).
    this.known = new KeyFilter(2 * this.nextIdentity + 1_000_000);
    const result = await conn.stream("SELECT key FROM identities");
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      for (const key of chunk.getColumnValues(0)) this.known.add(String(key));
    }
  }

  canonical(customer: number): number {
    let c = customer;
    for (let next = this.mergedInto.get(c); next !== undefined; next = this.mergedInto.get(c)) c = next;
    return c;
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

  private async lookup(conn: DuckDBConnection, keys: Iterable<string>): Promise<Map<string, CachedIdentity>> {
    const found = new Map<string, CachedIdentity>();
    const missing: string[] = [];
    for (const key of keys) {
      const hit = this.cache.get(key);
      if (hit) found.set(key, hit);
      else if (this.known.mightContain(key)) missing.push(key);
    }
    for (let i = 0; i < missing.length; i += LOOKUP_CHUNK) {
      const chunk = missing.slice(i, i + LOOKUP_CHUNK);
      // A literal parameter list lets DuckDB probe the key index instead of scanning.
      const rows = await all(
        conn,
        `SELECT id, key, customer_id FROM identities WHERE key IN (${chunk.map((_, j) => `$${j + 1}`).join(",")})`,
        chunk,
      );
      for (const r of rows) {
        const v = { id: Number(r.id), original: Number(r.customer_id) };
        found.set(String(r.key), v);
        this.remember(String(r.key), v);
      }
    }
    return found;
  }

  /** Identifier counts per kind of the given canonical customers. */
  private async counts(
    conn: DuckDBConnection,
    customers: number[],
  ): Promise<Map<number, Map<string, number>>> {
    const out = new Map<number, Map<string, number>>();
    for (let i = 0; i < customers.length; i += LOOKUP_CHUNK) {
      const chunk = customers.slice(i, i + LOOKUP_CHUNK);
      const rows = await all(
        conn,
        `SELECT c.canonical_id AS customer, i.kind, count(*) AS n
           FROM customers c JOIN identities i ON i.customer_id = c.id
          WHERE c.canonical_id IN (${chunk.map((_, j) => `$${j + 1}`).join(",")})
          GROUP BY ALL`,
        chunk,
      );
      for (const r of rows) {
        const c = Number(r.customer);
        if (!out.has(c)) out.set(c, new Map());
        out.get(c)!.set(String(r.kind), Number(r.n));
      }
    }
    return out;
  }

  /**
   * Resolves a batch inside the caller's open transaction. An alias's previousId means an existing
   * user id when one is known, otherwise an anonymous id.
   */
  async resolve(
    conn: DuckDBConnection,
    batch: Array<LinkEvent & { previousId?: string | null }>,
  ): Promise<PendingResolution> {
    const keys = new Set<string>();
    for (const e of batch) {
      for (const k of e.keys) keys.add(k);
      if (e.previousId) keys.add(`user_id:${e.previousId}`);
    }
    const found = await this.lookup(conn, keys);
    const events: LinkEvent[] = batch.map(({ previousId, ...e }) =>
      previousId
        ? {
            ...e,
            keys: [
              ...e.keys,
              found.has(`user_id:${previousId}`) ? `user_id:${previousId}` : `anonymous_id:${previousId}`,
            ],
          }
        : e,
    );
    const extra = new Set<string>();
    for (const e of events) for (const k of e.keys) if (!keys.has(k)) extra.add(k);
    for (const [k, v] of await this.lookup(conn, extra)) found.set(k, v);

    const known = new Map<string, KnownIdentity>();
    for (const [k, v] of found) known.set(k, { id: v.id, customer: this.canonical(v.original) });

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
      originalOf: (id) => originals.get(id),
      commit: () => {
        for (const n of res.identities) {
          this.remember(n.key, { id: n.id, original: n.customer });
          this.known.add(n.key);
        }
        for (const m of res.merges) this.mergedInto.set(m.loser, m.winner);
      },
    };
  }

  private async write(conn: DuckDBConnection, res: Resolution): Promise<void> {
    if (res.customers.length > 0) {
      const ap = await conn.createAppender("customers");
      for (const c of res.customers) {
        ap.appendBigInt(BigInt(c.id));
        ap.appendBigInt(BigInt(c.id));
        ap.appendTimestamp(toTimestamp(c.at));
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
        ap.appendTimestamp(toTimestamp(n.at));
        ap.appendVarchar(n.messageId);
        ap.endRow();
      }
      ap.closeSync();
    }
    if (res.links.length > 0) {
      const ap = await conn.createAppender("identity_links");
      for (const l of res.links) {
        ap.appendTimestamp(toTimestamp(l.at));
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
      await conn.run("CREATE TEMP TABLE IF NOT EXISTS merge_map (loser BIGINT, winner BIGINT)");
      await conn.run("DELETE FROM merge_map");
      const ap = await conn.createAppender("merge_map", null, "temp");
      for (const m of res.merges) {
        ap.appendBigInt(BigInt(m.loser));
        ap.appendBigInt(BigInt(m.winner));
        ap.endRow();
      }
      ap.closeSync();
      // Everything that pointed at an absorbed customer now points at the survivor.
      await conn.run(
        "UPDATE customers SET canonical_id = m.winner FROM merge_map m WHERE customers.canonical_id = m.loser",
      );
    }
  }
}
