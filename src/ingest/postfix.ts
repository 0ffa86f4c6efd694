import { ByteInterner } from "./byte-interner.js";
import { Repeats, hashBytes, hashBytes2, seeded, type ServerLogRun, type Session } from "./server-log-run.js";
import { ENDED, FAILED_LOGIN, HELD, PART_WIDTH, PENDING_SESSION, type PartLog, type SyslogPartFindings } from "./syslog-part.js";
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
// Why a Postfix log without TLS lines cannot tell TLS, with the fix.
const POSTFIX_NO_TLS = "no TLS lines; Postfix writes them with smtpd_tls_loglevel = 1 or more";
const NONE = TLS_CODE.get("none")!;
const UNKNOWN = TLS_CODE.get("unknown")!;
// A session key is host id * HOST_KEY + process id (process ids are below 2^32 on every system; Linux's below 2^22).
const HOST_KEY = 4_294_967_296;
// What a session the later part of a file saw end stands for (see absorbPart).
const ENDED_SESSION: Session = Object.freeze({ tls: -1, ip: ENDED, connected: false });

/** The session key of a host id and process id, and its parts. */
const sessionKey = (host: number, pid: number): number => host * HOST_KEY + pid;
const hostOf = (key: number): number => Math.floor(key / HOST_KEY);
const pidOf = (key: number): number => key - hostOf(key) * HOST_KEY;

/** A 32-bit seed of a session key (host and process), for the hashes of its failed-login lines. */
function processSeed(key: number): number {
  return (Math.imul(hostOf(key), 0x9e3779b1) ^ pidOf(key)) | 0;
}

/**
 * At the run's end: the Postfix files that cannot tell TLS, said in the report. A file without TLS lines
 * of its own whose host logs TLS in another input of the run (a fresh mail.log after logrotate, holding
 * the end of a session begun in mail.log.1) tells it as its sessions are read: `none` where seen from
 * their start, the version where it was logged before; only a file none of whose hosts ever logs TLS
 * cannot tell (its submissions are `unknown`).
 */
export function untoldPostfixFiles(run: ServerLogRun, report: ReadReport): void {
  for (const file of run.filesWithoutTls) if (!file.hosts.some((host) => run.hostsWithTls[host] === true)) report.untoldInput(file.source, "tls", POSTFIX_NO_TLS);
}

