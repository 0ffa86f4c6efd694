import { AUTH_CODE, AUTH_KINDS, TLS_CODE, TLS_VERSIONS, compareText as text, type AuthKind, type Submission, type SubmissionSink, type TlsVersion } from "../core/record.js";
import { NO_FILTERS, compileSelection, valuesMatchingNothing, type FilterOptions, type Selection } from "./filter.js";
import { NumberIndex, hash } from "./number-index.js";
import { Calendar, type Period, type PeriodUnit } from "../core/period.js";
import { completeRange, type DateRange, type RangeRequest } from "./range.js";
import { Zone } from "../core/zone.js";

/** Messages of one (period, sender, TLS version, auth kind, client IP): the row every view is derived from. */
export interface Group {
  period: Period;
  sender: string;
  domain: string;
  tls: TlsVersion;
  auth: AuthKind;
  clientIp: string;
  messages: number;
  firstSeen: number;
  lastSeen: number;
}

/** The one result of reading: the range, its periods, and the groups; every view renders from this. */
export interface Aggregate {
  range: DateRange;
  unit: PeriodUnit;
  periods: Period[];
  /** The groups, in the export's order (see exportRows); made from `columns` when first asked for. */
  readonly groups: Group[];
  /** The same groups as columns of ids and numbers, for writers of millions of rows. */
  columns: GroupColumns;
  /** Failed logins per client address in the range; undefined when no input could record them. */
  failedLogins: Map<string, number> | undefined;
  /** Failed logins per local day and client address, with the first and last (undefined as failedLogins is). */
  failedLoginsByDay: FailedLogins[] | undefined;
  /** The filters in effect, as given on the command line: every output states them. */
  filters: FilterOptions;
  /** Oldest and newest record read, whatever the range and filters (where the input starts and ends); undefined without records. */
  extent: { min: number; max: number } | undefined;
  /** Oldest and newest failed login in the whole input; undefined where it has none (a 0 in the range then says less). */
  failedLoginsExtent: { min: number; max: number } | undefined;
  /** Whether the range holds any submission before the filters (with none, `--fail-on` cannot decide; with some, filters left nothing). */
  rangeHasSubmissions: boolean;
  /** Which bounds of the range were asked for (`--from`/`--to`, or now), not taken from the input's own extent. */
  boundsAsked: { from: boolean; to: boolean };
  /** `--domain`, `--sender` and `--client-ip` values that match no record of the input, whatever the range (`--domain contoso.con`): typos, most likely. */
  filtersMatchingNothing: string[];
  /** The inputs (named as to SubmissionAggregator.endInput) with a submission in the range whose sender, domain and address the filters select, whatever its TLS and auth. */
  inputsInRange: ReadonlySet<string>;
}

/** The failed logins of one client address in one local day, and the period that day is in. */
export interface FailedLogins {
  period: Period;
  clientIp: string;
  failures: number;
  first: number;
  last: number;
}

/** The groups of an aggregate as columns: ids into the value lists, and numbers. */
export interface GroupColumns {
  size: number;
  /** Index into Aggregate.periods. */
  period: Int32Array;
  /** Index into senders and domains. */
  sender: Int32Array;
  /** Index into clientIps. */
  clientIp: Int32Array;
  /** Index into TLS_VERSIONS and AUTH_KINDS. */
  tls: Uint8Array;
  auth: Uint8Array;
  messages: Float64Array;
  firstSeen: Float64Array;
  lastSeen: Float64Array;
  senders: readonly string[];
  domains: readonly string[];
  clientIps: readonly string[];
}

/** An aggregator's groups and interned values as plain data (see snapshot and absorb). */
export interface GroupSnapshot {
  senders: string[];
  domains: string[];
  ips: string[];
  pairSender: number[];
  pairIp: number[];
  keys: Float64Array<ArrayBuffer>;
  messages: Float64Array<ArrayBuffer>;
  first: Float64Array<ArrayBuffer>;
  last: Float64Array<ArrayBuffer>;
  min: number;
  max: number;
  /** Buckets that held a submission before the filters (filtered aggregators only). */
  anyBuckets: number[];
  /** Buckets of the selected submissions of the input this part is of (see SubmissionAggregator.endInput). */
  selectedBuckets: number[];
}

/** What an aggregator is made from, as plain data (a worker thread makes its own from it). */
export interface AggregatorSpec {
  timeZone: string;
  by: PeriodUnit;
  filters: FilterOptions;
  from?: number;
  to?: number;
  all: boolean;
  /** The current time: the range of an input without records ends with its day. */
  now?: number;
}

/** An aggregator for a spec. */
export function createAggregator(spec: AggregatorSpec): SubmissionAggregator {
  const request: RangeRequest = { from: spec.from, to: spec.to, all: spec.all, now: spec.now };
  return new SubmissionAggregator(new Calendar(Zone.named(spec.timeZone), spec.by), compileSelection(spec.filters), request, spec.filters);
}

// A group key packs (sender+address pair, bucket, TLS, auth) into one safe integer:
// pair < 2^26, bucket index < 2^22, TLS code < 8, auth code < 4.
const BUCKETS = 4_194_304;
const PAIRS = 67_108_864;

