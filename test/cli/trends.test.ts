import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LEGACY_TLS, type Submission } from "../../src/core/record.js";
import { generateHistory } from "../history.js";
import { addDays } from "../naive.js";
import { FIXTURES, put, runCli, scratch } from "../helpers.js";

// Three weeks, 2 to 22 November 2026: the default range is the last week (16-22), compared with 9-15.
const START = Date.UTC(2026, 10, 2);
const folder = scratch();
const history = generateHistory({ seed: 14, start: START, days: 21, changeDay: 14 });
const log = put(folder, "history/maillog", history.text);
const RANGE = { from: "2026-11-16", to: "2026-11-22" };
const EARLIER = { from: "2026-11-09", to: "2026-11-15" };

const day = (t: number): string => new Date(t).toISOString().slice(0, 10);
const within = (w: { from: string; to: string }) => (r: { timestamp: number }): boolean => day(r.timestamp) >= w.from && day(r.timestamp) <= w.to;
const problem = (r: Submission): boolean => LEGACY_TLS.has(r.tls) || r.auth === "basic";
const network = (ip: string): string => `${ip.split(".").slice(0, 3).join(".")}.0/24`;
const iso = (t: number): string => new Date(t).toISOString().replace(".000Z", "Z");

/** The five classes, the plain way: from the records of each window. */
function naiveClasses(records: Submission[], before: { from: string; to: string }, after: { from: string; to: string }): Map<string, string> {
  const b = records.filter(within(before));
  const a = records.filter(within(after));
  const classes = new Map<string, string>();
  for (const sender of new Set([...b, ...a].map((r) => r.sender))) {
    const was = b.filter((r) => r.sender === sender);
    const is = a.filter((r) => r.sender === sender);
    const hadProblem = was.some(problem);
    const hasProblem = is.some(problem);
    if (hadProblem && is.length === 0) classes.set(sender, "quiet");
    else if (hadProblem && hasProblem) {
      const gained = [(r: Submission) => LEGACY_TLS.has(r.tls), (r: Submission) => r.auth === "basic"].some((p) => is.some(p) && !was.some(p));
      classes.set(sender, gained ? "regressed" : "still");
    }
    else if (hadProblem) classes.set(sender, "fixed");
    else if (hasProblem) classes.set(sender, was.length === 0 ? "new" : "regressed");
  }
  return classes;
}

