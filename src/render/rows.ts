import type { Aggregate } from "../engine/aggregate.js";
import { AUTH_KINDS, TLS_VERSIONS, compareText } from "../core/record.js";
import {
  CATEGORY_VALUES, categoryDetails, categorySeries, exportRows, largestSeries, percent, periodTotals, senderTotals, talliesOf,
  needsAction, volumeSeries, type Category, type SenderTotal, type Summary,
} from "../engine/views.js";
import { categorySenderSeries } from "../engine/progress.js";
import { csvCell, rowObjects, type Cell, type Rows } from "./csv.js";
import { filtersJson, isoInstant, rangeJson } from "./text.js";

/** The export's columns (SPEC "Output formats"). */
export const EXPORT_COLUMNS = ["period", "sender", "domain", "tls_version", "auth", "client_ip", "messages", "first_seen", "last_seen"] as const;

/** The detailed report: one row per period, sender, TLS version, auth kind and client IP. */
export function exportTable(aggregate: Aggregate, top?: number): Rows {
  const groups = exportRows(aggregate);
  // --top: the rows of the senders with the most messages (as the details views list them first).
  const kept = top === undefined ? undefined : new Set(senderTotals(aggregate).slice(0, top).map((s) => `${s.sender}\u0000${s.domain}`));
  return {
    header: EXPORT_COLUMNS,
    rows: (function* () {
      for (const g of groups) {
        if (kept === undefined || kept.has(`${g.sender}\u0000${g.domain}`)) yield [g.period.label, g.sender, g.domain, g.tls, g.auth, g.clientIp, g.messages, isoInstant(g.firstSeen), isoInstant(g.lastSeen)];
      }
    })(),
  };
}

const CHUNK_BYTES = 1 << 20;
const COMMA = 44;
const NEWLINE = 10;

/**
 * The detailed report as CSV, written as bytes straight from the aggregate's columns: it can run to
 * millions of rows. Each distinct sender, domain, address and period is quoted and encoded once; counts
 * and instants are written digit by digit; no string is made per row. `terminal`: see csvCell. With
 * `reuse`, each chunk is written over when the next is asked for (for a consumer done with a chunk
 * by then, as writeOutput is): one buffer instead of a new one a megabyte, which would stay until the
 * garbage collector comes by (20-25 MB more at the peak for 300k rows).
 */
export function* exportCsv(aggregate: Aggregate, excelSafe: boolean, terminal = false, reuse = false): Generator<Uint8Array> {
  const c = aggregate.columns;
  const encode = (values: readonly string[], quote: boolean): Buffer[] => values.map((v) => Buffer.from(quote ? csvCell(v, excelSafe, terminal) : v, "utf8"));
  const senders = encode(c.senders, true);
  const domains = encode(c.domains, true);
  const ips = encode(c.clientIps, true);
  const periods = encode(aggregate.periods.map((p) => p.label), false);
  const tls = encode(TLS_VERSIONS, false);
  const auth = encode(AUTH_KINDS, false);
  const days = new Map<number, Buffer>();
  let out = Buffer.allocUnsafe(CHUNK_BYTES);
  let at = out.write(`${EXPORT_COLUMNS.join(",")}\n`, 0, "latin1");
  const put = (bytes: Buffer): void => {
    out.set(bytes, at);
    at += bytes.length;
  };
  const digits = (n: number): void => {
    const text = String(n);
    at += out.write(text, at, "latin1");
  };
  const two = (n: number): void => {
    out[at++] = 48 + Math.floor(n / 10);
    out[at++] = 48 + (n % 10);
  };
  const instant = (ms: number): void => {
    const day = Math.floor(ms / 86_400_000);
    let date = days.get(day);
    if (date === undefined) days.set(day, (date = Buffer.from(new Date(day * 86_400_000).toISOString().slice(0, 11), "latin1")));
    put(date);
    const seconds = Math.floor((ms - day * 86_400_000) / 1000);
    two(Math.floor(seconds / 3600));
    out[at++] = 58;
    two(Math.floor(seconds / 60) % 60);
    out[at++] = 58;
    two(seconds % 60);
    out[at++] = 90;
  };
  for (let i = 0; i < c.size; i++) {
    const sender = c.sender[i]!;
    const period = periods[c.period[i]!]!;
    const ip = ips[c.clientIp[i]!]!;
    // Room for the longest row this can be; else the chunk is handed on and a new one begun.
    const room = period.length + senders[sender]!.length + domains[sender]!.length + ip.length + 80;
    if (at + room > out.length) {
      yield out.subarray(0, at);
      if (!reuse || room > out.length) out = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, room));
      at = 0;
    }
    put(period);
    out[at++] = COMMA;
    put(senders[sender]!);
    out[at++] = COMMA;
    put(domains[sender]!);
    out[at++] = COMMA;
    put(tls[c.tls[i]!]!);
    out[at++] = COMMA;
    put(auth[c.auth[i]!]!);
    out[at++] = COMMA;
    put(ip);
    out[at++] = COMMA;
    digits(c.messages[i]!);
    out[at++] = COMMA;
    instant(c.firstSeen[i]!);
    out[at++] = COMMA;
    instant(c.lastSeen[i]!);
    out[at++] = NEWLINE;
  }
  if (at > 0) yield out.subarray(0, at);
}

