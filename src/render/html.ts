import type { Aggregate } from "../engine/aggregate.js";
import type { DateRange } from "../engine/range.js";
import { compareText } from "../core/record.js";
import {
  CATEGORY_VALUES, categoryDetails, categorySeries, needsAction, percent, senderNeedsAction, shareOf, senderTotals, talliesOf, topSeries,
  valuesPresent, volumeSeries, type Category, type Summary, type Untold,
} from "../engine/views.js";
import { STATUS_ORDER, type Comparison } from "../engine/compare.js";
import { progressSeries } from "../engine/progress.js";
import type { Unusual } from "../engine/unusual.js";
import { CHART_SERIES } from "./pivots.js";
import { REPORT_SCRIPT } from "./report-script.js";
import { FIGURE_LABELS, comparisonCoverageNote, comparisonScopeNote, comparisonUnknownNote, earlierEmptyNote, evidenceText, whyUnusualUnjudged, windowText } from "./trends.js";
import { domainLabel, escapeTerminal, failedLoginsFilterNote, failedLoginsScope, filterStatements, isFiltered, localTime, partialCoverage, percentText, rangeOutsideInput, rangeText, partlyToldNote, thousands, unknownNote } from "./text.js";

/** What the page is made from besides the aggregate: the inputs' names, when, and the chart library. */
export interface ReportContext {
  inputs: string[];
  generatedAt: number;
  /** Chart.js (UMD build), inlined into the page. */
  chartLibrary: string;
  /** Change over time: the comparison (with `--compare`), the unusual activity and the earlier window it was judged against. */
  trends?: { comparison: Comparison | undefined; unusual: Unusual[]; earlier: Aggregate };
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * Text made safe for HTML content and attribute values, with the log's invisible and reordering
 * characters shown as the terminal shows them (`\u202e`, `\x1b`): a right-to-left override would
 * reverse a name in the page, a zero-width space hide in it.
 */
export function escapeHtml(text: string): string {
  return escapeTerminal(text).replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);
}

/** The page's data for its script: every text shown as escapeHtml shows it; safe inside a `<script>` element (no `</script>`, no HTML comment openers). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "string" ? escapeTerminal(v) : v)).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

const SERIES_COLORS: Record<string, string> = {
  SSL2: "#7f1d1d", SSL3: "#991b1b", "TLS1.0": "#dc2626", "TLS1.1": "#f59e0b", "TLS1.2": "#16a34a", "TLS1.3": "#0891b2",
  none: "#9333ea", unknown: "#9ca3af", basic: "#f59e0b", oauth: "#16a34a",
};
const PALETTE = ["#2563eb", "#f59e0b", "#db2777", "#16a34a", "#7c3aed", "#dc2626", "#0891b2", "#65a30d", "#9ca3af"];

/** A sortable, filterable table: header cells with their kind (text or number) and rows of cells. */
interface HtmlTable {
  id: string;
  caption: string;
  /** `wrap`: names and other text from the log, which may run long: wrapped anywhere inside the cell rather than pushing the other columns out of view. */
  columns: { label: string; numeric?: boolean; wrap?: boolean }[];
  /** Each cell: the text shown, and for numbers the value sorted on. */
  rows: { cells: (string | { text: string; sort: number })[]; flagged?: boolean }[];
  note?: string;
  /** Of the whole report whatever the page's controls pick: a line says so when they pick less. */
  wholeReport?: boolean;
}

/** Rows a table of the page carries at most: with 100k senders a page of every row is 80 MB, too big to open. */
export const PAGE_TABLE_ROWS = 2_000;

