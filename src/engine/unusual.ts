// Unusual activity in the range, judged against each sender's own history (the earlier window and
// the range's other periods): bursts, logins from new networks, logins after failed logins.
import type { Period } from "../core/period.js";
import { compareText } from "../core/record.js";
import type { Aggregate, FailedLogins, Group } from "./aggregate.js";
import { senderKey } from "./compare.js";

/**
 * The thresholds (README "Unusual activity"). A burst: a period's messages at least BURST_FACTOR times
 * the sender's median and BURST_EXTRA above it, the median taken over at least BURST_HISTORY other
 * periods in which it sent. A login after failures: a login from an address that had at least
 * FAILURES_BEFORE_LOGIN failed logins in one day (a typo now and then is not guessing).
 */
export const BURST_FACTOR = 5;
export const BURST_EXTRA = 100;
export const BURST_HISTORY = 3;
export const FAILURES_BEFORE_LOGIN = 5;

/** What kind of unusual activity (SPEC "Change over time"). */
export type UnusualKind = "burst" | "new_address" | "login_after_failures";

/** One finding, with its evidence. Instants are epoch milliseconds. */
export type Unusual = { sender: string; domain: string; period: Period } & (
  | { kind: "burst"; messages: number; median: number; baselinePeriods: number }
  | { kind: "new_address"; clientIp: string; network: string; firstSeen: number; knownNetworks: string[] }
  | { kind: "login_after_failures"; clientIp: string; failedLogins: number; firstFailure: number; lastFailure: number; login: number }
);

/**
 * The network an address belongs to for `new_address`: its /24 (IPv4) or /64 (IPv6); other text as it
 * is. An IPv4-mapped IPv6 address (`::ffff:10.1.1.5`, how a dual-stack listener logs IPv4 clients) is
 * its IPv4 address: its /64 would put every IPv4 client in one network, and its raw text none in any.
 */
export function networkOf(clientIp: string): string {
  const v4 = /^\[?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}\]?(?::\d+)?$/.exec(clientIp);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0/24`;
  const bare = clientIp.replace(/^\[([^\]]+)\](?::\d+)?$/, "$1").toLowerCase();
  const mapped = /^(?:::|(?:0{1,4}:){5})ffff:(?:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/.exec(bare);
  if (mapped) {
    const [, dotted, high, low] = mapped;
    if (dotted !== undefined) return networkOf(dotted);
    const h = parseInt(high!, 16);
    const l = parseInt(low!, 16);
    return networkOf(`${h >> 8}.${h & 255}.${l >> 8}.${l & 255}`);
  }
  if (!/^[0-9a-f:]+$/.test(bare) || !bare.includes(":")) return clientIp;
  const [head = "", tail] = bare.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const groups = tail === undefined ? left : [...left, ...new Array<string>(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}

/** The median of some numbers (the mean of the middle two for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Messages per period of each sender: period index → messages. */
function messagesPerPeriod(aggregate: Aggregate): Map<string, Map<number, number>> {
  const bySender = new Map<string, Map<number, number>>();
  const index = new Map(aggregate.periods.map((p, i) => [p.key, i]));
  for (const g of aggregate.groups) {
    let periods = bySender.get(senderKey(g));
    if (periods === undefined) bySender.set(senderKey(g), (periods = new Map()));
    const p = index.get(g.period.key)!;
    periods.set(p, (periods.get(p) ?? 0) + g.messages);
  }
  return bySender;
}

function bursts(range: Aggregate, earlier: Aggregate): Unusual[] {
  const found: Unusual[] = [];
  const before = messagesPerPeriod(earlier);
  const senders = new Map(range.groups.map((g) => [senderKey(g), g]));
  for (const [key, periods] of messagesPerPeriod(range)) {
    const history = [...(before.get(key)?.values() ?? [])];
    for (const [p, messages] of periods) {
      // A burst is at least BURST_EXTRA messages: most periods of most senders need no median at all.
      if (messages < BURST_EXTRA) continue;
      const baseline = [...history, ...[...periods].filter(([q]) => q !== p).map(([, m]) => m)];
      if (baseline.length < BURST_HISTORY) continue;
      const usual = median(baseline);
      if (messages >= BURST_FACTOR * usual && messages - usual >= BURST_EXTRA) {
        const { sender, domain } = senders.get(key)!;
        found.push({ kind: "burst", sender, domain, period: range.periods[p]!, messages, median: usual, baselinePeriods: baseline.length });
      }
    }
  }
  return found;
}

function newAddresses(range: Aggregate, earlier: Aggregate): Unusual[] {
  const known = new Map<string, Set<string>>();
  for (const g of earlier.groups) {
    if (g.clientIp === "") continue;
    let networks = known.get(senderKey(g));
    if (networks === undefined) known.set(senderKey(g), (networks = new Set()));
    networks.add(networkOf(g.clientIp));
  }
  // The range's groups in time order: a network is new once, where it first appears.
  const groups = range.groups.filter((g) => g.clientIp !== "" && known.has(senderKey(g))).sort((a, b) => a.firstSeen - b.firstSeen || compareText(a.clientIp, b.clientIp));
  const found: Unusual[] = [];
  const seen = new Map<string, Set<string>>();
  for (const g of groups) {
    const network = networkOf(g.clientIp);
    const before = known.get(senderKey(g))!;
    let fresh = seen.get(senderKey(g));
    if (fresh === undefined) seen.set(senderKey(g), (fresh = new Set()));
    if (before.has(network) || fresh.has(network)) continue;
    fresh.add(network);
    found.push({ kind: "new_address", sender: g.sender, domain: g.domain, period: g.period, clientIp: g.clientIp, network, firstSeen: g.firstSeen, knownNetworks: [...before].sort(compareText) });
  }
  return found;
}

function loginsAfterFailures(range: Aggregate, earlier: Aggregate): Unusual[] {
  // Days on which an address failed often enough, in either window.
  const bursts = new Map<string, FailedLogins[]>();
  for (const f of [...(earlier.failedLoginsByDay ?? []), ...(range.failedLoginsByDay ?? [])]) {
    if (f.failures < FAILURES_BEFORE_LOGIN) continue;
    let list = bursts.get(f.clientIp);
    if (list === undefined) bursts.set(f.clientIp, (list = []));
    list.push(f);
  }
  // Per sender and address: the first moment known to be after such a day's first failure.
  const logins = new Map<string, { g: Group; failed: FailedLogins; login: number }>();
  for (const g of range.groups) {
    for (const failed of bursts.get(g.clientIp) ?? []) {
      if (g.lastSeen <= failed.first) continue;
      const login = g.firstSeen > failed.first ? g.firstSeen : g.lastSeen;
      const key = `${senderKey(g)}\u0000${g.clientIp}`;
      const known = logins.get(key);
      if (known === undefined || login < known.login) logins.set(key, { g, failed, login });
    }
  }
  return [...logins.values()].map(({ g, failed, login }) => ({
    kind: "login_after_failures", sender: g.sender, domain: g.domain, period: g.period, clientIp: g.clientIp,
    failedLogins: failed.failures, firstFailure: failed.first, lastFailure: failed.last, login,
  }));
}

/** Unusual activity in the range (`range`), judged against the earlier window (`earlier`); by period, sender, kind. */
export function unusualActivity(range: Aggregate, earlier: Aggregate): Unusual[] {
  return [...bursts(range, earlier), ...newAddresses(range, earlier), ...loginsAfterFailures(range, earlier)]
    .sort((a, b) => a.period.start - b.period.start || compareText(a.sender, b.sender) || compareText(a.domain, b.domain) || compareText(a.kind, b.kind));
}
