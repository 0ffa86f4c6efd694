// The wiring of a second reading thread: a worker reads a later part of a large file into its own
// aggregator (ingest and engine both visible here), and its groups are merged into the main one.
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { InputError, UsageError } from "../core/errors.js";
import type { DateOrder } from "../core/timestamp.js";
import type { AggregatorSpec, SubmissionAggregator } from "../engine/aggregate.js";
import type { Field } from "../ingest/columns.js";
import { ENCODING_SNIFF_BYTES, detectFormat, isGzip, textEncoding } from "../ingest/open.js";
import { SPLIT_MIN_BYTES, type PartReader } from "../ingest/parallel.js";
import type { SyslogFilePart, SyslogPartFindings, SyslogPartReader } from "../ingest/syslog-part.js";
import type { PartJob, PartResult } from "./read-worker.js";
import type { SyslogJob } from "./syslog-worker.js";

const WORKERS = { records: new URL("./read-worker.js", import.meta.url), syslog: new URL("./syslog-worker.js", import.meta.url) };
type ThreadKind = keyof typeof WORKERS;
const COMMANDS_THAT_READ = new Set(["summary", "volume", "tls", "auth", "export", "report"]);

/** A reading thread started before its part is known (see startSpareThread), its kind, and whether it failed to start. */
let spare: { worker: Worker; kind: ThreadKind; failed: boolean } | undefined;

/**
 * Which reading thread a command line will need, if any: one for a file that will be read in two parts
 * (a plain UTF-8 CSV or JSONL file, or a Postfix syslog file, of the split size or more, as readInputs
 * and splitPoint decide), judged from the arguments alone before they are parsed: a glob is not
 * expanded, and a guess may be wrong (see startSpareThread).
 */
export function threadReadingInParts(argv: readonly string[], env: NodeJS.ProcessEnv): ThreadKind | undefined {
  if (env.SMTP_AUTH_REPORT_THREADS === "1" || !COMMANDS_THAT_READ.has(argv[2] ?? "") || argv.some((a) => a === "--strict" || a === "--help" || a === "-h")) return undefined;
  const splitBytes = Number(env.SMTP_AUTH_REPORT_SPLIT_BYTES) || SPLIT_MIN_BYTES;
  const at = argv.findIndex((a) => a === "--input-format" || a.startsWith("--input-format="));
  const forced = at < 0 ? undefined : argv[at]!.includes("=") ? argv[at]!.slice(argv[at]!.indexOf("=") + 1) : argv[at + 1];
  // A syslog file is not split with --year (a part would not know its first line's year), nor on the plain path.
  const syslogSplits = env.SMTP_AUTH_REPORT_PLAIN !== "1" && !argv.some((a) => a === "--year" || a.startsWith("--year="));
  for (let i = 3; i < argv.length; i++) {
    // The output file is not read.
    if (argv[i] === "-o" || argv[i] === "--output") i++;
    else {
      const format = formatReadInParts(argv[i]!, splitBytes, forced);
      if (format === "csv" || format === "jsonl") return "records";
      if (format === "postfix" && syslogSplits) return "syslog";
    }
  }
  return undefined;
}

/**
 * Starts a reading thread at once when the command line names a file that will be read in two parts,
 * so that the thread loads its code while this one loads the program and reads the arguments;
 * threadPartReader or threadSyslogPartReader gives it its part. A thread given no part (a wrong guess,
 * a usage error) is ended by endSpareThread, and does not keep the process alive before.
 */
export function startSpareThread(argv: readonly string[], env: NodeJS.ProcessEnv): void {
  const kind = threadReadingInParts(argv, env);
  if (kind === undefined) return;
  const started = { worker: new Worker(WORKERS[kind]), kind, failed: false };
  started.worker.once("error", () => (started.failed = true));
  started.worker.unref();
  spare = started;
}

/** Ends the spare reading thread if no part was given to it. */
export function endSpareThread(): void {
  void spare?.worker.terminate();
  spare = undefined;
}

/** The format of a path that is a plain UTF-8 file of `splitBytes` or more (which reading may split), else undefined. */
function formatReadInParts(path: string, splitBytes: number, forced: string | undefined): string | undefined {
  let fd: number | undefined;
  try {
    const info = statSync(path);
    if (!info.isFile() || info.size < splitBytes) return undefined;
    fd = openSync(path, "r");
    const head = Buffer.alloc(ENCODING_SNIFF_BYTES);
    const read = head.subarray(0, readSync(fd, head, 0, head.length, 0));
    if (isGzip(read) || textEncoding(read) !== "utf-8") return undefined;
    return forced ?? detectFormat(read.subarray(0, 1 << 16), path);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The spare reading thread when it is of this kind and started well (it is then no longer spare), else a new one. */
function readingThread(kind: ThreadKind): Worker {
  const taken = spare;
  if (taken === undefined || taken.kind !== kind) return new Worker(WORKERS[kind]);
  spare = undefined;
  if (taken.failed) {
    void taken.worker.terminate();
    return new Worker(WORKERS[kind]);
  }
  taken.worker.ref();
  return taken.worker;
}

/**
 * A PartReader whose worker aggregates as each target's spec says, and whose groups are merged into
 * each target's aggregator (one target, or two: the range and its earlier window).
 */
export function threadPartReader(targets: { aggregator: SubmissionAggregator; spec: AggregatorSpec }[], settings: { dateOrder: DateOrder; dateOrderAssumed: boolean; plain: boolean }, maps: Map<Field, string>): PartReader {
  return (part, onBytes) => {
    const job: PartJob = { ...part, specs: targets.map((t) => t.spec), ...settings, maps: [...maps] };
    const worker = readingThread("records");
    worker.postMessage(job);
    const { result, stop } = inWorker<PartResult>(worker, job.source, onBytes);
    return { result: result.then((found) => ({ counts: found.counts, merge: () => targets.forEach((t, i) => t.aggregator.absorb(found.snapshots[i]!)) })), stop };
  };
}

/** A SyslogPartReader whose worker reads the part in the spec's zone (what it found is replayed by the first reader). */
export function threadSyslogPartReader(spec: AggregatorSpec): SyslogPartReader {
  return (part: SyslogFilePart, onBytes) => {
    const job: SyslogJob = { ...part, spec };
    const worker = readingThread("syslog");
    worker.postMessage(job);
    return inWorker<SyslogPartFindings>(worker, job.source, onBytes);
  };
}

/** What a worker given its job posts: its result, the bytes it reports read told to onBytes. */
function inWorker<R>(worker: Worker, source: string, onBytes?: (n: number) => void): { result: Promise<R>; stop: () => void } {
  const result = new Promise<R>((resolve, reject) => {
    worker.on("message", (message: { bytes?: number; result?: R; error?: { name: string; message: string } }) => {
      if (message.bytes !== undefined) {
        // The main thread's check of its memory may stop the reading here too.
        try {
          onBytes?.(message.bytes);
        } catch (error) {
          reject(error as Error);
          void worker.terminate();
        }
        return;
      }
      if (message.result !== undefined) resolve(message.result);
      else reject(message.error?.name === "UsageError" ? new UsageError(message.error.message) : new InputError(message.error?.message ?? "a reading thread failed"));
      void worker.terminate();
    });
    worker.once("error", (error: NodeJS.ErrnoException) => {
      const why = error.code === "ERR_WORKER_OUT_OF_MEMORY" ? "out of memory; ask for fewer groups: a shorter range (--from/--to), a longer --by, or filters" : error.message;
      reject(new InputError(`${source}: a reading thread failed: ${why}`));
    });
  });
  return { result, stop: () => void worker.terminate() };
}
