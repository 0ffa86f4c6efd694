import { AUTH_KINDS, LEGACY_TLS, TLS_VERSIONS, compareText, type AuthKind, type TlsVersion } from "../core/record.js";
import type { Aggregate, Group } from "./aggregate.js";
import type { Period } from "../core/period.js";

/** A share of a whole as a percentage with two decimals (half up), computed from integers. */
export function percent(part: number, whole: number): number {
  if (whole === 0) return 0;
  return Math.round((part * 10_000) / whole) / 100;
}

/** A share of a period's messages, or null where the period has none: it has no share, not 0 %. */
export function shareOf(part: number, whole: number): number | null {
  return whole === 0 ? null : percent(part, whole);
}

/**
 * The export's rows: groups ordered by period, sender, domain, TLS version, auth, client IP (plain
 * string order). The aggregate keeps its groups in this order already.
 */
export function exportRows(aggregate: Aggregate): Group[] {
  return aggregate.groups;
}

/** The dimensions a submission is split by in the TLS and Authentication views. */
export type Category = "tls" | "auth";
/** The values of a category, in the order they are shown. */
export const CATEGORY_VALUES: { tls: readonly TlsVersion[]; auth: readonly AuthKind[] } = { tls: TLS_VERSIONS, auth: AUTH_KINDS };

/** True for a value that needs action: legacy TLS, or Basic authentication. */
export function needsAction(category: Category, value: string): boolean {
  return category === "tls" ? LEGACY_TLS.has(value as TlsVersion) : value === "basic";
}

/** A sender's tallies per value of a category. */
export function talliesOf(sender: SenderTotal, category: Category): Map<string, Tally> {
  return category === "tls" ? sender.byTls : sender.byAuth;
}

/** True when a sender used legacy TLS (or Basic auth) at least once in the range. */
export function senderNeedsAction(sender: SenderTotal, category: Category): boolean {
  for (const value of talliesOf(sender, category).keys()) if (needsAction(category, value)) return true;
  return false;
}

/** Messages and distinct senders of one TLS version or auth kind across the range. */
export interface CategoryShare {
  value: string;
  messages: number;
  percent: number;
  senders: number;
}

/** Everything one sender did in the range. */
export interface SenderTotal {
  sender: string;
  domain: string;
  messages: number;
  firstSeen: number;
  lastSeen: number;
  /** Messages per TLS version and per auth kind, with first/last seen of each. */
  byTls: Map<string, Tally>;
  byAuth: Map<string, Tally>;
  clientIps: Set<string>;
}

/** Messages with first and last seen. */
export interface Tally {
  messages: number;
  firstSeen: number;
  lastSeen: number;
}

function addTally(map: Map<string, Tally>, key: string, messages: number, firstSeen: number, lastSeen: number): void {
  const t = map.get(key);
  if (t === undefined) {
    map.set(key, { messages, firstSeen, lastSeen });
  } else {
    t.messages += messages;
    if (firstSeen < t.firstSeen) t.firstSeen = firstSeen;
    if (lastSeen > t.lastSeen) t.lastSeen = lastSeen;
  }
}

// An aggregate's sender totals, made once: a summary, its comparison and the report's tables each ask
// (100,000 senders: 4-6 times 0.1-0.2 s and 100 MB of objects, for the same list).
const senderTotalsMade = new WeakMap<Aggregate, readonly SenderTotal[]>();

/** Per-sender totals, largest first, then by sender. Read from the columns: linear in the groups, no group objects; made once per aggregate. */
export function senderTotals(aggregate: Aggregate): readonly SenderTotal[] {
  let totals = senderTotalsMade.get(aggregate);
  if (totals === undefined) senderTotalsMade.set(aggregate, (totals = totalsBySender(aggregate)));
  return totals;
}

function totalsBySender(aggregate: Aggregate): SenderTotal[] {
  const c = aggregate.columns;
  // A sender id stands for one (sender, domain).
  const bySender = new Array<SenderTotal | undefined>(c.senders.length);
  const totals: SenderTotal[] = [];
  for (let i = 0; i < c.size; i++) {
    const id = c.sender[i]!;
    const messages = c.messages[i]!;
    const firstSeen = c.firstSeen[i]!;
    const lastSeen = c.lastSeen[i]!;
    let s = bySender[id];
    if (s === undefined) {
      s = { sender: c.senders[id]!, domain: c.domains[id]!, messages: 0, firstSeen, lastSeen, byTls: new Map(), byAuth: new Map(), clientIps: new Set() };
      bySender[id] = s;
      totals.push(s);
    }
    s.messages += messages;
    if (firstSeen < s.firstSeen) s.firstSeen = firstSeen;
    if (lastSeen > s.lastSeen) s.lastSeen = lastSeen;
    addTally(s.byTls, TLS_VERSIONS[c.tls[i]!]!, messages, firstSeen, lastSeen);
    addTally(s.byAuth, AUTH_KINDS[c.auth[i]!]!, messages, firstSeen, lastSeen);
    const ip = c.clientIps[c.clientIp[i]!]!;
    if (ip !== "") s.clientIps.add(ip);
  }
  return totals.sort((a, b) => b.messages - a.messages || compareText(a.sender, b.sender) || compareText(a.domain, b.domain));
}

