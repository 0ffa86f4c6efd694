// SPEC "What the data cannot tell is never an all-clear": unknown dimensions, --fail-on decisions,
// stale input, filters stated in every output, the same file read once, inputs that hold nothing.
import { readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, put, runCli, scratch } from "../helpers.js";

const CSV_FIXTURE = join(FIXTURES, "submissions.csv");
const folder = scratch();

/** A CSV of three senders over two days, with only the columns asked for (tls, auth or both). */
function devices(name: string, columns: { tls?: [string, string, string]; auth?: [string, string, string] }): string {
  const header = ["timestamp", "sender", ...(columns.tls ? ["tls_version"] : []), ...(columns.auth ? ["auth"] : [])];
  const rows = ["printer@a.example", "scanner@a.example", "app@b.example"].flatMap((sender, i) =>
    ["2026-11-20T08:00:00Z", "2026-11-21T09:30:00Z"].map((time) => [time, sender, ...(columns.tls ? [columns.tls[i]!] : []), ...(columns.auth ? [columns.auth[i]!] : [])].join(",")));
  return put(folder, name, `${header.join(",")}\n${rows.join("\n")}\n`);
}

const summaryJson = (args: string[], env?: Record<string, string>) => JSON.parse(runCli(["summary", ...args, "--format", "json"], { env }).stdout);

