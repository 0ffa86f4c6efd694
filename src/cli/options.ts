import { Command, InvalidArgumentError, Option } from "commander";
import { UsageError } from "../errors.js";
import { createAggregator, type Aggregate, type AggregatorSpec } from "../engine/aggregate.js";
import { PERIOD_UNITS, type PeriodUnit } from "../engine/period.js";
import { checkRangeOrder, resolveBound } from "../engine/range.js";
import { needsAction } from "../engine/views.js";
import { Zone } from "../engine/zone.js";
import { parseColumnMaps } from "../ingest/columns.js";
import { AUTH_KINDS, TLS_VERSIONS } from "../ingest/submission.js";
import { expandInputs, INPUT_FORMATS, type InputFormat } from "../ingest/open.js";
import { readInputs } from "../ingest/read.js";
import { progressFor } from "./progress.js";
import type { ReadReport } from "../ingest/read-report.js";
import { escapeTerminal, rangeText, thousands } from "../render/text.js";

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
  dateOrder: "mdy" | "dmy";
  year?: number;
  strict?: boolean;
  failOn?: "legacy-tls" | "basic-auth" | "any";
  color: boolean;
  width?: number;
  excelSafe?: boolean;
  quiet?: boolean;
  debug?: boolean;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

function positiveInteger(name: string, min = 1) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} takes a whole number of at least ${min}`);
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
    .addOption(new Option("--date-order <order>", "how to read a/b/YYYY dates: mdy (US) or dmy").choices(["mdy", "dmy"]).default("mdy"))
    .option("--year <yyyy>", "year of syslog timestamps, which carry none (default: from the file's date)", positiveInteger("--year", 2000))
    .option("--strict", "stop at the first bad record (exit 1) instead of skipping it")
    .addOption(new Option("--fail-on <use>", "exit 3 when the range holds such use (output is still written)").choices(["legacy-tls", "basic-auth", "any"]))
    .option("--no-color", "no colour, even on a terminal (NO_COLOR is honoured too)")
    .option("--width <columns>", "width of charts and tables (default: the terminal's, or COLUMNS)", positiveInteger("--width", 40))
    .option("--excel-safe", "prefix CSV cells starting with = + - @ with ' for spreadsheets")
    .option("-q, --quiet", "no progress bar or warning summary on standard error")
    .option("--debug", "show stack traces of errors, and how long reading took");
}

/** The instant the tool treats as now (SMTP_AUTH_REPORT_NOW pins it for reproducible runs). */
export function currentTime(): number {
  const pinned = process.env.SMTP_AUTH_REPORT_NOW;
  if (pinned !== undefined && pinned !== "") {
    const t = Date.parse(pinned);
    if (Number.isNaN(t)) throw new UsageError(`SMTP_AUTH_REPORT_NOW: '${pinned}' is not an ISO date-time`);
    return t;
  }
  return Date.now();
}

/** What a command has to render: the aggregate and what reading found. */
export interface QueryResult {
  aggregate: Aggregate;
  report: ReadReport;
}

/** Opens the inputs, reads them into one aggregate for the range and filters given. */
export async function runQuery(files: string[], options: CommonOptions): Promise<QueryResult> {
  const zone = Zone.named(options.tz);
  const now = currentTime();
  const from = options.from === undefined ? undefined : resolveBound(options.from, "from", zone, now);
  const to = options.to === undefined ? undefined : resolveBound(options.to, "to", zone, now);
  checkRangeOrder(from === undefined ? undefined : { text: options.from!, at: from }, to === undefined ? undefined : { text: options.to!, at: to });
  const spec: AggregatorSpec = {
    timeZone: zone.name, by: options.by, from, to, all: options.all === true,
    filters: { domains: options.domain ?? [], senders: options.sender ?? [], tls: options.tls ?? [], auth: options.auth ?? [], clientIps: options.clientIp ?? [] },
  };
  const aggregator = createAggregator(spec);
  const maps = parseColumnMaps(options.map ?? []);
  const sources = await expandInputs(files, process.stdin.isTTY === true);
  const progress = await progressFor(sources, options.quiet === true);
  const started = performance.now();
  const report = await readInputs(
    sources,
    { zone, dateOrder: options.dateOrder, format: options.inputFormat, maps, strict: options.strict === true, year: options.year, now,
      // SMTP_AUTH_REPORT_THREADS=1 reads every file in one piece (a second thread is used for large files).
      spec: process.env.SMTP_AUTH_REPORT_THREADS === "1" ? undefined : spec, onBytes: (n) => progress.advance(n) },
    aggregator,
  ).finally(() => progress.stop());
  const read = performance.now();
  const aggregate = aggregator.finish();
  if (options.debug) {
    const seconds = (read - started) / 1000;
    process.stderr.write(`smtp-auth-report: debug: read ${thousands(report.records)} records in ${seconds.toFixed(2)} s (${thousands(report.records / seconds)}/s); ${thousands(aggregate.columns.size)} groups in ${((performance.now() - read) / 1000).toFixed(2)} s\n`);
  }
  return { aggregate, report };
}

/** The exit code `--fail-on` asks for (3 when the range holds such use), with its reason on stderr. */
export function failOnCode(aggregate: Aggregate, failOn: CommonOptions["failOn"]): number {
  if (failOn === undefined) return 0;
  // Read from the columns: group objects are not needed (an export may have millions).
  const legacy = TLS_VERSIONS.map((v) => failOn !== "basic-auth" && needsAction("tls", v));
  const basic = AUTH_KINDS.map((v) => failOn !== "legacy-tls" && needsAction("auth", v));
  const c = aggregate.columns;
  const senders = new Set<string>();
  for (let i = 0; i < c.size; i++) {
    if (legacy[c.tls[i]!] || basic[c.auth[i]!]) senders.add(c.senders[c.sender[i]!]!);
  }
  if (senders.size === 0) return 0;
  const what = failOn === "legacy-tls" ? "legacy TLS" : failOn === "basic-auth" ? "Basic auth" : "legacy TLS or Basic auth";
  process.stderr.write(`smtp-auth-report: --fail-on ${failOn}: ${thousands(senders.size)} ${senders.size === 1 ? "sender" : "senders"} used ${what} in the range\n`);
  return 3;
}

/** Says on stderr that the range holds no submissions, for outputs that cannot say it themselves (CSV, JSON). */
export function noteEmptyRange(aggregate: Aggregate, quiet: boolean | undefined): void {
  if (quiet || aggregate.columns.size > 0) return;
  process.stderr.write(`smtp-auth-report: no submissions from ${rangeText(aggregate.range)} with these filters; the output has its header only\n`);
}

/** Prints the one-line summary of skipped records and unknown spellings on stderr, last. */
export function reportSkipped(report: ReadReport, quiet: boolean | undefined): void {
  if (quiet) return;
  const parts: string[] = [];
  if (report.skipped > 0) {
    const seen = report.records + report.skipped;
    const first = report.examples.map((e) => `${e.source}:${e.line}: ${e.reason}`).join("; ");
    parts.push(`skipped ${thousands(report.skipped)} of ${thousands(seen)} records; first: ${first}`);
  }
  if (report.unknownTls > 0) {
    const first = report.unknownTlsExamples.map((e) => `${e.source}:${e.line}: ${e.reason}`).join("; ");
    parts.push(`${thousands(report.unknownTls)} TLS versions not recognised, counted as unknown; first: ${first}`);
  }
  if (parts.length > 0) process.stderr.write(`smtp-auth-report: warning: ${escapeTerminal(parts.join(" | "))}\n`);
}

/** Checks an option value against the formats a command offers. */
export function checkFormat<T extends string>(format: string | undefined, allowed: readonly T[], fallback: T, command: string): T {
  if (format === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(format)) {
    throw new UsageError(`${command} --format: '${format}' is not offered; use ${allowed.join(", ")}`);
  }
  return format as T;
}