/** Total messages of all groups. */
export function totalMessages(aggregate: Aggregate): number {
  const c = aggregate.columns;
  let total = 0;
  for (let i = 0; i < c.size; i++) total += c.messages[i]!;
  return total;
}

/** Messages and distinct senders per value of a category, in canonical order, only values present. */
export function categoryShares(aggregate: Aggregate, category: Category): CategoryShare[] {
  const c = aggregate.columns;
  const values = CATEGORY_VALUES[category];
  const codes = category === "tls" ? c.tls : c.auth;
  const messages = new Float64Array(values.length);
  const present = new Uint8Array(values.length);
  const senders = new Float64Array(values.length);
  // Which senders were counted for each value: a byte per sender and value.
  const seen = new Uint8Array(values.length * c.senders.length);
  for (let i = 0; i < c.size; i++) {
    const code = codes[i]!;
    messages[code]! += c.messages[i]!;
    present[code] = 1;
    const at = code * c.senders.length + c.sender[i]!;
    if (seen[at] === 0) {
      seen[at] = 1;
      senders[code]!++;
    }
  }
  const total = totalMessages(aggregate);
  return values.flatMap((value, code) => (present[code] === 1 ? [{ value, messages: messages[code]!, percent: percent(messages[code]!, total), senders: senders[code]! }] : []));
}

/** Failed logins of one client address (from raw server logs). */
export interface FailedLogin {
  clientIp: string;
  failures: number;
}

/** Microsoft's widget and flyout: who used SMTP AUTH, how much, with which TLS and auth. */
export interface Summary {
  senders: number;
  messages: number;
  domains: number;
  tls: CategoryShare[];
  auth: CategoryShare[];
  legacyTlsSenders: SenderTotal[];
  basicAuthSenders: SenderTotal[];
  topSenders: SenderTotal[];
  /** Every sender on legacy TLS or Basic auth: those on legacy TLS first, then by messages. */
  actionNeeded: SenderTotal[];
  /** Failed logins per client address, most first; undefined when the input cannot record them. */
  failedLogins: FailedLogin[] | undefined;
  /** Categories the data cannot tell, with the reason: their sender counts are unknown, not zero. */
  untold: Untold;
  /** Categories that some inputs with submissions in the range cannot tell while others can: their sender counts are of the others only. */
  partlyTold: PartlyTold;
  /** Senders not counted above whose TLS version (auth kind) is unknown for some of their messages: the counts above are lower bounds while these exist. */
  unknownTlsSenders: number;
  unknownAuthSenders: number;
}

/** The summary of an aggregate; `top` senders are listed; `untold` says which categories are unknown and why. */
export function summarize(aggregate: Aggregate, top: number, untold: Untold = untoldCategories(aggregate), partlyTold: PartlyTold = {}): Summary {
  const senders = senderTotals(aggregate);
  const legacyTlsSenders = senders.filter((s) => senderNeedsAction(s, "tls"));
  const basicAuthSenders = senders.filter((s) => senderNeedsAction(s, "auth"));
  return {
    untold,
    partlyTold,
    unknownTlsSenders: senders.filter((s) => !senderNeedsAction(s, "tls") && talliesOf(s, "tls").has("unknown")).length,
    unknownAuthSenders: senders.filter((s) => !senderNeedsAction(s, "auth") && talliesOf(s, "auth").has("unknown")).length,
    senders: senders.length,
    messages: totalMessages(aggregate),
    domains: new Set(aggregate.groups.map((g) => g.domain)).size,
    tls: categoryShares(aggregate, "tls"),
    auth: categoryShares(aggregate, "auth"),
    legacyTlsSenders,
    basicAuthSenders,
    topSenders: senders.slice(0, top),
    actionNeeded: [...new Set([...legacyTlsSenders, ...basicAuthSenders])],
    failedLogins: aggregate.failedLogins === undefined ? undefined
      : [...aggregate.failedLogins].map(([clientIp, failures]) => ({ clientIp, failures })).sort((a, b) => b.failures - a.failures || compareText(a.clientIp, b.clientIp)),
  };
}

/** One line of a chart: a name and a value per period. */
export interface Series {
  name: string;
  values: number[];
  total: number;
}

