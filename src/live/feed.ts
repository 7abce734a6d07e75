// The live feed: events as they are stored (published by the loader's target after each batch commits,
// with the stitched customer and the current catalogue's touchpoint) and the journey tables' generation
// when a refresh changes it, fanned out to server-sent-event streams. Each stream has a bounded queue: a
// client that reads slower than events arrive loses the oldest and is told how many, never the server's
// memory. Publishing costs nothing while no stream wants events.
import type { Writable } from "node:stream";
import type { Clock } from "../clock.js";
import { DroppingQueue } from "./queue.js";
import { type Freshness, type LiveEvent, type LiveFilter, type LiveTopic, matchesFilter } from "./schema.js";

export interface LiveFeedSettings {
  heartbeatSeconds: number;
  queueMessages: number;
}

/** Events kept for a client that reconnects with Last-Event-ID. */
const REPLAY = 200;
/** Customers whose stage the feed remembers between journey refreshes. */
const LEVELS = 10_000;

/** One SSE frame: `id:` (events only), `event:`, one `data:` line of JSON. */
const frame = (event: string, data: unknown, id?: number) =>
  `${id === undefined ? "" : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/** One open stream: writes while the client keeps up, queues (bounded) while its socket is full. */
export class LiveStream {
  private readonly queue: DroppingQueue<string>;
  private waiting = false;
  private closed = false;
  /** Frames dropped for this client since it connected. */
  skipped = 0;

  constructor(
    private readonly out: Writable,
    capacity: number,
    readonly topics: ReadonlySet<LiveTopic>,
    readonly filter: LiveFilter,
  ) {
    this.queue = new DroppingQueue(capacity);
    out.once("close", () => {
      this.closed = true;
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Frames waiting for the client (bounded by the queue's capacity). */
  get queued(): number {
    return this.queue.size;
  }

  offer(chunk: string): void {
    if (this.closed) return;
    this.queue.push(chunk);
    this.flush();
  }

  /** A comment line, only when the client is keeping up (a busy stream needs none). */
  heartbeat(): void {
    if (!this.closed && !this.waiting && this.queue.size === 0) this.write(": heartbeat\n\n");
  }

  private write(chunk: string): void {
    if (this.out.write(chunk)) return;
    this.waiting = true;
    this.out.once("drain", () => {
      this.waiting = false;
      this.flush();
    });
  }

  private flush(): void {
    while (!this.waiting && !this.closed) {
      const dropped = this.queue.takeDropped();
      if (dropped > 0) {
        this.skipped += dropped;
        this.write(frame("skipped", { skipped: dropped, total: this.skipped }));
        continue;
      }
      const next = this.queue.shift();
      if (next === undefined) return;
      this.write(next);
    }
  }

  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.out.end();
  }
}

/** A Map that forgets its oldest entry past `capacity`. */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly capacity: number) {
    super();
  }

  override set(key: K, value: V): this {
    this.delete(key);
    super.set(key, value);
    if (this.size > this.capacity) {
      const oldest = this.keys().next();
      if (!oldest.done) this.delete(oldest.value);
    }
    return this;
  }
}

export class LiveFeed {
  private readonly streams = new Set<LiveStream>();
  private readonly recent: LiveEvent[] = [];
  private seq = 0;
  private lastStored: number | null = null;
  private readonly timer: NodeJS.Timeout;
  private ended = false;
  /** Called after a batch with new events is stored (the server schedules a journey refresh). */
  onStored: (() => void) | undefined;
  /**
   * Stages live events moved customers to since the last journey refresh (customer → stage position),
   * so a customer's second batch is judged against the first one's stage, not the older refresh's.
   */
  readonly levels = new BoundedMap<number, { stage: number; at: number }>(LEVELS);

  constructor(
    private readonly settings: LiveFeedSettings,
    private readonly clock: Clock,
  ) {
    this.timer = setInterval(() => {
      for (const s of this.streams) s.heartbeat();
    }, settings.heartbeatSeconds * 1000);
    this.timer.unref();
  }

  /** "Now" on the server's clock (journey refresh times are on it too). */
  now(): number {
    return this.clock.now();
  }

  /** Whether any open stream wants events: reading a batch back for the feed costs a query. */
  wantsEvents(): boolean {
    for (const s of this.streams) if (s.topics.has("events")) return true;
    return false;
  }

  get listeners(): number {
    return this.streams.size;
  }

  get lastStoredAt(): string | null {
    return this.lastStored === null ? null : new Date(this.lastStored).toISOString();
  }

  /** A batch stored `count` new events (whether or not anyone reads them). */
  stored(count: number): void {
    if (count <= 0 || this.ended) return;
    this.lastStored = this.clock.now();
    this.onStored?.();
  }

  /** Hands stored events (oldest first) to the streams whose filter they match. */
  publish(events: ReadonlyArray<Omit<LiveEvent, "id">>): void {
    if (this.ended) return;
    for (const e of events) {
      const event: LiveEvent = { id: ++this.seq, ...e };
      this.recent.push(event);
      if (this.recent.length > REPLAY) this.recent.shift();
      const chunk = frame("event", event, event.id);
      for (const s of this.streams)
        if (s.topics.has("events") && matchesFilter(event, s.filter)) s.offer(chunk);
    }
  }

  /** The journey tables changed: dashboards reload what they show from them. */
  journeyChanged(freshness: Freshness): void {
    if (this.ended) return;
    // The journey tables now hold the stages that events stored before the refresh began gave.
    const since =
      freshness.refreshedAt === null ? Number.NEGATIVE_INFINITY : Date.parse(freshness.refreshedAt);
    for (const [customer, level] of this.levels) if (level.at < since) this.levels.delete(customer);
    const chunk = frame("journey", freshness);
    for (const s of this.streams) if (s.topics.has("journey")) s.offer(chunk);
  }

  /**
   * Opens a stream on `out`: a retry hint and a hello with the freshness, then, after a reconnect with
   * Last-Event-ID, the matching events it missed that are still remembered.
   */
  open(
    out: Writable,
    opts: { topics: ReadonlySet<LiveTopic>; filter: LiveFilter; lastEventId?: number; hello: unknown },
  ): LiveStream {
    const stream = new LiveStream(out, this.settings.queueMessages, opts.topics, opts.filter);
    if (this.ended) {
      stream.end();
      return stream;
    }
    this.streams.add(stream);
    out.once("close", () => this.streams.delete(stream));
    stream.offer(`retry: 3000\n${frame("hello", opts.hello)}`);
    const after = opts.lastEventId;
    if (after !== undefined && opts.topics.has("events"))
      for (const e of this.recent)
        if (e.id > after && matchesFilter(e, opts.filter)) stream.offer(frame("event", e, e.id));
    return stream;
  }

  /** Ends every stream (server shutdown) and takes no more. */
  close(): void {
    this.ended = true;
    clearInterval(this.timer);
    for (const s of this.streams) s.end();
    this.streams.clear();
  }
}