/** Rows of groups: numeric keys with messages, first and last seen. */
interface GroupRows {
  readonly size: number;
  keys: Float64Array;
  messages: Float64Array;
  first: Float64Array;
  last: Float64Array;
}

/** The indexes of the buckets timestamps fall in; the last bucket's bounds are kept, as records come mostly in time order. */
class BucketMarks {
  readonly indexes = new Set<number>();
  private from = 0;
  private to = 0;

  constructor(private readonly calendar: Calendar) {}

  mark(timestamp: number): void {
    if (timestamp >= this.from && timestamp < this.to) return;
    const bucket = this.calendar.bucketOf(timestamp);
    this.from = this.calendar.bucketStart(bucket);
    this.to = this.calendar.bucketStart(bucket + 1);
    this.indexes.add(this.calendar.bucketIndex(bucket));
  }
}

/**
 * Messages, first and last seen per numeric key, in typed arrays (a few dozen bytes a group). The
 * open-addressing slots hold rows, not keys: a key is compared where its row keeps it.
 */
class GroupTable implements GroupRows {
  // Small at first, to grow before V8 compiles the code that uses it (see the ingest's SMALL_TABLE).
  private slots = new Int32Array(16);
  size = 0;
  keys = new Float64Array(8);
  messages = new Float64Array(8);
  first = new Float64Array(8);
  last = new Float64Array(8);

  /** Adds to the group of a key (made when new); returns its row, which stays the same from then on. */
  add(key: number, messages: number, first: number, last: number): number {
    const mask = this.slots.length - 1;
    let slot = hash(key) & mask;
    for (let entry = this.slots[slot]!; entry !== 0; entry = this.slots[slot]!) {
      const at = entry - 1;
      if (this.keys[at] === key) {
        this.messages[at]! += messages;
        if (first < this.first[at]!) this.first[at] = first;
        if (last > this.last[at]!) this.last[at] = last;
        return at;
      }
      slot = (slot + 1) & mask;
    }
    const at = this.size++;
    if (at === this.keys.length) this.grow();
    this.keys[at] = key;
    this.messages[at] = messages;
    this.first[at] = first;
    this.last[at] = last;
    this.slots[slot] = at + 1;
    if (this.size * 2 > this.slots.length) this.rehash();
    return at;
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    const mask = this.slots.length - 1;
    for (let at = 0; at < this.size; at++) {
      let slot = hash(this.keys[at]!) & mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.slots[slot] = at + 1;
    }
  }

  /** Adds one submission's count and instant to a row given by add. */
  bump(row: number, messages: number, timestamp: number): void {
    this.messages[row]! += messages;
    if (timestamp < this.first[row]!) this.first[row] = timestamp;
    if (timestamp > this.last[row]!) this.last[row] = timestamp;
  }

  private grow(): void {
    const double = (a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.keys = double(this.keys);
    this.messages = double(this.messages);
    this.first = double(this.first);
    this.last = double(this.last);
  }
}

/**
 * Collects submissions into (bucket, sender, domain, TLS, auth, client IP) groups as they stream in.
 * Senders and addresses are interned, and each distinct one is tested against the filters once.
 * Memory grows with the number of groups and distinct values, never with the number of records.
 */
export class SubmissionAggregator implements SubmissionSink {
  private readonly groups = new GroupTable();
  // Groups another aggregator read (a worker's part), in this one's ids: kept as they came, and merged
  // with the table's by the sort in finish (a key in both lands beside its twin), not through the table.
  private readonly parts: GroupRows[] = [];
  // Submissions whose TLS version is settled later, by group (a server log's host).
  private readonly unsettled = new Map<number, GroupTable>();
  private readonly senderIds = new Map<string, number>();
  private readonly senders: string[] = [];
  private readonly domains: string[] = [];
  private readonly senderKept: boolean[] = [];
  private readonly ipIds = new Map<string, number>();
  private readonly ips: string[] = [];
  private readonly ipKept: boolean[] = [];
  private readonly pairIds = new NumberIndex();
  private readonly pairSender: number[] = [];
  private readonly pairIp: number[] = [];
  private readonly tlsKept: boolean[];
  private readonly authKept: boolean[];
  // Failed logins by (bucket index * PAIRS + client address id): numbers, not strings, as keys.
  private failed: Map<number, { count: number; first: number; last: number }> | undefined;
  private min = Infinity;
  private max = -Infinity;
  /** The extent of failed logins, apart: they are not submissions, so only `--all` and a log of them alone take their dates. */
  private failedMin = Infinity;
  private failedMax = -Infinity;
  /** The bounds every record is held to (-Infinity and Infinity where none is given). */
  readonly from: number;
  readonly to: number;
  // With filters in effect, the buckets that held any submission before them: a range the filters
  // left empty is then told from a range without submissions (which no --fail-on can judge).
  private readonly anyBuckets: BucketMarks | undefined;
  // The buckets of the current input's selected submissions (in the bounds, their sender, domain and
  // address selected, whatever their TLS and auth), and those of each input ended (see endInput): an
  // input that cannot tell TLS makes a count of legacy TLS partial only where it has such submissions
  // in the range, known once the range is.
  private inputBuckets: BucketMarks;
  private readonly bucketsByInput = new Map<string, Set<number>>();

