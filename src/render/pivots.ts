import type { Aggregate } from "../engine/aggregate.js";
import {
  categoryDetails, categorySeries, needsAction, percent, periodTotals, senderTotals, senderNeedsAction, talliesOf,
  topSeries, valuesPresent, volumeSeries, type Category, type Series,
} from "../engine/views.js";
import { categorySenderSeries, progressSeries } from "../engine/progress.js";
import { renderChart, type Metric, type Terminal } from "./chart.js";
import type { Align } from "./layout.js";
import { naturalWidth, renderTable } from "./table.js";
import { domainLabel, escapeTerminal, filtersLine, localTime, percentText, rangeText, thousands } from "./text.js";

/** Charts show this many series unless `--top` says otherwise; the rest is summed as `other`. */
export const CHART_SERIES = 8;

const TITLES = { volume: "Sending volume by domain", tls: "TLS usage", auth: "Authentication" };
const VALUE_COLORS: Record<string, string> = {
  SSL2: "redBright", SSL3: "redBright", "TLS1.0": "red", "TLS1.1": "yellow", "TLS1.2": "green", "TLS1.3": "cyan",
  none: "magenta", unknown: "gray", basic: "yellow", oauth: "green",
};

/** Messages and their share in one cell of a wide table: `61  100.00%`. */
const shareCell = (messages: number, whole: number): string => `${thousands(messages)}  ${percentText(percent(messages, whole))}%`;

/** `volume` as a chart: messages per period, one line per domain. */
export function volumeChart(aggregate: Aggregate, top: number | undefined, terminal: Terminal): string {
  const series = topSeries(volumeSeries(aggregate), top ?? CHART_SERIES, aggregate.periods.length);
  return renderChart({ title: TITLES.volume, rangeText: rangeText(aggregate.range), filters: filtersLine(aggregate.filters), periods: aggregate.periods, unit: aggregate.unit, series, metric: "messages" }, terminal);
}

/** `tls` / `auth` as a chart: per period, one line per TLS version or auth kind. */
export function categoryChart(aggregate: Aggregate, category: Category, metric: Metric, top: number | undefined, terminal: Terminal): string {
  if (metric === "senders") return categorySendersChart(aggregate, category, top, terminal);
  const series = topSeries(categorySeries(aggregate, category), top ?? CHART_SERIES, aggregate.periods.length);
  const title = `${TITLES[category]}${metric === "percent" ? " (share of each period's messages)" : ""}`;
  return renderChart({
    title, rangeText: rangeText(aggregate.range), filters: filtersLine(aggregate.filters), periods: aggregate.periods, unit: aggregate.unit, series, metric,
    colors: series.map((s) => VALUE_COLORS[s.name]),
  }, terminal);
}

/** `tls|auth --metric senders`: distinct senders per period for each TLS version or auth kind (no `other`: senders do not add up). */
function categorySendersChart(aggregate: Aggregate, category: Category, top: number | undefined, terminal: Terminal): string {
  const series = categorySenderSeries(aggregate, category).slice(0, top);
  return renderChart({
    title: `${TITLES[category]} (distinct senders per ${aggregate.unit})`, rangeText: rangeText(aggregate.range), filters: filtersLine(aggregate.filters), periods: aggregate.periods, unit: aggregate.unit,
    series, metric: "senders", colors: series.map((s) => VALUE_COLORS[s.name]), senders: progressSeries(aggregate)[0]!.total,
  }, terminal);
}

/** A pivot as a table: one row per period, one column per series, and a total. */
function periodTable(aggregate: Aggregate, title: string, series: Series[], metric: Metric, terminal: Terminal): string {
  const totals = periodTotals(series, aggregate.periods.length);
  const all = totals.reduce((a, b) => a + b, 0);
  const cell = (v: number, whole: number): string => (metric === "percent" ? `${percentText(percent(v, whole))} %` : thousands(v));
  return renderTable({
    title: `${title}, ${rangeText(aggregate.range)}`,
    filters: filtersLine(aggregate.filters),
    header: ["period", ...series.map((s) => escapeTerminal(domainLabel(s.name))), "total"],
    align: ["left", ...series.map((): Align => "right"), "right"],
    rows: aggregate.periods.map((p, i) => [p.label, ...series.map((s) => cell(s.values[i]!, totals[i]!)), thousands(totals[i]!)]),
    totals: ["total", ...series.map((s) => cell(s.total, all)), thousands(all)],
  }, terminal.width, terminal.paint);
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
    const series = categorySenderSeries(aggregate, category).slice(0, top);
    const all = progressSeries(aggregate)[0]!;
    return renderTable({
      title: `${TITLES[category]}, distinct senders per ${aggregate.unit}, ${rangeText(aggregate.range)}`,
      filters: filtersLine(aggregate.filters),
      header: ["period", ...series.map((s) => s.name), "senders"],
      align: ["left", ...series.map((): Align => "right"), "right"],
      rows: aggregate.periods.map((p, i) => [p.label, ...series.map((s) => thousands(s.values[i]!)), thousands(all.values[i]!)]),
      totals: ["range", ...series.map((s) => thousands(s.total)), thousands(all.total)],
    }, terminal.width, terminal.paint);
  }
  const series = topSeries(categorySeries(aggregate, category), top ?? CHART_SERIES, aggregate.periods.length);
  return periodTable(aggregate, TITLES[category], series, metric, terminal);
}

