import type { Zone } from "../core/zone.js";
import { ByteInterner } from "./byte-interner.js";
import type { Field } from "./columns.js";
import type { RecordNormalizer } from "./normalize.js";
import type { ReadReport } from "./read-report.js";
import { AUTH_CODE, TLS_CODE, type SubmissionSink } from "../core/record.js";
import { instantFromBytes } from "../core/timestamp.js";

/** Where one record's fields are in a buffer: [start, end) per field, start -1 for a missing field. */
export interface FieldBounds {
  timestampStart: number;
  timestampEnd: number;
  senderStart: number;
  senderEnd: number;
  tlsStart: number;
  tlsEnd: number;
  authStart: number;
  authEnd: number;
  ipStart: number;
  ipEnd: number;
  messagesStart: number;
  messagesEnd: number;
}

const UNKNOWN_TLS = TLS_CODE.get("unknown")!;
const UNKNOWN_AUTH = AUTH_CODE.get("unknown")!;

/** Empty field bounds, to be filled for each record. */
export function fieldBounds(): FieldBounds {
  return { timestampStart: -1, timestampEnd: -1, senderStart: -1, senderEnd: -1, tlsStart: -1, tlsEnd: -1, authStart: -1, authEnd: -1, ipStart: -1, ipEnd: -1, messagesStart: -1, messagesEnd: -1 };
}

/**
 * Sets each field's bounds from its column (or key position), -1 for a field without one. Written
 * out field by field: this runs for every record.
 */
export function setBounds(b: FieldBounds, at: Partial<Record<Field, number>>, startOf: (column: number) => number, endOf: (column: number) => number): void {
  const { timestamp, sender, tls_version: tls, auth, client_ip: ip, messages } = at;
  b.timestampStart = timestamp === undefined ? -1 : startOf(timestamp);
  b.timestampEnd = timestamp === undefined ? -1 : endOf(timestamp);
  b.senderStart = sender === undefined ? -1 : startOf(sender);
  b.senderEnd = sender === undefined ? -1 : endOf(sender);
  b.tlsStart = tls === undefined ? -1 : startOf(tls);
  b.tlsEnd = tls === undefined ? -1 : endOf(tls);
  b.authStart = auth === undefined ? -1 : startOf(auth);
  b.authEnd = auth === undefined ? -1 : endOf(auth);
  b.ipStart = ip === undefined ? -1 : startOf(ip);
  b.ipEnd = ip === undefined ? -1 : endOf(ip);
  b.messagesStart = messages === undefined ? -1 : startOf(messages);
  b.messagesEnd = messages === undefined ? -1 : endOf(messages);
}

/**
 * The reading hot path: one record's fields as byte ranges go straight to the sink. Each distinct
 * raw sender, address, TLS spelling and mechanism is interned by its bytes and normalised once (by the
 * RecordNormalizer, so both paths agree). A record with anything unusual (a timestamp in a rarer
 * form, an empty sender, a count that is not digits) is declined and read as text instead.
 */
export class ByteFields {
  private readonly senders = new BytesMemo();
  private readonly ips = new BytesMemo();
  private readonly tls = new BytesMemo();
  private readonly auths = new BytesMemo();
  // Sender, TLS, auth and address together: a device repeats the same four on every record.
  private readonly restBytes = new ByteInterner();
  private readonly restSender: number[] = [];
  private readonly restPair: number[] = [];
  private readonly restTls: number[] = [];
  private readonly restAuth: number[] = [];
  private readonly restTlsText: string[] = [];
  private readonly restAuthText: string[] = [];
  // The group row each tuple last counted into, and its bucket's bounds.
  private readonly restRow: number[] = [];
  private readonly restFrom: number[] = [];
  private readonly restTo: number[] = [];
  private readonly parts = new Int32Array(4);
  private readonly partEnds = new Int32Array(4);
  private readonly noAuth: number;

