// Change over time: the range against an earlier window, figure by figure and sender by sender.
import { Calendar, type PeriodUnit } from "../core/period.js";
import { AUTH_KINDS, TLS_VERSIONS, compareText, type AuthKind, type TlsVersion } from "../core/record.js";
import type { Zone } from "../core/zone.js";
import type { Aggregate } from "./aggregate.js";
import type { DateRange, RangeRequest } from "./range.js";
import { senderNeedsAction, senderTotals, summarize, talliesOf, type Category, type SenderTotal } from "./views.js";

/** What `--compare` asks for: the window of equal length just before the range, or given bounds (and how they were written, for messages). */
export type CompareRequest = { kind: "previous" } | { kind: "window"; from: number; to: number; text?: string };

/** Bounds [from, to) of a window of instants. */
export interface Window {
  from: number;
  to: number;
}

/** The window of equal length before [from, to): whole local days when the range is whole days (DST-proof). */
function previousWindow(from: number, to: number, zone: Zone): Window {
  const fromDay = zone.dayNumber(from);
  const toDay = zone.dayNumber(to);
  if (zone.dayStart(fromDay) === from && zone.dayStart(toDay) === to) return { from: zone.dayStart(2 * fromDay - toDay), to: from };
  return { from: from - (to - from), to: from };
}

/**
 * The earlier window's bounds as far as they are known before reading (the rest depend on the data):
 * the earlier aggregator applies these to each record, exactly.
 */
export function earlierBounds(compare: CompareRequest, request: RangeRequest, zone: Zone): Partial<Window> {
  if (compare.kind === "window") return { from: compare.from, to: compare.to };
  // With --all the range starts on the oldest record's day: nothing read can be before it.
  if (request.from === undefined) return request.all ? { to: -Infinity } : {};
  return request.to === undefined ? { to: request.from } : previousWindow(request.from, request.to, zone);
}

/**
 * The earlier window once the range is known. A bound that was not known before reading is moved to
 * the start of its bucket (a day, or an hour with `--by hour`) so that the buckets read can give it
 * exactly; that only happens for a range starting at a date-time and ending where the data does.
 */
export function earlierWindow(compare: CompareRequest, request: RangeRequest, range: DateRange, unit: PeriodUnit): Window {
  if (compare.kind === "window") return { from: compare.from, to: compare.to };
  const known = request.from === undefined ? {} : earlierBounds(compare, request, range.zone);
  const window = previousWindow(range.from, range.to, range.zone);
  const calendar = new Calendar(range.zone, unit);
  const bucketStart = (t: number): number => calendar.bucketStart(calendar.bucketOf(t));
  return { from: known.from ?? bucketStart(window.from), to: known.to ?? bucketStart(window.to) };
}

/** Where a sender stands against the earlier window (SPEC "Change over time"). */
export type SenderStatus = "fixed" | "new" | "regressed" | "still" | "quiet";
/** The classes in the order they are listed: what needs a look first. */
export const STATUS_ORDER: readonly SenderStatus[] = ["new", "regressed", "fixed", "quiet", "still"];

/** What a sender did in one window. */
export interface SenderWindow {
  messages: number;
  tls: TlsVersion[];
  auth: AuthKind[];
}

/** One sender with a problem in either window. */
export interface SenderChange {
  sender: string;
  domain: string;
  status: SenderStatus;
  before: SenderWindow | undefined;
  after: SenderWindow | undefined;
}

/** A headline figure in both windows; undefined where a window cannot tell it (then no change either). */
export interface FigureChange {
  before: number | undefined;
  after: number | undefined;
  change: number | undefined;
}

/** The headline figures compared, in the summary's order. */
export const FIGURES = ["senders", "messages", "domains", "legacy_tls_senders", "basic_auth_senders", "failed_logins"] as const;
/** One of the compared figures. */
export type Figure = (typeof FIGURES)[number];

/** The range against an earlier window. */
export interface Comparison {
  /** The earlier window. */
  range: DateRange;
  figures: Record<Figure, FigureChange>;
  /** Senders with a problem in either window, in STATUS_ORDER, then by sender. */
  senders: SenderChange[];
  counts: Record<SenderStatus, number>;
  /** False when the earlier window holds no submission at all: every sender with a problem is then `new`. */
  earlierHasData: boolean;
  /** Whether filters (--domain, --sender, --client-ip, --tls, --auth) narrowed the windows. */
  filtered: boolean;
  /** Senders in each window not counted on legacy TLS (Basic auth) whose TLS (auth) is unknown for some messages. */
  unknown: { before: UnknownSenders; after: UnknownSenders };
  /** True when --tls or --auth chose the senders listed while their statuses and windows were judged on all they sent. */
  judgedUnfiltered: boolean;
  /** The input's oldest submission, whatever the windows and filters (undefined without any): it may begin inside the earlier window. */
  inputFrom: number | undefined;
}

/** How many senders' TLS and auth the data could not always tell (not counted in the figures on them). */
export interface UnknownSenders {
  tls: number;
  auth: number;
}

/** True when some submission in the aggregate says its TLS version (or auth kind): the dimension can be told. */
export function canTell(aggregate: Aggregate, category: Category): boolean {
  const c = aggregate.columns;
  const codes = category === "tls" ? c.tls : c.auth;
  const unknown = category === "tls" ? TLS_VERSIONS.indexOf("unknown") : AUTH_KINDS.indexOf("unknown");
  for (let i = 0; i < c.size; i++) if (codes[i] !== unknown) return true;
  return false;
}

