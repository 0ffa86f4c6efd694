import { spawnSync } from "node:child_process";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LEGACY_TLS, type Submission } from "../../src/core/record.js";
import { CLI_SHELL, expectGolden, FIXTURES, put, runCli, scratch } from "../helpers.js";
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

/** The widths every text view is checked at, as a user's terminal would be. */
const WIDTHS = [60, 80, 120, 200];

/** Every line of a text view fits the width (in terminal columns). */
function expectFits(text: string, width: number): void {
  for (const line of text.split("\n")) expect([...line].length, line).toBeLessThanOrEqual(width);
}

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
    for (const width of WIDTHS) {
      it(`${args.join(" ")} at ${width} columns`, () => {
        const run = runCli([...args, CSV_FIXTURE, "--width", String(width)]);
        expect(run.code).toBe(0);
        expect(run.stderr).toBe("");
        expectFits(run.stdout, width);
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
      // A day without messages: 0.00 (the SPEC's two decimals; its messages say 0).
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
  it("merge periods that do not fit by whole divisors of a day (or weeks), label them with dates, and say so", () => {
    const run = runCli(["volume", CSV_FIXTURE, "--all", "--by", "hour", "--width", "80"]);
    expect(run.stdout).toMatch(/each column is 12 hours \(504 hours do not fit/);
    expectFits(run.stdout, 80);
    // 90 days of hours: merged by a divisor of a day or whole weeks, never "30 hours", with dates on the axis.
    const rows = ["timestamp,sender,tls"];
    for (let day = 0; day < 90; day++) {
      for (let hour = 0; hour < 24; hour += 5) rows.push(`${new Date(Date.UTC(2026, 7, 25 + day, hour)).toISOString()},a${day % 3}@x.example,TLS1.2`);
    }
    const file = put(scratch(), "ninety.csv", `${rows.join("\n")}\n`);
    for (const width of WIDTHS) {
      const chart = runCli(["volume", file, "--all", "--by", "hour", "--width", String(width)]).stdout;
      expectFits(chart, width);
      const merged = /each column is (\d+ (?:hours|days)|1 day)/.exec(chart)?.[1];
      expect(["2 hours", "3 hours", "4 hours", "6 hours", "12 hours", "1 day", "7 days", "14 days"]).toContain(merged);
      const axis = chart.split("\n").find((l) => /^\s+\d\d-\d\d/.test(l))!;
      expect(axis).toMatch(/08-25(?: 00h)?\*?\s+\d\d-\d\d\s+\d\d-\d\d/);
      // The y-axis is as wide on every row: labels sized from the merged values.
      const plot = chart.split("\n").filter((l) => /[┼┤]/.test(l));
      expect(new Set(plot.map((l) => l.search(/[┼┤]/))).size).toBe(1);
      const bars = runCli(["tls", file, "--all", "--by", "hour", "--width", String(width)]).stdout;
      expect(bars).toMatch(/each row is (1 day|7 days) \(2160 hours do not fit/);
      expectFits(bars, width);
    }
  });

  it("a legacy series of 5 % is visible in the default tls view next to a 5 % TLS 1.3 series, at every width", () => {
    const rows = ["timestamp,sender,tls,auth"];
    for (let day = 0; day < 7; day++) {
      const at = new Date(Date.UTC(2026, 10, 16 + day, 12)).toISOString();
      rows.push(`${at},old@x.example,TLS1.0,LOGIN,,5`, `${at},new@x.example,TLS1.3,XOAUTH2,,5`, `${at},most@x.example,TLS1.2,XOAUTH2,,90`);
    }
    const file = put(scratch(), "five.csv", `timestamp,sender,tls,auth,client_ip,messages\n${rows.slice(1).join("\n")}\n`);
    for (const width of WIDTHS) {
      const run = runCli(["tls", file, "--width", String(width)]);
      expectFits(run.stdout, width);
      const bars = run.stdout.split("\n").filter((l) => /^ 2026-11-\d\d/.test(l));
      expect(bars).toHaveLength(7);
      for (const bar of bars) {
        const legacy = [...bar].filter((c) => c === "█").length;
        const modern = [...bar].filter((c) => c === "=").length;
        expect(modern).toBeGreaterThanOrEqual(1);
        // Equal shares take equal room, give or take the one cell rounding gives to the legacy side.
        expect(legacy - modern).toBeGreaterThanOrEqual(0);
        expect(legacy - modern).toBeLessThanOrEqual(1);
        // Legacy first, where the eye starts; and its share stated on the row.
        expect(bar.indexOf("█")).toBeLessThan(bar.indexOf("░"));
        expect(bar).toMatch(/5\.00 %\s+100$/);
      }
      // In colour, TLS 1.0 is red on every row.
      const colored = runCli(["tls", file, "--width", String(width)], { env: { NO_COLOR: undefined, FORCE_COLOR: "1" } }).stdout;
      expect(colored.split("\n").filter((l) => l.includes("2026-11-") && l.includes("\x1b[31m█")).length).toBe(7);
    }
  });

  it("mark partial periods cut by the range", () => {
    const run = runCli(["tls", CSV_FIXTURE, "--by", "week", "--from", "2026-11-04", "--to", "2026-11-20", "--width", "80"]);
    expect(run.stdout).toMatch(/^ 2026-11-02\* /m);
    expect(run.stdout).toMatch(/^ 2026-11-09  /m);
    expect(run.stdout).toMatch(/^ 2026-11-16\* /m);
    expect(run.stdout).toContain("* partial week: the range covers only part of it");
    const whole = runCli(["tls", CSV_FIXTURE, "--by", "week", "--all", "--width", "80"]).stdout;
    expect(whole).not.toContain("partial");
    const volume = runCli(["volume", CSV_FIXTURE, "--by", "week", "--from", "2026-11-04", "--to", "2026-11-22", "--width", "80"]).stdout;
    expect(volume).toMatch(/11-02\*/);
    expect(volume).toContain("* partial week");
    // Tables mark them too, in every metric; a month the range covers whole is not marked.
    for (const args of [["volume"], ["tls"], ["auth", "--metric", "senders"]]) {
      const table = runCli([...args, CSV_FIXTURE, "--by", "month", "--from", "2026-11-04", "--format", "table", "--width", "100"]).stdout;
      expect(table).toMatch(/│ 2026-11-01\* +│/);
      expect(table).toContain("* partial month: the range covers only part of it");
    }
    expect(runCli(["volume", CSV_FIXTURE, "--by", "week", "--all", "--format", "table", "--width", "100"]).stdout).not.toMatch(/\*/);
  });

  it("draw the hour a fall-back repeats as two hours, as the CSV has them", () => {
    const file = put(scratch(), "fall-back.csv", "timestamp,sender\n2026-10-25T00:30:00Z,a@b.example\n2026-10-25T01:10:00Z,a@b.example\n2026-10-25T01:20:00Z,a@b.example\n");
    const args = [file, "--by", "hour", "--tz", "Europe/Berlin", "--from", "2026-10-25", "--to", "2026-10-25"];
    const csv = runCli(["volume", ...args, "--format", "csv"]).stdout;
    expect(csv).toContain("2026-10-25T02:00+02:00,b.example,1\n2026-10-25T02:00+01:00,b.example,2\n");
    // The chart's highest value is the busiest hour's 2, not the two 02:00 hours' 3 merged.
    const chart = runCli(["volume", ...args, "--width", "100"]).stdout;
    expect(chart).toMatch(/^ +2┼/m);
    expect(chart).not.toMatch(/^ +3┼/m);
  });

  it("tell 12 series apart by colour and line style", () => {
    const rows = ["timestamp,sender,tls"];
    for (let d = 0; d < 14; d++) {
      for (let day = 0; day < 5; day++) {
        for (let k = 0; k <= d; k++) rows.push(`2026-11-${String(16 + day).padStart(2, "0")}T10:00:00Z,u${k}@dept${String(d).padStart(2, "0")}.example,TLS1.2`);
      }
    }
    const file = put(scratch(), "many.csv", `${rows.join("\n")}\n`);
    const legendOf = (text: string): string[] => text.split("\n").filter((l) => /dept\d\d\.example|other/.test(l)).map((l) => l.trim().split(/\s+/)[0]!);
    const plain = legendOf(runCli(["volume", file, "--top", "12", "--width", "120"]).stdout);
    expect(plain).toHaveLength(13);
    expect(new Set(plain).size).toBe(13);
    const colored = legendOf(runCli(["volume", file, "--top", "12", "--width", "120"], { env: { NO_COLOR: undefined, FORCE_COLOR: "1" } }).stdout);
    expect(new Set(colored).size).toBe(13);
  });

  it("refuse a --width below 60; a narrower window is drawn at 60 with a note", () => {
    const run = runCli(["tls", CSV_FIXTURE, "--width", "40"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--width takes a whole number of at least 60");
    const columns = runCli(["summary", CSV_FIXTURE], { env: { COLUMNS: "50" } });
    expect(columns.code).toBe(0);
    expect(columns.stderr).toBe("smtp-auth-report: note: 50 columns is narrower than a text view fits: drawn at 60 (a wider window, or --format csv or json)\n");
    expect(columns.stdout).toBe(runCli(["summary", CSV_FIXTURE, "--width", "60"]).stdout);
    expect(runCli(["tls", CSV_FIXTURE, "--format", "csv"], { env: { COLUMNS: "50" } }).code).toBe(0);
  });

  it("a terminal that reports 0 columns (docker exec, ssh -t from a script) is drawn at 80, not refused", () => {
    const run = spawnSync("script", ["-qec", `stty cols 0 rows 0; ${CLI_SHELL} summary ${CSV_FIXTURE} --no-color; echo "exit $?"`, "/dev/null"], { encoding: "utf8" });
    const lines = run.stdout.replace(/\r/g, "").trimEnd().split("\n");
    expect(lines.at(-1)).toBe("exit 0");
    expect(lines[0]).toBe("SMTP AUTH submissions, 2026-11-16 to 2026-11-22 (7 days, UTC)");
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
  });

  it("tables to a file or pipe without a width leave nothing out (a file has no width)", () => {
    const table = runCli(["tls", CSV_FIXTURE, "--details"]).stdout;
    expect(table).not.toContain("Left out at this width");
    const header = table.split("\n").find((l) => l.startsWith("│ sender"))!;
    for (const column of ["sender", "domain", "TLS1.0", "TLS1.1", "TLS1.2", "TLS1.3", "none", "unknown", "auth", "client IPs", "messages", "last seen"]) expect(header).toContain(` ${column} `);
    expect(table).toMatch(/│ ! mfp-hq-2f@northwind\.example +│ northwind\.example +│ 61  100\.00% │/);
    // A width that is asked for is kept.
    expect(runCli(["tls", CSV_FIXTURE, "--details", "--width", "80"]).stdout).toContain("Left out at this width");
  });

  it("draw as many rows as the terminal has (LINES), within bounds", () => {
    const short = runCli(["volume", CSV_FIXTURE, "--width", "80"], { env: { LINES: "20" } }).stdout;
    const tall = runCli(["volume", CSV_FIXTURE, "--width", "80"], { env: { LINES: "50" } }).stdout;
    const plotRows = (text: string): number => text.split("\n").filter((l) => /[┼┤]/.test(l)).length;
    expect(plotRows(short)).toBeLessThan(plotRows(tall));
    expect(short.split("\n").length).toBeLessThanOrEqual(20);
    expect(tall.split("\n").length).toBeLessThanOrEqual(50);
  });

  it("say so for a single period and for an empty range", () => {
    expect(runCli(["volume", CSV_FIXTURE, "--by", "month"]).stdout).toContain("One month only (2026-11-01*): nothing to draw over time");
    expect(runCli(["tls", CSV_FIXTURE, "--by", "month"]).stdout).toMatch(/^ 2026-11\* .*18\.14 %     1,097$/m);
    const empty = runCli(["auth", CSV_FIXTURE, "--from", "2025-01-01", "--to", "2025-01-02"]);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain("No submissions in this range");
    expect(runCli(["auth", CSV_FIXTURE, "--from", "2025-01-01", "--to", "2025-01-02", "--format", "csv"]).stdout).toBe(
      "period,auth,messages,percent\n",
    );
  });

  it("--top leaves rows out and says how many; charts sum the rest as other", () => {
    const table = runCli(["volume", CSV_FIXTURE, "--details", "--top", "3", "--width", "120"]).stdout;
    expect(table).toContain("… and 24 more rows (--top, or --format csv for all)");
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

describe("a --tls or --auth filter on a dimension the input cannot tell (review 11)", () => {
  const relay = join(FIXTURES, "relay-export.csv");
  it("volume and tls say why it selects nothing; --auth unknown selects, with no such line", () => {
    for (const view of ["volume", "tls"]) {
      const run = runCli([view, relay, "--auth", "basic", "--width", "200"]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("No submissions in this range with these filters.");
      expect(run.stdout).toContain("--auth basic selects nothing the input can tell: auth n/a: every submission in the range has auth unknown");
    }
    const unknown = runCli(["volume", relay, "--auth", "unknown", "--width", "100"]);
    expect(unknown.stdout).not.toContain("selects nothing");
  });
});
