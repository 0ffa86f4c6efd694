import { createRequire } from "node:module";
import type asciichartType from "asciichart";
import type { ChalkInstance } from "chalk";
import type { Period, PeriodUnit } from "../core/period.js";
import { percent, type Series } from "../engine/views.js";
import { alignColumns, displayWidth, truncate } from "./layout.js";
import { escapeTerminal, percentText, thousands } from "./text.js";

/** What a chart shows on its y-axis: message counts, each series' share of the period's messages, or distinct senders. */
export type Metric = "messages" | "percent" | "senders";

/** A chart to draw: series of messages per period, and how to show them. */
export interface ChartSpec {
  title: string;
  /** The range as text, for the title line. */
  rangeText: string;
  /** The filters in effect (filtersLine), under the range; none without filters. */
  filters?: string;
  periods: Period[];
  unit: PeriodUnit;
  series: Series[];
  metric: Metric;
  /** Colour name per series, when colour is on; series without one take the palette in turn. */
  colors?: (string | undefined)[];
  /** Distinct senders in the range (`senders` metric): a sender may count in several series. */
  senders?: number;
}

/** Terminal facts a renderer needs: how wide, and how to colour (a level-0 chalk colours nothing). */
export interface Terminal {
  width: number;
  paint: ChalkInstance;
}

type Symbols = [string, string, string, string, string, string, string, string, string, string];
const AXIS = ["┼", "┤", "╶", "╴"];
// Without colour, each series is drawn with its own line style so the lines stay apart.
const LINE_STYLES: string[][] = [
  ["─", "╰", "╭", "╮", "╯", "│"],
  ["━", "┗", "┏", "┓", "┛", "┃"],
  ["═", "╚", "╔", "╗", "╝", "║"],
  ["┄", "└", "┌", "┐", "┘", "┆"],
  ["·", "·", "·", "·", "·", "·"],
  ["*", "*", "*", "*", "*", "*"],
  ["+", "+", "+", "+", "+", "+"],
  ["#", "#", "#", "#", "#", "#"],
  ["o", "o", "o", "o", "o", "o"],
];
const PALETTE = ["cyan", "yellow", "magenta", "green", "blue", "red", "white", "gray", "cyanBright"];
const HEIGHT = 10;
// Loaded when a chart is drawn, not at every start.
const require = createRequire(import.meta.url);

/**
 * A line chart with asciichart: a title line, a y-axis with values, an x-axis with period labels,
 * and a legend with each series' colour (or line style) and total. Periods are stretched to the
 * width, or merged when there are more periods than columns (and the chart says so).
 */
export function renderChart(spec: ChartSpec, terminal: Terminal): string {
  const { paint } = terminal;
  const total = spec.senders ?? spec.series.reduce((n, s) => n + s.total, 0);
  const noun = spec.senders === undefined ? "message" : "sender";
  const lines = [paint.bold(spec.title), `${spec.rangeText}: ${thousands(total)} ${noun}${total === 1 ? "" : "s"}`];
  if (spec.filters !== undefined) lines.push(spec.filters);
  if (total === 0) return `${[...lines, "", "  No submissions in this range (and with these filters)."].join("\n")}\n`;
  const colored = paint.level > 0;
  const colorOf = (i: number): string => spec.colors?.[i] ?? PALETTE[i % PALETTE.length]!;
  const legend = legendLines(spec, total, colored, colorOf, paint);

  if (spec.periods.length < 2) {
    lines.push("", `  One ${spec.unit} only (${spec.periods[0]?.label ?? ""}): nothing to draw over time; try a finer --by or a longer range.`, "", ...legend);
    return `${lines.join("\n")}\n`;
  }

  const yLabel = (x: number): string => (spec.metric === "percent" ? `${Math.round(x)} %` : thousands(x));
  // Folded, not spread: hourly periods over years are more values than a call takes arguments.
  const maxMessages = spec.series.reduce((m, s) => s.values.reduce((a, v) => Math.max(a, v), m), -Infinity);
  const labelWidth = Math.max(displayWidth(yLabel(spec.metric === "percent" ? 100 : maxMessages)), 3) + 1;
  const plotWidth = Math.max(10, terminal.width - labelWidth - 3);
  const perColumn = Math.ceil(spec.periods.length / plotWidth);
  const groups = groupPeriods(spec.periods.length, perColumn);
  const columnsPerGroup = Math.max(1, Math.floor(plotWidth / groups.length));
  const values = groupedValues(spec, groups);
  const max = spec.metric === "percent" ? 100 : values.reduce((m, row) => row.reduce((a, v) => Math.max(a, v), m), -Infinity);
  const height = spec.metric === "percent" ? HEIGHT : Math.max(1, Math.min(HEIGHT, max));

  // One plot per series on the same scale, laid over each other cell by cell.
  const order = spec.series.map((_, i) => i).sort((a, b) => spec.series[b]!.total - spec.series[a]!.total);
  const grid: string[][] = [];
  const owner: number[][] = [];
  for (const i of order) {
    const points = values[i]!.flatMap((v) => new Array<number>(columnsPerGroup).fill(v));
    points.push(points[points.length - 1]!);
    const style = colored ? LINE_STYLES[0]! : LINE_STYLES[i % LINE_STYLES.length]!;
    const plot = (require("asciichart") as typeof asciichartType).plot(points, {
      min: 0, max, height, offset: 2, symbols: [...AXIS, ...style] as Symbols,
      format: (x) => yLabel(x).padStart(labelWidth),
    }).split("\n");
    plot.forEach((row, r) => {
      const cells = [...row];
      if (grid[r] === undefined) {
        grid[r] = cells;
        owner[r] = cells.map((_, c) => (c > labelWidth && cells[c] !== " " ? i : -1));
        return;
      }
      for (let c = labelWidth + 1; c < cells.length; c++) {
        if (cells[c] !== " ") {
          grid[r]![c] = cells[c]!;
          owner[r]![c] = i;
        }
      }
    });
  }
  lines.push("");
  grid.forEach((cells, r) => {
    const label = paint.dim(cells.slice(0, labelWidth + 1).join(""));
    let plot = "";
    for (let c = labelWidth + 1; c < cells.length; c++) {
      const who = owner[r]![c]!;
      plot += who >= 0 && colored ? (paint as unknown as Record<string, ChalkInstance>)[colorOf(who)]!(cells[c]!) : cells[c]!;
    }
    lines.push((label + plot).trimEnd());
  });
  lines.push(...xAxis(spec, groups, columnsPerGroup, labelWidth, paint));
  if (perColumn > 1) {
    lines.push(paint.dim(`${" ".repeat(labelWidth + 1)}each column is ${perColumn} ${spec.unit}s merged: ${spec.periods.length} ${spec.unit}s do not fit in ${terminal.width} columns (--width, --by)`));
  }
  lines.push("", ...legend);
  return `${lines.join("\n")}\n`;
}

