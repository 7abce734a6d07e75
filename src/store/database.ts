// Opens the embedded DuckDB file, applies migrations, and hands out connections:
// one writer (all writes are serialised through it) and a small pool of readers, so long
// analytical reads run beside ingest instead of in front of it.
import { AsyncLocalStorage } from "node:async_hooks";
import fs from "node:fs";
import path from "node:path";
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue, type JS } from "@duckdb/node-api";
import { err, ok, type Result } from "../result.js";
import { migrations } from "./schema.js";

export const Backend = { duckdb: "duckdb" } as const;
export type Backend = (typeof Backend)[keyof typeof Backend];

/** A row with DuckDB values converted to JavaScript (BIGINT → bigint, LIST → array, STRUCT → object). */
export type Row = Record<string, JS>;

export interface Store {
  readonly backend: Backend;
  readonly path: string;
  /** True when this open created the database file. */
  readonly created: boolean;
  /** The only connection that writes. Callers serialise through the event writer or `exclusive`. */
  readonly writer: DuckDBConnection;
  /** Runs `fn` on a pooled read connection. */
  read<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T>;
  /** Runs `fn` holding the writer alone (for configuration changes outside ingest). */
  exclusive<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T>;
  /**
   * Copies the database into a fresh file and swaps it in, holding the writer and every reader: DuckDB
   * does not zero the blocks deleted rows leave, so an erasure compacts to leave no bytes of them behind.
   * Row ids are renumbered; `after` runs on the new file before anything else does (e.g. to reset state
   * kept by row id).
   */
  compact(after?: (conn: DuckDBConnection) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

/** Runs the variant of a query for the store's backend; each query file lists its variants side by side. */
export function runQuery<T>(store: Store, variants: { [B in Backend]: () => Promise<T> }): Promise<T> {
  return variants[store.backend]();
}

/** Reads rows as plain objects keyed by column name. */
export async function all(conn: DuckDBConnection, sql: string, params: DuckDBValue[] = []): Promise<Row[]> {
  const reader = await conn.runAndReadAll(sql, params);
  return reader.getRowObjectsJS();
}

/**
 * The signal that stops the reads of the analysis running in this async context: its HTTP client went
 * away or its time ran out. Carried implicitly so that no analysis has to thread it through its queries.
 */
const readSignal = new AsyncLocalStorage<AbortSignal | undefined>();

/** Runs `fn` so that every `store.read` inside it is interrupted when `signal` aborts. */
export function stoppableBy<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
  return readSignal.run(signal, fn);
}

/** Runs `fn` outside any request's signal: work shared by many callers (the journey refresh). */
export function unstoppable<T>(fn: () => Promise<T>): Promise<T> {
  return readSignal.run(undefined, fn);
}

// Methods that start a query: refused once the signal has aborted, since DuckDB's interrupt only stops
// the query running at that moment, not the next statement of a multi-statement analysis.
const STARTS_QUERY = /^(run|stream|start|prepare|extractStatements)/;
const UNGUARDED = Symbol("unguarded");

function guarded(conn: DuckDBConnection, signal: AbortSignal): DuckDBConnection {
  return new Proxy(conn, {
    get(target, prop, receiver) {
      if (prop === UNGUARDED) return target;
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (typeof prop === "string" && STARTS_QUERY.test(prop)) signal.throwIfAborted();
        return value.apply(target, args);
      };
    },
  });
}

/** The connection behind a stopped read's guard: for the clean-up a run owes after it was stopped. */
export function unguarded(conn: DuckDBConnection): DuckDBConnection {
  return (Reflect.get(conn, UNGUARDED) as DuckDBConnection | undefined) ?? conn;
}

/** Runs `fn` on `conn`, interrupting its running query when `signal` aborts. */
async function underSignal<T>(
  conn: DuckDBConnection,
  signal: AbortSignal,
  fn: (conn: DuckDBConnection) => Promise<T>,
): Promise<T> {
  signal.throwIfAborted();
  const stop = () => conn.interrupt();
  signal.addEventListener("abort", stop, { once: true });
  try {
    return await fn(guarded(conn, signal));
  } catch (e) {
    // DuckDB reports "Interrupted!"; the signal's reason says why.
    if (signal.aborted) throw signal.reason;
    throw e;
  } finally {
    signal.removeEventListener("abort", stop);
  }
}

const LOCK_HINT =
  "Another Itinera process holds this database file. Stop it, or run the command while the server runs so the CLI talks to it.";

export interface StoreOptions {
  readers?: number;
  /** WAL size that triggers a checkpoint; see Config.checkpointThresholdMb. */
  checkpointThresholdMb?: number;
  /** DuckDB memory limit; see Config.memoryLimitMb. */
  memoryLimitMb?: number;
}

