// The wiring of a second reading thread: a worker reads a later part of a large file into its own
// aggregator (ingest and engine both visible here), and its groups are merged into the main one.
import { Worker } from "node:worker_threads";
import { InputError, UsageError } from "../core/errors.js";
import type { DateOrder } from "../core/timestamp.js";
import type { AggregatorSpec, SubmissionAggregator } from "../engine/aggregate.js";
import type { Field } from "../ingest/columns.js";
import type { PartReader } from "../ingest/parallel.js";
import type { SyslogFilePart, SyslogPartFindings, SyslogPartReader } from "../ingest/syslog-part.js";
import type { PartJob, PartResult } from "./read-worker.js";
import type { SyslogJob } from "./syslog-worker.js";

/**
 * A PartReader whose worker aggregates as each target's spec says, and whose groups are merged into
 * each target's aggregator (one target, or two: the range and its earlier window).
 */
export function threadPartReader(targets: { aggregator: SubmissionAggregator; spec: AggregatorSpec }[], settings: { dateOrder: DateOrder; dateOrderAssumed: boolean; plain: boolean }, maps: Map<Field, string>): PartReader {
  return (part, onBytes) => {
    const job: PartJob = { ...part, specs: targets.map((t) => t.spec), ...settings, maps: [...maps] };
    const { result, stop } = inWorker<PartResult>("./read-worker.js", job, job.source, onBytes);
    return { result: result.then((found) => ({ counts: found.counts, merge: () => targets.forEach((t, i) => t.aggregator.absorb(found.snapshots[i]!)) })), stop };
  };
}

/** A SyslogPartReader whose worker reads the part in the spec's zone (what it found is replayed by the first reader). */
export function threadSyslogPartReader(spec: AggregatorSpec): SyslogPartReader {
  return (part: SyslogFilePart, onBytes) => {
    const job: SyslogJob = { ...part, spec };
    return inWorker<SyslogPartFindings>("./syslog-worker.js", job, job.source, onBytes);
  };
}

/** Runs a worker script on a job: its result, the bytes it reports read told to onBytes. */
function inWorker<R>(script: string, job: object, source: string, onBytes?: (n: number) => void): { result: Promise<R>; stop: () => void } {
  const worker = new Worker(new URL(script, import.meta.url), { workerData: job });
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
