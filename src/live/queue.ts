// A bounded first-in first-out queue for one slow reader: when it is full, the oldest item makes room
// for the newest and is counted, so a client that cannot keep up costs a fixed amount of memory and is
// told how much it missed instead of slowing the server or everyone else down.

export class DroppingQueue<T> {
  private items: T[] = [];
  private head = 0;
  private dropped = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error("capacity must be a positive integer");
  }

  get size(): number {
    return this.items.length - this.head;
  }

  /** Adds `item`; when full, drops the oldest first. */
  push(item: T): void {
    if (this.size >= this.capacity) {
      this.items[this.head] = undefined as T;
      this.head++;
      this.dropped++;
    }
    this.items.push(item);
    // Compact now and then rather than shifting the array on every take.
    if (this.head >= this.capacity) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  /** The oldest item, removed; undefined when empty. */
  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.items[this.head] as T;
    this.items[this.head] = undefined as T;
    this.head++;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    }
    return item;
  }

  /** How many items were dropped since the last call. */
  takeDropped(): number {
    const n = this.dropped;
    this.dropped = 0;
    return n;
  }
}
