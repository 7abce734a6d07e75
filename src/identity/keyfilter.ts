// A Bloom filter over every identifier key in the store. Most identifiers in a busy stream are
// either cached or brand new; the filter answers "certainly new" without a database lookup.
// False positives only cost a lookup, so the filter may be smaller than ideal without harm.

const BITS_PER_KEY = 10;
const HASHES = 7;

/** FNV-1a with two seeds: fast, no dependencies, good enough spread for double hashing. */
function hashes(key: string): [number, number] {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ key.length;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  // `| 1` yields a signed int; keep the step unsigned or bit positions go negative (false negatives).
  return [h1 >>> 0, (h2 | 1) >>> 0];
}

export class KeyFilter {
  private readonly bits: Uint32Array;
  private readonly size: number;

  constructor(expectedKeys: number) {
    this.size = Math.max(1 << 20, Math.ceil(expectedKeys * BITS_PER_KEY));
    this.bits = new Uint32Array(Math.ceil(this.size / 32));
  }

  add(key: string): void {
    const [a, b] = hashes(key);
    for (let i = 0; i < HASHES; i++) {
      const bit = (a + i * b) % this.size;
      this.bits[bit >>> 5]! |= 1 << (bit & 31);
    }
  }

  /** False means the key was never added; true means it probably was. */
  mightContain(key: string): boolean {
    const [a, b] = hashes(key);
    for (let i = 0; i < HASHES; i++) {
      const bit = (a + i * b) % this.size;
      if ((this.bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}
