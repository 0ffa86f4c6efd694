import { DAY, Zone, dayLabel, pad2 } from "./zone.js";

/** How finely the range is cut into periods. Weeks start on Monday. */
export type PeriodUnit = "hour" | "day" | "week" | "month";
/** The accepted `--by` values. */
export const PERIOD_UNITS: readonly PeriodUnit[] = ["hour", "day", "week", "month"];

const HOUR = 3_600_000;
const QUARTER = 900_000;
const HOUR_ORIGIN = Date.UTC(1999, 11, 31);

/** One period of a range: its key (an integer that orders periods), label and start instant. */
export interface Period {
  key: number;
  label: string;
  start: number;
}

/**
 * Cuts time into periods of one unit in one zone. Records are first collected into buckets (local
 * hours for `hour`, local days otherwise), which nest inside both periods and whole-day range bounds,
 * so a range found only after reading can still be applied exactly.
 */
export class Calendar {
  constructor(readonly zone: Zone, readonly unit: PeriodUnit) {}

  /** The bucket of an instant: the local hour's start instant for `hour`, else the local day number. */
  bucketOf(instant: number): number {
    if (this.unit === "hour") return this.hourStart(instant);
    return this.zone.dayNumber(instant);
  }

  /**
   * A bucket as a small non-negative integer (under 2^22 for this century): the day number, or for
   * hours the quarter-hours since 1999-12-31 (zones shift hours by quarters at most).
   */
  bucketIndex(bucket: number): number {
    return this.unit === "hour" ? (bucket - HOUR_ORIGIN) / QUARTER : bucket;
  }

  /** The bucket of a bucket index. */
  bucketOfIndex(index: number): number {
    return this.unit === "hour" ? index * QUARTER + HOUR_ORIGIN : index;
  }

  /** The instant a bucket begins. */
  bucketStart(bucket: number): number {
    return this.unit === "hour" ? bucket : this.zone.dayStart(bucket);
  }

  /** The period key of a bucket: hour start instant, day number, Monday's day number, or year*12+month. */
  periodOfBucket(bucket: number): number {
    switch (this.unit) {
      case "hour":
      case "day":
        return bucket;
      case "week":
        return bucket - mod(bucket + 3, 7);
      case "month": {
        const d = new Date(bucket * DAY);
        return d.getUTCFullYear() * 12 + d.getUTCMonth();
      }
    }
  }

  /** The period key of an instant. */
  periodOf(instant: number): number {
    return this.periodOfBucket(this.bucketOf(instant));
  }

  /** The period with this key: label (`YYYY-MM-DD`, or `YYYY-MM-DDTHH:00+hh:mm` for hours) and start. */
  period(key: number): Period {
    switch (this.unit) {
      case "hour": {
        const wall = this.zone.wallTime(key);
        const label = `${wall.year}-${pad2(wall.month)}-${pad2(wall.day)}T${pad2(wall.hour)}:00${this.zone.offsetLabel(key)}`;
        return { key, label, start: key };
      }
      case "day":
      case "week":
        return { key, label: dayLabel(key), start: this.zone.dayStart(key) };
      case "month": {
        const first = Date.UTC(Math.floor(key / 12), mod(key, 12), 1) / DAY;
        return { key, label: dayLabel(first), start: this.zone.dayStart(first) };
      }
    }
  }

  /** Every period that overlaps [from, to), in order. */
  periodsBetween(from: number, to: number): Period[] {
    const periods: Period[] = [];
    if (to <= from) return periods;
    const last = this.periodOf(to - 1);
    for (let key = this.periodOf(from); key <= last; key = this.nextPeriod(key)) {
      periods.push(this.period(key));
    }
    return periods;
  }

  private nextPeriod(key: number): number {
    switch (this.unit) {
      case "hour":
        return this.hourStart(key + HOUR);
      case "day":
        return key + 1;
      case "week":
        return key + 7;
      case "month":
        return key + 1;
    }
  }

  private hourStart(instant: number): number {
    const shift = this.zone.shiftAt(instant);
    return Math.floor((instant + shift) / HOUR) * HOUR - shift;
  }
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}
