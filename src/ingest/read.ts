import { stat } from "node:fs/promises";
import { InputError, UsageError } from "../core/errors.js";
import type { Field } from "./columns.js";
import { csvHeader, readCsv } from "./csv.js";
import { readExchange } from "./exchange.js";
import { readJsonl } from "./jsonl.js";
import { readExim } from "./exim.js";
import { readJournal } from "./journal.js";
import { readSyslog } from "./syslog.js";
import type { ReadSettings } from "./normalize.js";
import { detectFormat, fileBytes, inputBytes, isGzip, isPlainUtf8File, oldestFirst, peek, type InputFormat, type InputSource } from "./open.js";
import { MAX_LINE_BYTES } from "./lines.js";
import { splitPoint, type PartReader } from "./parallel.js";
import { DAY_FIRST_HINT, ReadReport } from "./read-report.js";
import { serverLogRun } from "./server-log-run.js";
import { untoldPostfixFiles } from "./postfix.js";
import type { SyslogPartFindings, SyslogPartReader } from "./syslog-part.js";
import type { SubmissionSink } from "../core/record.js";

/** Everything reading needs besides the inputs. */
export interface ReadOptions extends ReadSettings {
  /** Forced format; detected from each input's content when undefined. */
  format?: InputFormat;
  maps: Map<Field, string>;
  strict: boolean;
  /** Year of classic syslog timestamps, which carry none. */
  year?: number;
  /** The current time, which bounds syslog timestamps read from standard input. */
  now: number;
  /** With it, the later half of a large plain CSV or JSONL file is read by this second reader. */
  readPart?: PartReader;
  /** With it, the later half of a large plain syslog file (Postfix, without --year) is read by this second reader. */
  readSyslogPart?: SyslogPartReader;
  /** The size from which a file is read in two parts (SPLIT_MIN_BYTES unless a test asks for less). */
  splitBytes?: number;
  /** Hears how many bytes were read, for a progress bar. */
  onBytes?: (n: number) => void;
  /** Told each input's name when it has been read in full (its parts merged): what the sink holds from it is known then. */
  afterInput?: (source: string) => void;
}

// Why a CSV (JSONL) input without a TLS or auth column (key) cannot tell it, with the fix.
const NO_COLUMN = {
  csv: { tls: "no TLS column; name one with --map tls_version=COLUMN", auth: "no auth column; name one with --map auth=COLUMN" },
  jsonl: { tls: "no record has a TLS key; name one with --map tls_version=KEY", auth: "no record has an auth key; name one with --map auth=KEY" },
} as const;

// The later part of a syslog file read by a second reader is at most this long: what it finds (about a
// tenth of its size, a submission's numbers each) is held until the first part is read.
const SYSLOG_PART_AT_MOST = 128 * 1024 * 1024;
// The share of a syslog file the second reader takes: it only notes what it finds (PartLog), where the
// first reader counts its own part and then replays the second's (Postfix 1M lines: both readers done
// together at 0.6; at half the first finished 50-70 ms after the second, and the run took 40 ms longer).
const SYSLOG_LATER_SHARE = 0.6;

/**
 * Reads every input in turn, handing each submission to the sink as it is read, and returns what
 * reading found besides: counts, skipped records, unknown spellings.
 */
