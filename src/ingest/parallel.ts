import { open, stat } from "node:fs/promises";
import { ENCODING_SNIFF_BYTES, isGzip, textEncoding, type InputSource } from "./open.js";
import type { ReportCounts } from "./read-report.js";

/** A later byte range of a large plain CSV or JSONL file, for a second reader (a worker thread). */
export interface FilePart {
  source: string;
  path: string;
  start: number;
  end: number;
  /** The CSV's delimiter and header, or undefined for JSONL. */
  csv?: { delimiter: string; fields: string[] };
}

/** What a second reader found, to be merged into the sink once the first part has been read. */
export interface PartFindings {
  counts: ReportCounts;
  /** Adds the part's submissions to the sink the first part was read into. */
  merge(): void;
}

/**
 * Reads a FilePart elsewhere. Reading does not know how (it is the caller's wiring of threads and
 * aggregates); it only starts the part, reads the first part itself, then merges.
 */
export type PartReader = (part: FilePart, onBytes?: (n: number) => void) => { result: Promise<PartFindings>; stop: () => void };

/** Below this size a second thread costs more than it saves. */
export const SPLIT_MIN_BYTES = 24 * 1024 * 1024;

/**
 * Where a file of `minBytes` or more can be split for a second reader: the start of the first line
 * that leaves the later reader `laterShare` of the file (half: both readers do the same work), or its
 * last `laterAtMost` bytes when that is less (a reader that holds what its part found until the first
 * part is read keeps its memory bounded so). For a CSV that line may still be inside a quoted field:
 * the first reader tells at the split (see readInputs), and reads on itself when it is.
 */
export async function splitPoint(source: InputSource, minBytes = SPLIT_MIN_BYTES, laterAtMost = Infinity, laterShare = 0.5): Promise<number | undefined> {
  if (source.path === undefined) return undefined;
  const { size, isFile } = await stat(source.path).then((s) => ({ size: s.size, isFile: s.isFile() }));
  if (!isFile || size < minBytes) return undefined;
  const file = await open(source.path, "r");
  try {
    // Only plain UTF-8 is read in parts: other encodings (and gzip) are converted as one stream.
    const first = Buffer.alloc(ENCODING_SNIFF_BYTES);
    const { bytesRead: headBytes } = await file.read(first, 0, first.length, 0);
    const head = first.subarray(0, headBytes);
    if (isGzip(head) || textEncoding(head) !== "utf-8") return undefined;
    const window = Buffer.alloc(1 << 16);
    const middle = Math.max(Math.floor(size * (1 - laterShare)), size - laterAtMost);
    const { bytesRead } = await file.read(window, 0, window.length, middle);
    const newline = window.subarray(0, bytesRead).indexOf(10);
    return newline < 0 ? undefined : middle + newline + 1;
  } finally {
    await file.close();
  }
}