  constructor(
    private readonly normalizer: RecordNormalizer,
    private readonly sink: SubmissionSink,
    private readonly report: ReadReport,
    private readonly source: string,
  ) {
    this.noAuth = normalizer.authOf("");
  }

  /**
   * As accept, for a record without a count field: sender, TLS, auth and address are looked up as
   * one tuple, so a device's repeated records cost one lookup.
   */
  private acceptRecord(bytes: Uint8Array, f: FieldBounds, zone: Zone, line: number): boolean {
    const timestamp = instantFromBytes(bytes, f.timestampStart, f.timestampEnd, zone);
    if (Number.isNaN(timestamp)) return false;
    const rest = this.tuple(bytes, f);
    if (rest === -2) return this.accept(bytes, f, zone, line);
    if (rest < 0) return false;
    this.countTuple(rest, timestamp, line, 1);
    return true;
  }

  /**
   * The id of a record's sender, TLS, auth and address values together (not the bytes between them:
   * JSONL keys repeat on every line, and hashing them would be most of the work); -1 for a record
   * without a sender, -2 when a value is too long to be looked up as part of a tuple.
   */
  tuple(bytes: Uint8Array, f: FieldBounds): number {
    const parts = this.parts;
    const partEnds = this.partEnds;
    parts[0] = f.senderStart;
    partEnds[0] = f.senderEnd;
    parts[1] = f.tlsStart;
    partEnds[1] = f.tlsEnd;
    parts[2] = f.authStart;
    partEnds[2] = f.authEnd;
    parts[3] = f.ipStart;
    partEnds[3] = f.ipEnd;
    const rest = this.restBytes.internTuple(bytes, parts, partEnds, 4);
    if (rest < 0) return -2;
    if (rest === this.restSender.length) {
      const sender = this.senderOf(bytes, f);
      const tls = this.tlsOf(bytes, f);
      this.restSender.push(sender);
      this.restTls.push(tls);
      this.restTlsText.push(tls < 0 ? this.tlsText(bytes, f) : "");
      const auth = this.authOf(bytes, f);
      this.restAuth.push(auth);
      this.restAuthText.push(auth < 0 ? this.auths.text(bytes, f.authStart, f.authEnd) : "");
      this.restPair.push(sender < 0 ? -1 : this.sink.pairId(sender, this.ipOf(bytes, f)));
      this.restRow.push(-1);
      this.restFrom.push(0);
      this.restTo.push(0);
    }
    return this.restSender[rest]! < 0 ? -1 : rest;
  }

  /**
   * Counts `messages` submissions of a tuple (from tuple) at an instant. The group's row is kept per
   * tuple while the records stay in its bucket, so a device's run of records on one day costs no
   * lookup at all.
   */
  countTuple(rest: number, timestamp: number, line: number, messages: number): void {
    let tls = this.restTls[rest]!;
    if (tls < 0) {
      this.report.unrecognisedTls(this.source, line, this.restTlsText[rest]!);
      tls = UNKNOWN_TLS;
    }
    let auth = this.restAuth[rest]!;
    if (auth < 0) {
      this.report.unrecognisedAuth(this.source, line, this.restAuthText[rest]!);
      auth = UNKNOWN_AUTH;
    }
    this.report.records++;
    const row = this.restRow[rest]!;
    if (row >= 0 && timestamp >= this.restFrom[rest]! && timestamp < this.restTo[rest]!) {
      this.sink.bumpRow(row, timestamp, messages);
      return;
    }
    const added = this.sink.addPair(timestamp, this.restPair[rest]!, tls, auth, messages);
    if (added >= 0) {
      this.restRow[rest] = added;
      this.restFrom[rest] = this.sink.rowFrom;
      this.restTo[rest] = this.sink.rowTo;
    }
  }

