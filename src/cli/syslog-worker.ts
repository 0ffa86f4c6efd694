// A worker thread that reads the later part of a large syslog file (Postfix) and posts what it found;
// the main thread reads the first part meanwhile and replays this one after it (PostfixSmtpd.absorbPart).
import { parentPort } from "node:worker_threads";
import { Zone } from "../core/zone.js";
import { createAggregator, type AggregatorSpec } from "../engine/aggregate.js";
import { readSyslogPart } from "../ingest/syslog.js";
import type { SyslogFilePart, SyslogPartFindings } from "../ingest/syslog-part.js";
import { postedBytes } from "./worker-bytes.js";

/** What a worker reads: a part of a file, in the zone of the run's spec (plain data, posted to the thread). */
export interface SyslogJob extends SyslogFilePart {
  spec: AggregatorSpec;
}


async function run(job: SyslogJob): Promise<SyslogPartFindings> {
  const { bytes, flush } = postedBytes(job.path, job.start, job.end);
  // The aggregator only names the part's ids for the reader: nothing is counted into it.
  const found = await readSyslogPart(job.source, bytes, Zone.named(job.spec.timeZone), job.reference, createAggregator(job.spec));
  flush();
  return found;
}

// The thread may be started before its part is known (see startSpareThread): the part comes as a message.
parentPort!.once("message", (job: SyslogJob) => {
  run(job).then(
    (result) => parentPort!.postMessage({ result }, [result.events.buffer, result.sessions.buffer]),
    (error: Error) => parentPort!.postMessage({ error: { name: error.name, message: error.message } }),
  );
});
