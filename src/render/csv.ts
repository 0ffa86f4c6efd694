import { escapeTerminal } from "./text.js";

/** A cell value as CSV and JSON outputs carry it; null (an empty cell, JSON null) where there is no value, e.g. the share of a period without messages. */
export type Cell = string | number | null;

/** Header and rows of a view, as its CSV and JSON outputs carry them (rows may be made lazily). */
export interface Rows {
  header: readonly string[];
  rows: Iterable<Cell[]>;
}

const NEEDS_QUOTES = /[",\r\n]/;
// OWASP's list: a cell starting with one of these may be run as a formula (TAB and CR too, which some
// spreadsheets drop before reading the rest).
const FORMULA_START = /^[=+\-@\t\r]/;
const ROWS_PER_CHUNK = 8192;

/**
 * One CSV cell as RFC 4180 writes it: quoted only when it holds `,` `"` or a line end. With `terminal`
 * (CSV shown on a terminal, not saved), control characters are escaped as everywhere else on screen.
 */
export function csvCell(text: string, excelSafe: boolean, terminal = false): string {
  const shown = terminal ? escapeTerminal(text) : text;
  const safe = excelSafe && FORMULA_START.test(shown) ? `'${shown}` : shown;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * An RFC 4180 CSV document in chunks: one header row, `,` separated, `\n` line ends; `percent` columns
 * with two decimals; a null cell is empty. With `excelSafe`, text cells that a spreadsheet would run as a formula get a
 * leading `'`.
 */
export function* csvChunks({ header, rows }: Rows, excelSafe: boolean, terminal = false): Generator<string> {
  const percentAt = header.indexOf("percent");
  const cell = (value: Cell, column: number): string => {
    if (typeof value === "number") return column === percentAt ? value.toFixed(2) : String(value);
    if (value === null) return "";
    return csvCell(value, excelSafe, terminal);
  };
  let lines = [header.map((h, i) => cell(h, i)).join(",")];
  for (const row of rows) {
    let line = cell(row[0]!, 0);
    for (let i = 1; i < row.length; i++) line += `,${cell(row[i]!, i)}`;
    lines.push(line);
    if (lines.length === ROWS_PER_CHUNK) {
      yield `${lines.join("\n")}\n`;
      lines = [];
    }
  }
  if (lines.length > 0) yield `${lines.join("\n")}\n`;
}

/** A whole CSV document as one string (for the small views). */
export function csvDocument(rows: Rows, excelSafe: boolean, terminal = false): string {
  return [...csvChunks(rows, excelSafe, terminal)].join("");
}

/** Rows as objects keyed by the header, for JSON outputs. */
export function* rowObjects({ header, rows }: Rows): Generator<Record<string, Cell>> {
  for (const row of rows) yield Object.fromEntries(header.map((name, i) => [name, row[i]!]));
}
