import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, ROOT, put, runCli, scratch } from "../helpers.js";

const CSV_FIXTURE = join(FIXTURES, "submissions.csv");

/** Runs the CLI expecting failure: the exit code and the one line it printed. */
function failing(args: string[], code: number, input?: string): string {
  const run = runCli(args, { input });
  expect(run.code, run.stderr).toBe(code);
  expect(run.stdout).toBe("");
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
  return run.stderr;
}

describe("bad input and bad usage", () => {
  const folder = scratch();

  it("a missing file or a pattern that matches nothing: exit 1 naming it", () => {
    expect(failing(["summary", join(folder, "nope.csv")], 1)).toBe(`smtp-auth-report: ${join(folder, "nope.csv")}: no such file\n`);
    expect(failing(["summary", join(folder, "logs/*.csv.gz")], 1)).toMatch(/logs\/\*\.csv\.gz: no file matches this pattern/);
  });

  it("a bad date, zone, period, format, option or column map: exit 2 saying what is accepted", () => {
    expect(failing(["summary", CSV_FIXTURE, "--from", "2026-13-01"], 2)).toMatch(/--from: cannot read '2026-13-01' as a date; use YYYY-MM-DD/);
    expect(failing(["summary", CSV_FIXTURE, "--to", "last tuesday"], 2)).toMatch(/--to: cannot read 'last tuesday'/);
    expect(failing(["summary", CSV_FIXTURE, "--from", "2026-11-20", "--to", "2026-11-10"], 2)).toBe("smtp-auth-report: --from 2026-11-20 is not before --to 2026-11-10: the range would be empty (a --to date is included, a --to date-time is not)\n");
    expect(failing(["summary", CSV_FIXTURE, "--tz", "Mars/Olympus"], 2)).toMatch(/--tz: unknown time zone 'Mars\/Olympus'; use an IANA name/);
    expect(failing(["summary", CSV_FIXTURE, "--by", "year"], 2)).toMatch(/Allowed choices are hour, day, week, month/);
    expect(failing(["summary", CSV_FIXTURE, "--format", "xml"], 2)).toMatch(/summary --format: 'xml' is not offered; use text, json/);
    expect(failing(["summary", CSV_FIXTURE, "--frm", "x"], 2)).toMatch(/unknown option '--frm'.*--from/);
    // An option of other commands says which take it.
    expect(failing(["export", CSV_FIXTURE, "--compare", "previous", "--fail-on", "new"], 2)).toBe("smtp-auth-report: unknown option '--compare' for export (summary and report take it)\n");
    expect(failing(["volume", CSV_FIXTURE, "--metric", "senders"], 2)).toBe("smtp-auth-report: unknown option '--metric' for volume (tls and auth take it)\n");
    expect(failing(["summary", CSV_FIXTURE, "--tls", "TLS9"], 2)).toMatch(/--tls: unknown TLS version 'TLS9'/);
    expect(failing(["summary", CSV_FIXTURE, "--client-ip", "10.0.0.0/33"], 2)).toMatch(/--client-ip: '10.0.0.0\/33' is not an address or CIDR block/);
    expect(failing(["summary", CSV_FIXTURE, "--map", "sender=Nope"], 2)).toMatch(/--map sender=Nope: no such column; header found: "timestamp", "sender"/);
    expect(failing(["frobnicate"], 2)).toMatch(/unknown command 'frobnicate'/);
  });

  it("a missing column: exit 2 with the header found and the names accepted", () => {
    const file = put(folder, "nocol.csv", "When;Who;TLS\n2026-11-20 10:00;a@b.example;TLS1.2\n");
    expect(failing(["summary", file], 2)).toBe(
      `smtp-auth-report: ${file}: no timestamp column; header found: "When", "Who", "TLS"; accepted names: timestamp, time, date, datetime, date_time, date-time, received, period, origin_timestamp; or name it with --map timestamp=COLUMN\n`,
    );
    const mapped = runCli(["export", file, "--map", "timestamp=When", "--map", "sender=who"]);
    expect(mapped.code).toBe(0);
    expect(mapped.stdout).toContain("2026-11-20,a@b.example,b.example,TLS1.2,unknown,,1,");
  });

  it("broken rows and invalid JSON lines are skipped and counted on one last line", () => {
    const csv = put(folder, "broken.csv", [
      "timestamp,sender,tls",
      "2026-11-20T10:00:00Z,a@b.example,TLS1.2",
      "2026-11-20T10:05:00Z,b@b.example,TLS1.2,extra,fields",
      "not a date,c@b.example,TLS1.0",
      "2026-11-20T10:10:00Z,,TLS1.0",
      "2026-11-20T10:15:00Z,d@b.example,TLS7",
      "",
    ].join("\n"));
    const run = runCli(["export", csv]);
    expect(run.code).toBe(0);
    expect(run.stdout.trimEnd().split("\n")).toHaveLength(3);
    expect(run.stderr).toBe(
      `smtp-auth-report: warning: skipped 3 of 5 records; first: ${csv}:3: 5 fields where the header has 3 (a delimiter inside an unquoted field, or a cut line?); ${csv}:4: timestamp "not a date" not understood (use ISO 8601, epoch, M/D/YYYY h:mm AM/PM or D.M.YYYY HH:mm); ${csv}:5: no sender | 1 TLS version not recognised, counted as unknown; first: ${csv}:6: TLS version "TLS7" not recognised\n`,
    );
    const jsonl = put(folder, "bad.jsonl", '{"time":"2026-11-20T10:00:00Z","user":"a@b.example"}\n{"time": oops}\n[1,2]\n\n{"time":"2026-11-20T11:00:00Z","user":"b@b.example"}\n');
    const json = runCli(["export", jsonl]);
    expect(json.code).toBe(0);
    expect(json.stderr).toBe(`smtp-auth-report: warning: skipped 2 of 4 records; first: ${jsonl}:2: invalid JSON (Unexpected token 'o', "{"time": oops}" is not valid JSON); ${jsonl}:3: not a JSON object\n`);
  });

  it("a format forced on a file of another format: nothing is read, and stderr says what it looks like", () => {
    const run = runCli(["summary", CSV_FIXTURE, "--input-format", "postfix"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("No submissions in this range.");
    expect(run.stderr).toContain(`smtp-auth-report: note: ${CSV_FIXTURE}: read as postfix (--input-format), but its content looks like csv: nothing was read from it; leave --input-format out, or check the file\n`);
    const exim = runCli(["export", join(FIXTURES, "postfix", "maillog"), "--input-format", "exim"]);
    expect(exim.stderr).toContain("read as exim (--input-format), but its content looks like postfix");
    // A forced format that reads the file says nothing of the kind.
    expect(runCli(["export", CSV_FIXTURE, "--input-format", "csv"]).stderr).toBe("");
  });

  it("--strict stops at the first bad record with exit 1 and its place", () => {
    const csv = put(folder, "strict.csv", "timestamp,sender\n2026-11-20T10:00:00Z,a@b.example\nyesterday-ish,b@b.example\n");
    expect(failing(["export", csv, "--strict"], 1)).toBe(`smtp-auth-report: ${csv}:3: timestamp "yesterday-ish" not understood (use ISO 8601, epoch, M/D/YYYY h:mm AM/PM or D.M.YYYY HH:mm) (--strict stops at the first bad record)\n`);
  });

  // An empty file or a header alone is read, and holds nothing: exit 0 (test/cli/all-clear.test.ts).
  it("binary garbage, only bad records: exit 1", () => {
    const garbage = put(folder, "garbage.bin", Buffer.concat([Buffer.from("PK\x03\x04"), randomBytes(4000), Buffer.alloc(8)]));
    expect(failing(["summary", garbage], 1)).toMatch(/garbage\.bin: binary data \(a NUL byte at offset \d+\), not a CSV, JSONL or mail log/);
    expect(failing(["summary", put(folder, "allbad.csv", "timestamp,sender\nnope,a@b\nnope,b@c\n")], 1)).toMatch(/no submission could be read: all 2 records were bad; first: .*allbad\.csv:2: timestamp "nope" not understood/);
  });

  it("a row of empty cells from Excel is a blank line, not a bad record", () => {
    const file = put(folder, "blank-row.csv", "sep=;\r\nDate (UTC);Sender Address;TLS\r\n20.11.2026 14:03;a@b.example;TLS 1.0\r\n;;\r\n;;\r\n21.11.2026 09:00;c@b.example;TLS 1.2\r\n");
    const run = runCli(["export", file]);
    expect(run.stderr).toBe("");
    expect(run.stdout.trimEnd().split("\n")).toHaveLength(3);
  });

  it("an Excel CSV saved in Windows-1252 is read as such, not as broken UTF-8", () => {
    const file = put(folder, "excel-ansi.csv", Buffer.from("Date;User;TLS\r\n20.11.2026 14:03;M\xfcller@beispiel.example;TLS 1.0\r\n", "latin1"));
    const run = runCli(["export", file]);
    expect(run.stdout).toContain("2026-11-20,müller@beispiel.example,beispiel.example,TLS1.0,");
  });

  it("a Windows-1252 CSV whose first accented name comes after 64 KiB: read as such by one thread, two, and the plain path", () => {
    const rows = Array.from({ length: 2000 }, (_, i) => `20.11.2026 14:03;user${i}@beispiel.example;TLS 1.2\r\n`).join("");
    const file = put(folder, "excel-ansi-late.csv", Buffer.from(`Date;User;TLS\r\n${rows}20.11.2026 14:04;Jos\xe9@beispiel.example;TLS 1.0\r\n20.11.2026 14:05;Jos\xe8@beispiel.example;TLS 1.0\r\n`, "latin1"));
    const one = runCli(["export", file]);
    expect(one.stdout).toContain("2026-11-20,josé@beispiel.example,beispiel.example,TLS1.0,");
    expect(one.stdout).toContain("2026-11-20,josè@beispiel.example,beispiel.example,TLS1.0,");
    expect(runCli(["export", file], { env: { SMTP_AUTH_REPORT_SPLIT_BYTES: "500" } }).stdout).toBe(one.stdout);
    expect(runCli(["export", file], { env: { SMTP_AUTH_REPORT_PLAIN: "1" } }).stdout).toBe(one.stdout);
    // Standard input comes in a pipe's chunks of 64 KiB: the encoding is still told from the first MiB.
    expect(runCli(["export", "-"], { input: readFileSync(file) }).stdout).toBe(one.stdout);
  });

  it("log text in messages cannot reach the terminal as escape sequences", () => {
    const csv = put(folder, "ansi.csv", "timestamp,sender\n\x1b]0;pwned\x07\x1b[31m,a@b.example\n2026-11-20T10:00:00Z,b@b.example\n");
    const run = runCli(["export", csv]);
    expect(run.stderr).toContain('timestamp "\\u001b]0;pwned\\u0007\\u001b[31m" not understood');
    expect(run.stderr).not.toContain("\x1b");
  });

  it("a closed standard output (| head -1) ends quietly with exit 0", () => {
    const shell = spawnSync("bash", ["-c", `set -o pipefail; node bin/smtp-auth-report.js export ${CSV_FIXTURE} --all --by hour | head -1`], { cwd: ROOT, encoding: "utf8" });
    expect(shell.stdout).toBe("period,sender,domain,tls_version,auth,client_ip,messages,first_seen,last_seen\n");
    expect(shell.stderr).toBe("");
    expect(shell.status).toBe(0);
  });

  it("--debug shows the stack of an error", () => {
    const run = runCli(["summary", join(folder, "nope.csv"), "--debug"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no such file\n.*InputError/s);
    // The bundle's source maps name the source files, not the bundle's chunks.
    const binary = put(folder, "binary.dat", Buffer.from([120, 0, 1]));
    const mapped = runCli(["summary", binary, "--debug"]);
    expect(mapped.stderr).toMatch(/at detectFormat \(.*src\/ingest\/open\.ts:\d+:\d+\)/);
    expect(mapped.stderr).not.toMatch(/chunk-/);
  });
});

describe("the --output file matched by an input glob (review 12: a cron job's weekly.csv read back and counted again)", () => {
  it("is not read: counts stay the same run after run, with a note; alone it is a usage error", () => {
    const folder = scratch();
    put(folder, "export.csv", "timestamp,sender,tls,auth\n2026-11-20T10:00:00Z,a@x.example,TLS1.2,LOGIN\n2026-11-21T10:00:00Z,b@x.example,TLS1.0,LOGIN\n");
    const args = ["export", "--all", "*.csv", "-o", "weekly.csv"];
    const first = runCli(args, { cwd: folder });
    expect(first.code).toBe(0);
    const once = readFileSync(join(folder, "weekly.csv"), "utf8");
    const second = runCli(args, { cwd: folder });
    expect(second.code).toBe(0);
    expect(second.stderr).toContain("smtp-auth-report: note: weekly.csv is the --output file, not read");
    expect(readFileSync(join(folder, "weekly.csv"), "utf8")).toBe(once);
    const alone = runCli(["export", "--all", "weekly.csv", "-o", "weekly.csv"], { cwd: folder });
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain("only the --output file");
    expect(readFileSync(join(folder, "weekly.csv"), "utf8")).toBe(once);
  });
});
