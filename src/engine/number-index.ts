/**
 * Numbers (non-negative safe integers) to dense indexes 0, 1, 2 … in order of first sight: an open-
 * addressing table over a Float64Array. A Map with keys beyond 2^31 boxes every key it is asked for,
 * which on the hot path means one garbage object per record; this does not.
 */
export class NumberIndex {
  // Small at first, to grow before V8 compiles the code that uses it (see the ingest's SMALL_TABLE).
  private keys = new Float64Array(16);
  private slots = new Int32Array(16);
  /** Number of keys held; the next new key gets this index. */
  size = 0;

  /** The index of a key, adding it when new (then the index is `size - 1`). */
  indexOf(key: number): number {
    const mask = this.slots.length - 1;
    for (let slot = hash(key) & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]!;
      if (entry === 0) {
        this.slots[slot] = ++this.size;
        this.keys[slot] = key;
        if (this.size * 2 > this.slots.length) this.grow();
        return this.size - 1;
      }
      if (this.keys[slot] === key) return entry - 1;
    }
  }

  private grow(): void {
    const keys = this.keys;
    const slots = this.slots;
    this.keys = new Float64Array(keys.length * 2);
    this.slots = new Int32Array(slots.length * 2);
    const mask = this.slots.length - 1;
    for (let i = 0; i < slots.length; i++) {
      if (slots[i] === 0) continue;
      let slot = hash(keys[i]!) & mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.slots[slot] = slots[i]!;
      this.keys[slot] = keys[i]!;
    }
  }
}

/** A 32-bit hash of a non-negative safe integer (for open-addressing tables of numbers). */
export function hash(key: number): number {
  const low = key >>> 0;
  const high = (key / 4294967296) >>> 0;
  let h = Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