/** `volume --details`: one row per sender with its share and first and last seen. */
export function volumeDetailsText(aggregate: Aggregate, top: number | undefined, terminal: Terminal): string {
  const senders = senderTotals(aggregate);
  const shown = senders.slice(0, top);
  const all = senders.reduce((n, s) => n + s.messages, 0);
  // Folded, not spread: a spread of 130k senders overflows the call stack.
  const first = senders.reduce((t, s) => Math.min(t, s.firstSeen), Infinity);
  const last = senders.reduce((t, s) => Math.max(t, s.lastSeen), -Infinity);
  return renderTable({
    title: `Sending volume by sender, ${rangeText(aggregate.range)}`,
    filters: filtersLine(aggregate.filters),
    header: ["sender", "domain", "messages", "share", "first seen", "last seen"],
    align: ["left", "left", "right", "right", "left", "left"],
    rows: shown.map((s) => [escapeTerminal(s.sender), escapeTerminal(domainLabel(s.domain)), thousands(s.messages), `${percentText(percent(s.messages, all))} %`, localTime(s.firstSeen, aggregate.range), localTime(s.lastSeen, aggregate.range)]),
    totals: senders.length === 0 ? undefined : [`total (${thousands(senders.length)})`, "", thousands(all), "100.00 %", localTime(first, aggregate.range), localTime(last, aggregate.range)],
    leftOut: senders.length - shown.length,
    shrinkable: [0, 1],
    droppable: [1, 4],
  }, terminal.width, terminal.paint);
}

/**
 * `tls|auth --details`: Microsoft's wide layout, one row per sender with a column per value present
 * (messages and the sender's percentage); senders on legacy TLS (or Basic auth) first and marked.
 */
export function categoryDetailsText(aggregate: Aggregate, category: Category, top: number | undefined, terminal: Terminal): string {
  const senders = categoryDetails(aggregate, category);
  const shown = senders.slice(0, top);
  const values = valuesPresent(senders, category);
  const all = senders.reduce((n, s) => n + s.messages, 0);
  const flagged = new Set<number>();
  shown.forEach((s, r) => senderNeedsAction(s, category) && flagged.add(r));
  const columnTotals = values.map((v) => senders.reduce((n, s) => n + (talliesOf(s, category).get(v)?.messages ?? 0), 0));
  // Cells hold messages and the sender's share; where that is too wide, the share alone (as Microsoft's table).
  const layout = (cell: (messages: number, whole: number) => string) => ({
    header: ["sender", "domain", ...values, "messages", "last seen"],
    rows: shown.map((s, r) => {
      const tallies = talliesOf(s, category);
      return [
        `${flagged.has(r) ? "! " : "  "}${escapeTerminal(s.sender)}`,
        escapeTerminal(domainLabel(s.domain)),
        ...values.map((v) => (tallies.has(v) ? cell(tallies.get(v)!.messages, s.messages) : "")),
        thousands(s.messages),
        localTime(s.lastSeen, aggregate.range),
      ];
    }),
    totals: [`total (${thousands(senders.length)})`, "", ...columnTotals.map((n) => cell(n, all)), thousands(all), ""],
  });
  // Cells hold messages and the sender's share; where that is too wide, the share alone (as Microsoft's
  // table), then the share in whole percent.
  const percentOnly = (decimals: number) => (messages: number, whole: number): string => `${percent(messages, whole).toFixed(decimals)}%`;
  const layouts = [layout(shareCell), layout(percentOnly(2)), layout(percentOnly(0))];
  const withoutDomain = (row: string[]): string[] => row.filter((_, c) => c !== 1);
  const table = layouts.find((t) => naturalWidth(withoutDomain(t.header), [...t.rows, t.totals].map(withoutDomain)) <= terminal.width) ?? layouts[2]!;
  const marker = category === "tls" ? "legacy TLS (older than 1.2, or none)" : "Basic authentication";
  return renderTable({
    title: `${TITLES[category]} by sender, ${rangeText(aggregate.range)}`,
    filters: filtersLine(aggregate.filters),
    ...table,
    totals: senders.length === 0 ? undefined : table.totals,
    align: ["left", "left", ...values.map((): Align => "right"), "right", "left"],
    leftOut: senders.length - shown.length,
    notes: values.some((v) => needsAction(category, v)) ? [`! = used ${marker} in this range`] : undefined,
    flagged,
    shrinkable: [0, 1],
    droppable: [1, values.length + 3],
  }, terminal.width, terminal.paint);
}
