// The query step every command shares: read the inputs into one aggregate for the range and
// filters asked (a second thread for large files), then say on stderr what the output cannot.
import { UsageError } from "../core/errors.js";
import { AUTH_KINDS, TLS_VERSIONS } from "../core/record.js";
import { Zone } from "../core/zone.js";
import { createAggregator, type Aggregate, type AggregatorSpec } from "../engine/aggregate.js";
import { earlierBounds, earlierWindow, type CompareRequest } from "../engine/compare.js";
import { checkRangeOrder, resolveBound, type RangeRequest } from "../engine/range.js";
import { TeeSink } from "../engine/tee-sink.js";
import { needsAction } from "../engine/views.js";
import { parseColumnMaps } from "../ingest/columns.js";
import { expandInputs } from "../ingest/open.js";
import { readInputs } from "../ingest/read.js";
import type { ReadReport } from "../ingest/read-report.js";
import { escapeTerminal, rangeText, thousands } from "../render/text.js";
import type { CommonOptions } from "./options.js";
import { progressFor } from "./progress.js";
import { threadPartReader } from "./read-parts.js";

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
  /** The earlier window (when asked for), read in the same pass. */
  earlier?: Aggregate;
}

/**
 * Reads `--compare FROM..TO` (or `previous`) into a request; a bound is read as `--from`/`--to` are.
 */
export function parseCompare(text: string, tz: string): CompareRequest {
  if (text.trim().toLowerCase() === "previous") return { kind: "previous" };
  const cut = text.indexOf("..");
  if (cut < 0) throw new UsageError(`--compare: '${text}' is neither previous nor FROM..TO (e.g. 2026-11-02..2026-11-08)`);
  const zone = Zone.named(tz);
  const now = currentTime();
  const fromText = text.slice(0, cut).trim();
  const toText = text.slice(cut + 2).trim();
  const from = resolveBound(fromText, "from", zone, now);
  const to = resolveBound(toText, "to", zone, now);
  checkRangeOrder({ text: fromText, at: from }, { text: toText, at: to });
  return { kind: "window", from, to };
}

/**
 * Opens the inputs, reads them into one aggregate for the range and filters given; with `compare`,
 * the earlier window too, in the same pass (a second aggregator fed the same records).
 */
export async function runQuery(files: string[], options: CommonOptions, compare?: CompareRequest): Promise<QueryResult> {
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
  const request: RangeRequest = { from, to, all: options.all === true };
  const earlierSpec: AggregatorSpec | undefined = compare === undefined ? undefined : { ...spec, ...earlierBounds(compare, request, zone), all: false };
  const earlierAggregator = earlierSpec === undefined ? undefined : createAggregator(earlierSpec);
  const targets = [{ aggregator, spec }, ...(earlierAggregator === undefined ? [] : [{ aggregator: earlierAggregator, spec: earlierSpec! }])];
  const maps = parseColumnMaps(options.map ?? []);
  const sources = await expandInputs(files, process.stdin.isTTY === true);
  const progress = await progressFor(sources, options.quiet === true);
  // SMTP_AUTH_REPORT_PLAIN=1 reads every record the general way, none from its bytes (to rule the fast paths out).
  const plain = process.env.SMTP_AUTH_REPORT_PLAIN === "1";
  const started = performance.now();
  const report = await readInputs(
    sources,
    { zone, dateOrder: options.dateOrder, plain, format: options.inputFormat, maps, strict: options.strict === true, year: options.year, now,
      // SMTP_AUTH_REPORT_THREADS=1 reads every file in one piece (a second thread is used for large files).
      readPart: process.env.SMTP_AUTH_REPORT_THREADS === "1" ? undefined : threadPartReader(targets, { dateOrder: options.dateOrder, plain }, maps), onBytes: (n) => progress.advance(n),
      // Tests split small files with SMTP_AUTH_REPORT_SPLIT_BYTES (the default is 24 MiB).
      splitBytes: Number(process.env.SMTP_AUTH_REPORT_SPLIT_BYTES) || undefined },
    earlierAggregator === undefined ? aggregator : new TeeSink(aggregator, earlierAggregator),
  ).finally(() => progress.stop());
  const read = performance.now();
  const aggregate = aggregator.finish();
  if (options.debug) {
    const seconds = (read - started) / 1000;
    process.stderr.write(`smtp-auth-report: debug: read ${thousands(report.records)} records in ${seconds.toFixed(2)} s (${thousands(report.records / seconds)}/s); ${thousands(aggregate.columns.size)} groups in ${((performance.now() - read) / 1000).toFixed(2)} s\n`);
  }
  const earlier = earlierAggregator?.finish(earlierWindow(compare!, request, aggregate.range, options.by));
  return { aggregate, report, earlier };
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