const median = (values: number[]): number => {
  const s = [...values].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Unusual activity, the plain way, with the README's thresholds (5 times the median and 100 above it over 3+ days; 5 failures in a day). */
function naiveUnusual(h: typeof history): object[] {
  const found: { sender: string; kind: string; period: string; evidence: object }[] = [];
  const earlier = h.submissions.filter(within(EARLIER));
  const range = h.submissions.filter(within(RANGE));
  const perDay = (records: Submission[], sender: string): Map<string, number> => {
    const m = new Map<string, number>();
    for (const r of records) if (r.sender === sender) m.set(day(r.timestamp), (m.get(day(r.timestamp)) ?? 0) + 1);
    return m;
  };
  for (const sender of new Set(range.map((r) => r.sender))) {
    const before = [...perDay(earlier, sender).values()];
    const now = perDay(range, sender);
    for (const [d, messages] of now) {
      const baseline = [...before, ...[...now].filter(([e]) => e !== d).map(([, m]) => m)];
      const usual = median(baseline);
      if (baseline.length >= 3 && messages >= 5 * usual && messages - usual >= 100) {
        found.push({ sender, kind: "burst", period: d, evidence: { messages, median: usual, baseline_periods: baseline.length } });
      }
    }
    const known = new Set(earlier.filter((r) => r.sender === sender).map((r) => network(r.clientIp)));
    if (known.size === 0) continue;
    const seen = new Set<string>();
    for (const r of range.filter((x) => x.sender === sender).sort((x, y) => x.timestamp - y.timestamp)) {
      const net = network(r.clientIp);
      if (known.has(net) || seen.has(net)) continue;
      seen.add(net);
      found.push({ sender, kind: "new_address", period: day(r.timestamp), evidence: { client_ip: r.clientIp, network: net, first_seen: iso(r.timestamp), known_networks: [...known].sort() } });
    }
  }
  const failures = new Map<string, number[]>();
  for (const f of h.failures.filter((x) => within(EARLIER)(x) || within(RANGE)(x))) {
    const key = `${day(f.timestamp)} ${f.clientIp}`;
    failures.set(key, [...(failures.get(key) ?? []), f.timestamp]);
  }
  for (const [key, times] of failures) {
    if (times.length < 5) continue;
    const ip = key.split(" ")[1]!;
    const first = Math.min(...times);
    const logins = range.filter((r) => r.clientIp === ip && r.timestamp > first).sort((x, y) => x.timestamp - y.timestamp);
    for (const sender of new Set(logins.map((r) => r.sender))) {
      const login = logins.find((r) => r.sender === sender)!;
      found.push({ sender, kind: "login_after_failures", period: day(login.timestamp), evidence: { client_ip: ip, failed_logins: times.length, first_failure: iso(first), last_failure: iso(Math.max(...times)), login: iso(login.timestamp) } });
    }
  }
  return found.sort((x, y) => (x.period < y.period ? -1 : x.period > y.period ? 1 : x.sender < y.sender ? -1 : x.sender > y.sender ? 1 : x.kind < y.kind ? -1 : 1));
}

describe("change over time, on a generated history", () => {
  const summary = JSON.parse(runCli(["summary", log, "--compare", "previous", "--format", "json"]).stdout);

  it("puts each sender in exactly one class, as an independent count does", () => {
    const expected = naiveClasses(history.submissions, EARLIER, RANGE);
    expect(summary.compare.range).toEqual({ from: "2026-11-09T00:00:00Z", to: "2026-11-16T00:00:00Z", timezone: "UTC" });
    const got = new Map<string, string>(summary.compare.senders.map((s: { sender: string; status: string }) => [s.sender, s.status]));
    expect(got.size).toBe(summary.compare.senders.length);
    expect(got).toEqual(expected);
    // The cast of the migration, each in its class.
    expect([...got].filter(([, s]) => s !== "still")).toEqual([
      ["printer-new@corp.example", "new"], ["scanner-reset@corp.example", "regressed"], ["mfp-fixed@corp.example", "fixed"], ["fax-old@corp.example", "quiet"],
    ]);
    const fixed = summary.compare.senders.find((s: { status: string }) => s.status === "fixed");
    expect(fixed.before).toEqual({ messages: history.submissions.filter((r) => r.sender === "mfp-fixed@corp.example" && within(EARLIER)(r)).length, tls_versions: ["TLS1.0"], auth: ["basic"] });
    expect(fixed.after.tls_versions).toEqual(["TLS1.2"]);
    expect(summary.compare.senders.find((s: { status: string }) => s.status === "quiet").after).toBeNull();
  });

  it("gives every headline figure before, after and the change", () => {
    const count = (records: Submission[]) => ({
      senders: new Set(records.map((r) => r.sender)).size,
      messages: records.length,
      legacy: new Set(records.filter((r) => LEGACY_TLS.has(r.tls)).map((r) => r.sender)).size,
      basic: new Set(records.filter((r) => r.auth === "basic").map((r) => r.sender)).size,
    });
    const b = count(history.submissions.filter(within(EARLIER)));
    const a = count(history.submissions.filter(within(RANGE)));
    const f = summary.compare.figures;
    expect(f.senders).toEqual({ before: b.senders, after: a.senders, change: a.senders - b.senders });
    expect(f.messages).toEqual({ before: b.messages, after: a.messages, change: a.messages - b.messages });
    expect(f.legacy_tls_senders).toEqual({ before: b.legacy, after: a.legacy, change: a.legacy - b.legacy });
    expect(f.basic_auth_senders).toEqual({ before: b.basic, after: a.basic, change: a.basic - b.basic });
    const failed = (w: { from: string; to: string }) => history.failures.filter(within(w)).length;
    expect(f.failed_logins).toEqual({ before: failed(EARLIER), after: failed(RANGE), change: failed(RANGE) - failed(EARLIER) });
    expect(f.domains).toEqual({ before: 1, after: 1, change: 0 });
  });

  it("finds the misuse (a burst, a new address, a login after guessing) and nothing else, as an independent search does", () => {
    const expected = naiveUnusual(history);
    expect(summary.unusual).toEqual(expected);
    expect(summary.unusual.map((u: { kind: string; sender: string }) => `${u.kind} ${u.sender}`)).toEqual([
      "burst j.doe@corp.example", "login_after_failures j.doe@corp.example", "new_address j.doe@corp.example",
    ]);
  });

  it("compares with an explicit window, and lists new and regressed first in text", () => {
    const run = runCli(["summary", log, "--compare", "2026-11-02..2026-11-08", "--width", "120"]);
    expect(run.code).toBe(0);
    const expected = naiveClasses(history.submissions, { from: "2026-11-02", to: "2026-11-08" }, RANGE);
    const counts = ["new", "regressed", "fixed", "quiet", "still"].map((s) => `${[...expected.values()].filter((v) => v === s).length} ${s}`).join(", ");
    expect(run.stdout).toContain("Compared with 2026-11-02 to 2026-11-08 (7 days, UTC)");
    expect(run.stdout).toContain(`Senders on legacy TLS or Basic auth: ${counts}`);
    const list = run.stdout.slice(run.stdout.indexOf("Senders on legacy TLS or Basic auth:")).split("\n").slice(2, 4).map((l) => l.trim().split(/\s+/).slice(0, 2).join(" "));
    expect(list).toEqual(["new printer-new@corp.example", "regressed scanner-reset@corp.example"]);
    expect(runCli(["summary", log, "--compare", "2026-11-08..2026-11-02"]).code).toBe(2);
    expect(runCli(["summary", log, "--compare", "last week"]).stderr).toContain("--compare: 'last week' is neither previous nor FROM..TO");
  });

  it("at 60 columns, each window's TLS and auth keep their start (cut at the end, alike on every row)", () => {
    const run = runCli(["summary", log, "--compare", "2026-11-02..2026-11-08", "--width", "60"]);
    const lines = run.stdout.split("\n");
    const table = lines.slice(lines.findIndex((l) => /^ {2}status +sender +before +after$/.test(l)) + 1).filter((l) => /^ {2}(new|regressed|fixed|quiet|still) /.test(l));
    expect(table.length).toBeGreaterThan(0);
    for (const line of table) {
      expect(line.length).toBeLessThanOrEqual(60);
      // before and after: a TLS version, none/unknown or an empty window (—) first; never a cut start (…).
      for (const cell of line.trim().split(/\s{2,}/).slice(2)) expect(cell, line).toMatch(/^(TLS|SSL|none|unknown|-)/);
    }
  });

  it("says when a fall in senders on legacy TLS may be a sender whose TLS became unknown", () => {
    const rows = [
      // was-legacy: TLS1.0 before, TLS unknown after (its "fix" cannot be told); still-legacy: TLS1.0 in both.
      "2026-11-10T10:00:00Z,was-legacy@corp.example,TLS1.0,oauth", "2026-11-17T10:00:00Z,was-legacy@corp.example,,oauth",
      "2026-11-10T10:00:00Z,still-legacy@corp.example,TLS1.0,oauth", "2026-11-17T10:00:00Z,still-legacy@corp.example,TLS1.0,oauth",
      "2026-11-10T10:00:00Z,fine@corp.example,TLS1.2,oauth", "2026-11-17T10:00:00Z,fine@corp.example,TLS1.2,oauth",
    ];
    const file = put(folder, "unknown-after.csv", `timestamp,sender,tls_version,auth\n${rows.join("\n")}\n`);
    const run = runCli(["summary", file, "--from", "2026-11-16", "--to", "2026-11-22", "--compare", "previous", "--width", "100"]);
    expect(run.stdout).toMatch(/Senders on legacy TLS +2 +1 +-1\n  Senders on Basic auth +0 +0 +0\n  Not counted on legacy TLS: senders with TLS unknown \(0 before, 1 after\)\.\n/);
    expect(run.stdout).not.toContain("Not counted on Basic auth");
    expect(run.stdout).toMatch(/still +was-legacy@corp\.example/);
    const json = JSON.parse(runCli(["summary", file, "--from", "2026-11-16", "--to", "2026-11-22", "--compare", "previous", "--format", "json"]).stdout);
    expect(json.compare.figures.legacy_tls_senders).toEqual({ before: 2, after: 1, change: -1 });
    expect(json.compare.unknown_senders).toEqual({ tls: { before: 0, after: 1 }, auth: { before: 0, after: 0 } });
  });

  it("counts distinct senders per period and TLS version (or auth kind) with --metric senders", () => {
    for (const category of ["tls", "auth"] as const) {
      const run = runCli([category, log, "--all", "--metric", "senders", "--format", "csv"]);
      const column = category === "tls" ? "tls_version" : "auth";
      const lines = run.stdout.trimEnd().split("\n");
      expect(lines[0]).toBe(`period,${column},senders`);
      const values = [...new Set(history.submissions.map((r) => r[category]))];
      expect(lines.length - 1).toBe(21 * values.length);
      for (const line of lines.slice(1)) {
        const [period, value, senders] = line.split(",");
        const naive = new Set(history.submissions.filter((r) => day(r.timestamp) === period && r[category] === value).map((r) => r.sender)).size;
        expect(`${line}`).toBe(`${period},${value},${naive}`);
        expect(Number(senders)).toBe(naive);
      }
      const json = JSON.parse(runCli([category, log, "--all", "--metric", "senders", "--format", "json"]).stdout);
      expect(json.rows.length).toBe(lines.length - 1);
      expect(Object.keys(json.rows[0])).toEqual(["period", column, "senders"]);
    }
    const chart = runCli(["auth", log, "--all", "--metric", "senders", "--width", "80"]).stdout;
    expect(chart).toContain("Authentication (distinct senders per day)");
    expect(chart).toContain(`2026-11-02 to 2026-11-22 (21 days, UTC): ${new Set(history.submissions.map((r) => r.sender)).size} senders`);
  });
});

describe("ordinary traffic", () => {
  const ordinary = generateHistory({ seed: 41, start: START, days: 21 });
  const file = put(folder, "ordinary/maillog", ordinary.text);

  it("flags nothing in three weeks: addresses change inside their /24, typos are followed by logins, guessing never succeeds", () => {
    // The generated traffic has the cases that must not alarm anyone.
    expect(new Set(ordinary.submissions.filter((r) => r.sender === "mfp-0@corp.example").map((r) => r.clientIp)).size).toBeGreaterThan(1);
    expect(ordinary.failures.filter((f) => f.clientIp.startsWith("10.")).length).toBeGreaterThan(3);
    for (const args of [[], ["--from", "2026-11-09", "--to", "2026-11-22"], ["--by", "hour"], ["--by", "week"], ["--all", "--by", "month"], ["--from", "2026-11-03"]]) {
      const run = runCli(["summary", file, "--format", "json", ...args]);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout).unusual).toEqual([]);
    }
    expect(runCli(["summary", file]).stdout).toContain("Unusual activity: none");
  });
});

