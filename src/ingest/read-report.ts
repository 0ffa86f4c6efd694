import { InputError } from "../core/errors.js";

/** A record that was skipped, and where. */
export interface RecordProblem {
  source: string;
  line: number;
  reason: string;
}

const EXAMPLES = 3;

/** A ReadReport's counts as plain data. */
export interface ReportCounts {
  records: number;
  skipped: number;
  examples: RecordProblem[];
  unknownTls: number;
  unknownTlsExamples: RecordProblem[];
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
  /** Inputs that held no records: empty, a header alone, or a server log without submissions. */
  readonly empty: string[] = [];
  /** The formats the inputs were read as (what a missing TLS version or auth kind means depends on it). */
  readonly formats = new Set<string>();
  /** Failed logins read (server logs): a log of failed logins alone is a valid input. */
  failedLogins = 0;
  /** Things reading assumed or noticed that the user should know (one line each, shown on stderr). */
  readonly notes: string[] = [];

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

  /** Adds what reading a later part of a file found; its line numbers are moved on by `lineOffset`. */
  absorb(part: ReportCounts, lineOffset: number): void {
    this.records += part.records;
    this.skipped += part.skipped;
    this.unknownTls += part.unknownTls;
    const moved = (p: RecordProblem): RecordProblem => ({ ...p, line: p.line + lineOffset });
    this.examples.push(...part.examples.slice(0, EXAMPLES - this.examples.length).map(moved));
    this.unknownTlsExamples.push(...part.unknownTlsExamples.slice(0, EXAMPLES - this.unknownTlsExamples.length).map(moved));
  }

  /** The counts as plain data (what a worker thread posts). */
  counts(): ReportCounts {
    return { records: this.records, skipped: this.skipped, examples: this.examples, unknownTls: this.unknownTls, unknownTlsExamples: this.unknownTlsExamples };
  }

  /** Notes a TLS spelling that was read as `unknown`. */
  unrecognisedTls(source: string, line: number, spelling: string): void {
    this.unknownTls++;
    if (this.unknownTlsExamples.length < EXAMPLES) {
      this.unknownTlsExamples.push({ source, line, reason: `TLS version ${quote(spelling)} not recognised` });
    }
  }
}

/** A log value quoted for a message, shortened, with control characters escaped. */
export function quote(value: string): string {
  const short = value.length > 60 ? `${value.slice(0, 60)}…` : value;
  return JSON.stringify(short);
}