  constructor(
    private readonly calendar: Calendar,
    private readonly selection: Selection,
    private readonly request: RangeRequest,
    private readonly filters: FilterOptions = NO_FILTERS,
  ) {
    this.from = request.from ?? -Infinity;
    this.to = request.to ?? Infinity;
    this.tlsKept = TLS_VERSIONS.map((v) => selection.tls(v));
    this.authKept = AUTH_KINDS.map((v) => selection.auth(v));
    if (Object.values(filters).some((values: string[]) => values.length > 0)) this.anyBuckets = new BucketMarks(calendar);
    this.inputBuckets = new BucketMarks(calendar);
  }

  /** Groups and distinct senders held so far (what memory grows with). */
  get held(): { groups: number; senders: number } {
    return { groups: this.parts.reduce((n, part) => n + part.size, this.groups.size), senders: this.senders.length };
  }

  senderId(sender: string, domain: string): number {
    const identity = domain === "" || sender.endsWith(`@${domain}`) ? sender : `${sender}\u0000${domain}`;
    let id = this.senderIds.get(identity);
    if (id === undefined) {
      id = this.senders.length;
      this.senderIds.set(identity, id);
      this.senders.push(sender);
      this.domains.push(domain);
      this.senderKept.push(this.selection.sender(sender, domain));
    }
    return id;
  }

  clientIpId(clientIp: string): number {
    let id = this.ipIds.get(clientIp);
    if (id === undefined) {
      id = this.ips.length;
      this.ipIds.set(clientIp, id);
      this.ips.push(clientIp);
      this.ipKept.push(this.selection.clientIp(clientIp));
    }
    return id;
  }

  /** Counts submissions given by ids and codes (outside the bounds or filters, it only widens the extent). */
  addIds(timestamp: number, sender: number, clientIp: number, tls: number, auth: number, messages: number, last = timestamp): void {
    if (last > this.max) this.max = last;
    if (!this.admit(timestamp, messages) || !this.senderKept[sender] || !this.ipKept[clientIp]) return;
    this.inputBuckets.mark(timestamp);
    if (!this.tlsKept[tls] || !this.authKept[auth]) return;
    this.groups.add(this.key(timestamp, sender, clientIp, tls, auth), messages, timestamp, last);
  }

  /** The id of a sender and client address together, or -1 when the filters leave them out. */
  pairId(sender: number, clientIp: number): number {
    return this.senderKept[sender] && this.ipKept[clientIp] ? this.pairOf(sender, clientIp) : -1;
  }

  /**
   * Counts submissions of a pair (from pairId): the hot path, one table lookup a record. Returns the
   * group's row, which `bumpRow` counts into for later submissions between rowFrom and rowTo (the
   * bucket's bounds), or -1 when nothing was counted.
   */
  addPair(timestamp: number, pair: number, tls: number, auth: number, messages: number): number {
    if (!this.admit(timestamp, messages) || pair < 0) return -1;
    this.inputBuckets.mark(timestamp);
    if (!this.tlsKept[tls] || !this.authKept[auth]) return -1;
    const row = this.groups.add(((pair * BUCKETS + this.bucketIndexOf(timestamp)) * 8 + tls) * 4 + auth, messages, timestamp, timestamp);
    this.rowFrom = this.dayFrom;
    this.rowTo = this.dayTo;
    return row;
  }

  /** Counts a submission into a row from addPair, for a timestamp in [rowFrom, rowTo) as it was then. */
  bumpRow(row: number, timestamp: number, messages: number): void {
    if (!this.admit(timestamp, messages)) return;
    this.inputBuckets.mark(timestamp);
    this.groups.bump(row, messages, timestamp);
  }

  /** The bounds of the bucket of the row addPair returned last (empty for hours, whose rows are not reused). */
  rowFrom = 0;
  rowTo = 0;

  // Records come mostly in time order: the last day bucket and its bounds are kept.
  private dayFrom = 0;
  private dayTo = 0;
  private dayBucket = 0;

  private bucketIndexOf(timestamp: number): number {
    if (timestamp >= this.dayFrom && timestamp < this.dayTo) return this.dayBucket;
    const bucket = this.calendar.bucketOf(timestamp);
    const index = this.calendar.bucketIndex(bucket);
    if (this.calendar.unit !== "hour") {
      this.dayFrom = this.calendar.bucketStart(bucket);
      this.dayTo = this.calendar.bucketStart(bucket + 1);
      this.dayBucket = index;
    }
    return index;
  }

  /** Counts one submission. */
  add(s: Submission): void {
    this.addIds(s.timestamp, this.senderId(s.sender, s.domain), this.clientIpId(s.clientIp), TLS_CODE.get(s.tls)!, AUTH_CODE.get(s.auth)!, s.messages);
  }

