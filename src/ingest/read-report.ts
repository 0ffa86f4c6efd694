import { InputError } from "../core/errors.js";
import type { SlashDateOrder } from "../core/timestamp.js";

/** A record that was skipped, and where. */
export interface RecordProblem {
  source: string;
  line: number;
  reason: string;
  /** The value at fault, where the reason is about one (a TLS spelling not recognised). */
  value?: string;
}

const EXAMPLES = 3;

/** A ReadReport's counts as plain data. */
export interface ReportCounts {
  records: number;
  skipped: number;
  examples: RecordProblem[];
  unknownTls: number;
  unknownTlsExamples: RecordProblem[];
  unknownAuth: number;
  unknownAuthExamples: RecordProblem[];
  slashDates: SlashDateCounts;
  /** Per input, whether some header or object shape of it had a TLS (auth) column (see columnsFound). */
  columnsTell: [string, ColumnsTell][];
}

/** Whether an input's columns (keys) name a TLS version and an auth kind. */
export interface ColumnsTell {
  tls: boolean;
  auth: boolean;
}

/** An input that cannot tell TLS or auth at all (no column, key or log line for it), and why, in words with the fix. */
export interface UntoldInput {
  source: string;
  category: "tls" | "auth";
  why: string;
}

/** Slash dates read without `--date-order`, by the orders their numbers allow, with the first of each. */
export interface SlashDateCounts {
  "day-first": number;
  "month-first": number;
  either: number;
  /** The first date of each kind: where, and its text in `reason`. */
  first: Partial<Record<SlashDateOrder, RecordProblem>>;
}

/**
 * What reading found besides records: skipped records (with the first few places), spellings that
 * were not understood. With `strict`, the first skip throws.
 */
export class ReadReport {
  /** Records read and normalised, whatever the range and filters. */
  records = 0;
  skipped = 0;
  readonly examples: RecordProblem[] = [];
  unknownTls = 0;
  readonly unknownTlsExamples: RecordProblem[] = [];
  /** Auth values not recognised (read as `unknown`), and the first few distinct ones (the value in `reason`). */
  unknownAuth = 0;
  readonly unknownAuthExamples: RecordProblem[] = [];
  /** Inputs that held no records: empty, a header alone, or a server log without submissions. */
  readonly empty: string[] = [];
  /** The formats the inputs were read as (what a missing TLS version or auth kind means depends on it). */
  readonly formats = new Set<string>();
  /** Failed logins read (server logs): a log of failed logins alone is a valid input. */
  failedLogins = 0;
  /** Slash dates read while no `--date-order` was given (month first assumed). */
  readonly slashDates: SlashDateCounts = { "day-first": 0, "month-first": 0, either: 0, first: {} };
  /** Things reading assumed or noticed that the user should know (one line each, shown on stderr). */
  readonly notes: string[] = [];
  /** Per CSV or JSONL input, whether any of its headers (object shapes) had a TLS and an auth column (key). */
  readonly columnsTell = new Map<string, ColumnsTell>();
  /**
   * Inputs that cannot tell TLS or auth at all, decided per input from what its reader knows without
   * looking at each record: no such column or key, a server log without TLS lines. Beside inputs that
   * can tell, their records make a count of senders on legacy TLS (Basic auth) partial.
   */
  readonly untoldInputs: UntoldInput[] = [];

  constructor(private readonly strict: boolean) {}

  /** Skips a bad record (or, with `strict`, stops reading with its place and reason). */
  skip(source: string, line: number, reason: string): void {
    if (this.strict) throw new InputError(`${source}:${line}: ${reason} (--strict stops at the first bad record)`);
    this.skipped++;
    if (this.examples.length < EXAMPLES) this.examples.push({ source, line, reason });
  }

  /** Notes something reading assumed or noticed (shown once on stderr). */
  note(text: string): void {
    if (!this.notes.includes(text)) this.notes.push(text);
  }

  /** Notes a header (or object shape) of an input: whether it has a TLS and an auth column. */
  columnsFound(source: string, tls: boolean, auth: boolean): void {
    const seen = this.columnsTell.get(source);
    if (seen === undefined) this.columnsTell.set(source, { tls, auth });
    else {
      seen.tls ||= tls;
      seen.auth ||= auth;
    }
  }

  /** Notes that an input cannot tell a category at all, and why (once per input and category). */
  untoldInput(source: string, category: "tls" | "auth", why: string): void {
    if (!this.untoldInputs.some((u) => u.source === source && u.category === category)) this.untoldInputs.push({ source, category, why });
  }

  /** Adds what reading a later part of a file found; its line numbers are moved on by `lineOffset`. */
  absorb(part: ReportCounts, lineOffset: number): void {
    for (const [source, tells] of part.columnsTell) this.columnsFound(source, tells.tls, tells.auth);
    this.records += part.records;
    this.skipped += part.skipped;
    this.unknownTls += part.unknownTls;
    this.unknownAuth += part.unknownAuth;
    const moved = (p: RecordProblem): RecordProblem => ({ ...p, line: p.line + lineOffset });
    this.examples.push(...part.examples.slice(0, EXAMPLES - this.examples.length).map(moved));
    this.unknownTlsExamples.push(...part.unknownTlsExamples.slice(0, EXAMPLES - this.unknownTlsExamples.length).map(moved));
    for (const example of part.unknownAuthExamples) this.addAuthExample(moved(example));
    for (const kind of SLASH_KINDS) {
      this.slashDates[kind] += part.slashDates[kind];
      const first = part.slashDates.first[kind];
      if (first !== undefined) this.slashDates.first[kind] ??= moved(first);
    }
  }

