/** The longest line read: a longer one (a file without line ends, a corrupt log) is skipped as a bad record. */
export const MAX_LINE_BYTES = 1 << 20;

const LF = 10;
const CR = 13;
// Reading gives the event loop a turn every 20 ms or so (the clock is read every 64 KiB), so that
// a signal (Ctrl-C) is acted on promptly even while a large chunk is read on a busy machine.
const BYTES_PER_CHECK = 1 << 16;
const MS_PER_TURN = 20;
let lastTurn = performance.now();
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Calls `line` with each line of a byte stream as a range of a buffer (no string is made): the
 * reading hot path. Line ends are `\n` or `\r\n`, or `\r` alone in a file whose first line ends so
 * (old Mac Excel); a last line without an end is still a line. A line longer than MAX_LINE_BYTES is
 * dropped as it streams (never held whole) and handed to `skip` with its number. Returns the number
 * of lines.
 */
export async function eachLine(
  bytes: AsyncIterable<Buffer>,
  line: (buffer: Buffer, start: number, end: number, number: number) => void,
  skip: (number: number, reason: string) => void,
): Promise<number> {
  // The bytes of a line begun in one chunk, copied out of it: its source may fill the chunk again.
  let carry = Buffer.allocUnsafe(1 << 16);
  let carried = 0;
  const keep = (buffer: Buffer, from: number, to: number): void => {
    if (carried + to - from > carry.length) {
      const bigger = Buffer.allocUnsafe(Math.max(carry.length * 2, carried + to - from));
      carry.copy(bigger, 0, 0, carried);
      carry = bigger;
    }
    carried += buffer.copy(carry, carried, from, to);
  };
  let number = 0;
  let terminator = LF;
  let decided = false;
  // Inside a line over the cap: its bytes are dropped up to its end.
  let dropping = false;
  const tooLong = (): void => skip(++number, TOO_LONG);
  const scan: LineScan = { start: 0, number: 0 };
  for await (const chunk of bytes) {
    let buffer = chunk;
    if (!decided) {
      // The start of the input: the line end is decided over what was carried and this chunk together.
      if (carried > 0) {
        buffer = Buffer.concat([carry.subarray(0, carried), chunk]);
        carried = 0;
      }
      const lf = buffer.indexOf(LF);
      const cr = buffer.indexOf(CR);
      if (cr >= 0 && (lf < 0 || cr < lf) && cr + 1 < buffer.length) {
        decided = true;
        if (buffer[cr + 1] !== LF) terminator = CR;
      } else if (lf >= 0) {
        decided = true;
      }
    }
    let start = 0;
    if (dropping) {
      const end = buffer.indexOf(terminator);
      if (end < 0) continue;
      dropping = false;
      start = end + 1;
    } else if (carried > 0) {
      // The line carried ends in this chunk (or goes on through it): only that line is joined.
      const newline = buffer.indexOf(terminator);
      if (newline < 0) {
        keep(buffer, 0, buffer.length);
        if (carried > MAX_LINE_BYTES) {
          tooLong();
          dropping = true;
          carried = 0;
        }
        continue;
      }
      const length = carried + newline;
      if (length > MAX_LINE_BYTES) tooLong();
      else {
        const joined = Buffer.allocUnsafe(length);
        carry.copy(joined, 0, 0, carried);
        buffer.copy(joined, carried, 0, newline);
        line(joined, 0, terminator === LF && length > 0 && joined[length - 1] === CR ? length - 1 : length, ++number);
      }
      carried = 0;
      start = newline + 1;
    }
    scan.start = start;
    scan.number = number;
    while (scanLines(buffer, scan, terminator, line, skip)) {
      if (performance.now() - lastTurn > MS_PER_TURN) {
        await nextTurn();
        lastTurn = performance.now();
      }
    }
    start = scan.start;
    number = scan.number;
    if (buffer.length - start > MAX_LINE_BYTES) {
      tooLong();
      dropping = true;
    } else {
      keep(buffer, start, buffer.length);
    }
  }
  if (carried > 0) {
    const last = Buffer.from(carry.subarray(0, carried));
    line(last, 0, last[carried - 1] === CR ? carried - 1 : carried, ++number);
  }
  return number;
}

const TOO_LONG = `a line longer than ${MAX_LINE_BYTES / (1 << 20)} MiB (no line ends, or not a log); skipped`;

/** Where eachLine's scan of a chunk is: the next line's start and the lines so far. */
interface LineScan {
  start: number;
  number: number;
}

