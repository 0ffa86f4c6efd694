// A worker thread that reads a later part of a large CSV or JSONL file into its own aggregator and
// posts what it found; the main thread reads the first part meanwhile and absorbs this one.
import { parentPort, workerData } from "node:worker_threads";
import { createAggregator } from "../engine/aggregate.js";
import { Zone } from "../engine/zone.js";
import { readCsv } from "./csv.js";
import { readJsonl } from "./jsonl.js";
import { fileBytes } from "./open.js";
import type { PartJob, PartResult } from "./parallel.js";
import { ReadReport } from "./read-report.js";

const job = workerData as PartJob;

async function run(): Promise<PartResult> {
  const aggregator = createAggregator(job.spec);
  const report = new ReadReport(false);
  const settings = { zone: Zone.named(job.spec.timeZone), dateOrder: job.dateOrder };
  // Progress is posted every 16 MB or so.
  let unreported = 0;
  const bytes = fileBytes(job.path, job.start, job.end, undefined, (n) => {
    unreported += n;
    if (unreported >= 1 << 24) {
      parentPort!.postMessage({ bytes: unreported });
      unreported = 0;
    }
  });
  const maps = new Map(job.maps);
  const lines = job.csv === undefined
    ? await readJsonl(job.source, bytes, maps, settings, report, aggregator, true)
    : await readCsv(job.source, Buffer.alloc(0), bytes, maps, settings, report, aggregator, job.csv);
  if (unreported > 0) parentPort!.postMessage({ bytes: unreported });
  return { snapshot: aggregator.snapshot(), counts: report.counts(), lines };
}

run().then(
  (result) => parentPort!.postMessage({ result }, [result.snapshot.keys.buffer, result.snapshot.messages.buffer, result.snapshot.first.buffer, result.snapshot.last.buffer]),
  (error: Error) => parentPort!.postMessage({ error: { name: error.name, message: error.message } }),
);