function tableHtml(table: HtmlTable): string {
  const head = table.columns.map((c, i) => `<th data-column="${i}"${c.numeric ? ' data-numeric="1" class="num"' : c.wrap ? ' data-wrap="1"' : ""} tabindex="0">${escapeHtml(c.label)}</th>`).join("");
  const cut = table.rows.length - PAGE_TABLE_ROWS;
  const body = table.rows.slice(0, PAGE_TABLE_ROWS).map((row) => {
    const cells = row.cells.map((cell, i) => {
      if (typeof cell === "string") return `<td${table.columns[i]?.numeric ? ' class="num"' : table.columns[i]?.wrap ? ' class="wrap"' : ""}>${escapeHtml(cell)}</td>`;
      return `<td class="num" data-sort="${cell.sort}">${escapeHtml(cell.text)}</td>`;
    }).join("");
    return `<tr${row.flagged ? ' class="flagged"' : ""}>${cells}</tr>`;
  }).join("\n");
  // The notes are always there (maybe empty and hidden): the page's controls fill them for what they pick.
  const hidden = (shown: boolean): string => (shown ? "" : " hidden");
  return `<section class="table-block" id="${table.id}">
<div class="table-head"><h2>${escapeHtml(table.caption)}</h2><input type="search" class="filter" placeholder="Filter rows…" aria-label="Filter ${escapeHtml(table.caption)}"></div>
${table.wholeReport ? '<p class="scope" hidden></p>\n' : ""}<div class="scroll"><table class="sortable"><thead><tr>${head}</tr></thead><tbody>
${body}
</tbody></table></div><p class="note table-note"${hidden(table.note !== undefined)}>${escapeHtml(table.note ?? "")}</p>
<p class="note capped"${hidden(cut > 0)}>The page carries the first <span class="shown">${thousands(PAGE_TABLE_ROWS)}</span> of <span class="count">${thousands(table.rows.length)}</span> rows, in this table's order; <span class="cut">${thousands(Math.max(cut, 0))}</span> more are left out. <code>smtp-auth-report export</code> (or the view's <code>--format csv</code>) has every row.</p>
</section>`;
}

const number = (n: number): { text: string; sort: number } => ({ text: thousands(n), sort: n });
const share = (part: number, whole: number): { text: string; sort: number } => ({ text: `${percentText(percent(part, whole))} %`, sort: percent(part, whole) });

/** The chart data: labels per period and one dataset per series, as Chart.js takes them. */
function chartData(aggregate: Aggregate, category: Category | "volume") {
  const all = category === "volume" ? volumeSeries(aggregate) : categorySeries(aggregate, category);
  const series = topSeries(all, CHART_SERIES, aggregate.periods.length);
  const totals = aggregate.periods.map((_, i) => series.reduce((n, s) => n + s.values[i]!, 0));
  return {
    labels: aggregate.periods.map((p) => p.label),
    datasets: series.map((s, i) => ({
      label: category === "volume" ? domainLabel(s.name) : s.name,
      color: (category === "volume" ? undefined : SERIES_COLORS[s.name]) ?? PALETTE[i % PALETTE.length],
      // Shares are drawn, messages and shares both told in the tooltip.
      messages: s.values,
      // A period without messages has no share: null, a gap in the chart, never 0 %.
      shares: s.values.map((v, p) => shareOf(v, totals[p]!)),
    })),
  };
}

/** The most groups (period × sender × client address × TLS × auth) the page carries for its own "show data for" controls; above it they are off, and the page says so. */
export const FILTER_CAP = 50_000;

const SECOND = 1_000;
const HOUR = 3_600_000;

/**
 * The zone's offsets over the range, for the page to write local times itself: [second, offset in
 * minutes] from that second (counted from `base`) on; the first entry holds from the range's start.
 */
function offsetChanges(range: DateRange, base: number): [number, number][] {
  const { zone } = range;
  const changes: [number, number][] = [[0, zone.offsetAt(range.from)]];
  // Offsets change on the minute and at most once an hour: an hourly walk and a search within the hour finds each.
  for (let at = range.from; at < range.to; at += HOUR) {
    const offset = changes[changes.length - 1]![1];
    const next = Math.min(at + HOUR, range.to);
    if (zone.offsetAt(next) === offset) continue;
    let [low, high] = [Math.floor(at / 60_000), Math.floor(next / 60_000)];
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if (zone.offsetAt(mid * 60_000) === offset) low = mid;
      else high = mid;
    }
    changes.push([high * 60 - base, zone.offsetAt(high * 60_000)]);
  }
  return changes;
}

/**
 * What the page's own controls recount from: every group (period, sender, client address, TLS, auth,
 * messages, first and last seen in seconds from the range's start), eight numbers a row; null above the cap.
 */
