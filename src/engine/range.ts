import { UsageError } from "../core/errors.js";
import { isDateOnly, parseTimestamp } from "../core/timestamp.js";
import type { Zone } from "../core/zone.js";

/** A half-open interval of instants [from, to) in a zone. */
export interface DateRange {
  from: number;
  to: number;
  zone: Zone;
}

/** The range options as given: each bound an instant already resolved, or left to the data. */
export interface RangeRequest {
  from?: number;
  to?: number;
  /** Take the whole input instead of the seven days ending at the newest record. */
  all: boolean;
  /** The current time: without records, the default range is the seven days ending today. */
  now?: number;
}

const RELATIVE = /^-(\d+)([dhw])$/;

/** True for a bound counted from now (`today`, `yesterday`, `now`, `-7d`, ...): a range from one runs to now. */
export function isRelativeBound(text: string): boolean {
  const value = text.trim().toLowerCase();
  return value === "now" || value === "today" || value === "yesterday" || RELATIVE.test(value);
}
const HOUR = 3_600_000;

/**
 * The instant a `--from` / `--to` value stands for. Dates are whole days in the zone (a `--to` date
 * includes its day); date-times are instants; `today`, `yesterday`, `now`, `-7d`, `-12h`, `-2w` count
 * from `now`, days back to the start of that day.
 */
export function resolveBound(text: string, side: "from" | "to", zone: Zone, now: number): number {
  const value = text.trim().toLowerCase();
  const today = zone.dayNumber(now);
  const wholeDay = (day: number): number => zone.dayStart(side === "from" ? day : day + 1);
  if (value === "now") return now;
  if (value === "today") return wholeDay(today);
  if (value === "yesterday") return wholeDay(today - 1);
  const relative = RELATIVE.exec(value);
  if (relative) {
    const n = Number(relative[1]);
    if (relative[2] === "h") return now - n * HOUR;
    return zone.dayStart(today - n * (relative[2] === "w" ? 7 : 1));
  }
  const instant = parseTimestamp(text, zone);
  if (Number.isNaN(instant) || /^\d+(\.\d+)?$/.test(value)) {
    throw new UsageError(
      `--${side}: cannot read '${text}' as a date; use YYYY-MM-DD, an ISO date-time such as 2026-11-20T08:00:00Z, today, yesterday, now, or -7d / -12h / -2w`,
    );
  }
  if (isDateOnly(text)) return wholeDay(zone.dayNumber(instant));
  return instant;
}

/**
 * The range to report: the bounds given, and for the rest the data's extent: by default the seven
 * whole days ending with the newest record's day, or with `all`, from the oldest record's day.
 * Without records, the days end with today. A range whose end is not after its start is a usage error.
 */
export function completeRange(request: RangeRequest, zone: Zone, extent: { min: number; max: number } | undefined): DateRange {
  const newest = extent?.max ?? request.now ?? request.from ?? (request.to ?? 1) - 1;
  const to = request.to ?? zone.dayStart(zone.dayNumber(newest) + 1);
  const from = request.from ?? (request.all
    ? zone.dayStart(zone.dayNumber(Math.min(extent?.min ?? newest, to - 1)))
    : zone.dayStart(zone.dayNumber(to - 1) - 6));
  if (from >= to) {
    // Only --from can be given here (bounds given together were checked before reading): it is after the data.
    const day = (t: number): string => {
      const w = zone.wallTime(t);
      return `${w.year}-${String(w.month).padStart(2, "0")}-${String(w.day).padStart(2, "0")}`;
    };
    throw new UsageError(`--from ${day(from)} is after ${extent === undefined ? "today" : "the input's last day"}, ${day(to - 1)}: the range would be empty; give --to as well, or an earlier --from`);
  }
  return { from, to, zone };
}

/** Checks that a range's bounds are in order, naming them as the user wrote them. */
export function checkRangeOrder(from: { text: string; at: number } | undefined, to: { text: string; at: number } | undefined): void {
  if (from !== undefined && to !== undefined && from.at >= to.at) {
    throw new UsageError(`--from ${from.text} is not before --to ${to.text}: the range would be empty (a --to date is included, a --to date-time is not)`);
  }
}
