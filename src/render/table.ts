import { createRequire } from "node:module";
import type TableType from "cli-table3";
import type { ChalkInstance } from "chalk";
import { displayWidth, truncate, type Align } from "./layout.js";
import { thousands } from "./text.js";

/** A table to draw: header, body rows, an optional totals row, and how many rows `--top` left out. */
export interface TableSpec {
  title: string;
  /** The filters in effect (filtersLine), under the title; none without filters. */
  filters?: string;
  header: string[];
  align: Align[];
  rows: string[][];
  totals?: string[];
  /** Rows that were not shown; the table says so under itself. */
  leftOut?: number;
  /** Lines under the table (legends of markers). */
  notes?: string[];
  /** Rows to highlight (those that need action). */
  flagged?: Set<number>;
  /** Columns that may be shortened to fit the width (default: the first). */
  shrinkable?: number[];
  /** Columns that may be left out, in this order, when shortening is not enough. */
  droppable?: number[];
}

// Loaded when a table is drawn, not at every start (the CSV and JSON outputs never need it).
const require = createRequire(import.meta.url);

const MIN_TEXT = 12;
const MIN_HEADER = 6;
const READABLE_TEXT = 28;

/** The width a table takes with every cell in full. */
export function naturalWidth(header: string[], rows: string[][]): number {
  return header.reduce((n, h, c) => n + Math.max(displayWidth(h), ...rows.map((row) => displayWidth(row[c] ?? ""))) + 3, 1);
}

/**
 * A bordered table with cli-table3: right-aligned numbers, a bold header and totals row, fitted to the
 * width by shortening long names and then leaving out the columns that matter least.
 */
export function renderTable(spec: TableSpec, width: number, paint: ChalkInstance): string {
  const all = spec.totals ? [...spec.rows, spec.totals] : spec.rows;
  const natural = spec.header.map((h, c) => Math.max(displayWidth(h), ...all.map((row) => displayWidth(row[c] ?? ""))));
  const body = spec.header.map((_, c) => Math.max(0, ...all.map((row) => displayWidth(row[c] ?? ""))));
  const shrinkable = new Set(spec.shrinkable ?? [0]);
  // Long names shrink to MIN_TEXT; other columns only lose the part of their header wider than their values.
  const kept = spec.header.map((_, c) => c);
  let widths = natural;
  // Shorten names first, then headers, widest first; failing that, leave out a droppable column and
  // try again from the full widths. Names keep a readable width until no column is left to drop.
  const passes = [undefined, ...(spec.droppable ?? [])];
  for (const [pass, drop] of passes.entries()) {
    if (drop !== undefined) kept.splice(kept.indexOf(drop), 1);
    const nameWidth = pass === passes.length - 1 ? MIN_TEXT : READABLE_TEXT;
    const least = natural.map((w, c) => (shrinkable.has(c) ? Math.min(w, nameWidth) : Math.min(w, Math.max(body[c]!, MIN_HEADER))));
    widths = [...natural];
    let overflow = kept.reduce((n, c) => n + widths[c]! + 3, 1) - width;
    while (overflow > 0) {
      const slack = (c: number): number => widths[c]! - least[c]!;
      const candidates = kept.filter((c) => slack(c) > 0);
      const names = candidates.filter((c) => shrinkable.has(c));
      const pool = names.length > 0 ? names : candidates;
      const widest = pool.sort((a, b) => widths[b]! - widths[a]!)[0];
      if (widest === undefined) break;
      const cut = Math.min(overflow, slack(widest));
      widths[widest]! -= cut;
      overflow -= cut;
    }
    if (overflow <= 0) break;
  }
  const fit = (row: string[]): string[] => kept.map((c) => truncate(row[c] ?? "", widths[c]!));

  const Table = require("cli-table3") as typeof TableType;
  const table = new Table({
    head: fit(spec.header).map((h) => paint.bold(h)),
    colAligns: kept.map((c) => (spec.align[c] === "right" ? "right" : "left")),
    style: { head: [], border: [], compact: true, "padding-left": 1, "padding-right": 1 },
  });
  spec.rows.forEach((row, r) => {
    const cells = fit(row);
    table.push(spec.flagged?.has(r) ? cells.map((cell) => paint.yellow(cell)) : cells);
  });
  if (spec.totals) table.push(fit(spec.totals).map((cell) => paint.bold(cell)));
  const lines = [paint.bold(spec.title), ...(spec.filters === undefined ? [] : [spec.filters]), table.toString()];
  if (spec.leftOut !== undefined && spec.leftOut > 0) {
    lines.push(paint.dim(`${thousands(spec.leftOut)} more ${spec.leftOut === 1 ? "row" : "rows"} not shown (--top)`));
  }
  if (spec.notes) lines.push(...spec.notes.map((n) => paint.dim(n)));
  return `${lines.join("\n")}\n`;
}
