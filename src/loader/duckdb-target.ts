// The embedded backend's load target: reads a log segment with DuckDB's JSON reader into a batch-shaped temp
// table and stores it with the set-wise storing step the importer uses too, in one transaction that also
// counts what the loader did (store_meta), so the counts survive restarts.
import type { DuckDBConnection } from "@duckdb/node-api";
import type { IdentityGraph } from "../identity/graph.js";
import type { Store } from "../store/database.js";
import { BATCH_COLUMNS, type BatchOutcome, batchTableDdl } from "./batch.js";
import type { LoadTarget } from "./loader.js";
import { storeBatch } from "./store-batch.js";

const TABLE = "loader_batch";
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
        await conn.run(`DROP TABLE IF EXISTS ${TABLE}`).catch(() => undefined);
      }
    });
  }

  private async storeTable(conn: DuckDBConnection): Promise<BatchOutcome> {
    await conn.run("BEGIN TRANSACTION");
    try {
      const { outcome, afterCommit } = await storeBatch(conn, TABLE, { graph: this.graph });
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
      return outcome;
    } catch (e) {
      await conn.run("ROLLBACK").catch(() => undefined);
      throw e;
    }
  }
}
