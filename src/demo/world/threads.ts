// Runs the demo world's shards in worker threads (or, from TypeScript sources as in tests, in this
// thread) and hands the main thread each day of every shard, in day order. A worker runs at most
// AHEAD days before the main thread has taken its days, so memory stays bounded by a few days.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import type { DayChunk } from "./chunks.js";
import { type Shard, World, type WorldOptions } from "./world.js";

const AHEAD = 2;

type Message =
  | { kind: "day"; chunk: DayChunk }
  | { kind: "done"; counts: Array<[string, number]> }
  | { kind: "failed"; message: string };

/** Live heap is about 2.5 KB per customer plus a few days of messages; the cap leaves room for both. */
const heapCapMb = (customers: number) => Math.round(320 + customers * 0.004);

/** Worker threads for a world of this size: one per core, but none for a world too small to gain. */
export function defaultWorkers(customers: number): number {
  return customers < 5000 ? 1 : Math.max(1, Math.min(4, os.availableParallelism()));
}

export interface ShardSource {
  /** The next day's chunk of this shard, undefined after the last. */
  next(): Promise<DayChunk | undefined>;
  /** Messages per event name; complete once next() returned undefined. */
  counts(): Map<string, number>;
  stop(): Promise<void>;
}

function inThread(options: WorldOptions, shard: Shard): ShardSource {
  const world = new World(options, shard);
  const days = world.days();
  return {
    next: async () => {
      const r = days.next();
      return r.done ? undefined : r.value;
    },
    counts: () => new Map(world.counts),
    stop: async () => undefined,
  };
}

const workerFile = path.join(path.dirname(fileURLToPath(import.meta.url)), "threads.js");

function inWorker(options: WorldOptions, shard: Shard): ShardSource {
  const worker = new Worker(workerFile, {
    workerData: { options: { ...options, end: options.end.toISOString() }, shard },
    resourceLimits: {
      maxOldGenerationSizeMb: heapCapMb(options.customers / shard.count),
      // Every message is a few short-lived strings: a young generation twice V8's default cut the
      // generator's CPU time by 7–15% at 2M events (15.3–15.5 s against 16.4–18.5 s), ~2% at 10M
      // (111 s against 113 s), for ~100 MB more RSS (871 MiB peak at 10M).
      maxYoungGenerationSizeMb: 96,
    },
  });
  const queue: DayChunk[] = [];
  let counts: Map<string, number> | undefined;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const poke = () => {
    wake?.();
    wake = undefined;
  };
  worker.on("message", (m: Message) => {
    if (m.kind === "day") queue.push(m.chunk);
    else if (m.kind === "done") counts = new Map(m.counts);
    else failure = new Error(`demo world shard ${shard.index} failed: ${m.message}`);
    poke();
  });
  worker.on("error", (e) => {
    failure = e;
    poke();
  });
  worker.on("exit", (code) => {
    if (!counts && !failure)
      failure = new Error(`demo world shard ${shard.index} stopped (exit code ${code})`);
    poke();
  });
  return {
    async next() {
      for (;;) {
        const chunk = queue.shift();
        if (chunk) {
          worker.postMessage(chunk.day);
          return chunk;
        }
        if (failure) throw failure;
        if (counts) return undefined;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
    counts: () => counts ?? new Map(),
    stop: async () => {
      await worker.terminate();
    },
  };
}

/**
 * One source per shard. `workers` threads when the compiled worker file exists; from sources (tests)
 * the same shards run in this thread, which gives the same bytes.
 */
export function shardSources(options: WorldOptions, workers: number): ShardSource[] {
  const count = Math.max(1, Math.min(workers, options.customers));
  const threads = count > 1 && fs.existsSync(workerFile);
  return Array.from({ length: count }, (_, index) =>
    threads ? inWorker(options, { index, count }) : inThread(options, { index, count }),
  );
}

/** The worker: simulates its shard day by day, pausing when AHEAD days are not yet taken. */
async function runShard(): Promise<void> {
  const port = parentPort!;
  const job = workerData as { options: Omit<WorldOptions, "end"> & { end: string }; shard: Shard };
  const world = new World({ ...job.options, end: new Date(job.options.end) }, job.shard);
  let taken = -1;
  let wake: (() => void) | undefined;
  port.on("message", (day: number) => {
    taken = Math.max(taken, day);
    wake?.();
    wake = undefined;
  });
  for (const chunk of world.days()) {
    const day = chunk.day;
    const transfer = [chunk.bytes.buffer, chunk.ends.buffer, chunk.at.buffer, chunk.c.buffer, chunk.s.buffer];
    port.postMessage({ kind: "day", chunk } satisfies Message, transfer as ArrayBuffer[]);
    while (day - taken >= AHEAD)
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
  }
  port.postMessage({ kind: "done", counts: [...world.counts.entries()] } satisfies Message);
  port.close();
}

if (!isMainThread && parentPort && (workerData as { shard?: Shard })?.shard) {
  runShard().catch((e: unknown) =>
    parentPort!.postMessage({ kind: "failed", message: String((e as Error)?.stack ?? e) } satisfies Message),
  );
}
