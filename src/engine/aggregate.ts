import type { AuthKind, Submission, SubmissionSink, TlsVersion } from "../ingest/submission.js";
import type { SubmissionFilter } from "./filter.js";
import type { Calendar, Period, PeriodUnit } from "./period.js";
import { completeRange, type DateRange, type RangeRequest } from "./range.js";

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
  groups: Group[];
  /** Failed logins per client address in the range; undefined when no input could record them. */
  failedLogins: Map<string, number> | undefined;
}

/** A group while reading: keyed by bucket (see Calendar), not yet by period. */
interface BucketGroup extends Omit<Group, "period"> {
  bucket: number;
}

/** What narrows the records: the filters, and which client addresses to count failed logins of. */
export interface Selection {
  keep: SubmissionFilter;
  keepClientIp: (clientIp: string) => boolean;
}

/**
 * Collects submissions into (bucket, sender, domain, TLS, auth, client IP) groups as they stream in.
 * Memory grows with the number of groups, never with the number of records.
 */
export class SubmissionAggregator implements SubmissionSink {
  private readonly groups = new Map<string, BucketGroup>();
  private unsettled = new Map<string, BucketGroup>();
  private failed: Map<string, number> | undefined;
  private min = Infinity;
  private max = -Infinity;
  private readonly from: number;
  private readonly to: number;

  constructor(
    private readonly calendar: Calendar,
    private readonly selection: Selection,
    private readonly request: RangeRequest,
  ) {
    this.from = request.from ?? -Infinity;
    this.to = request.to ?? Infinity;
  }

  /** Counts one submission (outside the given bounds or the filters, it only widens the extent). */
  add(submission: Submission): void {
    if (this.admit(submission) && this.selection.keep(submission)) this.merge(this.groups, submission, submission.tls);
  }

  /** Holds a submission whose TLS version is settled at the end of its file. */
  addUnsettled(submission: Submission): void {
    if (this.admit(submission)) this.merge(this.unsettled, submission, "unknown");
  }

  /** Gives the unsettled submissions their TLS version, and applies the filters to them now. */
  settle(tls: TlsVersion): void {
    for (const g of this.unsettled.values()) {
      const settled = { ...g, tls, timestamp: g.firstSeen };
      if (!this.selection.keep(settled)) continue;
      const key = groupKey(g.bucket, settled);
      const into = this.groups.get(key);
      if (into === undefined) this.groups.set(key, { ...g, tls });
      else mergeInto(into, g);
    }
    this.unsettled = new Map();
  }

  /** Counts a failed login, when it is inside the given bounds and its client is selected. */
  failedLogin(timestamp: number, clientIp: string): void {
    this.expectFailedLogins();
    if (timestamp < this.from || timestamp >= this.to || !this.selection.keepClientIp(clientIp)) return;
    const key = `${this.calendar.bucketOf(timestamp)}\u0000${clientIp}`;
    this.failed!.set(key, (this.failed!.get(key) ?? 0) + 1);
  }

  /** Marks the input as one that records failed logins. */
  expectFailedLogins(): void {
    this.failed ??= new Map();
  }

  private admit(submission: Submission): boolean {
    const t = submission.timestamp;
    if (t < this.min) this.min = t;
    if (t > this.max) this.max = t;
    return t >= this.from && t < this.to && submission.messages !== 0;
  }

  private merge(groups: Map<string, BucketGroup>, s: Submission, tls: TlsVersion): void {
    const bucket = this.calendar.bucketOf(s.timestamp);
    const key = groupKey(bucket, { ...s, tls });
    const group = groups.get(key);
    if (group === undefined) {
      groups.set(key, {
        bucket, sender: s.sender, domain: s.domain, tls, auth: s.auth, clientIp: s.clientIp,
        messages: s.messages, firstSeen: s.timestamp, lastSeen: s.timestamp,
      });
      return;
    }
    group.messages += s.messages;
    if (s.timestamp < group.firstSeen) group.firstSeen = s.timestamp;
    if (s.timestamp > group.lastSeen) group.lastSeen = s.timestamp;
  }

  /** Oldest and newest timestamp of every record read, filtered or not; undefined before the first. */
  get extent(): { min: number; max: number } | undefined {
    return this.min <= this.max ? { min: this.min, max: this.max } : undefined;
  }

  /** Fixes the range (bounds not given come from the extent) and rolls the buckets up into periods. */
  finish(): Aggregate {
    if (this.unsettled.size > 0) this.settle("unknown");
    const extent = this.extent ?? { min: this.request.from ?? 0, max: (this.request.to ?? 1) - 1 };
    const range = completeRange(this.request, this.calendar.zone, extent);
    const periods = this.calendar.periodsBetween(range.from, range.to);
    const periodByKey = new Map(periods.map((p) => [p.key, p]));
    // Bounds taken from the data are whole local days, which buckets never straddle.
    const inRange = (bucket: number): boolean => {
      const start = this.calendar.bucketStart(bucket);
      return (this.request.from !== undefined || start >= range.from) && (this.request.to !== undefined || start < range.to);
    };
    const rolled = new Map<string, Group>();
    for (const g of this.groups.values()) {
      const period = periodByKey.get(this.calendar.periodOfBucket(g.bucket));
      if (period === undefined || !inRange(g.bucket)) continue;
      const key = groupKey(period.key, g);
      const into = rolled.get(key);
      if (into === undefined) rolled.set(key, { ...g, period });
      else mergeInto(into, g);
    }
    let failedLogins: Map<string, number> | undefined;
    if (this.failed !== undefined) {
      failedLogins = new Map();
      for (const [key, count] of this.failed) {
        const cut = key.indexOf("\u0000");
        if (!inRange(Number(key.slice(0, cut)))) continue;
        const ip = key.slice(cut + 1);
        failedLogins.set(ip, (failedLogins.get(ip) ?? 0) + count);
      }
    }
    const groups = [...rolled.values()].map(({ period, sender, domain, tls, auth, clientIp, messages, firstSeen, lastSeen }) => ({ period, sender, domain, tls, auth, clientIp, messages, firstSeen, lastSeen }));
    return { range, unit: this.calendar.unit, periods, groups, failedLogins };
  }
}

function groupKey(bucket: number, g: { sender: string; domain: string; tls: string; auth: string; clientIp: string }): string {
  return `${bucket}\u0000${g.sender}\u0000${g.domain}\u0000${g.tls}\u0000${g.auth}\u0000${g.clientIp}`;
}

function mergeInto(into: { messages: number; firstSeen: number; lastSeen: number }, g: { messages: number; firstSeen: number; lastSeen: number }): void {
  into.messages += g.messages;
  if (g.firstSeen < into.firstSeen) into.firstSeen = g.firstSeen;
  if (g.lastSeen > into.lastSeen) into.lastSeen = g.lastSeen;
}