// Days counted as the SPEC does (the earlier window of `--compare previous` is as long as the range).
it("the previous window of a 14-day range is the 14 days before it", () => {
  const run = JSON.parse(runCli(["summary", log, "--from", "2026-11-09", "--to", "2026-11-22", "--compare", "previous", "--format", "json"]).stdout);
  expect(run.compare.range.from).toBe(`${addDays("2026-11-09", -14)}T00:00:00Z`);
  expect(run.compare.range.to).toBe("2026-11-09T00:00:00Z");
});

describe("the earlier window read in the same pass", () => {
  it("keeps the range of the whole input under filters (records filtered out still end the input)", () => {
    const csv = put(folder, "history.csv", `timestamp,sender,tls_version,auth,client_ip\n${history.submissions.map((r) => `${iso(r.timestamp)},${r.sender},${r.tls},${r.auth},${r.clientIp}`).join("\n")}\n`);
    const args = [csv, "--domain", "corp.example", "--sender", "fax-*", "--format", "json"];
    const summaryRange = JSON.parse(runCli(["summary", ...args]).stdout).range;
    expect(summaryRange).toEqual(JSON.parse(runCli(["volume", ...args]).stdout).range);
    expect(summaryRange.to).toBe("2026-11-23T00:00:00Z");
  });

  it("splits the windows exactly at a date-time inside a day (one device's records on both sides)", () => {
    const csv = put(folder, "instants.csv", `timestamp,sender,tls_version,auth,client_ip\n${history.submissions.map((r) => `${iso(r.timestamp)},${r.sender},${r.tls},${r.auth},${r.clientIp}`).join("\n")}\n`);
    const from = Date.parse("2026-11-16T12:00:00Z");
    const to = Date.parse("2026-11-22T12:00:00Z");
    const doc = JSON.parse(runCli(["summary", csv, "--from", "2026-11-16T12:00:00Z", "--to", "2026-11-22T12:00:00Z", "--compare", "previous", "--format", "json"]).stdout);
    expect(doc.compare.range).toEqual({ from: "2026-11-10T12:00:00Z", to: "2026-11-16T12:00:00Z", timezone: "UTC" });
    const count = (a: number, b: number) => history.submissions.filter((r) => r.timestamp >= a && r.timestamp < b).length;
    expect(doc.compare.figures.messages).toEqual({ before: count(from - (to - from), from), after: count(from, to), change: count(from, to) - count(from - (to - from), from) });
  });

  it("gives the same from a large file read by two threads as from one", () => {
    // 30 copies of the history's devices (24 MB and more): the worker thread feeds both windows too.
    const lines = ["timestamp,sender,tls_version,auth,client_ip,note"];
    const pad = "x".repeat(120);
    for (let copy = 0; copy < 30; copy++) {
      for (const r of history.submissions) lines.push(`${iso(r.timestamp)},${copy}-${r.sender},${r.tls},${r.auth},${r.clientIp},${pad}`);
    }
    const path = join(folder, "large.csv");
    writeFileSync(path, `${lines.join("\n")}\n`);
    const two = runCli(["summary", path, "--compare", "previous", "--format", "json"]);
    const one = runCli(["summary", path, "--compare", "previous", "--format", "json"], { env: { SMTP_AUTH_REPORT_THREADS: "1" } });
    expect(two.stdout).toBe(one.stdout);
    const doc = JSON.parse(two.stdout);
    expect(doc.compare.senders.filter((s: { status: string }) => s.status === "new")).toHaveLength(30);
    // CSV has no failed logins: the burst and the new address of each copy of the misused account.
    expect(doc.unusual.map((u: { kind: string }) => u.kind).sort()).toEqual([...Array(30).fill("burst"), ...Array(30).fill("new_address")]);
  });
});

