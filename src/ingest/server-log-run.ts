import type { AuthKind, SubmissionSink, TlsVersion } from "../core/record.js";
import { ByteInterner } from "./byte-interner.js";
import type { ReadReport } from "./read-report.js";

const HOUR = 3_600_000;
// About 16 MB of keys (8 bytes each, tables at most half full): a run remembers at most this many
// messages to tell a repeated one.
const DEFAULT_LIMIT = 1_000_000;

/** An open-addressing set of 64-bit keys (two 32-bit halves, not both 0: that is an empty slot), in one typed array. */
class KeySet {
  // Small at first: a run keeps one set per hour of log time (2,160 for 90 days), most of them small.
  private slots = new Uint32Array(128);
  private mask = 63;
  size = 0;

  /** True when the key was in the set; else adds it. */
  addNew(high: number, low: number): boolean {
    let i = (Math.imul(high ^ low, 0x9e3779b1) >>> 0) & this.mask;
    for (;;) {
      const at = i * 2;
      const l = this.slots[at + 1]!;
      const h = this.slots[at]!;
      if (l === low && h === high) return true;
      if (l === 0 && h === 0) break;
      i = (i + 1) & this.mask;
    }
    this.slots[i * 2] = high;
    this.slots[i * 2 + 1] = low;
    if (++this.size * 2 > this.mask) this.grow();
    return false;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    this.mask = this.mask * 2 + 1;
    for (let at = 0; at < old.length; at += 2) {
      if (old[at + 1] === 0 && old[at] === 0) continue;
      let i = (Math.imul(old[at]! ^ old[at + 1]!, 0x9e3779b1) >>> 0) & this.mask;
      while (this.slots[i * 2 + 1] !== 0 || this.slots[i * 2] !== 0) i = (i + 1) & this.mask;
      this.slots[i * 2] = old[at]!;
      this.slots[i * 2 + 1] = old[at + 1]!;
    }
  }
}

/**
 * Keys (hashes of queue ids, message ids, failed-login lines) seen in one run, across its inputs, so a
 * log read twice (syslog and the journal, a copy, a log written twice) counts each message once. Keys
 * are kept by the hour of log time they are from; past `limit` keys the earliest hours are forgotten,
 * so memory stays bounded whatever the input's size.
 */
export class SeenKeys {
  private readonly hours = new Map<number, KeySet>();
  private lastHour = NaN;
  private last: KeySet | undefined;
  private size = 0;

  constructor(private readonly limit = DEFAULT_LIMIT) {}

