import { parse, type CsvError } from "csv-parse";
import { Readable, pipeline } from "node:stream";
import { InputError } from "../errors.js";
import { Zone } from "../engine/zone.js";
import { resolveColumns, type ColumnMap, type Field } from "./columns.js";
import { normalizeRecord, type ReadSettings } from "./normalize.js";
import type { ReadReport } from "./read-report.js";
import type { SubmissionSink } from "./submission.js";

const DELIMITERS = [",", ";", "\t", "|"] as const;

/** The delimiter of a CSV from its header line: the candidate found most often outside quotes. */
export function detectDelimiter(headerLine: string): string {
  let best: string = ",";
  let bestCount = 0;
  for (const delimiter of DELIMITERS) {
    let count = 0;
    let quoted = false;
    for (const ch of headerLine) {
      if (ch === '"') quoted = !quoted;
      else if (ch === delimiter && !quoted) count++;
    }
    if (count > bestCount) {
      best = delimiter;
      bestCount = count;
    }
  }
  return best;
}

/** The header line of a CSV head and an Excel `sep=X` line before it, if any. */
function headerOf(head: Buffer): { delimiter: string; sepLine: boolean } {
  const lines = head.toString("utf8", 0, Math.min(head.length, 65_536)).replace(/^\uFEFF/, "").split(/\r?\n/);
  const sep = /^sep=(.)\s*$/i.exec(lines[0] ?? "");
  if (sep) return { delimiter: sep[1]!, sepLine: true };
  const header = lines.find((line) => line.trim() !== "") ?? "";
  return { delimiter: detectDelimiter(header), sepLine: false };
}

/** Reads a CSV with a header row into submissions; bad rows are skipped and reported. */
export async function readCsv(
  source: string, head: Buffer, bytes: AsyncGenerator<Buffer>, maps: Map<Field, string>,
  settings: ReadSettings, report: ReadReport, sink: SubmissionSink,
): Promise<void> {
  const { delimiter, sepLine } = headerOf(head);
  const parser = parse({
    delimiter,
    bom: true,
    from_line: sepLine ? 2 : 1,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    info: true,
    on_skip: (error: CsvError | undefined) => {
      const line = Number((error as { lines?: number } | undefined)?.lines ?? 0);
      report.skip(source, line, `broken CSV row (${error?.message.replace(/^Invalid Record: |\s*at line \d+.*$/g, "") ?? "unreadable"})`);
      return undefined;
    },
  });
  pipeline(Readable.from(bytes, { objectMode: false }), parser, () => undefined);
  let columns: ColumnMap | undefined;
  let width = 0;
  let zone = settings.zone;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (columns === undefined) {
        columns = resolveColumns(record, maps, source);
        width = record.length;
        if (columns.timestampInUtc) zone = Zone.named("UTC");
        continue;
      }
      const line = info.lines;
      if (record.length !== width) {
        if (record.every((cell) => cell.trim() === "")) continue;
        if (record.length < width || record.slice(width).some((cell) => cell.trim() !== "")) {
          report.skip(source, line, `${record.length} fields where the header has ${width} (a delimiter inside an unquoted field, or a cut line?)`);
          continue;
        }
      }
      const at = columns.index;
      const submission = normalizeRecord(
        {
          timestamp: record[at.timestamp],
          sender: record[at.sender],
          tls: at.tls_version === undefined ? undefined : record[at.tls_version],
          auth: at.auth === undefined ? undefined : record[at.auth],
          clientIp: at.client_ip === undefined ? undefined : record[at.client_ip],
          messages: at.messages === undefined ? undefined : record[at.messages],
          domain: at.domain === undefined ? undefined : record[at.domain],
        },
        zone, settings, report, source, line,
      );
      if (submission !== undefined) {
        report.records++;
        sink.add(submission);
      }
    }
  } catch (error) {
    parser.destroy();
    if (error instanceof Error && (error.name === "UsageError" || error.name === "InputError")) throw error;
    throw new InputError(`${source}: cannot read as CSV: ${(error as Error).message}`);
  }
  if (columns === undefined) throw new InputError(`${source}: empty: no header row and no records`);
}

/** The fields of one CSV line (RFC 4180 quoting, no line breaks inside fields). */
export function splitCsvLine(line: string, delimiter = ","): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line.charCodeAt(i) === 34) {
      let value = "";
      let j = i + 1;
      for (;;) {
        const quote = line.indexOf('"', j);
        if (quote < 0) {
          value += line.slice(j);
          j = line.length;
          break;
        }
        value += line.slice(j, quote);
        if (line.charCodeAt(quote + 1) === 34) {
          value += '"';
          j = quote + 2;
        } else {
          j = quote + 1;
          break;
        }
      }
      const end = line.indexOf(delimiter, j);
      fields.push(end < 0 ? value + line.slice(j) : value + line.slice(j, end));
      i = end < 0 ? line.length + 1 : end + 1;
    } else {
      const end = line.indexOf(delimiter, i);
      fields.push(end < 0 ? line.slice(i) : line.slice(i, end));
      i = end < 0 ? line.length + 1 : end + 1;
    }
  }
  return fields;
}
