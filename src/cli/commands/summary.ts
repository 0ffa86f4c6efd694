import { Command } from "commander";
import { summarize } from "../../engine/views.js";
import { summaryJson } from "../../render/rows.js";
import { addCommonOptions, checkFormat, type CommonOptions } from "../options.js";
import { concludeWith, runQuery } from "../query.js";
import { terminalFor } from "../terminal.js";
import { addCompareOption, compareRequest, type CompareOptions } from "../trends.js";

const FORMATS = ["text", "json"] as const;
const TOP_SENDERS = 10;

/** `summary`: Microsoft's widget and flyout: senders, messages, TLS and auth shares, who needs action, what changed. */
export function summaryCommand(): Command {
  return addCompareOption(addCommonOptions(new Command("summary")))
    .description("senders, messages, TLS versions and auth kinds in the range, who still needs action, and unusual activity")
    .option("--format <format>", "text or json", "text")
    .action(async (files: string[], options: CommonOptions & CompareOptions & { format: string }) => {
      const format = checkFormat(options.format, FORMATS, "text", "summary");
      const query = await runQuery(files, options, compareRequest(options));
      const { aggregate } = query;
      const trends = query.trends!;
      const comparison = options.compare === undefined ? undefined : trends.comparison;
      const summary = summarize(aggregate, options.top ?? TOP_SENDERS, query.untold, query.partlyTold);
      const terminal = format === "json" ? undefined : terminalFor(options);
      // The summary's writers are loaded only here: other commands start without them.
      const [{ summaryText }, { comparisonText, compareJson, unusualJson, unusualText }] = await Promise.all([import("../../render/summary.js"), import("../../render/trends.js")]);
      const text = format === "json"
        ? summaryJson(aggregate, summary, { unusual: unusualJson(trends.unusual), ...(comparison === undefined ? {} : { compare: compareJson(comparison) }) })
        : summaryText(aggregate, summary, terminal!) + (comparison === undefined ? "" : comparisonText(comparison, terminal!)) + unusualText(trends.unusual, trends.earlier, aggregate, terminal!);
      await concludeWith(text, query, options, format);
    });
}
