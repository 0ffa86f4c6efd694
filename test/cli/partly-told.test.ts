// SPEC "What the data cannot tell": an input that cannot tell TLS (auth) beside inputs that can. Its
// submissions in the range make a count of the others only: --fail-on cannot give an all-clear then.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { put, runCli, scratch } from "../helpers.js";

const folder = scratch();
/** Writes a file in the test's folder (where the CLI runs) and returns its name there. */
const file = (name: string, content: string): string => (put(folder, name, content), name);
const DAYS = ["2026-11-20T08:00:00Z", "2026-11-21T09:30:00Z"];

/** A CSV of two senders on both days, with TLS and auth columns. */
function told(name: string, tls: string, auth: string): string {
  const rows = ["app@a.example", "crm@b.example"].flatMap((sender) => DAYS.map((time) => `${time},${sender},${tls},${auth},10.0.0.7`));
  return file(name, `timestamp,sender,tls_version,auth,client_ip\n${rows.join("\n")}\n`);
}

// A message trace: senders and times, but no TLS or auth column (half the messages of the run).
const trace = file("trace.csv", `origin_timestamp_utc,sender_address,recipient_status,original_client_ip\n${
  ["printer@a.example", "scanner@a.example"].flatMap((sender) => DAYS.map((time) => `${time},${sender},Deliver,10.0.0.5`)).join("\n")}\n`);
const clean = told("clean.csv", "TLS1.2", "OAuth");
const TRACE_TLS = "trace.csv has no TLS information (no TLS column; name one with --map tls_version=COLUMN)";
const TRACE_AUTH = "trace.csv has no auth information (no auth column; name one with --map auth=COLUMN)";

