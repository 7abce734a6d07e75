// The batching event writer: group commit. Requests queue their validated events; one transaction
// dedupes on messageId, stitches identities and appends the events of many requests, and every
// request is answered only after that transaction is committed to disk.
import type { DuckDBAppender, DuckDBConnection } from "@duckdb/node-api";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { type IdentityGraph, type PendingResolution, toTimestamp } from "../identity/graph.js";
import { identifierKey } from "../identity/identifiers.js";
import { err, ok, type Result } from "../result.js";
import type { Store } from "../store/database.js";
import { clearScratchTables, ensureScratchTables } from "../store/scratch.js";
import type { NormalisedEvent } from "./normalise.js";

export interface WriteOutcome {
  accepted: number;
  duplicates: number;
  /** Events of erased people (src/privacy/tombstones.ts), dropped and counted, not stored. */
  suppressed: number;
}

/** Decides which events are dropped before they are stored; the tombstones of erased people. */
export interface EventSuppression {
  readonly active: boolean;
  /** `stored(key)`: the identifier is known to be stored, so it cannot be under a tombstone. */
  drops(e: NormalisedEvent, stored: (key: string) => boolean): boolean;
}

interface Pending {
  events: NormalisedEvent[];
  resolve: (o: WriteOutcome) => void;
  reject: (e: Error) => void;
}

export class EventWriter {
  private queue: Pending[] = [];
  private queuedEvents = 0;
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Flushes left that use the conflict-checking claim after a duplicate was seen. */
  private carefulFlushes = 0;
  /** Search terms written lately, so repeated identify calls do not rewrite them. */
  private readonly recentTerms = new Set<string>();
  /** Set once the tombstones are loaded; checked inside the group commit, after any erasure before it. */
  suppression: EventSuppression | undefined;

  constructor(
    private readonly store: Store,
    /** The identity graph of this store; the importer stitches through the same one. */
    readonly graph: IdentityGraph,
    private readonly settings: Config["writer"],
    private readonly log: Logger,
  ) {}

  /** Resolves once the events are durable. Fails fast (as a value) when the queue is full. */
  write(events: NormalisedEvent[]): Promise<Result<WriteOutcome, "overloaded" | "closed">> {
    if (this.closed) return Promise.resolve(err("closed"));
    if (events.length === 0) return Promise.resolve(ok({ accepted: 0, duplicates: 0, suppressed: 0 }));
    if (this.queuedEvents + events.length > this.settings.maxQueuedEvents)
      return Promise.resolve(err("overloaded"));
    return new Promise<WriteOutcome>((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
      this.queuedEvents += events.length;
      this.schedule();
    }).then((o) => ok(o));
  }

  private schedule(): void {
    if (this.flushing || this.timer) return;
    if (this.queuedEvents >= this.settings.maxBatchEvents || this.settings.lingerMs === 0) {
      this.flushing = this.flushLoop();
    } else {
      this.timer = setTimeout(() => {
        this.timer = null;
        if (!this.flushing) this.flushing = this.flushLoop();
      }, this.settings.lingerMs);
    }
  }

  private async flushLoop(): Promise<void> {
    while (this.queue.length > 0) {
      const take: Pending[] = [];
      let n = 0;
      while (
        this.queue.length > 0 &&
        (take.length === 0 || n + this.queue[0]!.events.length <= this.settings.maxBatchEvents)
      ) {
        const p = this.queue.shift()!;
        take.push(p);
        n += p.events.length;
      }
      this.queuedEvents -= n;
      try {
        const outcomes = await this.store.exclusive((conn) => this.commit(conn, take));
        for (const [i, p] of take.entries()) p.resolve(outcomes[i]!);
      } catch (e) {
        this.log.error({ err: e, events: n }, "group commit failed; requests answered with an error");
        for (const p of take) p.reject(e as Error);
      }
    }
    this.flushing = null;
  }

  /**
   * Commits one group. Message ids are first claimed optimistically with the appender (fast, and
   * right whenever nothing is a retry); a duplicate makes DuckDB refuse the append, and the group is
   * redone with the conflict-checking insert, which then stays in use for a while.
   */
  private async commit(conn: DuckDBConnection, batch: Pending[]): Promise<WriteOutcome[]> {
    const optimistic = this.carefulFlushes === 0;
    if (!optimistic) this.carefulFlushes--;
    // Here, holding the writer: an erasure that ran before this group is already in the tombstones.
    const suppressed = batch.map((p) => this.suppress(p));
    try {
      return await this.commitOnce(conn, batch, optimistic, suppressed);
    } catch (e) {
      if (!optimistic || !isConstraintError(e)) throw e;
      this.carefulFlushes = CAREFUL_AFTER_DUPLICATE;
      return this.commitOnce(conn, batch, false, suppressed);
    }
  }

