// The one place outside the store's own files that names the embedded database's driver. The rest of
// the code talks to a Connection and passes SqlValues, so the scale-out backends (issue 19) replace
// these names here, not in every analysis.
import {
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBInstance,
  DuckDBTimestampValue,
  type DuckDBType,
  type DuckDBValue,
  listValue,
} from "@duckdb/node-api";

/** An open connection to the events database. */
export type Connection = DuckDBConnection;
/** A value bound to a `$n` parameter. */
export type SqlValue = DuckDBValue;
/** A bulk row writer on one table. */
export type Appender = DuckDBAppender;
/** A column's type, as the driver reports it. */
export type ColumnType = DuckDBType;

/** A list parameter (`= ANY($n)`). */
export const sqlList = (items: readonly string[]): SqlValue => listValue([...items]);

/** A TIMESTAMP parameter from epoch milliseconds. */
export const sqlTimestamp = (ms: number) => new DuckDBTimestampValue(BigInt(ms) * 1000n);

/** Runs `fn` on a throwaway in-memory database (file conversions that touch no store). */
export async function withMemoryDatabase<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  try {
    return await fn(conn);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}
