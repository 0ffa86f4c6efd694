// Progress of a migration per period: how many distinct senders used each TLS version or auth kind,
// and how many were still on legacy TLS or Basic auth (Microsoft's "senders by TLS protocol").
import type { Aggregate, Group } from "./aggregate.js";
import { senderKey } from "./compare.js";
import { CATEGORY_VALUES, needsAction, type Category, type Series } from "./views.js";

/** Distinct senders per period for each name a group is given (groups named undefined are left out). */
function senderSeries(aggregate: Aggregate, names: readonly string[], nameOf: (g: Group) => string | undefined): Series[] {
  const index = new Map(aggregate.periods.map((p, i) => [p.key, i]));
  const perPeriod = new Map(names.map((n) => [n, aggregate.periods.map(() => new Set<string>())]));
  const overall = new Map(names.map((n) => [n, new Set<string>()]));
  for (const g of aggregate.groups) {
    const name = nameOf(g);
    if (name === undefined) continue;
    const who = senderKey(g);
    perPeriod.get(name)![index.get(g.period.key)!]!.add(who);
    overall.get(name)!.add(who);
  }
  return names.map((name) => ({ name, values: perPeriod.get(name)!.map((s) => s.size), total: overall.get(name)!.size }));
}

/**
 * Distinct senders per period for each TLS version (or auth kind) present, in canonical order; a
 * series' total is its distinct senders over the whole range (a sender may count in several).
 */
export function categorySenderSeries(aggregate: Aggregate, category: Category): Series[] {
  return senderSeries(aggregate, CATEGORY_VALUES[category], (g) => g[category]).filter((s) => s.total > 0);
}

/** The names of the progress series. */
export const PROGRESS_SERIES = ["senders", "on legacy TLS", "on Basic auth"] as const;

/** The burndown: per period, distinct senders in all, on legacy TLS, and on Basic auth. */
export function progressSeries(aggregate: Aggregate): Series[] {
  const all = senderSeries(aggregate, ["senders"], () => "senders");
  const legacy = senderSeries(aggregate, ["on legacy TLS"], (g) => (needsAction("tls", g.tls) ? "on legacy TLS" : undefined));
  const basic = senderSeries(aggregate, ["on Basic auth"], (g) => (needsAction("auth", g.auth) ? "on Basic auth" : undefined));
  return [...all, ...legacy, ...basic];
}
