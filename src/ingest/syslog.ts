import type { Zone } from "../core/zone.js";
import { EARLIEST_YEAR, LATEST_YEAR, instantFromBytes, parseTimestamp, recordInstant } from "../core/timestamp.js";
import type { SubmissionSink } from "../core/record.js";
import { EximMessages, eximPrefix, type EximPrefix } from "./exim.js";
import { eachLine } from "./lines.js";
import { RecordNormalizer } from "./normalize.js";
import { PostfixSmtpd, bytesAt, trimDelimiters, type LineTime } from "./postfix.js";
import { quote } from "./read-report.js";
import { serverLogRun, type ServerLogRun } from "./server-log-run.js";
import { PartLog, type SyslogPartFindings } from "./syslog-part.js";
import { ReadReport } from "./read-report.js";

/** How to date classic syslog lines (`Nov 20 10:00:01`), which carry no year. */
export interface SyslogYear {
  /** The year of the file's first line, counting on at a December → January turn; overrides `reference`. */
  year?: number;
  /** The latest instant a line can be from: the file's modification time, or now for standard input. */
  reference: number;
}

/** Where a syslog line's parts are, filled by syslogPrefix. */
interface SyslogPrefix {
  /** Whether the time is classic (`Mmm d HH:MM:SS[.ffffff]`, no year) rather than RFC 3339. */
  classic: boolean;
  timeEnd: number;
  hostStart: number;
  hostEnd: number;
  /** Start of the program tag (`postfix/submission/smtpd[123]:`). */
  program: number;
}

