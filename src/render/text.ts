import type { Aggregate } from "../engine/aggregate.js";
import type { FilterOptions } from "../engine/filter.js";
import type { DateRange } from "../engine/range.js";
import type { UntoldInputs } from "../engine/views.js";
import { wrapText } from "./layout.js";

// Characters a terminal shows as nothing, or that reorder what it shows: bidi marks, overrides and
// isolates (U+061C, U+200E-F, U+202A-E, U+2066-9), zero-width and invisible characters (U+00AD,
// U+034F, U+115F-60, U+17B4-5, U+180E, U+200B-D, U+2060-4, U+3164, U+FEFF, U+FFA0), line and paragraph
// separators (U+2028-9), interlinear annotations (U+FFF9-B) and tag characters (U+E0000-7F, as
// surrogate pairs), which can hide text: `ad\u200bmin@` would look like `admin@`.
const INVISIBLE = "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb";
const TAGS = "\udb40[\udc00-\udc7f]";
const TERMINAL_UNSAFE = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f${INVISIBLE}]|${TAGS}`, "g");
const INVISIBLE_ONLY = new RegExp(`[\\u0080-\\u009f${INVISIBLE}]|${TAGS}`, "g");

/** `\xNN` for a character up to U+00FF, else `\uNNNN` (each half of a surrogate pair, as JSON writes them). */
function escaped(ch: string): string {
  if (ch.length === 2) return escaped(ch[0]!) + escaped(ch[1]!);
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * Log text made safe for a terminal: control characters and escape sequences shown as `\xNN`; bidi,
 * zero-width and other invisible characters as `\uNNNN`.
 */
export function escapeTerminal(text: string): string {
  return text.replace(TERMINAL_UNSAFE, escaped);
}

/**
 * Output bound for a terminal with what escapeTerminal escapes except C0 controls (our own colours use
 * ESC), each as `\uNNNN`: the last guard for every view, and valid JSON, where such characters can
 * only stand inside strings (JSON.stringify itself escapes C0 controls).
 */
export function escapeInvisible(text: string): string {
  return text.replace(INVISIBLE_ONLY, (ch) => Array.from({ length: ch.length }, (_, i) => `\\u${ch.charCodeAt(i).toString(16).padStart(4, "0")}`).join(""));
}

/** A whole number with `,` thousands separators (fixed, so output is the same on every machine). */
export function thousands(n: number): string {
  const digits = String(Math.round(Math.abs(n)));
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return n < 0 ? `-${grouped}` : grouped;
}

/** A percentage with two decimals, from a value already rounded to hundredths. */
export function percentText(value: number): string {
  return value.toFixed(2);
}

const dayTexts = new Map<number, string>();
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, "0"));

// Rows come in day order mostly: the last day's text is kept beside the cache of all days.
let lastDay = NaN;
let lastDate = "";

/** An instant as ISO 8601 in UTC to the second: `2026-11-20T14:03:12Z` (days are formatted once). */
export function isoInstant(ms: number): string {
  const day = Math.floor(ms / 86_400_000);
  let date = day === lastDay ? lastDate : dayTexts.get(day);
  if (date === undefined) {
    date = new Date(day * 86_400_000).toISOString().slice(0, 11);
    dayTexts.set(day, date);
  }
  lastDay = day;
  lastDate = date;
  const seconds = Math.floor((ms - day * 86_400_000) / 1000);
  return `${date}${TWO_DIGITS[Math.floor(seconds / 3600)]}:${TWO_DIGITS[Math.floor(seconds / 60) % 60]}:${TWO_DIGITS[seconds % 60]}Z`;
}

/** An instant as the zone's wall clock, `YYYY-MM-DD HH:mm`, for tables people read. */
export function localTime(ms: number, range: DateRange): string {
  const w = range.zone.wallTime(ms);
  const p = (n: number): string => String(n).padStart(2, "0");
  return `${w.year}-${p(w.month)}-${p(w.day)} ${p(w.hour)}:${p(w.minute)}`;
}

/** The range as people read it: whole days as `from – to (N days, zone)`, else instants. */
export function rangeText(range: DateRange): string {
  const { zone } = range;
  const fromDay = zone.dayNumber(range.from);
  const toDay = zone.dayNumber(range.to);
  const wholeDays = zone.dayStart(fromDay) === range.from && zone.dayStart(toDay) === range.to;
  if (wholeDays) {
    const days = toDay - fromDay;
    const last = localTime(zone.dayStart(toDay - 1), range).slice(0, 10);
    const first = localTime(range.from, range).slice(0, 10);
    return `${first} to ${last} (${days} ${days === 1 ? "day" : "days"}, ${zone.name})`;
  }
  return `${localTime(range.from, range)} to ${localTime(range.to, range)} (${zone.name}, end excluded)`;
}

/**
 * Why a range without submissions cannot be read as "nothing happened": the input ends before it (stale
 * input), starts after it, holds no submissions at all, or the range holds none (failed logins are no
 * answer on TLS or auth). Undefined where the range holds submissions, or holds some and the filters
 * left nothing (a real answer).
 */
export function rangeOutsideInput(aggregate: Aggregate): string | undefined {
  if (aggregate.columns.size > 0) return undefined;
  const failed = aggregate.failedLogins !== undefined && aggregate.failedLogins.size > 0;
  if (aggregate.extent === undefined) return `the ${failed ? "range" : "input"} holds ${failed ? "failed logins but " : ""}no submissions to decide from`;
  const missed = inputMissesRange(aggregate);
  // A quiet day's failed logins say the log is not stale, only without submissions (review 12).
  if (missed !== undefined && failed) return `${missed}; the range holds failed logins, no submissions`;
  if (missed !== undefined || aggregate.rangeHasSubmissions) return missed;
  return failed ? "the range holds failed logins but no submissions to decide from" : "the range holds no submissions to decide from";
}

/** Where a range without submissions lies wholly outside the input: it ends before the range (stale input) or starts after it. */
export function inputMissesRange(aggregate: Aggregate): string | undefined {
  const { extent, range } = aggregate;
  if (aggregate.columns.size > 0 || extent === undefined) return undefined;
  if (extent.max < range.from) return `the input ends before the range: its newest submission is from ${localTime(extent.max, range)} ${range.zone.name}`;
  if (extent.min >= range.to) return `the input starts after the range: its oldest submission is from ${localTime(extent.min, range)} ${range.zone.name}`;
  return undefined;
}

const DAY_MS = 86_400_000;

/**
 * Where the input covers the range only in part: it ends more than a day before an asked-for end, or
 * starts more than a day after an asked-for start (figures then stand for fewer days than the range
 * says; a default bound, taken from the input's newest record, is not held against it).
 * Undefined where it covers the range, or misses it wholly (see inputMissesRange).
 */
export function partialCoverage(aggregate: Aggregate): string | undefined {
  const { extent, range } = aggregate;
  if (extent === undefined || extent.max < range.from || extent.min >= range.to) return undefined;
  const parts: string[] = [];
  if (aggregate.boundsAsked.from && extent.min > range.from + DAY_MS) parts.push(`the input starts ${localTime(extent.min, range)} ${range.zone.name}, after the range starts`);
  if (aggregate.boundsAsked.to && extent.max < range.to - DAY_MS) parts.push(`the input ends ${localTime(extent.max, range)} ${range.zone.name}, before the range ends`);
  return parts.length === 0 ? undefined : parts.join("; ");
}

/**
 * Where the input begins inside the earlier window of a comparison (more than a day, or half a shorter
 * window, after its start): a sender seen only before then reads as new, and the before figures are
 * short. `oldest` is the input's oldest submission. Undefined where the input covers the window's start
 * (or begins after the window: then the window is empty, which is said as such).
 */
export function earlierPartlyCovered(earlier: DateRange, oldest: number | undefined): string | undefined {
  if (oldest === undefined || oldest >= earlier.to || oldest <= earlier.from + Math.min(DAY_MS, (earlier.to - earlier.from) / 2)) return undefined;
  return `the input's oldest submission is from ${localTime(oldest, earlier)} ${earlier.zone.name}, inside the earlier window ${rangeText(earlier)}: "new" and the before figures cover only part of it (a sender seen only before then reads as new)`;
}