  /** True when the key (`high`, `low`: 32-bit halves) of log time `timestamp` was seen before in its hour; else remembers it. */
  repeated(high: number, low: number, timestamp: number): boolean {
    const hour = Math.floor(timestamp / HOUR);
    let keys = hour === this.lastHour ? this.last : this.hours.get(hour);
    if (keys === undefined) {
      keys = new KeySet();
      this.hours.set(hour, keys);
    }
    this.lastHour = hour;
    this.last = keys;
    // (0, 0) marks an empty slot: that one key is taken as (0, 1).
    if (keys.addNew(high >>> 0, high === 0 && low === 0 ? 1 : low >>> 0)) return true;
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

/** An open-addressing table of 64-bit keys (not both halves 0), each with the hour of log time and the input it was read in. */
class HourTable {
  // Per slot: the key's high and low halves, its hour, its input.
  private slots = new Uint32Array(4 * 64);
  private mask = 63;
  size = 0;

  /** True when the key is in the table (its hour and input are then put in `out`). */
  find(high: number, low: number, out: { hour: number; input: number }): boolean {
    for (let i = (Math.imul(high ^ low, 0x9e3779b1) >>> 0) & this.mask; ; i = (i + 1) & this.mask) {
      const at = i * 4;
      const h = this.slots[at]!;
      const l = this.slots[at + 1]!;
      if (h === high && l === low) {
        out.hour = this.slots[at + 2]!;
        out.input = this.slots[at + 3]!;
        return true;
      }
      if (h === 0 && l === 0) return false;
    }
  }

  /** Adds a key that is not in the table. */
  add(high: number, low: number, hour: number, input: number): void {
    let i = (Math.imul(high ^ low, 0x9e3779b1) >>> 0) & this.mask;
    while (this.slots[i * 4] !== 0 || this.slots[i * 4 + 1] !== 0) i = (i + 1) & this.mask;
    const at = i * 4;
    this.slots[at] = high;
    this.slots[at + 1] = low;
    this.slots[at + 2] = hour;
    this.slots[at + 3] = input;
    if (++this.size * 2 > this.mask) this.grow();
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    this.mask = this.mask * 2 + 1;
    this.size = 0;
    for (let at = 0; at < old.length; at += 4) if (old[at] !== 0 || old[at + 1] !== 0) this.add(old[at]!, old[at + 1]!, old[at + 2]!, old[at + 3]!);
  }
}

/**
 * Keys of submissions and failed-login lines without the hour of their time (their minute and second
 * are part of the key), each kept with its hour and input: the same line read again a whole number of
 * hours away is the same log with its times in another zone (a classic syslog file written in local
 * time and read in UTC, beside the journal's true UTC). Two generations of at most half of `limit`
 * keys each; past that, the older generation is forgotten.
 */
export class ShiftedKeys {
  private current = new HourTable();
  private previous: HourTable | undefined;
  /** The hour and input of the key seen last found. */
  readonly found = { hour: 0, input: 0 };

  constructor(private readonly limit = DEFAULT_LIMIT) {}

  /** True when the key (32-bit halves) was seen before (its hour and input are then in `found`); else remembers it with this hour and input. */
  seen(high: number, low: number, hour: number, input: number): boolean {
    const h = high >>> 0;
    const l = h === 0 && low === 0 ? 1 : low >>> 0;
    if (this.current.find(h, l, this.found) || this.previous?.find(h, l, this.found) === true) return true;
    if (this.current.size * 2 >= this.limit) {
      this.previous = this.current;
      this.current = new HourTable();
    }
    this.current.add(h, l, hour, input);
    return false;
  }
}

/** FNV-1a of bytes [start, end), unsigned, seeded (e.g. with a host). */
export function hashBytes(b: Uint8Array, start: number, end: number, seed = 0): number {
  let h = -2128831035 ^ seed;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i]!, 16777619);
  return h >>> 0;
}

/** A hash of bytes (hashBytes, unseeded) made particular to a seed (a host, a host and process): the same bytes under two seeds differ. */
export function seeded(hash: number, seed: number): number {
  return (hash ^ Math.imul(seed + 1, 0x9e3779b1)) >>> 0;
}