/** `volume --format csv|json`: messages per period per domain, zeros included. */
export function volumeTable(aggregate: Aggregate, top?: number): Rows {
  const series = volumeSeries(aggregate).slice(0, top);
  const order = [...series].sort((a, b) => compareText(a.name, b.name));
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

/** `tls|auth --format csv|json`: messages and share of the period per value, zeros included (0.00 where the period has no messages: the SPEC's two decimals, which scripts parse; the messages column says 0). */
export function categoryTable(aggregate: Aggregate, category: Category, top?: number): Rows {
  const all = categorySeries(aggregate, category);
  const totals = periodTotals(all, aggregate.periods.length);
  const shown = largestSeries(all, top);
  const rows: Cell[][] = [];
  aggregate.periods.forEach((period, i) => {
    for (const s of shown) rows.push([period.label, s.name, s.values[i]!, percent(s.values[i]!, totals[i]!)]);
  });
  return { header: ["period", categoryColumn(category), "messages", "percent"], rows };
}

/** `tls|auth --metric senders --format csv|json`: distinct senders per period per value present, zeros included. */
export function categorySendersTable(aggregate: Aggregate, category: Category, top?: number): Rows {
  const shown = largestSeries(categorySenderSeries(aggregate, category), top);
  const rows: Cell[][] = [];
  aggregate.periods.forEach((period, i) => {
    for (const s of shown) rows.push([period.label, s.name, s.values[i]!]);
  });
  return { header: ["period", categoryColumn(category), "senders"], rows };
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
  return `${JSON.stringify({ range: rangeJson(aggregate.range), filters: filtersJson(aggregate.filters), rows: [...rowObjects(rows)] }, null, 2)}\n`;
}

/** What a sender must change, in words: `TLS1.0, no TLS, Basic auth`. */
export function problemText(sender: SenderTotal): string {
  return [
    ...CATEGORY_VALUES.tls.filter((v) => sender.byTls.has(v) && needsAction("tls", v)).map((v) => (v === "none" ? "no TLS" : v)),
    ...(sender.byAuth.has("basic") ? ["Basic auth"] : []),
  ].join(", ");
}

/** `summary --format json` (SPEC keys); `trends` adds `compare` and `unusual` at the end. */
export function summaryJson(aggregate: Aggregate, summary: Summary, trends: Record<string, unknown> = {}): string {
  const failed = summary.failedLogins;
  const doc = {
    range: rangeJson(aggregate.range),
    filters: filtersJson(aggregate.filters),
    senders: summary.senders,
    messages: summary.messages,
    domains: summary.domains,
    tls: summary.tls.map((s) => ({ tls_version: s.value, messages: s.messages, percent: s.percent, senders: s.senders })),
    auth: summary.auth.map((s) => ({ auth: s.value, messages: s.messages, percent: s.percent, senders: s.senders })),
    legacy_tls_senders: summary.untold.tls === undefined ? summary.legacyTlsSenders.length : null,
    basic_auth_senders: summary.untold.auth === undefined ? summary.basicAuthSenders.length : null,
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
    action_needed: summary.actionNeeded.map((s) => ({
      sender: s.sender,
      client_ips: [...s.clientIps].sort(compareText),
      tls_versions: CATEGORY_VALUES.tls.filter((v) => s.byTls.has(v)),
      auth: CATEGORY_VALUES.auth.filter((v) => s.byAuth.has(v)),
      messages: s.messages,
      last_seen: isoInstant(s.lastSeen),
      problem: problemText(s),
    })),
    ...trends,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
