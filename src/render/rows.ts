import type { Aggregate, GroupColumns } from "../engine/aggregate.js";
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
// Rows one call of exportRowBytes writes at most: short calls, so that V8 compiles the function once, as
// called, and not first as it runs and again as called (two compilations of 7-8 ms each).
const ROWS_PER_CALL = 256;
const COMMA = 44;
const NEWLINE = 10;

/** Byte strings packed in one buffer, each one's bytes from starts[i] to starts[i + 1]. */
interface Pieces {
  bytes: Uint8Array;
  starts: Int32Array;
}

/** Texts encoded as one buffer: at once where all are ASCII (a character is a byte; one buffer each took 10-20 ms for 50k addresses), else one by one. */
function pieces(texts: readonly string[]): Pieces {
  const starts = new Int32Array(texts.length + 1);
  const joined = texts.join("");
  const bytes = Buffer.from(joined, "utf8");
  if (bytes.length === joined.length) {
    for (let i = 0; i < texts.length; i++) starts[i + 1] = starts[i]! + texts[i]!.length;
    return { bytes, starts };
  }
  const encoded = texts.map((t) => Buffer.from(t, "utf8"));
  encoded.forEach((b, i) => (starts[i + 1] = starts[i]! + b.length));
  return { bytes: Buffer.concat(encoded), starts };
}

/** What exportRowBytes writes from: the aggregate's columns and its values, pre-encoded. */
interface ExportBytes {
  c: GroupColumns;
  /** `"sender","domain",` of each sender. */
  senders: Pieces;
  /** `address,` of each client address. */
  ips: Pieces;
  /** `label,` of each period. */
  periods: Pieces;
  /** `tls,auth,` of each TLS code * AUTH_KINDS.length + auth code. */
  kinds: Pieces;
  /** The instant's day as "2026-10-20T", by the day number; made as days are met. */
  dayText: (day: number) => Uint8Array;
}

/**
 * Writes up to ROWS_PER_CALL export rows from `row` on into `out` from byte `at`, while the longest row
 * can still fit; returns the next row and where the bytes written end. One function with its own
 * locals: the hot loop of a long export (copies by byte, digits by division; no string, no call per cell).
 */
function exportRowBytes(e: ExportBytes, row: number, out: Uint8Array, at: number): { row: number; at: number } {
  const { c, senders, ips, periods, kinds } = e;
  const kindCount = AUTH_KINDS.length;
  let lastDay = NaN;
  let dayBytes: Uint8Array = out;
  for (const end = Math.min(c.size, row + ROWS_PER_CALL); row < end; row++) {
    const sender = c.sender[row]!;
    const period = c.period[row]!;
    const ip = c.clientIp[row]!;
    const kind = c.tls[row]! * kindCount + c.auth[row]!;
    // Room for the longest this row can be; else the chunk is handed on.
    const room = periods.starts[period + 1]! - periods.starts[period]! + senders.starts[sender + 1]! - senders.starts[sender]! + ips.starts[ip + 1]! - ips.starts[ip]! + 160;
    if (at + room > out.length) break;
    for (let k = periods.starts[period]!, end = periods.starts[period + 1]!; k < end; k++) out[at++] = periods.bytes[k]!;
    for (let k = senders.starts[sender]!, end = senders.starts[sender + 1]!; k < end; k++) out[at++] = senders.bytes[k]!;
    for (let k = kinds.starts[kind]!, end = kinds.starts[kind + 1]!; k < end; k++) out[at++] = kinds.bytes[k]!;
    for (let k = ips.starts[ip]!, end = ips.starts[ip + 1]!; k < end; k++) out[at++] = ips.bytes[k]!;
    const messages = c.messages[row]!;
    if (Number.isSafeInteger(messages) && messages >= 0) {
      let width = 1;
      for (let rest = messages; rest >= 10; rest = Math.floor(rest / 10)) width++;
      for (let k = at + width - 1, rest = messages; k >= at; k--, rest = Math.floor(rest / 10)) out[k] = 48 + (rest % 10);
      at += width;
    } else {
      for (const char of String(messages)) out[at++] = char.charCodeAt(0);
    }
    for (let which = 0; which < 2; which++) {
      out[at++] = COMMA;
      const ms = which === 0 ? c.firstSeen[row]! : c.lastSeen[row]!;
      const day = Math.floor(ms / 86_400_000);
      if (day !== lastDay) {
        lastDay = day;
        dayBytes = e.dayText(day);
      }
      for (let k = 0; k < dayBytes.length; k++) out[at++] = dayBytes[k]!;
      const seconds = Math.floor((ms - day * 86_400_000) / 1000);
      const hours = Math.floor(seconds / 3600);
      const minutes = Math.floor(seconds / 60) % 60;
      const rest = seconds % 60;
      out[at++] = 48 + Math.floor(hours / 10);
      out[at++] = 48 + (hours % 10);
      out[at++] = 58;
      out[at++] = 48 + Math.floor(minutes / 10);
      out[at++] = 48 + (minutes % 10);
      out[at++] = 58;
      out[at++] = 48 + Math.floor(rest / 10);
      out[at++] = 48 + (rest % 10);
      out[at++] = 90;
    }
    out[at++] = NEWLINE;
  }
  return { row, at };
}

/**
 * The detailed report as CSV, written as bytes straight from the aggregate's columns: it can run to
 * millions of rows. Each distinct sender with its domain, address, period and TLS with auth is quoted
 * and encoded once, with its commas; counts and instants are written digit by digit; no string is
 * made per row. `terminal`: see csvCell. With `reuse`, each chunk is written over when the next is
 * asked for (for a consumer done with a chunk by then, as writeOutput is): one buffer instead of a new
 * one a megabyte, which would stay until the garbage collector comes by (20-25 MB more at the peak for
 * 300k rows).
 */
export function* exportCsv(aggregate: Aggregate, excelSafe: boolean, terminal = false, reuse = false): Generator<Uint8Array> {
  const c = aggregate.columns;
  const cell = (v: string): string => csvCell(v, excelSafe, terminal);
  const days = new Map<number, Uint8Array>();
  const e: ExportBytes = {
    c,
    senders: pieces(c.senders.map((sender, i) => `${cell(sender)},${cell(c.domains[i]!)},`)),
    ips: pieces(c.clientIps.map((ip) => `${cell(ip)},`)),
    periods: pieces(aggregate.periods.map((p) => `${p.label},`)),
    kinds: pieces(TLS_VERSIONS.flatMap((tls) => AUTH_KINDS.map((auth) => `${tls},${auth},`))),
    dayText: (day) => {
      let text = days.get(day);
      if (text === undefined) days.set(day, (text = Buffer.from(new Date(day * 86_400_000).toISOString().slice(0, 11), "latin1")));
      return text;
    },
  };
  const header = Buffer.from(`${EXPORT_COLUMNS.join(",")}\n`, "latin1");
  let out = Buffer.allocUnsafe(CHUNK_BYTES);
  let start = header.copy(out);
  for (let row = 0; row < c.size || start > 0; ) {
    let at = start;
    let next = row;
    for (;;) {
      const written = exportRowBytes(e, next, out, at);
      if (written.row === next) break;
      next = written.row;
      at = written.at;
    }
    if (at > 0) yield out.subarray(0, at);
    // A row longer than a chunk (a sender of a megabyte) gets a chunk its size.
    if (next === row && start === 0 && row < c.size) {
      out = Buffer.allocUnsafe(out.length * 2);
      continue;
    }
    row = next;
    start = 0;
    if (!reuse && row < c.size) out = Buffer.allocUnsafe(CHUNK_BYTES);
  }
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
