// The loader: moves the ingest log into the store. It takes the oldest segment (sealing the open one when
// nothing else waits, so batches grow with the load: while one segment is stored the next fills), hands it
// to the LoadTarget, deletes it once stored, and settles the requests that wait for their events to be
// readable (`?wait=stored`). A failed load keeps the segment and is retried with back-off; the events are
// durable in the log meanwhile, and `stats` shows the lag and the error.
import type { Logger } from "pino";
import type { BatchOutcome, TagOutcome } from "./batch.js";
import type { IngestLog, Segment } from "./log.js";

/** Where the loader stores events: DuckDB today (src/loader/duckdb-target.ts), ClickHouse later. */
export interface LoadTarget {
  /**
   * Stores one segment (a file of batch-shaped JSON lines) in one transaction. Loading the same segment
   * twice (a crash between storing and deleting it) stores nothing new: message ids deduplicate.
   */
  loadSegment(file: string): Promise<BatchOutcome>;
}

export interface LoaderSettings {
  /** After an idle loader wakes up, how long it lets a batch gather before sealing it. */
  lingerMs: number;
  /** First wait after a failed load; doubles up to a minute. */
  retryMs: number;
}

export interface LoaderStatus {
  /** Events acknowledged (in the log) and not yet stored. */
  pendingEvents: number;
  pendingBytes: number;
  /** Age of the oldest event not yet stored; 0 when nothing waits. */
  lagSeconds: number;
  /** Since this process started. */
  loadedBatches: number;
  loadedEvents: number;
  lastBatch: { events: number; stored: number; ms: number } | null;
  lastError: string | null;
}

interface Waiter {
  events: number;
  resolve: (o: TagOutcome) => void;
  reject: (e: Error) => void;
}

const MAX_RETRY_MS = 60_000;

export class Loader {
  private readonly waiters = new Map<number, Waiter>();
  private drainers: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  private wake: (() => void) | null = null;
  private kicked = false;
  /** Cuts a linger short: someone waits for everything to be stored (drain, stop). */
  private hurry: (() => void) | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private loadedBatches = 0;
  private loadedEvents = 0;
  private lastBatch: LoaderStatus["lastBatch"] = null;
  private lastError: string | null = null;

  constructor(
    private readonly log: IngestLog,
    private readonly target: LoadTarget,
    private readonly settings: LoaderSettings,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    if (this.running) return;
    this.log.onAppend = () => this.kick();
    this.running = this.loop();
  }

  private kick(): void {
    this.kicked = true;
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private async loop(): Promise<void> {
    let retry = this.settings.retryMs;
    while (!this.stopped) {
      let segment: Segment | null;
      try {
        segment = await this.log.next();
      } catch (e) {
        this.fail(null, e as Error);
        await this.pause(retry);
        continue;
      }
      if (!segment) {
        for (const d of this.drainers.splice(0)) d.resolve();
        if (this.stopped) break;
        if (!this.kicked) await new Promise<void>((r) => (this.wake = r));
        this.kicked = false;
        // Let a few more requests join the batch: fewer, larger transactions.
        if (this.settings.lingerMs > 0 && !this.stopped && this.drainers.length === 0)
          await Promise.race([
            this.pause(this.settings.lingerMs),
            new Promise<void>((r) => (this.hurry = r)),
          ]);
        this.hurry = null;
        continue;
      }
      const started = performance.now();
      try {
        const outcome = await this.target.loadSegment(segment.file);
        await this.log.remove(segment);
        this.settle(segment, outcome);
        this.loadedBatches++;
        this.loadedEvents += segment.events;
        this.lastBatch = {
          events: segment.events,
          stored: outcome.stored,
          ms: Math.round(performance.now() - started),
        };
        this.lastError = null;
        retry = this.settings.retryMs;
      } catch (e) {
        this.fail(segment, e as Error);
        await this.pause(retry);
        retry = Math.min(MAX_RETRY_MS, retry * 2);
      }
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((r) => {
      const t = setTimeout(r, ms);
      t.unref();
    });
  }

  private settle(segment: Segment, outcome: BatchOutcome): void {
    if (segment.firstTag === null || segment.lastTag === null) return;
    for (const [tag, w] of this.waiters) {
      if (tag < segment.firstTag || tag > segment.lastTag) continue;
      this.waiters.delete(tag);
      // A tag with no row in the outcome had all its rows dropped as duplicates.
      w.resolve(outcome.perTag.get(tag) ?? { stored: 0, duplicates: w.events, suppressed: 0 });
    }
  }

  private fail(segment: Segment | null, e: Error): void {
    this.lastError = e.message.split("\n")[0] ?? "load failed";
    this.logger.error(
      { err: e, segment: segment?.file, events: segment?.events },
      "loading the ingest log failed; the events stay in the log and the load is retried",
    );
    // Requests that wait for storage are told now; their events are safe in the log and load on retry.
    if (segment && segment.firstTag !== null && segment.lastTag !== null) {
      for (const [tag, w] of this.waiters) {
        if (tag < segment.firstTag || tag > segment.lastTag) continue;
        this.waiters.delete(tag);
        w.reject(e);
      }
    }
    for (const d of this.drainers.splice(0)) d.reject(e);
  }

  /**
   * Resolves with the request's outcome once the segment holding `tag` is stored. Call before appending
   * the request's lines, so a fast loader cannot store them before anyone listens.
   */
  waitFor(tag: number, events: number): Promise<TagOutcome> {
    return new Promise((resolve, reject) => {
      this.waiters.set(tag, { events, resolve, reject });
    });
  }

  /** Forgets a waiter whose lines never reached the log. */
  forget(tag: number): void {
    this.waiters.delete(tag);
  }

  /** Resolves once everything appended before the call is stored (fails if a load fails meanwhile). */
  drain(): Promise<void> {
    if (!this.running) return Promise.reject(new Error("the loader is not running"));
    return new Promise((resolve, reject) => {
      this.drainers.push({ resolve, reject });
      this.kick();
      this.hurry?.();
    });
  }

  status(): LoaderStatus {
    const b = this.log.backlog();
    return {
      pendingEvents: b.events,
      pendingBytes: b.bytes,
      lagSeconds: b.oldestAt === null ? 0 : Math.max(0, (this.now() - b.oldestAt) / 1000),
      loadedBatches: this.loadedBatches,
      loadedEvents: this.loadedEvents,
      lastBatch: this.lastBatch,
      lastError: this.lastError,
    };
  }

  /** Stores what is left (unless `drain` is false), then stops. */
  async stop(opts: { drain?: boolean } = {}): Promise<void> {
    if (opts.drain !== false && this.running) await this.drain().catch(() => undefined);
    this.stopped = true;
    this.kick();
    this.hurry?.();
    await this.running;
    this.running = null;
  }
}
