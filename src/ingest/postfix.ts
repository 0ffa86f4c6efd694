import { ByteInterner } from "./byte-interner.js";
import { Repeats, hashBytes, type ServerLogRun, type Session } from "./server-log-run.js";
import type { RecordNormalizer } from "./normalize.js";
import type { ReadReport } from "./read-report.js";
import { AUTH_KINDS, TLS_CODE, domainOf, type SubmissionSink } from "../core/record.js";
import { BytesMemo } from "./byte-fields.js";
import { LineMarker } from "./lines.js";

/** The time of the line being read, computed only when a line needs it. */
export interface LineTime {
  /** The instant, or NaN when it is not understood or outside 2000-2099. */
  at(): number;
  /** Why `at` is NaN, as a bad record's reason. */
  problem(): string;
}

const CONNECT = Buffer.from("connect from ");
const DISCONNECT = Buffer.from("disconnect from ");
const ESTABLISHED = Buffer.from(" TLS connection established from ");
const CLIENT = Buffer.from(": client=");
const WARNING = Buffer.from("warning: ");
const METHOD = Buffer.from(", sasl_method=");
const USERNAME = Buffer.from(", sasl_username=");
const NONE = TLS_CODE.get("none")!;
const UNKNOWN = TLS_CODE.get("unknown")!;

/** True when bytes at `at` are `needle`. */
export function bytesAt(b: Uint8Array, at: number, end: number, needle: Uint8Array): boolean {
  if (at + needle.length > end) return false;
  for (let i = 0; i < needle.length; i++) if (b[at + i] !== needle[i]) return false;
  return true;
}

/** The first position of byte `code` in [from, end), or -1. */
export function byteIn(b: Uint8Array, code: number, from: number, end: number): number {
  for (let i = from; i < end; i++) if (b[i] === code) return i;
  return -1;
}

/**
 * The messages of Postfix's smtpd, from any source (syslog lines, the journal), keyed by host and
 * process id. `connect from` and `disconnect from` start and end a session; a `TLS connection
 * established` line sets its session's TLS, whether or not the connect line was read (grep-filtered
 * logs); each `QUEUEID: client=..., sasl_method=M, sasl_username=U` line is one submission, once per
 * queue id and host in the run (a log written twice, or read twice, counts once); `SASL ...
 * authentication failed` warnings are failed logins, a repeated one (same host, process, second and
 * text) counted once where submissions repeat too. Sessions and seen ids are the run's (`ServerLogRun`),
 * so they carry from one input to the next. Messages are read from bytes; only submission and warning
 * lines become text.
 */
export class PostfixSmtpd {
  private readonly sessions: Map<number, Session>;
  private readonly hosts: ByteInterner;
  private readonly tlsSpellings = new ByteInterner();
  private readonly tlsCodes: number[] = [];
  // By host id: whether the host's smtpd logs TLS in this file (one that never does cannot tell `none`).
  private readonly hostHasTls: boolean[] = [];
  // Hosts with submissions held unsettled in the sink (their group is the host id).
  private readonly unsettledHosts = new Set<number>();
  private readonly lastHost = new Uint8Array(255);
  private lastHostLength = -1;
  private lastHostId = 0;
  private readonly repeats: Repeats;
  private readonly username = new LineMarker("sasl_username=");
  private readonly method = new LineMarker("sasl_method=");
  private readonly senders = new BytesMemo();
  private readonly ips = new BytesMemo();
  private readonly auths = new BytesMemo();
  /** Lines of smtpd's read (sessions, TLS, submissions, failed logins). */
  lines = 0;

  constructor(
    private readonly source: string,
    private readonly sink: SubmissionSink,
    private readonly report: ReadReport,
    private readonly normalizer: RecordNormalizer,
    run: ServerLogRun,
  ) {
    sink.expectFailedLogins();
    this.sessions = run.sessions;
    this.hosts = run.hosts;
    this.repeats = new Repeats(run, report, sink);
  }

  /** The session key of a host (bytes) and process id. */
  key(b: Uint8Array, hostStart: number, fullEnd: number, pid: number): number {
    // The host's short name: rsyslog writes `mx1` where the journal's _HOSTNAME may be `mx1.corp.example`.
    const hostEnd = shortHostEnd(b, hostStart, fullEnd);
    // A log is mostly of one host: the last one is compared before the table is asked.
    const length = hostEnd - hostStart;
    let same = length === this.lastHostLength;
    for (let i = 0; same && i < length; i++) same = b[hostStart + i] === this.lastHost[i];
    if (!same && length <= this.lastHost.length) {
      this.lastHostId = this.hosts.intern(b, hostStart, hostEnd);
      this.lastHostLength = length;
      this.lastHost.set(b.subarray(hostStart, hostEnd));
    } else if (!same) return this.hosts.intern(b, hostStart, hostEnd) * 4_194_304 + pid;
    return this.lastHostId * 4_194_304 + pid;
  }

