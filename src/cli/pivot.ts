import { Command, Option } from "commander";
import { UsageError } from "../core/errors.js";
import type { Aggregate } from "../engine/aggregate.js";
import type { FilterOptions } from "../engine/filter.js";
import type { Category, Untold } from "../engine/views.js";
import type { Metric, Terminal } from "../render/chart.js";
import { csvDocument, type Rows } from "../render/csv.js";
import { categoryDetailsTable, categorySendersTable, categoryTable, viewJson, volumeDetailsTable, volumeTable } from "../render/rows.js";
import { wrapText } from "../render/layout.js";
import { escapeTerminal, notAllClearText } from "../render/text.js";
import { addCommonOptions, checkFormat, type CommonOptions } from "./options.js";
import { concludeWith, runQuery } from "./query.js";
import { outputsToTerminal } from "./output.js";
import { terminalFor } from "./terminal.js";

const FORMATS = ["chart", "table", "csv", "json"] as const;
type PivotFormat = (typeof FORMATS)[number];

/** The options of the pivot commands on top of the common ones. */
interface PivotOptions extends CommonOptions {
  format?: string;
  details?: boolean;
  metric?: Metric;
}

/** The charts and tables, loaded when a pivot command draws one (other commands start without them). */
type Drawings = typeof import("../render/pivots.js");
const drawings = (): Promise<Drawings> => import("../render/pivots.js");

/** One pivot view: what it renders for each format, with or without `--details` (charts and tables from the drawings). */
interface PivotView {
  /** `untold`: what the range cannot tell, with the reason (a share of it is n/a). */
  chart(aggregate: Aggregate, options: PivotOptions, terminal: Terminal, draw: Drawings, untold: Untold): string;
  table(aggregate: Aggregate, options: PivotOptions, terminal: Terminal, draw: Drawings): string;
  rows(aggregate: Aggregate, options: PivotOptions): Rows;
  detailsTable(aggregate: Aggregate, options: PivotOptions, terminal: Terminal, draw: Drawings): string;
  detailsRows(aggregate: Aggregate, options: PivotOptions): Rows;
}

/** The views of `volume`. */
export const VOLUME_VIEW: PivotView = {
  chart: (a, o, t, draw) => draw.volumeChart(a, o.top, t),
  table: (a, o, t, draw) => draw.volumePeriodTable(a, o.top, t),
  rows: (a, o) => volumeTable(a, o.top),
  detailsTable: (a, o, t, draw) => draw.volumeDetailsText(a, o.top, t),
  detailsRows: (a, o) => volumeDetailsTable(a, o.top),
};

/** The views of `tls` and `auth`. */
export function categoryView(category: Category): PivotView {
  return {
    chart: (a, o, t, draw, untold) => draw.categoryChart(a, category, o.metric ?? "percent", o.top, t, untold),
    table: (a, o, t, draw) => draw.categoryPeriodTable(a, category, o.metric ?? "percent", o.top, t),
    rows: (a, o) => (o.metric === "senders" ? categorySendersTable(a, category, o.top) : categoryTable(a, category, o.top)),
    detailsTable: (a, o, t, draw) => draw.categoryDetailsText(a, category, o.top, t),
    detailsRows: (a, o) => categoryDetailsTable(a, category, o.top),
  };
}

/** A pivot command (`volume`, `tls`, `auth`): chart, table, CSV or JSON, with or without `--details`. */
export function pivotCommand(name: string, description: string, view: PivotView, withMetric: boolean): Command {
  const command = addCommonOptions(new Command(name))
    .description(description)
    .option("--format <format>", "chart, table, csv or json (default: chart, or table with --details)")
    .option("--details", "one row per sender instead of one line per series");
  if (withMetric) {
    command.addOption(new Option("--metric <metric>", "what the chart, table, CSV and JSON show per period: percent (share of messages), messages, or senders (distinct senders: the migration's burndown)").choices(["percent", "messages", "senders"]).default("percent"));
  }
  return command.action(async (files: string[], options: PivotOptions) => {
    const format: PivotFormat = checkFormat(options.format, FORMATS, options.details ? "table" : "chart", name);
    if (options.details && format === "chart") throw new UsageError(`${name} --details is a table; use --format table, csv or json`);
    const query = await runQuery(files, options);
    const { aggregate } = query;
    let text: string;
    if (format === "csv" || format === "json") {
      const rows = options.details ? view.detailsRows(aggregate, options) : view.rows(aggregate, options);
      text = format === "csv" ? csvDocument(rows, options.excelSafe === true, outputsToTerminal(options.output)) : viewJson(aggregate, rows);
    } else {
      const terminal = terminalFor(options);
      const draw = await drawings();
      if (options.details) text = view.detailsTable(aggregate, options, terminal, draw);
      else text = format === "chart" ? view.chart(aggregate, options, terminal, draw, query.untold) : view.table(aggregate, options, terminal, draw);
      // A chart or table of zeros must not read as a quiet week when the input does not reach the range.
      text += notAllClearText(aggregate, terminal.width) + untoldFilterText(query.untold, aggregate.filters, name, terminal.width);
    }
    await concludeWith(text, query, options, format === "chart" || format === "table" ? "text" : format);
  });
}

/**
 * A --tls (--auth) filter on a dimension the input cannot tell selects nothing for that reason: said
 * under the other views, as the view of that dimension says it under its chart (review 11: `volume
 * --auth basic` of an input without auth showed only "no submissions with these filters").
 */
function untoldFilterText(untold: Untold, filters: FilterOptions, view: string, width: number): string {
  const lines = (["tls", "auth"] as const)
    .filter((category) => category !== view && untold[category] !== undefined && filters[category].length > 0 && !filters[category].some((value) => /(^|,)\s*unknown\s*(,|$)/i.test(value)))
    .flatMap((category) => wrapText(`--${category} ${escapeTerminal(filters[category].join(","))} selects nothing the input can tell: ${category === "tls" ? "TLS" : "auth"} n/a: ${untold[category]}`, width, "  "));
  return lines.length === 0 ? "" : `\n${lines.join("\n")}\n`;
}
