import type { Aggregate } from "../engine/aggregate.js";
import { CATEGORY_VALUES, needsAction, type SenderTotal, type Summary } from "../engine/views.js";
import type { Terminal } from "./chart.js";
import { alignColumns, displayWidth, fitColumns, largest, leftOutLines, wrapText } from "./layout.js";
import { clientIpsText, tableWidth } from "./pivots.js";
import { escapeTerminal, failedLoginsFilterNote, failedLoginsScope, filtersLine, partialCoverage, localTime, percentText, notAllClearText, rangeOutsideInput, partlyToldNote, rangeText, thousands, unknownNote } from "./text.js";

const ACTION_LIST = 10;

/** The summary as people read it in a terminal: Microsoft's widget and flyout, plus who needs action. */
export function summaryText(aggregate: Aggregate, summary: Summary, terminal: Terminal): string {
  const { paint, width } = terminal;
  const failed = summary.failedLogins;
  const filters = filtersLine(aggregate.filters);
  const partial = partialCoverage(aggregate);
  const lines: string[] = [
    ...wrapText(`SMTP AUTH submissions, ${rangeText(aggregate.range)}`, width).map((l) => paint.bold(l)),
    ...(filters === undefined ? [] : wrapText(filters, width)),
    ...(partial === undefined ? [] : wrapText(`Partly covered: ${partial}.`, width).map((l) => paint.yellow(l))),
    "",
  ];
  if (summary.messages === 0) {
    lines.push(`  No submissions in this range${filters === undefined ? "" : " with these filters"}.`);
    // --tls or --auth on an input that cannot tell it leaves nothing: that is n/a with its reason, not "none".
    // (A range without submissions says so below, once.)
    const untold = (["tls", "auth"] as const).filter((c) => summary.untold[c] !== undefined).map((c) => useFigure(summary, c));
    if (untold.length > 0 && rangeOutsideInput(aggregate) === undefined) lines.push("", ...figureLines(untold, summary, terminal));
    // Stale input must not read as a quiet week (this text is what a cron job mails).
    const empty = `${lines.join("\n")}\n${notAllClearText(aggregate, width)}`;
    // A log of failed logins alone (a password-guessing burst) still has those to show.
    if (failed === undefined || failed.length === 0) return empty;
    const total = failed.reduce((n, f) => n + f.failures, 0);
    const figures = alignColumns([["Failed logins", thousands(total), `from ${thousands(failed.length)} client ${failed.length === 1 ? "address" : "addresses"}`]], { align: ["left", "right", "left"], droppable: [2] }, tableWidth(terminal), "  ", (text, _row, column) => (column === 2 ? paint.dim(text) : text));
    const unfiltered = failedLoginsFilterNote(aggregate.filters);
    const note = unfiltered === undefined ? [] : wrapText(`${unfiltered}.`, width, "    ").map((l) => paint.dim(l));
    return `${empty}${["", ...figures, ...note, ...failedLoginLines(failed, terminal)].join("\n")}\n`;
  }
  const figures: [string, string, string][] = [
    ["Senders using SMTP AUTH", thousands(summary.senders), ""],
    ["Messages", thousands(summary.messages), ""],
    ["Domains", thousands(summary.domains), ""],
    useFigure(summary, "tls"),
    useFigure(summary, "auth"),
  ];
  if (failed !== undefined) {
    const total = failed.reduce((n, f) => n + f.failures, 0);
    const unfiltered = failedLoginsFilterNote(aggregate.filters);
    const scope = failedLoginsScope(aggregate);
    const from = aggregate.failedLoginsExtent === undefined ? scope! : `from ${thousands(failed.length)} client ${failed.length === 1 ? "address" : "addresses"}${scope === undefined ? "" : `; ${scope}`}`;
    figures.push(["Failed logins", thousands(total), `${from}${unfiltered === undefined ? "" : `; ${unfiltered}`}`]);
  }
  lines.push(...figureLines(figures, summary, terminal));

  for (const category of ["tls", "auth"] as const) {
    lines.push("", paint.bold(category === "tls" ? "TLS usage" : "Authentication"));
    const rows = [["", "messages", "%", "senders"], ...summary[category].map((s) => [s.value, thousands(s.messages), percentText(s.percent), thousands(s.senders)])];
    lines.push(...alignColumns(rows, { align: ["left", "right", "right", "right"] }, width, "  ", (text, row) =>
      row === 0 ? paint.dim(text) : needsAction(category, summary[category][row - 1]!.value) ? paint.yellow(text) : text));
  }

  lines.push("", paint.bold("Top senders"));
  // One by one: --top may ask for every sender, more lines than a spread takes.
  for (const line of senderLines(summary.topSenders, summary.topSenders.length, aggregate, terminal)) lines.push(line);

  const action = summary.actionNeeded;
  if (action.length > 0) {
    // Where one dimension cannot be told, the list holds the other's senders only, and says so.
    const on = summary.untold.tls !== undefined ? "Basic auth (TLS unknown, see above)" : summary.untold.auth !== undefined ? "legacy TLS (Basic auth unknown, see above)" : "legacy TLS or Basic auth";
    lines.push("", ...wrapText(`Action needed: ${thousands(action.length)} ${action.length === 1 ? "sender" : "senders"} on ${on}`, width).map((l) => paint.bold(l)));
    lines.push(...senderLines(action, ACTION_LIST, aggregate, terminal));
  }
  if (failed !== undefined && failed.length > 0) lines.push(...failedLoginLines(failed, terminal));
  return `${lines.join("\n")}\n`;
}