  /** Holds a submission whose TLS version is settled later (at the end of its file), in a group (e.g. its host). */
  addUnsettled(s: Submission, group = 0): void {
    const sender = this.senderId(s.sender, s.domain);
    const ip = this.clientIpId(s.clientIp);
    const auth = AUTH_CODE.get(s.auth)!;
    if (!this.admit(s.timestamp, s.messages) || !this.senderKept[sender] || !this.ipKept[ip]) return;
    this.inputBuckets.mark(s.timestamp);
    if (!this.authKept[auth]) return;
    let table = this.unsettled.get(group);
    if (table === undefined) this.unsettled.set(group, (table = new GroupTable()));
    table.add(this.key(s.timestamp, sender, ip, 0, auth), s.messages, s.timestamp, s.timestamp);
  }

  /** Gives the unsettled submissions of a group (of every group when none is given) their TLS version, and applies the TLS filter to them now. */
  settle(tls: TlsVersion, group?: number): void {
    const code = TLS_CODE.get(tls)!;
    for (const [g, u] of this.unsettled) {
      if (group !== undefined && g !== group) continue;
      if (this.tlsKept[code]) for (let i = 0; i < u.size; i++) this.groups.add(u.keys[i]! + code * 4, u.messages[i]!, u.first[i]!, u.last[i]!);
      this.unsettled.delete(g);
    }
  }

  /** Counts a failed login, when it is inside the given bounds and its client is selected. */
  failedLogin(timestamp: number, clientIp: string): void {
    this.expectFailedLogins();
    if (timestamp < this.failedMin) this.failedMin = timestamp;
    if (timestamp > this.failedMax) this.failedMax = timestamp;
    const ip = this.clientIpId(clientIp);
    if (timestamp < this.from || timestamp >= this.to || !this.ipKept[ip]) return;
    const key = this.bucketIndexOf(timestamp) * PAIRS + ip;
    const seen = this.failed!.get(key);
    if (seen === undefined) this.failed!.set(key, { count: 1, first: timestamp, last: timestamp });
    else {
      seen.count++;
      if (timestamp < seen.first) seen.first = timestamp;
      if (timestamp > seen.last) seen.last = timestamp;
    }
  }

  /** Marks the input as one that records failed logins. */
  expectFailedLogins(): void {
    this.failed ??= new Map();
  }

  /** Widens the extent by a record counted elsewhere (a TeeSink's other aggregator). */
  see(timestamp: number): void {
    if (timestamp < this.min) this.min = timestamp;
    if (timestamp > this.max) this.max = timestamp;
  }

  private admit(timestamp: number, messages: number): boolean {
    if (timestamp < this.min) this.min = timestamp;
    if (timestamp > this.max) this.max = timestamp;
    if (timestamp < this.from || timestamp >= this.to || messages === 0) return false;
    this.anyBuckets?.mark(timestamp);
    return true;
  }

  /** Ends an input (named by the caller): whether it has selected submissions in the range is told by the aggregate (Aggregate.inputsInRange). */
  endInput(name: string): void {
    const buckets = this.bucketsByInput.get(name);
    if (buckets === undefined) this.bucketsByInput.set(name, this.inputBuckets.indexes);
    else for (const bucket of this.inputBuckets.indexes) buckets.add(bucket);
    this.inputBuckets = new BucketMarks(this.calendar);
  }

  private key(timestamp: number, sender: number, ip: number, tls: number, auth: number): number {
    return ((this.pairOf(sender, ip) * BUCKETS + this.bucketIndexOf(timestamp)) * 8 + tls) * 4 + auth;
  }

  private pairOf(sender: number, ip: number): number {
    const pair = this.pairIds.indexOf(sender * PAIRS + ip);
    if (pair === this.pairSender.length) {
      this.pairSender.push(sender);
      this.pairIp.push(ip);
    }
    return pair;
  }

  /** Everything read so far, as plain data a worker thread can post (its typed arrays transfer: the aggregator cannot count on after). */
  snapshot(): GroupSnapshot {
    const g = this.groups;
    return {
      senders: this.senders, domains: this.domains, ips: this.ips, pairSender: this.pairSender, pairIp: this.pairIp,
      // Views of the table's own arrays, not copies: their buffers move to the thread they are posted to.
      keys: g.keys.subarray(0, g.size), messages: g.messages.subarray(0, g.size), first: g.first.subarray(0, g.size), last: g.last.subarray(0, g.size),
      min: this.min, max: this.max, anyBuckets: this.anyBuckets === undefined ? [] : [...this.anyBuckets.indexes], selectedBuckets: [...this.inputBuckets.indexes],
    };
  }

  /** Adds what another aggregator with the same calendar, filters and bounds read (a worker's part). */
  absorb(part: GroupSnapshot): void {
    const senders = part.senders.map((sender, i) => this.senderId(sender, part.domains[i]!));
    const ips = part.ips.map((ip) => this.clientIpId(ip));
    const pairs = part.pairSender.map((sender, i) => this.pairOf(senders[sender]!, ips[part.pairIp[i]!]!));
    // The part's keys are rewritten in place, in this aggregator's pair ids (the part is not used after).
    const keys = part.keys;
    for (let i = 0; i < keys.length; i++) {
      const pair = Math.floor(keys[i]! / (32 * BUCKETS));
      keys[i] = keys[i]! + (pairs[pair]! - pair) * 32 * BUCKETS;
    }
    if (keys.length > 0) this.parts.push({ size: keys.length, keys, messages: part.messages, first: part.first, last: part.last });
    if (part.min < this.min) this.min = part.min;
    if (part.max > this.max) this.max = part.max;
    for (const bucket of part.anyBuckets) this.anyBuckets?.indexes.add(bucket);
    for (const bucket of part.selectedBuckets) this.inputBuckets.indexes.add(bucket);
  }

