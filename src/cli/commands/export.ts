import { Command } from "commander";
import { csvChunks, rowObjects } from "../../render/csv.js";
import { exportCsv, exportTable } from "../../render/rows.js";
import { addCommonOptions, checkFormat, type CommonOptions } from "../options.js";
import { concludeWith, runQuery } from "../query.js";
import { outputsToTerminal } from "../output.js";

const FORMATS = ["csv", "jsonl"] as const;

function* jsonLines(objects: Iterable<object>): Generator<string> {
  let chunk = "";
  for (const object of objects) {
    chunk += `${JSON.stringify(object)}\n`;
    if (chunk.length > 1 << 16) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk !== "") yield chunk;
}

/** `export`: the detailed report, one row per period, sender, TLS version, auth kind and client IP. */
export function exportCommand(): Command {
  return addCommonOptions(new Command("export"))
    .description("the detailed report as CSV (or JSONL), for cron jobs and spreadsheets")
    .option("--format <format>", "csv or jsonl", "csv")
    .action(async (files: string[], options: CommonOptions & { format: string }) => {
      const format = checkFormat(options.format, FORMATS, "csv", "export");
      const query = await runQuery(files, options);
      const { aggregate } = query;
      // JSON escapes control characters itself (writeOutput the invisible ones); CSV shown on a terminal has them escaped.
      const terminal = outputsToTerminal(options.output);
      // --top keeps the rows of the N senders with the most messages (the plain path: a short export).
      const text = format === "jsonl" ? jsonLines(rowObjects(exportTable(aggregate, options.top)))
        : options.top === undefined ? exportCsv(aggregate, options.excelSafe === true, terminal, true) : csvChunks(exportTable(aggregate, options.top), options.excelSafe === true, terminal);
      await concludeWith(text, query, options, format);
    });
}
