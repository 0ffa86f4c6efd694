import fc from "fast-check";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { describe, expect, it } from "vitest";
import { CsvSplitter } from "../../src/ingest/csv.js";
import { csvDocument } from "../../src/render/csv.js";

/** Field text with what makes CSV hard: delimiters, quotes, line ends, spaces, non-ASCII. */
const field = fc.stringMatching(/^[a-z0-9 ,;"'\n\r\tå€@.=+-]{0,12}$/);

/** The records the fast splitter gives for a document, read line by line as the reader does. */
function split(document: string, delimiter: string): string[][] {
  const records: string[][] = [];
  const splitter = new CsvSplitter(delimiter, { record: (fields) => records.push(fields), broken: (line, reason) => records.push([`broken at ${line}: ${reason}`]) });
  const lines = document.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  lines.forEach((line, i) => splitter.line(line.endsWith("\r") ? line.slice(0, -1) : line, i + 1));
  splitter.end();
  return records;
}

describe("CSV reading: the fast path and csv-parse agree", () => {
  it("on any document csv-stringify can write, with any delimiter", () => {
    fc.assert(
      fc.property(fc.array(fc.array(field, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 20 }), fc.constantFrom(",", ";", "\t", "|"), (rows, delimiter) => {
        // Whole-line blanks are skipped by both readers; line ends inside fields are read as \n.
        const kept = rows.filter((r) => r.join("") !== "" || r.length > 1).map((r) => r.map((f) => f.replace(/\r\n?/g, "\n")));
        const document = stringify(kept, { delimiter, record_delimiter: "unix" });
        const authority = parse(document, { delimiter, relax_column_count: true, skip_empty_lines: true }) as string[][];
        expect(split(document, delimiter)).toEqual(authority);
      }),
      { numRuns: 400 },
    );
  });

  it("on Excel's CRLF documents and quotes inside unquoted fields", () => {
    const document = 'a,b,c\r\n1,"x, y",3\r\n2,5" monitor,4\r\n"multi\r\nline",q,"say ""hi"""\r\n';
    expect(split(document, ",")).toEqual([["a", "b", "c"], ["1", "x, y", "3"], ["2", '5" monitor', "4"], ["multi\nline", "q", 'say "hi"']]);
  });

  it("report an opening quote that is never closed, and read the lines after it", () => {
    expect(split('a,b\n"open,1\n2,3\n4,5\n', ",")).toEqual([["a", "b"], ['broken at 2: broken CSV row (a quote opened here is never closed)'], ["2", "3"], ["4", "5"]]);
  });
});

describe("CSV writing agrees with csv-stringify", () => {
  it("on any cells", () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.oneof(field, fc.nat()), { minLength: 2, maxLength: 2 }), { maxLength: 20 }), (rows) => {
        const ours = csvDocument({ header: ["a", "b"], rows }, false);
        expect(ours).toBe(stringify([["a", "b"], ...rows], { record_delimiter: "unix", quoted_match: /\r/ }));
      }),
      { numRuns: 400 },
    );
  });
});
