// A reviewer's findings on --fail-on and empty ranges: no submissions in the range is never an
// all-clear (failed logins or not), every decision is said on stderr, and a filter that matches
// nothing says so.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { put, runCli, scratch } from "../helpers.js";

const folder = scratch();
const NOW = { SMTP_AUTH_REPORT_NOW: "2026-11-27T07:10:00Z" };

// Two password guesses and nothing else: a log of failed logins only.
const failedOnly = put(folder, "failed-only.log", [
  "Nov 20 09:11:00 mx1 postfix/smtpd[1004]: warning: unknown[203.0.113.9]: SASL LOGIN authentication failed: UGFzc3dvcmQ6",
  "Nov 20 09:11:01 mx1 postfix/smtpd[1004]: warning: unknown[203.0.113.9]: SASL LOGIN authentication failed: UGFzc3dvcmQ6",
  "",
].join("\n"));
// An Exim relay: an arrival from another server (no A=, not a submission), with and without one failed login.
const relayLines = [
  "2026-11-20 08:03:01 1vAbCd-000126-AB <= someone@remote.example H=mx.remote.example [198.51.100.20] P=esmtps X=TLS1.3:TLS_AES_256_GCM_SHA384:256 S=100",
  "2026-11-20 08:05:01 1vAbCd-000126-AB => someone@remote.example R=dnslookup T=remote_smtp",
];
const relay = put(folder, "relay.log", `${relayLines.join("\n")}\n`);
const relayWithFail = put(folder, "relay-fail.log", `${[relayLines[0], "2026-11-20 08:04:01 login authenticator failed for (x) [203.0.113.50]:5555 I=[10.0.0.1]:587: 535 Incorrect authentication data (set_id=admin)", relayLines[1]].join("\n")}\n`);
// One sender on OAuth and TLS 1.3, three days.
const clean = put(folder, "clean.csv", [
  "timestamp,sender,tls_version,auth,client_ip",
  "2026-11-16T09:34:55Z,m.jensen@eu.northwind.example,TLS1.3,XOAUTH2,192.0.2.64",
  "2026-11-17T12:01:57Z,m.jensen@eu.northwind.example,TLS1.3,XOAUTH2,192.0.2.64",
  "2026-11-18T10:53:06Z,m.jensen@eu.northwind.example,TLS1.3,XOAUTH2,192.0.2.64",
  "",
].join("\n"));

// clean.csv with a sender of another domain on 2026-11-10 only.
const older = put(folder, "older.csv", `${readFileSync(clean, "utf8")}2026-11-10T08:00:00Z,scanner@fabrikam.example,TLS1.2,XOAUTH2,192.0.2.70\n`);
const run = (args: string[]) => runCli(args, { env: NOW });

describe("no submissions in the range: --fail-on cannot decide, failed logins or not", () => {
  it.each([
    ["summary", "any"], ["summary", "legacy-tls"], ["export", "basic-auth"],
  ])("%s of failed logins only with --fail-on %s exits 1", (command, condition) => {
    const result = run([command, failedOnly, "--year", "2026", "--fail-on", condition]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`--fail-on ${condition}: cannot decide: the range holds failed logins but no submissions to decide from\n`);
  });

  it("an Exim relay log exits 1 with or without a failed login", () => {
    expect(run(["summary", relay, "--fail-on", "any"]).stderr).toContain("--fail-on any: cannot decide: the input holds no submissions to decide from\n");
    const withFail = run(["summary", relayWithFail, "--fail-on", "any", "--width", "200"]);
    expect(withFail.code).toBe(1);
    expect(withFail.stderr).toContain("--fail-on any: cannot decide: the range holds failed logins but no submissions to decide from\n");
    // The summary text is what a cron job mails: no all-clear there either.
    expect(withFail.stdout).toContain("  No submissions in this range.\n\n  This is not an all-clear: the range holds failed logins but no submissions to decide from.\n");
  });

  it("export says 'with these filters' only when filters are in effect", () => {
    const plain = run(["export", failedOnly, "--year", "2026"]);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toContain("no submissions from 2026-11-14 to 2026-11-20 (7 days, UTC) (failed logins only); the output has its header only\n");
    expect(plain.stderr).not.toContain("with these filters");
    const filtered = run(["export", clean, "--domain", "nrothwind.example"]);
    expect(filtered.stderr).toContain("no submissions from 2026-11-12 to 2026-11-18 (7 days, UTC) with these filters; the output has its header only\n");
  });

  it("summary JSON of a range without submissions has null counts, as --fail-on cannot decide; a filter that matches nothing has 0", () => {
    const failedOnlyJson = run(["summary", failedOnly, "--year", "2026", "--format", "json"]);
    const doc = JSON.parse(failedOnlyJson.stdout);
    expect([doc.legacy_tls_senders, doc.basic_auth_senders]).toEqual([null, null]);
    expect(doc.failed_logins).toBeGreaterThan(0);
    expect(failedOnlyJson.stderr).toContain("(failed logins only); the JSON's counts and lists are empty\n");
    const stale = JSON.parse(run(["summary", clean, "--from", "2027-01-01", "--to", "2027-01-07", "--format", "json"]).stdout);
    expect([stale.legacy_tls_senders, stale.basic_auth_senders]).toEqual([null, null]);
    const typo = JSON.parse(run(["summary", clean, "--domain", "nrothwind.example", "--format", "json"]).stdout);
    expect([typo.legacy_tls_senders, typo.basic_auth_senders]).toEqual([0, 0]);
  });
});

