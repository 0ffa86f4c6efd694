import type { Zone } from "./zone.js";

/** How to read `a/b/YYYY` dates: month first (US, as Microsoft exports) or day first. */
export type DateOrder = "mdy" | "dmy";

const ISO = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;
const SLASH = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*([AP]\.?M\.?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;
const DOTTED = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?$/;
const EPOCH = /^\d{9,17}(?:\.\d+)?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * The instant a log's timestamp stands for, or NaN when it is not a form we read. Forms: ISO 8601 with
 * `Z` or an offset; `YYYY-MM-DD HH:mm[:ss[.f]]` and a date alone (read in `zone`); epoch seconds,
 * milliseconds or microseconds, told apart by size; `M/D/YYYY h:mm[:ss] AM/PM` (or day first with
 * `dmy`); `D.M.YYYY HH:mm[:ss]`. Instants outside 2000-2099 are NaN too.
 */
export function parseTimestamp(value: string | number, zone: Zone, order: DateOrder = "mdy"): number {
  return recordInstant(parseAny(value, zone, order));
}

// Submission logs are from this century; anything else is a misread value (a file dated 1970, a
// placeholder 9999-12-31), and would stretch an `--all` range over decades of empty periods or move
// the default range away from every real record.
/** The first year a record may be from. */
export const EARLIEST_YEAR = 2000;
/** The last year a record may be from. */
export const LATEST_YEAR = 2099;
const EARLIEST = Date.UTC(EARLIEST_YEAR, 0, 1);
const LATEST = Date.UTC(LATEST_YEAR + 1, 0, 1);

/**
 * The instant itself when a record may be from it (2000-2099), else NaN: every reader passes the
 * instants it reads through this, so that all apply the same bounds and count the rest as skipped.
 */
export function recordInstant(instant: number): number {
  return instant >= EARLIEST && instant < LATEST ? instant : NaN;
}

// No zone is further from UTC than 14 hours (Kiribati, +14:00).
const MAX_OFFSET_MINUTES = 14 * 60;

function parseAny(value: string | number, zone: Zone, order: DateOrder): number {
  if (typeof value === "number") return fromEpoch(value);
  const text = value.trim();
  if (text.length >= 19 && text.charCodeAt(4) === 45) {
    const fast = isoFromBytes(Buffer.from(text, "latin1"), 0, text.length, zone);
    if (!Number.isNaN(fast)) return fast;
  }
  if (EPOCH.test(text)) return fromEpoch(Number(text));
  let m = ISO.exec(text);
  if (m) return build(zone, +m[1]!, +m[2]!, +m[3]!, m[4], m[5], m[6], m[7], undefined, m[8]);
  m = SLASH.exec(text);
  if (m) {
    const [month, day] = order === "mdy" ? [+m[1]!, +m[2]!] : [+m[2]!, +m[1]!];
    return build(zone, +m[3]!, month, day, m[4], m[5], m[6], m[7], m[8], m[9]);
  }
  m = DOTTED.exec(text);
  if (m) return build(zone, +m[3]!, +m[2]!, +m[1]!, m[4], m[5], m[6], m[7], undefined, undefined);
  return NaN;
}

/** What the first two numbers of an `a/b/YYYY` date allow: only day first, only month first, or either. */
export type SlashDateOrder = "day-first" | "month-first" | "either";

const SLASH_START = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})/;

/**
 * The orders an `a/b/YYYY` date can be read in, told by its numbers alone (a number over 12 is a day);
 * undefined when the text is no slash date or neither order makes a date of it.
 */
export function slashDateOrder(text: string): SlashDateOrder | undefined {
  const m = SLASH_START.exec(text);
  if (!m) return undefined;
  const first = +m[1]!;
  const second = +m[2]!;
  const year = +m[3]!;
  // A date outside the years read (a placeholder 31/12/9999) is skipped whatever its order: it tells none.
  if (first < 1 || second < 1 || year < EARLIEST_YEAR || year > LATEST_YEAR) return undefined;
  // 11/11/2026 reads the same either way.
  if (first === second) return undefined;
  if (first <= 12 && second <= 12) return "either";
  if (first <= 12 && second <= 31) return "month-first";
  if (second <= 12 && first <= 31) return "day-first";
  return undefined;
}

