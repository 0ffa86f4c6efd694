// The record every input is turned into, and its vocabulary: the canonical TLS versions and auth kinds,
// what counts as legacy, and every spelling that maps to them. The bottom layer: imports nothing of ours.

/** The canonical TLS versions a submission can carry; `none` = not encrypted, `unknown` = the log does not say. */
export const TLS_VERSIONS = ["SSL2", "SSL3", "TLS1.0", "TLS1.1", "TLS1.2", "TLS1.3", "none", "unknown"] as const;
/** One of the canonical TLS versions. */
export type TlsVersion = (typeof TLS_VERSIONS)[number];

/** The canonical authentication kinds. */
export const AUTH_KINDS = ["basic", "oauth", "unknown"] as const;
/** One of the canonical authentication kinds. */
export type AuthKind = (typeof AUTH_KINDS)[number];

/** TLS versions that mail services refuse or will refuse: anything older than TLS 1.2, and no TLS at all. */
export const LEGACY_TLS: ReadonlySet<TlsVersion> = new Set<TlsVersion>(["SSL2", "SSL3", "TLS1.0", "TLS1.1", "none"]);

/** One SMTP AUTH submission (or a pre-aggregated count of them), as every input is normalised to. */
export interface Submission {
  /** Instant of the submission, epoch milliseconds. */
  timestamp: number;
  /** Authenticated account or sender address, lower-case. */
  sender: string;
  /** Part after the last `@` of sender, else the input's domain column, else "". */
  domain: string;
  tls: TlsVersion;
  auth: AuthKind;
  /** Submitting client's address as the log wrote it, or "". */
  clientIp: string;
  /** How many messages this record stands for. */
  messages: number;
}

/** The index of each TLS version in TLS_VERSIONS and of each auth kind in AUTH_KINDS: their codes. */
export const TLS_CODE = new Map<TlsVersion, number>(TLS_VERSIONS.map((v, i) => [v, i]));
export const AUTH_CODE = new Map<AuthKind, number>(AUTH_KINDS.map((v, i) => [v, i]));

/**
 * Where readers put what they read. The hot path hands over ids (interned senders and addresses)
 * and codes (TLS_CODE, AUTH_CODE) instead of objects. Server logs know some TLS versions only at
 * the end of a file (`none` if its host logs TLS at all, else `unknown`): those submissions are
 * added unsettled and given their version by `settle`.
 */
export interface SubmissionSink {
  /** The id of a sender (lower-case) with its domain. */
  senderId(sender: string, domain: string): number;
  /** The id of a client address. */
  clientIpId(clientIp: string): number;
  /** Counts submissions given by ids and codes; `last` (default `timestamp`) is the last of them, for a record that spans time (an export's first_seen..last_seen). */
  addIds(timestamp: number, sender: number, clientIp: number, tls: number, auth: number, messages: number, last?: number): void;
  /** The id of a sender and client address together, or -1 when the filters leave them out. */
  pairId(sender: number, clientIp: number): number;
  /**
   * As addIds, for a pair from pairId (the hot path). Returns the row counted into, or -1; while a
   * later timestamp is in [rowFrom, rowTo), bumpRow counts the same pair, TLS and auth into that row.
   */
  addPair(timestamp: number, pair: number, tls: number, auth: number, messages: number): number;
  /** Counts a submission into a row from addPair (see there). */
  bumpRow(row: number, timestamp: number, messages: number): void;
  /** The bucket bounds of the row addPair returned last. */
  readonly rowFrom: number;
  readonly rowTo: number;
  add(submission: Submission): void;
  /** Holds a submission whose TLS version is known later, in a group (a host: each settles on its own). */
  addUnsettled(submission: Submission, group?: number): void;
  /** Gives the held submissions of a group (of all, without one) their TLS version. */
  settle(tls: TlsVersion, group?: number): void;
  /** A failed SMTP AUTH login from a client address. */
  failedLogin(timestamp: number, clientIp: string): void;
  /** Says that an input could record failed logins, even if none failed. */
  expectFailedLogins(): void;
}

// Every accepted spelling, after lower-casing, removing spaces, `_`, `-`, `.` and the `v` of `TLSv` (or of a bare `v1.2`),
// and the `sp_prot` / `server` / `client` decoration of Windows SCHANNEL names.
const TLS_SPELLINGS: ReadonlyMap<string, TlsVersion> = new Map<string, TlsVersion>([
  ["ssl2", "SSL2"], ["ssl20", "SSL2"],
  ["ssl3", "SSL3"], ["ssl30", "SSL3"],
  ["tls1", "TLS1.0"], ["tls10", "TLS1.0"], ["10", "TLS1.0"],
  ["tls11", "TLS1.1"], ["11", "TLS1.1"],
  ["tls12", "TLS1.2"], ["12", "TLS1.2"],
  ["tls13", "TLS1.3"], ["13", "TLS1.3"],
  ["none", "none"], ["no", "none"], ["plaintext", "none"], ["false", "none"],
  ["unknown", "unknown"], ["", "unknown"],
]);

/** The canonical TLS version of a log's spelling, or undefined when the spelling is not recognised. */
export function parseTlsVersion(text: string): TlsVersion | undefined {
  const squeezed = text.toLowerCase().replace(/[\s_.\-]/g, "");
  const bare = squeezed.replace(/^spprot/, "").replace(/(server|client)$/, "").replace(/^(tls|ssl)v/, "$1").replace(/^v(?=\d)/, "");
  return TLS_SPELLINGS.get(bare);
}

const AUTH_SPELLINGS: ReadonlyMap<string, AuthKind> = new Map<string, AuthKind>([
  ["login", "basic"], ["plain", "basic"], ["crammd5", "basic"], ["digestmd5", "basic"], ["ntlm", "basic"], ["basic", "basic"],
  ["xoauth2", "oauth"], ["oauthbearer", "oauth"], ["oauth", "oauth"],
  ["unknown", "unknown"], ["", "unknown"],
]);

/** The authentication kind of a mechanism or protocol name, or undefined when the name is not recognised (empty and `unknown` are `unknown`). */
export function recognisedAuthKind(text: string): AuthKind | undefined {
  return AUTH_SPELLINGS.get(text.toLowerCase().replace(/[\s_\-]/g, ""));
}

/** The authentication kind of a SASL mechanism or protocol name; anything unrecognised is `unknown`. */
export function parseAuthKind(text: string): AuthKind {
  return recognisedAuthKind(text) ?? "unknown";
}

/** The domain of a sender address: the part after the last `@`, or "" when there is none. */
export function domainOf(sender: string): string {
  const at = sender.lastIndexOf("@");
  return at >= 0 ? sender.slice(at + 1) : "";
}

/** Plain code-point comparison, as the SPEC orders every CSV (never locale order). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
