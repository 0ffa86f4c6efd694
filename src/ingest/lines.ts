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
