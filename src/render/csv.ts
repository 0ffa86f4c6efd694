import { stringify } from "csv-stringify/sync";

/** A cell value as CSV and JSON outputs carry it. */
export type Cell = string | number;

/** Header and rows of a view, as its CSV and JSON outputs carry them. */
export interface Rows {
  header: readonly string[];
  rows: Cell[][];
}

const FORMULA_START = /^[=+\-@]/;

/**
 * An RFC 4180 CSV document: one header row, `,` separated, `\n` line ends; `percent` columns with two
 * decimals. With `excelSafe`, text cells that a spreadsheet would run as a formula get a leading `'`.
 */
export function csvDocument({ header, rows }: Rows, excelSafe: boolean): string {
  const percentAt = header.indexOf("percent");
  const cells = rows.map((row) =>
    row.map((cell, i) => {
      if (typeof cell === "number") return i === percentAt ? cell.toFixed(2) : String(cell);
      return excelSafe && FORMULA_START.test(cell) ? `'${cell}` : cell;
    }),
  );
  return stringify([header as string[], ...cells], { record_delimiter: "unix" });
}

/** Rows as objects keyed by the header, for JSON outputs. */
export function rowObjects({ header, rows }: Rows): Record<string, Cell>[] {
  return rows.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i]!])));
}
