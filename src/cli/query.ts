// The query step every command shares: read the inputs into one aggregate for the range and
// filters asked (a second thread for large files), then say on stderr what the output cannot.
import { UsageError } from "../core/errors.js";
import { AUTH_KINDS, TLS_VERSIONS } from "../core/record.js";
import { Zone } from "../core/zone.js";
import { createAggregator, type Aggregate, type AggregatorSpec } from "../engine/aggregate.js";
import { compareWindows, earlierBounds, earlierWindow, isNewProblem, type CompareRequest, type Comparison } from "../engine/compare.js";
import { filtersOnTlsOrAuth, narrowToTlsAndAuth, withoutTlsAndAuth } from "../engine/narrow.js";
import { unusualActivity, type Unusual } from "../engine/unusual.js";
import { filterSelectsNothing, type FilterOptions } from "../engine/filter.js";
import { checkRangeOrder, isRelativeBound, resolveBound, type RangeRequest } from "../engine/range.js";
import { TeeSink } from "../engine/tee-sink.js";
import { needsAction, untoldCategories, type Category, type PartlyTold, type Untold } from "../engine/views.js";
import { parseColumnMaps } from "../ingest/columns.js";
import { expandInputs } from "../ingest/open.js";
import { readInputs } from "../ingest/read.js";
import { DAY_FIRST_HINT, quote, type ReadReport } from "../ingest/read-report.js";
import { earlierPartlyCovered, escapeTerminal, filterStatements, inputMissesRange, isFiltered, localTime, partialCoverage, rangeOutsideInput, rangeText, thousands } from "../render/text.js";
import type { CommonOptions } from "./options.js";
import { memoryGuard } from "./memory.js";
import { onClosedPipe, writeOutput } from "./output.js";
import { progressFor } from "./progress.js";
import { threadPartReader, threadSyslogPartReader } from "./read-parts.js";

/** The instant the tool treats as now (SMTP_AUTH_REPORT_NOW pins it for reproducible runs). */
export function currentTime(): number {
  const pinned = process.env.SMTP_AUTH_REPORT_NOW;
  if (pinned !== undefined && pinned !== "") {
    const t = Date.parse(pinned);
    if (Number.isNaN(t)) throw new UsageError(`SMTP_AUTH_REPORT_NOW: '${pinned}' is not an ISO date-time`);
    return t;
  }
  return Date.now();
}

/** What a command has to render: the aggregate, what reading found, and what the data cannot tell. */
export interface QueryResult {
  aggregate: Aggregate;
  report: ReadReport;
  /** The earlier window (when asked for), read in the same pass. */
  earlier?: Aggregate;
  /** The range against the earlier window (made when first asked for); undefined without one. */
  readonly trends: Trends | undefined;
  /** Categories every submission in the range leaves unknown, with the input's reason. */
  untold: Untold;
  /** Categories some inputs with submissions in the range cannot tell while others can (their counts are partial). */
  partlyTold: PartlyTold;
}

/** Change over time: the range compared with the earlier window, and the unusual activity in it. */
export interface Trends {
  earlier: Aggregate;
  /** Made when first read: a summary or report without --compare shows only the unusual activity (100k senders: 1 s and 100 MB less). */
  readonly comparison: Comparison;
  unusual: Unusual[];
}

// Why a TLS version or auth kind is missing, by the format the input was read as.
const UNTOLD_WHY: Record<Category, Record<string, string>> = {
  tls: {
    csv: "no TLS column, or it holds no version; name one with --map tls_version=COLUMN",
    jsonl: "no TLS key, or it holds no version; name one with --map tls_version=KEY",
    postfix: "the log has no TLS lines (Postfix writes them with smtpd_tls_loglevel = 1 or more)",
    exchange: "the log has no TLS negotiation lines (set protocol logging to Verbose on the receive connector)",
  },
  auth: {
    csv: "no auth column, or it holds no mechanism; name one with --map auth=COLUMN",
    jsonl: "no auth key, or it holds no mechanism; name one with --map auth=KEY",
    postfix: "the log names no SASL mechanism",
    exchange: "the log has no AUTH commands",
  },
};

