import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LEGACY_TLS, type Submission } from "../../src/core/record.js";
import { expectGolden, FIXTURES, put, runCli, scratch } from "../helpers.js";
import { addDays, localParts, submissions } from "../naive.js";

const CSV_FIXTURE = join(FIXTURES, "submissions.csv");

/** Parses a CSV the tool wrote (no quoted commas in these views' numbers) into objects. */
function parseCsv(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trimEnd().split("\n");
  const names = header!.split(",");
  return lines.map((line) => {
    const cells: string[] = [];
    for (const m of line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)) {
      if (m[0] === "" && cells.length === names.length) break;
      cells.push(m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replace(/""/g, '"') : m[1]!);
    }
    return Object.fromEntries(names.map((n, i) => [n, cells[i] ?? ""]));
  });
}

const sum = (rows: Record<string, string>[], column = "messages"): number => rows.reduce((n, r) => n + Number(r[column]), 0);

describe("pivot views on the sample data (golden files, colour off)", () => {
  const views: [string, string[]][] = [
    ["volume-chart", ["volume"]],
    ["volume-table", ["volume", "--format", "table"]],
    ["volume-details", ["volume", "--details"]],
    ["tls-chart", ["tls", "--all"]],
    ["tls-chart-messages", ["tls", "--metric", "messages"]],
    ["tls-table", ["tls", "--format", "table"]],
    ["tls-details", ["tls", "--details"]],
    ["auth-chart", ["auth", "--all", "--tz", "Europe/Berlin"]],
    ["auth-table", ["auth", "--format", "table", "--metric", "messages"]],
    ["auth-details", ["auth", "--details", "--top", "10"]],
  ];
  for (const [name, args] of views) {
    for (const width of [80, 160]) {
      it(`${args.join(" ")} at ${width} columns`, () => {
        const run = runCli([...args, CSV_FIXTURE, "--width", String(width)]);
        expect(run.code).toBe(0);
        expect(run.stderr).toBe("");
        for (const line of run.stdout.split("\n")) expect([...line].length, line).toBeLessThanOrEqual(width);
        expectGolden(`${name}-${width}.txt`, run.stdout);
      });
    }
  }
  for (const view of ["volume", "tls", "auth"]) {
    for (const details of [false, true]) {
      it(`${view}${details ? " --details" : ""} as CSV and JSON`, () => {
        const args = [view, CSV_FIXTURE, ...(details ? ["--details"] : []), "--all"];
        const csv = runCli([...args, "--format", "csv"]);
        expectGolden(`${view}${details ? "-details" : ""}.csv`, csv.stdout);
        const json = JSON.parse(runCli([...args, "--format", "json"]).stdout);
        expect(json.range).toEqual({ from: "2026-11-02T00:00:00Z", to: "2026-11-23T00:00:00Z", timezone: "UTC" });
        expect(json.rows).toEqual(parseCsv(csv.stdout).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, /^(messages|percent)$/.test(k) ? Number(v) : v]))));
      });
    }
  }
});

