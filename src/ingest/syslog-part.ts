import { domainOf } from "../core/record.js";
import type { ReportCounts } from "./read-report.js";

/**
 * What reading the later part of a syslog file (another thread's) found, as plain data: the Postfix
 * submissions and failed logins in line order, with what the part alone could not settle left open. A
 * submission of a session the part did not see begin waits for the open sessions at the end of the
 * first part (PENDING_SESSION, by host and process id); one of a session seen from its start without
 * a TLS line waits for its host's TLS lines in the whole file (HELD); whether a submission or a failed
 * login repeats an earlier one is decided when the first reader replays them in order
 * (PostfixSmtpd.absorbPart). Hosts, senders and addresses are the part's own ids, named here.
 */
export interface SyslogPartFindings {
  /** The part held a line the part reader does not read (Exim's): the first reader reads the part itself. */
  declined: boolean;
  /** PART_WIDTH numbers an event (see PartLog), `count` events. */
  events: Float64Array<ArrayBuffer>;
  count: number;
  authSpellings: string[];
  failedIps: string[];
  /** Host names (short) by the part's host ids, as latin1 text (their bytes, which need not be UTF-8), and the hosts whose smtpd logged TLS in the part. */
  hosts: string[];
  hostsWithTls: number[];
  /** The part's sessions at its end, 5 numbers each: host, pid, TLS code, address hash (ENDED: a session the part saw end), connected (1/0). */
  sessions: Float64Array<ArrayBuffer>;
  senders: string[];
  domains: string[];
  ips: string[];
  /** Lines of smtpd's read. */
  smtpdLines: number;
  counts: ReportCounts;
}

/** A later part of a plain syslog file, for a second reader. */
export interface SyslogFilePart {
  source: string;
  path: string;
  start: number;
  end: number;
  /** The latest instant a line can be from (see SyslogYear). */
  reference: number;
}

/** Reads a SyslogFilePart elsewhere (a worker thread); `stop` ends it. */
export type SyslogPartReader = (part: SyslogFilePart, onBytes?: (n: number) => void) => { result: Promise<SyslogPartFindings>; stop: () => void };

/** A submission's TLS while it waits for the first part's open session of its host and process. */
export const PENDING_SESSION = -1;
/** A submission's TLS while it waits for its host's TLS lines: `none` if the host logs TLS in the file, else `unknown`. */
export const HELD = -2;
/** The address hash of a session the part saw end without seeing it begin (it ends the first part's session). */
export const ENDED = -2;

export const SUBMISSION = 0;
export const FAILED_LOGIN = 1;
/**
 * Numbers an event: kind, line, timestamp, hash and second hash (of the queue id, or of the failed
 * login's text), host, pid, then for a submission sender, address, auth, TLS (or PENDING_SESSION,
 * HELD), address hash, auth spelling not recognised (-1: none), hash of the rest of the line (after
 * the queue id, to the user); for a failed login the address.
 */
export const PART_WIDTH = 14;

/** The events of a part as they are read (PostfixSmtpd in part mode writes them). */
export class PartLog {
  // Small at first, to grow before V8 compiles the code that writes it (see SMALL_TABLE in byte-interner.ts).
  private events: Float64Array<ArrayBuffer> = new Float64Array(PART_WIDTH * 8);
  count = 0;
  readonly authSpellings: string[] = [];
  readonly failedIps: string[] = [];
  readonly senders: string[] = [];
  readonly domains: string[] = [];
  readonly ips: string[] = [];
  private readonly failedIpIds = new Map<string, number>();
  private readonly ipIds = new Map<string, number>();

  /** The part's id of a raw sender (trimmed and lower-cased, as RecordNormalizer's), or -1 when empty. */
  senderOf(raw: string): number {
    const sender = raw.trim().toLowerCase();
    if (sender === "") return -1;
    this.senders.push(sender);
    this.domains.push(domainOf(sender));
    return this.senders.length - 1;
  }

  /** The part's id of an address (the caller looks each up once). */
  ipOf(raw: string): number {
    return idOf(this.ipIds, this.ips, raw.trim());
  }

  submission(line: number, timestamp: number, high: number, low: number, host: number, pid: number, sender: number, ip: number, auth: number, tls: number, ipHash: number, authSpelling: string | undefined, rest: number): void {
    const at = this.next(SUBMISSION, line, timestamp, high, low, host, pid);
    const e = this.events;
    e[at + 7] = sender;
    e[at + 8] = ip;
    e[at + 9] = auth;
    e[at + 10] = tls;
    e[at + 11] = ipHash;
    e[at + 12] = authSpelling === undefined ? -1 : this.authSpellings.push(authSpelling) - 1;
    e[at + 13] = rest;
  }

  failedLogin(line: number, timestamp: number, high: number, low: number, host: number, pid: number, ip: string): void {
    const at = this.next(FAILED_LOGIN, line, timestamp, high, low, host, pid);
    this.events[at + 7] = idOf(this.failedIpIds, this.failedIps, ip);
  }

  /** The events written (a view of the log's own array). */
  written(): Float64Array<ArrayBuffer> {
    return this.events.subarray(0, this.count * PART_WIDTH);
  }

  /** Starts an event with what every event has; returns where its own numbers go. */
  private next(kind: number, line: number, timestamp: number, high: number, low: number, host: number, pid: number): number {
    const at = this.count++ * PART_WIDTH;
    if (at + PART_WIDTH > this.events.length) {
      const bigger = new Float64Array(this.events.length * 2);
      bigger.set(this.events);
      this.events = bigger;
    }
    const e = this.events;
    e[at] = kind;
    e[at + 1] = line;
    e[at + 2] = timestamp;
    e[at + 3] = high;
    e[at + 4] = low;
    e[at + 5] = host;
    e[at + 6] = pid;
    return at;
  }
}

function idOf(ids: Map<string, number>, names: string[], name: string): number {
  let id = ids.get(name);
  if (id === undefined) {
    id = names.length;
    ids.set(name, id);
    names.push(name);
  }
  return id;
}