/** A second hash of the same bytes (djb2), to make a 64-bit key with hashBytes. */
export function hashBytes2(b: Uint8Array, start: number, end: number): number {
  let h = 5381;
  for (let i = start; i < end; i++) h = (Math.imul(h, 33) + b[i]!) | 0;
  return h >>> 0;
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

/** An Exchange SMTP Receive session: what its earlier lines said. */
export interface ExchangeSession {
  tls?: TlsVersion;
  auth: AuthKind;
  user: string;
  authenticated: boolean;
  /** Whether the session's connect line was seen (else its TLS is unknown, not none). */
  observed: boolean;
  /** A `MAIL FROM` waiting for its reply: its address, line time and sequence number. */
  mail?: { address: string; timestamp: number; sequence: string };
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
  /** Exchange sessions by session id (a session cut by the log's rollover goes on in the next file). */
  exchange: Map<string, ExchangeSession>;
  /**
   * Whether each Postfix host (by its id in `hosts`) has logged TLS in the run's inputs so far, and
   * whether the Exchange logs have: a session seen from its start without a TLS line is `none` then.
   * Of the run, not of one file: a session begun in mail.log.1 (which logs TLS) whose client= line is
   * in a fresh mail.log without TLS lines is `none`, not `unknown`. Submissions still waiting at the
   * end of the run become `unknown` when the aggregate is finished.
   */
  hostsWithTls: boolean[];
  exchangeHasTls: boolean;
  /** Postfix hosts whose waiting submissions are held in the sink (their group is the host id). */
  unsettledHosts: Set<number>;
  /**
   * Postfix files with submissions and no TLS line of their own, with the hosts of their smtpd lines: one
   * cannot tell TLS only if none of its hosts logs TLS anywhere in the run (see untoldPostfixFiles).
   */
  filesWithoutTls: { source: string; hosts: number[] }[];
  /**
   * Postfix submissions (host, queue id and text) and failed-login lines by minute and second, to tell a
   * copy whose times are whole hours off; only in a run of several inputs (one input is not its own copy).
   */
  shifted?: { submissions: ShiftedKeys; failures: ShiftedKeys };
  /** How many inputs' lines have been read (each reader of an input numbers it). */
  inputs: number;
  /** The zone classic syslog times are read in (--tz). */
  zone: string;
  /** Whether stderr was told that classic syslog times are read in --tz. */
  zoneNoted: boolean;
}

/** A new run's state, for several inputs or one. */
export function serverLogRun(several = true, zone = "UTC"): ServerLogRun {
  return {
    submissions: new SeenKeys(), failures: new SeenKeys(), doubled: false, sessions: new Map(), hosts: new ByteInterner(), exchange: new Map(),
    hostsWithTls: [], exchangeHasTls: false, unsettledHosts: new Set(), filesWithoutTls: [],
    shifted: several ? { submissions: new ShiftedKeys(), failures: new ShiftedKeys() } : undefined, inputs: 0, zoneNoted: false, zone,
  };
}

/**
 * What one input repeats of the run's earlier lines: submissions seen again are dropped; a failed-login
 * line that an earlier input had is dropped (this input repeats that one); one seen again within this
 * input is dropped where submissions repeat (the log is written twice), else held and counted at the
 * input's end (a client retrying within the second). A Postfix submission (host, queue id and the rest
 * of its line) seen before at a time 1 to 14 whole hours away, and a failed-login line an earlier input
 * had so, are the same log with its times in another zone: dropped too, and said once with --tz's part.
 */
export class Repeats {
  private pending: { timestamp: number; ip: string }[] = [];
  private submissions = 0;
  private failures = 0;
  private shiftedSubmissions = 0;
  private shiftedFailures = 0;
  /** The whole hours between shifted copies. */
  private readonly shifts = new Set<number>();
  /** The failed-login lines of this input alone, to tell a line an earlier input had from one repeated here. */
  private readonly own = new SeenKeys();
  /** This input's number in the run. */
  private readonly input: number;

  constructor(private readonly run: ServerLogRun, private readonly report: ReadReport, private readonly sink: SubmissionSink) {
    this.input = ++run.inputs;
  }

  /**
   * True when the submission of `key` (its id's bytes [start, end) and a seed, e.g. the host) was read
   * before in the run (then it is not counted again); with the rest of its line, bytes [restStart,
   * restEnd), also when that line was read at a time whole hours away.
   */
  submission(b: Uint8Array, start: number, end: number, seed: number, timestamp: number, restStart = 0, restEnd = 0): boolean {
    return this.submissionKey(seeded(hashBytes(b, start, end), seed), hashBytes2(b, start, end), timestamp, restEnd > restStart ? hashBytes(b, restStart, restEnd) : undefined);
  }

  /** As submission, for the id's hashes (seeded with `seeded`, and hashBytes2) and the rest's hash (hashBytes) worked out elsewhere. */
  submissionKey(high: number, low: number, timestamp: number, rest?: number): boolean {
    if (this.run.submissions.repeated(high, low, timestamp)) this.submissions++;
    else if (rest !== undefined && this.run.shifted !== undefined && this.shifted(this.run.shifted.submissions, high, low ^ rest, timestamp, false)) this.shiftedSubmissions++;
    else return false;
    if (!this.run.doubled) {
      this.run.doubled = true;
      this.failures += this.pending.length;
      this.pending = [];
    }
    return true;
  }

  /** Counts a failed login (its line's bytes [start, end) and a seed, e.g. host and process) unless it is a repeated line of a repeated log. */
  failedLogin(b: Uint8Array, start: number, end: number, seed: number, timestamp: number, ip: string): void {
    this.failedLoginKey(seeded(hashBytes(b, start, end), seed), hashBytes2(b, start, end), timestamp, ip);
  }

  /** As failedLogin, for the line's hashes (seeded with `seeded`, and hashBytes2) worked out elsewhere. */
  failedLoginKey(high: number, lineLow: number, timestamp: number, ip: string): void {
    // The line's second is part of the key: the same text at another time is another attempt.
    const low = lineLow ^ Math.floor(timestamp / 1000);
    const inThisInput = this.own.repeated(high, low, timestamp);
    if (this.run.failures.repeated(high, low, timestamp)) {
      // Read in an earlier input and not yet in this one: this input repeats that one (a copy, the journal's export).
      if (this.run.doubled || !inThisInput) this.failures++;
      else this.pending.push({ timestamp, ip });
      return;
    }
    if (this.run.shifted !== undefined && this.shifted(this.run.shifted.failures, high, lineLow, timestamp, true)) {
      this.shiftedFailures++;
      return;
    }
    this.report.failedLogins++;
    this.sink.failedLogin(timestamp, ip);
  }

  /**
   * True when a key (with the line's minute and second) was seen at a time 1 to 14 whole hours away (in an
   * earlier input, where `earlier`); else it is remembered.
   */
  private shifted(keys: ShiftedKeys, high: number, low: number, timestamp: number, earlier: boolean): boolean {
    const second = Math.floor(timestamp / 1000);
    const hour = Math.floor(second / 3600);
    if (!keys.seen(high, low ^ Math.imul(second - hour * 3600 + 1, 0x85ebca6b), hour, this.input)) return false;
    const hours = Math.abs(hour - keys.found.hour);
    if (hours < 1 || hours > 14 || (earlier && keys.found.input >= this.input)) return false;
    this.shifts.add(hours);
    return true;
  }

  /** At the input's end: counts the held failed logins, and notes what repeated. */
  finish(source: string): void {
    for (const { timestamp, ip } of this.pending) {
      this.report.failedLogins++;
      this.sink.failedLogin(timestamp, ip);
    }
    this.pending = [];
    const lines = (n: number, what: string): string => `${n} ${what} ${n === 1 ? "line" : "lines"}`;
    if (this.submissions > 0 || this.failures > 0) {
      // Each repeat is counted: a line seen 12 times is 11 repeats, so the note says "repeat", never "twice".
      const again = (n: number, what: string): string => `${lines(n, what)} ${n === 1 ? "repeats a line" : "repeat lines"} read before`;
      const parts = this.submissions > 0 ? [`${again(this.submissions, "submission")} (the log was written or read more than once, e.g. by syslog and the journal, or as a copy)`] : [];
      if (this.failures > 0) parts.push(`${again(this.failures, "failed-login")} (same host, process, second and text, in an earlier input or in inputs whose messages repeat): the same event`);
      this.report.note(`${source}: ${parts.join("; ")}; counted once`);
    }
    if (this.shiftedSubmissions === 0 && this.shiftedFailures === 0) return;
    const parts = [];
    if (this.shiftedSubmissions > 0) parts.push(lines(this.shiftedSubmissions, "submission"));
    if (this.shiftedFailures > 0) parts.push(lines(this.shiftedFailures, "failed-login"));
    const hours = [...this.shifts].sort((a, b) => a - b);
    const apart = `${hours.join(" or ")} ${hours.at(-1) === 1 ? "hour" : "hours"}`;
    const zone = this.run.zoneNoted ? ""
      : this.run.zone === "UTC" ? "; classic syslog times (Mmm dd HH:MM:SS) carry no zone and are read in --tz (UTC unless given; the hour that repeats when the clocks go back is read as one): name the zone the server writes them in, e.g. --tz Europe/Berlin"
      // --tz was given: copies an hour apart are lines of the hour the clocks repeat, which a classic time cannot tell apart.
      : `; classic syslog times (Mmm dd HH:MM:SS) carry no zone and are read in --tz ${this.run.zone}, where the hour that repeats when the clocks go back is read as one: its lines can be an hour off a copy that has true times (the journal's); the input given first keeps its times`;
    this.run.zoneNoted = true;
    this.report.note(`${source}: ${parts.join(" and ")} repeat earlier ones at times ${apart} apart (same host, queue id or process, text, minute and second): the same log with its times in another zone, counted once${zone}`);
  }
}
