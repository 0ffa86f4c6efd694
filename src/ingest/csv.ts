import type { parse as parseType } from "csv-parse/sync";
import { createRequire } from "node:module";
import { InputError } from "../core/errors.js";
import { Zone } from "../core/zone.js";
import { InstantReader } from "../core/timestamp.js";
import { resolveColumns, type ColumnMap, type Field } from "./columns.js";
import { ByteFields, fieldBounds, setBounds } from "./byte-fields.js";
import { eachLine, textLines } from "./lines.js";
import { LineTails, NEW_TAIL } from "./line-tails.js";
import { RecordNormalizer, type ReadSettings } from "./normalize.js";
import type { ReadReport } from "./read-report.js";
import type { SubmissionSink } from "../core/record.js";

const DELIMITERS = [",", ";", "\t", "|"] as const;

/** The delimiter of a CSV from its header line: the candidate found most often outside quotes. */
export function detectDelimiter(headerLine: string): string {
  let best: string = ",";
  let bestCount = 0;
  for (const delimiter of DELIMITERS) {
    let count = 0;
    let quoted = false;
    for (const ch of headerLine) {
      if (ch === '"') quoted = !quoted;
      else if (ch === delimiter && !quoted) count++;
    }
    if (count > bestCount) {
      best = delimiter;
      bestCount = count;
    }
  }
  return best;
}

/**
 * True for a line before a CSV's header that is no header: PowerShell 5.1's `#TYPE ...` (Export-Csv
 * without -NoTypeInformation), or a line of delimiters and spaces alone (Excel saves rows left empty
 * above the table as `;;;`), blank lines too.
 */
export function isLineBeforeHeader(line: string): boolean {
  return line.startsWith("#TYPE ") || /^[,;\t| ]*$/.test(line);
}

/**
 * True when a line is no text a CSV header holds: C0 control characters other than tab, or U+FFFD
 * (the mark of bytes that were not text) in most of it. Binary data without NUL bytes.
 */
export function looksBinary(line: string): boolean {
  if (/[\x00-\x08\x0b\x0c\x0e-\x1f]/.test(line)) return true;
  let marks = 0;
  for (let at = line.indexOf("\uFFFD"); at >= 0; at = line.indexOf("\uFFFD", at + 1)) marks++;
  return marks * 2 > line.length;
}

/** What the user sees for binary data without NUL bytes (a NUL byte is told by detectFormat). */
export const binaryData = (source: string): InputError => new InputError(`${source}: not a format this tool reads (binary data?)`);

/** The header line of a CSV head and an Excel `sep=X` line before it, if any. */
function headerOf(head: Buffer): { delimiter: string; sepLine: boolean; header: string | undefined } {
  const lines = textLines(head.toString("utf8", 0, Math.min(head.length, 65_536)).replace(/^\uFEFF/, ""));
  const sep = /^sep=(.)\s*$/i.exec(lines[0] ?? "");
  const header = lines.slice(sep ? 1 : 0).find((line) => !isLineBeforeHeader(line));
  if (sep) return { delimiter: sep[1]!, sepLine: true, header };
  return { delimiter: detectDelimiter(header ?? ""), sepLine: false, header };
}

/** What a CSV splitter hands on: each record's fields and line, or why a record is broken. */
export interface CsvRecordHandler {
  record(fields: string[], line: number): void;
  broken(line: number, reason: string): void;
}

// A quoted field may run over this many lines (or bytes) before its opening quote is taken as a
// mistake: RFC 4180 sets no limit, and notes or addresses of hundreds of lines are valid.
const MAX_RECORD_LINES = 10_000;
const MAX_RECORD_CHARS = 1 << 20;

/**
 * Splits CSV lines into records. A line without a quote is split on the delimiter directly (the hot
 * path); any record with a quote goes to csv-parse, which stays the authority on quoting, including
 * fields that run over several lines. An opening quote never closed makes its first line a broken
 * record, and the lines after it are read again.
 */
