// Two aggregators fed in one pass: the range asked and the earlier window it is compared with (or
// whose history unusual activity is judged against). Readers see one sink with one set of ids.
import type { Submission, SubmissionSink, TlsVersion } from "../core/record.js";
import type { SubmissionAggregator } from "./aggregate.js";

/** A sink that hands every record to two aggregators, translating its ids into theirs. */
export class TeeSink implements SubmissionSink {
  // Ids handed out are the first aggregator's; these map them to the second's.
  private readonly senders: number[] = [];
  private readonly ips: number[] = [];
  // Pairs are numbered by this sink: the aggregators number them in their own order.
  private readonly pairIndex = new Map<number, number>();
  private readonly pairsA: number[] = [];
  private readonly pairsB: number[] = [];

  constructor(private readonly a: SubmissionAggregator, private readonly b: SubmissionAggregator) {}

  senderId(sender: string, domain: string): number {
    const id = this.a.senderId(sender, domain);
    // Absorbing a worker's part gives the first aggregator ids this sink never handed out: mapped when met.
    this.senders[id] ??= this.b.senderId(sender, domain);
    return id;
  }

  clientIpId(clientIp: string): number {
    const id = this.a.clientIpId(clientIp);
    this.ips[id] ??= this.b.clientIpId(clientIp);
    return id;
  }

  addIds(timestamp: number, sender: number, clientIp: number, tls: number, auth: number, messages: number, last = timestamp): void {
    this.a.addIds(timestamp, sender, clientIp, tls, auth, messages, last);
    this.b.addIds(timestamp, this.senders[sender]!, this.ips[clientIp]!, tls, auth, messages, last);
  }

  pairId(sender: number, clientIp: number): number {
    const a = this.a.pairId(sender, clientIp);
    if (a < 0) return -1;
    let pair = this.pairIndex.get(a);
    if (pair === undefined) {
      pair = this.pairsA.length;
      this.pairIndex.set(a, pair);
      this.pairsA.push(a);
      this.pairsB.push(this.b.pairId(this.senders[sender]!, this.ips[clientIp]!));
    }
    return pair;
  }

  /**
   * Counts into both aggregators. A record lies in at most one window, so the row handed back is that
   * aggregator's (even: the first's, odd: the second's), valid while a record stays in its bucket and
   * inside that aggregator's bounds; records in both windows (overlapping ones) get no row.
   */
  addPair(timestamp: number, pair: number, tls: number, auth: number, messages: number): number {
    // A pair the filters leave out still widens each aggregator's extent (where the input ends).
    const a = this.a.addPair(timestamp, pair < 0 ? -1 : this.pairsA[pair]!, tls, auth, messages);
    const b = this.b.addPair(timestamp, pair < 0 ? -1 : this.pairsB[pair]!, tls, auth, messages);
    if ((a < 0) === (b < 0)) return -1;
    const [owner, row] = a >= 0 ? [this.a, a * 2] : [this.b, b * 2 + 1];
    this.rowFrom = Math.max(owner.rowFrom, owner.from);
    this.rowTo = Math.min(owner.rowTo, owner.to);
    return row;
  }

  rowFrom = 0;
  rowTo = 0;

  bumpRow(row: number, timestamp: number, messages: number): void {
    if (row % 2 === 0) {
      this.a.bumpRow(row / 2, timestamp, messages);
      this.b.see(timestamp);
    } else {
      this.b.bumpRow((row - 1) / 2, timestamp, messages);
      this.a.see(timestamp);
    }
  }

  add(submission: Submission): void {
    this.a.add(submission);
    this.b.add(submission);
  }

  addUnsettled(submission: Submission, group?: number): void {
    this.a.addUnsettled(submission, group);
    this.b.addUnsettled(submission, group);
  }

  settle(tls: TlsVersion, group?: number): void {
    this.a.settle(tls, group);
    this.b.settle(tls, group);
  }

  failedLogin(timestamp: number, clientIp: string): void {
    this.a.failedLogin(timestamp, clientIp);
    this.b.failedLogin(timestamp, clientIp);
  }

  expectFailedLogins(): void {
    this.a.expectFailedLogins();
    this.b.expectFailedLogins();
  }
}