describe("every view renders the one aggregate", () => {
  it("charts, tables, CSV and the export agree on every number", () => {
    const exported = parseCsv(runCli(["export", CSV_FIXTURE, "--all"]).stdout);
    const total = sum(exported);
    const volume = parseCsv(runCli(["volume", CSV_FIXTURE, "--all", "--format", "csv"]).stdout);
    const tls = parseCsv(runCli(["tls", CSV_FIXTURE, "--all", "--format", "csv"]).stdout);
    const auth = parseCsv(runCli(["auth", CSV_FIXTURE, "--all", "--format", "csv"]).stdout);
    const details = parseCsv(runCli(["tls", CSV_FIXTURE, "--all", "--details", "--format", "csv"]).stdout);
    for (const view of [volume, tls, auth, details]) expect(sum(view)).toBe(total);
    // Per period and value, the pivot equals the export's rows summed.
    for (const row of tls) {
      expect(Number(row.messages)).toBe(sum(exported.filter((e) => e.period === row.period && e.tls_version === row.tls_version)));
    }
    for (const row of volume) {
      expect(Number(row.messages)).toBe(sum(exported.filter((e) => e.period === row.period && e.domain === row.domain)));
    }
    // 21 days, zeros included, for every domain.
    expect(new Set(volume.map((r) => r.period)).size).toBe(21);
    expect(volume.length).toBe(21 * new Set(exported.map((e) => e.domain)).size);
    // The chart's legend shows the same totals as the CSV.
    const chart = runCli(["tls", CSV_FIXTURE, "--all", "--width", "100"]).stdout;
    for (const version of new Set(tls.map((r) => r.tls_version))) {
      const messages = sum(tls.filter((r) => r.tls_version === version));
      expect(chart).toMatch(new RegExp(`${version.replace(".", "\\.")}\\s+${messages.toLocaleString("en-US")}\\s`));
    }
    const table = runCli(["volume", CSV_FIXTURE, "--all", "--details", "--width", "200"]).stdout;
    expect(table).toContain(`│ total (${new Set(exported.map((e) => e.sender)).size})`);
    expect(table).toContain(` ${total.toLocaleString("en-US")} │ 100.00 % │`);
  });

  it("agrees with an independent computation on data it has never seen", () => {
    const records: Submission[] = fc.sample(submissions, { seed: 31337, numRuns: 8 }).flat().filter((r) => r.messages > 0);
    const folder = scratch();
    const file = put(folder, "unseen.jsonl", records.map((r) => JSON.stringify({ ts: r.timestamp * 1000, account: r.sender, tls_protocol: r.tls, authentication: r.auth, clientip: r.clientIp, count: r.messages })).join("\n"));
    const zone = "America/New_York";
    const args = [file, "--map", "timestamp=ts", "--tz", zone, "--from", "2026-10-26", "--to", "2026-11-02"];
    const kept = records.filter((r) => {
      const d = localParts(r.timestamp, zone).date;
      return d >= "2026-10-26" && d <= "2026-11-02";
    });
    const days = Array.from({ length: 8 }, (_, i) => addDays("2026-10-26", i));

    const volume = parseCsv(runCli(["volume", ...args, "--format", "csv"]).stdout);
    const domains = [...new Set(kept.map((r) => r.domain))].sort();
    expect(volume.map((r) => [r.period, r.domain, Number(r.messages)])).toEqual(
      days.flatMap((day) => domains.map((d) => [day, d, kept.filter((r) => r.domain === d && localParts(r.timestamp, zone).date === day).reduce((n, r) => n + r.messages, 0)])),
    );

    const tls = parseCsv(runCli(["tls", ...args, "--format", "csv"]).stdout);
    for (const row of tls) {
      const ofDay = kept.filter((r) => localParts(r.timestamp, zone).date === row.period);
      const dayTotal = ofDay.reduce((n, r) => n + r.messages, 0);
      const messages = ofDay.filter((r) => r.tls === row.tls_version).reduce((n, r) => n + r.messages, 0);
      expect(Number(row.messages)).toBe(messages);
      expect(row.percent).toBe(dayTotal === 0 ? "0.00" : (Math.round((messages * 10_000) / dayTotal) / 100).toFixed(2));
    }
    expect(tls.length).toBe(days.length * new Set(kept.map((r) => r.tls)).size);

    const authDetails = parseCsv(runCli(["auth", ...args, "--details", "--format", "csv"]).stdout);
    const senders = [...new Set(kept.map((r) => r.sender))];
    const basicFirst = senders.map((s) => {
      const mine = kept.filter((r) => r.sender === s);
      return { s, basic: mine.some((r) => r.auth === "basic"), messages: mine.reduce((n, r) => n + r.messages, 0) };
    }).sort((a, b) => Number(b.basic) - Number(a.basic) || b.messages - a.messages || (a.s < b.s ? -1 : 1));
    expect([...new Set(authDetails.map((r) => r.sender))]).toEqual(basicFirst.map((x) => x.s));
    for (const row of authDetails) {
      const mine = kept.filter((r) => r.sender === row.sender);
      const of = mine.filter((r) => r.auth === row.auth);
      expect(Number(row.messages)).toBe(of.reduce((n, r) => n + r.messages, 0));
      expect(row.last_seen).toBe(new Date(Math.floor(Math.max(...of.map((r) => r.timestamp)) / 1000) * 1000).toISOString().replace(".000Z", "Z"));
    }

    const legacy = parseCsv(runCli(["volume", ...args, "--details", "--format", "csv", "--tls", "legacy"]).stdout);
    expect(sum(legacy)).toBe(kept.filter((r) => LEGACY_TLS.has(r.tls)).reduce((n, r) => n + r.messages, 0));
    const basic = parseCsv(runCli(["tls", ...args, "--details", "--format", "csv", "--auth", "basic"]).stdout);
    expect(sum(basic)).toBe(kept.filter((r) => r.auth === "basic").reduce((n, r) => n + r.messages, 0));
  });
});

