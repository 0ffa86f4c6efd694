import { createRequire } from "node:module";
import type asciichartType from "asciichart";
import type { ChalkInstance } from "chalk";
import type { Period, PeriodUnit } from "../core/period.js";
import type { DateRange } from "../engine/range.js";
import { percent, type Series } from "../engine/views.js";
import { alignColumns, displayWidth, largest, truncate, wrapText } from "./layout.js";
import { groupPeriods, markPartialPeriods, mergeFor, partialNote, type Merge, type PeriodGroup } from "./period-groups.js";
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
  range: DateRange;
  periods: Period[];
  unit: PeriodUnit;
  series: Series[];
  /** Colour name per series, when colour is on; series without one take the palette in turn. */
  colors?: (string | undefined)[];
  /** Distinct senders in the range (`senders` metric): a sender may count in several series. */
  senders?: number;
}

/** Terminal facts a renderer needs: how wide, how tall (a terminal's rows; none for files and pipes), how to colour. */
export interface Terminal {
  width: number;
  height?: number;
  paint: ChalkInstance;
  /** No width was given and the output is a file or pipe: tables take their natural width (nothing left out); charts and text use `width`. */
  unbounded?: boolean;
}

type Symbols = [string, string, string, string, string, string, string, string, string, string];
const AXIS = ["┼", "┤", "╶", "╴"];
// Each series has a line style; without colour the styles alone tell 13 series apart, with colour
// six colours times the styles tell dozens apart. `other` always has the last style, in grey.
const LINE_STYLES: string[][] = [
  ["─", "╰", "╭", "╮", "╯", "│"],
  ["━", "┗", "┏", "┓", "┛", "┃"],
  ["═", "╚", "╔", "╗", "╝", "║"],
  ["┄", "└", "┌", "┐", "┘", "┆"],
  ["*", "*", "*", "*", "*", "*"],
  ["+", "+", "+", "+", "+", "+"],
  ["#", "#", "#", "#", "#", "#"],
  ["o", "o", "o", "o", "o", "o"],
  ["x", "x", "x", "x", "x", "x"],
  ["=", "=", "=", "=", "=", "="],
  ["~", "~", "~", "~", "~", "~"],
  ["@", "@", "@", "@", "@", "@"],
  ["%", "%", "%", "%", "%", "%"],
];
const OTHER_STYLE = ["·", "·", "·", "·", "·", "·"];
const PALETTE = ["cyan", "yellow", "magenta", "green", "blue", "red"];
/** Plot rows when the height is not known (a file or a pipe). */
const PLOT_HEIGHT = 10;
/** Rows of share bars when the height is not known: a month of days. */
const BAR_ROWS = 31;
// Loaded when a chart is drawn, not at every start.
const require = createRequire(import.meta.url);

type Paint = (text: string) => string;

/** The colour and style of each series: the series' own colour, else the palette; `other` grey and dotted. */
function seriesLooks(spec: ChartSpec, paint: ChalkInstance): { style: string[]; color: Paint }[] {
  const colored = paint.level > 0;
  const byName = paint as unknown as Record<string, Paint>;
  let own = 0;
  return spec.series.map((s, i) => {
    if (s.name === "other" && i === spec.series.length - 1 && i > 0) return { style: OTHER_STYLE, color: colored ? byName.gray! : (t) => t };
    const k = own++;
    const colorName = spec.colors?.[i] ?? PALETTE[k % PALETTE.length]!;
    // With colour, the style changes each time the palette comes round again; without, every series has its own.
    const styleIndex = !colored || spec.colors?.[i] !== undefined ? k : Math.floor(k / PALETTE.length);
    const style = LINE_STYLES[styleIndex % LINE_STYLES.length]!;
    return { style, color: colored ? byName[colorName]! : (t) => t };
  });
}

/** Rows a chart may take: the terminal's rows less what is around the plot, within sensible bounds. */
function rowsFor(terminal: Terminal, around: number, fallback: number, most: number): number {
  if (terminal.height === undefined) return fallback;
  return Math.max(6, Math.min(most, terminal.height - around));
}

/**
 * A line chart of messages with asciichart: a title line, a y-axis with values, an x-axis with dates,
 * and a legend with each series' colour and line style and total. Periods are stretched to the width,
 * or merged in whole calendar spans (hours by divisors of a day, days by weeks) when they do not fit.
 */
