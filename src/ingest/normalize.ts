import type { Zone } from "../engine/zone.js";
import type { ReadReport } from "./read-report.js";
import { quote } from "./read-report.js";
import { domainOf, parseAuthKind, parseTlsVersion, type Submission } from "./submission.js";
import { parseTimestamp, type DateOrder } from "./timestamp.js";

/** A field's value as an input gives it: CSV text, or any JSON value. */
export type RawValue = string | number | boolean | null | undefined | object;

/** The raw values of one input record, by field. */
export interface RawRecord {
  timestamp: RawValue;
  sender: RawValue;
  tls?: RawValue;
  auth?: RawValue;
  clientIp?: RawValue;
  messages?: RawValue;
  domain?: RawValue;
}

/** How values are read: the zone of naive timestamps and the order of slash dates. */
export interface ReadSettings {
  zone: Zone;
  dateOrder: DateOrder;
}

/** Turns raw values into a Submission, or reports why the record is skipped and returns undefined. */
export function normalizeRecord(raw: RawRecord, zone: Zone, settings: ReadSettings, report: ReadReport, source: string, line: number): Submission | undefined {
  const timestampValue = raw.timestamp;
  if (timestampValue === undefined || timestampValue === null || timestampValue === "") {
    report.skip(source, line, "no timestamp");
    return undefined;
  }
  const timestamp = typeof timestampValue === "number" || typeof timestampValue === "string"
    ? parseTimestamp(timestampValue, zone, settings.dateOrder)
    : NaN;
  if (Number.isNaN(timestamp)) {
    report.skip(source, line, `timestamp ${quote(text(timestampValue))} not understood (use ISO 8601, epoch, M/D/YYYY h:mm AM/PM or D.M.YYYY HH:mm)`);
    return undefined;
  }
  const sender = text(raw.sender).trim().toLowerCase();
  if (sender === "") {
    report.skip(source, line, "no sender");
    return undefined;
  }
  const messages = messageCount(raw.messages);
  if (messages === undefined) {
    report.skip(source, line, `message count ${quote(text(raw.messages))} is not a whole number`);
    return undefined;
  }
  const tlsText = typeof raw.tls === "number" ? raw.tls.toFixed(1) : typeof raw.tls === "boolean" ? String(raw.tls) : text(raw.tls);
  let tls = parseTlsVersion(tlsText);
  if (tls === undefined) {
    report.unrecognisedTls(source, line, tlsText);
    tls = "unknown";
  }
  const domain = domainOf(sender) || text(raw.domain).trim().toLowerCase().replace(/^@/, "");
  return {
    timestamp,
    sender,
    domain,
    tls,
    auth: parseAuthKind(text(raw.auth).trim()),
    clientIp: text(raw.clientIp).trim(),
    messages,
  };
}

function text(value: RawValue): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function messageCount(value: RawValue): number | undefined {
  if (value === undefined || value === null || value === "") return 1;
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  if (trimmed === "") return 1;
  if (!/^\d+$/.test(trimmed)) return undefined;
  const n = Number(trimmed);
  return Number.isSafeInteger(n) ? n : undefined;
}
