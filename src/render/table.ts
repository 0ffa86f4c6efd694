import type { ChalkInstance } from "chalk";
import { displayWidth, fitWidths, identifyingWidth, leftOutNote, shortenNames, wrapText, type Align } from "./layout.js";
import { thousands } from "./text.js";

/** A table to draw: header, body rows, an optional totals row, and how many rows were left out. */
export interface TableSpec {
  title: string;
  /** The filters in effect (filtersLine), under the title; none without filters. */
  filters?: string;
  header: string[];
  align: Align[];
  rows: string[][];
  totals?: string[];
  /** Rows that were not shown; the table says so under itself, with how to see them. */
  leftOut?: number;
  /** What a row is, for that line (default "rows"), and how to see them all. */
  leftOutHint?: { what: string; how: string };
  /** Lines under the table (legends of markers). */
  notes?: string[];
  /** Rows to highlight (those that need action). */
  flagged?: Set<number>;
  /** Shorter headers to use where a header does not fit (e.g. `1.0` for `TLS1.0`). */
  shortHeaders?: (string | undefined)[];
  /** Columns of names that may be shortened to fit the width (default: the first). */
  shrinkable?: number[];
  /** Columns that may be left out, in this order, when shortening names to a readable width is not enough. */
  droppable?: number[];
  /** Columns that may be left out, in this order, only when shortening names and headers to their minimum is not enough. */
  droppableLast?: number[];
}

const MIN_TEXT = 12;
const READABLE_TEXT = 28;
const MIN_CELL = 3;

/** The width a table takes with every cell in full. */
export function naturalWidth(header: string[], rows: string[][]): number {
  const widths = columnWidths([header, ...rows], header.length);
  return widths.reduce((n, w) => n + w + 3, 1);
}

/** The widest cell of each column. */
function columnWidths(rows: string[][], columns: number): number[] {
  const widths = new Array<number>(columns).fill(0);
  for (const row of rows) {
    for (let c = 0; c < columns; c++) {
      const w = displayWidth(row[c] ?? "");
      if (w > widths[c]!) widths[c] = w;
    }
  }
  return widths;
}

/**
 * A bordered table (drawn here, in time linear in its rows): right-aligned numbers, a bold header and
 * totals row, fitted to the width by shortening names so that what tells them apart stays, leaving
 * out the columns that matter least, and shortening headers to what tells them apart.
 */
export function renderTable(spec: TableSpec, width: number, paint: ChalkInstance): string {
  const all = spec.totals ? [...spec.rows, spec.totals] : spec.rows;
  const columns = spec.header.length;
  const body = columnWidths(all, columns);
  const natural = spec.header.map((h, c) => Math.max(displayWidth(h), body[c]!));
  const names = new Set(spec.shrinkable ?? [0]);
  const short = spec.header.map((h, c) => spec.shortHeaders?.[c] ?? h);
  const headerFloor = identifyingWidth(short);
  // Names keep what tells them apart; other columns give up only the part of their header wider than their values.
  // Headers are shortened only when leaving out columns was not enough.
  const floor = (readable: number): number[] => natural.map((w, c) => {
    if (names.has(c)) return Math.min(w, Math.max(readable, MIN_TEXT));
    return readable === READABLE_TEXT ? w : Math.min(w, Math.max(body[c]!, MIN_CELL, Math.min(displayWidth(short[c]!), headerFloor)));
  });
  const plan = fitWidths(natural, floor(READABLE_TEXT), floor(MIN_TEXT), spec.droppable ?? [], width - 4, 3, spec.droppableLast);
  const { kept, widths } = plan;
  const shortened = new Map<number, string[]>();
  for (const c of kept) {
    if (natural[c]! > widths[c]!) shortened.set(c, shortenNames(all.map((row) => row[c] ?? ""), widths[c]!));
  }
  const headerCells = kept.map((c) => {
    if (displayWidth(spec.header[c]!) <= widths[c]!) return spec.header[c]!;
    return displayWidth(short[c]!) <= widths[c]! ? short[c]! : shortenNames(short, widths[c]!)[c]!;
  });

  const rule = (left: string, middle: string, right: string): string => paint.dim(`${left}${kept.map((c) => "─".repeat(widths[c]! + 2)).join(middle)}${right}`);
  const bar = paint.dim("│");
  const line = (cells: string[], style: (text: string) => string): string =>
    `${bar}${kept.map((c, k) => {
      const text = cells[k]!;
      const gap = " ".repeat(Math.max(0, widths[c]! - displayWidth(text)));
      return ` ${style(spec.align[c] === "right" ? gap + text : text + gap)} `;
    }).join(bar)}${bar}`;
  const cellsOf = (r: number): string[] => kept.map((c) => shortened.get(c)?.[r] ?? all[r]![c] ?? "");

  const lines = [...wrapText(spec.title, width).map((l) => paint.bold(l)), ...(spec.filters === undefined ? [] : wrapText(spec.filters, width)), rule("┌", "┬", "┐"), line(headerCells, (t) => paint.bold(t)), rule("├", "┼", "┤")];
  for (let r = 0; r < spec.rows.length; r++) {
    lines.push(line(cellsOf(r), spec.flagged?.has(r) ? (t) => paint.yellow(t) : (t) => t));
  }
  if (spec.totals) lines.push(line(cellsOf(spec.rows.length), (t) => paint.bold(t)));
  lines.push(rule("└", "┴", "┘"));
  const notes: string[] = [];
  if (spec.leftOut !== undefined && spec.leftOut > 0) {
    const hint = spec.leftOutHint ?? { what: "rows", how: "--top, or --format csv for all" };
    notes.push(`… and ${thousands(spec.leftOut)} more ${spec.leftOut === 1 ? hint.what.replace(/s$/, "") : hint.what} (${hint.how})`);
  }
  const dropped = leftOutNote(spec.header.filter((_, c) => !kept.includes(c)));
  if (dropped !== undefined) notes.push(dropped);
  if (spec.notes) notes.push(...spec.notes);
  for (const note of notes) lines.push(...wrapText(note, width).map((l) => paint.dim(l)));
  return `${lines.join("\n")}\n`;
}
