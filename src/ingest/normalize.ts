import type { Zone } from "../core/zone.js";
import type { ReadReport } from "./read-report.js";
import { DAY_FIRST_HINT, quote } from "./read-report.js";
import { AUTH_CODE, TLS_CODE, domainOf, parseTlsVersion, recognisedAuthKind, type SubmissionSink } from "../core/record.js";
import { EARLIEST_YEAR, LATEST_YEAR, parseTimestamp, slashDateOrder, type DateOrder } from "../core/timestamp.js";

// The year of a date in a form the tool reads: YYYY-MM-DD, M/D/YYYY or D.M.YYYY.
const YEAR_OUTSIDE = /^\s*(?:(\d{4})-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}[/.](\d{4}))\b/;

/** A field's value as an input gives it: CSV text, or any JSON value. */
export type RawValue = string | number | boolean | null | undefined | object;

/** How values are read: the zone of naive timestamps and the order of slash dates. */
export interface ReadSettings {
  zone: Zone;
  dateOrder: DateOrder;
  /** No `--date-order` was given: slash dates are counted by the orders they allow, to say what was assumed. */
  dateOrderAssumed?: boolean;
  /** Read every record the general way (text, csv-parse, JSON.parse), none from its bytes: the plain path the fast ones are tested against. */
  plain?: boolean;
}

const UNKNOWN_TLS = TLS_CODE.get("unknown")!;
const UNKNOWN_AUTH = AUTH_CODE.get("unknown")!;
// Cached TLS and auth spellings that were not recognised are stored as -1 - code, so each is still counted.
const unrecognised = (code: number): number => -1 - code;

/**
 * Turns raw field values into submissions for a sink, or reports why a record is skipped. Every
 * distinct raw sender, address, TLS spelling and mechanism is normalised once and then looked up.
 */
export class RecordNormalizer {
  private readonly senders = new Map<string, number>();
  private readonly ips = new Map<string, number>();
  private readonly tls = new Map<string, number>();
  private readonly auths = new Map<string, number>();

  constructor(
    private readonly sink: SubmissionSink,
    private readonly report: ReadReport,
    private readonly settings: ReadSettings,
    private readonly source: string,
  ) {}

  /** Reads one record; `zone` is the zone of its naive timestamps (UTC for a `Date (UTC)` column). */
  accept(line: number, zone: Zone, timestampValue: RawValue, senderValue: RawValue, tlsValue: RawValue, authValue: RawValue, ipValue: RawValue, messagesValue: RawValue, domainValue: RawValue, lastSeenValue?: RawValue): void {
    if (timestampValue === undefined || timestampValue === null || timestampValue === "") {
      this.report.skip(this.source, line, "no timestamp");
      return;
    }
    const timestamp = typeof timestampValue === "number" || typeof timestampValue === "string"
      ? parseTimestamp(timestampValue, zone, this.settings.dateOrder)
      : NaN;
    const slash = this.settings.dateOrderAssumed === true && typeof timestampValue === "string" && timestampValue.includes("/")
      ? slashDateOrder(timestampValue)
      : undefined;
    if (slash !== undefined) this.report.slashDate(slash, this.source, line, timestampValue as string);
    if (Number.isNaN(timestamp)) {
      if (slash === "day-first") {
        this.report.skip(this.source, line, `timestamp ${quote(text(timestampValue))} not understood: ${DAY_FIRST_HINT}`);
        return;
      }
      // A US date read with --date-order dmy: the advice below would name its very form.
      if (this.settings.dateOrder === "dmy" && typeof timestampValue === "string" && slashDateOrder(timestampValue) === "month-first") {
        this.report.skip(this.source, line, `timestamp ${quote(timestampValue)} not understood: month first (M/D/YYYY h:mm AM/PM), but --date-order dmy was given`);
        return;
      }
      // A placeholder date (1/1/0001, 9999-12-31) is in a form read here: its year is what is wrong.
      const found = typeof timestampValue === "string" ? YEAR_OUTSIDE.exec(timestampValue) : null;
      const year = found?.[1] ?? found?.[2];
      const why = year !== undefined && (+year < EARLIEST_YEAR || +year > LATEST_YEAR) ? `dated ${year}, outside ${EARLIEST_YEAR}-${LATEST_YEAR}` : "not understood (use ISO 8601, epoch, M/D/YYYY h:mm AM/PM or D.M.YYYY HH:mm)";
      this.report.skip(this.source, line, `timestamp ${quote(text(timestampValue))} ${why}`);
      return;
    }
    // A JSON sender must be text (or a number, as some systems number accounts): an object or a
    // boolean is a mistake in the data, not an account called `{"name":...}` or `true`.
    if (senderValue !== null && senderValue !== undefined && typeof senderValue !== "string" && typeof senderValue !== "number") {
      this.report.skip(this.source, line, `sender ${quote(text(senderValue))} is not a text`);
      return;
    }
    const sender = this.senderOf(senderValue, domainValue);
    if (sender < 0) {
      this.report.skip(this.source, line, "no sender");
      return;
    }
    const messages = messageCount(messagesValue);
    if (messages === undefined) {
      this.report.skip(this.source, line, `message count ${quote(text(messagesValue))} is not a whole number (digits, grouped by thousands or not: 1234, 1,234, 1.234, 1 234)`);
      return;
    }
    let tls = this.tlsOf(tlsValue);
    if (tls < 0) {
      this.report.unrecognisedTls(this.source, line, tlsText(tlsValue));
      tls = UNKNOWN_TLS;
    }
    let auth = this.authSpellingOf(authValue);
    if (auth < 0) {
      this.report.unrecognisedAuth(this.source, line, text(authValue));
      auth = UNKNOWN_AUTH;
    }
    // An export's last_seen: the last of the messages the record stands for (from its first_seen on).
    let last = timestamp;
    if (lastSeenValue !== undefined && lastSeenValue !== null && lastSeenValue !== "") {
      last = typeof lastSeenValue === "string" || typeof lastSeenValue === "number" ? parseTimestamp(lastSeenValue, zone, this.settings.dateOrder) : NaN;
      if (!(last >= timestamp)) {
        this.report.skip(this.source, line, `last_seen ${quote(text(lastSeenValue))} is ${Number.isNaN(last) ? "not understood" : "before first_seen"}`);
        return;
      }
    }
    this.report.records++;
    this.sink.addIds(timestamp, sender, this.ipOf(ipValue), tls, auth, messages, last);
  }