/** The lines a text output ends with when its emptiness is not an all-clear (see rangeOutsideInput), else ""; wrapped to `width`. */
export function notAllClearText(aggregate: Aggregate, width = Infinity): string {
  const outside = rangeOutsideInput(aggregate);
  return outside === undefined ? "" : `\n${wrapText(`This is not an all-clear: ${escapeTerminal(outside)}.`, width, "  ").join("\n")}\n`;
}

/** Beside a 0 of failed logins where the input has no such line at all: a log cut by grep would not have them either. */
export const NO_FAILED_LOGIN_LINES = "no failed-login line in the input (none logged, or filtered out)";

/**
 * What a count of failed logins leaves out: none in the input at all, or some outside the range (the
 * newest password-guessing burst may be after the last submission, where the default range ends).
 */
export function failedLoginsScope(aggregate: Aggregate): string | undefined {
  const extent = aggregate.failedLoginsExtent;
  if (extent === undefined) return NO_FAILED_LOGIN_LINES;
  const { range } = aggregate;
  if (extent.max >= range.to) return `the input has failed logins after this range, the newest ${localTime(extent.max, range)} ${range.zone.name} (--all takes them in)`;
  if (extent.min < range.from) return `the input has failed logins before this range, from ${localTime(extent.min, range)} ${range.zone.name} (--all takes them in)`;
  return undefined;
}