const POSTFIX = Buffer.from("postfix");
const SMTPD = Buffer.from("/smtpd");
const SMTPD_TAG = Buffer.from("smtpd[");
const EXIM = Buffer.from("exim");
const MONTHS = new Map(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"].map((name, i) => [monthCode(Buffer.from(name), 0), i + 1]));
// Lines are dated at most this far past the reference: classic times are read in --tz while the server
// wrote its own local time, up to 14 hours ahead of UTC (the largest offset); later is the year before.
const SLACK = 14 * 3_600_000;

function monthCode(b: Uint8Array, at: number): number {
  return (b[at]! << 16) | (b[at + 1]! << 8) | b[at + 2]!;
}

function isDigit(code: number | undefined): boolean {
  return code !== undefined && code >= 48 && code <= 57;
}

/**
 * Reads syslog lines, as `/var/log/mail.log` and `journalctl -o short`, `short-precise`, `short-iso`
 * and `short-iso-precise` write them: Postfix smtpd's lines (a program tag `postfix...` ending in
 * `/smtpd[pid]:`, any service name between) and Exim's (`exim[pid]:`, `exim4[pid]:`), told by the tag
 * after the host, whatever the message holds. Classic times (day padded or not, seconds with or without a
 * fraction) take their year from `dating`; RFC 3339 times carry their own. Lines of other programs are
 * passed over after a look at their tag; a trailing run of `,` (a spreadsheet's empty cells) is not part of a line.
 * With `plain`, lines are told by a regular expression over their text instead (the path the byte
 * reading is tested against). Returns how many lines of Postfix's smtpd and Exim were read.
 */
export async function readSyslog(
  source: string, bytes: AsyncGenerator<Buffer>, zone: Zone, dating: SyslogYear, report: ReadReport, sink: SubmissionSink, run: ServerLogRun, plain = false,
  later?: () => SyslogPartFindings | undefined,
): Promise<number> {
  const { postfix, exim, lines } = await syslogLines(source, bytes, zone, dating, report, sink, run, plain);
  // The file's later part, read by another reader (unless it declined: then its bytes came on here).
  const part = later?.();
  if (part !== undefined) {
    postfix.absorbPart(part, lines);
    report.absorb(part.counts, lines);
  }
  postfix.finish();
  exim?.finish();
  return postfix.lines + (exim?.lines ?? 0);
}

/**
 * Reads the later part of a syslog file for another reader (a worker thread), from its first line on:
 * what it finds is left for PostfixSmtpd.absorbPart. A part with an Exim line is declined (its lines
 * are then read by the first reader). `sink` only names ids here: nothing is counted into it.
 */
export async function readSyslogPart(source: string, bytes: AsyncGenerator<Buffer>, zone: Zone, reference: number, sink: SubmissionSink): Promise<SyslogPartFindings> {
  const report = new ReadReport(false);
  const log = new PartLog();
  try {
    const { postfix } = await syslogLines(source, bytes, zone, { reference }, report, sink, serverLogRun(), false, log);
    return { ...postfix.partFindings(), declined: false, counts: report.counts() };
  } catch (error) {
    if (error !== DECLINED) throw error;
    return { declined: true, events: new Float64Array(0), count: 0, authSpellings: [], failedIps: [], hosts: [], hostsWithTls: [], sessions: new Float64Array(0), senders: [], domains: [], ips: [], smtpdLines: 0, counts: new ReadReport(false).counts() };
  }
}

// Thrown by a part reader at an Exim line.
const DECLINED = new Error("an Exim line in a later part: read by the first reader");

/** The lines of a syslog input, read into Postfix's and Exim's readers (or a part's log), not yet finished. */
async function syslogLines(
  source: string, bytes: AsyncGenerator<Buffer>, zone: Zone, dating: SyslogYear, report: ReadReport, sink: SubmissionSink, run: ServerLogRun, plain: boolean, part?: PartLog,
): Promise<{ postfix: PostfixSmtpd; exim: EximMessages | undefined; lines: number }> {
  const normalizer = new RecordNormalizer(sink, report, { zone, dateOrder: "mdy" }, source);
  const postfix = new PostfixSmtpd(source, sink, report, normalizer, run, part);
  let exim: EximMessages | undefined;
  const prefix: SyslogPrefix = { classic: false, timeEnd: 0, hostStart: 0, hostEnd: 0, program: 0 };
  const eximOwn: EximPrefix = { timeEnd: 0, offset: NaN, message: 0 };
  const clock = classicClock(zone, dating);
  let line: Buffer = Buffer.alloc(0);
  let lineStart = 0;
  const unbounded = (): number => {
    if (prefix.classic) return clock(line, lineStart, prefix.timeEnd);
    const instant = instantFromBytes(line, lineStart, prefix.timeEnd, zone);
    return Number.isNaN(instant) ? parseTimestamp(line.toString("latin1", lineStart, prefix.timeEnd), zone) : instant;
  };
  const time: LineTime = {
    at: () => recordInstant(unbounded()),
    problem: () => {
      const read = unbounded();
      const why = Number.isNaN(read) ? "not understood" : `dated ${new Date(read).getUTCFullYear()}, outside ${EARLIEST_YEAR}-${LATEST_YEAR} (check the file's date, or give --year)`;
      return `syslog timestamp ${quote(line.toString("utf8", lineStart, prefix.timeEnd))} ${why}`;
    },
  };
  const tag: ProgramTag = { kind: NOT_OURS, pid: 0, message: 0 };
  const readTag = plain ? plainTag : programTag;
  const lines = await eachLine(bytes, (b, start, end, lineNumber) => {
    if (!readTag(b, start, end, prefix, tag)) {
      if (b.subarray(start, end).indexOf(SMTPD_TAG) < 0 && b.subarray(start, end).indexOf(EXIM) < 0) return;
      if (/sasl_username=|authentication failed| <= /.test(b.toString("latin1", start, trimDelimiters(b, start, end)))) report.skip(source, lineNumber, "syslog timestamp not understood (expected Mmm dd HH:MM:SS or an ISO 8601 date-time, then the host)");
      return;
    }
    if (tag.kind === NOT_OURS) return;
    line = b;
    lineStart = start;
    const e = trimDelimiters(b, start, end);
    if (tag.kind === POSTFIX_SMTPD) {
      postfix.message(b, tag.message, e, postfix.key(b, prefix.hostStart, prefix.hostEnd, tag.pid), lineNumber, time);
      return;
    }
    if (part !== undefined) throw DECLINED;
    // Exim's message, with or without its own timestamp.
    exim ??= new EximMessages(source, sink, report, normalizer, run);
    const message = eximPrefix(b, tag.message, e, eximOwn) ? eximOwn.message : tag.message;
    exim.message(b, message, e, lineNumber, time);
  }, (lineNumber, reason) => report.skip(source, lineNumber, reason));
  return { postfix, exim, lines };
}

const NOT_OURS = 0;
const POSTFIX_SMTPD = 1;
const EXIM_MAIN = 2;

/** Whose a syslog line is, filled by programTag or plainTag. */
interface ProgramTag {
  /** NOT_OURS, POSTFIX_SMTPD or EXIM_MAIN. */
  kind: number;
  /** The process id of a Postfix smtpd line. */
  pid: number;
  /** Start of the message after the tag. */
  message: number;
}

/**
 * Reads a syslog line's prefix and its program tag, byte by byte: `postfix[-instance][/service]/smtpd[pid]: `
 * (the tag ends at its first `[`) or `exim[pid]: ` / `exim4[pid]: `; any other program is NOT_OURS.
 * False when the line has no syslog prefix.
 */
function programTag(b: Uint8Array, s: number, e: number, prefix: SyslogPrefix, tag: ProgramTag): boolean {
  if (!syslogPrefix(b, s, e, prefix)) return false;
  tag.kind = NOT_OURS;
  const p = prefix.program;
  if (bytesAt(b, p, e, POSTFIX)) {
    let bracket = p + 7;
    while (bracket < e && b[bracket] !== 91 && b[bracket] !== 32 && b[bracket] !== 58) bracket++;
    if (b[bracket] !== 91 || bracket - 6 < p + 7 || !bytesAt(b, bracket - 6, bracket, SMTPD)) return true;
    let i = bracket + 1;
    let pid = 0;
    for (; isDigit(b[i]); i++) pid = pid * 10 + b[i]! - 48;
    if (b[i] !== 93 || b[i + 1] !== 58 || b[i + 2] !== 32) return true;
    tag.kind = POSTFIX_SMTPD;
    tag.pid = pid;
    tag.message = i + 3;
  } else if (bytesAt(b, p, e, EXIM)) {
    let i = p + 4;
    if (b[i] === 52) i++;
    if (b[i] !== 91) return true;
    while (isDigit(b[++i]));
    if (b[i] !== 93 || b[i + 1] !== 58 || b[i + 2] !== 32) return true;
    tag.kind = EXIM_MAIN;
    tag.message = i + 3;
  }
  return true;
}

// The same rules as syslogPrefix and programTag, as one expression over the line's text (latin1: a
// character is a byte). Groups: classic time, other time, host, Postfix smtpd's pid, Exim.
const PLAIN_LINE = /^(?:([A-Z][^]{2} +\d{1,2} [^]{2}:[^]{2}:[^]{2}(?:\.\d*)?)|(\d[^ ]*)) ([^ ]*) (?:postfix[^[ :]*\/smtpd\[(\d*)\]: |(exim)4?\[\d*\]: )?/;

/** programTag by PLAIN_LINE, for the plain path. */
function plainTag(b: Uint8Array, s: number, e: number, prefix: SyslogPrefix, tag: ProgramTag): boolean {
  const match = PLAIN_LINE.exec(Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1", s, e));
  if (match === null) return false;
  const time = match[1] ?? match[2]!;
  prefix.classic = match[1] !== undefined;
  prefix.timeEnd = s + time.length;
  prefix.hostStart = prefix.timeEnd + 1;
  prefix.hostEnd = prefix.hostStart + match[3]!.length;
  prefix.program = prefix.hostEnd + 1;
  tag.kind = match[4] !== undefined ? POSTFIX_SMTPD : match[5] !== undefined ? EXIM_MAIN : NOT_OURS;
  tag.pid = Number(match[4] ?? 0);
  tag.message = s + match[0].length;
  return true;
}

/** Reads the time, host and program tag positions of a syslog line; false when it is not one. */
function syslogPrefix(b: Uint8Array, s: number, e: number, out: SyslogPrefix): boolean {
  let i: number;
  const first = b[s]!;
  if (first >= 65 && first <= 90) {
    // `Nov 20 10:00:01`, `Nov  3 10:00:01`, `Nov 3 10:00:01`, `Nov 20 10:00:01.123456`
    if (b[s + 3] !== 32) return false;
    i = s + 4;
    while (b[i] === 32) i++;
    if (!isDigit(b[i])) return false;
    i += isDigit(b[i + 1]) ? 2 : 1;
    if (b[i] !== 32 || b[i + 3] !== 58 || b[i + 6] !== 58) return false;
    i += 9;
    if (b[i] === 46) while (isDigit(b[++i]));
    out.classic = true;
  } else if (isDigit(first)) {
    i = s;
    while (i < e && b[i] !== 32) i++;
    out.classic = false;
  } else return false;
  if (b[i] !== 32) return false;
  out.timeEnd = i;
  out.hostStart = i + 1;
  let h = i + 1;
  while (h < e && b[h] !== 32) h++;
  if (h >= e) return false;
  out.hostEnd = h;
  out.program = h + 1;
  return true;
}

/**
 * Reads `Mmm d HH:MM:SS[.f]` at bytes [s, timeEnd) as an instant in the zone. The year is the latest
 * that does not put the line more than SLACK after the reference, or with `year`, the first line's year,
 * turning over when the months go back (December → January). Each day's year is worked out once; on the day that
 * the limit falls in, each line's own time decides.
 */
function classicClock(zone: Zone, dating: SyslogYear): (b: Uint8Array, s: number, timeEnd: number) => number {
  const years = new Map<number, number>();
  const referenceYear = zone.wallTime(dating.reference).year;
  let year = dating.year;
  let lastMonth = 0;
  return (b, s, timeEnd) => {
    const m = MONTHS.get(monthCode(b, s));
    if (m === undefined) return NaN;
    let i = s + 4;
    while (b[i] === 32) i++;
    let d = b[i]! - 48;
    if (isDigit(b[++i])) d = d * 10 + b[i++]! - 48;
    const hour = (b[i + 1]! - 48) * 10 + b[i + 2]! - 48;
    const minute = (b[i + 4]! - 48) * 10 + b[i + 5]! - 48;
    const second = (b[i + 7]! - 48) * 10 + b[i + 8]! - 48;
    let millisecond = 0;
    for (let f = i + 10, scale = 100; f < timeEnd && scale >= 1; f++, scale /= 10) millisecond += (b[f]! - 48) * scale;
    if (!(d >= 1 && d <= 31 && hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 60 && millisecond >= 0)) return NaN;
    if (dating.year !== undefined && m < lastMonth - 6) {
      year = year! + 1;
      years.clear();
    }
    lastMonth = m;
    const dayKey = m * 32 + d;
    let y = years.get(dayKey);
    if (y === undefined) {
      y = year ?? referenceYear;
      if (year === undefined && zone.instantOf(y, m, d, 0, 0, 0, 0) > dating.reference + SLACK) y -= 1;
      years.set(dayKey, y);
    }
    const instant = zone.instantOf(y, m, d, hour, minute, Math.min(second, 59), millisecond);
    // The day that holds the reference's limit: each line's own time decides.
    return year === undefined && instant > dating.reference + SLACK ? zone.instantOf(y - 1, m, d, hour, minute, Math.min(second, 59), millisecond) : instant;
  };
}
