// The embedded backend's load target: reads a log segment with DuckDB's JSON reader into a batch-shaped temp
// table and stores it with the set-wise storing step the importer uses too, in one transaction that also
// counts what the loader did (store_meta), so the counts survive restarts.

import type { Logger } from "pino";
import type { IdentityGraph } from "../identity/graph.js";
import { readStoredEvents } from "../live/capture.js";
import type { LiveFeed } from "../live/feed.js";
import type { Store } from "../store/database.js";
import type { Connection } from "../store/driver.js";
import { BATCH_COLUMNS, type BatchOutcome, batchTableDdl } from "./batch.js";
import type { LoadTarget } from "./loader.js";
import { storeBatch } from "./store-batch.js";

const TABLE = "loader_batch";
/** The batch's stored rows, kept past the commit while a live stream wants them. */
const STORED = "loader_stored";
const COLUMNS = Object.keys(BATCH_COLUMNS).join(", ");
// The reader is told every column's type, so a segment whose lines lack a field (null) reads the same.
const READ_COLUMNS = `{${Object.entries(BATCH_COLUMNS)
  .map(([c, t]) => `'${c}': '${t}'`)
  .join(", ")}}`;

/** Counters the loader keeps in store_meta, for `stats`. */
export const LOADER_COUNTERS = {
  stored: "loader_events_stored",
  duplicates: "loader_duplicates",
  suppressed: "loader_suppressed",
} as const;

export class DuckDbTarget implements LoadTarget {
  constructor(
    private readonly store: Store,
    private readonly graph: IdentityGraph,
    /** The largest line the writer produces (an event plus its envelope). */
    private readonly maxLineBytes: number,
    /** Told about every stored batch; handed its events when a live stream wants them. */
    private readonly live?: { feed: LiveFeed; log: Logger },
  ) {}

  loadSegment(file: string): Promise<BatchOutcome> {
    return this.store.exclusive(async (conn) => {
      // Created outside the transaction: a temp table created inside one vanishes on rollback.
      await conn.run(batchTableDdl(TABLE));
      try {
        await conn.run(
          `INSERT INTO ${TABLE} SELECT ${COLUMNS} FROM read_json($1, format = 'newline_delimited',
             columns = ${READ_COLUMNS}, maximum_object_size = ${Math.max(16 << 20, this.maxLineBytes)})`,
          [file],
        );
        return await this.storeTable(conn);
      } finally {
        await conn
          .run(`DROP TABLE IF EXISTS ${TABLE}; DROP TABLE IF EXISTS ${STORED}`)
          .catch(() => undefined);
      }
    });
  }

  private async storeTable(conn: Connection): Promise<BatchOutcome> {
    // Decided before storing: a stream opened during the transaction sees events from the next batch.
    const keepStored = this.live?.feed.wantsEvents() ? STORED : undefined;
    await conn.run("BEGIN TRANSACTION");
    try {
      const { outcome, afterCommit } = await storeBatch(conn, TABLE, { graph: this.graph, keepStored });
      await conn.run(
        `INSERT INTO store_meta (key, value) VALUES ($1, $2), ($3, $4), ($5, $6)
         ON CONFLICT (key) DO UPDATE SET value = store_meta.value + excluded.value`,
        [
          LOADER_COUNTERS.stored,
          outcome.stored,
          LOADER_COUNTERS.duplicates,
          outcome.duplicates,
          LOADER_COUNTERS.suppressed,
          outcome.suppressed,
        ],
      );
      await conn.run("COMMIT");
      afterCommit();
      if (outcome.stored > 0) await this.publish(conn, keepStored, outcome.stored);
      return outcome;
    } catch (e) {
      await conn.run("ROLLBACK").catch(() => undefined);
      throw e;
    }
  }

  /** After the commit: a failure here must not fail the load (the loader would store the batch again). */
  private async publish(conn: Connection, kept: string | undefined, stored: number): Promise<void> {
    if (!this.live) return;
    try {
      if (kept)
        this.live.feed.publish(
          await readStoredEvents(conn, TABLE, kept, this.live.feed.levels, this.live.feed.now()),
        );
    } catch (e) {
      // Its kind only: a database error's message can quote the batch's values.
      this.live.log.warn(
        { errorType: (e as Error).name },
        "reading a stored batch for the live feed failed; its events are stored, the live view misses them",
      );
    } finally {
      this.live.feed.stored(stored);
    }
  }
}