  /** Oldest and newest failed login read, whatever the range; undefined before the first. */
  private get failedExtent(): { min: number; max: number } | undefined {
    return this.failedMin <= this.failedMax ? { min: this.failedMin, max: this.failedMax } : undefined;
  }

  /** Oldest and newest timestamp of every submission read, filtered or not (failed logins apart); undefined before the first. */
  get extent(): { min: number; max: number } | undefined {
    return this.min <= this.max ? { min: this.min, max: this.max } : undefined;
  }

  /**
   * Fixes the range (bounds not given come from the extent) and rolls the buckets up into periods.
   * `window` narrows what was read to other bounds: each either a bound given to the aggregator or
   * the start of a bucket (the earlier window of a comparison, known only once the range is).
   */
  finish(window?: { from: number; to: number }): Aggregate {
    if (this.unsettled.size > 0) this.settle("unknown");
    const range = window === undefined ? completeRange(this.request, this.calendar.zone, this.extent, this.failedExtent) : { ...window, zone: this.calendar.zone };
    const periods = this.calendar.periodsBetween(range.from, range.to);
    const periodIndex = new Map(periods.map((p, i) => [p.key, i]));
    // A bound given was applied to each record; others are whole local days (or hours), which buckets never straddle.
    const fromGiven = this.request.from === range.from;
    const toGiven = this.request.to === range.to;
    const inRange = (bucket: number): boolean => {
      const start = this.calendar.bucketStart(bucket);
      return (fromGiven || start >= range.from) && (toGiven || start < range.to);
    };
    // Buckets roll up into periods; each distinct bucket is placed once.
    const placed = new Map<number, number>();
    const place = (bucketIndex: number): number => {
      let at = placed.get(bucketIndex);
      if (at === undefined) {
        const bucket = this.calendar.bucketOfIndex(bucketIndex);
        at = inRange(bucket) ? periodIndex.get(this.calendar.periodOfBucket(bucket)) ?? -1 : -1;
        placed.set(bucketIndex, at);
      }
      return at;
    };
    // Roll buckets up into periods: the same packing, with the period's index in place of the bucket.
    // Hours and days are their own buckets, so nothing merges and no lookup is needed.
    const g = joinRows([this.groups, ...this.parts]);
    const merging = this.calendar.unit === "week" || this.calendar.unit === "month";
    let columns: GroupColumns;
    if (merging) columns = this.sortedColumns(rollInto(new GroupTable(), g, place), periods);
    else {
      const rolled = { size: 0, keys: new Float64Array(g.size), messages: g.messages, first: g.first, last: g.last };
      const kept = new Int32Array(g.size);
      columns = this.sortedColumns(rolled, periods, kept.subarray(0, rollInPlace(rolled.keys, kept, g, place)));
    }
    let failedLogins: Map<string, number> | undefined;
    let failedLoginsByDay: FailedLogins[] | undefined;
    if (this.failed !== undefined) {
      failedLogins = new Map();
      const byDay = new Map<string, FailedLogins>();
      for (const [key, { count, first, last }] of this.failed) {
        const index = Math.floor(key / PAIRS);
        const bucket = this.calendar.bucketOfIndex(index);
        if (!inRange(bucket)) continue;
        const ip = this.ips[key - index * PAIRS]!;
        failedLogins.set(ip, (failedLogins.get(ip) ?? 0) + count);
        // Buckets are days, or hours (--by hour) counted into their day: the same test whatever --by says.
        const day = this.calendar.unit === "hour" ? this.calendar.zone.dayNumber(bucket) : bucket;
        const at = `${day}\u0000${ip}`;
        const seen = byDay.get(at);
        if (seen === undefined) byDay.set(at, { period: periods[periodIndex.get(this.calendar.periodOfBucket(bucket))!]!, clientIp: ip, failures: count, first, last });
        else {
          seen.failures += count;
          seen.first = Math.min(seen.first, first);
          seen.last = Math.max(seen.last, last);
        }
      }
      failedLoginsByDay = [...byDay.values()];
    }
    let groups: Group[] | undefined;
    const rangeHasSubmissions = columns.size > 0 || [...(this.anyBuckets?.indexes ?? [])].some((b) => place(b) >= 0);
    return {
      range, unit: this.calendar.unit, periods, columns, failedLogins, failedLoginsByDay, filters: this.filters, extent: this.extent, failedLoginsExtent: this.failedExtent, rangeHasSubmissions, boundsAsked: { from: fromGiven, to: toGiven },
      // Every sender, domain and address read is held (those the filters leave out too): a value that matches none of them matches no record.
      filtersMatchingNothing: valuesMatchingNothing(this.filters, { senders: this.senders, domains: this.domains, clientIps: this.ips }),
      inputsInRange: new Set([...this.bucketsByInput].filter(([, buckets]) => [...buckets].some((b) => place(b) >= 0)).map(([name]) => name)),
      get groups(): Group[] {
        groups ??= groupObjects(columns, periods);
        return groups;
      },
    };
  }

