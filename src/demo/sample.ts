// The built-in demo data set: a month of Hanbit Electronics customers on every channel, as the
// Segment-spec messages an SDK or back-office system would send, oldest first and fully reproducible.
import { buildCustomers } from "./customers.js";
import { journey } from "./journeys.js";
import { mixSeed, Random } from "./random.js";
import { type Draft, sampleWindow } from "./timeline.js";

export interface SampleOptions {
  customers: number;
  seed: number;
  now: Date;
  days: number;
}

interface Head {
  draft: Draft;
  rest: Iterator<Draft>;
  customer: number;
}

/** A binary min-heap of each customer's next message: merging keeps memory to one head per customer. */
class Heads {
  private readonly items: Head[] = [];

  get size(): number {
    return this.items.length;
  }

  private static before(a: Head, b: Head): boolean {
    return a.draft.at < b.draft.at || (a.draft.at === b.draft.at && a.customer < b.customer);
  }

  push(h: Head): void {
    const a = this.items;
    a.push(h);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!Heads.before(a[i]!, a[parent]!)) break;
      [a[i], a[parent]] = [a[parent]!, a[i]!];
      i = parent;
    }
  }

  pop(): Head | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && Heads.before(a[l]!, a[m]!)) m = l;
        if (r < a.length && Heads.before(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

/** Yields Segment-spec messages (plain JSON objects as an SDK would POST to /v1/batch items), oldest first. */
export function* sampleMessages(opts: SampleOptions): Generator<Record<string, unknown>> {
  const { seed, days } = opts;
  const now = opts.now.getTime();
  if (!Number.isInteger(opts.customers) || opts.customers < 0)
    throw new RangeError("customers must be a whole number ≥ 0");
  if (!(days > 0) || Number.isNaN(now)) throw new RangeError("days must be > 0 and now a valid date");
  const window = sampleWindow(now, days);
  const heads = new Heads();
  const advance = (rest: Iterator<Draft>, customer: number) => {
    const next = rest.next();
    if (!next.done) heads.push({ draft: next.value, rest, customer });
  };
  for (const c of buildCustomers(opts.customers, seed)) {
    advance(journey(c, new Random(mixSeed(seed, c.index)), window, seed), c.index);
  }
  let n = 0;
  for (let h = heads.pop(); h; h = heads.pop()) {
    const { type, ...rest } = h.draft.message;
    // Ids count in output order, so the same options always give the same ids and a reload dedupes.
    yield { type, messageId: `demo-${seed}-${++n}`, timestamp: new Date(h.draft.at).toISOString(), ...rest };
    advance(h.rest, h.customer);
  }
}
