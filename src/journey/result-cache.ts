// Finished results computed from the journey tables, kept by what they were computed from: the tables'
// generation (src/journey/refresh.ts raises it whenever a refresh changes them), the definitions and the
// query. The same inputs give the same result, so a result is served again instead of recomputed — a
// journey map of 10M events takes seconds, a hit a few milliseconds — and requests that arrive while it
// is computed share that one computation. Nothing expires by time: a new generation is a new key, and
// the least recently used entries leave once `capacity` is reached.

/** What a computation read: `keep` is false when its snapshot was not the one the key names. */
export interface Computed<T> {
  value: T;
  keep: boolean;
}

/** Tries another caller's failed computation may cost one caller before it fails itself. */
const SHARED_FAILURES = 2;

export class ResultCache {
  private readonly entries = new Map<string, Promise<unknown>>();

  constructor(private readonly capacity: number) {}

  /**
   * The result for `key`, computed by `compute` when no caller has it yet. A shared computation that
   * fails (its own client went away, its time limit passed) is not this caller's failure: it computes
   * its own instead.
   */
  async get<T>(key: string, compute: () => Promise<Computed<T>>): Promise<T> {
    for (let failures = 0; ; failures++) {
      const shared = this.entries.get(key) as Promise<T> | undefined;
      if (!shared || failures >= SHARED_FAILURES) return this.start(key, compute);
      // Re-inserted: the map's order is the order of use.
      this.entries.delete(key);
      this.entries.set(key, shared);
      try {
        return await shared;
      } catch {
        // Loop: start one of our own (or join one another caller started meanwhile).
      }
    }
  }

  /** Forgets everything: the benches clear it to time a computation, not a kept result. */
  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private start<T>(key: string, compute: () => Promise<Computed<T>>): Promise<T> {
    const drop = () => {
      if (this.entries.get(key) === running) this.entries.delete(key);
    };
    const running: Promise<T> = compute().then(
      (c) => {
        if (!c.keep) drop();
        return c.value;
      },
      (e: unknown) => {
        drop();
        throw e;
      },
    );
    this.entries.set(key, running);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(oldest);
    }
    return running;
  }
}
