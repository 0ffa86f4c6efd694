import type { Aggregate } from "../engine/aggregate.js";
import { AUTH_KINDS, TLS_VERSIONS } from "../ingest/submission.js";
import {
  CATEGORY_VALUES, categoryDetails, categorySeries, exportRows, percent, periodTotals, senderTotals, talliesOf,
  volumeSeries, type Category, type Summary,
} from "../engine/views.js";
import { csvCell, rowObjects, type Cell, type Rows } from "./csv.js";
import { isoInstant, rangeJson } from "./text.js";

/** The export's columns (SPEC "Output formats"). */
export const EXPORT_COLUMNS = ["period", "sender", "domain", "tls_version", "auth", "client_ip", "messages", "first_seen", "last_seen"] as const;

/** The detailed report: one row per period, sender, TLS version, auth kind and client IP. */
export function exportTable(aggregate: Aggregate): Rows {
  const groups = exportRows(aggregate);
  return {
    header: EXPORT_COLUMNS,
    rows: (function* () {
      for (const g of groups) yield [g.period.label, g.sender, g.domain, g.tls, g.auth, g.clientIp, g.messages, isoInstant(g.firstSeen), isoInstant(g.lastSeen)];
    })(),
  };
}

/**
 * The detailed report as CSV chunks, written straight from the aggregate's columns: it can run to
 * millions of rows. Each distinct sender, domain and address is quoted once; TLS versions, auth
 * kinds, periods and instants never need quotes.
 */
export function* exportCsv(aggregate: Aggregate, excelSafe: boolean): Generator<string> {
  const c = aggregate.columns;
  const cells = (values: readonly string[]): string[] => values.map((v) => csvCell(v, excelSafe));
  const senders = cells(c.senders);
  const domains = cells(c.domains);
  const ips = cells(c.clientIps);
  const periods = aggregate.periods.map((p) => p.label);
  let lines = [EXPORT_COLUMNS.join(",")];
  for (let i = 0; i < c.size; i++) {
    const sender = c.sender[i]!;
    lines.push(`${periods[c.period[i]!]},${senders[sender]},${domains[sender]},${TLS_VERSIONS[c.tls[i]!]},${AUTH_KINDS[c.auth[i]!]},${ips[c.clientIp[i]!]},${c.messages[i]},${isoInstant(c.firstSeen[i]!)},${isoInstant(c.lastSeen[i]!)}`);
    if (lines.length === 8192) {
      yield `${lines.join("\n")}\n`;
      lines = [];
    }
  }
  if (lines.length > 0) yield `${lines.join("\n")}\n`;
}

/** `volume --format csv|json`: messages per period per domain, zeros included. */
export function volumeTable(aggregate: Aggregate, top?: number): Rows {
  const series = volumeSeries(aggregate).slice(0, top);
  const order = [...series].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const rows: Cell[][] = [];
  aggregate.periods.forEach((period, i) => {
    for (const s of order) rows.push([period.label, s.name, s.values[i]!]);
  });
  return { header: ["period", "domain", "messages"], rows };
}

/** `volume --details --format csv|json`: one row per sender. */
export function volumeDetailsTable(aggregate: Aggregate, top?: number): Rows {
  return {
    header: ["sender", "domain", "messages", "first_seen", "last_seen"],
    rows: senderTotals(aggregate).slice(0, top).map((s) => [s.sender, s.domain, s.messages, isoInstant(s.firstSeen), isoInstant(s.lastSeen)]),
  };
}

/** The CSV column naming a category's value. */
function categoryColumn(category: Category): string {
  return category === "tls" ? "tls_version" : "auth";
}

/** `tls|auth --format csv|json`: messages and share of the period per value, zeros included. */
export function categoryTable(aggregate: Aggregate, category: Category, top?: number): Rows {
  const all = categorySeries(aggregate, category);
  const totals = periodTotals(all, aggregate.periods.length);
  const shown = all.slice(0, top);
  const rows: Cell[][] = [];
  aggregate.periods.forEach((period, i) => {
    for (const s of shown) rows.push([period.label, s.name, s.values[i]!, percent(s.values[i]!, totals[i]!)]);
  });
  return { header: ["period", categoryColumn(category), "messages", "percent"], rows };
}

/** `tls|auth --details --format csv|json`: per sender and value, the share of that sender's messages. */
export function categoryDetailsTable(aggregate: Aggregate, category: Category, top?: number): Rows {
  const rows: Cell[][] = [];
  for (const s of categoryDetails(aggregate, category).slice(0, top)) {
    const tallies = talliesOf(s, category);
    for (const value of CATEGORY_VALUES[category]) {
      const t = tallies.get(value);
      if (t === undefined) continue;
      rows.push([s.sender, s.domain, value, t.messages, percent(t.messages, s.messages), isoInstant(t.firstSeen), isoInstant(t.lastSeen)]);
    }
  }
  return { header: ["sender", "domain", categoryColumn(category), "messages", "percent", "first_seen", "last_seen"], rows };
}

/** A view's JSON document: the range and the rows of its CSV. */
export function viewJson(aggregate: Aggregate, rows: Rows): string {
  return `${JSON.stringify({ range: rangeJson(aggregate.range), rows: [...rowObjects(rows)] }, null, 2)}\n`;
}

/** `summary --format json` (SPEC keys). */
export function summaryJson(aggregate: Aggregate, summary: Summary): string {
  const failed = summary.failedLogins;
  const doc = {
    range: rangeJson(aggregate.range),
    senders: summary.senders,
    messages: summary.messages,
    domains: summary.domains,
    tls: summary.tls.map((s) => ({ tls_version: s.value, messages: s.messages, percent: s.percent, senders: s.senders })),
    auth: summary.auth.map((s) => ({ auth: s.value, messages: s.messages, percent: s.percent, senders: s.senders })),
    legacy_tls_senders: summary.legacyTlsSenders.length,
    basic_auth_senders: summary.basicAuthSenders.length,
    failed_logins: failed === undefined ? null : failed.reduce((n, f) => n + f.failures, 0),
    failed_logins_by_client_ip: failed === undefined ? null : failed.map((f) => ({ client_ip: f.clientIp, failures: f.failures })),
    top_senders: summary.topSenders.map((s) => ({
      sender: s.sender,
      domain: s.domain,
      messages: s.messages,
      percent: percent(s.messages, summary.messages),
      tls_versions: CATEGORY_VALUES.tls.filter((v) => s.byTls.has(v)),
      auth: CATEGORY_VALUES.auth.filter((v) => s.byAuth.has(v)),
      client_ips: [...s.clientIps].sort(),
      first_seen: isoInstant(s.firstSeen),
      last_seen: isoInstant(s.lastSeen),
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
