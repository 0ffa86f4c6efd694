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

/** The oldest and newest instant of some lines of the input. */
export interface Extent {
  min: number;
  max: number;
}

/**
 * The range to report: the bounds given, and for the rest the data's extent. By default `--to` is the
 * end of the newest submission's day and `--from` the start of the sixth day before that day (the
 * SPEC's seven days, counted from the newest submission even where `--to` is given); with `all`, every
 * dated line, failed logins included. Without submissions, failed logins stand in for them, and
 * without either, today. A range whose end is not after its start is a usage error.
 */
export function completeRange(request: RangeRequest, zone: Zone, submissions: Extent | undefined, failedLogins?: Extent): DateRange {
  const dated = submissions ?? failedLogins;
  const newest = dated?.max ?? request.now ?? request.from ?? (request.to ?? 1) - 1;
  const last = request.all && submissions !== undefined && failedLogins !== undefined ? Math.max(newest, failedLogins.max) : newest;
  const to = request.to ?? zone.dayStart(zone.dayNumber(last) + 1);
  const oldest = Math.min(submissions?.min ?? Infinity, failedLogins?.min ?? Infinity, to - 1);
  const from = request.from ?? (request.all ? zone.dayStart(zone.dayNumber(oldest)) : zone.dayStart(zone.dayNumber(newest) - 6));
  if (from >= to) {
    const day = (t: number): string => {
      const w = zone.wallTime(t);
      return `${w.year}-${String(w.month).padStart(2, "0")}-${String(w.day).padStart(2, "0")}`;
    };
    const source = dated === undefined ? "today" : submissions === undefined ? "the input's last failed login" : "the input's newest submission";
    if (request.from === undefined) {
      throw new UsageError(`--to ${day(to - 1)} is before the default --from, ${day(from)} (six days before ${source}, ${day(newest)}): the range would be empty; give --from as well`);
    }
    // Bounds given together were checked before reading: only --from is given here, and it is after the data.
    throw new UsageError(`--from ${day(from)} is after ${dated === undefined ? "today" : "the input's last day"}, ${day(to - 1)}: the range would be empty; give --to as well, or an earlier --from`);
  }
  return { from, to, zone };
}

/** Checks that a range's bounds are in order, naming them as the user wrote them. */
export function checkRangeOrder(from: { text: string; at: number } | undefined, to: { text: string; at: number } | undefined): void {
  if (from !== undefined && to !== undefined && from.at >= to.at) {
    throw new UsageError(`--from ${from.text} is not before --to ${to.text}: the range would be empty (a --to date is included, a --to date-time is not)`);
  }
}
