// The tls and auth share charts: where every message of a period has its TLS version (auth kind)
// unknown, its legacy (basic) share is n/a with the reason, as the summary says it, never "0.00 %".
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, put, runCli, scratch } from "../helpers.js";

const folder = scratch();
const trace = put(folder, "trace.csv", "timestamp,sender\n2026-11-01T10:00:00Z,printer@a.example\n2026-11-02T10:00:00Z,app@a.example\n2026-11-02T11:00:00Z,app@a.example\n");
// Postfix without smtpd_tls_loglevel: no TLS lines at all.
const postfix = put(folder, "mail.log", [
  "2026-11-20T08:00:00+00:00 mx1 postfix/submission/smtpd[200]: connect from printer.example[10.0.0.5]",
  "2026-11-20T08:00:01+00:00 mx1 postfix/submission/smtpd[200]: 5B6C7D8E: client=printer.example[10.0.0.5], sasl_method=LOGIN, sasl_username=printer@a.example",
  "2026-11-20T08:00:02+00:00 mx1 postfix/submission/smtpd[200]: disconnect from printer.example[10.0.0.5]",
  "2026-11-21T08:00:00+00:00 mx1 postfix/submission/smtpd[201]: connect from app.example[10.0.0.6]",
  "2026-11-21T08:00:01+00:00 mx1 postfix/submission/smtpd[201]: 6B6C7D8E: client=app.example[10.0.0.6], sasl_method=XOAUTH2, sasl_username=app@a.example",
  "2026-11-21T08:00:02+00:00 mx1 postfix/submission/smtpd[201]: disconnect from app.example[10.0.0.6]",
  "",
].join("\n"));

describe("share charts of what the input cannot tell", () => {
  it("tls of a trace without TLS: n/a on every row and the reason under the bars", () => {
    const run = runCli(["tls", trace, "--all", "--width", "80"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe([
      "TLS usage (share of each period's messages)",
      "2026-11-01 to 2026-11-02 (2 days, UTC): 3 messages",
      "",
      "             0 %                    50 %                 100 %  legacy  messages",
      " 2026-11-01  ·················································     n/a         1",
      " 2026-11-02  ·················································     n/a         2",
      " legacy n/a: every submission in the range has TLS unknown: no TLS column, or it",
      " holds no version; name one with --map tls_version=COLUMN",
      "",
      "  ···  unknown  3  100.00 %",
      "",
    ].join("\n"));
  });

  it("auth of an export without auth, and tls of a Postfix log without TLS lines: n/a with the reason", () => {
    const auth = runCli(["auth", join(FIXTURES, "relay-export.csv"), "--width", "80"]).stdout;
    expect(auth).not.toMatch(/ 0\.00 %/);
    expect(auth).toMatch(/ 2026-11-16  ·+    n\/a         8\n/);
    expect(auth).toContain(" basic n/a: every submission in the range has auth unknown: no auth column, or\n it holds no mechanism; name one with --map auth=COLUMN\n");
    const tls = runCli(["tls", postfix, "--all", "--width", "80"]).stdout;
    expect(tls).not.toMatch(/ 0\.00 %/);
    expect(tls).toContain(" legacy n/a: every submission in the range has TLS unknown: the log has no TLS\n lines (Postfix writes them with smtpd_tls_loglevel = 1 or more)\n");
    // The auth of the same log is told: its shares stay.
    expect(runCli(["auth", postfix, "--all", "--width", "80"]).stdout).toMatch(/ 2026-11-20  █+  100\.00 %         1\n 2026-11-21  ░+    0\.00 %         1\n/);
  });

  it("a day whose messages all have TLS unknown is n/a beside days that tell it", () => {
    const mixed = put(folder, "mixed.csv", "timestamp,sender,tls\n2026-11-01T10:00:00Z,printer@a.example,TLS1.0\n2026-11-01T11:00:00Z,app@a.example,TLS1.2\n2026-11-02T10:00:00Z,app@a.example,\n");
    const text = runCli(["tls", mixed, "--all", "--width", "80"]).stdout;
    expect(text).toMatch(/ 2026-11-01  █+░+  50\.00 %         2\n 2026-11-02  ·+      n\/a         1\n legacy n\/a: every message of the period has TLS unknown\n/);
  });

  it("--tls legacy on an input without TLS: no bars, and the reason", () => {
    const text = runCli(["tls", trace, "--all", "--tls", "legacy", "--width", "80"]).stdout;
    expect(text).toContain("  No submissions in this range with these filters.\n\n  legacy n/a: every submission in the range has TLS unknown: no TLS column, or\n  it holds no version; name one with --map tls_version=COLUMN\n");
  });
});