/** Consecutive period indexes, `size` to a group. */
function groupPeriods(count: number, size: number): number[][] {
  const groups: number[][] = [];
  for (let start = 0; start < count; start += size) {
    groups.push(Array.from({ length: Math.min(size, count - start) }, (_, k) => start + k));
  }
  return groups;
}

/** Each series' value per group: summed messages, or its share of the group's messages. */
function groupedValues(spec: ChartSpec, groups: number[][]): number[][] {
  // Distinct senders of merged periods are not their sum: the busiest period stands for the group.
  if (spec.metric === "senders") return spec.series.map((s) => groups.map((g) => g.reduce((m, p) => Math.max(m, s.values[p]!), -Infinity)));
  const sums = spec.series.map((s) => groups.map((g) => g.reduce((n, p) => n + s.values[p]!, 0)));
  if (spec.metric === "messages") return sums;
  const totals = groups.map((_, gi) => sums.reduce((n, s) => n + s[gi]!, 0));
  return sums.map((s) => s.map((v, gi) => (totals[gi] === 0 ? 0 : (v * 100) / totals[gi]!)));
}

/** The x-axis: a tick under each group's first column, and as many period labels as fit. */
function xAxis(spec: ChartSpec, groups: number[][], columnsPerGroup: number, labelWidth: number, paint: ChalkInstance): string[] {
  const width = groups.length * columnsPerGroup;
  const ticks = new Array<string>(width).fill("─");
  const labels = new Array<string>(width + 12).fill(" ");
  let free = 0;
  const step = Math.max(1, Math.ceil((shortLabel(spec, 0).length + 2) / columnsPerGroup));
  groups.forEach((group, gi) => {
    const column = gi * columnsPerGroup;
    const text = shortLabel(spec, group[0]!);
    if (gi % step !== 0 || column < free) return;
    ticks[column] = "┬";
    [...text].forEach((ch, k) => (labels[column + k] = ch));
    free = column + text.length + 2;
  });
  const pad = " ".repeat(labelWidth);
  return [paint.dim(`${pad}└${ticks.join("")}`), paint.dim(`${pad} ${labels.join("").trimEnd()}`)];
}

/** A period's label as short as the unit allows: `MM-DD` for days and weeks, `YYYY-MM` for months, `HH:00` for hours. */
function shortLabel(spec: ChartSpec, index: number): string {
  const label = spec.periods[index]!.label;
  switch (spec.unit) {
    case "hour":
      return label.slice(11, 13) === "00" || index === 0 ? `${label.slice(5, 10)} ${label.slice(11, 13)}h` : `${label.slice(11, 13)}h`;
    case "month":
      return label.slice(0, 7);
    default:
      return label.slice(5, 10);
  }
}

function legendLines(spec: ChartSpec, total: number, colored: boolean, colorOf: (i: number) => string, paint: ChalkInstance): string[] {
  const rows = spec.series.map((s, i) => {
    const sample = colored ? "━━━" : (LINE_STYLES[i % LINE_STYLES.length]![0]!).repeat(3);
    return [sample, truncate(escapeTerminal(s.name === "" ? "(none)" : s.name), 48), thousands(s.total), `${percentText(percent(s.total, total))} %`];
  });
  return alignColumns(rows, ["left", "left", "right", "right"], "  ", (text, r, c) =>
    c === 0 && colored ? (paint as unknown as Record<string, ChalkInstance>)[colorOf(r)]!(text) : text);
}
