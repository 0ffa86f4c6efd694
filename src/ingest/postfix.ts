import type { Zone } from "../core/zone.js";
import { eachLine } from "./lines.js";
import { quote, type ReadReport } from "./read-report.js";
import { RecordNormalizer } from "./normalize.js";
import { TLS_CODE, domainOf, parseAuthKind, parseTlsVersion, type SubmissionSink, type TlsVersion } from "../core/record.js";
import { EARLIEST_YEAR, LATEST_YEAR, parseTimestamp, recordInstant } from "../core/timestamp.js";

/** How to date classic syslog lines (`Nov 20 10:00:01`), which carry no year. */
export interface SyslogYear {
  /** The year of the file's first line, counting on at a December → January turn; overrides `reference`. */
  year?: number;
  /** The latest instant a line can be from: the file's modification time, or now for standard input. */
  reference: number;
}

interface Session {
  /** Set by the session's TLS line; undefined while it has none. */
  tls?: TlsVersion;
}

const MONTHS: Record<string, number> = { Jan: 1, Feb: 2, Mar: 3, Apr: 4, May: 5, Jun: 6, Jul: 7, Aug: 8, Sep: 9, Oct: 10, Nov: 11, Dec: 12 };
const DAY = 86_400_000;
// Lines are dated at most this far past the reference (log clocks and zones are not exact).
const SLACK = 26 * 3_600_000;

/**
 * Reads Postfix smtpd syslog lines. Sessions are tracked per host and process id from `connect from`
 * to `disconnect from`; the session's TLS line sets its TLS version; every `QUEUEID: client=...,
 * sasl_method=M, sasl_username=U` line is one submission; `SASL ... authentication failed` warnings are
 * counted as failed logins per client address. Lines of other programs are passed over.
 */