describe("a dimension the input cannot tell is unknown, not zero", () => {
  const noAuth = devices("no-auth.csv", { tls: ["TLS1.0", "TLS1.2", "TLS1.2"] });
  const noTls = devices("no-tls.csv", { auth: ["LOGIN", "XOAUTH2", "XOAUTH2"] });
  const AUTH_WHY = "every submission in the range has auth unknown: no auth column, or it holds no mechanism; name one with --map auth=COLUMN";

  it("summary text shows n/a with the reason; JSON has null; the report's tile says n/a", () => {
    const text = runCli(["summary", noAuth, "--width", "200"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`  Senders on legacy TLS      1  TLS older than 1.2, or no TLS\n  Senders on Basic auth    n/a  ${AUTH_WHY}\n`);
    const doc = summaryJson([noAuth]);
    expect(doc.legacy_tls_senders).toBe(1);
    expect(doc.basic_auth_senders).toBeNull();
    expect(doc.failed_logins).toBeNull();
    const tls = summaryJson([noTls]);
    expect(tls.legacy_tls_senders).toBeNull();
    expect(tls.basic_auth_senders).toBe(1);
    expect(runCli(["summary", noTls, "--width", "200"]).stdout).toMatch("Senders on legacy TLS    n/a  every submission in the range has TLS unknown: no TLS column, or it holds no version; name one with --map tls_version=COLUMN\n");

    const page = join(folder, "no-auth.html");
    expect(runCli(["report", noAuth, "-o", page]).code).toBe(0);
    const html = readFileSync(page, "utf8");
    expect(html).toContain(`<div class="value">n/a</div><div class="label">Senders on Basic auth</div><div class="why">${AUTH_WHY}</div>`);
    expect(html).toContain(`<div class="value">1</div><div class="label">Senders on legacy TLS</div>`);
    // The action list (the page's script holds the phrase for a part picked where both are told; it checks the same first).
    expect(/<section class="table-block" id="action-table">[\s\S]*?<\/section>/.exec(html)![0]).not.toContain("Nothing to do");
  });

  it("a count is a lower bound while some senders are unknown: said beside the 0 in the summary and the report", () => {
    const file = put(folder, "some-unknown.csv", "timestamp,sender,tls_version,auth\n2026-11-20T08:00:00Z,app@b.example,TLS1.2,XOAUTH2\n2026-11-20T09:00:00Z,printer@b.example,,\n2026-11-20T10:00:00Z,scanner@b.example,TLS1.3,\n");
    const text = runCli(["summary", file, "--width", "100"]);
    expect(text.stdout).toContain("  Senders on legacy TLS    0  not counted: 1 sender with TLS unknown\n  Senders on Basic auth    0  not counted: 2 senders with auth unknown\n");
    // JSON keeps the SPEC's numbers (null only where nothing can be told); the rows say what is unknown.
    const doc = summaryJson([file]);
    expect(doc.legacy_tls_senders).toBe(0);
    expect(doc.tls.find((t: { tls_version: string }) => t.tls_version === "unknown").senders).toBe(1);
    const page = join(folder, "some-unknown.html");
    expect(runCli(["report", file, "-o", page]).code).toBe(0);
    const html = readFileSync(page, "utf8");
    expect(html).toContain(`<div class="value">0</div><div class="label">Senders on legacy TLS</div><div class="why">not counted: 1 sender with TLS unknown</div>`);
    expect(html).toContain("No use found, but this is not an all-clear: not counted: 1 sender with TLS unknown; not counted: 2 senders with auth unknown.");
    expect(/<section class="table-block" id="action-table">[\s\S]*?<\/section>/.exec(html)![0]).not.toContain("Nothing to do");
  });

  it("a mapped column that is empty is unknown too", () => {
    const file = put(folder, "empty-method.csv", "When,Account,Method,TLS\n2026-11-20T08:00:00Z,a@b.example,,TLS1.2\n2026-11-20T09:00:00Z,c@b.example,,TLS1.3\n");
    const run = runCli(["summary", file, "--map", "timestamp=When", "--map", "sender=Account", "--map", "auth=Method", "--fail-on", "basic-auth"]);
    expect(run.stdout).toMatch(/Senders on Basic auth +n\/a/);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`smtp-auth-report: --fail-on basic-auth: cannot decide: Basic auth cannot be told (${AUTH_WHY})\n`);
    // Nothing to do in the report only where both are told and nothing was found.
    const page = join(folder, "empty-method.html");
    runCli(["report", file, "--map", "timestamp=When", "--map", "sender=Account", "--map", "auth=Method", "-o", page]);
    expect(readFileSync(page, "utf8")).toContain("No use found, but this is not an all-clear: auth: every submission in the range has auth unknown");
  });

  it("a Postfix log without TLS lines names the setting that writes them", () => {
    const log = put(folder, "no-tls.log", [
      "2026-11-20T08:00:01+00:00 mx1 postfix/submission/smtpd[100]: 4A1B2C3D: client=pc1.example[192.0.2.10], sasl_method=PLAIN, sasl_username=alice@a.example",
      "2026-11-20T08:05:01+00:00 mx1 postfix/submission/smtpd[101]: 4A1B2C3E: client=pc2.example[192.0.2.11], sasl_method=XOAUTH2, sasl_username=bob@a.example",
      "",
    ].join("\n"));
    const doc = summaryJson([log]);
    expect(doc.legacy_tls_senders).toBeNull();
    expect(doc.basic_auth_senders).toBe(1);
    expect(runCli(["summary", log, "--width", "200"]).stdout).toContain("n/a  every submission in the range has TLS unknown: the log has no TLS lines (Postfix writes them with smtpd_tls_loglevel = 1 or more)");
    // At 60 columns the reason goes under the figure, whole.
    const narrow = runCli(["summary", log, "--width", "60"]).stdout;
    expect(narrow).toContain("Senders on legacy TLS    n/a\n    every submission in the range has TLS unknown: the log\n");
    expect(narrow.replace(/\s+/g, " ")).toContain("the log has no TLS lines (Postfix writes them with smtpd_tls_loglevel = 1 or more)");
  });

  it("--fail-on follows the SPEC's table for every mix of told, found and clear", () => {
    const TLS = { unknown: undefined, legacy: ["TLS1.0", "TLS1.2", "TLS1.3"], modern: ["TLS1.2", "TLS1.3", "TLS1.2"] } as const;
    const AUTH = { unknown: undefined, basic: ["PLAIN", "XOAUTH2", "XOAUTH2"], oauth: ["XOAUTH2", "XOAUTH2", "OAUTHBEARER"] } as const;
    // The SPEC, stated independently: a dimension that cannot be told is 1; found is 3; else 0. `any`:
    // 3 when a dimension that can be told found use, else 1 when one could not be told, else 0.
    const one = (state: string, found: string): number => (state === "unknown" ? 1 : state === found ? 3 : 0);
    const runs: { file: string; condition: string; code: number; what: string }[] = [];
    for (const [tlsState, tls] of Object.entries(TLS)) {
      for (const [authState, auth] of Object.entries(AUTH)) {
        const file = devices(`mix-${tlsState}-${authState}.csv`, { tls: tls as [string, string, string] | undefined, auth: auth as [string, string, string] | undefined });
        const legacy = one(tlsState, "legacy");
        const basic = one(authState, "basic");
        const what = `${tlsState} TLS, ${authState} auth`;
        runs.push({ file, condition: "any", code: legacy === 3 || basic === 3 ? 3 : legacy === 1 || basic === 1 ? 1 : 0, what });
        // A single condition depends on its own dimension alone: once per state is enough.
        if (authState === "oauth") runs.push({ file, condition: "legacy-tls", code: legacy, what });
        if (tlsState === "modern") runs.push({ file, condition: "basic-auth", code: basic, what });
      }
    }
    for (const { file, condition, code, what } of runs) {
      const run = runCli(["export", file, "--fail-on", condition, "-o", join(folder, "mix.csv")]);
      expect(run.code, `${what}, --fail-on ${condition}: ${run.stderr}`).toBe(code);
      if (code === 1) expect(run.stderr).toMatch(/cannot decide: .* cannot be told \(every submission in the range has (TLS|auth) unknown/);
      if (code === 0) expect(run.stderr).toMatch(/^smtp-auth-report: --fail-on [a-z-]+: none found: no (legacy TLS|Basic auth)( or Basic auth)? among 3 senders in 2026-11-15 to 2026-11-21 \(7 days, UTC\)\n$/);
    }
  });

  it("--fail-on any names what it found and what it could not tell", () => {
    const file = devices("basic-no-tls.csv", { auth: ["LOGIN", "PLAIN", "XOAUTH2"] });
    const run = runCli(["summary", file, "--fail-on", "any"]);
    expect(run.code).toBe(3);
    expect(run.stderr).toBe("smtp-auth-report: --fail-on any: 2 senders used Basic auth in the range; legacy TLS cannot be told (every submission in the range has TLS unknown: no TLS column, or it holds no version; name one with --map tls_version=COLUMN)\n");
  });

  it("a clear --fail-on says what it could not see where some submissions are unknown", () => {
    const file = put(folder, "partly.csv", "timestamp,sender,tls,auth\n2026-11-20T08:00:00Z,a@b.example,TLS1.2,XOAUTH2\n2026-11-20T09:00:00Z,c@b.example,,XOAUTH2\n2026-11-20T10:00:00Z,c@b.example,,XOAUTH2\n");
    const run = runCli(["export", file, "--fail-on", "legacy-tls", "-o", join(folder, "partly-out.csv")]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("smtp-auth-report: --fail-on legacy-tls: none found: no legacy TLS among 2 senders in 2026-11-14 to 2026-11-20 (7 days, UTC), but 2 messages have TLS unknown\n");
  });
});

describe("date range: relative bounds, never reversed, stale input", () => {
  // The sample data ends on 22 November 2026 at 23:59.
  const twelveDaysLater = { SMTP_AUTH_REPORT_NOW: "2026-12-04T10:00:00Z" };

  it("a relative --from runs to now", () => {
    const doc = summaryJson([CSV_FIXTURE, "--from", "-3d"], { SMTP_AUTH_REPORT_NOW: "2026-11-22T12:00:00Z" });
    expect(doc.range).toEqual({ from: "2026-11-19T00:00:00Z", to: "2026-11-22T12:00:00Z", timezone: "UTC" });
    // Against the export of the same instants: the same messages.
    const rows = runCli(["export", CSV_FIXTURE, "--from", "2026-11-19T00:00:00Z", "--to", "2026-11-22T12:00:00Z"]).stdout.trimEnd().split("\n").slice(1);
    expect(doc.messages).toBe(rows.reduce((n, row) => n + Number(row.split(",")[6]), 0));
  });

  it("stale input: the range is printed in order, stderr gives the newest record's date, --fail-on exits 1", () => {
    const text = runCli(["summary", CSV_FIXTURE, "--from", "-7d", "--width", "200"], { env: twelveDaysLater });
    expect(text.code).toBe(0);
    expect(text.stdout.split("\n")[0]).toBe("SMTP AUTH submissions, 2026-11-27 00:00 to 2026-12-04 10:00 (UTC, end excluded)");
    // The text a cron job mails says it too, and so does the report.
    expect(text.stdout).toContain("\n  This is not an all-clear: the input ends before the range: its newest submission is from 2026-11-22 23:59 UTC.\n");
    const page = join(folder, "stale.html");
    runCli(["report", CSV_FIXTURE, "--from", "-7d", "-o", page, "--quiet"], { env: twelveDaysLater });
    expect(readFileSync(page, "utf8")).toContain("No submissions in this range, and this is not an all-clear: the input ends before the range: its newest submission is from 2026-11-22 23:59 UTC.");
    expect(text.stderr).toBe("smtp-auth-report: the input ends before the range: its newest submission is from 2026-11-22 23:59 UTC; nothing from 2026-11-27 00:00 to 2026-12-04 10:00 (UTC, end excluded)\n");

    // The cron form: a header-only file, and exit 1 instead of an all-clear.
    const out = join(folder, "stale.csv");
    const cron = runCli(["export", CSV_FIXTURE, "--from", "-7d", "--fail-on", "any", "-o", out, "--quiet"], { env: twelveDaysLater });
    expect(cron.code).toBe(1);
    expect(readFileSync(out, "utf8")).toBe("period,sender,domain,tls_version,auth,client_ip,messages,first_seen,last_seen\n");
    expect(cron.stderr).toBe("smtp-auth-report: --fail-on any: cannot decide: the input ends before the range: its newest submission is from 2026-11-22 23:59 UTC\n");
    for (const view of [["tls", "--format", "json"], ["volume"], ["auth", "--details"], ["tls", "--format", "table"]]) {
      const run = runCli([...view, CSV_FIXTURE, "--from", "-7d", "--fail-on", "basic-auth", "--quiet", "--width", "200"], { env: twelveDaysLater });
      expect(run.code).toBe(1);
      // A chart or table of zeros says it too; JSON keeps the SPEC's keys (stderr says it).
      if (!view.includes("json")) expect(run.stdout.endsWith("\n  This is not an all-clear: the input ends before the range: its newest submission is from 2026-11-22 23:59 UTC.\n"), run.stdout).toBe(true);
    }
  });

  it("a range the input does not reach at all cannot decide either, nor a filter that matches no record of the input", () => {
    expect(runCli(["export", CSV_FIXTURE, "--from", "2025-01-01", "--to", "2025-01-31", "--fail-on", "any"]).code).toBe(1);
    expect(runCli(["export", CSV_FIXTURE, "--domain", "nowhere.example", "--fail-on", "any"]).code).toBe(1);
  });

  it("an end not after the start is a usage error, never a reversed range", () => {
    const later = runCli(["summary", CSV_FIXTURE, "--from", "2026-12-01"]);
    expect(later.code).toBe(2);
    expect(later.stdout).toBe("");
    expect(later.stderr).toBe("smtp-auth-report: --from 2026-12-01 is after the input's last day, 2026-11-22: the range would be empty; give --to as well, or an earlier --from\n");
    const now = runCli(["summary", CSV_FIXTURE, "--from", "now"]);
    expect(now.code).toBe(2);
    expect(now.stderr).toMatch(/^smtp-auth-report: --from now is not before --to now/);
  });
});

describe("the filters in effect are stated by every output", () => {
  const FILTERS = ["--domain", "fabrikam.example,northwind.example", "--sender", "*", "--tls", "legacy", "--auth", "basic", "--client-ip", "10.0.0.0/8"];
  const LINE = "Filtered: only domain fabrikam.example, northwind.example; sender *; TLS legacy; auth basic; client IP 10.0.0.0/8";
  const JSON_FILTERS = { domain: ["fabrikam.example", "northwind.example"], sender: ["*"], tls: ["legacy"], auth: ["basic"], client_ip: ["10.0.0.0/8"] };
  // One of each renderer: summary, chart, period table, volume details, TLS/auth details, senders per period.
  const TEXT_VIEWS = [["summary"], ["volume"], ["tls", "--format", "table"], ["volume", "--details"], ["auth", "--details"], ["tls", "--metric", "senders"], ["auth", "--metric", "senders", "--format", "table"]];
  // The summary's document and a view's (viewJson), with and without details.
  const JSON_VIEWS = [["summary", "--format", "json"], ["tls", "--format", "json"], ["volume", "--details", "--format", "json"]];

  // Without filters no line is added: the golden files of every view show that.
  it("a line in the header of every text output", () => {
    for (const view of TEXT_VIEWS) {
      const lines = runCli([...view, CSV_FIXTURE, ...FILTERS, "--width", "120"]).stdout.split("\n");
      expect(lines.slice(0, 3), view.join(" ")).toContain(LINE);
    }
  });

  it("`filters` in every JSON object, with empty lists when unused", () => {
    for (const view of JSON_VIEWS) {
      expect(JSON.parse(runCli([...view, CSV_FIXTURE, ...FILTERS]).stdout).filters, view.join(" ")).toEqual(JSON_FILTERS);
    }
    expect(JSON.parse(runCli(["auth", CSV_FIXTURE, "--format", "json"]).stdout).filters).toEqual({ domain: [], sender: [], tls: [], auth: [], client_ip: [] });
  });

  it("the report's header, and CSV stays as specified", () => {
    const page = join(folder, "filtered.html");
    expect(runCli(["report", CSV_FIXTURE, ...FILTERS, "-o", page]).code).toBe(0);
    expect(readFileSync(page, "utf8")).toMatch(/<header>[\s\S]*<p class="filters" id="filters">Filtered: every figure on this page counts only submissions with domain <b>fabrikam\.example, northwind\.example<\/b>; sender <b>\*<\/b>; TLS <b>legacy<\/b>; auth <b>basic<\/b>; client IP <b>10\.0\.0\.0\/8<\/b>\.<\/p>\n<\/header>/);
    const plain = join(folder, "plain.html");
    runCli(["report", CSV_FIXTURE, "-o", plain]);
    expect(readFileSync(plain, "utf8")).not.toContain('id="filters"');
    expect(runCli(["tls", CSV_FIXTURE, ...FILTERS, "--format", "csv"]).stdout.split("\n")[0]).toBe("period,tls_version,messages,percent");
    expect(runCli(["export", CSV_FIXTURE, ...FILTERS]).stdout.split("\n")[0]).toBe("period,sender,domain,tls_version,auth,client_ip,messages,first_seen,last_seen");
  });

  it("filter values from the command line are escaped on a terminal", () => {
    expect(runCli(["summary", CSV_FIXTURE, "--sender", "x\u001b[31m*"]).stdout).toContain("Filtered: only sender x\\x1b[31m*\n");
  });
});

describe("the same file named twice is read once", () => {
  const single = summaryJson([CSV_FIXTURE]);

  it("by the same path, through a glob, or a link, with a one-line note", () => {
    const copy = put(folder, "twice/sub.csv", readFileSync(CSV_FIXTURE));
    const link = join(folder, "twice", "link.csv");
    symlinkSync(copy, link);
    for (const args of [[CSV_FIXTURE, CSV_FIXTURE], [copy, join(folder, "twice", "*.csv")]]) {
      const run = runCli(["summary", ...args, "--format", "json"]);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout).messages).toBe(single.messages);
      expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
    }
    expect(runCli(["export", CSV_FIXTURE, CSV_FIXTURE]).stderr).toBe(`smtp-auth-report: note: ${CSV_FIXTURE} named more than once; read once\n`);
    expect(runCli(["export", copy, join(folder, "twice", "*.csv")]).stderr).toBe(`smtp-auth-report: note: ${link} (the same file as ${copy}), ${copy} named more than once; read once\n`);
    // Two files with the same content are two inputs.
    const other = put(folder, "twice-other/sub.csv", readFileSync(CSV_FIXTURE));
    expect(summaryJson([copy, other]).messages).toBe(2 * single.messages);
  });
});

