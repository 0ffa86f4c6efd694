import { UsageError } from "../core/errors.js";
import { ByteFields, fieldBounds, setBounds } from "./byte-fields.js";
import { ByteInterner } from "./byte-interner.js";
import { resolveColumns, type ColumnMap, type Field } from "./columns.js";
import { eachLine } from "./lines.js";
import { LineTails, NEW_TAIL } from "./line-tails.js";
import { InstantReader } from "../core/timestamp.js";
import { RecordNormalizer, type RawValue, type ReadSettings } from "./normalize.js";
import type { ReadReport } from "./read-report.js";
import type { SubmissionSink } from "../core/record.js";

const MAX_KEYS = 64;

/**
 * Reads one JSON object per line into submissions; keys are matched as CSV column names are. Flat
 * objects whose strings have no escapes are read from their bytes (the hot path); anything else
 * (escapes, nesting, odd values, a new shape of object) goes through JSON.parse. With `part`, the
 * bytes are a later part of a file (line numbers count from the part's start). Returns the number of
 * lines read.
 */
export async function readJsonl(
  source: string, bytes: AsyncGenerator<Buffer>, maps: Map<Field, string>,
  settings: ReadSettings, report: ReadReport, sink: SubmissionSink, part = false,
): Promise<number> {
  // Objects of one shape share a column map; a new shape is resolved once.
  const mapsByShape = new Map<string, ColumnMap | string>();
  const normalizer = new RecordNormalizer(sink, report, settings, source);
  const fast = new ByteFields(normalizer, sink, report, source);
  const keyNames = new ByteInterner();
  let firstShape = !part;

  const slow = (text: string, lineNumber: number): void => {
    const line = lineNumber === 1 && !part ? text.replace(/^\uFEFF/, "") : text;
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      report.skip(source, lineNumber, `invalid JSON (${(error as Error).message.replace(/ in JSON at position.*$/, "")})`);
      return;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      report.skip(source, lineNumber, "not a JSON object");
      return;
    }
    const object = value as Record<string, RawValue>;
    const keys = Object.keys(object);
    const shape = keys.join("\u0000");
    let columns = mapsByShape.get(shape);
    if (columns === undefined) {
      try {
        columns = resolveColumns(keys, maps, source);
        report.columnsFound(source, columns.index.tls_version !== undefined, columns.index.auth !== undefined);
      } catch (error) {
        // The first object's keys name the fields as a CSV header does; later odd objects are bad records.
        if (firstShape) throw error;
        columns = error instanceof UsageError ? "no timestamp or sender key" : String(error);
      }
      mapsByShape.set(shape, columns);
    }
    firstShape = false;
    if (typeof columns === "string") {
      report.skip(source, lineNumber, columns);
      return;
    }
    const at = columns.index;
    const get = (i: number | undefined): RawValue => (i === undefined ? undefined : object[keys[i]!]);
    normalizer.accept(lineNumber, settings.zone, get(at.timestamp), get(at.sender), get(at.tls_version), get(at.auth), get(at.client_ip), get(at.messages), get(at.domain), get(at.last_seen));
  };

  // The fast path's view of one line: key ids and value ranges, and the shape last seen.
  const keyIds = new Int32Array(MAX_KEYS);
  const valueStart = new Int32Array(MAX_KEYS);
  const valueEnd = new Int32Array(MAX_KEYS);
  const stringValue = new Uint8Array(MAX_KEYS);
  const shapeIds = new Int32Array(MAX_KEYS);
  let shapeLength = -1;
  let shape: ColumnMap["index"] | undefined;
  const bounds = fieldBounds();

  /** Reads a flat object's keys and values; the number of keys, or -1 to decline the line. */
  const scan = (b: Buffer, start: number, end: number): number => {
    let i = start;
    const space = (): void => {
      while (i < end && (b[i] === 32 || b[i] === 9)) i++;
    };
    space();
    if (b[i++] !== 123) return -1;
    let count = 0;
    space();
    if (b[i] === 125) return 0;
    for (;;) {
      if (count === MAX_KEYS || b[i++] !== 34) return -1;
      const keyStart = i;
      while (i < end && b[i] !== 34) if (b[i++] === 92) return -1;
      keyIds[count] = keyNames.intern(b, keyStart, i);
      i++;
      space();
      if (b[i++] !== 58) return -1;
      space();
      const first = b[i];
      if (first === 34) {
        valueStart[count] = ++i;
        while (i < end && b[i] !== 34) if (b[i++] === 92) return -1;
        if (i >= end) return -1;
        valueEnd[count] = i++;
        stringValue[count] = 1;
      } else if (first === 123 || first === 91 || first === undefined) {
        return -1;
      } else {
        valueStart[count] = i;
        while (i < end && b[i] !== 44 && b[i] !== 125 && b[i] !== 32) i++;
        valueEnd[count] = i;
        stringValue[count] = 0;
      }
      count++;
      space();
      const next = b[i++];
      if (next === 125) {
        space();
        return i === end ? count : -1;
      }
      if (next !== 44) return -1;
      space();
    }
  };

  /** The column map of this line's keys, when the shape is known. */
  const shapeOf = (count: number): ColumnMap["index"] | undefined => {
    if (count === shapeLength) {
      let same = true;
      for (let k = 0; k < count && same; k++) same = keyIds[k] === shapeIds[k];
      if (same) return shape;
    }
    const names = Array.from(keyIds.subarray(0, count), (id) => keyNames.text(id));
    const known = mapsByShape.get(names.join("\u0000"));
    if (known === undefined || typeof known === "string") return undefined;
    shapeIds.set(keyIds.subarray(0, count));
    shapeLength = count;
    shape = known.index;
    return shape;
  };

  // A field the fast path can take: a string, or for the timestamp and count a bare number.
  const take = (position: number | undefined, numberToo: boolean): boolean => position === undefined || stringValue[position] === 1 || numberToo;

  /** The column map of a line scanned, when the fast path can read it. */
  const readable = (b: Buffer, start: number, end: number): ColumnMap["index"] | undefined => {
    const count = scan(b, start, end);
    const at = count > 0 ? shapeOf(count) : undefined;
    if (at === undefined || at.domain !== undefined || at.last_seen !== undefined || !take(at.sender, false) || !take(at.tls_version, false) || !take(at.auth, false) || !take(at.client_ip, false)) return undefined;
    setBounds(bounds, at, (position) => valueStart[position]!, (position) => valueEnd[position]!);
    return at;
  };

  // The faster path still, for objects that start with a string timestamp: what comes before the
  // timestamp's value is the same on every line (`{"timestamp":"`), and each distinct tail (the bytes
  // after it) is scanned and looked up once.
  let stampPrefix: Uint8Array | undefined;
  const tails = new LineTails();
  const stamps = new InstantReader(settings.zone);
  /** The tuple of a new tail (see ByteFields.tuple), or -1 to read its lines the other ways. */
  const resolveTail = (b: Buffer, start: number, end: number): number => {
    const at = readable(b, start, end);
    return at === undefined || at.timestamp !== 0 || stringValue[0] !== 1 || at.messages !== undefined ? -1 : fast.tuple(b, bounds);
  };
  const viaTail = (b: Buffer, start: number, end: number, number: number): boolean => {
    const prefix = stampPrefix!;
    const stampStart = start + prefix.length;
    if (stampStart >= end) return false;
    for (let k = 0; k < prefix.length; k++) if (b[start + k] !== prefix[k]) return false;
    let i = stampStart;
    while (i < end && b[i] !== 34) if (b[i++] === 92) return false;
    if (i >= end) return false;
    const stampEnd = i;
    let tuple = tails.valueOf(b, stampEnd, end);
    if (tuple === NEW_TAIL) tuple = tails.add(b, stampEnd, end, resolveTail(b, start, end));
    if (tuple < 0) return false;
    const timestamp = stamps.read(b, stampStart, stampEnd);
    if (Number.isNaN(timestamp)) return false;
    fast.countTuple(tuple, timestamp, number, 1);
    return true;
  };

  return eachLine(bytes, (b, start, end, number) => {
    if (number === 1) return slow(b.toString("utf8", start, end), number);
    if (stampPrefix !== undefined && !settings.plain && viaTail(b, start, end, number)) return;
    const at = settings.plain ? undefined : readable(b, start, end);
    if (at === undefined) return slow(b.toString("utf8", start, end), number);
    const counted = fast.take(b, bounds, settings.zone, number);
    if (!counted) return slow(b.toString("utf8", start, end), number);
    // The first line read from its bytes whose first value is a string timestamp sets the prefix.
    if (stampPrefix === undefined && at.timestamp === 0 && stringValue[0] === 1) stampPrefix = new Uint8Array(b.subarray(start, valueStart[0]!));
  }, (number, reason) => report.skip(source, number, reason));
}