  /**
   * The period groups as columns in the export's order (period label, sender, domain, TLS, auth,
   * client IP, by plain string comparison), sorted on ranks of the distinct values. Rows of the same
   * key (a group read in two parts of a file) are next to each other then, and become one.
   */
  private sortedColumns(rolled: GroupRows, periods: Period[], rows?: Int32Array): GroupColumns {
    const rankOf = (values: readonly string[], compare: (a: number, b: number) => number): Float64Array => {
      const order = Array.from(values, (_, i) => i).sort(compare);
      const rank = new Float64Array(values.length);
      order.forEach((id, r) => (rank[id] = r));
      return rank;
    };
    const periodRank = rankOf(periods.map((p) => p.label), (a, b) => text(periods[a]!.label, periods[b]!.label));
    const senderRank = rankOf(this.senders, (a, b) => text(this.senders[a]!, this.senders[b]!) || text(this.domains[a]!, this.domains[b]!));
    const tlsRank = rankOf(TLS_VERSIONS, (a, b) => text(TLS_VERSIONS[a]!, TLS_VERSIONS[b]!));
    const authRank = rankOf(AUTH_KINDS, (a, b) => text(AUTH_KINDS[a]!, AUTH_KINDS[b]!));
    const rowsInOrder = rows ?? identity(rolled.size);
    // Each group's place as two numbers, (period, sender) and (TLS, auth) ranks, packed densely: a
    // counting or radix sort orders them in a few linear passes; then the few rows of one (period,
    // sender, TLS, auth) are put in order of their addresses' text. (Ranking every address first took
    // 30-40 ms for 50k addresses: sorting strings is the slow part of a sort.)
    const senderCount = Math.max(1, this.senders.length);
    const ranks = { period: periodRank, sender: senderRank, tls: tlsRank, auth: authRank, senderCount };
    const { primary, secondary, address } = packRanks(rolled.keys, rowsInOrder, this.pairSender, this.pairIp, ranks);
    const order = groupOrder(primary, secondary, periods.length * senderCount);
    orderByAddress(order, primary, secondary, address, this.ips);
    const columns = mergedColumns(rolled, rowsInOrder, order, this.pairSender, this.pairIp);
    const distinct = columns.size;
    return {
      size: distinct, period: columns.period.subarray(0, distinct), sender: columns.sender.subarray(0, distinct), clientIp: columns.clientIp.subarray(0, distinct),
      tls: columns.tls.subarray(0, distinct), auth: columns.auth.subarray(0, distinct), messages: columns.messages.subarray(0, distinct),
      firstSeen: columns.firstSeen.subarray(0, distinct), lastSeen: columns.lastSeen.subarray(0, distinct),
      senders: this.senders, domains: this.domains, clientIps: this.ips,
    };
  }
}

/** Rows of several tables as one (the first's own arrays when it is the only one with rows). */
function joinRows(tables: GroupRows[]): GroupRows {
  const full = tables.filter((t) => t.size > 0);
  if (full.length <= 1) return full[0] ?? tables[0]!;
  const size = full.reduce((n, t) => n + t.size, 0);
  const join = (column: (t: GroupRows) => Float64Array): Float64Array => {
    const all = new Float64Array(size);
    let at = 0;
    for (const t of full) {
      all.set(column(t).subarray(0, t.size), at);
      at += t.size;
    }
    return all;
  };
  return { size, keys: join((t) => t.keys), messages: join((t) => t.messages), first: join((t) => t.first), last: join((t) => t.last) };
}

const DIGIT = 65_536;

/**
 * The order of rows by (primary, secondary), both non-negative integers, primary below `primaryCount`:
 * a counting sort on primary when a table of that many counts is not much larger than the rows (one
 * pass to count, one to place), then the rows of each primary value in order of secondary (most
 * values have one row: a period's sender seldom has two devices); else radixOrder. Rows with equal
 * keys may come in any order (they are merged).
 */
export function groupOrder(primary: Float64Array, secondary: Float64Array, primaryCount: number): Int32Array {
  if (primaryCount > 2 * primary.length + DIGIT) return radixOrder(primary, secondary);
  const { order, ends } = countingOrder(primary, primaryCount);
  orderRuns(order, ends, secondary);
  return order;
}

/** Rows in order of primary (below primaryCount), and ends[p]: where the rows of value p start (ends[primaryCount] = rows). */
function countingOrder(primary: Float64Array, primaryCount: number): { order: Int32Array; ends: Int32Array } {
  const n = primary.length;
  // ends[p] is first the end of value p's rows, then (rows placed from the last) their start.
  const ends = new Int32Array(primaryCount + 1);
  for (let i = 0; i < n; i++) ends[primary[i]!]!++;
  for (let p = 1; p <= primaryCount; p++) ends[p]! += ends[p - 1]!;
  const order = new Int32Array(n);
  for (let i = n - 1; i >= 0; i--) order[--ends[primary[i]!]!] = i;
  return { order, ends };
}

/** Orders each run of rows between consecutive `ends` by secondary: by insertion when short, else by sort. */
function orderRuns(order: Int32Array, ends: Int32Array, secondary: Float64Array): void {
  for (let p = 0; p + 1 < ends.length; p++) {
    const from = ends[p]!;
    const to = ends[p + 1]!;
    if (to - from < 2) continue;
    if (to - from > 16) {
      order.subarray(from, to).sort((a, b) => secondary[a]! - secondary[b]!);
      continue;
    }
    for (let i = from + 1; i < to; i++) {
      const row = order[i]!;
      const key = secondary[row]!;
      let j = i - 1;
      while (j >= from && secondary[order[j]!]! > key) {
        order[j + 1] = order[j]!;
        j--;
      }
      order[j + 1] = row;
    }
  }
}

/**
 * The order of rows by (primary, secondary), both non-negative integers: a stable least-significant-
 * digit radix sort, 16 bits a pass, as many passes as the largest values need.
 */
export function radixOrder(primary: Float64Array, secondary: Float64Array): Int32Array {
  const n = primary.length;
  let order = identity(n);
  let next = new Int32Array(n);
  const counts = new Int32Array(DIGIT + 1);
  for (const keys of [secondary, primary]) {
    const max = largest(keys);
    for (let scale = 1; scale <= max; scale *= DIGIT) {
      radixPass(keys, scale, order, next, counts);
      [order, next] = [next, order];
    }
  }
  return order;
}

// The loops of the steps below run once per run over every group, each in a function of its own: a
// loop that V8 compiles while it runs (on-stack replacement) then returns instead of running on into
// code it has no type feedback for, which undid the compilation again and again (radixOrder on 53k
// groups took 33 ms with its loops inline, 10 ms so).

/** 0, 1, ... n - 1. */
function identity(n: number): Int32Array<ArrayBuffer> {
  const all = new Int32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  return all;
}

/** The largest of non-negative numbers (0 for none). */
function largest(values: Float64Array): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! > max) max = values[i]!;
  return max;
}