/** Epoch seconds, milliseconds or microseconds, told apart by magnitude (seconds up to the year 5138). */
function fromEpoch(n: number): number {
  if (!Number.isFinite(n) || n < 0) return NaN;
  if (n < 1e11) return Math.round(n * 1000);
  if (n < 1e14) return Math.round(n);
  return Math.round(n / 1000);
}

function build(
  zone: Zone, year: number, month: number, day: number,
  hourText: string | undefined, minuteText: string | undefined, secondText: string | undefined,
  fraction: string | undefined, meridiem: string | undefined, offsetText: string | undefined,
): number {
  let hour = hourText === undefined ? 0 : +hourText;
  const minute = minuteText === undefined ? 0 : +minuteText;
  const second = secondText === undefined ? 0 : +secondText;
  const millisecond = fraction === undefined ? 0 : +(fraction + "00").slice(0, 3);
  if (meridiem !== undefined) {
    if (hour < 1 || hour > 12) return NaN;
    const pm = meridiem[0] === "p" || meridiem[0] === "P";
    hour = (hour % 12) + (pm ? 12 : 0);
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
  if (hour > 23 || minute > 59 || second > 60) return NaN;
  const clampedSecond = Math.min(second, 59);
  if (offsetText === undefined) {
    return zone.toInstant({ year, month, day, hour, minute, second: clampedSecond, millisecond });
  }
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, clampedSecond, millisecond);
  return asUtc - offsetMinutes(offsetText) * 60_000;
}

/** The minutes of a `Z`, `UTC`, `±HH`, `±HHMM` or `±HH:MM` offset; NaN beyond ±14:00 or with minutes over 59. */
function offsetMinutes(text: string): number {
  if (/^(z|utc|gmt)$/i.test(text)) return 0;
  const sign = text[0] === "-" ? -1 : 1;
  const digits = text.slice(1).replace(":", "");
  const hours = +digits.slice(0, 2);
  const minutes = digits.length > 2 ? +digits.slice(2, 4) : 0;
  return sign * offsetOf(hours, minutes);
}

function offsetOf(hours: number, minutes: number): number {
  const total = hours * 60 + minutes;
  return minutes <= 59 && total <= MAX_OFFSET_MINUTES ? total : NaN;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2 && ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0)) return 29;
  return DAYS_IN_MONTH[month - 1]!;
}

/** True when the text is a date alone (`YYYY-MM-DD`), which as a range bound means a whole day. */
export function isDateOnly(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text.trim());
}

/** Two ASCII digits at a position as a number, or NaN. */
function digits2(bytes: Uint8Array, at: number): number {
  const a = bytes[at]! - 48;
  const b = bytes[at + 1]! - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : NaN;
}

/**
 * The instant of the timestamp in bytes [start, end) when it is in one of the common forms read
 * without making a string: `YYYY-MM-DD[T ]HH:MM:SS[.f][Z|±HH:MM]` or epoch digits. NaN for anything
 * else (the general forms then read it as text) and for instants outside 2000-2099.
 */
export function instantFromBytes(bytes: Uint8Array, start: number, end: number, zone: Zone): number {
  const first = bytes[start]!;
  return recordInstant(bytes[start + 4] === 45 ? isoFromBytes(bytes, start, end, zone) : first >= 48 && first <= 57 ? epochFromBytes(bytes, start, end) : NaN);
}

function epochFromBytes(bytes: Uint8Array, start: number, end: number): number {
  if (end - start < 9 || end - start > 17) return NaN;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = bytes[i]! - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return fromEpoch(n);
}

function isoFromBytes(bytes: Uint8Array, start: number, end: number, zone: Zone): number {
  const length = end - start;
  if (length < 19 || bytes[start + 7] !== 45 || bytes[start + 13] !== 58 || bytes[start + 16] !== 58) return NaN;
  const separator = bytes[start + 10];
  if (separator !== 84 && separator !== 32) return NaN;
  const year = digits2(bytes, start) * 100 + digits2(bytes, start + 2);
  const month = digits2(bytes, start + 5);
  const day = digits2(bytes, start + 8);
  const hour = digits2(bytes, start + 11);
  const minute = digits2(bytes, start + 14);
  const second = digits2(bytes, start + 17);
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && hour <= 23 && minute <= 59 && second <= 60)) return NaN;
  const millisecond = fractionOf(bytes, start + 19, end);
  const at = fractionEnd;
  const clamped = second === 60 ? 59 : second;
  if (at === end) return zone.instantOf(year, month, day, hour, minute, clamped, millisecond);
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, clamped, millisecond);
  const sign = bytes[at];
  if (sign === 90 && at + 1 === end) return asUtc;
  if (sign !== 43 && sign !== 45) return NaN;
  const rest = end - at;
  if (rest !== 6 && rest !== 5 && rest !== 3) return NaN;
  if (rest === 6 && bytes[at + 3] !== 58) return NaN;
  const hours = digits2(bytes, at + 1);
  const minutes = rest === 3 ? 0 : digits2(bytes, rest === 6 ? at + 4 : at + 3);
  return asUtc - (sign === 45 ? -1 : 1) * offsetOf(hours, minutes) * 60_000;
}

