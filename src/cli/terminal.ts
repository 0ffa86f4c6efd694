import { UsageError } from "../core/errors.js";
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
 * Below the narrowest width a view can fit, a usage error rather than lines that wrap.
 */
export function terminalFor(options: { width?: number; color: boolean; output?: string }): Terminal {
  const toScreen = outputsToTerminal(options.output);
  // A terminal that reports 0 columns (a pseudo-terminal of docker exec or ssh -t from a script) has no width to go by.
  const screen = toScreen ? process.stdout.columns || undefined : undefined;
  const given = options.width ?? envNumber("COLUMNS") ?? screen;
  const width = given ?? 80;
  if (width < MIN_WIDTH) {
    throw new UsageError(`${width} columns is too narrow: text views need at least ${MIN_WIDTH} (a wider window, --width ${MIN_WIDTH}, or --format csv or json)`);
  }
  const height = envNumber("LINES") ?? (toScreen ? process.stdout.rows || undefined : undefined);
  return { width, height, paint: painter(options.color, toScreen), unbounded: given === undefined && !toScreen };
}