function filterCube(aggregate: Aggregate) {
  const c = aggregate.columns;
  if (c.size > FILTER_CAP) return null;
  const base = Math.floor(aggregate.range.from / SECOND);
  const senderIds = new Map<number, number>();
  const ipIds = new Map<number, number>();
  const senders: string[] = [];
  const domains: string[] = [];
  const ips: string[] = [];
  const rows: number[] = [];
  for (let i = 0; i < c.size; i++) {
    let sender = senderIds.get(c.sender[i]!);
    if (sender === undefined) {
      senderIds.set(c.sender[i]!, (sender = senders.length));
      senders.push(c.senders[c.sender[i]!]!);
      domains.push(domainLabel(c.domains[c.sender[i]!]!));
    }
    let ip = ipIds.get(c.clientIp[i]!);
    if (ip === undefined) {
      ipIds.set(c.clientIp[i]!, (ip = ips.length));
      ips.push(c.clientIps[c.clientIp[i]!]!);
    }
    rows.push(c.period[i]!, sender, ip, c.tls[i]!, c.auth[i]!, c.messages[i]!, Math.floor(c.firstSeen[i]! / SECOND) - base, Math.floor(c.lastSeen[i]! / SECOND) - base);
  }
  return { senders, domains, ips, rows, base, offsets: offsetChanges(aggregate.range, base) };
}

/**
 * Failed logins per period and client address (period, address, failures, three numbers a row) for the
 * page to recount over the picked periods; null where unknown, above the cap, or by hour (they are kept by day).
 */
function failedCube(aggregate: Aggregate) {
  const byDay = aggregate.failedLoginsByDay;
  if (byDay === undefined || aggregate.unit === "hour" || byDay.length > FILTER_CAP) return null;
  const periodOf = new Map(aggregate.periods.map((p, i) => [p.key, i]));
  const ipIds = new Map<string, number>();
  const rows: number[] = [];
  for (const f of byDay) {
    let ip = ipIds.get(f.clientIp);
    if (ip === undefined) ipIds.set(f.clientIp, (ip = ipIds.size));
    rows.push(periodOf.get(f.period.key)!, ip, f.failures);
  }
  return { ips: [...ipIds.keys()], rows };
}

const TOP_SENDERS = 10;

const PROGRESS_COLORS = ["#2563eb", "#dc2626", "#f59e0b"];

/**
 * The migration's burndown: distinct senders per period in all, on legacy TLS, on Basic auth. A line
 * whose dimension the input cannot tell is left out (its 0 would read as done); `series` is its place
 * among the three, which the page's recount keeps.
 */
function progressData(aggregate: Aggregate, untold: Untold) {
  const told = [true, untold.tls === undefined, untold.auth === undefined];
  return {
    labels: aggregate.periods.map((p) => p.label),
    datasets: progressSeries(aggregate).flatMap((s, i) => (told[i] ? [{ label: s.name, color: PROGRESS_COLORS[i]!, series: i, senders: s.values }] : [])),
  };
}

/** The comparison's figures: before, after, change. */
function compareFiguresTable(comparison: Comparison): HtmlTable {
  const rows = Object.entries(comparison.figures)
    .filter(([f, c]) => f !== "failed_logins" || c.before !== undefined || c.after !== undefined)
    .map(([f, c]) => ({
      cells: [
        FIGURE_LABELS[f as keyof typeof FIGURE_LABELS],
        c.before === undefined ? "n/a" : number(c.before),
        c.after === undefined ? "n/a" : number(c.after),
        c.change === undefined ? "" : { text: c.change > 0 ? `+${thousands(c.change)}` : thousands(c.change), sort: c.change },
      ],
    }));
  return {
    id: "compare-figures", caption: `Compared with ${rangeText(comparison.range)}`,
    columns: [{ label: "Figure" }, { label: "Before", numeric: true }, { label: "After", numeric: true }, { label: "Change", numeric: true }],
    rows, wholeReport: true,
    note: [comparison.earlierHasData ? undefined : earlierEmptyNote(comparison), comparisonCoverageNote(comparison), comparisonUnknownNote(comparison)].filter((n) => n !== undefined).join(" ") || undefined,
  };
}

/** Each sender with a problem in either window and its class, new and regressed first. */
function compareSendersTable(comparison: Comparison): HtmlTable {
  const counts = STATUS_ORDER.map((s) => `${thousands(comparison.counts[s])} ${s}`).join(", ");
  return {
    id: "compare-senders", caption: `Senders on legacy TLS or Basic auth: ${counts}`,
    columns: [{ label: "Status" }, { label: "Sender", wrap: true }, { label: "Before" }, { label: "After" }],
    wholeReport: true,
    rows: comparison.senders.map((s) => ({ flagged: s.status === "new" || s.status === "regressed", cells: [s.status, s.sender, windowText(s.before), windowText(s.after)] })),
    note: ["new: first seen now, with a problem; regressed: a problem now that it did not have before (it sent without one, or had the other one); fixed: a problem before, none now while still sending; quiet: a problem before, no mail now; still: a problem in both.", comparisonScopeNote(comparison)].filter((n) => n !== undefined).join(" "),
  };
}