  private async commitOnce(
    conn: DuckDBConnection,
    batch: Pending[],
    optimistic: boolean,
    suppressed: number[],
  ): Promise<WriteOutcome[]> {
    await ensureScratchTables(conn);
    const all = batch.flatMap((p) => p.events);
    // Each awaited statement waits for the busy event loop too, so statements travel together:
    // BEGIN with the claim, and the event insert with the search terms and COMMIT.
    let fresh: Set<string>;
    try {
      if (optimistic) {
        fresh = stageMessageIds(await conn.createAppender("incoming_ids", null, "temp"), all);
        await conn.run(
          "BEGIN TRANSACTION; INSERT INTO seen_messages SELECT * FROM incoming_ids; DELETE FROM incoming_ids",
        );
      } else {
        await conn.run("BEGIN TRANSACTION");
        fresh = await claimMessageIds(conn, all);
      }
      const outcomes: WriteOutcome[] = [];
      const stored: NormalisedEvent[] = [];
      for (const [i, p] of batch.entries()) {
        let accepted = 0;
        for (const e of p.events) {
          // delete() makes a repeat inside the same group commit a duplicate too.
          if (fresh.delete(e.messageId)) {
            stored.push(e);
            accepted++;
          }
        }
        outcomes.push({ accepted, duplicates: p.events.length - accepted, suppressed: suppressed[i]! });
      }
      const pending = await this.graph.resolve(
        conn,
        stored.map((e) => ({
          keys: e.identifiers.map(identifierKey),
          at: e.timestamp,
          messageId: e.messageId,
          eventType: e.type,
          previousId: e.previousId,
        })),
      );
      const identityOf = (e: NormalisedEvent) =>
        e.identifiers[0] ? pending.identityOf.get(identifierKey(e.identifiers[0])) : undefined;
      stageEvents(await conn.createAppender("incoming_events", null, "temp"), stored, identityOf);
      const terms = stageSearchTerms(
        stored,
        (e) => {
          const id = identityOf(e);
          return id === undefined ? undefined : pending.originalOf(id);
        },
        pending.created,
        this.recentTerms,
      );
      if (terms.rows.length > 0) {
        const ap = await conn.createAppender("incoming_terms", null, "temp");
        for (const [t, c, kind] of terms.rows) {
          ap.appendVarchar(t);
          ap.appendBigInt(BigInt(c));
          ap.appendVarchar(kind);
          ap.endRow();
        }
        ap.closeSync();
      }
      await conn.run(
        `INSERT INTO events SELECT * FROM incoming_events; DELETE FROM incoming_events; ${terms.sql} COMMIT`,
      );
      pending.commit();
      if (this.recentTerms.size > 200_000) this.recentTerms.clear();
      for (const k of terms.keys) this.recentTerms.add(k);
      return outcomes;
    } catch (e) {
      await conn.run("ROLLBACK").catch(() => undefined);
      // Rows staged outside the transaction (the optimistic claim) survive a rollback.
      await conn.run(clearScratchTables).catch(() => undefined);
      throw e;
    }
  }

  /** Removes a request's events of erased people; returns how many. */
  private suppress(p: Pending): number {
    if (!this.suppression?.active) return 0;
    const stored = (key: string) => this.graph.isStored(key);
    const kept = p.events.filter((e) => !this.suppression!.drops(e, stored));
    const n = p.events.length - kept.length;
    p.events = kept;
    return n;
  }

