import type { ChalkInstance } from "chalk";
import type { Aggregate } from "../engine/aggregate.js";
import { CATEGORY_VALUES, needsAction, type SenderTotal, type Summary } from "../engine/views.js";
import { alignColumns } from "./layout.js";
import { escapeTerminal, filtersLine, localTime, notAllClearText, percentText, rangeText, thousands } from "./text.js";

const ACTION_LIST = 10;

/** The summary as people read it in a terminal: Microsoft's widget and flyout, plus who needs action. */
export function summaryText(aggregate: Aggregate, summary: Summary, paint: ChalkInstance): string {
  const failed = summary.failedLogins;
  const filters = filtersLine(aggregate.filters);
  const lines: string[] = [paint.bold(`SMTP AUTH submissions, ${rangeText(aggregate.range)}`), ...(filters === undefined ? [] : [filters]), ""];
  if (summary.messages === 0) {
    lines.push("  No submissions in this range (and with these filters).");
    // Stale input must not read as a quiet week (this text is what a cron job mails).
    const empty = `${lines.join("\n")}\n${notAllClearText(aggregate)}`;
    // A log of failed logins alone (a password-guessing burst) still has those to show.
    if (failed === undefined || failed.length === 0) return empty;
    const total = failed.reduce((n, f) => n + f.failures, 0);
    const figures = alignColumns([["Failed logins", thousands(total), `from ${thousands(failed.length)} client ${failed.length === 1 ? "address" : "addresses"}`]], ["left", "right", "left"], "  ", (text, _row, column) => (column === 2 ? paint.dim(text) : text));
    return `${empty}${["", ...figures, ...failedLoginLines(failed, paint)].join("\n")}\n`;
  }
  const figures: [string, string, string][] = [
    ["Senders using SMTP AUTH", thousands(summary.senders), ""],
    ["Messages", thousands(summary.messages), ""],
    ["Domains", thousands(summary.domains), ""],
    // A category the data cannot tell is n/a with its reason, never a reassuring 0.
    summary.untold.tls === undefined ? ["Senders on legacy TLS", thousands(summary.legacyTlsSenders.length), "TLS older than 1.2, or no TLS"] : ["Senders on legacy TLS", "n/a", summary.untold.tls],
    summary.untold.auth === undefined ? ["Senders on Basic auth", thousands(summary.basicAuthSenders.length), "password logins (LOGIN, PLAIN, ...)"] : ["Senders on Basic auth", "n/a", summary.untold.auth],
  ];
  if (failed !== undefined) {
    const total = failed.reduce((n, f) => n + f.failures, 0);
    figures.push(["Failed logins", thousands(total), `from ${thousands(failed.length)} client ${failed.length === 1 ? "address" : "addresses"}`]);
  }
  lines.push(...alignColumns(figures, ["left", "right", "left"], "  ", (text, row, column) => {
    const alarming = (row === 3 || row === 4) && summary[row === 3 ? "legacyTlsSenders" : "basicAuthSenders"].length > 0;
    return column === 1 && alarming ? paint.yellow.bold(text) : column === 2 ? paint.dim(text) : text;
  }));

  for (const category of ["tls", "auth"] as const) {
    lines.push("", paint.bold(category === "tls" ? "TLS usage" : "Authentication"));
    const rows = [["", "messages", "%", "senders"], ...summary[category].map((s) => [s.value, thousands(s.messages), percentText(s.percent), thousands(s.senders)])];
    lines.push(...alignColumns(rows, ["left", "right", "right", "right"], "  ", (text, row) =>
      row === 0 ? paint.dim(text) : needsAction(category, summary[category][row - 1]!.value) ? paint.yellow(text) : text));
  }

  lines.push("", paint.bold("Top senders"));
  // One by one: --top may ask for every sender, more lines than a spread takes.
  for (const line of senderLines(summary.topSenders, summary.topSenders.length, aggregate, paint)) lines.push(line);

  const action = [...new Set([...summary.legacyTlsSenders, ...summary.basicAuthSenders])];
  if (action.length > 0) {
    // Where one dimension cannot be told, the list holds the other's senders only, and says so.
    const on = summary.untold.tls !== undefined ? "Basic auth (TLS unknown, see above)" : summary.untold.auth !== undefined ? "legacy TLS (Basic auth unknown, see above)" : "legacy TLS or Basic auth";
    lines.push("", paint.bold(`Action needed: ${thousands(action.length)} ${action.length === 1 ? "sender" : "senders"} on ${on}`));
    lines.push(...senderLines(action, ACTION_LIST, aggregate, paint));
  }
  if (failed !== undefined && failed.length > 0) lines.push(...failedLoginLines(failed, paint));
  return `${lines.join("\n")}\n`;
}

function failedLoginLines(failed: NonNullable<Summary["failedLogins"]>, paint: ChalkInstance): string[] {
  const lines = ["", paint.bold("Failed logins by client address")];
  lines.push(...alignColumns(failed.slice(0, ACTION_LIST).map((f) => [escapeTerminal(f.clientIp), thousands(f.failures)]), ["left", "right"]));
  if (failed.length > ACTION_LIST) lines.push(paint.dim(`  … and ${thousands(failed.length - ACTION_LIST)} more addresses`));
  return lines;
}

function senderLines(senders: SenderTotal[], limit: number, aggregate: Aggregate, paint: ChalkInstance): string[] {
  const shown = senders.slice(0, limit);
  const rows = [["sender", "messages", "TLS", "auth", "client IPs", "last seen"]];
  for (const s of shown) {
    const ips = [...s.clientIps].sort();
    rows.push([
      escapeTerminal(s.sender),
      thousands(s.messages),
      CATEGORY_VALUES.tls.filter((v) => s.byTls.has(v)).join(" "),
      CATEGORY_VALUES.auth.filter((v) => s.byAuth.has(v)).join(" "),
      ips.length <= 2 ? escapeTerminal(ips.join(" ")) : `${escapeTerminal(ips.slice(0, 2).join(" "))} +${ips.length - 2}`,
      localTime(s.lastSeen, aggregate.range),
    ]);
  }
  const lines = alignColumns(rows, ["left", "right", "left", "left", "left", "left"], "  ", (text, row) => (row === 0 ? paint.dim(text) : text));
  if (senders.length > limit) lines.push(paint.dim(`  … and ${thousands(senders.length - limit)} more`));
  return lines;
}