/** One stable pass of radixOrder: `order` by the digit of `keys` at `scale`, into `next` (its three loops each a function: see above). */
function radixPass(keys: Float64Array, scale: number, order: Int32Array, next: Int32Array, counts: Int32Array): void {
  counts.fill(0);
  countDigits(keys, scale, counts);
  runningSums(counts);
  placeByDigit(keys, scale, order, next, counts);
}

/** How many keys have each digit at `scale`, at counts[digit + 1]. */
function countDigits(keys: Float64Array, scale: number, counts: Int32Array): void {
  for (let i = 0; i < keys.length; i++) counts[(Math.floor(keys[i]! / scale) % DIGIT) + 1]!++;
}

/** Counts turned into each digit's first place. */
function runningSums(counts: Int32Array): void {
  for (let d = 1; d < counts.length; d++) counts[d]! += counts[d - 1]!;
}

/** `order` into `next` by each id's digit at `scale`, in order within a digit. */
function placeByDigit(keys: Float64Array, scale: number, order: Int32Array, next: Int32Array, counts: Int32Array): void {
  for (let i = 0; i < order.length; i++) {
    const id = order[i]!;
    next[counts[Math.floor(keys[id]! / scale) % DIGIT]!++] = id;
  }
}

/** Rolls rows' keys up into their periods, merging rows that fall into one (weeks, months); rows outside the range are left out. */
function rollInto(rolled: GroupTable, g: GroupRows, place: (bucketIndex: number) => number): GroupTable {
  for (let i = 0; i < g.size; i++) {
    const key = g.keys[i]!;
    const p = place(Math.floor(key / 32) % BUCKETS);
    if (p >= 0) rolled.add((Math.floor(key / (32 * BUCKETS)) * BUCKETS + p) * 32 + (key % 32), g.messages[i]!, g.first[i]!, g.last[i]!);
  }
  return rolled;
}

/** Rolls rows' keys up into their periods where each bucket is a period (hours, days): into `keys`, the rows in range into `kept`; how many. */
function rollInPlace(keys: Float64Array, kept: Int32Array, g: GroupRows, place: (bucketIndex: number) => number): number {
  let count = 0;
  for (let i = 0; i < g.size; i++) {
    const key = g.keys[i]!;
    const p = place(Math.floor(key / 32) % BUCKETS);
    if (p < 0) continue;
    keys[i] = (Math.floor(key / (32 * BUCKETS)) * BUCKETS + p) * 32 + (key % 32);
    kept[count++] = i;
  }
  return count;
}

interface Ranks {
  period: Float64Array;
  sender: Float64Array;
  tls: Float64Array;
  auth: Float64Array;
  senderCount: number;
}

/** Each row's place in the export's order as two numbers, (period, sender) and (TLS, auth) ranks, and its address. */
function packRanks(keys: Float64Array, rows: Int32Array, pairSender: readonly number[], pairIp: readonly number[], ranks: Ranks): { primary: Float64Array; secondary: Float64Array; address: Int32Array } {
  const packed = { primary: new Float64Array(rows.length), secondary: new Float64Array(rows.length), address: new Int32Array(rows.length) };
  fillRanks(keys, rows, pairSender, pairIp, ranks, packed.primary, packed.secondary, packed.address);
  return packed;
}

