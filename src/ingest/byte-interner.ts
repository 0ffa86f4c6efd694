/**
 * The first size of the hot path's growing tables (interners, line tails, group tables). Small, so
 * that they grow within the first lines read, before V8 compiles the code that uses them: compiled
 * with type feedback for growing, that code is kept; compiled before a table first grew (at 1,024
 * entries), it was thrown away and compiled again at each first growth (a 1M-line Postfix log: 25
 * such deoptimizations and 193 ms of compiling in one thread, 17 and 157 ms so).
 */
export const SMALL_TABLE = 8;

/**
 * Gives each distinct byte string a small integer id without making a JS string of it: an open-
 * addressing hash table over a byte arena. The reading hot path looks up senders, addresses, TLS
 * spellings and mechanisms this way, and decodes a value only the first time it is seen.
 */
export class ByteInterner {
  // Small at first (see SMALL_TABLE): the tables grow while the reader is young.
  private slots = new Int32Array(SMALL_TABLE * 2);
  private hashes = new Int32Array(SMALL_TABLE);
  private starts = new Int32Array(SMALL_TABLE);
  private lengths = new Int32Array(SMALL_TABLE);
  private arena = new Uint8Array(SMALL_TABLE * 8);
  private used = 0;
  /** Number of ids given out; ids are 0 … size-1 in order of first sight. */
  size = 0;

  /** The id of bytes [start, end) of a buffer; a new id is `size - 1` after the call. */
  intern(bytes: Uint8Array, start: number, end: number): number {
    // Hashed four bytes a step (one multiply each), then byte by byte.
    const length = end - start;
    let hash = Math.imul(length, -1640531535);
    let i = start;
    for (; i + 4 <= end; i += 4) {
      hash = Math.imul(hash ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)), -2048144789);
      hash ^= hash >>> 15;
    }
    for (; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 16777619);
    hash ^= hash >>> 13;
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]!;
      if (entry === 0) return this.insertBytes(slot, hash, bytes, start, end);
      const id = entry - 1;
      if (this.hashes[id] === hash && this.lengths[id] === length && this.same(id, bytes, start, length)) return id;
    }
  }

  /**
   * The id of a tuple of byte ranges of a buffer, (starts[k], ends[k]) for k < count (a start of -1 is
   * an empty part). Each part is stored behind a length byte, so ("ab", "c") and ("a", "bc") differ;
   * -1 when a part is 255 bytes or longer (the caller then looks the parts up one by one).
   */
  internTuple(bytes: Uint8Array, starts: Int32Array, ends: Int32Array, count: number): number {
    let hash = -2128831035;
    let length = count;
    for (let k = 0; k < count; k++) {
      const start = starts[k]!;
      const end = start < 0 ? start : ends[k]!;
      if (end - start >= 255) return -1;
      hash = Math.imul(hash ^ (end - start), 16777619);
      for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 16777619);
      length += end - start;
    }
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]!;
      if (entry === 0) return this.insertTuple(slot, hash, length, bytes, starts, ends, count);
      const id = entry - 1;
      if (this.hashes[id] === hash && this.lengths[id] === length && this.sameTuple(id, bytes, starts, ends, count)) return id;
    }
  }

  private sameTuple(id: number, bytes: Uint8Array, starts: Int32Array, ends: Int32Array, count: number): boolean {
    let at = this.starts[id]!;
    for (let k = 0; k < count; k++) {
      const start = starts[k]!;
      const end = start < 0 ? start : ends[k]!;
      if (this.arena[at++] !== end - start) return false;
      for (let i = start; i < end; i++) if (this.arena[at++] !== bytes[i]) return false;
    }
    return true;
  }

  private insertTuple(slot: number, hash: number, length: number, bytes: Uint8Array, starts: Int32Array, ends: Int32Array, count: number): number {
    const id = this.reserve(slot, hash, length);
    const arena = this.arena;
    let at = this.starts[id]!;
    for (let k = 0; k < count; k++) {
      const start = starts[k]!;
      const end = start < 0 ? start : ends[k]!;
      arena[at++] = end - start;
      for (let i = start; i < end; i++) arena[at++] = bytes[i]!;
    }
    return id;
  }

  /** The bytes of an id as UTF-8 text. */
  text(id: number): string {
    return Buffer.from(this.arena.buffer, this.arena.byteOffset + this.starts[id]!, this.lengths[id]!).toString("utf8");
  }

  /** The bytes of an id as latin1 text (a character a byte): they survive any trip as text, valid UTF-8 or not. */
  latin1(id: number): string {
    return Buffer.from(this.arena.buffer, this.arena.byteOffset + this.starts[id]!, this.lengths[id]!).toString("latin1");
  }

  private same(id: number, bytes: Uint8Array, start: number, length: number): boolean {
    const at = this.starts[id]!;
    for (let i = 0; i < length; i++) if (this.arena[at + i] !== bytes[start + i]) return false;
    return true;
  }

  /** Adds bytes [start, end) of a buffer under a new id, copied byte by byte (values are short: a subarray for `set` made an object per new value). */
  private insertBytes(slot: number, hash: number, bytes: Uint8Array, start: number, end: number): number {
    const id = this.reserve(slot, hash, end - start);
    const arena = this.arena;
    for (let i = start, at = this.starts[id]!; i < end; i++, at++) arena[at] = bytes[i]!;
    return id;
  }

  /** A new id for `length` bytes at `slot` of the table, their room in the arena (starts[id]) left for the caller to fill. */
  private reserve(slot: number, hash: number, length: number): number {
    const id = this.size++;
    if (id === this.hashes.length) {
      this.hashes = grow(this.hashes);
      this.starts = grow(this.starts);
      this.lengths = grow(this.lengths);
    }
    while (this.used + length > this.arena.length) {
      const bigger = new Uint8Array(this.arena.length * 2);
      bigger.set(this.arena);
      this.arena = bigger;
    }
    this.hashes[id] = hash;
    this.starts[id] = this.used;
    this.lengths[id] = length;
    this.used += length;
    this.slots[slot] = id + 1;
    if (this.size * 2 > this.slots.length) this.rehash();
    return id;
  }

  private rehash(): void {
    this.slots = doubledSlots(this.hashes, this.size, this.slots.length);
  }
}

/** An open-addressing slot table twice as large, holding ids 0 … size-1 (stored as id + 1) by their hashes. */
export function doubledSlots(hashes: Int32Array, size: number, length: number): Int32Array<ArrayBuffer> {
  const slots = new Int32Array(length * 2);
  const mask = slots.length - 1;
  for (let id = 0; id < size; id++) {
    let slot = hashes[id]! & mask;
    while (slots[slot] !== 0) slot = (slot + 1) & mask;
    slots[slot] = id + 1;
  }
  return slots;
}

/** A copy of an Int32Array twice as long. */
export function grow(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