/** Messages per period per domain, largest domain first. */
export function volumeSeries(aggregate: Aggregate): Series[] {
  return seriesBy(aggregate, (g) => g.domain, (a, b) => b.total - a.total || compareText(a.name, b.name));
}

/** Messages per period per value of a category, in canonical order, only values present. */
export function categorySeries(aggregate: Aggregate, category: Category): Series[] {
  const order: readonly string[] = CATEGORY_VALUES[category];
  return seriesBy(aggregate, (g) => g[category], (a, b) => order.indexOf(a.name) - order.indexOf(b.name));
}

function seriesBy(aggregate: Aggregate, nameOf: (g: Group) => string, order: (a: Series, b: Series) => number): Series[] {
  const index = periodIndex(aggregate.periods);
  const byName = new Map<string, Series>();
  for (const g of aggregate.groups) {
    const name = nameOf(g);
    let s = byName.get(name);
    if (s === undefined) byName.set(name, (s = { name, values: new Array<number>(aggregate.periods.length).fill(0), total: 0 }));
    s.values[index.get(g.period.key)!]! += g.messages;
    s.total += g.messages;
  }
  return [...byName.values()].sort(order);
}

function periodIndex(periods: Period[]): Map<number, number> {
  return new Map(periods.map((p, i) => [p.key, i]));
}

/** The first `top` series, the rest summed into one named `other` (charts do this; CSV just cuts). */
export function topSeries(series: Series[], top: number, periods: number): Series[] {
  if (series.length <= top) return series;
  const kept = largestSeries(series, top);
  const rest = series.filter((s) => !kept.includes(s));
  const other: Series = { name: "other", values: new Array<number>(periods).fill(0), total: 0 };
  for (const s of rest) {
    s.values.forEach((v, i) => (other.values[i]! += v));
    other.total += s.total;
  }
  return [...kept, other];
}

/** The `top` series with the most messages (all without `top`), in the order given (TLS versions stay in their order). */
export function largestSeries<S extends { total: number }>(series: S[], top: number | undefined): S[] {
  if (top === undefined || series.length <= top) return series;
  const chosen = new Set([...series].sort((a, b) => b.total - a.total).slice(0, top));
  return series.filter((s) => chosen.has(s));
}

/** Per-period totals of a set of series (the denominator of percentages per period). */
export function periodTotals(series: Series[], periods: number): number[] {
  const totals = new Array<number>(periods).fill(0);
  for (const s of series) s.values.forEach((v, i) => (totals[i]! += v));
  return totals;
}

/** Senders ordered for a TLS or auth details table: those needing action first, then by messages. */
export function categoryDetails(aggregate: Aggregate, category: Category): SenderTotal[] {
  return senderTotals(aggregate)
    .map((s) => ({ s, flag: senderNeedsAction(s, category) }))
    .sort((a, b) => Number(b.flag) - Number(a.flag) || b.s.messages - a.s.messages || compareText(a.s.sender, b.s.sender))
    .map(({ s }) => s);
}

/** The values of a category present among some senders, in canonical order. */
export function valuesPresent(senders: readonly SenderTotal[], category: Category): string[] {
  const present = new Set<string>();
  for (const s of senders) for (const v of talliesOf(s, category).keys()) present.add(v);
  return CATEGORY_VALUES[category].filter((v) => present.has(v));
}

/** Why the input cannot tell a category, for each category it cannot tell (see untoldCategories). */
export type Untold = Partial<Record<Category, string>>;

/** Inputs that cannot tell a category, with why: one reason and the inputs it holds for. */
export interface UntoldInputs {
  inputs: string[];
  why: string;
}

/** Per category, the inputs with submissions in the range that cannot tell it while others in the run can. */
export type PartlyTold = Partial<Record<Category, UntoldInputs[]>>;

const UNTOLD_LABEL = { tls: "TLS", auth: "auth" } as const;

/**
 * The categories the data cannot tell: the range holds submissions and every one of them has the
 * category `unknown`. Its figures are then not zero but unknown; `why` gives the input's reason.
 */
export function untoldCategories(aggregate: Aggregate, why: Untold = {}): Untold {
  const c = aggregate.columns;
  const untold: Untold = {};
  if (c.size === 0) return untold;
  for (const category of ["tls", "auth"] as const) {
    const codes = category === "tls" ? c.tls : c.auth;
    const unknown = CATEGORY_VALUES[category].indexOf("unknown" as never);
    let told = false;
    for (let i = 0; i < c.size && !told; i++) told = codes[i] !== unknown;
    if (!told) untold[category] = `every submission in the range has ${UNTOLD_LABEL[category]} unknown${why[category] === undefined ? "" : `: ${why[category]}`}`;
  }
  return untold;
}