/** The end of a line without a trailing run of `,` `;` or tabs (the empty cells of a spreadsheet's save). */
export function trimDelimiters(b: Uint8Array, start: number, end: number): number {
  while (end > start && (b[end - 1] === 44 || b[end - 1] === 59 || b[end - 1] === 9 || b[end - 1] === 32)) end--;
  return end;
}

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
  // By host id: whether the host's smtpd logs TLS in the run's inputs (one that never does cannot tell `none`).
  private readonly hostHasTls: boolean[];
  // Hosts with submissions held unsettled in the sink (their group is the host id).
  private readonly unsettledHosts: Set<number>;
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
  // Whether this file has a TLS line (or its later part had one), the hosts of its smtpd lines, and the
  // records read before it: a file with submissions and no TLS line may not tell TLS at all (see finish).
  private fileHasTls = false;
  private readonly fileHosts = new Set<number>();
  private readonly recordsBefore: number;

  constructor(
    private readonly source: string,
    private readonly sink: SubmissionSink,
    private readonly report: ReadReport,
    private readonly normalizer: RecordNormalizer,
    private readonly run: ServerLogRun,
    /** With it, this reads the later part of a file for another reader, and writes what it found here. */
    private readonly part?: PartLog,
  ) {
    sink.expectFailedLogins();
    this.sessions = run.sessions;
    this.hosts = run.hosts;
    this.hostHasTls = run.hostsWithTls;
    this.unsettledHosts = run.unsettledHosts;
    this.repeats = new Repeats(run, report, sink);
    this.recordsBefore = report.records;
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
      this.fileHosts.add(this.lastHostId);
      this.lastHostLength = length;
      this.lastHost.set(b.subarray(hostStart, hostEnd));
    } else if (!same) {
      const host = this.hosts.intern(b, hostStart, hostEnd);
      this.fileHosts.add(host);
      return sessionKey(host, pid);
    }
    return sessionKey(this.lastHostId, pid);
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
      // A later part remembers the end of each session of a process, begun in the part or not: the
      // first part's session of that process ended before it, and must not be taken up again by a
      // submission line whose connect line is missing (it was, when the part had only deleted a
      // session it saw begin after one it saw end).
      if (this.part !== undefined) this.sessions.set(key, ENDED_SESSION);
      else this.sessions.delete(key);
      return;
    }
    if (first === 119 && bytesAt(b, p, end, WARNING)) {
      const text = b.toString("utf8", p, end);
      if (!text.includes(" authentication failed")) return;
      const timestamp = time.at();
      if (Number.isNaN(timestamp)) return this.report.skip(this.source, lineNumber, time.problem());
      const ip = bracketed(text, WARNING.length);
      // The text as a syslog line has it (its trailing spaces dropped): the journal's MESSAGE keeps
      // them, and `SASL PLAIN authentication failed: ` with an empty reason must match its copy.
      const textEnd = trimDelimiters(b, p, end);
      if (this.part === undefined) this.repeats.failedLogin(b, p, textEnd, processSeed(key), timestamp, ip);
      else {
        this.part.failedLogin(lineNumber, timestamp, hashBytes(b, p, textEnd), hashBytes2(b, p, textEnd), hostOf(key), pidOf(key), ip);
      }
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
    this.fileHasTls = true;
    this.hostLogsTls(hostOf(key));
  }

  /** A host's smtpd logs TLS in this file: its sessions seen from their start without a TLS line are `none`. */
  private hostLogsTls(host: number): void {
    if (this.hostHasTls[host] === true) return;
    this.hostHasTls[host] = true;
    if (this.unsettledHosts.delete(host)) this.sink.settle("none", host);
  }

  /** The TLS code of a submission from the address `ipHash` in a session, or HELD while that waits for its host's TLS lines. */
  private tlsIn(session: Session | undefined, ipHash: number, host: number): number {
    // A session of another client than the line's began before the input did.
    if (session === undefined || session.ip !== ipHash) return UNKNOWN;
    if (session.tls >= 0) return session.tls;
    if (!session.connected) return UNKNOWN;
    return this.hostHasTls[host] === true ? NONE : HELD;
  }

  /** Holds a submission seen from its session's start without a TLS line until its host's TLS lines are known. */
  private hold(timestamp: number, sender: string, auth: number, clientIp: string, host: number): void {
    this.sink.addUnsettled({ timestamp, sender, domain: domainOf(sender), tls: "unknown", auth: AUTH_KINDS[auth]!, clientIp, messages: 1 }, host);
    this.unsettledHosts.add(host);
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
    const part = this.part;
    const sender = this.senders.get(b, userStart, userEnd, (raw) => (part === undefined ? this.normalizer.senderOf(raw, undefined) : part.senderOf(raw)));
    if (sender < 0) {
      this.report.skip(this.source, lineNumber, "empty sasl_username= (no account named)");
      return;
    }
    // The host is part of the key: queue ids are unique on one server only.
    const host = hostOf(key);
    if (part === undefined && this.repeats.submission(b, p, q, host, timestamp, q, userEnd)) return;
    let auth = methodStart < 0 ? this.auths.get(b, 0, 0, (raw) => this.normalizer.authOf(raw)) : this.auths.get(b, methodStart, valueEnd(b, methodStart, end), (raw) => this.normalizer.authSpellingOf(raw));
    let spelling: string | undefined;
    if (auth < 0) {
      // A mechanism the SPEC does not list (GSSAPI, SCRAM-SHA-256): unknown, and counted in the warning.
      spelling = b.toString("utf8", methodStart, valueEnd(b, methodStart, end));
      if (part === undefined) this.report.unrecognisedAuth(this.source, lineNumber, spelling);
      auth = -1 - auth;
    }
    // Each address's bytes are looked up once here, so the normaliser's own cache is passed by.
    const ip = this.ips.get(b, close < 0 ? 0 : open + 1, close < 0 ? 0 : close, (raw) => (part === undefined ? this.sink.clientIpId(raw.trim()) : part.ipOf(raw)));
    const ipHash = close < 0 ? -1 : hashBytes(b, open + 1, close);
    const session = this.sessions.get(key);
    if (part !== undefined) {
      // What the part cannot know is left to the first reader: a session it did not see begin, its host's TLS lines before it, repeats.
      const tls = session === undefined ? PENDING_SESSION : this.tlsIn(session, ipHash, host);
      part.submission(lineNumber, timestamp, hashBytes(b, p, q), hashBytes2(b, p, q), host, pidOf(key), sender, ip, auth, tls, ipHash, spelling, hashBytes(b, q, userEnd));
      return;
    }
    const tls = this.tlsIn(session, ipHash, host);
    this.report.records++;
    // Seen from its start without a TLS line: `none` if its host logs TLS at all in this file, known at its end.
    if (tls === HELD) this.hold(timestamp, this.senders.text(b, userStart, userEnd).trim().toLowerCase(), auth, close < 0 ? "" : b.toString("utf8", open + 1, close).trim(), host);
    else this.sink.addIds(timestamp, sender, ip, tls, auth, 1);
  }

  /**
   * Counts what the later part of this file found (read by another reader: PartLog), as if its lines
   * had been read here after this part's: its submissions and failed logins in order, each repeat
   * told as here; a submission of a session the part did not see begin takes its TLS from this part's
   * open session; the part's hosts' TLS lines settle the held submissions of the whole file; its
   * sessions at its end carry on to the next input. `lineOffset` is the number of lines before the part.
   */
  absorbPart(f: SyslogPartFindings, lineOffset: number): void {
    const hosts = f.hosts.map((name) => {
      const bytes = Buffer.from(name, "latin1");
      return this.hosts.intern(bytes, 0, bytes.length);
    });
    for (const host of f.hostsWithTls) this.hostLogsTls(hosts[host]!);
    for (const host of hosts) this.fileHosts.add(host);
    if (f.hostsWithTls.length > 0) this.fileHasTls = true;
    const senders = f.senders.map((sender, i) => this.sink.senderId(sender, f.domains[i]!));
    const ips = f.ips.map((ip) => this.sink.clientIpId(ip));
    this.replayEvents(f, lineOffset, hosts, senders, ips);
    const s = f.sessions;
    for (let at = 0; at < s.length; at += 5) {
      const key = sessionKey(hosts[s[at]!]!, s[at + 1]!);
      if (s[at + 3] === ENDED) this.sessions.delete(key);
      else this.sessions.set(key, { tls: s[at + 2]!, ip: s[at + 3]!, connected: s[at + 4] === 1 });
    }
    this.lines += f.smtpdLines;
  }

  /**
   * absorbPart's submissions and failed logins, in order; hosts, senders and addresses are the part's
   * ids turned into this reader's. A method of its own: V8 compiles the loop as it runs, and the code
   * after a loop compiled so has no type feedback (it was thrown away there, and compiled again).
   */
  private replayEvents(f: SyslogPartFindings, lineOffset: number, hosts: readonly number[], senders: readonly number[], ips: readonly number[]): void {
    const e = f.events;
    for (let at = 0; at < f.count * PART_WIDTH; at += PART_WIDTH) {
      const timestamp = e[at + 2]!;
      const host = hosts[e[at + 5]!]!;
      const pid = e[at + 6]!;
      if (e[at] === FAILED_LOGIN) {
        this.repeats.failedLoginKey(seeded(e[at + 3]!, processSeed(sessionKey(host, pid))), e[at + 4]!, timestamp, f.failedIps[e[at + 7]!]!);
        continue;
      }
      if (this.repeats.submissionKey(seeded(e[at + 3]!, host), e[at + 4]!, timestamp, e[at + 13]!)) continue;
      const auth = e[at + 9]!;
      if (e[at + 12]! >= 0) this.report.unrecognisedAuth(this.source, e[at + 1]! + lineOffset, f.authSpellings[e[at + 12]!]!);
      let tls = e[at + 10]!;
      if (tls === PENDING_SESSION) tls = this.tlsIn(this.sessions.get(sessionKey(host, pid)), e[at + 11]!, host);
      else if (tls === HELD && this.hostHasTls[host] === true) tls = NONE;
      const sender = e[at + 7]!;
      const ip = e[at + 8]!;
      this.report.records++;
      if (tls === HELD) this.hold(timestamp, f.senders[sender]!, auth, f.ips[ip]!, host);
      else this.sink.addIds(timestamp, senders[sender]!, ips[ip]!, tls, auth, 1);
    }
  }

  /** What a part reader found, as SyslogPartFindings (without the report's counts and the decision to decline). */
  partFindings(): Omit<SyslogPartFindings, "counts" | "declined"> {
    const part = this.part!;
    const hosts = Array.from({ length: this.hosts.size }, (_, id) => this.hosts.latin1(id));
    const sessions = new Float64Array(this.sessions.size * 5);
    let at = 0;
    for (const [key, session] of this.sessions) {
      sessions.set([hostOf(key), pidOf(key), session.tls, session.ip, session.connected ? 1 : 0], at);
      at += 5;
    }
    const hostsWithTls = this.hostHasTls.flatMap((has, host) => (has ? [host] : []));
    return { events: part.written(), count: part.count, authSpellings: part.authSpellings, failedIps: part.failedIps, hosts, hostsWithTls, sessions, senders: part.senders, domains: part.domains, ips: part.ips, smtpdLines: this.lines };
  }

  /**
   * Ends the file. Sessions without a TLS line were settled `none` at their host's first TLS line in
   * the run; those of hosts without one so far wait for the run's later inputs, and are `unknown` if
   * none comes (an smtpd that never logs TLS cannot tell): the aggregate settles what still waits.
   */
  finish(): void {
    this.repeats.finish(this.source);
    if (this.lines > 0 && !this.fileHasTls && this.report.records > this.recordsBefore) this.run.filesWithoutTls.push({ source: this.source, hosts: [...this.fileHosts] });
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