export class CsvSplitter {
  private pending: string[] = [];
  private pendingLine = 0;
  // Quotes and characters of the pending lines, counted as they come (joining them each time is quadratic).
  private pendingQuotes = 0;
  private pendingChars = 0;

  /** True while a quoted field runs over lines: the next lines belong to it. */
  get open(): boolean {
    return this.pending.length > 0;
  }

  constructor(private readonly delimiter: string, private readonly handler: CsvRecordHandler) {}

  /** Takes the next line (without its line end). */
  line(text: string, number: number): void {
    if (this.pending.length > 0) {
      this.pending.push(text);
      this.pendingQuotes += quoteCount(text);
      this.pendingChars += text.length + 1;
      if (this.pendingQuotes % 2 === 0) {
        const joined = this.pending.join("\n");
        this.pending = [];
        this.quoted(joined, this.pendingLine);
      } else if (this.pending.length > MAX_RECORD_LINES || this.pendingChars > MAX_RECORD_CHARS) {
        this.giveUp();
      }
      return;
    }
    if (text.indexOf('"') < 0) {
      if (text !== "") this.handler.record(text.split(this.delimiter), number);
      return;
    }
    // An odd number of quotes is either a quote inside an unquoted field (csv-parse reads it as is)
    // or a quoted field that goes on in the next lines.
    if (quoteCount(text) % 2 === 1 && parseQuoted(text, this.delimiter) === undefined) {
      this.pending = [text];
      this.pendingLine = number;
      this.pendingQuotes = quoteCount(text);
      this.pendingChars = text.length;
      return;
    }
    this.quoted(text, number);
  }

  /** Ends the input: a record still open is broken. */
  end(): void {
    while (this.pending.length > 0) this.giveUp();
  }

  private quoted(text: string, number: number): void {
    const fields = parseQuoted(text, this.delimiter);
    if (fields === undefined) this.handler.broken(number, "broken CSV row (unbalanced quotes)");
    else if (fields.length > 1 || fields[0] !== "") this.handler.record(fields, number);
  }

  private giveUp(): void {
    const [, ...rest] = this.pending;
    const first = this.pendingLine;
    this.pending = [];
    this.handler.broken(first, "broken CSV row (a quote opened here is never closed)");
    rest.forEach((text, i) => this.line(text, first + 1 + i));
  }
}

function quoteCount(text: string): number {
  let count = 0;
  for (let at = text.indexOf('"'); at >= 0; at = text.indexOf('"', at + 1)) count++;
  return count;
}

// csv-parse is loaded at the first record with a quote (many logs have none).
let parseSync: typeof parseType | undefined;

/** One record with quotes, read by csv-parse; undefined when it is not valid CSV. */
function parseQuoted(text: string, delimiter: string): string[] | undefined {
  parseSync ??= (createRequire(import.meta.url)("csv-parse/sync") as { parse: typeof parseType }).parse;
  try {
    const records = parseSync(text, { delimiter, relax_quotes: true, relax_column_count: true, record_delimiter: ["\n", "\r\n"] }) as string[][];
    return records.length === 1 ? records[0] : records.length === 0 ? [""] : undefined;
  } catch {
    return undefined;
  }
}

/** The delimiter and header fields of a CSV from its first bytes, for reading a later part of it. */
export function csvHeader(head: Buffer): { delimiter: string; fields: string[] } | undefined {
  const { delimiter, header } = headerOf(head);
  // A header cell with a quoted line break ("TLS\nversion") runs past its first line: such a file is
  // read by one reader, which splits records by their quotes (review 11: two threads found no header).
  if (header === undefined || (header.split('"').length - 1) % 2 === 1) return undefined;
  return { delimiter, fields: parseQuoted(header, delimiter) ?? [] };
}

/**
 * Reads a CSV with a header row into submissions; bad rows are skipped and reported. With `part`, the
 * bytes are a later part of a file whose delimiter and header are given (line numbers then count from
 * the part's start). `watchQuotes` is handed a test of whether a quoted field is open at the current
 * line end (where a file was split for a second reader). Returns the number of lines read.
 */