export function renderChart(spec: ChartSpec, terminal: Terminal): string {
  const { paint } = terminal;
  const total = spec.senders ?? spec.series.reduce((n, s) => n + s.total, 0);
  const lines = header(spec, total, terminal);
  if (total === 0) return `${[...lines, "", `  No submissions in this range${spec.filters === undefined ? "" : " with these filters"}.`].join("\n")}\n`;
  const looks = seriesLooks(spec, paint);
  const legend = legendLines(spec, total, looks.map((l) => l.color(l.style[0]!.repeat(3))), terminal.width);
  if (spec.periods.length < 2) {
    // The one period marked `*` where the range cuts it, as the table marks it.
    const { labels, note } = markPartialPeriods(spec.periods, spec.unit, spec.range);
    lines.push("", ...wrapText(`One ${spec.unit} only (${labels[0] ?? ""}): nothing to draw over time; try a finer --by or a longer range.`, terminal.width, "  "));
    if (note !== undefined) lines.push(...wrapText(note, terminal.width, "  ").map((l) => paint.dim(l)));
    lines.push("", ...legend);
    return `${lines.join("\n")}\n`;
  }

  // The y-axis labels are sized from the largest merged value, which depends on the merge, which
  // depends on the room the labels leave: try the widest label first.
  const peak = largest(spec.series.map((s) => s.total));
  let labelWidth = Math.max(displayWidth(thousands(peak)), 3) + 1;
  let merge = mergeFor(spec.periods, spec.unit, spec.range, terminal.width - labelWidth - 2);
  let groups = groupPeriods(spec.periods, spec.unit, spec.range, merge);
  const busiest = spec.senders !== undefined;
  let values = groupedValues(spec.series, groups, busiest);
  labelWidth = Math.max(displayWidth(thousands(largest(values.flat(), 1))), 3) + 1;
  merge = mergeFor(spec.periods, spec.unit, spec.range, terminal.width - labelWidth - 2);
  groups = groupPeriods(spec.periods, spec.unit, spec.range, merge);
  values = groupedValues(spec.series, groups, busiest);
  const plotWidth = terminal.width - labelWidth - 2;
  const columnsPerGroup = Math.max(1, Math.floor(plotWidth / groups.length));
  const max = largest(values.flat(), 1);
  const height = Math.max(1, Math.min(rowsFor(terminal, 8 + legend.length, PLOT_HEIGHT, 40), max));

  // One plot per series on the same scale, laid over each other cell by cell; the largest first.
  const order = spec.series.map((_, i) => i).sort((a, b) => spec.series[b]!.total - spec.series[a]!.total);
  const grid: string[][] = [];
  const owner: number[][] = [];
  for (const i of order) {
    const points = values[i]!.flatMap((v) => new Array<number>(columnsPerGroup).fill(v));
    const plot = (require("asciichart") as typeof asciichartType).plot(points, {
      min: 0, max, height, offset: 2, symbols: [...AXIS, ...looks[i]!.style] as Symbols,
      format: (x) => thousands(x).padStart(labelWidth),
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
    let plot = "";
    for (let c = labelWidth + 1; c < cells.length; c++) {
      const who = owner[r]![c]!;
      plot += who >= 0 ? looks[who]!.color(cells[c]!) : cells[c]!;
    }
    lines.push((paint.dim(cells.slice(0, labelWidth + 1).join("")) + plot).trimEnd());
  });
  // Spans of a day or more are labelled by their dates alone.
  lines.push(...xAxis(groups, spec.unit === "hour" && merge.size >= 24 ? "day" : spec.unit, columnsPerGroup, labelWidth, paint));
  const notes = [mergeNote(spec, merge, busiest ? "column (its busiest period)" : "column"), partialNote(groups, spec.unit, merge)];
  for (const note of notes) if (note !== undefined) lines.push(...wrapText(note, terminal.width, " ".repeat(labelWidth + 1)).map((l) => paint.dim(l)));
  lines.push("", ...legend);
  return `${lines.join("\n")}\n`;
}

/** The title lines: what, the range and the messages in it. */
function header(spec: ChartSpec, total: number, terminal: Terminal): string[] {
  return [
    terminal.paint.bold(truncate(spec.title, terminal.width)),
    ...wrapText(`${spec.rangeText}: ${thousands(total)} ${spec.senders === undefined ? "message" : "sender"}${total === 1 ? "" : "s"}`, terminal.width),
    ...(spec.filters === undefined ? [] : wrapText(spec.filters, terminal.width)),
  ];
}

/** Says what a merged row or column stands for. */
function mergeNote(spec: ChartSpec, merge: Merge, what: string): string | undefined {
  if (merge.size === 1) return undefined;
  const [noun, ...rest] = what.split(" ");
  return `each ${noun} is ${merge.name}${rest.length > 0 ? ` ${rest.join(" ")}` : ""} (${spec.periods.length} ${spec.unit}s do not fit; --by or a shorter range for more detail)`;
}

/** Each series' summed messages per group; for distinct senders (`busiest`), the busiest period's, as they do not add up. */
function groupedValues(series: Series[], groups: PeriodGroup[], busiest = false): number[][] {
  return series.map((s) => groups.map((g) => {
    let n = 0;
    for (let p = g.first; p <= g.last; p++) n = busiest ? Math.max(n, s.values[p]!) : n + s.values[p]!;
    return n;
  }));
}

/** The x-axis: a tick under labelled groups, dates at day starts (and hours where there is room), `*` on partial groups. */
function xAxis(groups: PeriodGroup[], unit: PeriodUnit, columnsPerGroup: number, labelWidth: number, paint: ChalkInstance): string[] {
  const width = groups.length * columnsPerGroup;
  const ticks = new Array<string>(width).fill("─");
  const labels = new Array<string>(width + 16).fill(" ");
  const text = (g: PeriodGroup, first: boolean): string => {
    const date = g.label.slice(5, 10);
    if (unit === "month") return g.label.slice(0, 7);
    if (unit !== "hour") return date;
    const hour = g.label.slice(11);
    return first ? `${date} ${hour}` : hour === "00h" ? date : hour;
  };
  // Day starts (or every group for coarser units) take the labels first; hours fill the room left.
  const dayStart = (g: PeriodGroup): boolean => unit !== "hour" || g.label.endsWith(" 00h");
  const taken = new Array<boolean>(width + 16).fill(false);
  const place = (gi: number, label: string): void => {
    const column = gi * columnsPerGroup;
    for (let k = column; k < column + label.length + 2; k++) if (taken[k]) return;
    ticks[column] = "┬";
    [...label].forEach((ch, k) => (labels[column + k] = ch));
    for (let k = Math.max(0, column - 1); k < column + label.length + 2; k++) taken[k] = true;
  };
  place(0, text(groups[0]!, true) + (groups[0]!.partial ? "*" : ""));
  groups.forEach((g, gi) => gi > 0 && dayStart(g) && place(gi, text(g, false) + (g.partial ? "*" : "")));
  groups.forEach((g, gi) => gi > 0 && !dayStart(g) && place(gi, text(g, false) + (g.partial ? "*" : "")));
  const last = groups.length - 1;
  if (groups[last]!.partial && labels[last * columnsPerGroup] === " " && !taken[last * columnsPerGroup]) labels[last * columnsPerGroup] = "*";
  const pad = " ".repeat(labelWidth);
  return [paint.dim(`${pad}└${ticks.join("")}`), paint.dim(`${pad} ${labels.join("").trimEnd()}`)];
}

/** Legend rows: sample, name, total messages and share; names shortened to fit. */
function legendLines(spec: ChartSpec, total: number, samples: string[], width: number, extra?: (i: number) => string): string[] {
  const rows = spec.series.map((s, i) => [escapeTerminal(s.name === "" ? "(none)" : s.name), thousands(s.total), `${percentText(percent(s.total, total))} %`, extra?.(i) ?? ""]);
  return alignColumns(rows, { align: ["left", "right", "right", "left"], shrinkable: [0], droppable: [3] }, width - 7, "")
    .map((line, i) => `  ${samples[i]}  ${line}`);
}

/** Share bars: series in the order drawn, and which of them need action (drawn first). */
export interface ShareSpec extends ChartSpec {
  /** Fill character of each series (without colour the only thing telling them apart). */
  fills: string[];
  /** Series that need action: summed in the right-hand column, named by `flagName`. */
  flagged: boolean[];
  flagName: string;
  /** Said beside the legend of each flagged series. */
  legendMark: string;
  /** Series of messages whose TLS version (auth kind) is unknown: a period of nothing else has no share to show (n/a). */
  unknown: boolean[];
  /** Said under the bars where a period's share is n/a: why it cannot be told. */
  untoldNote: string;
}

/**
 * A 100 % stacked bar per period (a row each; periods merged in whole calendar spans beyond the
 * terminal's height): each series its own colour and fill character, those needing action first, so a
 * small legacy share is never hidden behind a larger one. Every series present in a row gets at least
 * one cell. On the right, the share needing action and the period's messages.
 */
export function renderShareBars(spec: ShareSpec, terminal: Terminal): string {
  const { paint } = terminal;
  const total = spec.series.reduce((n, s) => n + s.total, 0);
  const lines = header(spec, total, terminal);
  if (total === 0) return `${[...lines, "", `  No submissions in this range${spec.filters === undefined ? "" : " with these filters"}.`].join("\n")}\n`;
  const looks = seriesLooks(spec, paint);
  const fill = spec.series.map((_, i) => (text: string) => looks[i]!.color(text));
  const flagSuffix = (i: number): string => (spec.flagged[i] ? spec.legendMark : "");
  const legend = legendLines(spec, total, spec.fills.map((f, i) => fill[i]!(f.repeat(3))), terminal.width, flagSuffix);

  const merge = mergeFor(spec.periods, spec.unit, spec.range, rowsFor(terminal, 7 + legend.length, BAR_ROWS, 200));
  const groups = groupPeriods(spec.periods, spec.unit, spec.range, merge);
  const values = groupedValues(spec.series, groups);
  const sums = groups.map((_, g) => values.reduce((n, v) => n + v[g]!, 0));
  const flaggedSums = groups.map((_, g) => values.reduce((n, v, i) => n + (spec.flagged[i] ? v[g]! : 0), 0));
  // A period whose messages all have the category unknown tells no share: n/a, never a calm 0.00 %.
  const untold = groups.map((_, g) => sums[g]! > 0 && values.every((v, i) => spec.unknown[i] || v[g] === 0));
  const flagTexts = flaggedSums.map((n, g) => (sums[g] === 0 ? "" : untold[g] ? "n/a" : `${percentText(percent(n, sums[g]!))} %`));
  const countTexts = sums.map((n) => thousands(n));
  const labels = groups.map((g) => `${g.label}${g.partial ? "*" : " "}`);
  const labelWidth = largest(labels.map(displayWidth));
  const flagWidth = Math.max(displayWidth(spec.flagName), ...flagTexts.map(displayWidth));
  const countWidth = Math.max(displayWidth("messages"), ...countTexts.map(displayWidth));
  const barWidth = terminal.width - 1 - labelWidth - 1 - 2 - flagWidth - 2 - countWidth;

  const scale = new Array<string>(barWidth).fill(" ");
  for (const [at, text] of [[0, "0 %"], [Math.round(barWidth / 2) - 2, "50 %"], [barWidth - 5, "100 %"]] as const) {
    [...text].forEach((ch, k) => (scale[at + k] = ch));
  }
  lines.push("", paint.dim(`${" ".repeat(1 + labelWidth + 1)}${scale.join("")}  ${spec.flagName.padStart(flagWidth)}  ${"messages".padStart(countWidth)}`));
  groups.forEach((_, g) => {
    const cells = barCells(values.map((v) => v[g]!), barWidth);
    const bar = cells.map((n, i) => (n > 0 ? fill[i]!(spec.fills[i]!.repeat(n)) : "")).join("");
    const empty = sums[g] === 0 ? paint.dim("no messages".padEnd(barWidth).slice(0, barWidth)) : "";
    lines.push(` ${labels[g]!.padEnd(labelWidth)} ${bar}${empty}  ${flagTexts[g]!.padStart(flagWidth)}  ${countTexts[g]!.padStart(countWidth)}`);
  });
  const notes = [mergeNote(spec, merge, "row"), partialNote(groups, spec.unit, merge)];
  for (const note of notes) if (note !== undefined) lines.push(...wrapText(note, terminal.width, " ").map((l) => paint.dim(l)));
  if (untold.includes(true)) lines.push(...wrapText(spec.untoldNote, terminal.width, " ").map((l) => paint.yellow(l)));
  lines.push("", ...legend);
  return `${lines.join("\n")}\n`;
}

/**
 * Cells of a bar `width` wide for each value: shares by largest remainder, and at least one cell for
 * every value above zero (taken from the largest).
 */
export function barCells(values: number[], width: number): number[] {
  const total = values.reduce((n, v) => n + v, 0);
  if (total === 0) return values.map(() => 0);
  const exact = values.map((v) => (v * width) / total);
  const cells = exact.map(Math.floor);
  let left = width - cells.reduce((n, c) => n + c, 0);
  const byRemainder = exact.map((e, i) => i).sort((a, b) => exact[b]! - cells[b]! - (exact[a]! - cells[a]!) || a - b);
  for (const i of byRemainder) {
    if (left === 0) break;
    cells[i]!++;
    left--;
  }
  values.forEach((v, i) => {
    if (v === 0 || cells[i]! > 0) return;
    const widest = cells.indexOf(largest(cells));
    if (cells[widest]! <= 1) return;
    cells[widest]!--;
    cells[i] = 1;
  });
  return cells;
}
