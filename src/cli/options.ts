import { Command, InvalidArgumentError, Option } from "commander";
import { UsageError } from "../core/errors.js";
import { PERIOD_UNITS, type PeriodUnit } from "../core/period.js";
import { EARLIEST_YEAR, LATEST_YEAR } from "../core/timestamp.js";
import { INPUT_FORMATS, type InputFormat } from "../ingest/open.js";
import { MIN_WIDTH } from "../render/layout.js";

/** The options every command takes, as commander hands them over. */
export interface CommonOptions {
  tz: string;
  from?: string;
  to?: string;
  all?: boolean;
  by: PeriodUnit;
  domain?: string[];
  sender?: string[];
  tls?: string[];
  auth?: string[];
  clientIp?: string[];
  top?: number;
  output?: string;
  inputFormat?: InputFormat;
  map?: string[];
  /** Undefined when not given: month first is assumed, and said where the dates could be either. */
  dateOrder?: "mdy" | "dmy";
  year?: number;
  strict?: boolean;
  failOn?: "legacy-tls" | "basic-auth" | "any" | "new" | "unusual";
  color: boolean;
  width?: number;
  excelSafe?: boolean;
  quiet?: boolean;
  debug?: boolean;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

function positiveInteger(name: string, min = 1, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(max === Number.MAX_SAFE_INTEGER ? `${name} takes a whole number of at least ${min}` : `${name} takes a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

/** Adds the input, range, filter and output options that every command shares. */
export function addCommonOptions(command: Command): Command {
  return command
    .argument("[files...]", "log files, quoted globs ('logs/*.csv.gz'), or - for standard input; gzip is detected")
    .option("--from <when>", "start: YYYY-MM-DD (whole day), an ISO date-time, today, yesterday, now, -7d, -12h, -2w")
    .option("--to <when>", "end: a YYYY-MM-DD day is included; a date-time is excluded (default: end of the newest record's day)")
    .option("--all", "the whole input instead of the 7 days ending with the newest record")
    .option("--tz <zone>", "IANA time zone of periods, date-only bounds and timestamps without an offset", "UTC")
    .addOption(new Option("--by <period>", "period of the pivots and the export").choices(PERIOD_UNITS).default("day"))
    .option("--domain <domains>", "only these sender domains (repeatable or comma-separated)", collect)
    .option("--sender <pattern>", "only senders matching this pattern, * as wildcard (repeatable)", collect)
    .option("--tls <versions>", "only these TLS versions: TLS1.0, TLS1.1, TLS1.2, TLS1.3, SSL3, SSL2, none, unknown, or legacy", collect)
    .option("--auth <kinds>", "only these auth kinds: basic, oauth, unknown", collect)
    .option("--client-ip <cidr>", "only clients in this address or CIDR block (repeatable)", collect)
    .option("--top <n>", "series in a chart, rows in a table or CSV", positiveInteger("--top"))
    .option("-o, --output <file>", "write to this file (atomically) instead of standard output")
    .addOption(new Option("--input-format <format>", "read every input as this format instead of detecting it").choices(INPUT_FORMATS))
    .option("--map <field=Column>", "read a field from a column of another name, e.g. --map sender='Sender Address' (repeatable)", collect)
    .addOption(new Option("--date-order <order>", "how to read a/b/YYYY dates: mdy (US, the default) or dmy").choices(["mdy", "dmy"]))
    .option("--year <yyyy>", "year of syslog timestamps, which carry none (default: from the file's date)", positiveInteger("--year", EARLIEST_YEAR, LATEST_YEAR))
    .option("--strict", "stop at the first bad record (exit 1) instead of skipping it")
    .addOption(new Option("--fail-on <use>", "exit 3 when the range holds such use (new: a sender newly on legacy TLS or Basic auth, or regressed, against --compare or the previous window; unusual: any unusual activity), 1 when the data cannot tell (output is still written)").choices(["legacy-tls", "basic-auth", "any", "new", "unusual"]))
    .option("--no-color", "no colour, even on a terminal (NO_COLOR is honoured too)")
    .option("--width <columns>", "width of charts and tables (default: the terminal's, or COLUMNS)", positiveInteger("--width", MIN_WIDTH))
    .option("--excel-safe", "prefix CSV cells starting with = + - @ TAB or CR with ' for spreadsheets")
    .option("-q, --quiet", "no progress bar or warning summary on standard error")
    .option("--debug", "show stack traces of errors, and how long reading took");
}

/** Checks an option value against the formats a command offers. */
export function checkFormat<T extends string>(format: string | undefined, allowed: readonly T[], fallback: T, command: string): T {
  if (format === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(format)) {
    throw new UsageError(`${command} --format: '${format}' is not offered; use ${allowed.join(", ")}`);
  }
  return format as T;
}

