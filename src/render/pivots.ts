import type { Aggregate } from "../engine/aggregate.js";
import {
  categoryDetails, categorySeries, largestSeries, needsAction, percent, periodTotals, senderTotals, senderNeedsAction, talliesOf,
  topSeries, valuesPresent, volumeSeries, CATEGORY_VALUES, type Category, type Series, type SenderTotal, type Untold,
} from "../engine/views.js";
import { compareText } from "../core/record.js";
import { categorySenderSeries, progressSeries } from "../engine/progress.js";
import { renderChart, renderShareBars, type Metric, type Terminal } from "./chart.js";
import { wrapText, type Align } from "./layout.js";
import { naturalWidth, renderTable } from "./table.js";
import { markPartialPeriods } from "./period-groups.js";
import { domainLabel, escapeTerminal, filtersLine, localTime, percentText, rangeOutsideInput, rangeText, thousands } from "./text.js";

/** Charts show this many series unless `--top` says otherwise; the rest is summed as `other`. */
export const CHART_SERIES = 8;

const TITLES = { volume: "Sending volume by domain", tls: "TLS usage", auth: "Authentication" };
const VALUE_COLORS: Record<string, string> = {
  SSL2: "redBright", SSL3: "redBright", "TLS1.0": "red", "TLS1.1": "yellow", "TLS1.2": "green", "TLS1.3": "cyan",
  none: "magenta", unknown: "gray", basic: "yellow", oauth: "green",
};

// Without colour, the fill character alone tells the series of a share bar apart: heavy for what needs action.
const VALUE_FILLS: Record<string, string> = {
  SSL2: "#", SSL3: "%", "TLS1.0": "█", "TLS1.1": "▓", none: "▒", "TLS1.2": "░", "TLS1.3": "=", unknown: "·",
  basic: "█", oauth: "░", other: "+",
};

/** Messages and their share in one cell of a wide table: `61  100.00%`. */
const shareCell = (messages: number, whole: number): string => `${thousands(messages)}  ${percentText(percent(messages, whole))}%`;

/** `volume` as a chart: messages per period, one line per domain. */
export function volumeChart(aggregate: Aggregate, top: number | undefined, terminal: Terminal): string {
  const series = topSeries(volumeSeries(aggregate), top ?? CHART_SERIES, aggregate.periods.length);
  return renderChart({ title: TITLES.volume, rangeText: rangeText(aggregate.range), filters: filtersLine(aggregate.filters), range: aggregate.range, periods: aggregate.periods, unit: aggregate.unit, series }, terminal);
}

/** `tls` / `auth` as a chart: per period, one line per TLS version or auth kind. */
export function categoryChart(aggregate: Aggregate, category: Category, metric: Metric, top: number | undefined, terminal: Terminal, untold: Untold = {}): string {
  if (metric === "senders") return categorySendersChart(aggregate, category, top, terminal);
  const series = topSeries(categorySeries(aggregate, category), top ?? CHART_SERIES, aggregate.periods.length);
  const base = { rangeText: rangeText(aggregate.range), filters: filtersLine(aggregate.filters), range: aggregate.range, periods: aggregate.periods, unit: aggregate.unit };
  if (metric === "messages") return renderChart({ ...base, title: TITLES[category], series, colors: series.map((s) => VALUE_COLORS[s.name]) }, terminal);
  // Shares as stacked bars, what needs action first: a small legacy share stays in sight.
  const ordered = [...series.filter((s) => needsAction(category, s.name)), ...series.filter((s) => !needsAction(category, s.name))];
  const flagName = category === "tls" ? "legacy" : "basic";
  const chart = renderShareBars({
    ...base, title: `${TITLES[category]} (share of each period's messages)`, series: ordered,
    colors: ordered.map((s) => VALUE_COLORS[s.name]), fills: ordered.map((s) => VALUE_FILLS[s.name] ?? "+"),
    flagged: ordered.map((s) => needsAction(category, s.name)), flagName,
    legendMark: category === "tls" ? "legacy" : "password logins",
    // As the summary: the share of what cannot be told is n/a with the reason.
    unknown: ordered.map((s) => s.name === "unknown"),
    untoldNote: `${flagName} n/a: ${untold[category] ?? `every message of the period has ${category === "tls" ? "TLS" : "auth"} unknown`}`,
  }, terminal);
  // A --tls or --auth filter that left nothing of an input that cannot tell it: no bars, and the reason.
  if (series.length > 0 || untold[category] === undefined || rangeOutsideInput(aggregate) !== undefined) return chart;
  return `${chart}\n${wrapText(`${flagName} n/a: ${untold[category]}`, terminal.width, "  ").map((l) => terminal.paint.yellow(l)).join("\n")}\n`;
}

