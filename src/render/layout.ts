/** Alignment of a text column. */
export type Align = "left" | "right";

/** The narrowest width any text view is drawn at; below it a command says so instead of overflowing. */
export const MIN_WIDTH = 60;

const WIDE = /\p{Extended_Pictographic}|[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;

/** The largest of some numbers, folded (a spread into Math.max overflows the stack on long arrays). */
export function largest(values: Iterable<number>, floor = -Infinity): number {
  let max = floor;
  for (const v of values) if (v > max) max = v;
  return max;
}

/** Number of terminal columns a string takes (no escape sequences expected; wide characters count 2). */
export function displayWidth(text: string): number {
  // Most log text is ASCII: its width is its length.
  if (/^[\x20-\x7e]*$/.test(text)) return text.length;
  let width = 0;
  for (const ch of text) width += ch.codePointAt(0)! >= 0x1100 && WIDE.test(ch) ? 2 : 1;
  return width;
}

/** A string cut to at most `width` columns, with `…` where it was cut. */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = "";
  let used = 0;
  for (const ch of text) {
    const w = displayWidth(ch);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return `${out}…`;
}

/** The last `width - 1` columns of a string after `…`. */
function truncateStart(text: string, width: number): string {
  const chars = [...text];
  let out = "";
  let used = 0;
  for (let i = chars.length - 1; i >= 0; i--) {
    const w = displayWidth(chars[i]!);
    if (used + w > width - 1) break;
    out = chars[i]! + out;
    used += w;
  }
  return `…${out}`;
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/**
 * Names shortened to `width` so that what tells them apart stays: `dept01.northwind.example` and
 * `dept02.northwind.example` become `dept01.nort…` (not `dept0…`); names that differ only at the end
 * keep their end (`…-3rd-floor`). Names that fit are unchanged.
 */
export function shortenNames(names: string[], width: number): string[] {
  if (names.every((n) => displayWidth(n) <= width)) return names;
  // How far from the start (and from the end) each name runs level with its nearest neighbour.
  const reach = (keys: string[]): Map<string, number> => {
    const sorted = [...new Set(keys)].sort();
    const shared = new Map<string, number>();
    sorted.forEach((key, i) => {
      const before = i > 0 ? commonPrefix(key, sorted[i - 1]!) : 0;
      const after = i + 1 < sorted.length ? commonPrefix(key, sorted[i + 1]!) : 0;
      shared.set(key, Math.max(before, after));
    });
    return shared;
  };
  const reversed = (s: string): string => [...s].reverse().join("");
  const prefix = reach(names);
  const suffix = reach(names.map(reversed));
  return names.map((name) => {
    if (displayWidth(name) <= width) return name;
    const head = prefix.get(name)!;
    const tail = suffix.get(reversed(name))!;
    // The start tells it apart when the first differing character survives the cut.
    if (head + 1 <= width - 1) return truncate(name, width);
    return tail + 1 <= width - 1 ? truncateStart(name, width) : truncate(name, width);
  });
}

/** The narrowest width at which shortenNames still keeps what tells each name apart. */
export function identifyingWidth(names: string[]): number {
  const distinct = [...new Set(names)];
  if (distinct.length < 2) return 1;
  let widest = 1;
  const sorted = [...distinct].sort();
  const backwards = distinct.map((n) => [...n].reverse().join("")).sort();
  const need = (keys: string[]): number[] => keys.map((key, i) => Math.max(i > 0 ? commonPrefix(key, keys[i - 1]!) : 0, i + 1 < keys.length ? commonPrefix(key, keys[i + 1]!) : 0) + 2);
  const headNeed = need(sorted);
  const heads = new Map(sorted.map((k, i) => [k, headNeed[i]!]));
  const tailNeed = need(backwards);
  const tails = new Map(backwards.map((k, i) => [[...k].reverse().join(""), tailNeed[i]!]));
  for (const name of distinct) widest = Math.max(widest, Math.min(displayWidth(name), heads.get(name)!, tails.get(name)!));
  return widest;
}

/** Text wrapped at spaces into lines of at most `width` columns (a word longer than that is cut). */
export function wrapText(text: string, width: number, indent = ""): string[] {
  const lines: string[] = [];
  let line = indent;
  for (const word of text.split(" ")) {
    const candidate = line.trim() === "" ? indent + word : `${line} ${word}`;
    if (displayWidth(candidate) <= width || line.trim() === "") {
      line = displayWidth(candidate) <= width ? candidate : truncate(candidate, width);
    } else {
      lines.push(line);
      line = truncate(indent + word, width);
    }
  }
  if (line.trim() !== "") lines.push(line);
  return lines;
}

/** How a table's columns may give way to a width: which shorten, which may go, and in which order. */
export interface ColumnFit {
  align: Align[];
  /** Columns of names that may be shortened (first to a readable width, at last to `minimum`). */
  shrinkable?: number[];
  /** Columns of values (not names) that may be shortened by cutting their ends, alike on every row. */
  cutAtEnd?: number[];
  /** Columns that may be left out, in this order, when shortening names to a readable width is not enough. */
  droppable?: number[];
  readable?: number;
  minimum?: number;
}

/**
 * Plain rows (the first is the header) as aligned columns separated by two spaces, fitted to `width`:
 * names are shortened to a readable width, then columns that matter least are left out, then names
 * are shortened further. `paint` colours a cell after it is padded, so colour never upsets alignment.
 */
export function alignColumns(
  rows: string[][], fit: ColumnFit, width = Infinity, indent = "  ",
  paint: (text: string, row: number, column: number) => string = (t) => t,
): string[] {
  return fitColumns(rows, fit, width, indent, paint).lines;
}

/** The note under a table that left columns out at its width: which, and how to see them (`how`). */
export function leftOutNote(names: string[], how = "--width, or --format csv"): string | undefined {
  return names.length === 0 ? undefined : `Left out at this width: ${names.join(", ")} (${how})`;
}

/** The note under a summary's table (two spaces in, as its rows) that left columns out (by index): the summary's JSON has them all. */
export function leftOutLines(header: string[], leftOut: number[], width: number, dim: (text: string) => string): string[] {
  const note = leftOutNote(leftOut.map((c) => header[c]!), "--width, or --format json");
  return note === undefined ? [] : wrapText(note, width, "  ").map((l) => dim(l));
}

/** alignColumns, and the columns it left out (by index), for a table that says which. */
export function fitColumns(
  rows: string[][], fit: ColumnFit, width = Infinity, indent = "  ",
  paint: (text: string, row: number, column: number) => string = (t) => t,
): { lines: string[]; leftOut: number[] } {
  const columns = rows[0]?.length ?? 0;
  const natural = new Array<number>(columns).fill(0);
  for (const row of rows) row.forEach((cell, i) => (natural[i] = Math.max(natural[i]!, displayWidth(cell))));
  const names = new Set(fit.shrinkable ?? []);
  const values = new Set(fit.cutAtEnd ?? []);
  const floors = (floor: number): number[] => natural.map((w, c) => (names.has(c) ? Math.min(w, Math.max(floor, identifyingWidth(rows.slice(1).map((r) => r[c] ?? "")))) : values.has(c) ? Math.min(w, floor) : w));
  const plan = fitWidths(natural, floors(fit.readable ?? 24), floors(fit.minimum ?? 10), fit.droppable ?? [], width - displayWidth(indent), 2);
  const cut = plan.kept.map((c) => {
    if (natural[c]! <= plan.widths[c]!) return undefined;
    const column = rows.map((row) => row[c] ?? "");
    return values.has(c) ? column.map((cell) => truncate(cell, plan.widths[c]!)) : shortenNames(column, plan.widths[c]!);
  });
  const lines = rows.map((row, r) => {
    const cells = plan.kept.map((c, k) => {
      const cell = cut[k]?.[r] ?? row[c] ?? "";
      const gap = " ".repeat(Math.max(0, plan.widths[c]! - displayWidth(cell)));
      const padded = fit.align[c] === "right" ? gap + cell : k === plan.kept.length - 1 ? cell : cell + gap;
      return paint(padded, r, c);
    });
    return (indent + cells.join("  ")).trimEnd();
  });
  return { lines, leftOut: natural.map((_, c) => c).filter((c) => !plan.kept.includes(c)) };
}

/** Column widths that fit, and which columns are kept (in order). */
export interface WidthPlan {
  kept: number[];
  widths: number[];
}

/**
 * Fits columns of `natural` widths, `gap` apart, into `width`: columns shorten (the widest first) down
 * to `readable`, then `droppable` columns go one by one, then columns shorten down to `minimum`, then
 * `lastResort` columns go one by one; when
 * even that is too wide, columns go from the right.
 */
export function fitWidths(natural: number[], readable: number[], minimum: number[], droppable: number[], width: number, gap: number, lastResort: number[] = []): WidthPlan {
  const kept = natural.map((_, c) => c);
  const total = (widths: number[]): number => kept.reduce((n, c) => n + widths[c]!, 0) + gap * Math.max(0, kept.length - 1);
  const shrunk = (floor: number[]): number[] => {
    const widths = [...natural];
    let overflow = total(widths) - width;
    while (overflow > 0) {
      const widest = kept.filter((c) => widths[c]! > floor[c]!).sort((a, b) => widths[b]! - widths[a]!)[0];
      if (widest === undefined) break;
      const second = largest(kept.filter((c) => c !== widest && widths[c]! > floor[c]!).map((c) => widths[c]!), floor[widest]!);
      const cut = Math.min(overflow, Math.max(1, widths[widest]! - second));
      widths[widest]! -= cut;
      overflow -= cut;
    }
    return widths;
  };
  let widths = shrunk(readable);
  const dropped: number[] = [];
  for (const drop of droppable) {
    if (total(widths) <= width) break;
    if (kept.includes(drop)) {
      kept.splice(kept.indexOf(drop), 1);
      dropped.push(drop);
    }
    widths = shrunk(readable);
  }
  // Columns left out before a too-wide one went may fit without it: back in, the one that matters most first.
  if (total(widths) <= width) {
    for (const back of dropped.slice(0, -1).reverse()) {
      kept.splice(kept.findIndex((c) => c > back) < 0 ? kept.length : kept.findIndex((c) => c > back), 0, back);
      const tried = shrunk(readable);
      if (total(tried) <= width) widths = tried;
      else kept.splice(kept.indexOf(back), 1);
    }
  }
  if (total(widths) > width) widths = shrunk(minimum);
  for (const drop of lastResort) {
    if (total(widths) <= width) break;
    if (kept.includes(drop)) kept.splice(kept.indexOf(drop), 1);
    widths = shrunk(minimum);
  }
  while (total(widths) > width && kept.length > 1) {
    kept.pop();
    widths = shrunk(minimum);
  }
  return { kept, widths };
}