export async function readPostfix(
  source: string, bytes: AsyncGenerator<Buffer>, zone: Zone, dating: SyslogYear, report: ReadReport, sink: SubmissionSink,
): Promise<void> {
  sink.expectFailedLogins();
  const sessions = new Map<string, Session>();
  // Senders, addresses and mechanisms are normalised once each, as in the other readers.
  const normalizer = new RecordNormalizer(sink, report, { zone, dateOrder: "mdy" }, source);
  const tlsSpellings = new Map<string, TlsVersion>();
  const clock = classicClock(zone, dating);
  let fileHasTls = false;
  // Most lines of a mail log are not smtpd's: only lines with the marker are made into text.
  const marker = Buffer.from("smtpd[");
  let found = -1;
  let searched: Buffer | undefined;
  await eachLine(bytes, (buffer, start, end, lineNumber) => {
    if (buffer !== searched || found < start) {
      searched = buffer;
      found = buffer.indexOf(marker, start);
    }
    if (found < 0 || found >= end) {
      if (found < 0) found = Infinity;
      return;
    }
    handle(buffer.toString("utf8", start, end), lineNumber);
  }, (lineNumber, reason) => report.skip(source, lineNumber, reason));
  sink.settle(fileHasTls ? "none" : "unknown");

  function handle(line: string, lineNumber: number): void {
    const tag = line.indexOf("smtpd[");
    if (tag < 0) return;
    const close = line.indexOf("]: ", tag);
    if (close < 0) return;
    const timeEnd = isDigit(line.charCodeAt(0)) ? line.indexOf(" ") : 15;
    const hostEnd = line.indexOf(" ", timeEnd + 1);
    const program = line.slice(hostEnd + 1, tag + 5);
    if (hostEnd < 0 || !program.startsWith("postfix") || line.charCodeAt(tag - 1) !== 47) return;
    const key = `${line.slice(timeEnd + 1, hostEnd)} ${line.slice(tag + 6, close)}`;
    const message = line.slice(close + 3);

    if (message.startsWith("connect from ")) {
      sessions.set(key, {});
      return;
    }
    if (message.startsWith("disconnect from ")) {
      sessions.delete(key);
      return;
    }
    const established = message.indexOf("TLS connection established from ");
    if (established >= 0) {
      const cipher = message.indexOf(" with cipher", established);
      const versionStart = message.lastIndexOf(": ", cipher < 0 ? message.length : cipher);
      const spelling = message.slice(versionStart + 2, cipher < 0 ? undefined : cipher);
      let version = tlsSpellings.get(spelling);
      if (version === undefined) tlsSpellings.set(spelling, (version = parseTlsVersion(spelling) ?? "unknown"));
      const session = sessions.get(key);
      if (session !== undefined) session.tls = version;
      if (!fileHasTls) {
        fileHasTls = true;
        sink.settle("none");
      }
      return;
    }
    const failed = message.startsWith("warning: ") && message.includes(" authentication failed");
    const client = failed ? -1 : message.indexOf(": client=");
    if (!failed && (client < 0 || !message.includes("sasl_username="))) return;

    const read = timeEnd === 15 ? clock(line) : parseTimestamp(line.slice(0, timeEnd), zone);
    const timestamp = recordInstant(read);
    if (Number.isNaN(timestamp)) {
      const why = Number.isNaN(read) ? "not understood" : `dated ${new Date(read).getUTCFullYear()}, outside ${EARLIEST_YEAR}-${LATEST_YEAR} (check the file's date, or give --year)`;
      report.skip(source, lineNumber, `syslog timestamp ${quote(line.slice(0, timeEnd))} ${why}`);
      return;
    }
    if (failed) {
      sink.failedLogin(timestamp, bracketed(message, 9));
      return;
    }
    const rawSender = field(message, "sasl_username=");
    if (rawSender === "") {
      report.skip(source, lineNumber, "empty sasl_username= (no account named)");
      return;
    }
    const session = sessions.get(key);
    const tls: TlsVersion = session?.tls ?? (session !== undefined && fileHasTls ? "none" : "unknown");
    const clientIp = bracketed(message, client + 9);
    const method = field(message, "sasl_method=");
    // A session seen from its start without a TLS line: `none`, if this file logs TLS at all.
    if (session !== undefined && session.tls === undefined && !fileHasTls) {
      const sender = rawSender.toLowerCase();
      if (sender === "") return;
      sink.addUnsettled({ timestamp, sender, domain: domainOf(sender), tls, auth: parseAuthKind(method), clientIp, messages: 1 });
      report.records++;
      return;
    }
    const sender = normalizer.senderOf(rawSender, undefined);
    if (sender < 0) return;
    report.records++;
    sink.addIds(timestamp, sender, normalizer.ipOf(clientIp), TLS_CODE.get(tls)!, normalizer.authOf(method), 1);
  }
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** The address inside the first `[...]` from a position (Postfix writes `host[address]`). */
function bracketed(text: string, from: number): string {
  const open = text.indexOf("[", from);
  const close = text.indexOf("]", open);
  return open < 0 || close < 0 ? "" : text.slice(open + 1, close);
}

/** The value of `name=value` in a Postfix line, up to the next `, `. */
function field(text: string, name: string): string {
  const at = text.indexOf(name);
  if (at < 0) return "";
  const end = text.indexOf(", ", at);
  return text.slice(at + name.length, end < 0 ? undefined : end).trim();
}

/**
 * Reads `Mmm dd HH:MM:SS` at the start of a line as an instant in the zone. The year is the latest that
 * does not put the line after the reference, or with `year`, the first line's year, turning over when
 * the months go back (December → January). Days are cached; DST days go through the zone each time.
 */
function classicClock(zone: Zone, dating: SyslogYear): (line: string) => number {
  const days = new Map<string, { y: number; m: number; d: number; shift: number }>();
  const referenceYear = zone.wallTime(dating.reference).year;
  let year = dating.year;
  let lastMonth = 0;
  return (line) => {
    const dateText = line.slice(0, 6);
    let day = days.get(dateText);
    const m = MONTHS[line.slice(0, 3)];
    if (m === undefined) return NaN;
    if (dating.year !== undefined && m < lastMonth - 6) {
      year = year! + 1;
      days.clear();
      day = undefined;
    }
    lastMonth = m;
    if (day === undefined) {
      const d = Number(line.slice(4, 6));
      if (!(d >= 1 && d <= 31)) return NaN;
      let y = year ?? referenceYear;
      const start = (yy: number): number => zone.toInstant({ year: yy, month: m, day: d, hour: 0, minute: 0, second: 0, millisecond: 0 });
      if (year === undefined && start(y) > dating.reference + SLACK) y -= 1;
      const dayStart = start(y);
      const constant = zone.offsetAt(dayStart) === zone.offsetAt(dayStart + DAY - 1);
      day = { y, m, d, shift: constant ? zone.offsetAt(dayStart) * 60_000 : NaN };
      days.set(dateText, day);
    }
    const h = Number(line.slice(7, 9));
    const mi = Number(line.slice(10, 12));
    const s = Number(line.slice(13, 15));
    if (!(h <= 23 && mi <= 59 && s <= 60) || line.charCodeAt(9) !== 58 || line.charCodeAt(12) !== 58) return NaN;
    if (!Number.isNaN(day.shift)) return Date.UTC(day.y, day.m - 1, day.d, h, mi, Math.min(s, 59)) - day.shift;
    return zone.toInstant({ year: day.y, month: day.m, day: day.d, hour: h, minute: mi, second: Math.min(s, 59), millisecond: 0 });
  };
}