export async function readCsv(
  source: string, head: Buffer, bytes: AsyncGenerator<Buffer>, maps: Map<Field, string>,
  settings: ReadSettings, report: ReadReport, sink: SubmissionSink, part?: { delimiter: string; fields: string[] },
  watchQuotes?: (open: () => boolean) => void,
): Promise<number> {
  const { delimiter, sepLine } = part === undefined ? headerOf(head) : { delimiter: part.delimiter, sepLine: false };
  const normalizer = new RecordNormalizer(sink, report, settings, source);
  let columns: ColumnMap["index"] | undefined;
  let width = 0;
  let zone = settings.zone;
  let stamps = new InstantReader(zone);
  const useHeader = (fields: string[]): void => {
    if (looksBinary(fields.join(delimiter))) throw binaryData(source);
    const resolved = resolveColumns(fields, maps, source);
    columns = resolved.index;
    report.columnsFound(source, columns.tls_version !== undefined, columns.auth !== undefined);
    width = fields.length;
    if (resolved.timestampInUtc) zone = Zone.named("UTC");
    stamps = new InstantReader(zone);
  };
  if (part !== undefined) useHeader(part.fields);
  const splitter = new CsvSplitter(delimiter, {
    broken: (line, reason) => report.skip(source, line, reason),
    record: (fields, line) => {
      if (columns === undefined) return useHeader(fields);
      // A row of empty cells (Excel writes `;;;;` for a blank row) is a blank line, not a bad record.
      if (fields.every((cell) => cell.trim() === "")) return;
      if (fields.length !== width) {
        if (fields.length < width || fields.slice(width).some((cell) => cell.trim() !== "")) {
          report.skip(source, line, `${fields.length} fields where the header has ${width} (a delimiter inside an unquoted field, or a cut line?)`);
          return;
        }
      }
      const at = columns;
      normalizer.accept(
        line, zone, fields[at.timestamp], fields[at.sender],
        at.tls_version === undefined ? undefined : fields[at.tls_version],
        at.auth === undefined ? undefined : fields[at.auth],
        at.client_ip === undefined ? undefined : fields[at.client_ip],
        at.messages === undefined ? undefined : fields[at.messages],
        at.domain === undefined ? undefined : fields[at.domain],
        at.last_seen === undefined ? undefined : fields[at.last_seen],
      );
    },
  });
  watchQuotes?.(() => splitter.open);
  // The hot path: lines without a quote, with the header's number of fields, read as byte ranges.
  const delimiterByte = delimiter.charCodeAt(0);
  const fast = new ByteFields(normalizer, sink, report, source);
  const bounds = fieldBounds();
  let starts = new Int32Array(64);
  const asText = (buffer: Buffer, start: number, end: number, number: number): void => {
    let text = buffer.toString("utf8", start, end);
    if (number === 1 && part === undefined) {
      if (sepLine) return;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (columns === undefined && !splitter.open && isLineBeforeHeader(text)) return;
    splitter.line(text, number);
  };
  // The faster path still, for a timestamp in the first column: each distinct line tail (the bytes
  // after the timestamp) is split and looked up once; quoted fields without doubled quotes are read too.
  const tails = new LineTails();
  const tailBounds = fieldBounds();
  let ends = new Int32Array(64);
  /** The tuple of a new tail (see ByteFields.tuple), or -1 to read its lines the general way. */
  const resolveTail = (buffer: Buffer, stampStart: number, stampEnd: number, from: number, end: number): number => {
    starts[0] = stampStart;
    ends[0] = stampEnd;
    let count = 1;
    let i = from;
    for (;;) {
      if (count === starts.length) {
        starts = growInt32(starts);
        ends = growInt32(ends);
      }
      if (i < end && buffer[i] === 34) {
        // A quoted field: up to the next quote, which must end the field (no doubled quotes here).
        starts[count] = ++i;
        while (i < end && buffer[i] !== 34) i++;
        if (i >= end) return -1;
        ends[count++] = i++;
        if (i === end) break;
        if (buffer[i++] !== delimiterByte) return -1;
      } else {
        starts[count] = i;
        while (i < end && buffer[i] !== delimiterByte && buffer[i] !== 34) i++;
        if (buffer[i] === 34 && i < end) return -1;
        ends[count++] = i;
        if (i === end) break;
        i++;
      }
    }
    if (count !== width || columns === undefined) return -1;
    setBounds(tailBounds, columns, (column) => starts[column]!, (column) => ends[column]!);
    if (tailBounds.messagesStart >= 0) return -1;
    return fast.tuple(buffer, tailBounds);
  };
  const viaTail = (buffer: Buffer, start: number, end: number, number: number): boolean => {
    let stampStart = start;
    let i = start;
    if (buffer[start] === 34) {
      stampStart = ++i;
      while (i < end && buffer[i] !== 34) i++;
      if (i >= end) return false;
    } else {
      while (i < end && buffer[i] !== delimiterByte && buffer[i] !== 34) i++;
      if (i >= end || buffer[i] === 34) return false;
    }
    const stampEnd = i;
    if (buffer[i] === 34 && buffer[++i] !== delimiterByte) return false;
    const from = i + 1;
    let tuple = tails.valueOf(buffer, from, end);
    if (tuple === NEW_TAIL) tuple = tails.add(buffer, from, end, resolveTail(buffer, stampStart, stampEnd, from, end));
    if (tuple < 0) return false;
    const timestamp = stamps.read(buffer, stampStart, stampEnd);
    if (Number.isNaN(timestamp)) return false;
    fast.countTuple(tuple, timestamp, number, 1);
    return true;
  };
  const line = (buffer: Buffer, start: number, end: number, number: number): void => {
    if (columns === undefined || columns.domain !== undefined || columns.last_seen !== undefined || splitter.open || settings.plain) return asText(buffer, start, end, number);
    if (columns.timestamp === 0 && viaTail(buffer, start, end, number)) return;
    let count = 0;
    starts[0] = start;
    for (let i = start; i < end; i++) {
      const b = buffer[i];
      if (b === delimiterByte) {
        if (++count === starts.length) starts = growInt32(starts);
        starts[count] = i + 1;
      } else if (b === 34) {
        return asText(buffer, start, end, number);
      }
    }
    if (count + 1 !== width) return asText(buffer, start, end, number);
    setBounds(bounds, columns, (column) => starts[column]!, (column) => (column < count ? starts[column + 1]! - 1 : end));
    const counted = fast.take(buffer, bounds, zone, number);
    if (!counted) asText(buffer, start, end, number);
  };
  const lines = await eachLine(bytes, line, (number, reason) => report.skip(source, number, reason));
  splitter.end();
  if (columns === undefined) throw new InputError(`${source}: empty: no header row and no records`);
  return lines;
}

/** The fields of one CSV line (RFC 4180 quoting, no line breaks inside fields). */
export function splitCsvLine(line: string, delimiter = ","): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line.charCodeAt(i) === 34) {
      let value = "";
      let j = i + 1;
      for (;;) {
        const quote = line.indexOf('"', j);
        if (quote < 0) {
          value += line.slice(j);
          j = line.length;
          break;
        }
        value += line.slice(j, quote);
        if (line.charCodeAt(quote + 1) === 34) {
          value += '"';
          j = quote + 2;
        } else {
          j = quote + 1;
          break;
        }
      }
      const end = line.indexOf(delimiter, j);
      fields.push(end < 0 ? value + line.slice(j) : value + line.slice(j, end));
      i = end < 0 ? line.length + 1 : end + 1;
    } else {
      const end = line.indexOf(delimiter, i);
      fields.push(end < 0 ? line.slice(i) : line.slice(i, end));
      i = end < 0 ? line.length + 1 : end + 1;
    }
  }
  return fields;
}

function growInt32(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