/** Unusual activity with its evidence. */
function unusualTable(unusual: Unusual[], earlier: Aggregate, aggregate: Aggregate): HtmlTable {
  const unjudged = whyUnusualUnjudged(aggregate);
  if (unjudged !== undefined) return { id: "unusual-table", caption: "Unusual activity: cannot be judged", columns: [], rows: [], note: `Cannot be judged: ${unjudged}.`, wholeReport: true };
  return {
    id: "unusual-table", wholeReport: true, caption: `Unusual activity: ${unusual.length === 0 ? "none" : thousands(unusual.length)}`,
    columns: [{ label: "Period" }, { label: "Sender", wrap: true }, { label: "Kind" }, { label: "Evidence", wrap: true }],
    rows: unusual.map((u) => ({ flagged: true, cells: [u.period.label, u.sender, u.kind.replace(/_/g, " "), evidenceText(u, aggregate)] })),
    note: `Judged against each sender's history: ${rangeText(earlier.range)} and the range's other ${aggregate.unit}s.`
      + (earlier.columns.size === 0 ? " The earlier window holds no submissions: new addresses cannot be told." : ""),
  };
}

function categoryHtmlTable(aggregate: Aggregate, category: Category): HtmlTable {
  const senders = categoryDetails(aggregate, category);
  const values = valuesPresent(senders, category);
  return {
    id: `${category}-table`,
    caption: category === "tls" ? "TLS usage by sender" : "Authentication by sender",
    columns: [{ label: "Sender", wrap: true }, { label: "Domain", wrap: true }, ...values.map((v) => ({ label: `${v} %`, numeric: true })), { label: "Messages", numeric: true }, { label: "Last seen" }],
    rows: senders.map((s) => ({
      flagged: senderNeedsAction(s, category),
      cells: [
        s.sender, domainLabel(s.domain),
        ...values.map((v) => {
          const t = talliesOf(s, category).get(v);
          return t === undefined ? { text: "", sort: 0 } : share(t.messages, s.messages);
        }),
        number(s.messages), localTime(s.lastSeen, aggregate.range),
      ],
    })),
    note: category === "tls" ? "Highlighted: used TLS older than 1.2, or no TLS, in this range." : "Highlighted: used Basic authentication (a password) in this range.",
  };
}

/** The action table's note: "nothing to do" only where the range holds submissions whose TLS and auth are told; else what it cannot show. */
function actionNote(aggregate: Aggregate, summary: Summary, rows: number): string | undefined {
  const untold = summary.untold;
  let cannot = (["tls", "auth"] as const).filter((c) => untold[c] !== undefined).map((c) => `${c === "tls" ? "TLS" : "auth"}: ${untold[c]}`);
  // Senders whose TLS or auth is unknown for some messages may need action too: never "nothing to do" past them.
  // (Where some inputs cannot tell it at all, those inputs are named instead.)
  if (untold.tls === undefined) cannot.push(partlyToldNote(summary.partlyTold.tls, "TLS") || unknownNote(summary.unknownTlsSenders, "TLS"));
  if (untold.auth === undefined) cannot.push(partlyToldNote(summary.partlyTold.auth, "auth") || unknownNote(summary.unknownAuthSenders, "auth"));
  cannot = cannot.filter((note) => note !== "");
  if (rows > 0) return cannot.length > 0 ? `This list is not complete: ${cannot.join("; ")}.` : undefined;
  if (aggregate.columns.size === 0) {
    const outside = rangeOutsideInput(aggregate);
    return outside === undefined ? "No submission in this range matches the filters: nothing to judge." : `No submissions in this range, and this is not an all-clear: ${outside}.`;
  }
  if (cannot.length > 0) return `No use found, but this is not an all-clear: ${cannot.join("; ")}.`;
  return "Nothing to do: no legacy TLS and no Basic authentication in this range.";
}

