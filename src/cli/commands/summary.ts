import { Command } from "commander";
import { summarize } from "../../engine/views.js";
import { summaryJson } from "../../render/rows.js";
import { summaryText } from "../../render/summary.js";
import { addCommonOptions, checkFormat, type CommonOptions } from "../options.js";
import { failOnCode, reportSkipped, runQuery } from "../query.js";
import { painter, writeOutput } from "../output.js";

const FORMATS = ["text", "json"] as const;
const TOP_SENDERS = 10;

/** `summary`: Microsoft's widget and flyout: senders, messages, TLS and auth shares, who needs action. */
export function summaryCommand(): Command {
  return addCommonOptions(new Command("summary"))
    .description("senders, messages, TLS versions and auth kinds in the range, and who still needs action")
    .option("--format <format>", "text or json", "text")
    .action(async (files: string[], options: CommonOptions & { format: string }) => {
      const format = checkFormat(options.format, FORMATS, "text", "summary");
      const { aggregate, report } = await runQuery(files, options);
      const summary = summarize(aggregate, options.top ?? TOP_SENDERS);
      const text = format === "json"
        ? summaryJson(aggregate, summary)
        : summaryText(aggregate, summary, painter(options.color, options.output !== undefined));
      await writeOutput(text, options.output);
      process.exitCode = failOnCode(aggregate, options.failOn);
      reportSkipped(report, options.quiet);
    });
}
