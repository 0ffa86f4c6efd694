import type { SubmissionSink } from "../core/record.js";
import { ByteInterner } from "./byte-interner.js";
import type { ReadReport } from "./read-report.js";

const HOUR = 3_600_000;
// About 40 MB of keys: a run remembers at most this many messages to tell a repeated one.
const DEFAULT_LIMIT = 1_000_000;

/**
 * Keys (hashes of queue ids, message ids, failed-login lines) seen in one run, across its inputs, so a
 * log read twice (syslog and the journal, a copy, a log written twice) counts each message once. Keys
 * are kept by the hour of log time they are from; past `limit` keys the earliest hours are forgotten,
 * so memory stays bounded whatever the input's size.
 */
export class SeenKeys {
  private readonly hours = new Map<number, Set<number>>();
  private lastHour = NaN;
  private last: Set<number> | undefined;
  private size = 0;

  constructor(private readonly limit = DEFAULT_LIMIT) {}

  /** True when `key` of log time `timestamp` was seen before (within its hour); else remembers it. */
  repeated(key: number, timestamp: number): boolean {
    const hour = Math.floor(timestamp / HOUR);
    let keys = hour === this.lastHour ? this.last : this.hours.get(hour);
    if (keys === undefined) {
      keys = new Set();
      this.hours.set(hour, keys);
    }
    this.lastHour = hour;
    this.last = keys;
    if (keys.has(key)) return true;
    keys.add(key);
    if (++this.size > this.limit) this.forgetEarliest();
    return false;
  }

  private forgetEarliest(): void {
    let earliest = Infinity;
    for (const hour of this.hours.keys()) if (hour < earliest) earliest = hour;
    this.size -= this.hours.get(earliest)!.size;
    this.hours.delete(earliest);
    if (earliest === this.lastHour) this.lastHour = NaN;
  }
}

/** FNV-1a of bytes [start, end), unsigned, seeded (e.g. with a host). */
export function hashBytes(b: Uint8Array, start: number, end: number, seed = 0): number {
  let h = -2128831035 ^ seed;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i]!, 16777619);
  return h >>> 0;
}

/** A second hash of the same bytes (djb2), to make a 52-bit key with hashBytes. */
export function hashBytes2(b: Uint8Array, start: number, end: number): number {
  let h = 5381;
  for (let i = start; i < end; i++) h = (Math.imul(h, 33) + b[i]!) | 0;
  return h >>> 0;
}

/** A 52-bit key of bytes [start, end) and a seed (a host, a second of log time). */
export function bytesKey(b: Uint8Array, start: number, end: number, seed = 0): number {
  return hashBytes(b, start, end, seed) * 1_048_576 + ((hashBytes2(b, start, end) ^ seed) & 0xfffff);
}

/** A Postfix smtpd session: what its earlier lines said. */
export interface Session {
  /** TLS code set by the session's TLS line; -1 while it has none. */
  tls: number;
  /** Hash of the session's client address, to tell a new session of a reused process id. */
  ip: number;
  /** Whether the session's `connect from` was seen (else a missing TLS line means unknown, not none). */
  connected: boolean;
}

/**
 * The inputs of one run read as server logs, in the order given: what one input leaves (a session
 * whose TLS line ends mail.log.1 and whose client= line starts mail.log, the ids already counted)
 * carries to the next.
 */
export interface ServerLogRun {
  /** Queue ids (with their host) and Exim message ids of the submissions read so far. */
  submissions: SeenKeys;
  /** Failed-login lines read so far (host, process, second and text). */
  failures: SeenKeys;
  /** Whether a submission was seen twice: the inputs repeat a log, so a repeated failed-login line is the same event. */
  doubled: boolean;
  /** Postfix smtpd sessions by host and process id. */
  sessions: Map<number, Session>;
  /** Host names of the sessions' keys. */
  hosts: ByteInterner;
}

/** A new run's state. */
export function serverLogRun(): ServerLogRun {
  return { submissions: new SeenKeys(), failures: new SeenKeys(), doubled: false, sessions: new Map(), hosts: new ByteInterner() };
}

/**
 * What one input repeats of the run's earlier lines: submissions seen again are dropped; a failed-login
 * line seen again is dropped where submissions repeat (the inputs repeat a log), else held and counted
 * at the input's end (a client retrying within the second).
 */
export class Repeats {
  private pending: { timestamp: number; ip: string }[] = [];
  private submissions = 0;
  private failures = 0;

  constructor(private readonly run: ServerLogRun, private readonly report: ReadReport, private readonly sink: SubmissionSink) {}

  /** True when the submission of `key` was read before in the run (then it is not counted again). */
  submission(key: number, timestamp: number): boolean {
    if (!this.run.submissions.repeated(key, timestamp)) return false;
    this.submissions++;
    if (!this.run.doubled) {
      this.run.doubled = true;
      this.failures += this.pending.length;
      this.pending = [];
    }
    return true;
  }

  /** Counts a failed login (its line's `key`) unless it is a repeated line of a repeated log. */
  failedLogin(key: number, timestamp: number, ip: string): void {
    if (this.run.failures.repeated(key, timestamp)) {
      if (this.run.doubled) this.failures++;
      else this.pending.push({ timestamp, ip });
      return;
    }
    this.report.failedLogins++;
    this.sink.failedLogin(timestamp, ip);
  }

  /** At the input's end: counts the held failed logins, and notes what repeated. */
  finish(source: string): void {
    for (const { timestamp, ip } of this.pending) {
      this.report.failedLogins++;
      this.sink.failedLogin(timestamp, ip);
    }
    this.pending = [];
    if (this.submissions === 0 && this.failures === 0) return;
    const lines = (n: number, what: string): string => `${n} ${what} ${n === 1 ? "line appears" : "lines appear"} twice`;
    const parts = this.submissions > 0 ? [`${lines(this.submissions, "submission")} (the log was written or read twice, e.g. by syslog and the journal, or as a copy)`] : [];
    if (this.failures > 0) parts.push(`${lines(this.failures, "failed-login")} (same host, process, second and text) in inputs whose messages repeat: the same event`);
    this.report.note(`${source}: ${parts.join("; ")}; counted once`);
  }
}