/** The range as JSON outputs carry it. */
export function rangeJson(range: DateRange): { from: string; to: string; timezone: string } {
  return { from: boundInstant(range.from), to: boundInstant(range.to), timezone: range.zone.name };
}

/** A bound of a range as ISO 8601 in UTC, to the millisecond where it has a fraction (`--to ...T10:00:00.500Z`). */
export function boundInstant(ms: number): string {
  return ms % 1000 === 0 ? isoInstant(ms) : new Date(ms).toISOString();
}

/** A domain as people read it: `(none)` for senders without one. */
export function domainLabel(domain: string): string {
  return domain === "" ? "(none)" : domain;
}

/** The filters as JSON outputs carry them: each the list of values given (comma-separated ones split). */
export function filtersJson(filters: FilterOptions): { domain: string[]; sender: string[]; tls: string[]; auth: string[]; client_ip: string[] } {
  const list = (values: string[]): string[] => values.flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v !== "");
  return { domain: list(filters.domains), sender: list(filters.senders), tls: list(filters.tls), auth: list(filters.auth), client_ip: list(filters.clientIps) };
}

const FILTER_NAMES = { domain: "domain", sender: "sender", tls: "TLS", auth: "auth", client_ip: "client IP" } as const;

/** Whether any filter is in effect. */
export function isFiltered(filters: FilterOptions): boolean {
  return filterStatements(filters).length > 0;
}

/** The filters in effect as people read them: a name and the values given, one per filtered field. */
export function filterStatements(filters: FilterOptions): { name: string; values: string }[] {
  return Object.entries(filtersJson(filters))
    .filter(([, values]) => values.length > 0)
    .map(([name, values]) => ({ name: FILTER_NAMES[name as keyof typeof FILTER_NAMES], values: values.join(", ") }));
}

/**
 * Where filters other than `--client-ip` are in effect: that they do not apply to failed logins (a
 * failed login has a client address only), so the failed-login figures are not read as filtered.
 */
export function failedLoginsFilterNote(filters: FilterOptions): string | undefined {
  const given = filtersJson(filters);
  const unapplied = (["domain", "sender", "tls", "auth"] as const).filter((name) => given[name].length > 0).map((name) => `--${name}`);
  if (unapplied.length === 0) return undefined;
  const names = unapplied.length === 1 ? unapplied[0]! : `${unapplied.slice(0, -1).join(", ")} and ${unapplied.at(-1)!}`;
  return `${names} ${unapplied.length === 1 ? "does" : "do"} not apply to failed logins (they have a client address only; --client-ip applies)`;
}

/**
 * The header line of text outputs that says which filters are in effect (so a filtered figure is not
 * read as the whole organisation's), or undefined without filters.
 */
export function filtersLine(filters: FilterOptions): string | undefined {
  const parts = filterStatements(filters).map((f) => `${f.name} ${escapeTerminal(f.values)}`);
  return parts.length === 0 ? undefined : `Filtered: only ${parts.join("; ")}`;
}

/** Said beside a count of senders on legacy TLS (Basic auth) that some inputs with submissions in the range cannot tell: it counts the others only. */
export function partlyToldNote(inputs: UntoldInputs[] | undefined, what: "TLS" | "auth"): string {
  if (inputs === undefined) return "";
  return `counts only the inputs that tell ${what}; not ${inputs.map((g) => `${g.inputs.length <= 3 ? g.inputs.join(", ") : `${g.inputs.slice(0, 3).join(", ")} and ${thousands(g.inputs.length - 3)} more`} (${g.why})`).join("; ")}`;
}

/** Said beside a count of senders that some senders with an unknown TLS version (auth kind) are not counted in. */
export function unknownNote(senders: number, what: "TLS" | "auth"): string {
  return senders === 0 ? "" : `not counted: ${thousands(senders)} ${senders === 1 ? "sender" : "senders"} with ${what} unknown`;
}
