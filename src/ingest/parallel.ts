import { open, stat } from "node:fs/promises";
import { Worker } from "node:worker_threads";
import type { AggregatorSpec, GroupSnapshot } from "../engine/aggregate.js";
import { InputError, UsageError } from "../errors.js";
import type { Field } from "./columns.js";
import { isGzip, textEncoding, type InputSource } from "./open.js";
import type { ReportCounts } from "./read-report.js";
import type { DateOrder } from "./timestamp.js";

/** What a worker reads: a byte range of a file, and how (plain data, posted to the thread). */
export interface PartJob {
  source: string;
  path: string;
  start: number;
  end: number;
  /** The CSV's delimiter and header, or undefined for JSONL. */
  csv?: { delimiter: string; fields: string[] };
  spec: AggregatorSpec;
  dateOrder: DateOrder;
  maps: [Field, string][];
}

/** What a worker found. */
export interface PartResult {
  snapshot: GroupSnapshot;
  counts: ReportCounts;
  lines: number;
}

// Below this size a second thread costs more than it saves.
const SPLIT_MIN_BYTES = 24 * 1024 * 1024;

/** Where a file can be split for a second reader: the start of the first line after its middle. */
export async function splitPoint(source: InputSource): Promise<number | undefined> {
  if (source.path === undefined) return undefined;
  const { size, isFile } = await stat(source.path).then((s) => ({ size: s.size, isFile: s.isFile() }));
  if (!isFile || size < SPLIT_MIN_BYTES) return undefined;
  const file = await open(source.path, "r");
  try {
    // Only plain UTF-8 is read in parts: other encodings (and gzip) are converted as one stream.
    const first = Buffer.alloc(1 << 16);
    const { bytesRead: headBytes } = await file.read(first, 0, first.length, 0);
    const head = first.subarray(0, headBytes);
    if (isGzip(head) || textEncoding(head) !== "utf-8") return undefined;
    const window = Buffer.alloc(1 << 16);
    const middle = Math.floor(size / 2);
    const { bytesRead } = await file.read(window, 0, window.length, middle);
    const newline = window.subarray(0, bytesRead).indexOf(10);
    return newline < 0 ? undefined : middle + newline + 1;
  } finally {
    await file.close();
  }
}

/** Starts a worker thread on a part of a file; the promise settles with what it found. */
export function readPart(job: PartJob, onBytes?: (n: number) => void): { result: Promise<PartResult>; stop: () => void } {
  const worker = new Worker(new URL("./read-worker.js", import.meta.url), { workerData: job });
  const result = new Promise<PartResult>((resolve, reject) => {
    worker.on("message", (message: { bytes?: number; result?: PartResult; error?: { name: string; message: string } }) => {
      if (message.bytes !== undefined) {
        onBytes?.(message.bytes);
        return;
      }
      if (message.result !== undefined) resolve(message.result);
      else reject(message.error?.name === "UsageError" ? new UsageError(message.error.message) : new InputError(message.error?.message ?? "a reading thread failed"));
      void worker.terminate();
    });
    worker.once("error", (error) => reject(new InputError(`${job.source}: a reading thread failed: ${error.message}`)));
  });
  return { result, stop: () => void worker.terminate() };
}