// What the auth values must be to be told, for a message about values that are not.
const AUTH_NAMES = "Basic is LOGIN, PLAIN, CRAM-MD5, DIGEST-MD5, NTLM or Basic; OAuth is XOAUTH2, OAUTHBEARER or OAuth";

/** The reasons the inputs' formats give for a category left unknown (none where a filter on it may be the reason). */
function untoldWhy(report: ReadReport, filters: FilterOptions): Untold {
  const why: Untold = {};
  for (const category of ["tls", "auth"] as const) {
    if (filters[category].length > 0) continue;
    // Values that are there but not recognised are the reason, not a missing column.
    if (category === "auth" && report.unknownAuth > 0) {
      why.auth = `its auth values are not recognised (${report.unknownAuthNames()}); ${AUTH_NAMES}`;
      continue;
    }
    if (category === "tls" && report.unknownTls > 0) {
      why.tls = `its TLS values are not recognised (${report.unknownTlsNames()}); versions are written as TLS1.2, TLSv1.2, TLS 1.2, 1.2 or SSLv3, and none for no TLS`;
      continue;
    }
    const reasons = [...new Set([...report.formats].map((f) => UNTOLD_WHY[category][f]).filter((r) => r !== undefined))];
    if (reasons.length > 0) why[category] = reasons.join("; or ");
  }
  return why;
}

/**
 * What the range cannot tell, with the reason. A range without submissions (stale input, a range the input
 * does not reach, failed logins alone) tells neither TLS nor auth: its counts are n/a (null in JSON), not a
 * reassuring 0. A filter that leaves the range empty does tell: no submission matches it.
 */
function untoldInRange(aggregate: Aggregate, report: ReadReport): Untold {
  const outside = rangeOutsideInput(aggregate);
  if (outside !== undefined) return { tls: outside, auth: outside };
  return untoldCategories(aggregate, untoldWhy(report, aggregate.filters));
}

/**
 * The categories that inputs with submissions in the range cannot tell while the range's others can
 * (where every submission leaves one unknown, it is untold instead): their counts are of the inputs
 * that tell them. `inRange` are the inputs with submissions in the range that the filters select.
 */
function partlyToldInRange(untold: Untold, report: ReadReport, inRange: ReadonlySet<string>): PartlyTold {
  const partly: PartlyTold = {};
  for (const category of ["tls", "auth"] as const) {
    if (untold[category] !== undefined) continue;
    const byWhy = new Map<string, string[]>();
    for (const u of report.untoldInputs) {
      if (u.category !== category || !inRange.has(u.source)) continue;
      const inputs = byWhy.get(u.why);
      if (inputs === undefined) byWhy.set(u.why, [u.source]);
      else inputs.push(u.source);
    }
    if (byWhy.size > 0) partly[category] = [...byWhy].map(([why, inputs]) => ({ inputs, why }));
  }
  return partly;
}

/**
 * Reads `--compare FROM..TO` (or `previous`) into a request; a bound is read as `--from`/`--to` are.
 */
export function parseCompare(text: string, tz: string): CompareRequest {
  if (text.trim().toLowerCase() === "previous") return { kind: "previous" };
  const cut = text.indexOf("..");
  if (cut < 0) throw new UsageError(`--compare: '${text}' is neither previous nor FROM..TO (e.g. 2026-11-02..2026-11-08)`);
  const zone = Zone.named(tz);
  const now = currentTime();
  const fromText = text.slice(0, cut).trim();
  const toText = text.slice(cut + 2).trim();
  const from = resolveBound(fromText, "from", zone, now);
  const to = resolveBound(toText, "to", zone, now);
  if (from >= to) {
    throw new UsageError(`--compare ${text.trim()}: ${fromText} is not before ${toText}: the window would be empty (a TO date is included, a TO date-time is not)`);
  }
  return { kind: "window", from, to, text: text.trim() };
}

/**
 * A compared window that shares time with the range is a usage error naming both: a sender would be in
 * both windows at once, and "fixed" or "new" would mean nothing.
 */
function checkCompareWindow(compare: CompareRequest | undefined, range: Aggregate["range"]): void {
  if (compare?.kind !== "window" || compare.from >= range.to || compare.to <= range.from) return;
  const window = rangeText({ from: compare.from, to: compare.to, zone: range.zone });
  throw new UsageError(`--compare ${compare.text ?? ""} overlaps the range: the window is ${window}, the range ${rangeText(range)}; compare with a window before the range, or --compare previous`);
}

