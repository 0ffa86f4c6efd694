/**
 * The lines of a byte stream in batches (one batch per chunk, so the per-line cost is a string split,
 * not an await). Line ends are `\n` or `\r\n`; a last line without an end is still a line.
 */
export async function* lineBatches(bytes: AsyncIterable<Buffer>): AsyncGenerator<string[]> {
  let carry: Buffer | undefined;
  for await (const chunk of bytes) {
    const last = chunk.lastIndexOf(0x0a);
    if (last < 0) {
      carry = carry === undefined ? chunk : Buffer.concat([carry, chunk]);
      continue;
    }
    const head = carry === undefined ? chunk.subarray(0, last) : Buffer.concat([carry, chunk.subarray(0, last)]);
    carry = last + 1 < chunk.length ? chunk.subarray(last + 1) : undefined;
    yield splitLines(head.toString("utf8"));
  }
  if (carry !== undefined && carry.length > 0) yield splitLines(carry.toString("utf8"));
}

function splitLines(text: string): string[] {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.length > 0 && line.charCodeAt(line.length - 1) === 13) lines[i] = line.slice(0, -1);
  }
  return lines;
}

/**
 * Calls `line` with each line of a byte stream as a range of a buffer (no string is made): the
 * reading hot path. Line ends are `\n` or `\r\n`; a last line without an end is still a line.
 * Returns the number of lines.
 */
export async function eachLine(bytes: AsyncIterable<Buffer>, line: (buffer: Buffer, start: number, end: number, number: number) => void): Promise<number> {
  let carry: Buffer | undefined;
  let number = 0;
  for await (const chunk of bytes) {
    const buffer = carry === undefined ? chunk : Buffer.concat([carry, chunk]);
    let start = 0;
    for (let newline = buffer.indexOf(10, start); newline >= 0; newline = buffer.indexOf(10, start)) {
      line(buffer, start, newline > start && buffer[newline - 1] === 13 ? newline - 1 : newline, ++number);
      start = newline + 1;
    }
    carry = start < buffer.length ? buffer.subarray(start) : undefined;
  }
  if (carry !== undefined) line(carry, 0, carry[carry.length - 1] === 13 ? carry.length - 1 : carry.length, ++number);
  return number;
}