function headlineFigures(aggregate: Aggregate): { figures: Record<Figure, number | undefined>; unknown: UnknownSenders } {
  const s = summarize(aggregate, 0);
  const unknown = { tls: s.unknownTlsSenders, auth: s.unknownAuthSenders };
  return { unknown, figures: {
    senders: s.senders,
    messages: s.messages,
    domains: s.domains,
    legacy_tls_senders: canTell(aggregate, "tls") ? s.legacyTlsSenders.length : undefined,
    basic_auth_senders: canTell(aggregate, "auth") ? s.basicAuthSenders.length : undefined,
    failed_logins: s.failedLogins?.reduce((n, f) => n + f.failures, 0),
  } };
}

/** One key per sender (and its domain), for maps of senders. */
export const senderKey = (s: { sender: string; domain: string }): string => `${s.sender}\u0000${s.domain}`;

function windowOf(s: SenderTotal): SenderWindow {
  return {
    messages: s.messages,
    tls: TLS_VERSIONS.filter((v) => s.byTls.has(v)),
    auth: AUTH_KINDS.filter((v) => s.byAuth.has(v)),
  };
}

const hasProblem = (s: SenderTotal | undefined): boolean => s !== undefined && (senderNeedsAction(s, "tls") || senderNeedsAction(s, "auth"));

/** Every message of the sender says its value of the category (none is `unknown`). */
const allTold = (s: SenderTotal, category: Category): boolean => !talliesOf(s, category).has("unknown");

/**
 * The class of a sender, or undefined when it had no problem in either window. `fixed` is only
 * claimed where the data shows it: each dimension that had a problem is told by every message now;
 * a sender whose messages no longer say is `still` (its before/after show why). A sender that had one
 * problem and has another now (legacy TLS before, Basic auth now) is `regressed`.
 */
export function senderStatus(before: SenderTotal | undefined, after: SenderTotal | undefined): SenderStatus | undefined {
  if (hasProblem(before)) {
    if (after === undefined) return "quiet";
    // A problem it did not have before (a device moved to TLS 1.2 but to a password login) is a regression.
    if (hasProblem(after)) return (["tls", "auth"] as const).some((c) => senderNeedsAction(after, c) && !senderNeedsAction(before!, c)) ? "regressed" : "still";
    const shown = (!senderNeedsAction(before!, "tls") || allTold(after, "tls")) && (!senderNeedsAction(before!, "auth") || allTold(after, "auth"));
    return shown ? "fixed" : "still";
  }
  if (!hasProblem(after)) return undefined;
  return before === undefined ? "new" : "regressed";
}

/**
 * The range (`after`) against the earlier window (`before`). The figures are the windows' as filtered;
 * each sender's status is judged on `whole`, the windows read without --tls and --auth (a sender that
 * moved to OAuth sent mail: `fixed`, not `quiet`, under --auth basic), and the senders listed are those
 * the filters keep in either window.
 */
export function compareWindows(after: Aggregate, before: Aggregate, whole: { after: Aggregate; before: Aggregate } = { after, before }): Comparison {
  const { figures: a, unknown: unknownAfter } = headlineFigures(after);
  const { figures: b, unknown: unknownBefore } = headlineFigures(before);
  const figures = Object.fromEntries(FIGURES.map((f) => {
    const change = a[f] === undefined || b[f] === undefined ? undefined : a[f]! - b[f]!;
    return [f, { before: b[f], after: a[f], change }];
  })) as Record<Figure, FigureChange>;
  const earlier = new Map(senderTotals(whole.before).map((s) => [senderKey(s), s]));
  const later = new Map(senderTotals(whole.after).map((s) => [senderKey(s), s]));
  const listed = whole.after === after && whole.before === before ? undefined : new Set([...senderTotals(before), ...senderTotals(after)].map(senderKey));
  const senders: SenderChange[] = [];
  for (const key of new Set([...earlier.keys(), ...later.keys()])) {
    if (listed !== undefined && !listed.has(key)) continue;
    const was = earlier.get(key);
    const is = later.get(key);
    const status = senderStatus(was, is);
    if (status === undefined) continue;
    const { sender, domain } = (is ?? was)!;
    senders.push({ sender, domain, status, before: was && windowOf(was), after: is && windowOf(is) });
  }
  senders.sort((x, y) => STATUS_ORDER.indexOf(x.status) - STATUS_ORDER.indexOf(y.status) || compareText(x.sender, y.sender) || compareText(x.domain, y.domain));
  const counts = Object.fromEntries(STATUS_ORDER.map((s) => [s, 0])) as Record<SenderStatus, number>;
  for (const s of senders) counts[s.status]++;
  return { range: before.range, figures, senders, counts, earlierHasData: whole.before.columns.size > 0, filtered: Object.values(after.filters).some((values) => values.length > 0), unknown: { before: unknownBefore, after: unknownAfter }, judgedUnfiltered: listed !== undefined, inputFrom: before.extent?.min };
}

/** True for a class that `--fail-on new` fails on: a sender newly on legacy TLS or Basic auth. */
export function isNewProblem(status: SenderStatus): boolean {
  return status === "new" || status === "regressed";
}