/**
 * Opens the inputs, reads them into one aggregate for the range and filters given; with `compare`,
 * the earlier window too, in the same pass (a second aggregator fed the same records).
 */
export async function runQuery(files: string[], options: CommonOptions, asked?: CompareRequest): Promise<QueryResult> {
  // --fail-on new and unusual judge the range against the previous window unless a command asks for another.
  const compare = asked ?? (options.failOn === "new" || options.failOn === "unusual" ? { kind: "previous" } : undefined);
  const zone = Zone.named(options.tz);
  const now = currentTime();
  const from = options.from === undefined ? undefined : resolveBound(options.from, "from", zone, now);
  // A range from a relative bound (-7d, today) runs to now unless --to says otherwise, whatever the data holds.
  const to = options.to === undefined ? (options.from !== undefined && isRelativeBound(options.from) ? now : undefined) : resolveBound(options.to, "to", zone, now);
  checkRangeOrder(from === undefined ? undefined : { text: options.from!, at: from }, to === undefined ? undefined : { text: options.to ?? "now", at: to });
  const spec: AggregatorSpec = {
    timeZone: zone.name, by: options.by, from, to, all: options.all === true, now,
    filters: { domains: options.domain ?? [], senders: options.sender ?? [], tls: options.tls ?? [], auth: options.auth ?? [], clientIps: options.clientIp ?? [] },
  };
  // --tls and --auth are applied after reading: whether the input tells TLS and auth is judged on all it
  // holds (an --auth basic of an input without auth is n/a, not 0), and a comparison judges each sender on all it sent.
  const narrowAfter = filtersOnTlsOrAuth(spec.filters);
  const readSpec: AggregatorSpec = narrowAfter ? { ...spec, filters: withoutTlsAndAuth(spec.filters) } : spec;
  const aggregator = createAggregator(readSpec);
  const request: RangeRequest = { from, to, all: options.all === true };
  // Bounds of the earlier window not known yet are left open (and applied by bucket at the end).
  const bounds = compare === undefined ? undefined : earlierBounds(compare, request, zone);
  const earlierSpec: AggregatorSpec | undefined = bounds === undefined ? undefined : { ...readSpec, from: bounds.from, to: bounds.to, all: false };
  const earlierAggregator = earlierSpec === undefined ? undefined : createAggregator(earlierSpec);
  const targets = [{ aggregator, spec: readSpec }, ...(earlierAggregator === undefined ? [] : [{ aggregator: earlierAggregator, spec: earlierSpec! }])];
  const maps = parseColumnMaps(options.map ?? []);
  const repeated: string[] = [];
  const outputs: string[] = [];
  const output = options.output === undefined || options.output === "-" ? undefined : { path: options.output, onSkip: (name: string) => outputs.push(name) };
  const sources = await expandInputs(files, process.stdin.isTTY === true, (name, first) => repeated.push(name === first ? name : `${name} (the same file as ${first})`), output);
  if (repeated.length > 0 && options.quiet !== true) {
    process.stderr.write(`smtp-auth-report: note: ${escapeTerminal([...new Set(repeated)].join(", "))} named more than once; read once\n`);
  }
  if (outputs.length > 0 && options.quiet !== true) {
    process.stderr.write(`smtp-auth-report: note: ${escapeTerminal(outputs.join(", "))} is the --output file, not read (an earlier run's output would be counted again)\n`);
  }
  const progress = await progressFor(sources, options.quiet === true);
  // SMTP_AUTH_REPORT_PLAIN=1 reads every record the general way, none from its bytes (to rule the fast paths out).
  const plain = process.env.SMTP_AUTH_REPORT_PLAIN === "1";
  const started = performance.now();
  const checkMemory = memoryGuard(() => aggregator.held);
  const report = await readInputs(
    sources,
    { zone, dateOrder: options.dateOrder ?? "mdy", dateOrderAssumed: options.dateOrder === undefined, plain, format: options.inputFormat, maps, strict: options.strict === true, year: options.year, now,
      // SMTP_AUTH_REPORT_THREADS=1 reads every file in one piece (a second thread is used for large files).
      readPart: process.env.SMTP_AUTH_REPORT_THREADS === "1" ? undefined : threadPartReader(targets, { dateOrder: options.dateOrder ?? "mdy", dateOrderAssumed: options.dateOrder === undefined, plain }, maps),
      readSyslogPart: process.env.SMTP_AUTH_REPORT_THREADS === "1" ? undefined : threadSyslogPartReader(readSpec), onBytes: (n) => {
        progress.advance(n);
        checkMemory();
      },
      // Tests split small files with SMTP_AUTH_REPORT_SPLIT_BYTES (the default is 24 MiB).
      splitBytes: Number(process.env.SMTP_AUTH_REPORT_SPLIT_BYTES) || undefined,
      // Which inputs have submissions in the range is known per input (see partlyToldInRange).
      afterInput: (source) => aggregator.endInput(source) },
    earlierAggregator === undefined ? aggregator : new TeeSink(aggregator, earlierAggregator),
  ).finally(() => progress.stop());
  const read = performance.now();
  const whole = aggregator.finish();
  const aggregate = narrowAfter ? narrowToTlsAndAuth(whole, spec.filters) : whole;
  checkCompareWindow(compare, aggregate.range);
  if (options.debug) {
    const seconds = (read - started) / 1000;
    process.stderr.write(`smtp-auth-report: debug: read ${thousands(report.records)} records in ${seconds.toFixed(2)} s (${thousands(report.records / seconds)}/s); ${thousands(aggregate.columns.size)} groups in ${((performance.now() - read) / 1000).toFixed(2)} s\n`);
  }
  const wholeEarlier = earlierAggregator?.finish(earlierWindow(compare!, request, aggregate.range, options.by));
  const earlier = narrowAfter && wholeEarlier !== undefined ? narrowToTlsAndAuth(wholeEarlier, spec.filters) : wholeEarlier;
  let trends: Trends | undefined;
  const untold = untoldInRange(whole, report);
  return {
    aggregate, report, earlier, untold, partlyTold: rangeOutsideInput(whole) === undefined ? partlyToldInRange(untold, report, whole.inputsInRange) : {},
    get trends(): Trends | undefined {
      if (earlier !== undefined) {
        let comparison: Comparison | undefined;
        trends ??= { earlier, unusual: unusualActivity(aggregate, earlier), get comparison() {
          return (comparison ??= compareWindows(aggregate, earlier, { after: whole, before: wholeEarlier! }));
        } };
      }
      return trends;
    },
  };
}