  /** Stops taking requests and waits until every queued one is committed. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
      if (!this.flushing && this.queue.length > 0) this.flushing = this.flushLoop();
    }
    await this.flushing;
  }
}

const CAREFUL_AFTER_DUPLICATE = 20;

const isConstraintError = (e: unknown) => /constraint|duplicate key/i.test(String((e as Error)?.message));

/** Appends the messageIds straight to seen_messages; throws a constraint error if one was seen. */
function stageMessageIds(ap: DuckDBAppender, events: NormalisedEvent[]): Set<string> {
  const fresh = new Set<string>();
  // Staged in an unindexed temp table: the appender's close runs on the JavaScript thread, while
  // the INSERT (and its primary-key check) runs on DuckDB's threads.
  for (const e of events) {
    if (fresh.has(e.messageId)) continue;
    fresh.add(e.messageId);
    ap.appendVarchar(e.messageId);
    ap.appendTimestamp(toTimestamp(e.receivedAt));
    ap.endRow();
  }
  ap.closeSync();
  return fresh;
}

/** Records the messageIds and returns those never seen within the dedupe window. */
async function claimMessageIds(conn: DuckDBConnection, events: NormalisedEvent[]): Promise<Set<string>> {
  stageMessageIds(await conn.createAppender("incoming_ids", null, "temp"), events);
  const reader = await conn.runAndReadAll(
    "INSERT INTO seen_messages SELECT * FROM incoming_ids ON CONFLICT DO NOTHING RETURNING message_id",
  );
  await conn.run("DELETE FROM incoming_ids");
  return new Set(reader.getColumns()[0]?.map(String) ?? []);
}

function appendJson(ap: DuckDBAppender, v: string | null): void {
  if (v === null) ap.appendNull();
  else ap.appendVarchar(v);
}

/** Staged unindexed for the same reason as the message ids: index upkeep off the JavaScript thread. */
function stageEvents(
  ap: DuckDBAppender,
  events: NormalisedEvent[],
  identityOf: (e: NormalisedEvent) => number | undefined,
): void {
  for (const e of events) {
    ap.appendVarchar(e.messageId);
    ap.appendVarchar(e.type);
    if (e.event === null) ap.appendNull();
    else ap.appendVarchar(e.event);
    ap.appendVarchar(e.channel);
    ap.appendTimestamp(toTimestamp(e.timestamp));
    ap.appendTimestamp(toTimestamp(e.receivedAt));
    if (e.sentAt === null) ap.appendNull();
    else ap.appendTimestamp(toTimestamp(e.sentAt));
    if (e.anonymousId === null) ap.appendNull();
    else ap.appendVarchar(e.anonymousId);
    if (e.userId === null) ap.appendNull();
    else ap.appendVarchar(e.userId);
    const id = identityOf(e);
    if (id === undefined) ap.appendNull();
    else ap.appendBigInt(BigInt(id));
    appendJson(ap, e.properties);
    appendJson(ap, e.traits);
    appendJson(ap, e.context);
    ap.appendVarchar(e.source);
    ap.endRow();
  }
  ap.closeSync();
}

interface StagedTerms {
  rows: Array<[string, number, string]>;
  /** Statements (each ending in ;) that store the staged terms; empty when there are none. */
  sql: string;
  keys: string[];
}

/** Words customers are found by: names from traits, and each email address the first time it is seen. */
function stageSearchTerms(
  events: NormalisedEvent[],
  customerOf: (e: NormalisedEvent) => number | undefined,
  created: PendingResolution["created"],
  recent: Set<string>,
): StagedTerms {
  const terms = new Map<string, [string, number, string]>();
  const fullNames = new Set<number>();
  for (const e of events) {
    if (e.names.length === 0) continue;
    const c = customerOf(e);
    if (c === undefined) continue;
    if (!recent.has(`${e.names[0]}\u0000${c}`)) fullNames.add(c);
    for (const t of e.names) {
      const k = `${t}\u0000${c}`;
      // Identify calls repeat the same name; skip what this process wrote recently.
      if (!recent.has(k)) terms.set(k, [t, c, "name"]);
    }
  }
  for (const n of created)
    if (n.kind === "email") terms.set(`${n.value}\u0000${n.customer}`, [n.value, n.customer, "email"]);
  if (terms.size === 0) return { rows: [], sql: "", keys: [] };
  // Store the terms, refresh display names (latest full name wins), empty the stage.
  const names =
    fullNames.size > 0
      ? `UPDATE customers SET name = n.term
           FROM (SELECT customer_id, arg_max(term, length(term)) AS term FROM incoming_terms
                  WHERE kind = 'name' GROUP BY 1) n
          WHERE customers.id = n.customer_id;`
      : "";
  return {
    rows: [...terms.values()],
    sql: `INSERT INTO search_terms SELECT term, customer_id, kind FROM incoming_terms; ${names} DELETE FROM incoming_terms;`,
    keys: [...terms.keys()],
  };
}
