import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { UsageError } from "../errors.js";
import { resolveColumns, type ColumnMap, type Field } from "./columns.js";
import { RecordNormalizer, type RawValue, type ReadSettings } from "./normalize.js";
import type { ReadReport } from "./read-report.js";
import type { SubmissionSink } from "./submission.js";

/** Reads one JSON object per line into submissions; keys are matched as CSV column names are. */
export async function readJsonl(
  source: string, bytes: AsyncGenerator<Buffer>, maps: Map<Field, string>,
  settings: ReadSettings, report: ReadReport, sink: SubmissionSink,
): Promise<void> {
  const lines = createInterface({ input: Readable.from(bytes, { objectMode: false }), crlfDelay: Infinity });
  // Objects of one shape share a column map; a new shape is resolved once.
  const mapsByShape = new Map<string, ColumnMap | string>();
  const normalizer = new RecordNormalizer(sink, report, settings, source);
  let firstShape = true;
  let lineNumber = 0;
  for await (const rawLine of lines) {
    lineNumber++;
    const line = lineNumber === 1 ? rawLine.replace(/^\uFEFF/, "") : rawLine;
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      report.skip(source, lineNumber, `invalid JSON (${(error as Error).message.replace(/ in JSON at position.*$/, "")})`);
      continue;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      report.skip(source, lineNumber, "not a JSON object");
      continue;
    }
    const object = value as Record<string, RawValue>;
    const keys = Object.keys(object);
    const shape = keys.join("\u0000");
    let columns = mapsByShape.get(shape);
    if (columns === undefined) {
      try {
        columns = resolveColumns(keys, maps, source);
      } catch (error) {
        // The first object's keys name the fields as a CSV header does; later odd objects are bad records.
        if (firstShape) throw error;
        columns = error instanceof UsageError ? "no timestamp or sender key" : String(error);
      }
      mapsByShape.set(shape, columns);
    }
    firstShape = false;
    if (typeof columns === "string") {
      report.skip(source, lineNumber, columns);
      continue;
    }
    const at = columns.index;
    const get = (i: number | undefined): RawValue => (i === undefined ? undefined : object[keys[i]!]);
    normalizer.accept(lineNumber, settings.zone, get(at.timestamp), get(at.sender), get(at.tls_version), get(at.auth), get(at.client_ip), get(at.messages), get(at.domain));
  }
}
