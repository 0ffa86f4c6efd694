import type { Zone } from "../engine/zone.js";
import { ByteInterner } from "./byte-interner.js";
import type { RecordNormalizer } from "./normalize.js";
import type { ReadReport } from "./read-report.js";
import { TLS_CODE, type SubmissionSink } from "./submission.js";
import { instantFromBytes } from "./timestamp.js";

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

/**
 * The reading hot path: one record's fields as byte ranges go straight to the sink. Each distinct
 * raw sender, address, TLS spelling and mechanism is interned by its bytes and normalised once (by the
 * RecordNormalizer, so both paths agree). A record with anything unusual (a timestamp in a rarer
 * form, an empty sender, a count that is not digits) is declined and read as text instead.
 */
export class ByteFields {
  private readonly senderBytes = new ByteInterner();
  private readonly senderIds: number[] = [];
  private readonly ipBytes = new ByteInterner();
  private readonly ipIds: number[] = [];
  private readonly tlsBytes = new ByteInterner();
  private readonly tlsCodes: number[] = [];
  private readonly authBytes = new ByteInterner();
  private readonly authCodes: number[] = [];

  constructor(
    private readonly normalizer: RecordNormalizer,
    private readonly sink: SubmissionSink,
    private readonly report: ReadReport,
    private readonly source: string,
  ) {}

  /** Counts the record, or returns false (having counted nothing) when it must be read as text. */
  accept(bytes: Uint8Array, f: FieldBounds, zone: Zone, line: number): boolean {
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
    const rawSender = this.senderBytes.intern(bytes, f.senderStart, f.senderEnd);
    if (rawSender === this.senderIds.length) this.senderIds.push(this.normalizer.senderOf(this.senderBytes.text(rawSender), undefined));
    const sender = this.senderIds[rawSender]!;
    if (sender < 0) return false;

    let tls = UNKNOWN_TLS;
    if (f.tlsStart >= 0) {
      const raw = this.tlsBytes.intern(bytes, f.tlsStart, f.tlsEnd);
      if (raw === this.tlsCodes.length) this.tlsCodes.push(this.normalizer.tlsOf(this.tlsBytes.text(raw)));
      tls = this.tlsCodes[raw]!;
      if (tls < 0) {
        this.report.unrecognisedTls(this.source, line, this.tlsBytes.text(raw));
        tls = UNKNOWN_TLS;
      }
    }
    let auth = this.normalizer.authOf("");
    if (f.authStart >= 0) {
      const raw = this.authBytes.intern(bytes, f.authStart, f.authEnd);
      if (raw === this.authCodes.length) this.authCodes.push(this.normalizer.authOf(this.authBytes.text(raw)));
      auth = this.authCodes[raw]!;
    }
    let ip = -1;
    const rawIp = f.ipStart >= 0 ? this.ipBytes.intern(bytes, f.ipStart, f.ipEnd) : this.ipBytes.intern(bytes, 0, 0);
    if (rawIp === this.ipIds.length) this.ipIds.push(this.normalizer.ipOf(this.ipBytes.text(rawIp)));
    ip = this.ipIds[rawIp]!;
    this.report.records++;
    this.sink.addIds(timestamp, sender, ip, tls, auth, messages);
    return true;
  }
}
