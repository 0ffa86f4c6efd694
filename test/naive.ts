// A second, deliberately plain computation of the export, used to check the engine. It reads wall
// clocks with Intl directly and compares local dates as strings: nothing is shared with src/engine.
import fc from "fast-check";
import { AUTH_KINDS, TLS_VERSIONS, domainOf, type Submission } from "../src/core/record.js";

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Local date `YYYY-MM-DD`, hour `HH` and offset label (`Z` or `+hh:mm`) of an instant in a zone. */
export function localParts(instant: number, zone: string): { date: string; hour: string; offset: string } {
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", timeZoneName: "longOffset" });
    formatters.set(zone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(instant)).map((x) => [x.type, x.value]));
  const gmt = p.timeZoneName!.replace("GMT", "");
  return { date: `${p.year}-${p.month}-${p.day}`, hour: p.hour!, offset: gmt === "" || gmt === "+00:00" ? "Z" : gmt };
}

/** A date string moved by whole days. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y!, m! - 1, d! + days)).toISOString().slice(0, 10);
}

/** How the naive computation chooses records. */
export type NaiveRange =
  | { kind: "default" }
  | { kind: "all" }
  | { kind: "dates"; from: string; to: string }
  | { kind: "instants"; from: number; to: number };

/** The period label of an instant, as the SPEC defines it. */
export function naivePeriod(instant: number, zone: string, by: "hour" | "day" | "week" | "month"): string {
  const { date, hour, offset } = localParts(instant, zone);
  if (by === "day") return date;
  if (by === "month") return `${date.slice(0, 8)}01`;
  if (by === "hour") return `${date}T${hour}:00${offset}`;
  const [y, m, d] = date.split("-").map(Number);
  const dow = new Date(Date.UTC(y!, m! - 1, d!)).getUTCDay();
  return addDays(date, -((dow + 6) % 7));
}

/** The export's rows, as CSV lines without the header, computed the plain way. */
export function naiveExport(records: Submission[], zone: string, by: "hour" | "day" | "week" | "month", range: NaiveRange, keep: (s: Submission) => boolean = () => true): string[] {
  let newest = "";
  for (const r of records) {
    const date = localParts(r.timestamp, zone).date;
    if (date > newest) newest = date;
  }
  const inRange = (r: Submission): boolean => {
    const date = localParts(r.timestamp, zone).date;
    switch (range.kind) {
      case "all":
        return true;
      case "default":
        return date >= addDays(newest, -6) && date <= newest;
      case "dates":
        return date >= range.from && date <= range.to;
      case "instants":
        return r.timestamp >= range.from && r.timestamp < range.to;
    }
  };
  const groups = new Map<string, { key: string[]; messages: number; first: number; last: number }>();
  for (const r of records) {
    if (!inRange(r) || !keep(r) || r.messages === 0) continue;
    const key = [naivePeriod(r.timestamp, zone, by), r.sender, r.domain, r.tls, r.auth, r.clientIp];
    const id = JSON.stringify(key);
    const g = groups.get(id);
    if (g === undefined) groups.set(id, { key, messages: r.messages, first: r.timestamp, last: r.timestamp });
    else {
      g.messages += r.messages;
      g.first = Math.min(g.first, r.timestamp);
      g.last = Math.max(g.last, r.timestamp);
    }
  }
  const iso = (t: number): string => new Date(Math.floor(t / 1000) * 1000).toISOString().replace(".000Z", "Z");
  const rows = [...groups.values()].map((g) => [...g.key, String(g.messages), iso(g.first), iso(g.last)]);
  rows.sort((a, b) => {
    for (let i = 0; i < 6; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
    return 0;
  });
  return rows.map((row) => row.map((cell) => (/[",\n\r]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell)).join(","));
}

/** Three weeks around both 2026 DST ends (Europe 25 October, US 1 November). */
export const WINDOW_START = Date.UTC(2026, 9, 18);
export const WINDOW_END = Date.UTC(2026, 10, 8);

/** Random submissions in that window, with awkward senders (quotes, commas, no domain) and addresses. */
export const submissions = fc.array(
  fc.record({
    timestamp: fc.integer({ min: WINDOW_START, max: WINDOW_END }),
    sender: fc.constantFrom("scanner@a.example", "app@b.example", "Mixed,Case\"x@a.example".toLowerCase(), "printer01", "erp@sub.a.example"),
    tls: fc.constantFrom(...TLS_VERSIONS),
    auth: fc.constantFrom(...AUTH_KINDS),
    clientIp: fc.constantFrom("10.0.0.1", "192.0.2.7", "", "2001:db8::1"),
    messages: fc.oneof(fc.constant(1), fc.integer({ min: 0, max: 50 })),
  }).map((r): Submission => ({ ...r, domain: domainOf(r.sender) })),
  { minLength: 1, maxLength: 300 },
);
