import type { Terminal } from "../render/chart.js";
import { MIN_WIDTH } from "../render/layout.js";
import { outputsToTerminal, painter } from "./output.js";

const envNumber = (name: string): number | undefined => {
  const value = Number(process.env[name]);
  return process.env[name] !== undefined && process.env[name] !== "" && Number.isInteger(value) && value > 0 ? value : undefined;
};

/**
 * The terminal a text view is drawn for: --width, else COLUMNS, else the terminal's own, else 80 (tables
 * to a file or pipe without a width take their natural width, so nothing is left out of them); the
 * terminal's rows (LINES, else a TTY's own; none for files and pipes); colour as painter decides.
 * A window narrower than a view can fit is drawn at that narrowest width, with a note (a narrow
 * window is not the user's mistake; an explicit --width below it is refused by its parser).
 */
export function terminalFor(options: { width?: number; color: boolean; output?: string }): Terminal {
  const toScreen = outputsToTerminal(options.output);
  // A terminal that reports 0 columns (a pseudo-terminal of docker exec or ssh -t from a script) has no width to go by.
  const screen = toScreen ? process.stdout.columns || undefined : undefined;
  const given = options.width ?? envNumber("COLUMNS") ?? screen;
  let width = given ?? 80;
  if (width < MIN_WIDTH) {
    process.stderr.write(`smtp-auth-report: note: ${width} columns is narrower than a text view fits: drawn at ${MIN_WIDTH} (a wider window, or --format csv or json)\n`);
    width = MIN_WIDTH;
  }
  const height = envNumber("LINES") ?? (toScreen ? process.stdout.rows || undefined : undefined);
  return { width, height, paint: painter(options.color, toScreen), unbounded: given === undefined && !toScreen };
}