/**
 * What one `--fail-on` condition found: `found` such use (exit 3), `undecided` because the data cannot
 * tell (exit 1), or `clear` (exit 0). `message` is said on stderr after `--fail-on NAME: `.
 */
export interface FailVerdict {
  outcome: "found" | "undecided" | "clear";
  message: string;
}

/** A `--fail-on` condition: judges the query's result (a command adds conditions that need more, such as a compared window). */
export type FailCondition = (query: QueryResult) => FailVerdict;

const EXIT_FOUND = 3;
const EXIT_UNDECIDED = 1;
const USE_TEXT: Record<Category, string> = { tls: "legacy TLS", auth: "Basic auth" };

/** The conditions on use in the range; `any` is every dimension that can be told, combined (SPEC "What the data cannot tell"). */
export const FAIL_CONDITIONS: Record<string, FailCondition> = {
  "legacy-tls": (query) => useVerdict(query, ["tls"]),
  "basic-auth": (query) => useVerdict(query, ["auth"]),
  any: (query) => useVerdict(query, ["tls", "auth"]),
  new: newVerdict,
  unusual: unusualVerdict,
};

/** Some names from a list, and how many more: `a, b, c and 4 more`. */
function someOf(names: string[], shown = 5): string {
  return names.length <= shown ? names.join(", ") : `${names.slice(0, shown).join(", ")} and ${thousands(names.length - shown)} more`;
}

/** Why the earlier window cannot be compared with: it holds no submissions. */
function emptyEarlier(trends: Trends): string | undefined {
  return trends.comparison.earlierHasData ? undefined : `the earlier window, ${rangeText(trends.earlier.range)}, holds no submissions to compare with`;
}