describe("charts and tables read well", () => {
  it("merge periods that do not fit and say so", () => {
    const run = runCli(["volume", CSV_FIXTURE, "--all", "--by", "hour", "--width", "80"]);
    expect(run.stdout).toMatch(/each column is \d+ hours merged: 504 hours do not fit in 80 columns/);
  });

  it("say so for a single period and for an empty range", () => {
    expect(runCli(["tls", CSV_FIXTURE, "--by", "month"]).stdout).toContain("One month only (2026-11-01): nothing to draw over time");
    const empty = runCli(["auth", CSV_FIXTURE, "--from", "2025-01-01", "--to", "2025-01-02"]);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain("No submissions in this range");
    expect(runCli(["auth", CSV_FIXTURE, "--from", "2025-01-01", "--to", "2025-01-02", "--format", "csv"]).stdout).toBe(
      "period,auth,messages,percent\n",
    );
  });

  it("--top leaves rows out and says how many; charts sum the rest as other", () => {
    const table = runCli(["volume", CSV_FIXTURE, "--details", "--top", "3", "--width", "120"]).stdout;
    expect(table).toContain("24 more rows not shown (--top)");
    const chart = runCli(["volume", CSV_FIXTURE, "--top", "1", "--width", "120"]).stdout;
    expect(chart).toMatch(/northwind\.example\s+803\s+73\.20 %\n.*other\s+294\s+26\.80 %/);
    expect(parseCsv(runCli(["volume", CSV_FIXTURE, "--top", "1", "--format", "csv"]).stdout).every((r) => r.domain === "northwind.example")).toBe(true);
  });

  it("print user names with escape sequences escaped", () => {
    const file = put(scratch(), "evil.csv", 'timestamp,sender,tls\n2026-11-20T10:00:00Z,"x\x1b[31mred\x1b]8;;http://evil/\x07@evil.example",TLS1.0\n');
    for (const args of [["volume", "--details"], ["tls", "--details"], ["auth", "--details"], ["summary"]]) {
      const run = runCli([...args, file, "--width", "200"], { env: { NO_COLOR: undefined, FORCE_COLOR: "1" } });
      expect(run.stdout).toContain("x\\x1b[31mred\\x1b]8;;http://evil/\\x07@evil.example");
      expect(run.stdout).not.toContain("\x1b[31mred");
      expect(run.stdout).not.toContain("\x07");
    }
  });

  it("--fail-on exits 3 from every view after writing it", () => {
    for (const view of [["volume"], ["tls", "--details"], ["auth", "--format", "csv"], ["summary"]]) {
      const run = runCli([...view, CSV_FIXTURE, "--fail-on", "basic-auth"]);
      expect(run.code).toBe(3);
      expect(run.stdout.length).toBeGreaterThan(50);
    }
    expect(runCli(["tls", CSV_FIXTURE, "--fail-on", "legacy-tls", "--tls", "TLS1.2"]).code).toBe(0);
  });

  it("refuses a chart of details", () => {
    const run = runCli(["tls", CSV_FIXTURE, "--details", "--format", "chart"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("smtp-auth-report: tls --details is a table; use --format table, csv or json\n");
  });
});