/** Senders and client addresses still on legacy TLS or Basic auth, in the order of the summary's action list. */
function actionTable(aggregate: Aggregate, summary: Summary): HtmlTable {
  const byPair = new Map<string, { sender: string; domain: string; ip: string; tls: Set<string>; auth: Set<string>; messages: number; last: number }>();
  for (const g of aggregate.groups) {
    if (!needsAction("tls", g.tls) && !needsAction("auth", g.auth)) continue;
    const key = `${g.sender}\u0000${g.clientIp}`;
    let row = byPair.get(key);
    if (row === undefined) byPair.set(key, (row = { sender: g.sender, domain: g.domain, ip: g.clientIp, tls: new Set(), auth: new Set(), messages: 0, last: 0 }));
    row.tls.add(g.tls);
    row.auth.add(g.auth);
    row.messages += g.messages;
    row.last = Math.max(row.last, g.lastSeen);
  }
  // The senders in the summary's order (legacy TLS first, refused already in many places, then Basic auth;
  // each by messages), a sender's addresses together: legacy TLS first, then by messages.
  const rank = new Map(summary.actionNeeded.map((s, i) => [s.sender, i]));
  const legacy = (r: { tls: Set<string> }): number => Number([...r.tls].some((v) => needsAction("tls", v)));
  const rows = [...byPair.values()].sort((a, b) => rank.get(a.sender)! - rank.get(b.sender)! || legacy(b) - legacy(a) || b.messages - a.messages || compareText(a.ip, b.ip));
  const problems = (r: { tls: Set<string>; auth: Set<string> }): string => [
    ...CATEGORY_VALUES.tls.filter((v) => r.tls.has(v) && needsAction("tls", v)).map((v) => (v === "none" ? "no TLS" : v)),
    ...(r.auth.has("basic") ? ["Basic auth"] : []),
  ].join(", ");
  return {
    id: "action-table",
    caption: "Action needed: senders and clients on legacy TLS or Basic auth",
    columns: [{ label: "Sender", wrap: true }, { label: "Client IP", wrap: true }, { label: "Problem" }, { label: "TLS" }, { label: "Auth" }, { label: "Messages", numeric: true }, { label: "Last seen" }],
    rows: rows.map((r) => ({
      cells: [r.sender, r.ip || "(unknown)", problems(r), CATEGORY_VALUES.tls.filter((v) => r.tls.has(v)).join(" "), CATEGORY_VALUES.auth.filter((v) => r.auth.has(v)).join(" "), number(r.messages), localTime(r.last, aggregate.range)],
    })),
    note: actionNote(aggregate, summary, rows.length),
  };
}

const FAILED_UNTOLD = "these inputs cannot record failed logins (only server logs do)";

/** Failed logins per client address, most first; where the inputs cannot record them, a statement instead of an empty table. */
function failedLoginsHtml(failed: Summary["failedLogins"], unfiltered: string | undefined, scope: string | undefined): string {
  if (failed === undefined) {
    return `<section class="table-block" id="failed-table"><h2>Failed logins by client address: n/a</h2><p class="note">Not known: ${escapeHtml(FAILED_UNTOLD)}.</p></section>`;
  }
  const total = failed.reduce((n, f) => n + f.failures, 0);
  return tableHtml({
    id: "failed-table",
    caption: `Failed logins by client address: ${thousands(total)} from ${thousands(failed.length)} ${failed.length === 1 ? "address" : "addresses"}`,
    columns: [{ label: "Client IP", wrap: true }, { label: "Failed logins", numeric: true }],
    rows: failed.map((f) => ({ cells: [f.clientIp, number(f.failures)] })),
    note: [failed.length === 0 ? "No failed logins in this range." : undefined, scope === undefined ? undefined : `${scope[0]!.toUpperCase()}${scope.slice(1)}.`, unfiltered === undefined ? undefined : `${unfiltered}.`].filter((n) => n !== undefined).join(" ") || undefined,
    wholeReport: true,
  });
}

/** A tile counting senders on legacy TLS or Basic auth: "n/a" with the reason where the data cannot tell. */
function useTile(label: string, senders: number, untold: string | undefined, unknown: number, what: "TLS" | "auth", partly = ""): { label: string; value: string; alert: boolean; note?: string } {
  if (untold !== undefined) return { label, value: "n/a", alert: true, note: untold };
  // Some inputs cannot tell it: the count is of the others, and says so.
  if (partly !== "") return { label, value: thousands(senders), alert: true, note: partly };
  // Senders whose TLS (auth) is unknown make the count a lower bound: never a bare, reassuring 0.
  return unknown === 0 ? { label, value: thousands(senders), alert: senders > 0 } : { label, value: thousands(senders), alert: true, note: unknownNote(unknown, what) };
}

