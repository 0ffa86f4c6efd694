// The `--compare` option and what summary and report make of the earlier window read beside the range.
import { Option, type Command } from "commander";
import type { Aggregate } from "../engine/aggregate.js";
import { compareWindows, type CompareRequest, type Comparison } from "../engine/compare.js";
import { unusualActivity, type Unusual } from "../engine/unusual.js";
import { parseCompare } from "./query.js";

/** The option `--compare` as commander hands it over. */
export interface CompareOptions {
  compare?: string;
  tz: string;
}

/** Adds `--compare previous|FROM..TO`. */
export function addCompareOption(command: Command): Command {
  return command.addOption(new Option("--compare <window>", "compare with an earlier window: previous (the same length just before the range) or FROM..TO, e.g. 2026-11-02..2026-11-08"));
}

/** The earlier window asked for: `--compare`, else the previous window (the history of unusual activity). */
export function compareRequest(options: CompareOptions): CompareRequest {
  return options.compare === undefined ? { kind: "previous" } : parseCompare(options.compare, options.tz);
}

/** Change over time: the comparison (with `--compare`) and the unusual activity. */
export interface Trends {
  earlier: Aggregate;
  comparison: Comparison | undefined;
  unusual: Unusual[];
}

/** The trends of a range and its earlier window. */
export function trendsOf(aggregate: Aggregate, earlier: Aggregate, compared: boolean): Trends {
  return { earlier, comparison: compared ? compareWindows(aggregate, earlier) : undefined, unusual: unusualActivity(aggregate, earlier) };
}
