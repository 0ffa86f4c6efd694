// Change over time as people and scripts read it: the comparison with an earlier window and the
// unusual activity, as text sections under the summary and as the summary JSON's keys.
import type { Aggregate } from "../engine/aggregate.js";
import { FIGURES, STATUS_ORDER, type Comparison, type Figure, type SenderWindow } from "../engine/compare.js";
import type { Unusual } from "../engine/unusual.js";
import type { Terminal } from "./chart.js";
import { alignColumns, fitColumns, leftOutLines, wrapText } from "./layout.js";
import { tableWidth } from "./pivots.js";
import { earlierPartlyCovered, escapeTerminal, isoInstant, localTime, rangeJson, rangeOutsideInput, rangeText, thousands } from "./text.js";

/** How each compared figure is named in text. */
export const FIGURE_LABELS: Record<Figure, string> = {
  senders: "Senders using SMTP AUTH",
  messages: "Messages",
  domains: "Domains",
  legacy_tls_senders: "Senders on legacy TLS",
  basic_auth_senders: "Senders on Basic auth",
  failed_logins: "Failed logins",
};

/** How many senders of the classes other than new and regressed the text lists. */
const OTHER_SENDERS = 10;

const signed = (n: number): string => (n > 0 ? `+${thousands(n)}` : thousands(n));
const figureText = (n: number | undefined): string => (n === undefined ? "n/a" : thousands(n));

/** A sender's window in a few words: `TLS1.0 basic, 12 messages`, or `-` when it sent nothing. */
export function windowText(w: SenderWindow | undefined): string {
  if (w === undefined) return "-";
  return `${[...w.tls, ...w.auth].join(" ")}, ${thousands(w.messages)} ${w.messages === 1 ? "message" : "messages"}`;
}

/**
 * What the legacy TLS and Basic auth figures leave out, in either window: senders whose TLS (auth) is
 * unknown for some messages ("3 -> 2" may be a sender that stopped saying, not one that was fixed).
 */
export function comparisonUnknownNote(comparison: Comparison): string | undefined {
  const { before, after } = comparison.unknown;
  const part = (figure: string, what: string, b: number, a: number): string | undefined =>
    b + a === 0 ? undefined : `Not counted on ${figure}: senders with ${what} unknown (${thousands(b)} before, ${thousands(a)} after).`;
  const parts = [part("legacy TLS", "TLS", before.tls, after.tls), part("Basic auth", "auth", before.auth, after.auth)].filter((p) => p !== undefined);
  return parts.length === 0 ? undefined : parts.join(" ");
}

/** Where the input begins inside the earlier window, as a sentence; undefined where it covers the window (or the window is empty). */
export function comparisonCoverageNote(comparison: Comparison): string | undefined {
  if (!comparison.earlierHasData) return undefined;
  const partly = earlierPartlyCovered(comparison.range, comparison.inputFrom);
  return partly === undefined ? undefined : `Partly covered: ${partly}.`;
}

/** What the senders' statuses are judged on, where --tls or --auth chose the senders listed; undefined otherwise. */
export function comparisonScopeNote(comparison: Comparison): string | undefined {
  if (!comparison.judgedUnfiltered) return undefined;
  return "Statuses, before and after are judged on all each sender sent in each window, whatever its TLS and auth; --tls and --auth choose which senders are listed.";
}

