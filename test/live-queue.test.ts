// A slow live client costs bounded memory: its stream queues at most `capacity` messages while its socket
// is full, drops the oldest past that, and tells the client how many it lost before the newest.
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { LiveFeed, LiveStream } from "../src/live/feed.js";
import { DroppingQueue } from "../src/live/queue.js";
import type { LiveEvent } from "../src/live/schema.js";

/** A socket that takes writes into its buffer and completes them only when the test says so. */
class StalledSocket extends Writable {
  readonly received: string[] = [];
  private pending: Array<() => void> = [];
  constructor(highWaterMark: number) {
    super({ highWaterMark, decodeStrings: false });
  }
  override _write(chunk: string, _enc: BufferEncoding, done: () => void): void {
    this.received.push(String(chunk));
    this.pending.push(done);
  }
  /** Lets the client read everything written so far, and what that lets the stream write next. */
  async readAll(): Promise<void> {
    while (this.pending.length > 0) {
      for (const done of this.pending.splice(0)) done();
      await new Promise((r) => setImmediate(r));
    }
  }
}

const event = (n: number): Omit<LiveEvent, "id"> => ({
  messageId: `m-${n}`,
  type: "track",
  event: "Product Viewed",
  channel: "web",
  timestamp: new Date(1_700_000_000_000 + n).toISOString(),
  receivedAt: new Date(1_700_000_000_000 + n).toISOString(),
  customerId: n % 7,
  touchpoint: null,
  stageChange: null,
});

describe("DroppingQueue", () => {
  it("keeps the newest `capacity` items in order and counts the dropped ones", () => {
    const q = new DroppingQueue<number>(3);
    for (let i = 1; i <= 10; i++) q.push(i);
    expect(q.size).toBe(3);
    expect(q.takeDropped()).toBe(7);
    expect(q.takeDropped()).toBe(0);
    expect([q.shift(), q.shift(), q.shift(), q.shift()]).toEqual([8, 9, 10, undefined]);
    q.push(11);
    expect(q.shift()).toBe(11);
    expect(q.size).toBe(0);
  });
});

describe("a slow live client", () => {
  it("holds at most its queue while stalled, then gets a skipped count and the newest events", async () => {
    const feed = new LiveFeed({ heartbeatSeconds: 60, queueMessages: 50 }, { now: () => Date.now() });
    const socket = new StalledSocket(4096);
    const stream = feed.open(socket, { topics: new Set(["events"]), filter: {}, hello: {} });
    const total = 20_000;
    let maxQueued = 0;
    let maxBuffered = 0;
    for (let i = 0; i < total; i += 100) {
      feed.publish(Array.from({ length: 100 }, (_, k) => event(i + k)));
      maxQueued = Math.max(maxQueued, stream.queued);
      maxBuffered = Math.max(maxBuffered, socket.writableLength);
    }
    // The queue never passed its capacity; the socket's buffer held about its high-water mark (one frame past).
    expect(maxQueued).toBe(50);
    expect(maxBuffered).toBeLessThan(4096 + 1024);
    await socket.readAll();
    const frames = socket.received.join("").split("\n\n").filter(Boolean);
    const events = frames.filter((f) => f.includes("event: event\n"));
    const skipped = frames.filter((f) => f.includes("event: skipped\n"));
    expect(skipped).toHaveLength(1);
    const counted = JSON.parse(skipped[0]!.split("data: ")[1]!) as { skipped: number; total: number };
    // Every event was either delivered or counted as skipped, none twice.
    expect(events.length + counted.skipped).toBe(total);
    expect(counted.total).toBe(counted.skipped);
    expect(stream.skipped).toBe(counted.skipped);
    // The newest 50 arrived last, in order, after the notice.
    const ids = events.map((f) => Number(/^id: (\d+)/.exec(f)![1]));
    expect(ids.slice(-50)).toEqual(Array.from({ length: 50 }, (_, k) => total - 49 + k));
    expect(frames.indexOf(skipped[0]!)).toBeLessThan(frames.indexOf(events.at(-50)!));
    feed.close();
  });

  it("does not hold back a client that keeps up", async () => {
    const feed = new LiveFeed({ heartbeatSeconds: 60, queueMessages: 5 }, { now: () => Date.now() });
    const socket = new StalledSocket(1 << 20);
    const stream = feed.open(socket, { topics: new Set(["events"]), filter: { channel: "web" }, hello: {} });
    feed.publish(Array.from({ length: 100 }, (_, k) => event(k)));
    await socket.readAll();
    expect(stream.skipped).toBe(0);
    expect(socket.received.filter((c) => c.includes("event: event\n"))).toHaveLength(100);
    expect(stream).toBeInstanceOf(LiveStream);
    feed.close();
    expect(socket.writableEnded).toBe(true);
  });
});
