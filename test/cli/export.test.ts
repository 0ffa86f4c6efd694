import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Submission } from "../../src/core/record.js";
import { CLI_SHELL, expectGolden, FIXTURES, put, runCli, scratch } from "../helpers.js";
import { localParts, naiveExport, submissions, type NaiveRange } from "../naive.js";

const CSV_FIXTURE = join(FIXTURES, "submissions.csv");
const JSONL_FIXTURE = join(FIXTURES, "submissions.jsonl");
const HEADER = "period,sender,domain,tls_version,auth,client_ip,messages,first_seen,last_seen";

/** Records no test has seen before: a fixed sample of the engine test's generator. */
const unseen: Submission[] = fc.sample(submissions, { seed: 4711, numRuns: 8 }).flat().filter((r) => r.messages > 0);

const quoteCsv = (cell: string, delimiter: string): string => (cell.includes(delimiter) || /["\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

/** The canonical CSV of records, one row per message so that a plain log reader sees them all. */
function canonicalCsv(records: Submission[]): string {
  const rows = records.map((r) => [new Date(r.timestamp).toISOString(), r.sender, r.tls, r.auth, r.clientIp, String(r.messages)].map((c) => quoteCsv(c, ",")).join(","));
  return `timestamp,sender,tls_version,auth,client_ip,messages\n${rows.join("\n")}\n`;
}

/** As Excel saves it in Europe: `sep=;`, BOM, CRLF, `Date (UTC)`-style headers, offsets, other spellings. */
function excelCsv(records: Submission[]): string {
  const tlsSpelling: Record<string, string> = { "TLS1.0": "TLS 1.0", "TLS1.1": "Tls11", "TLS1.2": "SP_PROT_TLS1_2_SERVER", "TLS1.3": "1.3", SSL2: "SSLv2", SSL3: "SSL3", none: "None", unknown: "" };
  const authSpelling: Record<string, string> = { basic: "LOGIN", oauth: "OAuth", unknown: "" };
  const rows = records.map((r) => {
    const plus2 = new Date(r.timestamp + 2 * 3_600_000).toISOString().slice(0, 23);
    return [`${plus2}+02:00`, r.sender.toUpperCase(), tlsSpelling[r.tls]!, authSpelling[r.auth]!, r.clientIp, String(r.messages)].map((c) => quoteCsv(c, ";")).join(";");
  });
  return `\uFEFFsep=;\r\nDate (UTC);Sender Address;TLS Version;Authentication Protocol;Client IP;Message Count\r\n${rows.join("\r\n")}\r\n`;
}

/** JSONL with epoch milliseconds, `user`, OpenSSL TLS names and SASL mechanisms, one line per message. */
function shipperJsonl(records: Submission[]): string {
  const openssl: Record<string, string | boolean> = { "TLS1.0": "TLSv1", "TLS1.1": "TLSv1.1", "TLS1.2": "TLSv1.2", "TLS1.3": "TLSv1.3", SSL2: "SSLv2", SSL3: "SSLv3", none: false, unknown: "" };
  const mechanism: Record<string, string> = { basic: "PLAIN", oauth: "XOAUTH2", unknown: "" };
  return records.flatMap((r) => Array.from({ length: r.messages }, () => JSON.stringify({ time: r.timestamp, user: r.sender, tls: openssl[r.tls], auth: mechanism[r.auth], ip: r.clientIp }))).join("\n") + "\n";
}

function naive(records: Submission[], zone: string, by: "hour" | "day" | "week" | "month", range: NaiveRange): string {
  return [HEADER, ...naiveExport(records, zone, by, range)].join("\n") + "\n";
}

describe("export", () => {
  it("writes the detailed report of the sample data (golden file)", () => {
    const run = runCli(["export", CSV_FIXTURE]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expectGolden("export-default.csv", run.stdout);
  });

  it("gives the same report from the sample's CSV and JSONL shapes", () => {
    const csv = runCli(["export", CSV_FIXTURE, "--all", "--by", "week", "--tz", "Europe/Berlin"]);
    const jsonl = runCli(["export", JSONL_FIXTURE, "--all", "--by", "week", "--tz", "Europe/Berlin"]);
    expect(jsonl.stdout).toBe(csv.stdout);
    expect(csv.stdout.split("\n").length).toBeGreaterThan(100);
  });

  describe("on data it has never seen, agrees with an independent computation", () => {
    const folder = scratch();
    const csv = put(folder, "plain.csv", canonicalCsv(unseen));
    const excel = put(folder, "excel.csv", excelCsv(unseen));
    const gz = put(folder, "logs/plain.csv.gz", gzipSync(canonicalCsv(unseen)));
    const jsonl = put(folder, "shipper.jsonl", shipperJsonl(unseen));
    const half = Math.floor(unseen.length / 2);
    put(folder, "parts/a.csv", canonicalCsv(unseen.slice(0, half)));
    put(folder, "parts/b.jsonl.gz", gzipSync(shipperJsonl(unseen.slice(half))));

    const cases: [string, string[], string, "hour" | "day" | "week" | "month", NaiveRange][] = [
      ["default range", [], "UTC", "day", { kind: "default" }],
      ["--all by week in New York", ["--all", "--by", "week", "--tz", "America/New_York"], "America/New_York", "week", { kind: "all" }],
      ["dates in Berlin across the DST change", ["--from", "2026-10-20", "--to", "2026-10-27", "--tz", "Europe/Berlin"], "Europe/Berlin", "day", { kind: "dates", from: "2026-10-20", to: "2026-10-27" }],
      ["instants by hour", ["--from", "2026-10-24T22:30:00Z", "--to", "2026-10-26T03:15:00+01:00", "--by", "hour", "--tz", "Europe/Berlin"], "Europe/Berlin", "hour",
        { kind: "instants", from: Date.UTC(2026, 9, 24, 22, 30), to: Date.UTC(2026, 9, 26, 2, 15) }],
      ["--all by month in Auckland", ["--all", "--by", "month", "--tz", "Pacific/Auckland"], "Pacific/Auckland", "month", { kind: "all" }],
    ];
    for (const [title, args, zone, by, range] of cases) {
      it(`${title}: canonical CSV, Excel CSV, gzip, JSONL, stdin, several files`, () => {
        const expected = naive(unseen, zone, by, range);
        for (const input of [[csv], [excel], [gz], [jsonl], [join(folder, "parts/*")], [join(folder, "parts", "a.csv"), join(folder, "parts", "b.jsonl.gz")]]) {
          const run = runCli(["export", ...input, ...args]);
          expect(run.stderr, input.join(" ")).toBe("");
          expect(run.stdout, input.join(" ")).toBe(expected);
        }
        const piped = runCli(["export", ...args], { input: readFileSync(gz) });
        expect(piped.stdout).toBe(expected);
        const dash = runCli(["export", "-", ...args], { input: readFileSync(jsonl) });
        expect(dash.stdout).toBe(expected);
      });
    }

    it("pre-aggregated daily counts: a date alone and a count", () => {
      const daily = new Map<string, number>();
      for (const r of unseen) {
        const key = [localParts(r.timestamp, "UTC").date, r.sender, r.tls, r.auth].map((c) => quoteCsv(c, ",")).join(",");
        daily.set(key, (daily.get(key) ?? 0) + r.messages);
      }
      const file = put(folder, "daily.csv", `Date,User,TLS,Auth,Count\n${[...daily].map(([k, n]) => `${k},${n}`).join("\n")}\n`);
      const atMidnight = unseen.map((r) => ({ ...r, clientIp: "", timestamp: Date.parse(localParts(r.timestamp, "UTC").date) }));
      const run = runCli(["export", file, "--all", "--by", "week"]);
      expect(run.stdout).toBe(naive(atMidnight, "UTC", "week", { kind: "all" }));
    });
  });

  it("re-reads its own export with the same totals, and the same first and last seen", () => {
    const folder = scratch();
    for (const by of ["day", "hour"]) {
      const exported = runCli(["export", CSV_FIXTURE, "--all", "--by", by, "--tz", "America/New_York", "-o", join(folder, `export-${by}.csv`)]);
      expect(exported.code).toBe(0);
      const before = JSON.parse(runCli(["summary", CSV_FIXTURE, "--all", "--format", "json", "--tz", "America/New_York"]).stdout);
      const after = JSON.parse(runCli(["summary", join(folder, `export-${by}.csv`), "--all", "--format", "json", "--tz", "America/New_York"]).stdout);
      expect(after).toEqual(before);
    }
  });

  it("an export of its export is the same, byte for byte (CSV and JSONL, from a CSV and from a Postfix log)", () => {
    const folder = scratch();
    const inputs = [[CSV_FIXTURE, "csv"], [CSV_FIXTURE, "jsonl"], [join(FIXTURES, "postfix", "maillog"), "csv"]] as const;
    for (const [input, format] of inputs) {
      for (const by of ["day", "week"]) {
        const first = runCli(["export", input, "--all", "--by", by, "--format", format, "--tz", "Europe/Berlin"]);
        expect(first.code).toBe(0);
        const again = runCli(["export", put(folder, `export.${format}`, first.stdout), "--all", "--by", by, "--format", format, "--tz", "Europe/Berlin"]);
        expect(again.stderr).toBe("");
        expect(again.stdout).toBe(first.stdout);
      }
    }
    // A row whose last_seen is before its first_seen is no export of ours: skipped, with the reason.
    const bad = put(folder, "bad.csv", `${HEADER}\n2026-11-20,a@x.example,x.example,TLS1.2,basic,,2,2026-11-20T10:00:00Z,2026-11-20T09:00:00Z\n2026-11-20,b@x.example,x.example,TLS1.2,basic,,2,2026-11-20T10:00:00Z,2026-11-20T11:00:00Z\n`);
    const run = runCli(["export", bad]);
    expect(run.stdout).toBe(`${HEADER}\n2026-11-20,b@x.example,x.example,TLS1.2,basic,,2,2026-11-20T10:00:00Z,2026-11-20T11:00:00Z\n`);
    expect(run.stderr).toBe(`smtp-auth-report: warning: skipped 1 of 2 records; first: ${bad}:2: last_seen "2026-11-20T09:00:00Z" is before first_seen\n`);
  });

  it("--top N keeps the rows of the N senders with the most messages, in CSV and JSONL", () => {
    const all = runCli(["export", CSV_FIXTURE]).stdout.trimEnd().split("\n").slice(1);
    const totals = new Map<string, number>();
    for (const row of all) {
      const [, sender, , , , , messages] = row.split(",");
      totals.set(sender!, (totals.get(sender!) ?? 0) + Number(messages));
    }
    const top = [...totals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3).map(([sender]) => sender);
    const csv = runCli(["export", CSV_FIXTURE, "--top", "3"]).stdout;
    expect(csv).toBe(`${[HEADER, ...all.filter((row) => top.includes(row.split(",")[1]!))].join("\n")}\n`);
    const jsonl = runCli(["export", CSV_FIXTURE, "--top", "3", "--format", "jsonl"]).stdout.trimEnd().split("\n").map((l) => JSON.parse(l) as { sender: string });
    expect(new Set(jsonl.map((r) => r.sender))).toEqual(new Set(top));
    expect(jsonl).toHaveLength(csv.trimEnd().split("\n").length - 1);
  });

  it("writes JSONL with the CSV's columns", () => {
    const csv = runCli(["export", CSV_FIXTURE]).stdout.trimEnd().split("\n");
    const jsonl = runCli(["export", CSV_FIXTURE, "--format", "jsonl"]).stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(jsonl).toHaveLength(csv.length - 1);
    expect(Object.keys(jsonl[0])).toEqual(HEADER.split(","));
    expect(Object.values(jsonl[0]).join(",")).toBe(csv[1]);
    expect(typeof jsonl[0].messages).toBe("number");
  });

  it("--excel-safe defuses cells a spreadsheet would run as formulas", () => {
    const folder = scratch();
    const file = put(folder, "evil.csv", "timestamp,sender,client_ip\n2026-11-20T10:00:00Z,=HYPERLINK(\"http://x\")@evil.example,+1\n");
    const plain = runCli(["export", file]).stdout;
    const safe = runCli(["export", file, "--excel-safe"]).stdout;
    expect(plain).toContain('"=hyperlink(""http://x"")@evil.example"');
    expect(safe).toContain(`"'=hyperlink(""http://x"")@evil.example"`);
    expect(safe).toContain(",'+1,");
  });

  it("escapes control characters in CSV shown on a terminal, and keeps them exact in a file or pipe", () => {
    const folder = scratch();
    const file = put(folder, "ansi.csv", 'timestamp,sender\n2026-11-20T10:00:00Z,"x\x1b[31mred@e.example"\n');
    expect(runCli(["export", file]).stdout).toContain("x\x1b[31mred@e.example");
    // `script` gives the command a terminal as its standard output.
    const shown = spawnSync("script", ["-qc", `${CLI_SHELL} export ${file}`, "/dev/null"], { encoding: "utf8" });
    expect(shown.stdout).toContain("x\\x1b[31mred@e.example");
    expect(shown.stdout).not.toContain("\x1b[31m");
  });

  it("--output replaces the file only when complete, and leaves nothing behind on failure", () => {
    const folder = scratch();
    const out = put(folder, "report.csv", "previous report\n");
    const truncated = put(folder, "cut.csv.gz", gzipSync(readFileSync(CSV_FIXTURE)).subarray(0, 20_000));
    const failed = runCli(["export", truncated, "-o", out]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^smtp-auth-report: .*cut\.csv\.gz: gzip data is truncated or corrupt.*\n$/);
    expect(readFileSync(out, "utf8")).toBe("previous report\n");
    expect(readdirSync(folder).sort()).toEqual(["cut.csv.gz", "report.csv"]);

    const done = runCli(["export", CSV_FIXTURE, "-o", out]);
    expect(done.code).toBe(0);
    expect(done.stdout).toBe("");
    expect(readFileSync(out, "utf8")).toBe(runCli(["export", CSV_FIXTURE]).stdout);
    expect(readdirSync(folder).sort()).toEqual(["cut.csv.gz", "report.csv"]);
  });

  it("--fail-on exits 3 after writing the output", () => {
    const folder = scratch();
    const out = join(folder, "out.csv");
    const legacy = runCli(["export", CSV_FIXTURE, "--fail-on", "legacy-tls", "-o", out]);
    expect(legacy.code).toBe(3);
    expect(existsSync(out)).toBe(true);
    expect(legacy.stderr).toBe("smtp-auth-report: --fail-on legacy-tls: 5 senders used legacy TLS in the range\n");
    expect(runCli(["export", CSV_FIXTURE, "--fail-on", "legacy-tls", "--tls", "TLS1.2,TLS1.3"]).code).toBe(0);
    expect(runCli(["export", CSV_FIXTURE, "--fail-on", "basic-auth", "--auth", "oauth"]).code).toBe(0);
    expect(runCli(["export", CSV_FIXTURE, "--fail-on", "any", "--auth", "oauth"]).code).toBe(0);
    expect(runCli(["export", CSV_FIXTURE, "--fail-on", "any", "--tls", "TLS1.2"]).code).toBe(3);
  });

  it("with an empty range, still writes the header and says so", () => {
    const run = runCli(["export", CSV_FIXTURE, "--domain", "nowhere.example"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${HEADER}\n`);
    expect(run.stderr).toBe("smtp-auth-report: no submissions from 2026-11-16 to 2026-11-22 (7 days, UTC) with these filters; the output has its header only\n");
    // A range the input does not reach says where the input starts.
    const before = runCli(["export", CSV_FIXTURE, "--from", "2025-01-01", "--to", "2025-01-31"]);
    expect(before.code).toBe(0);
    expect(before.stdout).toBe(`${HEADER}\n`);
    expect(before.stderr).toBe("smtp-auth-report: the input starts after the range: its oldest submission is from 2026-11-02 00:05 UTC; nothing from 2025-01-01 to 2025-01-31 (31 days, UTC)\n");
  });
});