/** packRanks' loop, alone in its function (see above: the return after it had no type feedback when V8 compiled the loop). */
function fillRanks(keys: Float64Array, rows: Int32Array, pairSender: readonly number[], pairIp: readonly number[], ranks: Ranks, primary: Float64Array, secondary: Float64Array, address: Int32Array): void {
  for (let r = 0; r < rows.length; r++) {
    const key = keys[rows[r]!]!;
    const pair = Math.floor(key / (32 * BUCKETS));
    primary[r] = ranks.period[Math.floor(key / 32) % BUCKETS]! * ranks.senderCount + ranks.sender[pairSender[pair]!]!;
    secondary[r] = ranks.tls[Math.floor(key / 4) % 8]! * 4 + ranks.auth[key % 4]!;
    address[r] = pairIp[pair]!;
  }
}

/** Puts each run of rows in `order` with the same primary and secondary in order of their addresses' text (a run is mostly one row). */
function orderByAddress(order: Int32Array, primary: Float64Array, secondary: Float64Array, address: Int32Array, ips: readonly string[]): void {
  const n = order.length;
  for (let from = 0, to = 1; from < n; from = to, to = from + 1) {
    const p = primary[order[from]!]!;
    const s = secondary[order[from]!]!;
    while (to < n && primary[order[to]!] === p && secondary[order[to]!] === s) to++;
    if (to - from > 1) orderRunByAddress(order, from, to, address, ips);
  }
}

/** Rows order[from..to) in order of their addresses' text: by insertion when few, else by sort. */
function orderRunByAddress(order: Int32Array, from: number, to: number, address: Int32Array, ips: readonly string[]): void {
  if (to - from > 16) {
    order.subarray(from, to).sort((a, b) => text(ips[address[a]!]!, ips[address[b]!]!));
    return;
  }
  for (let i = from + 1; i < to; i++) {
    const row = order[i]!;
    const ip = ips[address[row]!]!;
    let j = i - 1;
    while (j >= from && ips[address[order[j]!]!]! > ip) {
      order[j + 1] = order[j]!;
      j--;
    }
    order[j + 1] = row;
  }
}

/**
 * The rows as columns in `order`: rows of one key lie side by side there and become one. The columns
 * are made for every row and cut to the distinct ones (a few more than needed, not a second pass).
 */
function mergedColumns(rolled: GroupRows, rows: Int32Array, order: Int32Array, pairSender: readonly number[], pairIp: readonly number[]) {
  const size = rows.length;
  const columns = {
    period: new Int32Array(size), sender: new Int32Array(size), clientIp: new Int32Array(size), tls: new Uint8Array(size), auth: new Uint8Array(size),
    messages: new Float64Array(size), firstSeen: new Float64Array(size), lastSeen: new Float64Array(size), size: 0,
  };
  columns.size = mergeInto(columns, rolled, rows, order, pairSender, pairIp);
  return columns;
}

/** mergedColumns' loop, alone in its function (see above); returns the number of rows written. */
function mergeInto(columns: Omit<GroupColumns, "senders" | "domains" | "clientIps">, rolled: GroupRows, rows: Int32Array, order: Int32Array, pairSender: readonly number[], pairIp: readonly number[]): number {
  let row = -1;
  let previous = NaN;
  for (let r = 0; r < rows.length; r++) {
    const i = rows[order[r]!]!;
    const key = rolled.keys[i]!;
    if (key === previous) {
      columns.messages[row]! += rolled.messages[i]!;
      if (rolled.first[i]! < columns.firstSeen[row]!) columns.firstSeen[row] = rolled.first[i]!;
      if (rolled.last[i]! > columns.lastSeen[row]!) columns.lastSeen[row] = rolled.last[i]!;
      continue;
    }
    previous = key;
    row++;
    const pair = Math.floor(key / (32 * BUCKETS));
    columns.period[row] = Math.floor(key / 32) % BUCKETS;
    columns.sender[row] = pairSender[pair]!;
    columns.clientIp[row] = pairIp[pair]!;
    columns.tls[row] = Math.floor(key / 4) % 8;
    columns.auth[row] = key % 4;
    columns.messages[row] = rolled.messages[i]!;
    columns.firstSeen[row] = rolled.first[i]!;
    columns.lastSeen[row] = rolled.last[i]!;
  }
  return row + 1;
}

/** The groups as objects, made from the columns. */
function groupObjects(c: GroupColumns, periods: Period[]): Group[] {
  const groups = new Array<Group>(c.size);
  for (let i = 0; i < c.size; i++) {
    const sender = c.sender[i]!;
    groups[i] = {
      period: periods[c.period[i]!]!, sender: c.senders[sender]!, domain: c.domains[sender]!, tls: TLS_VERSIONS[c.tls[i]!]!, auth: AUTH_KINDS[c.auth[i]!]!,
      clientIp: c.clientIps[c.clientIp[i]!]!, messages: c.messages[i]!, firstSeen: c.firstSeen[i]!, lastSeen: c.lastSeen[i]!,
    };
  }
  return groups;
}
