import type { AuthKind, Submission, TlsVersion } from "../ingest/submission.js";
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
}

interface BucketGroup {
  bucket: number;
  sender: string;
  domain: string;
  tls: TlsVersion;
  auth: AuthKind;
  clientIp: string;
  messages: number;
  firstSeen: number;
  lastSeen: number;
}

/**
 * Collects submissions into (bucket, sender, domain, TLS, auth, client IP) groups as they stream in.
 * Memory grows with the number of groups, never with the number of records.
 */
export class SubmissionAggregator {
  private readonly groups = new Map<string, BucketGroup>();
  private min = Infinity;
  private max = -Infinity;
  private readonly from: number;
  private readonly to: number;

  constructor(
    private readonly calendar: Calendar,
    private readonly filter: SubmissionFilter,
    private readonly request: RangeRequest,
  ) {
    this.from = request.from ?? -Infinity;
    this.to = request.to ?? Infinity;
  }

  /** Counts one submission (outside the given bounds or the filters, it only widens the extent). */
  add(submission: Submission): void {
    const t = submission.timestamp;
    if (t < this.min) this.min = t;
    if (t > this.max) this.max = t;
    if (t < this.from || t >= this.to || submission.messages === 0 || !this.filter(submission)) return;
    const bucket = this.calendar.bucketOf(t);
    const key = `${bucket}\u0000${submission.sender}\u0000${submission.domain}\u0000${submission.tls}\u0000${submission.auth}\u0000${submission.clientIp}`;
    const group = this.groups.get(key);
    if (group === undefined) {
      this.groups.set(key, {
        bucket, sender: submission.sender, domain: submission.domain, tls: submission.tls, auth: submission.auth,
        clientIp: submission.clientIp, messages: submission.messages, firstSeen: t, lastSeen: t,
      });
      return;
    }
    group.messages += submission.messages;
    if (t < group.firstSeen) group.firstSeen = t;
    if (t > group.lastSeen) group.lastSeen = t;
  }

  /** Oldest and newest timestamp of every record read, filtered or not; undefined before the first. */
  get extent(): { min: number; max: number } | undefined {
    return this.min <= this.max ? { min: this.min, max: this.max } : undefined;
  }

  /** Fixes the range (bounds not given come from the extent) and rolls the buckets up into periods. */
  finish(): Aggregate {
    const extent = this.extent ?? { min: this.request.from ?? 0, max: (this.request.to ?? 1) - 1 };
    const range = completeRange(this.request, this.calendar.zone, extent);
    const periods = this.calendar.periodsBetween(range.from, range.to);
    const periodByKey = new Map(periods.map((p) => [p.key, p]));
    const rolled = new Map<string, Group>();
    for (const g of this.groups.values()) {
      const start = this.calendar.bucketStart(g.bucket);
      // Bounds taken from the data are whole local days, which buckets never straddle.
      if ((this.request.from === undefined && start < range.from) || (this.request.to === undefined && start >= range.to)) continue;
      const period = periodByKey.get(this.calendar.periodOfBucket(g.bucket));
      if (period === undefined) continue;
      const key = `${period.key}\u0000${g.sender}\u0000${g.domain}\u0000${g.tls}\u0000${g.auth}\u0000${g.clientIp}`;
      const into = rolled.get(key);
      if (into === undefined) {
        rolled.set(key, { period, sender: g.sender, domain: g.domain, tls: g.tls, auth: g.auth, clientIp: g.clientIp, messages: g.messages, firstSeen: g.firstSeen, lastSeen: g.lastSeen });
      } else {
        into.messages += g.messages;
        into.firstSeen = Math.min(into.firstSeen, g.firstSeen);
        into.lastSeen = Math.max(into.lastSeen, g.lastSeen);
      }
    }
    return { range, unit: this.calendar.unit, periods, groups: [...rolled.values()] };
  }
}