describe("inputs that hold no submissions are read: exit 0 with a note", () => {
  const EXPORT_HEADER = "period,sender,domain,tls_version,auth,client_ip,messages,first_seen,last_seen\n";
  const WHY = "(empty, a header alone, or a server log without authenticated submissions)";

  it("a header alone: a CSV output still gets its header", () => {
    const header = put(folder, "header.csv", "timestamp,sender,tls_version\r\n");
    const run = runCli(["export", header]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(EXPORT_HEADER);
    expect(run.stderr).toBe(`smtp-auth-report: note: no submissions in ${header} ${WHY}\n`);
    const summary = runCli(["summary", header]);
    expect(summary.code).toBe(0);
    expect(summary.stdout).toContain("No submissions in this range.\n\n  This is not an all-clear: the input holds no submissions to decide from.\n");
  });

  it("an empty file, and a server log without submissions", () => {
    const empty = put(folder, "empty.csv", "");
    expect(runCli(["export", empty])).toEqual({ code: 0, stdout: EXPORT_HEADER, stderr: `smtp-auth-report: note: no submissions in ${empty} ${WHY}\n` });
    const relay = put(folder, "relay.log", [
      "2026-11-20T08:00:00+00:00 mx1 postfix/smtpd[200]: connect from mail.partner.example[198.51.100.7]",
      "2026-11-20T08:00:01+00:00 mx1 postfix/smtpd[200]: 5B6C7D8E: client=mail.partner.example[198.51.100.7]",
      "2026-11-20T08:00:02+00:00 mx1 postfix/smtpd[200]: disconnect from mail.partner.example[198.51.100.7]",
      "",
    ].join("\n"));
    const run = runCli(["tls", relay, "--format", "csv"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("period,tls_version,messages,percent\n");
    expect(run.stderr).toBe(`smtp-auth-report: note: no submissions in ${relay} ${WHY}\n`);
    // Beside an input with submissions, the empty one is noted and the rest reported.
    const both = runCli(["summary", CSV_FIXTURE, empty, "--format", "json"]);
    expect(both.code).toBe(0);
    expect(JSON.parse(both.stdout).messages).toBe(1097);
    expect(both.stderr).toBe(`smtp-auth-report: note: no submissions in ${empty} ${WHY}\n`);
  });

  it("--fail-on cannot decide from an input without submissions (exit 1); only bad records stay exit 1", () => {
    const header = put(folder, "header-only.csv", "timestamp,sender,tls_version,auth\n");
    const run = runCli(["export", header, "--fail-on", "any", "--quiet"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(EXPORT_HEADER);
    expect(run.stderr).toBe("smtp-auth-report: --fail-on any: cannot decide: the input holds no submissions to decide from\n");
    const bad = runCli(["summary", put(folder, "allbad.csv", "timestamp,sender\nnope,a@b\n")]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/no submission could be read: all 1 records were bad/);
  });
});

describe("a quiet day after the last submission, with failed logins (review 12)", () => {
  it("--fail-on says the range holds failed logins, not only that the input ends before it", () => {
    const folder = scratch();
    put(folder, "mail.log", [
      "2026-11-21T14:17:00+00:00 mx1 postfix/submission/smtpd[100]: 4AB1: client=pc[10.0.0.9], sasl_method=LOGIN, sasl_username=clerk@a.example",
      "2026-11-22T03:00:00+00:00 mx1 postfix/submission/smtpd[101]: warning: unknown[203.0.113.5]: SASL LOGIN authentication failed: authentication failure",
    ].join("\n") + "\n");
    const run = runCli(["summary", "mail.log", "--from", "2026-11-22", "--to", "2026-11-22", "--fail-on", "any", "--quiet"], { cwd: folder });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("cannot decide: the input ends before the range: its newest submission is from 2026-11-21 14:17 UTC; the range holds failed logins, no submissions");
  });
});