/** `--fail-on new`: a sender new on legacy TLS or Basic auth, or regressed, against the earlier window. */
function newVerdict(query: QueryResult): FailVerdict {
  const { aggregate, untold } = query;
  const trends = query.trends!;
  const cannot = rangeOutsideInput(aggregate) ?? emptyEarlier(trends);
  if (cannot !== undefined) return { outcome: "undecided", message: `cannot decide: ${cannot}` };
  const unseen = (["tls", "auth"] as const).filter((c) => untold[c] !== undefined).map((c) => `${USE_TEXT[c]} cannot be told (${untold[c]})`);
  const found = trends.comparison.senders.filter((s) => isNewProblem(s.status));
  if (found.length > 0) {
    const what = `${thousands(found.length)} ${found.length === 1 ? "sender" : "senders"} newly on legacy TLS or Basic auth since ${rangeText(trends.earlier.range)}: ${someOf(found.map((s) => `${s.sender} (${s.status})`))}`;
    // Where the input begins inside the earlier window, some of these may only be unseen: the cron mail says so beside the verdict.
    const partly = earlierPartlyCovered(trends.earlier.range, trends.comparison.inputFrom) === undefined ? [] : [`the input begins ${localTime(trends.comparison.inputFrom!, aggregate.range)} ${aggregate.range.zone.name}, inside the earlier window: a sender seen only before then reads as new`];
    return { outcome: "found", message: [what, ...unseen, ...partly].join("; ") };
  }
  // A dimension that cannot be told hides what is new in it, as for `any`.
  return unseen.length > 0 ? { outcome: "undecided", message: `cannot decide: ${unseen.join("; ")}` }
    : { outcome: "clear", message: `none found: no sender newly on legacy TLS or Basic auth since ${rangeText(trends.earlier.range)}${filteredOut(query.aggregate)}` };
}

/** `--fail-on unusual`: any unusual activity in the range. */
function unusualVerdict(query: QueryResult): FailVerdict {
  const trends = query.trends!;
  const found = trends.unusual;
  if (found.length > 0) {
    return { outcome: "found", message: `${thousands(found.length)} unusual ${found.length === 1 ? "finding" : "findings"}: ${someOf(found.map((u) => `${u.kind} ${u.sender} ${u.period.label}`))}` };
  }
  // Without history new addresses cannot be told: no all-clear then.
  const cannot = rangeOutsideInput(query.aggregate) ?? emptyEarlier(trends);
  return cannot === undefined ? { outcome: "clear", message: `none found: no unusual activity in ${rangeText(query.aggregate.range)}${filteredOut(query.aggregate)}` } : { outcome: "undecided", message: `cannot decide: ${cannot}` };
}

/**
 * The exit code `--fail-on` asks for, with its reasons on stderr: 3 when a condition found use, else 1
 * when one cannot be decided from the data, else 0. `conditions` adds to (or replaces) FAIL_CONDITIONS.
 */
export function failOnCode(query: QueryResult, options: Pick<CommonOptions, "failOn" | "quiet">, conditions: Record<string, FailCondition> = {}): number {
  const { failOn } = options;
  if (failOn === undefined) return 0;
  const condition = conditions[failOn] ?? FAIL_CONDITIONS[failOn];
  if (condition === undefined) throw new UsageError(`--fail-on: '${failOn}' is not a condition; use ${Object.keys({ ...FAIL_CONDITIONS, ...conditions }).join(", ")}`);
  let verdict = condition(query);
  // A filter value that matches no record of the input at all is most likely a typo: a filter all of
  // whose values match nothing gives no all-clear; a value beside others that match (one quiet domain of
  // a watch list) is said after any verdict, even with --quiet, and the others' answer stands.
  const unmatched = query.aggregate.filtersMatchingNothing;
  const typos = unmatched.map((value) => `${value} matches no record of the input (a typo?)`).join("; ");
  if (unmatched.length > 0) {
    verdict = verdict.outcome === "clear" && filterSelectsNothing(query.aggregate.filters, unmatched) ? { outcome: "undecided", message: `cannot decide: ${typos}` } : { ...verdict, message: `${verdict.message}; ${typos}` };
  }
  // --quiet silences the all-clear line only: a cron job's mail must say why it failed.
  if (verdict.outcome !== "clear" || options.quiet !== true || unmatched.length > 0) process.stderr.write(`smtp-auth-report: --fail-on ${failOn}: ${escapeTerminal(verdict.message)}\n`);
  return verdict.outcome === "found" ? EXIT_FOUND : verdict.outcome === "undecided" ? EXIT_UNDECIDED : 0;
}

