// The `--compare` option of summary and report, and the help text on change over time.
import { Option, type Command } from "commander";
import type { CompareRequest } from "../engine/compare.js";
import { BURST_EXTRA, BURST_FACTOR, BURST_HISTORY, FAILURES_BEFORE_LOGIN } from "../engine/unusual.js";
import { parseCompare } from "./query.js";

/** The option `--compare` as commander hands it over. */
export interface CompareOptions {
  compare?: string;
  tz: string;
}

const TRENDS_HELP = `
Change over time:
  --compare puts each sender on legacy TLS or Basic auth in either window in one class: new (first seen
  now), regressed (a problem it did not have before), fixed (clean now, still sending), quiet (no mail
  now), still.
  Unusual activity is judged against each sender's history (the earlier window: --compare, else the
  previous one; and the range's other periods):
    burst                 a period with at least ${BURST_FACTOR} times the sender's median messages and ${BURST_EXTRA} more
                          (median over at least ${BURST_HISTORY} other periods with mail)
    new_address           a login from a /24 (IPv6: /64) never seen for the sender before
    login_after_failures  a login from an address with at least ${FAILURES_BEFORE_LOGIN} failed logins in one day before it`;

/** Adds `--compare previous|FROM..TO`, and the thresholds of unusual activity to the help. */
export function addCompareOption(command: Command): Command {
  return command
    .addOption(new Option("--compare <window>", "compare with an earlier window: previous (the same length just before the range) or FROM..TO, e.g. 2026-11-02..2026-11-08"))
    .addHelpText("after", TRENDS_HELP);
}

/** The earlier window asked for: `--compare`, else the previous window (the history of unusual activity). */
export function compareRequest(options: CompareOptions): CompareRequest {
  return options.compare === undefined ? { kind: "previous" } : parseCompare(options.compare, options.tz);
}