/** The page header's statement of the filters in effect: every figure on the page is of these submissions only. */
function filtersHtml(aggregate: Aggregate): string {
  const parts = filterStatements(aggregate.filters).map((f) => `${f.name} <b>${escapeHtml(f.values)}</b>`);
  return parts.length === 0 ? "" : `<p class="filters" id="filters">Filtered: every figure on this page counts only submissions with ${parts.join("; ")}.</p>`;
}

/** The self-contained report page: no request leaves it when opened; all log text is escaped. */
export function reportHtml(aggregate: Aggregate, summary: Summary, context: ReportContext): string {
  const senders = senderTotals(aggregate);
  const failed = summary.failedLogins;
  const tiles: { id?: string; label: string; value: string; alert: boolean; note?: string }[] = [
    { id: "senders", label: "Senders using SMTP AUTH", value: thousands(summary.senders), alert: false },
    { id: "messages", label: "Messages", value: thousands(summary.messages), alert: false },
    // An n/a tile stays n/a whatever is picked: the data cannot tell it for any part.
    { id: summary.untold.tls === undefined ? "legacy" : undefined, ...useTile("Senders on legacy TLS", summary.legacyTlsSenders.length, summary.untold.tls, summary.unknownTlsSenders, "TLS", partlyToldNote(summary.partlyTold.tls, "TLS")) },
    { id: summary.untold.auth === undefined ? "basic" : undefined, ...useTile("Senders on Basic auth", summary.basicAuthSenders.length, summary.untold.auth, summary.unknownAuthSenders, "auth", partlyToldNote(summary.partlyTold.auth, "auth")) },
    // An input that cannot record failed logins (a CSV export) says so: n/a, never a reassuring 0.
    failed === undefined ? { label: "Failed logins", value: "n/a", alert: false, note: FAILED_UNTOLD }
      : { id: "failed", label: "Failed logins", value: thousands(failed.reduce((n, f) => n + f.failures, 0)), alert: false, note: [failedLoginsScope(aggregate), failedLoginsFilterNote(aggregate.filters)].filter((n) => n !== undefined).join("; ") || undefined },
  ];
  const volume: HtmlTable = {
    id: "volume-table",
    caption: "Sending volume by sender",
    columns: [{ label: "Sender", wrap: true }, { label: "Domain", wrap: true }, { label: "Messages", numeric: true }, { label: "Share", numeric: true }, { label: "First seen" }, { label: "Last seen" }],
    rows: senders.map((s) => ({ cells: [s.sender, domainLabel(s.domain), number(s.messages), share(s.messages, summary.messages), localTime(s.firstSeen, aggregate.range), localTime(s.lastSeen, aggregate.range)] })),
  };
  const cube = filterCube(aggregate);
  const data = {
    volume: chartData(aggregate, "volume"), tls: chartData(aggregate, "tls"), auth: chartData(aggregate, "auth"), progress: progressData(aggregate, summary.untold),
    topSenders: senders.slice(0, TOP_SENDERS).map((s) => [s.sender, s.messages]),
    sendersByTls: summary.tls.map((t) => [t.value, t.senders]),
    // What the "show data for" controls recount from, in the page itself.
    // failedFilterNote: which filters of the command line failed logins do not follow (they name a client address only).
    cube, failed: failedCube(aggregate), failedFilterNote: failedLoginsFilterNote(aggregate.filters),
    labels: aggregate.periods.map((p) => p.label), tlsValues: CATEGORY_VALUES.tls, authValues: CATEGORY_VALUES.auth,
    legacy: CATEGORY_VALUES.tls.map((v) => needsAction("tls", v)), colors: SERIES_COLORS, palette: PALETTE, top: CHART_SERIES, topSendersShown: TOP_SENDERS,
    // What the details tables recount with: the columns they have, how many rows they carry, what the data cannot tell.
    tableRows: PAGE_TABLE_ROWS, tableValues: { tls: valuesPresent(senders, "tls"), auth: valuesPresent(senders, "auth") }, untold: summary.untold,
    partly: { tls: partlyToldNote(summary.partlyTold.tls, "TLS"), auth: partlyToldNote(summary.partlyTold.auth, "auth") },
    everything: isFiltered(aggregate.filters) ? "all the filters above keep" : "all domains",
  };
  const domains = cube === null ? [] : [...new Set(cube.domains)].sort(compareText);
  // "All" is what the command line's filters kept (the header says which), not every domain of the input.
  const controlsHtml = `<section class="show" id="show">
<label>Show data for <select id="show-domain"${cube === null ? " disabled" : ""}><option value="">${escapeHtml(data.everything)}</option>${domains.map((d) => `<option>${escapeHtml(d)}</option>`).join("")}</select></label>
<label>from <select id="show-from"${cube === null ? " disabled" : ""}>${aggregate.periods.map((p, i) => `<option value="${i}">${escapeHtml(p.label)}</option>`).join("")}</select></label>
<label>to <select id="show-to"${cube === null ? " disabled" : ""}>${aggregate.periods.map((p, i) => `<option value="${i}"${i === aggregate.periods.length - 1 ? " selected" : ""}>${escapeHtml(p.label)}</option>`).join("")}</select></label>
<p class="note" id="show-note">${cube === null ? `These controls are off: the page carries at most ${thousands(FILTER_CAP)} rows (${aggregate.unit} × sender × client address × TLS × auth) to recount from, and this range has more. Use --domain and --from/--to on the command line.` : `Tiles, charts and tables count ${escapeHtml(data.everything)} over the whole range.`}</p>
</section>`;
  const trends = context.trends;
  const range = rangeText(aggregate.range);
  const library = context.chartLibrary.replace(/\/\/# sourceMappingURL=\S+\s*$/, "").replace(/<\/script/gi, "<\\/script");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>SMTP AUTH report, ${escapeHtml(range)}</title>
<style>
:root { --ink: #1f2937; --muted: #6b7280; --line: #e5e7eb; --alert: #b45309; --alert-bg: #fef3c7; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0 auto; padding: 24px; max-width: 1280px; }
h1, h2, .meta, .filters, .note, .tile, footer { overflow-wrap: anywhere; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 0; }
.meta { color: var(--muted); margin: 0 0 20px; }
.filters { margin: -12px 0 20px; padding: 6px 10px; border-left: 4px solid #f59e0b; background: var(--alert-bg); }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(170px, 100%), 1fr)); gap: 12px; margin-bottom: 24px; }
.tile { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.tile .value { font-size: 28px; font-weight: 600; } .tile .label { color: var(--muted); } .tile .why { font-size: 12px; margin-top: 4px; }
.tile.alert { border-color: #f59e0b; background: var(--alert-bg); } .tile.alert .value { color: var(--alert); }
/* min(): on a phone a chart takes the width there is, never 380 px of it. */
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(380px, 100%), 1fr)); gap: 16px; margin-bottom: 24px; }
.chart { border: 1px solid var(--line); border-radius: 8px; padding: 12px; min-width: 0; } .chart h2 { margin-bottom: 8px; }
.chart .canvas-box { position: relative; height: 260px; }
.progress { margin-bottom: 24px; }
.show { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; margin-bottom: 16px; } .show label { max-width: 100%; overflow-wrap: anywhere; } .show select { padding: 4px 6px; max-width: 100%; } .show .note { flex-basis: 100%; margin: 0; }
.scope { margin: 0 0 6px; padding: 4px 8px; border-left: 4px solid #f59e0b; background: var(--alert-bg); overflow-wrap: anywhere; }
.table-block { margin-bottom: 28px; }
.table-head { display: flex; flex-wrap: wrap; gap: 6px 12px; align-items: center; justify-content: space-between; margin-bottom: 6px; }
.filter { padding: 5px 8px; border: 1px solid var(--line); border-radius: 6px; width: 220px; max-width: 100%; }
.scroll { max-height: 480px; overflow: auto; border: 1px solid var(--line); border-radius: 8px; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: 5px 10px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
/* A long name wraps in its cell (at any character: an address has no spaces) and keeps the other columns in view; never narrower than 10em. */
td.wrap { white-space: normal; overflow-wrap: anywhere; min-width: 10em; }
th { position: sticky; top: 0; background: #f9fafb; cursor: pointer; user-select: none; }
th[aria-sort="ascending"]::after { content: " ▲"; } th[aria-sort="descending"]::after { content: " ▼"; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.flagged td { background: var(--alert-bg); }
.note { color: var(--muted); margin: 6px 0 0; }
footer { color: var(--muted); margin-top: 32px; font-size: 12px; }
@media (max-width: 600px) { body { padding: 12px; } .chart .canvas-box { height: 300px; } }
@page { margin: 12mm; }
@media print {
  body { padding: 0; max-width: none; font-size: 11px; }
  .filter, .show select { display: none; }
  .scroll { max-height: none; overflow: visible; border: none; }
  .chart, .tile, tr { break-inside: avoid; }
  /* One chart per row at the page's width; a canvas drawn for the screen is scaled into it, legend and all. */
  .charts { grid-template-columns: 1fr; }
  .chart .canvas-box { height: auto; }
  canvas { max-width: 100% !important; height: auto !important; }
  th, td { white-space: normal; overflow-wrap: anywhere; }
  th { position: static; }
}
</style>
</head>
<body>
<header>
<h1>SMTP AUTH report</h1>
<p class="meta">${escapeHtml(range)} · time zone ${escapeHtml(aggregate.range.zone.name)} · inputs: ${context.inputs.map(escapeHtml).join(", ")}</p>
${filtersHtml(aggregate)}
${partialCoverage(aggregate) === undefined ? "" : `<p class="filters" id="coverage">Partly covered: ${escapeHtml(partialCoverage(aggregate)!)}.</p>\n`}</header>
${controlsHtml}
<section class="tiles">
${tiles.map((t) => `<div class="tile${t.alert ? " alert" : ""}"${t.id === undefined ? "" : ` data-tile="${t.id}"`}><div class="value">${escapeHtml(t.value)}</div><div class="label">${escapeHtml(t.label)}</div>${t.note !== undefined ? `<div class="why">${escapeHtml(t.note)}</div>` : ""}</div>`).join("\n")}
</section>
${tableHtml(actionTable(aggregate, summary))}
${failedLoginsHtml(failed, failedLoginsFilterNote(aggregate.filters), failedLoginsScope(aggregate))}
<section class="progress" id="progress">
<div class="chart"><h2>Migration progress: distinct senders per ${aggregate.unit}</h2><div class="canvas-box"><canvas id="progress-chart" aria-label="Distinct senders per ${aggregate.unit}: in all, on legacy TLS, on Basic auth"></canvas></div></div>
</section>
${trends?.comparison === undefined ? "" : `${tableHtml(compareFiguresTable(trends.comparison))}\n${tableHtml(compareSendersTable(trends.comparison))}\n`}${trends === undefined ? "" : tableHtml(unusualTable(trends.unusual, trends.earlier, aggregate))}
<section class="charts">
<div class="chart"><h2>Sending volume by domain</h2><div class="canvas-box"><canvas id="volume-chart" aria-label="Messages per ${aggregate.unit} by domain"></canvas></div></div>
<div class="chart"><h2>TLS usage (share of messages)</h2><div class="canvas-box"><canvas id="tls-chart" aria-label="Share of TLS versions per ${aggregate.unit}"></canvas></div></div>
<div class="chart"><h2>Authentication (share of messages)</h2><div class="canvas-box"><canvas id="auth-chart" aria-label="Share of auth kinds per ${aggregate.unit}"></canvas></div></div>
<div class="chart"><h2>Messages by sender (top ${TOP_SENDERS})</h2><div class="canvas-box"><canvas id="top-senders-chart" aria-label="Messages of the top ${TOP_SENDERS} senders"></canvas></div></div>
<div class="chart"><h2>Senders by TLS protocol</h2><div class="canvas-box"><canvas id="senders-tls-chart" aria-label="Distinct senders per TLS version"></canvas></div></div>
</section>
${tableHtml(volume)}
${tableHtml(categoryHtmlTable(aggregate, "tls"))}
${tableHtml(categoryHtmlTable(aggregate, "auth"))}
<footer>Made by smtp-auth-report on ${escapeHtml(new Date(context.generatedAt).toISOString().replace(/\.\d{3}Z$/, "Z"))}. Legacy TLS: SSL, TLS 1.0 and 1.1, or no TLS. Basic auth: LOGIN, PLAIN, CRAM-MD5, DIGEST-MD5, NTLM.</footer>
<script type="application/json" id="report-data">${scriptJson(data)}</script>
<script>${library}</script>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}
