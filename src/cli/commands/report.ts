import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Command } from "commander";
import { UsageError } from "../../core/errors.js";
import { summarize } from "../../engine/views.js";
import { addCommonOptions, type CommonOptions } from "../options.js";
import { currentTime, concludeWith, runQuery } from "../query.js";
import { outputsToTerminal } from "../output.js";
import { addCompareOption, compareRequest, type CompareOptions } from "../trends.js";

/** Chart.js's browser build, to be inlined into the page (read from the installed package). */
function chartLibrary(): string {
  // The package exports only its module builds; the browser build sits beside them in dist/.
  return readFileSync(join(dirname(createRequire(import.meta.url).resolve("chart.js")), "chart.umd.min.js"), "utf8");
}

/** `report`: one self-contained HTML page with the figures, the three charts and the details tables. */
export function reportCommand(): Command {
  return addCompareOption(addCommonOptions(new Command("report")))
    .description("a self-contained HTML page (no network needed to view it): figures, charts, details tables, who needs action, migration progress and unusual activity")
    .action(async (files: string[], options: CommonOptions & CompareOptions) => {
      if (outputsToTerminal(options.output)) {
        throw new UsageError("report writes an HTML page: give --output report.html (or redirect standard output)");
      }
      const query = await runQuery(files, options, compareRequest(options));
      const { aggregate } = query;
      const trends = query.trends!;
      const comparison = options.compare === undefined ? undefined : trends.comparison;
      // The page's writer is loaded only here: other commands start without it.
      const { reportHtml } = await import("../../render/html.js");
      const page = reportHtml(aggregate, summarize(aggregate, 10, query.untold, query.partlyTold), { inputs: files.length > 0 ? files : ["stdin"], generatedAt: currentTime(), chartLibrary: chartLibrary(), trends: { earlier: trends.earlier, unusual: trends.unusual, comparison } });
      await concludeWith(page, query, options, "text");
    });
}