describe("new addresses of IPv4 clients logged as IPv4-mapped IPv6 (::ffff:a.b.c.d)", () => {
  it("are judged by their IPv4 /24: a move inside it is not new, one to another /24 is, named by its IPv4 network", () => {
    const rows = ["timestamp,sender,tls,auth,client_ip"];
    for (let d = 9; d <= 15; d++) {
      const t = `2026-11-${d}T10:00:00Z`;
      rows.push(`${t},mapped@x.example,TLS1.2,XOAUTH2,::ffff:10.1.1.5`, `${t},plain@x.example,TLS1.2,XOAUTH2,::ffff:10.1.2.5`, `${t},moved@x.example,TLS1.2,XOAUTH2,::ffff:10.1.3.5`, `${t},hex@x.example,TLS1.2,XOAUTH2,10.1.4.5`);
    }
    // The same /24 as before (mapped, plain, hex-written mapped), and one address in another /24.
    rows.push("2026-11-18T10:00:00Z,mapped@x.example,TLS1.2,XOAUTH2,::ffff:10.1.1.9", "2026-11-18T10:00:00Z,plain@x.example,TLS1.2,XOAUTH2,10.1.2.9",
      "2026-11-18T10:00:00Z,moved@x.example,TLS1.2,XOAUTH2,::FFFF:10.9.9.9", "2026-11-18T10:00:00Z,hex@x.example,TLS1.2,XOAUTH2,::ffff:a01:409");
    const file = put(folder, "mapped/export.csv", `${rows.join("\n")}\n`);
    const run = runCli(["summary", file, "--format", "json"]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).unusual).toEqual([{ sender: "moved@x.example", kind: "new_address", period: "2026-11-18",
      evidence: { client_ip: "::FFFF:10.9.9.9", network: "10.9.9.0/24", first_seen: "2026-11-18T10:00:00Z", known_networks: ["10.1.3.0/24"] } }]);
    expect(runCli(["summary", file, "--fail-on", "unusual"]).stderr).toContain("--fail-on unusual: 1 unusual finding: new_address moved@x.example 2026-11-18");
  });
});

