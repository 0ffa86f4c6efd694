import { BlockList, isIP } from "node:net";
import { UsageError } from "../core/errors.js";
import { AUTH_KINDS, LEGACY_TLS, TLS_VERSIONS, parseTlsVersion, type AuthKind, type TlsVersion } from "../core/record.js";

/** The record filters every command takes; an empty list means no filter on that field. */
export interface FilterOptions {
  domains: string[];
  senders: string[];
  tls: string[];
  auth: string[];
  clientIps: string[];
}

/** No filter on any field. */
export const NO_FILTERS: FilterOptions = { domains: [], senders: [], tls: [], auth: [], clientIps: [] };

/** The compiled filters, one test per field, so that a reader can test each distinct value once. */
export interface Selection {
  sender(sender: string, domain: string): boolean;
  tls(tls: TlsVersion): boolean;
  auth(auth: AuthKind): boolean;
  clientIp(clientIp: string): boolean;
}

const ANY = (): boolean => true;

/** Compiles the filter options, with a usage error naming any value that is not accepted. */
export function compileSelection(options: FilterOptions): Selection {
  const domains = splitList(options.domains).map((d) => d.toLowerCase().replace(/^@/, ""));
  const domainSet = new Set(domains.map((d) => (d === "(none)" ? "" : d)));
  const patterns = options.senders.flatMap((s) => s.split(",")).map((s) => s.trim()).filter(Boolean).map(wildcard);
  const tls = splitList(options.tls);
  const tlsSet = new Set<TlsVersion>(tls.flatMap(tlsChoice));
  const auth = splitList(options.auth);
  const authSet = new Set<AuthKind>(auth.map(authChoice));
  return {
    sender: domainSet.size === 0 && patterns.length === 0 ? ANY
      : (sender, domain) => (domainSet.size === 0 || domainSet.has(domain)) && (patterns.length === 0 || patterns.some((p) => p.test(sender))),
    tls: tls.length === 0 ? ANY : (v) => tlsSet.has(v),
    auth: auth.length === 0 ? ANY : (v) => authSet.has(v),
    clientIp: compileClientIpFilter(options.clientIps),
  };
}

/** Compiles `--client-ip` alone: true for an address inside one of the blocks (or for any, with none). */
export function compileClientIpFilter(clientIps: string[]): (clientIp: string) => boolean {
  const cidrs = splitList(clientIps);
  if (cidrs.length === 0) return ANY;
  const blocks = cidrBlocks(cidrs);
  return (text) => {
    const ip = bareIp(text);
    const family = isIP(ip);
    return family !== 0 && blocks.check(ip, family === 4 ? "ipv4" : "ipv6");
  };
}

/**
 * The `--domain`, `--sender` and `--client-ip` values that match nothing the input holds (no sender,
 * domain or client address of any record, whatever the range): most likely typos. Each is said as
 * given, after its option: `--domain contoso.con`.
 */
export function valuesMatchingNothing(options: FilterOptions, held: { senders: readonly string[]; domains: readonly string[]; clientIps: readonly string[] }): string[] {
  const unmatched: string[] = [];
  const domains = new Set(held.domains);
  for (const value of splitList(options.domains)) {
    const domain = value.toLowerCase().replace(/^@/, "");
    if (!domains.has(domain === "(none)" ? "" : domain)) unmatched.push(`--domain ${value}`);
  }
  for (const value of splitList(options.senders)) {
    const pattern = wildcard(value);
    if (!held.senders.some((sender) => pattern.test(sender))) unmatched.push(`--sender ${value}`);
  }
  for (const value of splitList(options.clientIps)) {
    const inside = compileClientIpFilter([value]);
    if (!held.clientIps.some(inside)) unmatched.push(`--client-ip ${value}`);
  }
  return unmatched;
}

/**
 * True when every value given to one of --domain, --sender and --client-ip is among `unmatched` (from
 * valuesMatchingNothing): that filter selects nothing of the input. One quiet domain of a watch list
 * (`--domain a.example,b.example`) leaves the others' answer standing.
 */
export function filterSelectsNothing(options: FilterOptions, unmatched: readonly string[]): boolean {
  const kinds: [string, string[]][] = [["--domain", options.domains], ["--sender", options.senders], ["--client-ip", options.clientIps]];
  return kinds.some(([flag, values]) => {
    const given = splitList(values);
    return given.length > 0 && given.every((value) => unmatched.includes(`${flag} ${value}`));
  });
}

function splitList(values: string[]): string[] {
  return values.flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean);
}

/** A case-insensitive whole-string pattern where `*` matches anything. */
function wildcard(pattern: string): RegExp {
  const body = pattern.toLowerCase().split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*");
  return new RegExp(`^${body}$`, "s");
}

function tlsChoice(value: string): TlsVersion[] {
  if (value.toLowerCase() === "legacy") return [...LEGACY_TLS];
  const version = parseTlsVersion(value);
  if (version === undefined) {
    throw new UsageError(`--tls: unknown TLS version '${value}'; use legacy or any of ${TLS_VERSIONS.join(", ")}`);
  }
  return [version];
}

function authChoice(value: string): AuthKind {
  const kind = value.toLowerCase() as AuthKind;
  if (!AUTH_KINDS.includes(kind)) throw new UsageError(`--auth: unknown kind '${value}'; use ${AUTH_KINDS.join(", ")}`);
  return kind;
}

function cidrBlocks(cidrs: string[]): BlockList {
  const blocks = new BlockList();
  for (const cidr of cidrs) {
    const [address = "", prefixText] = cidr.split("/");
    const family = isIP(address);
    const max = family === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (family === 0 || (prefixText !== undefined && !/^\d+$/.test(prefixText)) || !Number.isInteger(prefix) || prefix < 0 || prefix > max) {
      throw new UsageError(`--client-ip: '${cidr}' is not an address or CIDR block; use e.g. 192.0.2.0/24, 203.0.113.7 or 2001:db8::/32`);
    }
    blocks.addSubnet(address, prefix, family === 4 ? "ipv4" : "ipv6");
  }
  return blocks;
}

/** A client address without IPv6 brackets or a `:port` suffix, as logs sometimes write it. */
function bareIp(text: string): string {
  if (isIP(text)) return text;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) return bracketed[1]!;
  const withPort = /^([\d.]+):\d+$/.exec(text);
  return withPort ? withPort[1]! : text;
}
