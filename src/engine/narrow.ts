// --tls and --auth applied after reading: a comparison judges each sender on everything it sent (a
// sender that moved to OAuth is fixed, not quiet, under --auth basic), so both windows are read without
// these two filters and narrowed to them for every other view.
import { AUTH_KINDS, TLS_VERSIONS } from "../core/record.js";
import type { Aggregate } from "./aggregate.js";
import { compileSelection, type FilterOptions } from "./filter.js";

/** True when the filters choose by TLS version or auth kind (the filters a comparison does not judge by). */
export function filtersOnTlsOrAuth(filters: FilterOptions): boolean {
  return filters.tls.length > 0 || filters.auth.length > 0;
}

/** The filters without --tls and --auth: what both windows of a comparison are read with. */
export function withoutTlsAndAuth(filters: FilterOptions): FilterOptions {
  return { ...filters, tls: [], auth: [] };
}

/** The aggregate's groups whose TLS version and auth kind pass `filters` (read with the other filters already applied), stated as `filters`. */
export function narrowToTlsAndAuth(whole: Aggregate, filters: FilterOptions): Aggregate {
  const selection = compileSelection(filters);
  const tlsKept = TLS_VERSIONS.map((v) => selection.tls(v));
  const authKept = AUTH_KINDS.map((k) => selection.auth(k));
  const c = whole.columns;
  const rows: number[] = [];
  for (let i = 0; i < c.size; i++) if (tlsKept[c.tls[i]!] && authKept[c.auth[i]!]) rows.push(i);
  const pick = <T extends Int32Array | Uint8Array | Float64Array>(column: T, into: T): T => {
    rows.forEach((row, at) => (into[at] = column[row]!));
    return into;
  };
  const size = rows.length;
  const columns = {
    size, senders: c.senders, domains: c.domains, clientIps: c.clientIps,
    period: pick(c.period, new Int32Array(size)), sender: pick(c.sender, new Int32Array(size)), clientIp: pick(c.clientIp, new Int32Array(size)),
    tls: pick(c.tls, new Uint8Array(size)), auth: pick(c.auth, new Uint8Array(size)),
    messages: pick(c.messages, new Float64Array(size)), firstSeen: pick(c.firstSeen, new Float64Array(size)), lastSeen: pick(c.lastSeen, new Float64Array(size)),
  };
  let groups: Aggregate["groups"] | undefined;
  return {
    range: whole.range, unit: whole.unit, periods: whole.periods, columns, filters,
    // Failed logins have no TLS or auth: --tls and --auth never applied to them.
    failedLogins: whole.failedLogins, failedLoginsByDay: whole.failedLoginsByDay,
    extent: whole.extent, failedLoginsExtent: whole.failedLoginsExtent, rangeHasSubmissions: whole.rangeHasSubmissions, boundsAsked: whole.boundsAsked,
    filtersMatchingNothing: whole.filtersMatchingNothing, inputsInRange: whole.inputsInRange,
    get groups() {
      groups ??= whole.groups.filter((g) => selection.tls(g.tls) && selection.auth(g.auth));
      return groups;
    },
  };
}