describe("every --fail-on decision is said on stderr", () => {
  it("a clear decision says what it judged", () => {
    const result = run(["summary", clean, "--fail-on", "any"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("smtp-auth-report: --fail-on any: none found: no legacy TLS or Basic auth among 1 sender in 2026-11-12 to 2026-11-18 (7 days, UTC)\n");
    expect(run(["summary", clean, "--fail-on", "basic-auth", "--quiet"]).stderr).toBe("");
  });

  it("a filter that matches nothing in a range the input covers is said (a typo must not pass in silence)", () => {
    for (const command of ["summary", "export"]) {
      // A value that matches no record of the input at all: no answer (exit 1).
      const result = run([command, clean, "--domain", "nrothwind.example", "--fail-on", "any"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("--fail-on any: cannot decide: --domain nrothwind.example matches no record of the input (a typo?)\n");
      // A value that matches records outside the range only: an answer (exit 0), said.
      const outside = run([command, older, "--from", "2026-11-16", "--domain", "fabrikam.example", "--fail-on", "any"]);
      expect(outside.code).toBe(0);
      expect(outside.stderr).toContain("--fail-on any: none found: no legacy TLS or Basic auth: no submission in 2026-11-16 to 2026-11-18 (3 days, UTC) matches the filters (domain fabrikam.example); check them for a typo\n");
    }
    expect(run(["summary", clean, "--domain", "nrothwind.example"]).stdout).toContain("  No submissions in this range with these filters.\n");
  });
});

describe("a range the input covers in part, or holds nothing of, is said", () => {
  // Ten days of one OAuth sender, ending 2026-11-22 18:00; the run is on 2026-11-27.
  const days = Array.from({ length: 10 }, (_, i) => `2026-11-${String(13 + i).padStart(2, "0")}T18:00:00Z,app@corp.example,TLS1.3,XOAUTH2,192.0.2.10`);
  const ending = put(folder, "ending.csv", `timestamp,sender,tls_version,auth,client_ip\n${days.join("\n")}\n`);

  it("the input ends before the range ends: stderr, the summary header and the report header; no exit change", () => {
    const result = run(["summary", ending, "--from", "-7d", "--fail-on", "any", "--width", "200"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("smtp-auth-report: note: the input ends 2026-11-22 18:00 UTC, before the range ends (2026-11-20 00:00 to 2026-11-27 07:10 (UTC, end excluded))\n");
    expect(result.stdout).toContain("Partly covered: the input ends 2026-11-22 18:00 UTC, before the range ends.\n");
    const page = `${folder}/ending.html`;
    expect(run(["report", ending, "--from", "-7d", "-o", page, "--quiet"]).code).toBe(0);
    expect(readFileSync(page, "utf8")).toContain("Partly covered: the input ends 2026-11-22 18:00 UTC, before the range ends.");
  });

  it("the input starts after the range starts; a range it covers says nothing", () => {
    const result = run(["export", ending, "--from", "2026-11-01", "--to", "2026-11-22"]);
    expect(result.stderr).toBe("smtp-auth-report: note: the input starts 2026-11-13 18:00 UTC, after the range starts (2026-11-01 to 2026-11-22 (22 days, UTC))\n");
    expect(run(["export", ending, "--from", "2026-11-14", "--to", "2026-11-22"]).stderr).toBe("");
    expect(run(["export", ending]).stderr).toBe("");
  });

  it("unusual activity is not 'none' where the range holds no submissions: it cannot be judged", () => {
    const empty = run(["summary", failedOnly, "--year", "2026", "--width", "200"]);
    expect(empty.stdout).toContain("Unusual activity: cannot be judged\n  The range holds failed logins but no submissions to decide from.\n");
    expect(empty.stdout).not.toContain("Unusual activity: none");
    const filtered = run(["summary", ending, "--domain", "nrothwind.example", "--width", "200"]);
    expect(filtered.stdout).toContain("Unusual activity: cannot be judged\n  No submission in the range matches the filters.\n");
    expect(run(["summary", ending]).stdout).toContain("Unusual activity: none\n");
  });
});