/** `tls|auth --metric senders`: distinct senders per period for each TLS version or auth kind (no `other`: senders do not add up). */
function categorySendersChart(aggregate: Aggregate, category: Category, top: number | undefined, terminal: Terminal): string {
  const series = largestSeries(categorySenderSeries(aggregate, category), top);
  return renderChart({
    title: `${TITLES[category]} (distinct senders per ${aggregate.unit})`, rangeText: rangeText(aggregate.range), filters: filtersLine(aggregate.filters), range: aggregate.range,
    periods: aggregate.periods, unit: aggregate.unit, series, colors: series.map((s) => VALUE_COLORS[s.name]), senders: progressSeries(aggregate)[0]!.total,
  }, terminal);
}

/** The width a table may take: the terminal's, or any where no width was given for a file or pipe (cron mail keeps every column and name). */
export function tableWidth(terminal: Terminal): number {
  return terminal.unbounded ? Infinity : terminal.width;
}

/** Rows a table shows without --top: a screen's worth on a terminal, else 50; the rest is counted under it. */
export function tableRows(terminal: Terminal): number {
  return terminal.height === undefined ? TABLE_ROWS : Math.max(10, terminal.height - 10);
}

const TABLE_ROWS = 50;
const SHORT_HEADERS: Record<string, string> = { "TLS1.0": "1.0", "TLS1.1": "1.1", "TLS1.2": "1.2", "TLS1.3": "1.3", unknown: "unkn.", messages: "msgs" };

/** A pivot as a table: one row per period, one column per series, and a total; shares in whole percent where two decimals do not fit. */
function periodTable(aggregate: Aggregate, title: string, series: Series[], metric: Metric, terminal: Terminal): string {
  const totals = periodTotals(series, aggregate.periods.length);
  const all = totals.reduce((a, b) => a + b, 0);
  const limit = tableRows(terminal);
  const shown = aggregate.periods.slice(0, limit);
  const { labels, note } = markPartialPeriods(aggregate.periods, aggregate.unit, aggregate.range);
  const header = ["period", ...series.map((s) => escapeTerminal(domainLabel(s.name))), "total"];
  const layout = (decimals: number) => {
    // A period without messages has no share: its cells stay blank (its total says 0).
    const cell = (v: number, whole: number): string => (metric !== "percent" ? thousands(v) : whole === 0 ? "" : `${percent(v, whole).toFixed(decimals)}${decimals > 0 ? " " : ""}%`);
    return {
      rows: shown.map((_, i) => [labels[i]!, ...series.map((s) => cell(s.values[i]!, totals[i]!)), thousands(totals[i]!)]),
      totals: ["total", ...series.map((s) => cell(s.total, all)), thousands(all)],
    };
  };
  const layouts = [layout(2), layout(0)];
  const table = layouts.find((t) => naturalWidth(header, [...t.rows, t.totals]) <= tableWidth(terminal)) ?? layouts[1]!;
  return renderTable({
    title: `${title}, ${rangeText(aggregate.range)}`,
    filters: filtersLine(aggregate.filters),
    header, ...table,
    shortHeaders: header.map((h) => SHORT_HEADERS[h]),
    align: ["left", ...series.map((): Align => "right"), "right"],
    leftOut: aggregate.periods.length - shown.length,
    leftOutHint: { what: "periods", how: "--format csv for all, or a coarser --by" },
    notes: note === undefined ? undefined : [note],
    shrinkable: [],
    // The total goes first, then the last series (the smallest, or the least pressing values).
    droppable: [header.length - 1, ...series.map((_, i) => series.length - i)],
  }, tableWidth(terminal), terminal.paint);
}