// Where the last fractionOf stopped (a second result without an object per call).
let fractionEnd = 0;

/** Milliseconds of an optional `.f` / `,f` fraction at `at` (any number of digits, cut to whole ms). */
function fractionOf(bytes: Uint8Array, at: number, end: number): number {
  let millisecond = 0;
  if (bytes[at] === 46 || bytes[at] === 44) {
    let scale = 100;
    at++;
    for (let code = bytes[at]!; at < end && code >= 48 && code <= 57; code = bytes[++at]!) {
      millisecond += (code - 48) * scale;
      scale /= 10;
    }
    millisecond = Math.floor(millisecond);
  }
  fractionEnd = at;
  return millisecond;
}

/**
 * instantFromBytes for a stream of timestamps that mostly share their day (a log in time order): while
 * the date bytes (`YYYY-MM-DD` and the separator) and what follows the time (`Z`, an offset, nothing)
 * repeat, only the time of day is read and added to the day's start. A day on which the zone changes
 * its offset is read in full every time.
 */
export class InstantReader {
  private readonly date = new Uint8Array(11);
  private readonly suffix = new Uint8Array(8);
  private suffixLength = -1;
  // The instant of 00:00:00.000 of the day the date bytes name; NaN when nothing is cached.
  private dayStart = NaN;

  constructor(private readonly zone: Zone) {}

  /** The instant of the timestamp in bytes [start, end), exactly as instantFromBytes reads it. */
  read(bytes: Uint8Array, start: number, end: number): number {
    if (this.dayStart === this.dayStart && end - start >= 19 && bytes[start + 13] === 58 && bytes[start + 16] === 58) {
      const date = this.date;
      let same = true;
      for (let i = 0; i < 11 && same; i++) same = bytes[start + i] === date[i];
      const hour = digits2(bytes, start + 11);
      const minute = digits2(bytes, start + 14);
      const second = digits2(bytes, start + 17);
      if (same && hour <= 23 && minute <= 59 && second <= 59) {
        const millisecond = fractionOf(bytes, start + 19, end);
        const at = fractionEnd;
        if (end - at === this.suffixLength) {
          for (let i = 0; i < this.suffixLength && same; i++) same = bytes[at + i] === this.suffix[i];
          if (same) {
            return recordInstant(this.dayStart + hour * 3_600_000 + minute * 60_000 + second * 1000 + millisecond);
          }
        }
      }
    }
    const instant = instantFromBytes(bytes, start, end, this.zone);
    if (instant === instant && bytes[start + 4] === 45) this.learn(bytes, start, end, instant);
    return instant;
  }

  /** Caches the day of a timestamp just read in full, when its day start is fixed. */
  private learn(bytes: Uint8Array, start: number, end: number, instant: number): void {
    this.dayStart = NaN;
    const second = digits2(bytes, start + 17);
    const millisecond = fractionOf(bytes, start + 19, end);
    const at = fractionEnd;
    if (second > 59 || end - at > this.suffix.length) return;
    if (at === end) {
      // A naive time: the zone's offset must be the same all day.
      const year = digits2(bytes, start) * 100 + digits2(bytes, start + 2);
      const month = digits2(bytes, start + 5);
      const day = digits2(bytes, start + 8);
      if (this.zone.instantOf(year, month, day, 23, 59, 59, 999) - this.zone.instantOf(year, month, day, 0, 0, 0, 0) !== 86_399_999) return;
    }
    this.date.set(bytes.subarray(start, start + 11));
    this.suffix.set(bytes.subarray(at, end));
    this.suffixLength = end - at;
    this.dayStart = instant - (digits2(bytes, start + 11) * 3_600_000 + digits2(bytes, start + 14) * 60_000 + second * 1000 + millisecond);
  }
}