/**
 * Calls `line` for the lines of a chunk from `scan.start`, for about BYTES_PER_CHECK bytes; true when
 * it stopped there (a line end remains), false at the chunk's last line end. A function of its own,
 * called for each 64 KiB: V8 compiles it once, as called, where the loop inside eachLine was compiled
 * as it ran and then again as called (10 ms or so each time, in each reading thread).
 */
function scanLines(buffer: Buffer, scan: LineScan, terminator: number, line: (buffer: Buffer, start: number, end: number, number: number) => void, skip: (number: number, reason: string) => void): boolean {
  let start = scan.start;
  let number = scan.number;
  const until = start + BYTES_PER_CHECK;
  for (let newline = buffer.indexOf(terminator, start); newline >= 0; newline = buffer.indexOf(terminator, start)) {
    if (newline - start > MAX_LINE_BYTES) skip(++number, TOO_LONG);
    else line(buffer, start, terminator === LF && newline > start && buffer[newline - 1] === CR ? newline - 1 : newline, ++number);
    start = newline + 1;
    if (start > until) {
      scan.start = start;
      scan.number = number;
      return true;
    }
  }
  scan.start = start;
  scan.number = number;
  return false;
}

/** The lines of a text, whatever its line ends (`\n`, `\r\n`, `\r`): for headers and format detection. */
export function textLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/**
 * Tells whether a line holds a marker, searching each buffer once from line to line instead of each
 * line: most lines of a mail log hold none of the markers a reader looks for, and skip at memchr speed.
 */
export class LineMarker {
  private readonly needle: Buffer;
  /** The marker's length in bytes. */
  readonly length: number;
  private searched: Buffer | undefined;
  private found = -1;

  constructor(marker: string) {
    this.needle = Buffer.from(marker);
    this.length = this.needle.length;
  }

  /**
   * The marker's position in bytes [start, end) of the buffer, or -1; lines must come in order. With
   * `from`, where the marker usually is in a line (after another key), the search starts there and
   * goes back to the line's start only when it is not found after.
   */
  in(buffer: Buffer, start: number, end: number, from = start): number {
    if (buffer !== this.searched || (this.found >= 0 && this.found < start)) {
      this.searched = buffer;
      this.found = buffer.indexOf(this.needle, from);
      if (this.found < 0) this.found = Infinity;
    }
    if (this.found >= start && this.found < end) return this.found;
    if (from <= start) return -1;
    const before = buffer.subarray(start, from).indexOf(this.needle);
    return before < 0 ? -1 : start + before;
  }
}

/** How far around the place it was last seen a NearMarker looks before it searches the whole line. */
const NEAR_WINDOW = 48;

/**
 * Finds a marker that occurs at most once a line (a JSON object's quoted key) in lines that mostly hold
 * it at about the same place (journal entries of one program have their fields in one order): first
 * where it was in the line before (counted from the line's start, or its end for keys after a value of
 * varying length), then within NEAR_WINDOW bytes of there, and only then by a search of the line
 * (LineMarker). Since the marker occurs once, the occurrence found is the one a search finds.
 */
export class NearMarker {
  private readonly marker: LineMarker;
  private readonly needle: Buffer;
  /** The marker's length in bytes. */
  readonly length: number;
  private offset = -1;

  constructor(marker: string, private readonly fromEnd: boolean) {
    this.marker = new LineMarker(marker);
    this.needle = Buffer.from(marker);
    this.length = this.needle.length;
  }

  /** The marker's position in bytes [start, end), or -1; lines must come in order. `from` as LineMarker's. */
  in(buffer: Buffer, start: number, end: number, from = start): number {
    if (this.offset >= 0) {
      const guess = this.fromEnd ? end - this.offset : start + this.offset;
      if (this.at(buffer, guess, end)) return guess;
      const last = Math.min(end - this.length, guess + NEAR_WINDOW);
      const first0 = this.needle[0]!;
      for (let p = Math.max(start, guess - NEAR_WINDOW); p <= last; p++) {
        if (buffer[p] === first0 && this.at(buffer, p, end)) return this.seen(p, start, end);
      }
    }
    const found = this.marker.in(buffer, start, end, from);
    return found < 0 ? found : this.seen(found, start, end);
  }

  private seen(at: number, start: number, end: number): number {
    this.offset = this.fromEnd ? end - at : at - start;
    return at;
  }

  private at(b: Uint8Array, p: number, end: number): boolean {
    const n = this.needle;
    if (p < 0 || p + n.length > end) return false;
    for (let i = 0; i < n.length; i++) if (b[p + i] !== n[i]) return false;
    return true;
  }
}
