/** Alignment of a text column. */
export type Align = "left" | "right";

/** Number of terminal columns a string takes (no escape sequences expected; wide characters count 2). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    width += code >= 0x1100 && /\p{Extended_Pictographic}|[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  }
  return width;
}

/** A string cut to at most `width` columns, with `…` where it was cut. */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = "";
  for (const ch of text) {
    if (displayWidth(out + ch) > width - 1) break;
    out += ch;
  }
  return `${out}…`;
}

/**
 * Plain rows as aligned columns separated by two spaces; `paint` colours a cell after it is padded,
 * so colour codes never upset the alignment.
 */
export function alignColumns(
  rows: string[][], align: Align[], indent = "  ",
  paint: (text: string, row: number, column: number) => string = (t) => t,
): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, displayWidth(cell))));
  return rows.map((row, r) =>
    indent + row.map((cell, i) => {
      const gap = " ".repeat((widths[i] ?? 0) - displayWidth(cell));
      const padded = align[i] === "right" ? gap + cell : i === row.length - 1 ? cell : cell + gap;
      return paint(padded, r, i);
    }).join("  ").trimEnd(),
  );
}
