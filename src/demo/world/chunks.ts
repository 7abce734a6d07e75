// A day of one shard's messages as flat memory (UTF-8 lines and their sort keys in typed arrays), so a
// worker hands it to the main thread without copying, and the merge of several shards copies byte
// ranges instead of building strings.
import fs from "node:fs";

export interface DayChunk {
  day: number;
  count: number;
  /** The day's lines, each ending in "\n"; `ends[i]` is where line i ends. */
  bytes: Uint8Array;
  ends: Uint32Array;
  /** Sort keys: time (ms, may be fractional), customer number, the customer's message number. */
  at: Float64Array;
  c: Uint32Array;
  s: Uint32Array;
}

const DIRECT = 2 ** 20;

/** Appends bytes to a file through a fixed buffer: memory stays flat however big the world. */
export class ByteWriter {
  private readonly buffer = Buffer.allocUnsafeSlow(8 * 2 ** 20);
  private used = 0;
  bytes = 0;

  constructor(private readonly fd: number) {}

  write(src: Uint8Array, from: number, to: number): void {
    const len = to - from;
    // A whole day of one shard goes to the file as it is: copying it first would cost as much again.
    if (this.used + len > this.buffer.length || len >= DIRECT) this.flush();
    if (len >= DIRECT) {
      for (let at = from; at < to; ) at += fs.writeSync(this.fd, src, at, to - at);
      this.bytes += len;
      return;
    }
    // Lines of a merge are short runs: a byte loop beats allocating a view per run.
    if (len < 256) for (let k = from; k < to; k++) this.buffer[this.used++] = src[k]!;
    else {
      this.buffer.set(src.subarray(from, to), this.used);
      this.used += len;
    }
  }

  flush(): void {
    let off = 0;
    while (off < this.used) off += fs.writeSync(this.fd, this.buffer, off, this.used - off);
    this.bytes += this.used;
    this.used = 0;
  }
}

/** Writes one day of every shard in the single-world order: time, then customer, then message. */
export function writeMerged(parts: readonly DayChunk[], out: ByteWriter): number {
  const live = parts.filter((p) => p.count > 0);
  if (live.length === 1) {
    const only = live[0]!;
    out.write(only.bytes, 0, only.bytes.length);
    return only.count;
  }
  const next = live.map(() => 0);
  let written = 0;
  for (;;) {
    // A linear scan for the first and second heads: there are a handful of shards, and customers never
    // repeat across shards, so (time, customer) orders any two lines of different shards.
    let best = -1;
    let second = -1;
    for (let k = 0; k < live.length; k++) {
      if (next[k]! >= live[k]!.count) continue;
      if (best < 0 || before(live[k]!, next[k]!, live[best]!, next[best]!)) {
        second = best;
        best = k;
      } else if (second < 0 || before(live[k]!, next[k]!, live[second]!, next[second]!)) second = k;
    }
    if (best < 0) return written;
    const p = live[best]!;
    const i = next[best]!;
    // The run of lines from this shard that still come before every other shard's next line.
    let end = i + 1;
    if (second < 0) end = p.count;
    else {
      const q = live[second]!;
      const j = next[second]!;
      while (end < p.count && before(p, end, q, j)) end++;
    }
    out.write(p.bytes, i === 0 ? 0 : p.ends[i - 1]!, p.ends[end - 1]!);
    written += end - i;
    next[best] = end;
  }
}

const before = (p: DayChunk, i: number, q: DayChunk, j: number): boolean =>
  p.at[i]! - q.at[j]! < 0 || (p.at[i] === q.at[j] && p.c[i]! < q.c[j]!);
