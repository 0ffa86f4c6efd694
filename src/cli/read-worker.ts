// A worker thread that reads a later part of a large CSV or JSONL file into its own aggregator and
// posts what it found; the main thread reads the first part meanwhile and absorbs this one.
import { parentPort } from "node:worker_threads";
import { Zone } from "../core/zone.js";
import { createAggregator } from "../engine/aggregate.js";
import { TeeSink } from "../engine/tee-sink.js";
import { readCsv } from "../ingest/csv.js";
import { readJsonl } from "../ingest/jsonl.js";
import { ReadReport } from "../ingest/read-report.js";
import { postedBytes } from "./worker-bytes.js";
import type { DateOrder } from "../core/timestamp.js";
import type { AggregatorSpec, GroupSnapshot } from "../engine/aggregate.js";
import type { Field } from "../ingest/columns.js";
import type { FilePart } from "../ingest/parallel.js";
import type { ReportCounts } from "../ingest/read-report.js";

/** What a worker reads: a part of a file and how (plain data, posted to the thread). */
export interface PartJob extends FilePart {
  /** One aggregator's spec, or two: the range and the earlier window it is compared with. */
  specs: AggregatorSpec[];
  dateOrder: DateOrder;
  dateOrderAssumed: boolean;
  plain: boolean;
  maps: [Field, string][];
}

/** What a worker found. */
export interface PartResult {
  /** One snapshot per spec. */
  snapshots: GroupSnapshot[];
  counts: ReportCounts;
}

async function run(job: PartJob): Promise<PartResult> {
  const aggregators = job.specs.map(createAggregator);
  const aggregator = aggregators.length === 2 ? new TeeSink(aggregators[0]!, aggregators[1]!) : aggregators[0]!;
  const report = new ReadReport(false);
  const settings = { zone: Zone.named(job.specs[0]!.timeZone), dateOrder: job.dateOrder, dateOrderAssumed: job.dateOrderAssumed, plain: job.plain };
  const { bytes, flush } = postedBytes(job.path, job.start, job.end);
  const maps = new Map(job.maps);
  if (job.csv === undefined) await readJsonl(job.source, bytes, maps, settings, report, aggregator, true);
  else await readCsv(job.source, Buffer.alloc(0), bytes, maps, settings, report, aggregator, job.csv);
  flush();
  return { snapshots: aggregators.map((a) => a.snapshot()), counts: report.counts() };
}

// The thread may be started before its part is known (see startSpareThread): the part comes as a message.
parentPort!.once("message", (job: PartJob) => {
  run(job).then(
    (result) => parentPort!.postMessage({ result }, result.snapshots.flatMap((s) => [s.keys.buffer, s.messages.buffer, s.first.buffer, s.last.buffer])),
    (error: Error) => parentPort!.postMessage({ error: { name: error.name, message: error.message } }),
  );
});