  /** The counts as plain data (what a worker thread posts). */
  counts(): ReportCounts {
    return { records: this.records, skipped: this.skipped, examples: this.examples, unknownTls: this.unknownTls, unknownTlsExamples: this.unknownTlsExamples, unknownAuth: this.unknownAuth, unknownAuthExamples: this.unknownAuthExamples, slashDates: this.slashDates, columnsTell: [...this.columnsTell] };
  }

  /** Notes an auth value (mechanism or protocol name) that was read as `unknown`. */
  unrecognisedAuth(source: string, line: number, spelling: string): void {
    this.unknownAuth++;
    this.addAuthExample({ source, line, reason: spelling });
  }

  /** Keeps the first few distinct auth values not recognised, each with where it was first seen. */
  private addAuthExample(example: RecordProblem): void {
    if (this.unknownAuthExamples.length < EXAMPLES && !this.unknownAuthExamples.some((e) => e.reason === example.reason)) this.unknownAuthExamples.push(example);
  }

  /** The first few auth values not recognised, quoted, for a message: `"Password", "GSSAPI"`. */
  unknownAuthNames(): string {
    return this.unknownAuthExamples.map((e) => quote(e.reason)).join(", ");
  }

  /** Counts a slash date read while no `--date-order` was given. */
  slashDate(kind: SlashDateOrder, source: string, line: number, value: string): void {
    this.slashDates[kind]++;
    this.slashDates.first[kind] ??= { source, line, reason: value };
  }

  /** Where dates could only be day first while month first was assumed: the one-line advice, naming the first. */
  dayFirstHint(): string | undefined {
    const first = this.slashDates.first["day-first"];
    return first === undefined ? undefined : `${DAY_FIRST_HINT} (first at ${first.source}:${first.line}: ${quote(first.reason)})`;
  }

  /**
   * Where no `--date-order` was given and the dates read say day first (some can only be day first,
   * none only month first) while others that could be either were read month first: the one-line
   * usage error that stops the run, as those were read in the wrong month. Undefined otherwise.
   */
  dateOrderConflict(): string | undefined {
    const dayFirst = this.slashDates.first["day-first"];
    const either = this.slashDates.either;
    if (dayFirst === undefined || either === 0 || this.slashDates["month-first"] > 0) return undefined;
    return `${dayFirst.source}:${dayFirst.line}: '${shorten(dayFirst.reason.trim())}' can only be day first, and ${either} other slash ${either === 1 ? "date was" : "dates were"} read month first: give --date-order dmy (or --date-order mdy to read them so)`;
  }

  /**
   * Says (as a note) that slash dates which could be either order were read month first, where no
   * date of the input tells the order: the user may mean day first, and nothing else would say so.
   * (With a date that can only be day first, dateOrderConflict stops the run instead.)
   */
  noteDateOrder(): void {
    const either = this.slashDates.first.either;
    if (either === undefined || this.slashDates["month-first"] > 0 || this.slashDates["day-first"] > 0) return;
    const example = `${either.source}:${either.line}: ${quote(either.reason)} read as ${monthFirstDate(either.reason)}`;
    this.note(`slash dates read month first (M/D/YYYY, as US and Microsoft exports), as none says otherwise (${example}); for day-first dates use --date-order dmy, or --date-order mdy to confirm`);
  }

  /** Notes a TLS spelling that was read as `unknown`. */
  unrecognisedTls(source: string, line: number, spelling: string): void {
    this.unknownTls++;
    if (this.unknownTlsExamples.length < EXAMPLES) {
      this.unknownTlsExamples.push({ source, line, reason: `TLS version ${quote(spelling)} not recognised`, value: spelling });
    }
  }

  /** The TLS spellings not recognised among the first few, quoted, for a message: `"TLS 9", "high"`. */
  unknownTlsNames(): string {
    return [...new Set(this.unknownTlsExamples.map((e) => quote(e.value ?? "")))].join(", ");
  }
}

const SLASH_KINDS = ["day-first", "month-first", "either"] as const;

/** What the user sees where a slash date cannot be month first (a skip reason, the warning, the error). */
export const DAY_FIRST_HINT = "day-first dates? use --date-order dmy";

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** An `M/D/YYYY` date in words (`May 11, 2026`), so a note shows which order was taken. */
function monthFirstDate(text: string): string {
  const m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})/.exec(text);
  return m ? `${MONTHS[+m[1]! - 1]} ${+m[2]!}, ${m[3]}` : text;
}

/** A log value quoted for a message, shortened, with control characters escaped. */
export function quote(value: string): string {
  return JSON.stringify(shorten(value));
}

/** A log value cut to 60 characters for a message. */
function shorten(value: string): string {
  return value.length > 60 ? `${value.slice(0, 60)}…` : value;
}