  /** Reads one smtpd message, bytes [p, end), of the session `key`. */
  message(b: Buffer, p: number, end: number, key: number, lineNumber: number, time: LineTime): void {
    const first = b[p];
    this.lines++;
    if (first === 99 && bytesAt(b, p, end, CONNECT)) {
      this.sessions.set(key, { tls: -1, ip: this.ipAfter(b, p + CONNECT.length, end), connected: true });
      return;
    }
    if (first === 100 && bytesAt(b, p, end, DISCONNECT)) {
      this.sessions.delete(key);
      return;
    }
    if (first === 119 && bytesAt(b, p, end, WARNING)) {
      const text = b.toString("utf8", p, end);
      if (!text.includes(" authentication failed")) return;
      const timestamp = time.at();
      if (Number.isNaN(timestamp)) return this.report.skip(this.source, lineNumber, time.problem());
      this.repeats.failedLogin(b, p, end, key | 0, timestamp, bracketed(text, WARNING.length));
      return;
    }
    // `Anonymous TLS connection established from host[ip]: TLSv1.2 with cipher ...`
    const space = byteIn(b, 32, p, Math.min(end, p + 12));
    if (space > p && bytesAt(b, space, end, ESTABLISHED)) return this.tlsLine(b, space + ESTABLISHED.length, end, key);
    // `QUEUEID: client=host[ip], sasl_method=M, sasl_username=U`
    let q = p;
    while (q < end && isQueueIdByte(b[q]!)) q++;
    if (q > p && bytesAt(b, q, end, CLIENT)) this.submission(b, p, q, end, key, lineNumber, time);
  }

  private tlsLine(b: Buffer, from: number, end: number, key: number): void {
    const ip = this.ipAfter(b, from, end);
    const close = byteIn(b, 93, from, end);
    // The version follows `]: ` (`]:PORT: ` with smtpd_client_port_logging) and ends at the next space.
    let after = close < 0 ? end : close + 1;
    if (after < end && b[after] === 58 && after + 1 < end && b[after + 1] !== 32) {
      after++;
      while (after < end && b[after]! >= 48 && b[after]! <= 57) after++;
    }
    const versionStart = Math.min(end, after + 2);
    let versionEnd = byteIn(b, 32, versionStart, end);
    if (versionEnd < 0) versionEnd = end;
    const id = this.tlsSpellings.intern(b, versionStart, Math.max(versionStart, versionEnd));
    if (id === this.tlsCodes.length) {
      const code = this.normalizer.tlsOf(this.tlsSpellings.text(id));
      this.tlsCodes.push(code < 0 ? UNKNOWN : code);
    }
    const tls = this.tlsCodes[id]!;
    const session = this.sessions.get(key);
    // A TLS line of another client than the session's is a session whose connect line is not in the input.
    if (session !== undefined && session.ip === ip) session.tls = tls;
    else this.sessions.set(key, { tls, ip, connected: false });
    const host = Math.floor(key / 4_194_304);
    if (this.hostHasTls[host] !== true) {
      this.hostHasTls[host] = true;
      if (this.unsettledHosts.delete(host)) this.sink.settle("none", host);
    }
  }