/** The comparison as a text section: the figures before and after, the counts per class, the senders. */
export function comparisonText(comparison: Comparison, terminal: Terminal): string {
  const { paint, width } = terminal;
  const lines = ["", ...wrapText(`Compared with ${rangeText(comparison.range)}`, width).map((l) => paint.bold(l))];
  if (!comparison.earlierHasData) lines.push(...wrapText(earlierEmptyNote(comparison), width, "  ").map((l) => paint.yellow(l)));
  const partly = comparisonCoverageNote(comparison);
  if (partly !== undefined) lines.push(...wrapText(partly, width, "  ").map((l) => paint.yellow(l)));
  const rows = [["", "before", "after", "change"]];
  for (const f of FIGURES) {
    const c = comparison.figures[f];
    if (f === "failed_logins" && c.before === undefined && c.after === undefined) continue;
    rows.push([FIGURE_LABELS[f], figureText(c.before), figureText(c.after), c.change === undefined ? "" : signed(c.change)]);
  }
  lines.push(...alignColumns(rows, { align: ["left", "right", "right", "right"] }, width, "  ", (text, row) => (row === 0 ? paint.dim(text) : text)));
  const unknown = comparisonUnknownNote(comparison);
  if (unknown !== undefined) lines.push(...wrapText(unknown, width, "  ").map((l) => paint.yellow(l)));
  const counts = STATUS_ORDER.map((s) => `${thousands(comparison.counts[s])} ${s}`).join(", ");
  lines.push("", ...wrapText(`Senders on legacy TLS or Basic auth: ${counts}`, width).map((l) => paint.bold(l)));
  const scope = comparisonScopeNote(comparison);
  if (scope !== undefined) lines.push(...wrapText(scope, width, "  ").map((l) => paint.dim(l)));
  if (comparison.senders.length === 0) return `${lines.join("\n")}\n`;
  const urgent = comparison.senders.filter((s) => s.status === "new" || s.status === "regressed");
  const others = comparison.senders.filter((s) => s.status !== "new" && s.status !== "regressed");
  const shown = [...urgent, ...others.slice(0, OTHER_SENDERS)];
  // Where the windows in words do not fit, their counts go in brackets: `TLS1.2 basic (17)`.
  const compact = (w: SenderWindow | undefined): string => windowText(w).replace(/, ([\d,]+) messages?$/, " ($1)");
  const rowsOf = (text: (w: SenderWindow | undefined) => string): string[][] =>
    [["status", "sender", "before", "after"], ...shown.map((s) => [s.status, escapeTerminal(s.sender), text(s.before), text(s.after)])];
  const full = rowsOf(windowText);
  const fits = alignColumns(full, { align: ["left", "left", "left", "left"] }).every((l) => l.length <= tableWidth(terminal));
  const table = fits ? full : rowsOf(compact);
  // One by one: a spread of every new sender's line would overflow the call stack.
  for (const line of alignColumns(table, { align: ["left", "left", "left", "left"], shrinkable: [1], cutAtEnd: [2, 3], readable: 20 }, tableWidth(terminal), "  ", (text, row) =>
    row === 0 ? paint.dim(text) : row <= urgent.length ? paint.yellow(text) : text)) lines.push(line);
  if (others.length > OTHER_SENDERS) lines.push(paint.dim(`  … and ${thousands(others.length - OTHER_SENDERS)} more (--format json lists every sender)`));
  return `${lines.join("\n")}\n`;
}

/** A finding's evidence in a few words, times in the range's zone. */
export function evidenceText(u: Unusual, aggregate: Aggregate): string {
  const at = (t: number): string => localTime(t, aggregate.range);
  switch (u.kind) {
    case "burst":
      return `${thousands(u.messages)} messages; usually ${Number.isInteger(u.median) ? thousands(u.median) : u.median.toFixed(1)} (median of ${u.baselinePeriods} ${aggregate.unit}s with mail)`;
    case "new_address":
      return `${escapeTerminal(u.clientIp)} from ${at(u.firstSeen)}: ${escapeTerminal(u.network)} never seen for it (known: ${escapeTerminal(u.knownNetworks.join(" "))})`;
    case "login_after_failures":
      return `${escapeTerminal(u.clientIp)}: ${thousands(u.failedLogins)} failed logins from ${at(u.firstFailure)}, then a login at ${at(u.login)}`;
  }
}

