import type { SubmissionSink } from "../core/record.js";
import { recordInstant } from "../core/timestamp.js";
import type { Zone } from "../core/zone.js";
import { EximMessages, eximPrefix, type EximPrefix } from "./exim.js";
import { LineMarker, NearMarker, eachLine } from "./lines.js";
import { RecordNormalizer } from "./normalize.js";
import { PostfixSmtpd, bytesAt, type LineTime } from "./postfix.js";
import type { ReadReport } from "./read-report.js";
import type { ServerLogRun } from "./server-log-run.js";

const POSTFIX = Buffer.from("postfix");
const SMTPD = Buffer.from("/smtpd");
const EXIM = Buffer.from("exim");

/**
 * Reads `journalctl -o json` (one JSON object a line) as the Postfix smtpd and Exim lines it holds:
 * `MESSAGE` is the line, `SYSLOG_IDENTIFIER` the program, `SYSLOG_PID` (else `_PID`) and `_HOSTNAME`
 * its session, `__REALTIME_TIMESTAMP` (microseconds since the epoch) its time. Fields are found by
 * their quoted keys (a key inside a string value has its quotes escaped), so the objects are not
 * parsed; a MESSAGE with escapes, or given as an array of bytes, is decoded on its own. Spaces may
 * follow a key's colon (`"KEY": "value"`, as Python's json.dumps and log shippers write). A line that is
 * not a JSON object, or a Postfix or Exim entry without a string MESSAGE, is skipped and counted.
 * With `plain`, each key is searched for through the line (the path NearMarker is tested against).
 * Returns how many lines of Postfix's smtpd and Exim were read.
 */
export async function readJournal(source: string, bytes: AsyncGenerator<Buffer>, zone: Zone, report: ReadReport, sink: SubmissionSink, run: ServerLogRun, plain = false): Promise<number> {
  const normalizer = new RecordNormalizer(sink, report, { zone, dateOrder: "mdy" }, source);
  const postfix = new PostfixSmtpd(source, sink, report, normalizer, run);
  let exim: EximMessages | undefined;
  // Keys are looked for first where they were in the line before: _HOSTNAME from the line's end, as it
  // follows MESSAGE, whose length varies. The plain path searches each line for each key.
  const key = (name: string, fromEnd = false): NearMarker | LineMarker => (plain ? new LineMarker(`"${name}":`) : new NearMarker(`"${name}":`, fromEnd));
  const identifierKey = key("SYSLOG_IDENTIFIER");
  const messageKey = key("MESSAGE");
  const timeKey = key("__REALTIME_TIMESTAMP");
  const pidKey = key("SYSLOG_PID");
  const processKey = key("_PID");
  const hostKey = key("_HOSTNAME", true);
  const eximOwn: EximPrefix = { timeEnd: 0, offset: NaN, message: 0 };
  let timestamp = NaN;
  const time: LineTime = { at: () => timestamp, problem: () => "no __REALTIME_TIMESTAMP in 2000-2099" };
  await eachLine(bytes, (b, start, end, lineNumber) => {
    const identifier = identifierKey.in(b, start, end);
    if (identifier < 0) {
      // Entries of other programs have no SYSLOG_IDENTIFIER, or another; a line that is no JSON object is not an entry.
      if (!isObject(b, start, end)) report.skip(source, lineNumber, "not a JSON object (expected journalctl -o json, one object a line)");
      return;
    }
    const id = stringAt(b, identifier + identifierKey.length, end);
    if (id < 0) return report.skip(source, lineNumber, "SYSLOG_IDENTIFIER is not a JSON string");
    const idEnd = b.indexOf(34, id);
    const isPostfix = bytesAt(b, id, idEnd, POSTFIX) && bytesAt(b, idEnd - SMTPD.length, idEnd, SMTPD);
    if (!isPostfix && !(bytesAt(b, id, idEnd, EXIM) && idEnd - id <= 5)) return;
    const messageKeyAt = messageKey.in(b, start, end, idEnd);
    if (messageKeyAt < 0) return report.skip(source, lineNumber, "no MESSAGE in a Postfix or Exim entry");
    const messageAt = spacesAfter(b, messageKeyAt + messageKey.length, end);
    const at = timeKey.in(b, start, end);
    timestamp = NaN;
    const digits = at < 0 ? -1 : stringAt(b, at + timeKey.length, end);
    if (digits >= 0) {
      let micros = 0;
      for (let i = digits; b[i]! >= 48 && b[i]! <= 57; i++) micros = micros * 10 + b[i]! - 48;
      timestamp = recordInstant(Math.floor(micros / 1000));
    }
    if (Number.isNaN(timestamp)) {
      report.skip(source, lineNumber, "no __REALTIME_TIMESTAMP in 2000-2099 (expected journalctl -o json)");
      return;
    }
    let message = b;
    let p = messageAt;
    let e = stringEnd(b, p, end);
    if (e < 0) {
      // Escapes, or a MESSAGE of bytes (`[104,101,...]`, for text that is not UTF-8): decode it alone.
      const decoded = decodeMessage(b.toString("utf8", p, valueEnd(b, p, end)));
      if (decoded === undefined) {
        report.skip(source, lineNumber, "MESSAGE is not a JSON string");
        return;
      }
      message = decoded;
      p = 0;
      e = decoded.length;
    } else p++;
    if (isPostfix) {
      const pidAt = pidKey.in(b, start, end, idEnd);
      const processAt = pidAt < 0 ? processKey.in(b, start, end) : -1;
      let pid = 0;
      const pidDigits = pidAt >= 0 ? stringAt(b, pidAt + pidKey.length, end) : processAt >= 0 ? stringAt(b, processAt + processKey.length, end) : -1;
      for (let i = pidDigits < 0 ? end : pidDigits; b[i]! >= 48 && b[i]! <= 57; i++) pid = pid * 10 + b[i]! - 48;
      const host = hostKey.in(b, start, end, messageAt);
      const hostStart = host < 0 ? -1 : stringAt(b, host + hostKey.length, end);
      const key = postfix.key(b, Math.max(0, hostStart), hostStart < 0 ? 0 : b.indexOf(34, hostStart), pid);
      postfix.message(message, p, e, key, lineNumber, time);
      return;
    }
    exim ??= new EximMessages(source, sink, report, normalizer, run);
    exim.message(message, eximPrefix(message, p, e, eximOwn) ? eximOwn.message : p, e, lineNumber, time);
  }, (lineNumber, reason) => report.skip(source, lineNumber, reason));
  postfix.finish();
  exim?.finish();
  return postfix.lines + (exim?.lines ?? 0);
}