describe("an input that cannot tell TLS or auth beside one that can", () => {
  it("--fail-on exits 1 naming the input and its fix, not 0", () => {
    const any = runCli(["summary", clean, trace, "--fail-on", "any", "--quiet"], { cwd: folder });
    expect(any.code).toBe(1);
    expect(any.stderr).toBe(`smtp-auth-report: --fail-on any: cannot decide: ${TRACE_TLS}; ${TRACE_AUTH}\n`);
    const tls = runCli(["summary", clean, trace, "--fail-on", "legacy-tls", "--quiet"], { cwd: folder });
    expect(tls.code).toBe(1);
    expect(tls.stderr).toBe(`smtp-auth-report: --fail-on legacy-tls: cannot decide: ${TRACE_TLS}\n`);
    const auth = runCli(["summary", clean, trace, "--fail-on", "basic-auth", "--quiet"], { cwd: folder });
    expect(auth.code).toBe(1);
    expect(auth.stderr).toBe(`smtp-auth-report: --fail-on basic-auth: cannot decide: ${TRACE_AUTH}\n`);
  });

  it("use found among the inputs that tell still exits 3, and names the input that cannot", () => {
    const legacy = told("legacy.csv", "TLS1.0", "LOGIN");
    const run = runCli(["summary", legacy, trace, "--fail-on", "any", "--quiet"], { cwd: folder });
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(`smtp-auth-report: --fail-on any: 2 senders used legacy TLS or Basic auth in the range; ${TRACE_TLS}; ${TRACE_AUTH}\n`);
  });

  it("summary text and the report say the count is of the inputs that tell it; JSON keeps its numbers", () => {
    const text = runCli(["summary", clean, trace, "--width", "200"], { cwd: folder });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("  Senders on legacy TLS    0  counts only the inputs that tell TLS; not trace.csv (no TLS column; name one with --map tls_version=COLUMN)\n");
    expect(text.stdout).toContain("  Senders on Basic auth    0  counts only the inputs that tell auth; not trace.csv (no auth column; name one with --map auth=COLUMN)\n");
    const doc = JSON.parse(runCli(["summary", clean, trace, "--format", "json"], { cwd: folder }).stdout);
    expect([doc.legacy_tls_senders, doc.basic_auth_senders]).toEqual([0, 0]);
    const page = join(folder, "page.html");
    expect(runCli(["report", clean, trace, "-o", "page.html"], { cwd: folder }).code).toBe(0);
    const html = readFileSync(page, "utf8");
    expect(html).toContain("counts only the inputs that tell TLS; not trace.csv (no TLS column; name one with --map tls_version=COLUMN)");
    expect(html).toContain("No use found, but this is not an all-clear: counts only the inputs that tell TLS; not trace.csv");
  });

  it("an input whose submissions are all outside the range, or all filtered out, leaves the verdict as it was", () => {
    const later = told("later.csv", "TLS1.2", "OAuth");
    const shifted = file("later-trace.csv", readFileSync(join(folder, trace), "utf8").replaceAll("2026-11-2", "2026-10-2"));
    const range = runCli(["summary", later, shifted, "--from", "2026-11-20", "--to", "2026-11-21", "--fail-on", "any"], { cwd: folder });
    expect(range.code).toBe(0);
    expect(range.stderr).toContain("--fail-on any: none found");
    // The default range (the newest record's last seven days) too, known only once all is read.
    const lastWeek = runCli(["summary", later, shifted, "--fail-on", "any"], { cwd: folder });
    expect(lastWeek.code).toBe(0);
    expect(lastWeek.stderr).toContain("--fail-on any: none found");
    const filtered = runCli(["summary", clean, trace, "--domain", "b.example", "--fail-on", "any"], { cwd: folder });
    expect(filtered.code).toBe(0);
    expect(filtered.stderr).toContain("--fail-on any: none found");
  });

  it("a Postfix log without TLS lines beside a CSV that tells TLS", () => {
    const log = file("mail.log", DAYS.map((time, i) => `${time.replace("Z", "+00:00")} mx1 postfix/submission/smtpd[${100 + i}]: 4AB${i}: client=pc[10.0.0.9], sasl_method=XOAUTH2, sasl_username=clerk@a.example`).join("\n") + "\n");
    const run = runCli(["summary", clean, log, "--fail-on", "legacy-tls", "--quiet"], { cwd: folder });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("smtp-auth-report: --fail-on legacy-tls: cannot decide: mail.log has no TLS information (no TLS lines; Postfix writes them with smtpd_tls_loglevel = 1 or more)\n");
    // Its auth is told (sasl_method): --fail-on basic-auth decides.
    expect(runCli(["summary", clean, log, "--fail-on", "basic-auth", "--quiet"], { cwd: folder }).code).toBe(0);
  });

  it("a fresh mail.log after logrotate, without TLS lines of its own, tells TLS where its host logs it in mail.log.1", () => {
    // mail.log.1: a session with its TLS line; mail.log: that session's submission only (review 11: exit 1 at every cron run after logrotate).
    const older = file("rotated.log.1", [
      "2026-11-21T09:00:00+00:00 mx1 postfix/submission/smtpd[300]: connect from pc[10.0.0.9]",
      "2026-11-21T09:00:01+00:00 mx1 postfix/submission/smtpd[300]: Anonymous TLS connection established from pc[10.0.0.9]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)",
    ].join("\n") + "\n");
    const fresh = file("rotated.log", "2026-11-21T09:00:05+00:00 mx1 postfix/submission/smtpd[300]: 5CD1: client=pc[10.0.0.9], sasl_method=LOGIN, sasl_username=clerk@a.example\n");
    const run = runCli(["summary", clean, older, fresh, "--fail-on", "legacy-tls"], { cwd: folder });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("--fail-on legacy-tls: none found");
    // A host that never logs TLS in the run: its file still cannot tell.
    const other = file("other-host.log", "2026-11-21T09:00:05+00:00 mx2 postfix/submission/smtpd[300]: 5CD2: client=pc[10.0.0.9], sasl_method=LOGIN, sasl_username=clerk@a.example\n");
    const untold = runCli(["summary", clean, older, other, "--fail-on", "legacy-tls", "--quiet"], { cwd: folder });
    expect(untold.code).toBe(1);
    expect(untold.stderr).toContain("other-host.log has no TLS information");
  });

  it("a JSONL input tells TLS where any of its records has the key, in the part a second thread reads too", () => {
    const lines = Array.from({ length: 400 }, (_, i) => {
      const time = new Date(Date.parse(DAYS[0]!) + i * 60_000).toISOString();
      // Only the later records name their TLS version: the second reader's part finds the key.
      return JSON.stringify(i < 300 ? { timestamp: time, sender: `d${i % 7}@a.example`, auth: "XOAUTH2" } : { timestamp: time, sender: `d${i % 7}@a.example`, tls: "TLSv1.2", auth: "XOAUTH2" });
    });
    const jsonl = file("devices.jsonl", `${lines.join("\n")}\n`);
    const split = { SMTP_AUTH_REPORT_SPLIT_BYTES: "4096" };
    const run = runCli(["summary", clean, jsonl, "--fail-on", "legacy-tls"], { cwd: folder, env: split });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("--fail-on legacy-tls: none found");
    const none = file("no-tls.jsonl", `${lines.slice(0, 300).join("\n")}\n`);
    const partly = runCli(["summary", clean, none, "--fail-on", "legacy-tls", "--quiet"], { cwd: folder, env: split });
    expect(partly.code).toBe(1);
    expect(partly.stderr).toBe("smtp-auth-report: --fail-on legacy-tls: cannot decide: no-tls.jsonl has no TLS information (no record has a TLS key; name one with --map tls_version=KEY)\n");
  });
});
