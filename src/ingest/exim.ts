import { Zone } from "../core/zone.js";
import { AUTH_CODE, TLS_CODE, type AuthKind, type SubmissionSink } from "../core/record.js";
import { instantFromBytes, recordInstant } from "../core/timestamp.js";
import { BytesMemo } from "./byte-fields.js";
import { LineMarker, eachLine } from "./lines.js";
import { RecordNormalizer } from "./normalize.js";
import { byteIn, bytesAt, trimDelimiters, type LineTime } from "./postfix.js";
import { Repeats, type ServerLogRun } from "./server-log-run.js";
import { quote, type ReadReport } from "./read-report.js";

const ARRIVAL = Buffer.from(" <= ");
const FAILED = Buffer.from(" authenticator failed for ");
const NONE = TLS_CODE.get("none")!;
const UNKNOWN = TLS_CODE.get("unknown")!;
const UTC = Zone.named("UTC");

/** The auth kind of an Exim authenticator by its configured name (`dovecot_login`, `xoauth2`, `cram_md5`, ...). */
export function eximAuthKind(name: string): AuthKind {
  const lower = name.toLowerCase();
  if (lower.includes("oauth")) return "oauth";
  return /login|plain|cram|md5|ntlm/.test(lower) ? "basic" : "unknown";
}

/**
 * The messages of Exim's main log, from any source (the log file, syslog, the journal), without their
 * timestamp. An arrival `MSGID <= ENVELOPE ... A=AUTHENTICATOR:USER` is one submission of USER, from
 * the `[IP]` of `H=`, with the TLS version of `X=` (GnuTLS `TLS1.2:...` or OpenSSL `TLSv1.2:...`; no
 * `X=` is no TLS); arrivals without `A=` came from other servers. `AUTHENTICATOR authenticator failed
 * for ... [IP]...: 535 ...` is a failed login. A message id seen again in the run is the same message
 * (a log written or read twice), and then an identical failed-login line the same event.
 */
export class EximMessages {
  private readonly senders = new BytesMemo();
  private readonly ips = new BytesMemo();
  private readonly tls = new BytesMemo();
  private readonly auths = new BytesMemo();
  private readonly address = { start: 0, end: 0 };
  private readonly repeats: Repeats;
  /** Lines of Exim's read (arrivals and failed logins). */
  lines = 0;

  constructor(
    private readonly source: string,
    private readonly sink: SubmissionSink,
    private readonly report: ReadReport,
    private readonly normalizer: RecordNormalizer,
    run: ServerLogRun,
  ) {
    sink.expectFailedLogins();
    this.repeats = new Repeats(run, report, sink);
  }

  /** Counts the repeated failed logins of a log that turned out not to repeat, and notes what repeated. */
  finish(): void {
    this.repeats.finish(this.source);
  }

  /** Reads one message, bytes [p, end) after the line's timestamp and process id. */
  message(b: Buffer, p: number, end: number, lineNumber: number, time: LineTime): void {
    const space = byteIn(b, 32, p, end);
    if (space < 0) return;
    if (bytesAt(b, space, end, ARRIVAL)) {
      this.lines++;
      this.arrival(b, p, space, end, lineNumber, time);
    } else if (bytesAt(b, space, end, FAILED)) {
      this.lines++;
      this.failed(b, space + FAILED.length, end, lineNumber, time);
    }
  }

