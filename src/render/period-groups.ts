import { Calendar, type Period, type PeriodUnit } from "../core/period.js";
import type { DateRange } from "../engine/range.js";

/** Consecutive periods drawn as one row or column, and whether the range cuts its calendar span. */
export interface PeriodGroup {
  /** Index into the periods of its first and last period. */
  first: number;
  last: number;
  /** The first period's label, shortened for a chart. */
  label: string;
  partial: boolean;
}

/** A way of merging periods into whole calendar spans: how many, named, and the span a period falls in. */
export interface Merge {
  size: number;
  /** `6 hours`, `7 days`, `3 months`. */
  name: string;
  spanOf(period: Period): number;
}

const DAY = 86_400_000;
// Day numbers count from Thursday 1970-01-01: the week index changes on Mondays.
const weekIndex = (dayNumber: number): number => Math.floor((dayNumber + 3) / 7);

/** The merges of a unit, finest first: whole divisors of a day for hours, whole weeks, whole months. */
function merges(unit: PeriodUnit, range: DateRange): Merge[] {
  const zone = range.zone;
  const dayOf = (p: Period): number => (unit === "hour" ? zone.dayNumber(p.start) : p.key);
  const weeks = (n: number, size: number): Merge => ({ size, name: `${n * 7} days`, spanOf: (p) => Math.floor(weekIndex(dayOf(p)) / n) });
  const weekSizes = [1, 2, 4, 13, 26, 52, 104, 260];
  switch (unit) {
    case "hour":
      return [
        // Hour by hour, each period is its own span: the hour that a fall-back repeats is two (02:00+02:00, 02:00+01:00).
        { size: 1, name: "1 hour", spanOf: (p) => p.key },
        ...[2, 3, 4, 6, 12].map((h): Merge => ({ size: h, name: `${h} hours`, spanOf: (p) => dayOf(p) * 24 + Math.floor(zone.wallTime(p.start).hour / h) })),
        { size: 24, name: "1 day", spanOf: dayOf },
        ...weekSizes.map((n) => weeks(n, n * 168)),
      ];
    case "day":
      return [{ size: 1, name: "1 day", spanOf: dayOf }, ...weekSizes.map((n) => weeks(n, n * 7))];
    case "week":
      return weekSizes.map((n) => ({ ...weeks(n, n), name: n === 1 ? "1 week" : `${n} weeks` }));
    case "month":
      return [1, 3, 6, 12, 24, 60, 120].map((n) => ({ size: n, name: n === 1 ? "1 month" : `${n} months`, spanOf: (p) => Math.floor(p.key / n) }));
  }
}

/** The finest merge that leaves at most `room` groups. */
export function mergeFor(periods: Period[], unit: PeriodUnit, range: DateRange, room: number): Merge {
  const all = merges(unit, range);
  for (const merge of all) {
    if (countGroups(periods, merge) <= room) return merge;
  }
  return all[all.length - 1]!;
}

function countGroups(periods: Period[], merge: Merge): number {
  let count = 0;
  let last = NaN;
  for (const p of periods) {
    const span = merge.spanOf(p);
    if (span !== last) count++;
    last = span;
  }
  return count;
}

const SPAN: Record<PeriodUnit, number> = { hour: 3 * 3_600_000, day: 2 * DAY, week: 8 * DAY, month: 32 * DAY };

/**
 * The periods merged by `merge`, each group marked partial when the range cuts its calendar span (a
 * week or month cut by `--from`/`--to`, or a merged span whose first or last periods are outside).
 */
export function groupPeriods(periods: Period[], unit: PeriodUnit, range: DateRange, merge: Merge): PeriodGroup[] {
  const groups: PeriodGroup[] = [];
  periods.forEach((p, i) => {
    const last = groups[groups.length - 1];
    if (last !== undefined && merge.spanOf(periods[last.first]!) === merge.spanOf(p)) last.last = i;
    else groups.push({ first: i, last: i, label: shortLabel(p.label, unit), partial: false });
  });
  if (periods.length === 0) return groups;
  const calendar = new Calendar(range.zone, unit);
  const first = periods[0]!;
  const final = periods[periods.length - 1]!;
  const before = calendar.period(calendar.periodOf(first.start - 1));
  const end = calendar.periodsBetween(final.start, final.start + SPAN[unit])[1]?.start ?? range.to;
  const after = calendar.period(calendar.periodOf(end));
  if (first.start < range.from || merge.spanOf(before) === merge.spanOf(first)) groups[0]!.partial = true;
  if (end > range.to || merge.spanOf(after) === merge.spanOf(final)) groups[groups.length - 1]!.partial = true;
  return groups;
}

/** A period's label for charts: `YYYY-MM-DD`, `YYYY-MM` for months, `YYYY-MM-DD HHh` for hours. */
function shortLabel(label: string, unit: PeriodUnit): string {
  if (unit === "hour") return `${label.slice(0, 10)} ${label.slice(11, 13)}h`;
  if (unit === "month") return label.slice(0, 7);
  return label.slice(0, 10);
}

/** The footnote of partial groups, or none. */
export function partialNote(groups: PeriodGroup[], unit: PeriodUnit, merge: Merge): string | undefined {
  if (!groups.some((g) => g.partial)) return undefined;
  return merge.size === 1 ? `* partial ${unit}: the range covers only part of it` : `* partial span of ${merge.name}: the range covers only part of it`;
}

/** The periods of a table, each label marked `*` where the range cuts its calendar span, and the footnote that says so. */
export function markPartialPeriods(periods: Period[], unit: PeriodUnit, range: DateRange): { labels: string[]; note: string | undefined } {
  const merge = mergeFor(periods, unit, range, periods.length);
  const groups = groupPeriods(periods, unit, range, merge);
  const labels = periods.map((p) => p.label);
  if (groups.length > 0) {
    if (groups[0]!.partial) labels[0] += "*";
    if (groups[groups.length - 1]!.partial && !labels[labels.length - 1]!.endsWith("*")) labels[labels.length - 1] += "*";
  }
  return { labels, note: partialNote(groups, unit, merge) };
}
