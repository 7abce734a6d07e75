// One run's scratchpad: where the steps of an analysis hand their intermediate tables to each other (a
// funnel's counted attempts, a map's cohort), instead of the connection's session. The runner opens one
// per run and drops it when the run ends, however it ends, so two runs never share a name and a pooled
// connection goes back with nothing of the run left on it.
import { Backend, unguarded } from "./database.js";
import type { Connection } from "./driver.js";

export interface Scratchpad {
  /** The qualified name of the run's table (or view) `name`: a fixed word of the code, never user text. */
  table(name: string): string;
}

/** How each backend makes, names and drops a run's scratchpad; the scale-out backends add theirs here. */
const variants: {
  [B in Backend]: {
    open(pad: string): string;
    table(pad: string, name: string): string;
    drop(pad: string): string;
  };
} = {
  // An attached in-memory database: DuckDB's temp catalog takes no schemas, and a schema in the events
  // file would write every intermediate row to its WAL. In memory as temp tables are, and outside the
  // file, so a read connection makes one while the writer writes.
  [Backend.duckdb]: {
    open: (pad) => `ATTACH ':memory:' AS ${pad}`,
    table: (pad, name) => `${pad}.main.${name}`,
    drop: (pad) => `DETACH DATABASE IF EXISTS ${pad}`,
  },
};

const NAME = /^[a-z][a-z0-9_]*$/;
let opened = 0;

/** Runs `fn` with a fresh scratchpad on `conn` and drops it afterwards: on success, failure or abort. */
export async function withScratchpad<T>(
  conn: Connection,
  fn: (scratch: Scratchpad) => Promise<T>,
): Promise<T> {
  const sql = variants[Backend.duckdb];
  // Attached databases belong to the database instance, not the connection: the name is unique in the process.
  const pad = `scratch_${++opened}`;
  await conn.run(sql.open(pad));
  const scratch: Scratchpad = {
    table(name) {
      if (!NAME.test(name)) throw new Error(`scratch table name "${name}" is not a plain lower-case word`);
      return sql.table(pad, name);
    },
  };
  let result: T;
  try {
    result = await fn(scratch);
  } catch (e) {
    // The run's own error is the one to report, not a failed clean-up after it.
    await drop(conn, sql.drop(pad)).catch(() => undefined);
    throw e;
  }
  await drop(conn, sql.drop(pad));
  return result;
}

/**
 * Drops past the read's guard, which refuses new statements once the run is stopped: a stopped run still
 * owes its clean-up. The stop's interrupt fires once and may land on the first try, hence the second.
 */
async function drop(conn: Connection, statement: string): Promise<void> {
  const raw = unguarded(conn);
  try {
    await raw.run(statement);
  } catch {
    await raw.run(statement);
  }
}