export async function readInputs(sources: InputSource[], options: ReadOptions, sink: SubmissionSink): Promise<ReadReport> {
  const report = new ReadReport(options.strict);
  // Server logs are read in the order given (a log's rotations oldest first), each carrying on from the one before (see ServerLogRun).
  const run = serverLogRun(sources.length > 1, options.zone.name);
  // Server logs with lines of their programs but no submission or failed login (sessions alone).
  const sessionsOnly: string[] = [];
  for (const source of oldestFirst(sources)) {
    // Bytes are told to onBytes once reading proper starts (a file read in two parts: by its parts).
    let peeked = 0;
    let live = false;
    const { head, all, close } = await peek(inputBytes(source, (n) => (live ? options.onBytes?.(n) : (peeked += n))));
    const counted = (): AsyncGenerator<Buffer> => {
      options.onBytes?.(peeked);
      live = true;
      return firstLineChecked(source.name, all);
    };
    if (head.length === 0) {
      report.empty.push(source.name);
      continue;
    }
    // A plain UTF-8 file is read with readSync into one reused buffer (no stream, no chunk per read, no
    // waits for the thread pool); gzip, other encodings, pipes, standard input and the plain path stream.
    const plainFile = (): AsyncGenerator<Buffer> => !options.plain && source.path !== undefined && isPlainUtf8File(source.path) ? firstLineChecked(source.name, fileBytes(source.path, 0, Infinity, close, options.onBytes)) : counted();
    const before = report.records + report.skipped + report.failedLogins;
    let serverLines = 0;
    const format = options.format ?? detectFormat(head, source.name);
    report.formats.add(format);
    switch (format) {
      case "csv":
      case "jsonl": {
        const split = options.readPart !== undefined && !options.strict && !isGzip(head) ? await splitPoint(source, options.splitBytes) : undefined;
        const header = format === "csv" ? csvHeader(head) : undefined;
        const size = split === undefined ? 0 : (await stat(source.path!)).size;
        let part = split !== undefined && (format === "jsonl" || header !== undefined)
          ? options.readPart!({ source: source.name, path: source.path!, start: split, end: size, csv: header }, options.onBytes)
          : undefined;
        // The part's failure is read below; if the first part fails first, it must not go unhandled.
        part?.result.catch(() => undefined);
        // A CSV's split line may be inside a quoted field (JSON strings hold no line end): the first
        // reader knows when it gets there, and then reads on past the split itself.
        let quoteOpen = (): boolean => false;
        const first = part === undefined ? plainFile() : firstLineChecked(source.name, fileBytes(source.path!, 0, split!, close, options.onBytes));
        const bytes = part === undefined ? first : (async function* () {
          yield* first;
          if (!quoteOpen()) return;
          part!.stop();
          part = undefined;
          yield* fileBytes(source.path!, split!, size, undefined, options.onBytes);
        })();
        try {
          const lines = format === "csv"
            ? await readCsv(source.name, head, bytes, options.maps, options, report, sink, undefined, (open) => (quoteOpen = open))
            : await readJsonl(source.name, bytes, options.maps, options, report, sink);
          if (part !== undefined) {
            const found = await part.result;
            found.merge();
            report.absorb(found.counts, lines);
          }
        } finally {
          part?.stop();
        }
        const tells = report.columnsTell.get(source.name);
        for (const category of ["tls", "auth"] as const) if (tells !== undefined && !tells[category]) report.untoldInput(source.name, category, NO_COLUMN[format][category]);
        break;
      }
      case "postfix": {
        const reference = source.path === undefined ? options.now : (await stat(source.path)).mtimeMs;
        // A large plain file is read in two parts (not with --year: a part would not know its first line's year).
        const split = options.readSyslogPart !== undefined && !options.strict && !options.plain && options.year === undefined && source.path !== undefined && isPlainUtf8File(source.path)
          ? await splitPoint(source, options.splitBytes, SYSLOG_PART_AT_MOST, SYSLOG_LATER_SHARE)
          : undefined;
        if (split === undefined) {
          serverLines = await readSyslog(source.name, plainFile(), options.zone, { year: options.year, reference }, report, sink, run, options.plain);
          break;
        }
        const path = source.path!;
        const size = (await stat(path)).size;
        const part = options.readSyslogPart!({ source: source.name, path, start: split, end: size, reference }, options.onBytes);
        // The part's failure is read below; if the first part fails first, it must not go unhandled.
        part.result.catch(() => undefined);
        let found: SyslogPartFindings | undefined;
        const bytes = (async function* () {
          yield* firstLineChecked(source.name, fileBytes(path, 0, split, close, options.onBytes));
          const result = await part.result;
          if (result.declined) yield* fileBytes(path, split, size, undefined, options.onBytes);
          else found = result;
        })();
        try {
          serverLines = await readSyslog(source.name, bytes, options.zone, { reference }, report, sink, run, false, () => found);
        } finally {
          part.stop();
        }
        break;
      }
      case "journal":
        serverLines = await readJournal(source.name, plainFile(), options.zone, report, sink, run, options.plain);
        break;
      case "exim":
        serverLines = await readExim(source.name, plainFile(), options.zone, report, sink, run, options.plain);
        break;
      case "exchange":
        serverLines = await readExchange(source.name, counted(), report, sink, run);
        break;
    }
    options.afterInput?.(source.name);
    if (report.records + report.skipped + report.failedLogins === before) {
      (serverLines > 0 ? sessionsOnly : report.empty).push(source.name);
      if (options.format !== undefined && serverLines === 0) noteForcedFormat(head, source.name, options.format, report);
    }
  }
  untoldPostfixFiles(run, report);
  // A log of sessions alone (or of lines another input repeats) is part of a run that has submissions.
  if (report.records === 0 && report.failedLogins === 0) report.empty.push(...sessionsOnly);
  const conflict = report.dateOrderConflict();
  if (conflict !== undefined) throw new UsageError(conflict);
  report.noteDateOrder();
  // Inputs that hold no records were read all the same (exit 0, with a note); records that are all bad
  // were not. A log of failed logins alone (a password-guessing burst) is a valid input.
  if (report.records === 0 && report.skipped > 0 && report.failedLogins === 0) {
    const first = report.examples[0];
    const message = `no submission could be read: all ${report.skipped} records were bad${first ? `; first: ${first.source}:${first.line}: ${first.reason}` : ""}`;
    const hint = report.dayFirstHint();
    throw new InputError(hint === undefined || first?.reason.includes(DAY_FIRST_HINT) === true ? message : `${message}; ${hint}`);
  }
  return report;
}

/**
 * The bytes of an input from its start, stopped with an InputError where its first line runs over
 * MAX_LINE_BYTES: a file without line ends, or a header line of megabytes, is no log or CSV (every
 * reader would skip it as one bad line and then find no header, or take the next line for it).
 */
async function* firstLineChecked(source: string, bytes: AsyncGenerator<Buffer>): AsyncGenerator<Buffer> {
  try {
    for (let length = 0; ;) {
      const next = await bytes.next();
      if (next.done) return;
      const chunk = next.value;
      const lf = chunk.indexOf(10);
      const cr = chunk.indexOf(13);
      const end = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
      if (length + (end < 0 ? chunk.length : end) > MAX_LINE_BYTES) {
        throw new InputError(`${source}:1: the first line is longer than ${MAX_LINE_BYTES / (1 << 20)} MiB (no line ends, or not a log/CSV)`);
      }
      yield chunk;
      if (end >= 0) break;
      length += chunk.length;
    }
    yield* bytes;
  } finally {
    await bytes.return(undefined);
  }
}

/** A format forced on an input that yielded nothing: says when its content looks like another format. */
function noteForcedFormat(head: Buffer, source: string, forced: InputFormat, report: ReadReport): void {
  let looks: InputFormat | undefined;
  try {
    looks = detectFormat(head, source);
  } catch {
    return;
  }
  if (looks !== forced) report.note(`${source}: read as ${forced} (--input-format), but its content looks like ${looks}: nothing was read from it; leave --input-format out, or check the file`);
}