/** Use of legacy TLS and/or Basic auth in the range: found in a dimension that can be told, else undecided where one cannot be. */
function useVerdict(query: QueryResult, categories: Category[]): FailVerdict {
  const { aggregate, untold } = query;
  const outside = rangeOutsideInput(aggregate);
  if (outside !== undefined) return { outcome: "undecided", message: `cannot decide: ${outside}` };
  const told = categories.filter((c) => untold[c] === undefined);
  const cannot = categories.filter((c) => untold[c] !== undefined).map((c) => `${USE_TEXT[c]} cannot be told (${untold[c]})`);
  // Inputs that cannot tell a dimension the others tell: no all-clear from the others alone.
  const partly = categories.flatMap((c) => (query.partlyTold[c] ?? []).map((g) => `${someOf(g.inputs)} ${g.inputs.length === 1 ? "has" : "have"} no ${c === "tls" ? "TLS" : "auth"} information (${g.why})`));
  // Read from the columns: group objects are not needed (an export may have millions).
  const c = aggregate.columns;
  const flagged = { tls: TLS_FLAGS, auth: AUTH_FLAGS };
  const senders = new Set<number>();
  let unknown = 0;
  for (let i = 0; i < c.size; i++) {
    if (told.some((category) => flagged[category][c[category][i]!])) senders.add(c.sender[i]!);
    else if (told.some((category) => c[category][i] === UNKNOWN[category])) unknown += c.messages[i]!;
  }
  if (senders.size > 0) {
    const found = `${thousands(senders.size)} ${senders.size === 1 ? "sender" : "senders"} used ${told.map((t) => USE_TEXT[t]).join(" or ")} in the range`;
    return { outcome: "found", message: [found, ...cannot, ...partly].join("; ") };
  }
  if (cannot.length > 0) return { outcome: "undecided", message: `cannot decide: ${[...cannot, ...partly].join("; ")}` };
  if (partly.length > 0) return { outcome: "undecided", message: `cannot decide: ${partly.join("; ")}` };
  const none = `none found: no ${told.map((t) => USE_TEXT[t]).join(" or ")}`;
  if (c.size === 0) return { outcome: "clear", message: `${none}${filteredOut(aggregate)}` };
  const senderCount = new Set(c.sender).size;
  const among = `${none} among ${thousands(senderCount)} ${senderCount === 1 ? "sender" : "senders"} in ${rangeText(aggregate.range)}`;
  // A clear verdict says what it could not see, so that it is not read as more than it is.
  if (unknown > 0) return { outcome: "clear", message: `${among}, but ${thousands(unknown)} ${unknown === 1 ? "message has" : "messages have"} ${told.map((t) => (t === "tls" ? "TLS" : "auth")).join(" or ")} unknown` };
  return { outcome: "clear", message: among };
}

/** Said after a clear verdict whose range the filters left empty (a mistyped domain answers "none" too). */
function filteredOut(aggregate: Aggregate): string {
  if (aggregate.columns.size > 0 || !isFiltered(aggregate.filters)) return "";
  const filters = filterStatements(aggregate.filters).map((f) => `${f.name} ${f.values}`).join("; ");
  return `: no submission in ${rangeText(aggregate.range)} matches the filters (${filters}); check them for a typo`;
}

const TLS_FLAGS = TLS_VERSIONS.map((v) => needsAction("tls", v));
const AUTH_FLAGS = AUTH_KINDS.map((v) => needsAction("auth", v));
const UNKNOWN = { tls: TLS_VERSIONS.indexOf("unknown"), auth: AUTH_KINDS.indexOf("unknown") };

/** What an output without submissions holds, said beside "no submissions". */
const EMPTY_OUTPUT = { csv: "the output has its header only", json: "the JSON's counts and lists are empty", jsonl: "the output is empty" } as const;