/** The position after spaces and tabs from `p`. */
function spacesAfter(b: Uint8Array, p: number, end: number): number {
  while (p < end && (b[p] === 32 || b[p] === 9)) p++;
  return p;
}

/** The start of a string value's text after a key's colon (spaces allowed before its quote), or -1. */
function stringAt(b: Uint8Array, p: number, end: number): number {
  const q = spacesAfter(b, p, end);
  return b[q] === 34 ? q + 1 : -1;
}

/** Whether a line is blank or looks like a whole JSON object (`{` first, `}` last, spaces aside). */
function isObject(b: Uint8Array, start: number, end: number): boolean {
  const p = spacesAfter(b, start, end);
  let e = end;
  while (e > p && (b[e - 1] === 32 || b[e - 1] === 9 || b[e - 1] === 13)) e--;
  return e === p || (b[p] === 123 && b[e - 1] === 125);
}

/** The closing quote of a JSON string value at `p` without escapes, or -1 (escapes, or not a string). */
function stringEnd(b: Uint8Array, p: number, end: number): number {
  if (b[p] !== 34) return -1;
  for (let i = p + 1; i < end; i++) {
    const c = b[i];
    if (c === 34) return i;
    if (c === 92) return -1;
  }
  return -1;
}

/** The end of a JSON value at `p` (a string with escapes, an array of numbers, null). */
function valueEnd(b: Buffer, p: number, end: number): number {
  if (b[p] === 34) {
    for (let i = p + 1; i < end; i++) {
      if (b[i] === 92) i++;
      else if (b[i] === 34) return i + 1;
    }
    return end;
  }
  const close = b[p] === 91 ? b.indexOf(93, p) : -1;
  for (let i = close < 0 ? p : close; i < end; i++) if (b[i] === 44 || b[i] === 125) return i;
  return end;
}

function decodeMessage(json: string): Buffer | undefined {
  try {
    const value: unknown = JSON.parse(json);
    if (typeof value === "string") return Buffer.from(value);
    if (Array.isArray(value) && value.every((n) => typeof n === "number")) return Buffer.from(value as number[]);
  } catch {
    // not JSON: the caller says so
  }
  return undefined;
}