describe("--fail-on new and unusual, for cron", () => {
  const ordinary = put(folder, "calm/maillog", generateHistory({ seed: 41, start: START, days: 21 }).text);

  it("a sender that traded one problem for the other (legacy TLS before, Basic auth now) regressed: --fail-on new exits 3", () => {
    const rows = ["timestamp,sender,tls_version,auth"];
    for (const day of [3, 4, 5]) rows.push(`2026-11-0${day}T09:00:00Z,sw@corp.example,TLS1.0,XOAUTH2`, `2026-11-0${day}T10:00:00Z,old@corp.example,TLS1.0,LOGIN`);
    for (const day of [10, 11, 12]) rows.push(`2026-11-${day}T09:00:00Z,sw@corp.example,TLS1.2,LOGIN`, `2026-11-${day}T10:00:00Z,old@corp.example,TLS1.1,LOGIN`);
    const file = put(folder, "traded/export.csv", `${rows.join("\n")}\n`);
    const run = runCli(["summary", file, "--compare", "previous", "--fail-on", "new", "--format", "json"]);
    expect(run.code).toBe(3);
    expect(JSON.parse(run.stdout).compare.senders.map((s: { sender: string; status: string }) => `${s.sender} ${s.status}`)).toEqual(["sw@corp.example regressed", "old@corp.example still"]);
    expect(run.stderr).toContain("sw@corp.example (regressed)");
  });

  it("exit 3 when a sender is new or regressed against the previous (or compared) window, naming them", () => {
    const expected = [...naiveClasses(history.submissions, EARLIER, RANGE)].filter(([, s]) => s === "new" || s === "regressed")
      .sort(([a, x], [b, y]) => (x === y ? (a < b ? -1 : 1) : x === "new" ? -1 : 1));
    for (const command of ["export", "tls", "summary"]) {
      const run = runCli([command, log, "--fail-on", "new", "--format", command === "export" ? "csv" : "json"]);
      expect(run.code).toBe(3);
      expect(run.stderr).toContain(`--fail-on new: ${expected.length} senders newly on legacy TLS or Basic auth since 2026-11-09 to 2026-11-15 (7 days, UTC): ${expected.map(([sender, s]) => `${sender} (${s})`).join(", ")}`);
    }
    const against = runCli(["summary", log, "--compare", "2026-11-02..2026-11-08", "--fail-on", "new"]);
    expect(against.code).toBe(3);
    expect(against.stderr).toContain("since 2026-11-02 to 2026-11-08");
    expect(runCli(["summary", ordinary, "--fail-on", "new"]).code).toBe(0);
  });

  it("exit 3 on unusual activity, 0 on ordinary traffic, 1 without history to judge against", () => {
    const run = runCli(["export", log, "--fail-on", "unusual"]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("--fail-on unusual: 3 unusual findings: burst j.doe@corp.example 2026-11-19, login_after_failures j.doe@corp.example 2026-11-19, new_address j.doe@corp.example 2026-11-19");
    const calm = runCli(["export", ordinary, "--fail-on", "unusual"]);
    expect([calm.code, calm.stderr]).toEqual([0, "smtp-auth-report: --fail-on unusual: none found: no unusual activity in 2026-11-16 to 2026-11-22 (7 days, UTC)\n"]);
    const all = runCli(["summary", ordinary, "--all", "--fail-on", "unusual"]);
    expect(all.code).toBe(1);
    expect(all.stderr).toContain("--fail-on unusual: cannot decide: the earlier window, 2026-10-12 to 2026-11-01 (21 days, UTC), holds no submissions to compare with");
    expect(runCli(["summary", ordinary, "--all", "--fail-on", "new"]).code).toBe(1);
  });

  it("find what is new in the dimension that can be told, and exit 1 where nothing was found and one cannot be told", () => {
    const noTls = put(folder, "no-tls.csv", `timestamp,sender,auth,client_ip\n${history.submissions.map((r) => `${iso(r.timestamp)},${r.sender},${r.auth},${r.clientIp}`).join("\n")}\n`);
    const run = runCli(["summary", noTls, "--fail-on", "new", "--format", "json"]);
    // printer-new is new on Basic auth; scanner-reset regressed on TLS only, which this input cannot tell.
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("1 sender newly on legacy TLS or Basic auth since 2026-11-09 to 2026-11-15 (7 days, UTC): printer-new@corp.example (new); legacy TLS cannot be told");
    const clean = runCli(["summary", noTls, "--fail-on", "new", "--sender", "user-*"]);
    expect(clean.code).toBe(1);
    expect(clean.stderr).toContain("--fail-on new: cannot decide: legacy TLS cannot be told");
  });
});

describe("an earlier window without submissions (review 11)", () => {
  it("says 'with these filters' only where filters were given", () => {
    const log = join(FIXTURES, "postfix", "maillog");
    const plain = runCli(["summary", log, "--compare", "previous", "--width", "200"]);
    expect(plain.stdout).toContain("The earlier window holds no submissions: every sender with a problem counts as new.");
    const filtered = runCli(["summary", log, "--compare", "previous", "--width", "200", "--domain", "northwind.example"]);
    expect(filtered.stdout).toContain("The earlier window holds no submissions with these filters: every sender with a problem counts as new.");
  });
});
