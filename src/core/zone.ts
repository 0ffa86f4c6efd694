import { tzOffset } from "@date-fns/tz";
import { UsageError } from "./errors.js";

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Calendar fields of a wall-clock time, month 1-12. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/**
 * An IANA time zone with fast instant ↔ wall-clock conversion. Offsets are looked up once per UTC day
 * and reused, except on a day with a transition, which is looked up per call.
 */
export class Zone {
  private readonly offsetByDay = new Map<number, number>();
  private readonly shiftByLocalDay = new Map<number, number>();
  private readonly fixed: boolean;

  private constructor(readonly name: string) {
    this.fixed = name === "UTC";
  }

  /** The zone of an IANA name such as `Europe/Berlin` or `UTC`; a usage error for anything else. */
  static named(name: string): Zone {
    const canonical = /^(utc|z|gmt|etc\/utc)$/i.test(name) ? "UTC" : name;
    // UTC needs no check: asking Intl would load its time zone data (about 11 MB of memory) for nothing.
    if (canonical === "UTC") return new Zone(canonical);
    const unknown = new UsageError(`--tz: unknown time zone '${name}'; use an IANA name such as UTC, Europe/Berlin or America/New_York`);
    let resolved: string;
    try {
      // Intl spells the name as the zone database does (`europe/berlin` is Europe/Berlin): outputs name it so,
      // but only its case: for some names it gives an older alias (Asia/Kolkata as Asia/Calcutta).
      const spelled = new Intl.DateTimeFormat("en-US", { timeZone: canonical }).resolvedOptions().timeZone;
      resolved = spelled.toLowerCase() === canonical.toLowerCase() ? spelled : canonical;
    } catch {
      throw unknown;
    }
    if (Number.isNaN(tzOffset(resolved, new Date(0)))) throw unknown;
    return new Zone(resolved);
  }

  /** Offset from UTC in minutes at an instant (positive east of Greenwich). */
  offsetAt(instant: number): number {
    if (this.fixed) return 0;
    const day = Math.floor(instant / DAY);
    const cached = this.offsetByDay.get(day);
    if (cached !== undefined && !Number.isNaN(cached)) return cached;
    if (cached === undefined) {
      const atStart = tzOffset(this.name, new Date(day * DAY));
      const atEnd = tzOffset(this.name, new Date(day * DAY + DAY - 1));
      this.offsetByDay.set(day, atStart === atEnd ? atStart : NaN);
      if (atStart === atEnd) return atStart;
    }
    return tzOffset(this.name, new Date(instant));
  }

  /** The instant of a wall-clock time in this zone (a time skipped by a DST change lands just after it). */
  toInstant(wall: WallTime): number {
    return this.instantOf(wall.year, wall.month, wall.day, wall.hour, wall.minute, wall.second, wall.millisecond);
  }

  /** As toInstant, from the fields; a local day without a DST change is looked up once. */
  instantOf(year: number, month: number, day: number, hour: number, minute: number, second: number, millisecond: number): number {
    const asUtc = Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
    if (this.fixed) return asUtc;
    const dayKey = (year * 13 + month) * 32 + day;
    let shift = this.shiftByLocalDay.get(dayKey);
    if (shift === undefined) {
      const midnight = Date.UTC(year, month - 1, day);
      const start = this.exactInstant(midnight);
      const end = this.exactInstant(midnight + DAY - 1);
      shift = midnight - start === midnight + DAY - 1 - end ? midnight - start : NaN;
      this.shiftByLocalDay.set(dayKey, shift);
    }
    return Number.isNaN(shift) ? this.exactInstant(asUtc) : asUtc - shift;
  }

  private exactInstant(asUtc: number): number {
    let instant = asUtc - this.offsetAt(asUtc) * MINUTE;
    const offset = this.offsetAt(instant);
    instant = asUtc - offset * MINUTE;
    const again = this.offsetAt(instant);
    // A local time in a gap (clocks put forward) exists at neither offset: it is read at the offset before
    // the change, as Temporal and java.time do (02:30 on the day Berlin skips 02:00-03:00 is 03:30 CEST);
    // a day that begins in a gap (Santiago at midnight) then begins when its first hour does.
    return again === offset ? instant : Math.max(instant, asUtc - again * MINUTE);
  }

  /** Milliseconds to add to an instant to read its wall clock as if it were UTC. */
  shiftAt(instant: number): number {
    return this.offsetAt(instant) * MINUTE;
  }

  /** Wall-clock fields of an instant in this zone. */
  wallTime(instant: number): WallTime {
    const d = new Date(instant + this.shiftAt(instant));
    return {
      year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
      hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), millisecond: d.getUTCMilliseconds(),
    };
  }

  /** Local calendar day of an instant, as whole days since 1970-01-01. */
  dayNumber(instant: number): number {
    return Math.floor((instant + this.shiftAt(instant)) / DAY);
  }

  /** The instant a local calendar day (days since 1970-01-01) begins. */
  dayStart(dayNumber: number): number {
    const d = new Date(dayNumber * DAY);
    return this.toInstant({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: 0, minute: 0, second: 0, millisecond: 0 });
  }

  /** The offset of an instant as ISO 8601 writes it: `Z` when zero, else `+hh:mm` / `-hh:mm`. */
  offsetLabel(instant: number): string {
    const minutes = this.offsetAt(instant);
    if (minutes === 0) return "Z";
    const sign = minutes < 0 ? "-" : "+";
    const abs = Math.abs(minutes);
    return `${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
  }
}

/** Two-digit zero padding. */
export function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `YYYY-MM-DD` of a day number (days since 1970-01-01). */
export function dayLabel(dayNumber: number): string {
  return new Date(dayNumber * DAY).toISOString().slice(0, 10);
}

export { DAY };