export async function openStore(file: string, opts: StoreOptions = {}): Promise<Result<Store, string>> {
  const absolute = path.resolve(file);
  fs.mkdirSync(path.dirname(absolute), { recursive: true });
  const created = !fs.existsSync(absolute);
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(absolute);
  } catch (e) {
    const message = (e as Error).message;
    if (/lock/i.test(message)) return err(`${absolute}: ${LOCK_HINT}`);
    return err(`cannot open database ${absolute}: ${message}`);
  }
  const connectWriter = async () => {
    const conn = await instance.connect();
    await conn.run(`SET checkpoint_threshold = '${Math.trunc(opts.checkpointThresholdMb ?? 128)}MB'`);
    if (opts.memoryLimitMb) await conn.run(`SET memory_limit = '${Math.trunc(opts.memoryLimitMb)}MB'`);
    return conn;
  };
  let writer = await connectWriter();
  await migrate(writer);
  const readers: DuckDBConnection[] = [];
  for (let i = 0; i < (opts.readers ?? 4); i++) readers.push(await instance.connect());
  const idle = [...readers];
  // While a compaction swaps the file, new reads wait here.
  let paused: Promise<void> | undefined;
  const waiting: Array<(c: DuckDBConnection) => void> = [];
  let writerChain: Promise<unknown> = Promise.resolve();
  // Closing a connection while a query runs on it crashes the process (native use after free), and a
  // request whose client has gone away can still be reading when the server stops: close waits for them.
  let closing = false;
  let allIdle: (() => void) | undefined;

  const store: Store = {
    backend: Backend.duckdb,
    path: absolute,
    created,
    get writer() {
      return writer;
    },
    async read(fn) {
      while (paused) await paused;
      if (closing) throw new Error("the database is closing");
      const conn = idle.pop() ?? (await new Promise<DuckDBConnection>((resolve) => waiting.push(resolve)));
      try {
        const signal = readSignal.getStore();
        return await (signal ? underSignal(conn, signal, fn) : fn(conn));
      } finally {
        const next = waiting.shift();
        if (next) next(conn);
        else idle.push(conn);
        if ((closing || paused) && idle.length === readers.length) allIdle?.();
      }
    },
    exclusive(fn) {
      const run = writerChain.then(() => fn(writer));
      writerChain = run.catch(() => undefined);
      return run;
    },
    compact(after) {
      return store.exclusive(async () => {
        let resume = () => {};
        paused = new Promise<void>((r) => {
          resume = r;
        });
        try {
          if (idle.length < readers.length)
            await new Promise<void>((r) => {
              allIdle = r;
            });
          allIdle = undefined;
          const fresh = `${absolute}.compact`;
          fs.rmSync(fresh, { force: true });
          fs.rmSync(`${fresh}.wal`, { force: true });
          const [db] = await all(writer, "SELECT current_database() AS name");
          const name = String(db?.name).replaceAll('"', '""');
          await writer.run(`ATTACH '${fresh.replaceAll("'", "''")}' AS itinera_compact`);
          try {
            await writer.run(`COPY FROM DATABASE "${name}" TO itinera_compact`);
          } finally {
            await writer.run("DETACH itinera_compact");
          }
          for (const c of readers) c.closeSync();
          writer.closeSync();
          instance.closeSync();
          // The rename replaces the old file; its WAL was folded into the copy.
          fs.renameSync(fresh, absolute);
          fs.rmSync(`${absolute}.wal`, { force: true });
          instance = await DuckDBInstance.create(absolute);
          writer = await connectWriter();
          for (let i = 0; i < readers.length; i++) readers[i] = await instance.connect();
          idle.splice(0, idle.length, ...readers);
          await after?.(writer);
        } finally {
          paused = undefined;
          resume();
        }
      });
    },
    async close() {
      closing = true;
      if (idle.length < readers.length) {
        const done = new Promise<void>((resolve) => {
          allIdle = resolve;
        });
        await done;
      }
      await writerChain;
      for (const c of readers) c.closeSync();
      // A checkpoint folds the WAL into the file so the next open is fast.
      await writer.run("CHECKPOINT").catch(() => undefined);
      writer.closeSync();
      instance.closeSync();
    },
  };
  return ok(store);
}

async function migrate(conn: DuckDBConnection): Promise<void> {
  await conn.run(
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMP)",
  );
  const rows = await all(conn, "SELECT coalesce(max(version), 0) AS v FROM schema_migrations");
  const current = Number(rows[0]?.v ?? 0);
  for (let v = current; v < migrations.length; v++) {
    await conn.run("BEGIN TRANSACTION");
    try {
      await conn.run(migrations[v]!);
      await conn.run("INSERT INTO schema_migrations VALUES ($1, now())", [v + 1]);
      await conn.run("COMMIT");
    } catch (e) {
      await conn.run("ROLLBACK");
      throw e;
    }
  }
}