  private submission(b: Buffer, p: number, q: number, end: number, key: number, lineNumber: number, time: LineTime): void {
    const open = byteIn(b, 91, q + CLIENT.length, end);
    const close = open < 0 ? -1 : byteIn(b, 93, open, end);
    // Postfix writes `client=host[ip], sasl_method=M, sasl_username=U`; other orders are searched for.
    let methodStart = close + 1 + METHOD.length;
    let userStart = -1;
    if (close > 0 && bytesAt(b, close + 1, end, METHOD)) {
      const methodEnd = valueEnd(b, methodStart, end);
      if (bytesAt(b, methodEnd, end, USERNAME)) userStart = methodEnd + USERNAME.length;
    }
    if (userStart < 0) {
      // Lines of mail from other servers have no sasl_username=.
      const username = this.username.in(b, p, end);
      if (username < 0) return;
      userStart = username + 14;
      const method = this.method.in(b, p, end);
      methodStart = method < 0 ? -1 : method + 12;
    }
    const timestamp = time.at();
    if (Number.isNaN(timestamp)) return this.report.skip(this.source, lineNumber, time.problem());
    const userEnd = valueEnd(b, userStart, end);
    const sender = this.senders.get(b, userStart, userEnd, (raw) => this.normalizer.senderOf(raw, undefined));
    if (sender < 0) {
      this.report.skip(this.source, lineNumber, "empty sasl_username= (no account named)");
      return;
    }
    // The host is part of the key: queue ids are unique on one server only.
    const host = Math.floor(key / 4_194_304);
    if (this.repeats.submission(b, p, q, host, timestamp)) return;
    let auth = methodStart < 0 ? this.auths.get(b, 0, 0, (raw) => this.normalizer.authOf(raw)) : this.auths.get(b, methodStart, valueEnd(b, methodStart, end), (raw) => this.normalizer.authSpellingOf(raw));
    if (auth < 0) {
      // A mechanism the SPEC does not list (GSSAPI, SCRAM-SHA-256): unknown, and counted in the warning.
      this.report.unrecognisedAuth(this.source, lineNumber, b.toString("utf8", methodStart, valueEnd(b, methodStart, end)));
      auth = -1 - auth;
    }
    // Each address's bytes are looked up once here, so the normaliser's own cache is passed by.
    const ip = this.ips.get(b, close < 0 ? 0 : open + 1, close < 0 ? 0 : close, (raw) => this.sink.clientIpId(raw.trim()));
    const session = this.sessions.get(key);
    // A session of another client than this line's began before the input did.
    const ours = session !== undefined && session.ip === (close < 0 ? -1 : hashBytes(b, open + 1, close));
    if (ours && session.tls < 0 && session.connected && this.hostHasTls[host] !== true) {
      // Seen from its start without a TLS line: `none` if its host logs TLS at all in this file, known at its end.
      const senderText = this.senders.text(b, userStart, userEnd).trim().toLowerCase();
      const clientIp = close < 0 ? "" : b.toString("utf8", open + 1, close).trim();
      this.report.records++;
      this.sink.addUnsettled({ timestamp, sender: senderText, domain: domainOf(senderText), tls: "unknown", auth: AUTH_KINDS[auth]!, clientIp, messages: 1 }, host);
      this.unsettledHosts.add(host);
      return;
    }
    const tls = !ours ? UNKNOWN : session.tls >= 0 ? session.tls : session.connected ? NONE : UNKNOWN;
    this.report.records++;
    this.sink.addIds(timestamp, sender, ip, tls, auth, 1);
  }

  /**
   * Settles what the file's end decides: sessions without a TLS line are `none` where their host logs
   * TLS (settled at its first TLS line), else `unknown` (an smtpd that never logs TLS cannot tell).
   */
  finish(): void {
    for (const host of this.unsettledHosts) this.sink.settle("unknown", host);
    this.unsettledHosts.clear();
    this.repeats.finish(this.source);
  }

  /** A hash of the address inside the first `[...]` from a position, or -1. */
  private ipAfter(b: Uint8Array, from: number, end: number): number {
    const open = byteIn(b, 91, from, end);
    const close = open < 0 ? -1 : byteIn(b, 93, open, end);
    return close < 0 ? -1 : hashBytes(b, open + 1, close);
  }
}


function isQueueIdByte(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** The address inside the first `[...]` from a position (Postfix writes `host[address]`). */
export function bracketed(text: string, from: number): string {
  const open = text.indexOf("[", from);
  const close = text.indexOf("]", open);
  return open < 0 || close < 0 ? "" : text.slice(open + 1, close);
}

/**
 * The end of a `name=value` value in a Postfix line: the next `, ` (or `; `, where a spreadsheet of a
 * semicolon locale rewrote the separators), or the line's end (spaces trimmed).
 */
function valueEnd(b: Uint8Array, from: number, end: number): number {
  let i = from;
  while (i < end && !((b[i] === 44 || b[i] === 59) && b[i + 1] === 32)) i++;
  while (i > from && b[i - 1] === 32) i--;
  return i;
}

/** Where a host name's first label ends (`mx1` of `mx1.corp.example`); an address (`10.0.0.5`, `2001:db8::1`) is kept whole. */
function shortHostEnd(b: Uint8Array, start: number, end: number): number {
  let letters = false;
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (c === 46) return letters ? i : end;
    if (c === 58) return end;
    if (c > 57) letters = true;
  }
  return end;
}