const USE_LABEL = { tls: "Senders on legacy TLS", auth: "Senders on Basic auth" } as const;

/** The figure of senders on legacy TLS (Basic auth): n/a with its reason where the data cannot tell it, never a reassuring 0. */
function useFigure(summary: Summary, category: "tls" | "auth"): [string, string, string] {
  const untold = summary.untold[category];
  if (untold !== undefined) return [USE_LABEL[category], "n/a", untold];
  const senders = category === "tls" ? summary.legacyTlsSenders : summary.basicAuthSenders;
  // A count that some inputs cannot tell says whose it is, naming the others.
  const unknown = partlyToldNote(summary.partlyTold[category], category === "tls" ? "TLS" : "auth") || unknownNote(category === "tls" ? summary.unknownTlsSenders : summary.unknownAuthSenders, category === "tls" ? "TLS" : "auth");
  return [USE_LABEL[category], thousands(senders.length), unknown || (category === "tls" ? "TLS older than 1.2, or no TLS" : "password logins (LOGIN, PLAIN, ...)")];
}

/** Figures as label, value and note; each note (an n/a's reason above all) goes under its figure, wrapped, where it does not fit beside it. */
function figureLines(figures: [string, string, string][], summary: Summary, terminal: Terminal): string[] {
  const { paint, width } = terminal;
  const alarming = (label: string): boolean => (label === USE_LABEL.tls && summary.legacyTlsSenders.length > 0) || (label === USE_LABEL.auth && summary.basicAuthSenders.length > 0);
  const numbers = alignColumns(figures.map(([label, value]) => [label, value]), { align: ["left", "right"] }, width, "  ", (text, row, column) =>
    (column === 1 && alarming(figures[row]![0]) ? paint.yellow.bold(text) : text));
  // The values are right-aligned, so every figure line is as wide as the widest.
  const figureWidth = 2 + largest(figures.map(([label]) => displayWidth(label))) + 2 + largest(figures.map(([, value]) => displayWidth(value)));
  return figures.flatMap(([, , note], i) => {
    if (note === "") return [numbers[i]!];
    if (figureWidth + 2 + displayWidth(note) <= width) return [`${numbers[i]!}  ${paint.dim(note)}`];
    return [numbers[i]!, ...wrapText(note, width, "    ").map((l) => paint.dim(l))];
  });
}

function failedLoginLines(failed: NonNullable<Summary["failedLogins"]>, terminal: Terminal): string[] {
  const { paint } = terminal;
  const lines = ["", paint.bold("Failed logins by client address")];
  lines.push(...alignColumns(failed.slice(0, ACTION_LIST).map((f) => [escapeTerminal(f.clientIp), thousands(f.failures)]), { align: ["left", "right"], shrinkable: [0] }, tableWidth(terminal)));
  if (failed.length > ACTION_LIST) lines.push(paint.dim(`  … and ${thousands(failed.length - ACTION_LIST)} more addresses`));
  return lines;
}

function senderLines(senders: readonly SenderTotal[], limit: number, aggregate: Aggregate, terminal: Terminal): string[] {
  const { paint } = terminal;
  const shown = senders.slice(0, limit);
  const rows = [["sender", "messages", "TLS", "auth", "client IPs", "last seen"]];
  for (const s of shown) {
    rows.push([
      escapeTerminal(s.sender),
      thousands(s.messages),
      CATEGORY_VALUES.tls.filter((v) => s.byTls.has(v)).join(" "),
      CATEGORY_VALUES.auth.filter((v) => s.byAuth.has(v)).join(" "),
      clientIpsText(s),
      localTime(s.lastSeen, aggregate.range),
    ]);
  }
  // At narrow widths the last seen goes first, then the addresses; the sender is shortened last.
  const fit = { align: ["left", "right", "left", "left", "left", "left"] as const, shrinkable: [0, 4], droppable: [5, 4] };
  const { lines, leftOut } = fitColumns(rows, { ...fit, align: [...fit.align] }, tableWidth(terminal), "  ", (text, row) => (row === 0 ? paint.dim(text) : text));
  if (senders.length > limit) lines.push(paint.dim(`  … and ${thousands(senders.length - limit)} more`));
  return [...lines, ...leftOutLines(rows[0]!, leftOut, terminal.width, paint.dim)];
}
