import { utimesSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { exchangeLog, postfixLog } from "../../fixtures/mail-logs.js";
import { FIXTURES, put, runCli, scratch } from "../helpers.js";
import { naiveExport } from "../naive.js";

const HEADER = "period,sender,domain,tls_version,auth,client_ip,messages,first_seen,last_seen";
const expected = (log: { submissions: Parameters<typeof naiveExport>[0] }, by: "day" | "hour" = "day"): string =>
  `${[HEADER, ...naiveExport(log.submissions, "UTC", by, { kind: "all" })].join("\n")}\n`;
const failedTotal = (log: { failedLogins: Map<string, number> }): number => [...log.failedLogins.values()].reduce((a, b) => a + b, 0);

describe("Postfix logs", () => {
  const folder = scratch();

  it("agree exactly with the generator's count on a large log it has never seen", () => {
    const log = postfixLog({ seed: 2024, sessions: 40_000, start: Date.UTC(2026, 9, 1), span: 30 * 86_400, classic: false, devices: 300 });
    const file = put(folder, "big/maillog", log.text);
    expect(log.text.split("\n").length).toBeGreaterThan(200_000);
    const run = runCli(["export", file, "--all", "--by", "hour"]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe(expected(log, "hour"));
    const summary = JSON.parse(runCli(["summary", file, "--all", "--format", "json"]).stdout);
    expect(summary.failed_logins).toBe(failedTotal(log));
    expect(summary.failed_logins_by_client_ip).toHaveLength(log.failedLogins.size);
    expect(summary.messages).toBe(log.submissions.length);
  });

  it("read classic timestamps with --year, across the turn of the year", () => {
    const log = postfixLog({ seed: 5, sessions: 600, start: Date.UTC(2026, 11, 30), span: 3 * 86_400, classic: true });
    const file = put(folder, "rollover/maillog", log.text);
    expect(log.text).toMatch(/^Dec 30 /);
    expect(log.text).toMatch(/\nJan  1 /);
    expect(runCli(["export", file, "--all", "--year", "2026"]).stdout).toBe(expected(log));
  });

  it("infer the year from the file's modification time", () => {
    const log = postfixLog({ seed: 6, sessions: 300, start: Date.UTC(2026, 11, 31), span: 2 * 86_400, classic: true });
    const file = put(folder, "mtime/maillog", log.text);
    utimesSync(file, new Date("2027-01-02T06:00:00Z"), new Date("2027-01-02T06:00:00Z"));
    expect(runCli(["export", file, "--all"]).stdout).toBe(expected(log));
  });

  it("say unknown, not none, when the log has no TLS lines at all", () => {
    const log = postfixLog({ seed: 11, sessions: 500, start: Date.UTC(2026, 10, 1), span: 86_400, classic: false, tlsLogging: false });
    expect(log.submissions.every((s) => s.tls === "unknown")).toBe(true);
    expect(runCli(["export", put(folder, "notls/maillog", log.text), "--all"]).stdout).toBe(expected(log));
  });

  it("never carry a TLS version into a new session of a reused process id", () => {
    const file = put(folder, "reuse/maillog", [
      "2026-11-20T10:00:00.000000+00:00 mx1 postfix/submission/smtpd[100]: connect from a[10.0.0.1]",
      "2026-11-20T10:00:00.100000+00:00 mx1 postfix/submission/smtpd[100]: Anonymous TLS connection established from a[10.0.0.1]: TLSv1 with cipher X (1/1 bits)",
      "2026-11-20T10:00:01.000000+00:00 mx1 postfix/submission/smtpd[100]: AAA: client=a[10.0.0.1], sasl_method=LOGIN, sasl_username=printer@x.example",
      "2026-11-20T10:00:02.000000+00:00 mx1 postfix/submission/smtpd[100]: disconnect from a[10.0.0.1] ehlo=1 commands=1",
      "2026-11-20T10:00:03.000000+00:00 mx1 postfix/submission/smtpd[100]: connect from b[10.0.0.2]",
      "2026-11-20T10:00:04.000000+00:00 mx1 postfix/submission/smtpd[100]: BBB: client=b[10.0.0.2], sasl_method=XOAUTH2, sasl_username=App@x.example",
      "2026-11-20T10:00:05.000000+00:00 mx1 postfix/smtpd[102]: CCC: client=c[10.0.0.3], sasl_method=PLAIN, sasl_username=midsession@x.example",
      "2026-11-20T10:00:05.000000+00:00 mx1 postfix/smtpd[101]: DDD: client=mx.partner.example[198.51.100.1]",
      "2026-11-20T10:00:06.000000+00:00 mx2 postfix/smtpd[7]: warning: unknown[203.0.113.9]: SASL LOGIN authentication failed: UGFzc3dvcmQ6",
      "",
    ].join("\n"));
    const run = runCli(["export", file, "--by", "day"]);
    expect(run.stdout).toBe([
      HEADER,
      "2026-11-20,app@x.example,x.example,none,oauth,10.0.0.2,1,2026-11-20T10:00:04Z,2026-11-20T10:00:04Z",
      "2026-11-20,midsession@x.example,x.example,unknown,basic,10.0.0.3,1,2026-11-20T10:00:05Z,2026-11-20T10:00:05Z",
      "2026-11-20,printer@x.example,x.example,TLS1.0,basic,10.0.0.1,1,2026-11-20T10:00:01Z,2026-11-20T10:00:01Z",
      "",
    ].join("\n"));
    expect(JSON.parse(runCli(["summary", file, "--format", "json"]).stdout).failed_logins_by_client_ip).toEqual([{ client_ip: "203.0.113.9", failures: 1 }]);
  });

  it("read rotated gzip logs and several files in one run, detected from their content", () => {
    const a = postfixLog({ seed: 21, sessions: 400, start: Date.UTC(2026, 10, 1), span: 86_400, classic: false });
    const b = postfixLog({ seed: 22, sessions: 400, start: Date.UTC(2026, 10, 2), span: 86_400, classic: false });
    put(folder, "rotated/mail.log.1.gz", gzipSync(a.text));
    put(folder, "rotated/mail.log", b.text);
    const run = runCli(["export", join(folder, "rotated/mail.log*"), "--all"]);
    expect(run.stdout).toBe(expected({ submissions: [...a.submissions, ...b.submissions] }));
  });

  it("reads the shipped sample", () => {
    const run = runCli(["summary", join(FIXTURES, "postfix/maillog"), join(FIXTURES, "postfix/maillog.1.gz"), "--year", "2026", "--format", "json"]);
    const doc = JSON.parse(run.stdout);
    expect(doc.range).toEqual({ from: "2026-11-16T00:00:00Z", to: "2026-11-23T00:00:00Z", timezone: "UTC" });
    expect(doc.failed_logins).toBeGreaterThan(0);
    expect(doc.tls.map((t: { tls_version: string }) => t.tls_version)).toEqual(["TLS1.0", "TLS1.1", "TLS1.2", "TLS1.3", "none"]);
  });
});

describe("Exchange SMTP Receive protocol logs", () => {
  it("give each user's TLS version and auth kind, one record per accepted MAIL FROM after login", () => {
    const log = exchangeLog({ seed: 77, sessions: 2000, start: Date.UTC(2026, 10, 20), span: 86_400 });
    const file = put(scratch(), "RECV.LOG", log.text);
    expect(log.text.match(/^#Fields:/gm)).toHaveLength(2);
    const run = runCli(["export", file, "--all"]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe(expected(log));
    const summary = JSON.parse(runCli(["summary", file, "--all", "--format", "json"]).stdout);
    expect(summary.failed_logins).toBe(failedTotal(log));
    const forced = runCli(["export", file, "--all", "--input-format", "exchange"]);
    expect(forced.stdout).toBe(run.stdout);
  });

  it("reads the shipped sample: TLS 1.0 and no-TLS devices on Basic, OAuth apps, failed logins", () => {
    const csv = runCli(["tls", join(FIXTURES, "exchange/RECV2026112008-1.LOG"), "--details", "--format", "csv"]).stdout;
    expect(csv).toMatch(/^northwind\\mfp-2f,,TLS1\.0,\d+,100\.00,/m);
    expect(csv).toMatch(/^northwind\\scan-dock,,none,\d+,100\.00,/m);
    expect(csv).toMatch(/^crm@northwind\.example,northwind\.example,TLS1\.2,/m);
    const auth = runCli(["auth", join(FIXTURES, "exchange/RECV2026112008-1.LOG"), "--details", "--format", "csv"]).stdout;
    expect(auth).toMatch(/^crm@northwind\.example,northwind\.example,oauth,/m);
    expect(auth).toMatch(/^northwind\\mfp-2f,,basic,/m);
  });
});