/** The unusual activity as a text section (always there: it says so when nothing is unusual). */
export function unusualText(unusual: Unusual[], earlier: Aggregate, aggregate: Aggregate, terminal: Terminal): string {
  const { paint, width } = terminal;
  const unjudged = whyUnusualUnjudged(aggregate);
  if (unjudged !== undefined) return `${["", paint.bold("Unusual activity: cannot be judged"), ...wrapText(`${unjudged[0]!.toUpperCase()}${unjudged.slice(1)}.`, width, "  ").map((l) => paint.yellow(l))].join("\n")}\n`;
  const title = unusual.length === 0 ? "Unusual activity: none" : `Unusual activity: ${thousands(unusual.length)} ${unusual.length === 1 ? "finding" : "findings"}`;
  const lines = ["", paint.bold(title), ...wrapText(`judged against each sender's history: ${rangeText(earlier.range)} and the range's other ${aggregate.unit}s`, width, "  ").map((l) => paint.dim(l))];
  if (earlier.columns.size === 0) lines.push(...wrapText("The earlier window holds no submissions: new addresses cannot be told, bursts only against the range.", width, "  ").map((l) => paint.yellow(l)));
  if (unusual.length > 0) {
    const rows = [["period", "sender", "kind", "evidence"], ...unusual.map((u) => [u.period.label, escapeTerminal(u.sender), u.kind.replace(/_/g, " "), evidenceText(u, aggregate)])];
    // At narrow widths the evidence is shortened (the JSON keeps it whole), then the period goes.
    const table = fitColumns(rows, { align: ["left", "left", "left", "left"], shrinkable: [1, 3], droppable: [0], readable: 40 }, tableWidth(terminal), "  ", (text, row) => (row === 0 ? paint.dim(text) : text));
    lines.push(...table.lines, ...leftOutLines(rows[0]!, table.leftOut, width, paint.dim));
  }
  return `${lines.join("\n")}\n`;
}

/** Why a range without submissions has no unusual activity to judge ("none" would read as an all-clear); undefined where it holds some. */
export function whyUnusualUnjudged(aggregate: Aggregate): string | undefined {
  if (aggregate.columns.size > 0) return undefined;
  return rangeOutsideInput(aggregate) ?? "no submission in the range matches the filters";
}

const windowJson = (w: SenderWindow | undefined) => (w === undefined ? null : { messages: w.messages, tls_versions: w.tls, auth: w.auth });

/** The comparison as JSON (SPEC: `compare: {range, figures, senders}`). */
export function compareJson(comparison: Comparison) {
  return {
    range: rangeJson(comparison.range),
    figures: Object.fromEntries(FIGURES.map((f) => {
      const c = comparison.figures[f];
      return [f, { before: c.before ?? null, after: c.after ?? null, change: c.change ?? null }];
    })),
    senders: comparison.senders.map((s) => ({ sender: s.sender, status: s.status, before: windowJson(s.before), after: windowJson(s.after) })),
    // Senders not counted in legacy_tls_senders (basic_auth_senders) because their TLS (auth) is unknown: a fall may be them.
    unknown_senders: {
      tls: { before: comparison.unknown.before.tls, after: comparison.unknown.after.tls },
      auth: { before: comparison.unknown.before.auth, after: comparison.unknown.after.auth },
    },
  };
}

/** The unusual activity as JSON (SPEC: `{sender, kind, period, evidence}`; instants ISO 8601 in UTC). */
export function unusualJson(unusual: Unusual[]) {
  return unusual.map((u) => {
    const base = { sender: u.sender, kind: u.kind, period: u.period.label };
    switch (u.kind) {
      case "burst":
        return { ...base, evidence: { messages: u.messages, median: u.median, baseline_periods: u.baselinePeriods } };
      case "new_address":
        return { ...base, evidence: { client_ip: u.clientIp, network: u.network, first_seen: isoInstant(u.firstSeen), known_networks: u.knownNetworks } };
      case "login_after_failures":
        return { ...base, evidence: { client_ip: u.clientIp, failed_logins: u.failedLogins, first_failure: isoInstant(u.firstFailure), last_failure: isoInstant(u.lastFailure), login: isoInstant(u.login) } };
    }
  });
}

/** What an earlier window without submissions means for the statuses (the same words in the text and on the page). */
export function earlierEmptyNote(comparison: Comparison): string {
  return `The earlier window holds no submissions${comparison.filtered ? " with these filters" : ""}: every sender with a problem counts as new.`;
}