  private arrival(b: Buffer, id: number, idEnd: number, end: number, lineNumber: number, time: LineTime): void {
    const from = idEnd + ARRIVAL.length;
    const envelopeEnd = nextSpace(b, from, end);
    let h = -1;
    let x = -1;
    let a = -1;
    // Fields are ` K=value`; A= comes before S= (the size), after which a subject could imitate one.
    for (let i = envelopeEnd; i < end - 2; i++) {
      if (b[i] !== 32 || b[i + 2] !== 61) continue;
      const k = b[i + 1];
      if (k === 65) a = i + 3;
      else if (k === 88 && x < 0) x = i + 3;
      else if (k === 72 && h < 0) h = i + 3;
      else if (k === 83) break;
    }
    if (a < 0) return;
    const timestamp = time.at();
    if (Number.isNaN(timestamp)) {
      this.report.skip(this.source, lineNumber, time.problem());
      return;
    }
    let aEnd = nextSpace(b, a, end);
    const colon = byteIn(b, 58, a, aEnd);
    // A user id with a space, a quote or a backslash is quoted (`A=plain:"John Doe"`, `\"` and `\\` inside): it ends at its closing quote.
    if (colon >= 0 && b[colon + 1] === 34) {
      let close = colon + 2;
      while (close < end && b[close] !== 34) close += b[close] === 92 ? 2 : 1;
      aEnd = Math.min(end, close + 1);
    }
    // Without server_set_id Exim logs the authenticator alone: the envelope sender is all there is.
    const sender = colon < 0
      ? this.senders.get(b, from, envelopeEnd, (raw) => this.normalizer.senderOf(raw.replace(/^<|>$/g, ""), undefined))
      : this.senders.get(b, colon + 1, aEnd, (raw) => this.normalizer.senderOf(eximUserId(raw), undefined));
    if (sender < 0) {
      this.report.skip(this.source, lineNumber, "authenticated arrival without a user or sender");
      return;
    }
    if (this.repeats.submission(b, id, idEnd, 0, timestamp)) return;
    const auth = this.auths.get(b, a, colon < 0 ? aEnd : colon, (raw) => AUTH_CODE.get(eximAuthKind(raw))!);
    let tls = NONE;
    if (x >= 0) {
      let xEnd = byteIn(b, 58, x, end);
      if (xEnd < 0 || xEnd > nextSpace(b, x, end)) xEnd = nextSpace(b, x, end);
      tls = this.tls.get(b, x, xEnd, (raw) => this.normalizer.tlsOf(raw));
      if (tls < 0) {
        this.report.unrecognisedTls(this.source, lineNumber, b.toString("utf8", x, xEnd));
        tls = UNKNOWN;
      }
    }
    const found = h >= 0 && addressRange(b, h, end, this.address);
    const ip = this.ips.get(b, found ? this.address.start : 0, found ? this.address.end : 0, (raw) => this.normalizer.ipOf(raw));
    this.report.records++;
    this.sink.addIds(timestamp, sender, ip, tls, auth, 1);
  }

  private failed(b: Buffer, from: number, end: number, lineNumber: number, time: LineTime): void {
    if (!/: 535[ -]/.test(b.toString("latin1", from, end))) return;
    const timestamp = time.at();
    if (Number.isNaN(timestamp)) {
      this.report.skip(this.source, lineNumber, time.problem());
      return;
    }
    const found = addressRange(b, from, end, this.address);
    const ip = found ? b.toString("utf8", this.address.start, this.address.end) : "";
    this.repeats.failedLogin(b, from, end, 0, timestamp, ip);
  }
}

/** A user id as Exim logs it after `A=NAME:`: a quoted string (`"dev\"q@corp.example"`) without its quotes and escapes (`\"`, `\\`); else as it is. */
export function eximUserId(raw: string): string {
  if (!raw.startsWith('"')) return raw;
  let id = "";
  for (let i = 1; i < raw.length && raw[i] !== '"'; i++) id += raw[i] === "\\" && i + 1 < raw.length ? raw[++i] : raw[i];
  return id;
}

function nextSpace(b: Uint8Array, from: number, end: number): number {
  const space = byteIn(b, 32, from, end);
  return space < 0 ? end : space;
}

/**
 * Where the address of Exim's `host (helo) [ip]:port` is, outside the HELO's parentheses (a HELO
 * may be `[ip]` too), up to the next ` K=` field; false when there is none.
 */
function addressRange(b: Uint8Array, from: number, end: number, out: { start: number; end: number }): boolean {
  let depth = 0;
  for (let i = from; i < end; i++) {
    const c = b[i]!;
    if (c === 40) depth++;
    else if (c === 41) depth = Math.max(0, depth - 1);
    else if (depth > 0) continue;
    else if (c === 91) {
      const close = byteIn(b, 93, i, end);
      if (close < 0) return false;
      out.start = i + 1;
      out.end = close;
      return true;
    } else if (c === 32 && b[i + 2] === 61 && b[i + 1]! >= 65 && b[i + 1]! <= 90) return false;
  }
  return false;
}

/** Where Exim's own line prefix ends, filled by eximPrefix. */
export interface EximPrefix {
  /** End of `YYYY-MM-DD HH:MM:SS[.fff]`. */
  timeEnd: number;
  /** The `+ZZZZ` offset in minutes, or NaN when the line has none (then the time is in --tz). */
  offset: number;
  /** Start of the message (after the optional `[pid]`). */
  message: number;
}