  /** The sink id of a raw sender (and domain column value), or -1 for an empty sender. */
  senderOf(senderValue: RawValue, domainValue: RawValue): number {
    const raw = text(senderValue);
    const key = domainValue === undefined ? raw : `${raw}\u0000${text(domainValue)}`;
    return cached(this.senders, key, () => {
      const sender = bareAddress(raw.trim()).toLowerCase();
      const domain = domainOf(sender) || text(domainValue).trim().toLowerCase().replace(/^@/, "");
      return sender === "" ? -1 : this.sink.senderId(sender, domain);
    });
  }

  /** The TLS code of a raw spelling, or -1 - code of `unknown` for a spelling not recognised. */
  tlsOf(value: RawValue): number {
    return cached(this.tls, tlsText(value), (raw) => {
      const version = parseTlsVersion(raw);
      return version === undefined ? unrecognised(UNKNOWN_TLS) : TLS_CODE.get(version)!;
    });
  }

  /** The auth code of a raw mechanism name (a name not recognised is `unknown`). */
  authOf(value: RawValue): number {
    const code = this.authSpellingOf(value);
    return code < 0 ? UNKNOWN_AUTH : code;
  }

  /** The auth code of a raw mechanism name, or -1 - code of `unknown` for a name not recognised (to be counted). */
  authSpellingOf(value: RawValue): number {
    return cached(this.auths, text(value), (raw) => {
      const kind = recognisedAuthKind(raw.trim());
      return kind === undefined ? unrecognised(UNKNOWN_AUTH) : AUTH_CODE.get(kind)!;
    });
  }

  /** The sink id of a raw client address. */
  ipOf(value: RawValue): number {
    return cached(this.ips, text(value), (raw) => this.sink.clientIpId(raw.trim()));
  }
}

/**
 * A sender as an address: the address inside the last `<...>` of a value that ends with `>` (a display
 * name and brackets, `Printer HQ <printer@contoso.com>`, `<printer@contoso.com>`), else the value itself:
 * brackets without an address inside are part of a name (`CONTOSO\\svc<1>`).
 */
function bareAddress(sender: string): string {
  const open = sender.endsWith(">") ? sender.lastIndexOf("<") : -1;
  const inner = open < 0 ? "" : sender.slice(open + 1, -1).trim();
  return inner.includes("@") ? inner : sender;
}

/** The value cached for a raw text, computed the first time it is asked for. */
function cached(cache: Map<string, number>, raw: string, compute: (raw: string) => number): number {
  let value = cache.get(raw);
  if (value === undefined) cache.set(raw, (value = compute(raw)));
  return value;
}

function text(value: RawValue): string {
  if (typeof value === "string") return value;
  if (value === undefined || value === null) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** A TLS value as text: JSON numbers such as 1.2 keep their decimal, booleans their word. */
function tlsText(value: RawValue): string {
  return typeof value === "number" ? value.toFixed(1) : text(value);
}

// Digits in groups of three after a thousands separator, the same one throughout: `1,234` (English),
// `1.234.567` (German), `1 234` (French, also with a no-break or narrow no-break space), `1'234` (Swiss).
const GROUPED = /^\d{1,3}([,.' \u00a0\u202f])\d{3}(?:\1\d{3})*$/;

/**
 * The whole number a `messages` value stands for, or undefined when it is none. A count never has
 * decimals, so `1.234` and `1,234` are a thousand two hundred and thirty-four, as a spreadsheet wrote them.
 */
function messageCount(value: RawValue): number | undefined {
  if (value === undefined || value === null || value === "") return 1;
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  if (trimmed === "") return 1;
  const digits = /^\d+$/.test(trimmed) ? trimmed : GROUPED.test(trimmed) ? trimmed.replace(/\D/g, "") : undefined;
  if (digits === undefined) return undefined;
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : undefined;
}
