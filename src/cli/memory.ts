// Running out of memory ends a Node process with a V8 "FATAL ERROR" and a native stack trace, and no
// word on what to do. The heap is watched while reading instead: near its limit the run stops with
// one line saying how much it held and how to ask for less.
import { getHeapStatistics } from "node:v8";
import { InputError } from "../core/errors.js";
import { thousands } from "../render/text.js";

/** What is held, for the message: groups and distinct senders. */
export interface HeldCounts {
  groups: number;
  senders: number;
}

/**
 * A check to call now and then (after each chunk read): it throws an InputError with advice when the
 * heap is nearly full. Maps grow by doubling, all at once: room is kept for twice the largest growth
 * seen between two checks (and at least a tenth of the heap), since the next doubling is twice the last.
 */
export function memoryGuard(held: () => HeldCounts): () => void {
  // The heap's limit counts the young generation too (48 MB on 64-bit machines); objects that stay
  // (every sender held) live in the old generation, whose limit is the rest.
  const heap = getHeapStatistics().heap_size_limit;
  const limit = Math.max(heap - 48 * (1 << 20), heap / 4);
  let last = getHeapStatistics().used_heap_size;
  let largestGrowth = 0;
  return () => {
    const used = getHeapStatistics().used_heap_size;
    largestGrowth = Math.max(largestGrowth, used - last);
    last = used;
    if (used + Math.max(2 * largestGrowth, limit / 10) < limit) return;
    const { groups, senders } = held();
    throw new InputError(
      `out of memory: the heap is nearly full after holding ${thousands(groups)} groups of ${thousands(senders)} senders; ` +
      "ask for fewer: a shorter range (--from/--to), a longer period (--by day, week or month), or filters (--domain, --sender, --tls, --auth, --client-ip); " +
      "or give Node more memory (NODE_OPTIONS=--max-old-space-size=4096)",
    );
  };
}