/** Reads `YYYY-MM-DD HH:MM:SS[.fff][ +ZZZZ][ [pid]] ` at a line's start; false when the line does not start so. */
export function eximPrefix(b: Uint8Array, s: number, e: number, out: EximPrefix): boolean {
  if (e - s < 21 || b[s + 4] !== 45 || b[s + 7] !== 45 || b[s + 10] !== 32 || b[s + 13] !== 58 || b[s + 16] !== 58) return false;
  let i = s + 19;
  if (b[i] === 46) {
    i++;
    while (i < e && b[i]! >= 48 && b[i]! <= 57) i++;
  }
  out.timeEnd = i;
  out.offset = NaN;
  if (b[i] === 32 && (b[i + 1] === 43 || b[i + 1] === 45) && i + 6 <= e) {
    const digit = (at: number): number => (b[at]! >= 48 && b[at]! <= 57 ? b[at]! - 48 : NaN);
    const digits = (at: number): number => digit(at) * 10 + digit(at + 1);
    const hours = digits(i + 2);
    const rest = digits(i + 4);
    if (hours >= 0 && hours <= 99 && rest >= 0 && rest <= 99 && (i + 6 === e || b[i + 6] === 32)) {
      // An offset beyond ±14:00 or with minutes over 59 is kept as Infinity: the line's time is then bad.
      const minutes = rest > 59 ? Infinity : hours * 60 + rest;
      out.offset = b[i + 1] === 45 ? -minutes : minutes;
      i += 6;
    }
  }
  if (b[i] === 32 && b[i + 1] === 91) {
    const close = byteIn(b, 93, i, e);
    if (close > 0) i = close + 1;
  }
  if (b[i] !== 32) return false;
  out.message = i + 1;
  return true;
}

/** The instant of a prefix read by eximPrefix: with its offset, or in the zone. NaN outside 2000-2099 or beyond ±14:00. */
export function eximInstant(b: Uint8Array, s: number, prefix: EximPrefix, zone: Zone): number {
  if (Number.isNaN(prefix.offset)) return instantFromBytes(b, s, prefix.timeEnd, zone);
  if (Math.abs(prefix.offset) > 14 * 60) return NaN;
  // Bounded again after the offset: the wall time alone may be inside the century and the instant not.
  return recordInstant(instantFromBytes(b, s, prefix.timeEnd, UTC) - prefix.offset * 60_000);
}

/**
 * Reads Exim's main log (`/var/log/exim4/mainlog`, `/var/log/exim_mainlog`): authenticated arrivals
 * are submissions, `authenticator failed` 535 lines failed logins. Times without an offset are in `zone`.
 * Only lines whose message's first word is followed by ` <= ` or ` authenticator failed for ` are
 * looked at (a line without Exim's timestamp is counted as bad when it holds either anywhere). With
 * `plain`, lines holding either anywhere are handed on (the path the byte test is tested against).
 */
export async function readExim(source: string, bytes: AsyncGenerator<Buffer>, zone: Zone, report: ReadReport, sink: SubmissionSink, run: ServerLogRun, plain = false): Promise<number> {
  const normalizer = new RecordNormalizer(sink, report, { zone, dateOrder: "mdy" }, source);
  const exim = new EximMessages(source, sink, report, normalizer, run);
  const arrivals = new LineMarker(" <= ");
  const failures = new LineMarker(" authenticator failed for ");
  const prefix: EximPrefix = { timeEnd: 0, offset: NaN, message: 0 };
  let line: Buffer = Buffer.alloc(0);
  let lineStart = 0;
  const time: LineTime = {
    at: () => eximInstant(line, lineStart, prefix, zone),
    problem: () => `Exim timestamp ${quote(line.toString("latin1", lineStart, prefix.timeEnd))} not understood or outside 2000-2099`,
  };
  await eachLine(bytes, (buffer, start, end, lineNumber) => {
    // The prefix is read first and the message's kind told by the bytes after its first word (a message
    // id, or an authenticator's name): no search through the line.
    const e = trimDelimiters(buffer, start, end);
    if (!eximPrefix(buffer, start, e, prefix)) {
      if (arrivals.in(buffer, start, end) >= 0 || failures.in(buffer, start, end) >= 0) report.skip(source, lineNumber, "line does not start with an Exim timestamp (YYYY-MM-DD HH:MM:SS)");
      return;
    }
    if (plain) {
      // The plain path: lines holding either marker anywhere, told apart by EximMessages.message.
      if (arrivals.in(buffer, start, end) < 0 && failures.in(buffer, start, end) < 0) return;
    } else {
      const space = byteIn(buffer, 32, prefix.message, e);
      if (space < 0 || !(bytesAt(buffer, space, e, ARRIVAL) || bytesAt(buffer, space, e, FAILED))) return;
    }
    line = buffer;
    lineStart = start;
    exim.message(buffer, prefix.message, e, lineNumber, time);
  }, (lineNumber, reason) => report.skip(source, lineNumber, reason));
  exim.finish();
  return exim.lines;
}

