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