/** `volume --format table`: messages per period per domain. */
export function volumePeriodTable(aggregate: Aggregate, top: number | undefined, terminal: Terminal): string {
  const series = topSeries(volumeSeries(aggregate), top ?? CHART_SERIES, aggregate.periods.length);
  return periodTable(aggregate, TITLES.volume, series, "messages", terminal);
}

/** `tls|auth --format table`: per period, messages or share per TLS version or auth kind. */
export function categoryPeriodTable(aggregate: Aggregate, category: Category, metric: Metric, top: number | undefined, terminal: Terminal): string {
  if (metric === "senders") {
    // Totals are distinct senders too: of the period, of the value over the range, of the range.
    const series = largestSeries(categorySenderSeries(aggregate, category), top);
    const all = progressSeries(aggregate)[0]!;
    const shown = aggregate.periods.slice(0, tableRows(terminal));
    const { labels, note } = markPartialPeriods(aggregate.periods, aggregate.unit, aggregate.range);
    return renderTable({
      title: `${TITLES[category]}, distinct senders per ${aggregate.unit}, ${rangeText(aggregate.range)}`,
      filters: filtersLine(aggregate.filters),
      header: ["period", ...series.map((s) => s.name), "senders"],
      shortHeaders: ["period", ...series.map((s) => SHORT_HEADERS[s.name]), undefined],
      align: ["left", ...series.map((): Align => "right"), "right"],
      rows: shown.map((_, i) => [labels[i]!, ...series.map((s) => thousands(s.values[i]!)), thousands(all.values[i]!)]),
      totals: ["range", ...series.map((s) => thousands(s.total)), thousands(all.total)],
      leftOut: aggregate.periods.length - shown.length,
      leftOutHint: { what: "periods", how: "--format csv for all, or a coarser --by" },
      notes: note === undefined ? undefined : [note],
      shrinkable: [],
      droppable: series.map((_, i) => series.length - i),
    }, tableWidth(terminal), terminal.paint);
  }
  const series = topSeries(categorySeries(aggregate, category), top ?? CHART_SERIES, aggregate.periods.length);
  return periodTable(aggregate, TITLES[category], series, metric, terminal);
}

/** A sender's client addresses as a cell: the first two (in plain order) and how many more. */
export function clientIpsText(sender: SenderTotal): string {
  const ips = [...sender.clientIps].sort(compareText);
  return ips.length <= 2 ? escapeTerminal(ips.join(" ")) : `${escapeTerminal(ips.slice(0, 2).join(" "))} +${ips.length - 2}`;
}

/** The values of a category a sender used, as a cell: `TLS1.0 TLS1.2`, `basic`. */
function valuesText(sender: SenderTotal, category: Category): string {
  return CATEGORY_VALUES[category].filter((v) => talliesOf(sender, category).has(v)).join(" ");
}

/** `volume --details`: one row per sender with its share, client addresses, and first and last seen. */
export function volumeDetailsText(aggregate: Aggregate, top: number | undefined, terminal: Terminal): string {
  const senders = senderTotals(aggregate);
  const shown = senders.slice(0, top ?? tableRows(terminal));
  let all = 0;
  let first = Infinity;
  let last = -Infinity;
  for (const s of senders) {
    all += s.messages;
    first = Math.min(first, s.firstSeen);
    last = Math.max(last, s.lastSeen);
  }
  return renderTable({
    title: `Sending volume by sender, ${rangeText(aggregate.range)}`,
    filters: filtersLine(aggregate.filters),
    header: ["sender", "domain", "messages", "share", "client IPs", "first seen", "last seen"],
    align: ["left", "left", "right", "right", "left", "left", "left"],
    rows: shown.map((s) => [escapeTerminal(s.sender), escapeTerminal(domainLabel(s.domain)), thousands(s.messages), `${percentText(percent(s.messages, all))} %`, clientIpsText(s), localTime(s.firstSeen, aggregate.range), localTime(s.lastSeen, aggregate.range)]),
    totals: senders.length === 0 ? undefined : [`total (${thousands(senders.length)})`, "", thousands(all), "100.00 %", "", localTime(first, aggregate.range), localTime(last, aggregate.range)],
    leftOut: senders.length - shown.length,
    shrinkable: [0, 1, 4],
    droppable: [1, 5, 3, 4],
  }, tableWidth(terminal), terminal.paint);
}