/**
 * Says on stderr what an output cannot say itself: inputs that held no submissions, a range that the
 * input ends before (stale input) or starts after, and, for CSV and JSON outputs, a range without
 * submissions. Text outputs (`output` "text") say "No submissions in this range" themselves.
 */
export function noteEmptyRange(query: QueryResult, quiet: boolean | undefined, output: "text" | "csv" | "json" | "jsonl"): void {
  if (quiet) return;
  const { aggregate, report } = query;
  const notes: string[] = [];
  if (report.empty.length > 0) notes.push(`note: no submissions in ${report.empty.join(", ")} (empty, a header alone, or a server log without authenticated submissions)`);
  const missed = inputMissesRange(aggregate);
  if (missed !== undefined) notes.push(`${missed}; nothing from ${rangeText(aggregate.range)}`);
  else if (output !== "text" && aggregate.columns.size === 0 && (aggregate.extent ?? aggregate.failedLoginsExtent) !== undefined) {
    const why = aggregate.rangeHasSubmissions ? " with these filters" : aggregate.failedLogins !== undefined && aggregate.failedLogins.size > 0 ? " (failed logins only)" : "";
    notes.push(`no submissions from ${rangeText(aggregate.range)}${why}; ${EMPTY_OUTPUT[output]}`);
  }
  const partial = partialCoverage(aggregate);
  if (partial !== undefined) notes.push(`note: ${partial} (${rangeText(aggregate.range)})`);
  const earlierPartly = query.earlier === undefined ? undefined : earlierPartlyCovered(query.earlier.range, query.earlier.extent?.min);
  if (earlierPartly !== undefined) notes.push(`note: ${earlierPartly}`);
  for (const note of notes) process.stderr.write(`smtp-auth-report: ${escapeTerminal(note)}\n`);
}

/** Prints the one-line summary of skipped records and unknown spellings on stderr, last. */
export function reportSkipped(report: ReadReport, quiet: boolean | undefined): void {
  if (quiet) return;
  for (const note of report.notes) process.stderr.write(`smtp-auth-report: note: ${escapeTerminal(note)}\n`);
  const parts: string[] = [];
  if (report.skipped > 0) {
    const seen = report.records + report.skipped;
    const first = report.examples.map((e) => `${e.source}:${e.line}: ${e.reason}`).join("; ");
    parts.push(`skipped ${thousands(report.skipped)} of ${thousands(seen)} records; first: ${first}`);
  }
  const dayFirst = report.dayFirstHint();
  if (dayFirst !== undefined && !parts.some((part) => part.includes(DAY_FIRST_HINT))) parts.unshift(dayFirst);
  if (report.unknownTls > 0) {
    const first = report.unknownTlsExamples.map((e) => `${e.source}:${e.line}: ${e.reason}`).join("; ");
    parts.push(`${thousands(report.unknownTls)} ${report.unknownTls === 1 ? "TLS version" : "TLS versions"} not recognised, counted as unknown; first: ${first}`);
  }
  if (report.unknownAuth > 0) {
    const first = report.unknownAuthExamples.map((e) => `${quote(e.reason)} (${e.source}:${e.line})`).join(", ");
    parts.push(`${thousands(report.unknownAuth)} auth ${report.unknownAuth === 1 ? "value" : "values"} not recognised, counted as unknown: ${first}; ${AUTH_NAMES}`);
  }
  if (parts.length > 0) process.stderr.write(`smtp-auth-report: warning: ${escapeTerminal(parts.join(" | "))}\n`);
}

/**
 * How every command ends: the output written (a closed pipe keeps the `--fail-on` verdict), then on
 * stderr what the output cannot say itself, the verdict, and the skipped records; the exit code set.
 */
export async function concludeWith(text: Parameters<typeof writeOutput>[0], query: QueryResult, options: CommonOptions, output: "text" | "csv" | "json" | "jsonl"): Promise<void> {
  onClosedPipe(() => failOnCode(query, options));
  await writeOutput(text, options.output);
  noteEmptyRange(query, options.quiet, output);
  process.exitCode = failOnCode(query, options);
  reportSkipped(query.report, options.quiet);
}
