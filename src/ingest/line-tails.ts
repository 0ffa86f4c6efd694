import { SMALL_TABLE, doubledSlots, grow } from "./byte-interner.js";

/**
 * The distinct line tails of a log (the bytes after each record's timestamp), each with a value the
 * reader gives it: a device repeats the same tail on every record, so the fields of a tail are found
 * and looked up once, and later lines with it cost one hash and one compare, both a word at a time.
 * Holds at most MAX_TAILS tails: an input whose tails rarely repeat (a column that changes on every
 * line) is then read the general way, and memory does not grow with the input.
 */
export class LineTails {
  // Small at first (see SMALL_TABLE): the tables grow while the reader is young.
  private slots = new Int32Array(SMALL_TABLE * 2);
  private hashes = new Int32Array(SMALL_TABLE);
  private starts = new Int32Array(SMALL_TABLE);
  private lengths = new Int32Array(SMALL_TABLE);
  private arena = new Uint8Array(SMALL_TABLE * 32);
  private arenaView = new DataView(this.arena.buffer);
  private used = 0;
  // Where find would put the tail it did not find (add uses it).
  private freeSlot = 0;
  private freeHash = 0;
  /** Number of tails held. */
  size = 0;
  // The value given to each tail by add.
  private values = new Int32Array(SMALL_TABLE);

  private view: DataView = new DataView(new ArrayBuffer(0));
  private viewOf: Uint8Array | undefined;

  /**
   * The value of the tail in bytes [start, end) of a buffer; NEW_TAIL when it was never seen (add
   * then gives it its value), -1 when it was never seen and no more can be held.
   */
  valueOf(bytes: Uint8Array, start: number, end: number): number {
    if (bytes !== this.viewOf) {
      this.viewOf = bytes;
      this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    }
    const id = this.find(bytes, this.view, start, end);
    return id >= 0 ? this.values[id]! : this.size >= MAX_TAILS ? -1 : NEW_TAIL;
  }

  /** The id of the tail in bytes [start, end) (`view` is a DataView of the same buffer), or -1 when new. */
  private find(bytes: Uint8Array, view: DataView, start: number, end: number): number {
    const length = end - start;
    let hash = Math.imul(length, -1640531535);
    let i = start;
    for (; i + 4 <= end; i += 4) {
      hash = Math.imul(hash ^ view.getInt32(i, true), -2048144789);
      hash ^= hash >>> 15;
    }
    for (; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 16777619);
    hash ^= hash >>> 13;
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]!;
      if (entry === 0) {
        this.freeSlot = slot;
        this.freeHash = hash;
        return -1;
      }
      const id = entry - 1;
      if (this.hashes[id] === hash && this.lengths[id] === length && this.same(id, bytes, view, start, end)) return id;
    }
  }

  private same(id: number, bytes: Uint8Array, view: DataView, start: number, end: number): boolean {
    const arena = this.arenaView;
    let at = this.starts[id]!;
    let i = start;
    for (; i + 4 <= end; i += 4, at += 4) if (view.getInt32(i, true) !== arena.getInt32(at, true)) return false;
    for (; i < end; i++, at++) if (bytes[i] !== this.arena[at]) return false;
    return true;
  }

  /** Adds the tail valueOf last found new, with its value (negative: read its lines another way); returns the value. */
  add(bytes: Uint8Array, start: number, end: number, value: number): number {
    const length = end - start;
    const id = this.size++;
    if (id === this.hashes.length) {
      this.hashes = grow(this.hashes);
      this.starts = grow(this.starts);
      this.lengths = grow(this.lengths);
      this.values = grow(this.values);
    }
    if (this.used + length > this.arena.length) {
      const bigger = new Uint8Array(Math.max(this.arena.length * 2, this.used + length));
      bigger.set(this.arena);
      this.arena = bigger;
      this.arenaView = new DataView(bigger.buffer);
    }
    // Byte by byte: a tail is short, and a subarray for `set` made two objects per new tail.
    for (let i = start, at = this.used; i < end; i++, at++) this.arena[at] = bytes[i]!;
    this.hashes[id] = this.freeHash;
    this.starts[id] = this.used;
    this.lengths[id] = length;
    this.values[id] = value < 0 ? -1 : value;
    this.used += length;
    this.slots[this.freeSlot] = id + 1;
    if (this.size * 2 > this.slots.length) this.rehash();
    return this.values[id]!;
  }

  private rehash(): void {
    this.slots = doubledSlots(this.hashes, this.size, this.slots.length);
  }
}

// Tails beyond this many are not kept (a few MB at most).
const MAX_TAILS = 1 << 18;

/** What valueOf says of a tail never seen. */
export const NEW_TAIL = -2;