  /** Counts the record whose fields are at `f`; false when it must be read as text. */
  take(bytes: Uint8Array, f: FieldBounds, zone: Zone, line: number): boolean {
    return f.messagesStart < 0 ? this.acceptRecord(bytes, f, zone, line) : this.accept(bytes, f, zone, line);
  }

  /** Counts the record, or returns false (having counted nothing) when it must be read as text. */
  private accept(bytes: Uint8Array, f: FieldBounds, zone: Zone, line: number): boolean {
    const timestamp = instantFromBytes(bytes, f.timestampStart, f.timestampEnd, zone);
    if (Number.isNaN(timestamp)) return false;
    let messages = 1;
    if (f.messagesStart >= 0 && f.messagesEnd > f.messagesStart) {
      messages = 0;
      for (let i = f.messagesStart; i < f.messagesEnd; i++) {
        const d = bytes[i]! - 48;
        if (d < 0 || d > 9 || messages > 1e14) return false;
        messages = messages * 10 + d;
      }
    }
    const sender = this.senderOf(bytes, f);
    if (sender < 0) return false;
    let tls = this.tlsOf(bytes, f);
    if (tls < 0) {
      this.report.unrecognisedTls(this.source, line, this.tlsText(bytes, f));
      tls = UNKNOWN_TLS;
    }
    let auth = this.authOf(bytes, f);
    if (auth < 0) {
      this.report.unrecognisedAuth(this.source, line, this.auths.text(bytes, f.authStart, f.authEnd));
      auth = UNKNOWN_AUTH;
    }
    const ip = this.ipOf(bytes, f);
    this.report.records++;
    this.sink.addIds(timestamp, sender, ip, tls, auth, messages);
    return true;
  }

  /** The sink id of the sender field, or -1 when it is empty. */
  private senderOf(bytes: Uint8Array, f: FieldBounds): number {
    return this.senders.get(bytes, f.senderStart, f.senderEnd, (raw) => this.normalizer.senderOf(raw, undefined));
  }

  /** The TLS code of the field (`unknown` without one), or negative for a spelling not recognised. */
  private tlsOf(bytes: Uint8Array, f: FieldBounds): number {
    if (f.tlsStart < 0) return UNKNOWN_TLS;
    return this.tls.get(bytes, f.tlsStart, f.tlsEnd, (raw) => this.normalizer.tlsOf(raw));
  }

  /** The auth code of the field (`unknown` without one), or negative for a name not recognised. */
  private authOf(bytes: Uint8Array, f: FieldBounds): number {
    if (f.authStart < 0) return this.noAuth;
    return this.auths.get(bytes, f.authStart, f.authEnd, (raw) => this.normalizer.authSpellingOf(raw));
  }

  private ipOf(bytes: Uint8Array, f: FieldBounds): number {
    return f.ipStart < 0 ? this.ips.get(bytes, 0, 0, (raw) => this.normalizer.ipOf(raw)) : this.ips.get(bytes, f.ipStart, f.ipEnd, (raw) => this.normalizer.ipOf(raw));
  }

  /** The raw text of a TLS field, for the warning about a spelling not recognised. */
  private tlsText(bytes: Uint8Array, f: FieldBounds): string {
    return this.tls.text(bytes, f.tlsStart, f.tlsEnd);
  }
}

/** Values computed from raw byte strings, each computed once from the bytes' text. */
export class BytesMemo {
  private readonly interner = new ByteInterner();
  private readonly values: number[] = [];

  get(bytes: Uint8Array, start: number, end: number, compute: (raw: string) => number): number {
    const id = this.interner.intern(bytes, start, end);
    if (id === this.values.length) this.values.push(compute(this.interner.text(id)));
    return this.values[id]!;
  }

  /** The text of bytes already looked up with get. */
  text(bytes: Uint8Array, start: number, end: number): string {
    const id = this.interner.intern(bytes, start, end);
    if (id >= this.values.length) throw new Error("BytesMemo.text of bytes never looked up");
    return this.interner.text(id);
  }
}
