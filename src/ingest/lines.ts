/** The longest line read: a longer one (a file without line ends, a corrupt log) is skipped as a bad record. */
export const MAX_LINE_BYTES = 1 << 20;

const LF = 10;
const CR = 13;

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
  let carry: Buffer | undefined;
  let number = 0;
  let terminator = LF;
  let decided = false;
  // Inside a line over the cap: its bytes are dropped up to its end.
  let dropping = false;
  const tooLong = (): void => skip(++number, `a line longer than ${MAX_LINE_BYTES / (1 << 20)} MiB (no line ends, or not a log); skipped`);
  for await (const chunk of bytes) {
    const buffer = carry === undefined ? chunk : Buffer.concat([carry, chunk]);
    if (!decided) {
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
      if (end < 0) {
        carry = undefined;
        continue;
      }
      dropping = false;
      start = end + 1;
    }
    for (let newline = buffer.indexOf(terminator, start); newline >= 0; newline = buffer.indexOf(terminator, start)) {
      if (newline - start > MAX_LINE_BYTES) tooLong();
      else line(buffer, start, terminator === LF && newline > start && buffer[newline - 1] === CR ? newline - 1 : newline, ++number);
      start = newline + 1;
    }
    if (buffer.length - start > MAX_LINE_BYTES) {
      tooLong();
      dropping = true;
      carry = undefined;
    } else {
      carry = start < buffer.length ? buffer.subarray(start) : undefined;
    }
  }
  if (carry !== undefined) line(carry, 0, carry[carry.length - 1] === CR ? carry.length - 1 : carry.length, ++number);
  return number;
}

/** The lines of a text, whatever its line ends (`\n`, `\r\n`, `\r`): for headers and format detection. */
export function textLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}