/**
 * `tls|auth --details`: Microsoft's wide layout, one row per sender with a column per value present
 * (messages and the sender's percentage), the other category's values, and the client addresses (the
 * devices to visit); senders on legacy TLS (or Basic auth) first and marked.
 */
export function categoryDetailsText(aggregate: Aggregate, category: Category, top: number | undefined, terminal: Terminal): string {
  const senders = categoryDetails(aggregate, category);
  const shown = senders.slice(0, top ?? tableRows(terminal));
  const values = valuesPresent(senders, category);
  const other: Category = category === "tls" ? "auth" : "tls";
  let all = 0;
  for (const s of senders) all += s.messages;
  const flagged = new Set<number>();
  shown.forEach((s, r) => senderNeedsAction(s, category) && flagged.add(r));
  const columnTotals = values.map((v) => senders.reduce((n, s) => n + (talliesOf(s, category).get(v)?.messages ?? 0), 0));
  const header = ["sender", "domain", ...values, other === "tls" ? "TLS" : "auth", "client IPs", "messages", "last seen"];
  const layout = (cell: (messages: number, whole: number) => string) => ({
    rows: shown.map((s, r) => {
      const tallies = talliesOf(s, category);
      return [
        `${flagged.has(r) ? "! " : "  "}${escapeTerminal(s.sender)}`,
        escapeTerminal(domainLabel(s.domain)),
        ...values.map((v) => (tallies.has(v) ? cell(tallies.get(v)!.messages, s.messages) : "")),
        valuesText(s, other),
        clientIpsText(s),
        thousands(s.messages),
        localTime(s.lastSeen, aggregate.range),
      ];
    }),
    totals: [`total (${thousands(senders.length)})`, "", ...columnTotals.map((n) => cell(n, all)), "", "", thousands(all), ""],
  });
  // Cells hold messages and the sender's share; where that is too wide, the share alone (as Microsoft's
  // table), then the share in whole percent.
  const percentOnly = (decimals: number) => (messages: number, whole: number): string => `${percent(messages, whole).toFixed(decimals)}%`;
  const layouts = [layout(shareCell), layout(percentOnly(2)), layout(percentOnly(0))];
  const withoutDomain = (row: string[]): string[] => row.filter((_, c) => c !== 1);
  const table = layouts.find((t) => naturalWidth(withoutDomain(header), [...t.rows, t.totals].map(withoutDomain)) <= tableWidth(terminal)) ?? layouts[2]!;
  const marker = category === "tls" ? "legacy TLS (older than 1.2, or none)" : "Basic authentication";
  const at = (name: string): number => header.indexOf(name);
  // What goes first at narrow widths: the domain (in the sender already), last seen, the values that
  // need no action and that no row shown has, the other category, the addresses; only when names and
  // headers are as short as they go, the other values that need no action: a row whose value cells are
  // all left out would read as "none of these".
  const quiet = [...values].reverse().filter((v) => !needsAction(category, v));
  const inShownRow = (v: string): boolean => shown.some((s) => talliesOf(s, category).has(v));
  const quietUnshown = quiet.filter((v) => !inShownRow(v)).map(at);
  const quietShown = quiet.filter(inShownRow).map(at);
  return renderTable({
    title: `${TITLES[category]} by sender, ${rangeText(aggregate.range)}`,
    filters: filtersLine(aggregate.filters),
    header, ...table,
    shortHeaders: header.map((h) => SHORT_HEADERS[h]),
    totals: senders.length === 0 ? undefined : table.totals,
    align: ["left", "left", ...values.map((): Align => "right"), "left", "left", "right", "left"],
    leftOut: senders.length - shown.length,
    notes: values.some((v) => needsAction(category, v)) ? [`! = used ${marker} in this range`] : undefined,
    flagged,
    shrinkable: [0, 1, at("client IPs")],
    droppable: [1, at("last seen"), ...quietUnshown, values.length + 2, at("client IPs")],
    droppableLast: quietShown,
  }, tableWidth(terminal), terminal.paint);
}
