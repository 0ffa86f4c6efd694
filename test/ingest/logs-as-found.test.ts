// Mail server logs as administrators really have them (#11): the journal in JSON and its text forms,
// Exim's main log, grep-filtered, doubled and spreadsheet-mangled Postfix logs, failed logins alone,
// unpadded days, Exchange excerpts without their header. Each is generated with the truth of what it
// holds (fixtures/mail-logs.ts) and the CLI's export is compared with that truth.
import { describe, expect, it } from "vitest";
import {
  eximLog, exchangeLog, grepFiltered, passwordGuessing, postfixEvents, postfixLog, throughSpreadsheet, twoHosts, writeEvents, writtenTwice,
  type GeneratedLog, type LogForm,
} from "../../fixtures/mail-logs.js";
import { runCli } from "../helpers.js";
import { HEADER, NOV, expected, failedTotal, logFile } from "./generated-logs.js";


describe("systemd's journal", () => {
  const options = { seed: 31, sessions: 1500, start: NOV(18), span: 3 * 86_400, classic: false, devices: 60 };
  const sessions = postfixEvents(options);

  it("reads journalctl -o json and every text form of the same Postfix sessions as the same submissions", () => {
    const truth = expected(sessions);
    expect(sessions.submissions.length).toBeGreaterThan(1000);
    const forms: LogForm[] = ["json", "short-iso", "short-iso-precise", "short-precise", "classic"];
    for (const form of forms) {
      const file = logFile(`journal/mail.${form}`, writeEvents(sessions.events, form));
      const run = runCli(["export", file, "--all"]);
      expect({ form, stderr: run.stderr, code: run.code }).toEqual({ form, stderr: "", code: 0 });
      expect(run.stdout, form).toBe(truth);
    }
    const json = writeEvents(sessions.events, "json");
    expect(json.split("\n")[0]).toMatch(/^\{"__CURSOR":.*"__REALTIME_TIMESTAMP":"\d{16}".*"SYSLOG_IDENTIFIER":"postfix\/[a-z/]*smtpd".*"MESSAGE":/);
    const summary = JSON.parse(runCli(["summary", logFile("journal/again.json", json), "--all", "--format", "json"]).stdout);
    expect(summary.failed_logins).toBe(failedTotal(sessions));
  });

  it("works as journalctl -o json | smtp-auth-report, and with --input-format journal", () => {
    const json = writeEvents(sessions.events, "json");
    const piped = runCli(["export", "--all"], { input: json });
    expect(piped.stdout).toBe(expected(sessions));
    const file = logFile("journal/forced.json", json);
    expect(runCli(["export", file, "--all", "--input-format", "journal"]).stdout).toBe(expected(sessions));
    // `-o short` piped: no year in the lines, so they are dated up to now (here: pinned after the log).
    const short = runCli(["export", "--all"], { input: `-- Journal begins at Mon 2026-11-02 00:00:01 UTC. --\n${writeEvents(sessions.events, "classic")}`, env: { SMTP_AUTH_REPORT_NOW: "2026-11-28T00:00:00Z" } });
    expect(short.stdout).toBe(expected(sessions));
  });

  it("decodes a MESSAGE with escapes or given as bytes, and skips entries of other programs", () => {
    const at = (s: number): string => String(NOV(20, 10) * 1000 + s * 1_000_000);
    const entry = (fields: Record<string, unknown>): string => JSON.stringify({ __REALTIME_TIMESTAMP: at(0), _HOSTNAME: "mx1", ...fields });
    const bytes = [...Buffer.from("AAA: client=a[10.0.0.1], sasl_method=LOGIN, sasl_username=bytes@x.example")];
    const file = logFile("journal/odd.json", [
      entry({ SYSLOG_IDENTIFIER: "postfix/submission/smtpd", SYSLOG_PID: "7", MESSAGE: "connect from a[10.0.0.1]" }),
      entry({ SYSLOG_IDENTIFIER: "postfix/submission/smtpd", SYSLOG_PID: "7", MESSAGE: "Anonymous TLS connection established from a[10.0.0.1]: TLSv1.1 with cipher \"X\"" }),
      entry({ SYSLOG_IDENTIFIER: "postfix/submission/smtpd", SYSLOG_PID: "7", MESSAGE: bytes }),
      entry({ SYSLOG_IDENTIFIER: "postfix/submission/smtpd", _PID: "8", MESSAGE: "BBB: client=b[10.0.0.2], sasl_method=PLAIN, sasl_username=quote\"d@x.example" }),
      entry({ SYSLOG_IDENTIFIER: "dovecot", SYSLOG_PID: "9", MESSAGE: "CCC: client=c[10.0.0.3], sasl_method=PLAIN, sasl_username=not-postfix@x.example" }),
      entry({ SYSLOG_IDENTIFIER: "exim", SYSLOG_PID: "10", __REALTIME_TIMESTAMP: at(5), MESSAGE: "1tAbCd-000123-AB <= env@x.example H=(pc) [10.0.0.4]:5000 P=esmtpsa X=TLS1.2:ECDHE_RSA_AES_256_GCM_SHA384:256 A=dovecot_plain:exim@x.example S=100" }),
      "",
    ].join("\n"));
    expect(runCli(["export", file, "--all"]).stdout).toBe([
      HEADER,
      "2026-11-20,bytes@x.example,x.example,TLS1.1,basic,10.0.0.1,1,2026-11-20T10:00:00Z,2026-11-20T10:00:00Z",
      "2026-11-20,exim@x.example,x.example,TLS1.2,basic,10.0.0.4,1,2026-11-20T10:00:05Z,2026-11-20T10:00:05Z",
      "2026-11-20,quote\"d@x.example,x.example,unknown,basic,10.0.0.2,1,2026-11-20T10:00:00Z,2026-11-20T10:00:00Z",
      "",
    ].join("\n").replace('quote"d@x.example,', '"quote""d@x.example",'));
  });
});

describe("Exim's main log", () => {
  it("in local time read with --tz: both TLS spellings, no X= as none, every auth kind, the authenticated user", () => {
    const log = eximLog({ seed: 41, sessions: 3000, start: NOV(20), span: 6 * 86_400, timeZone: "Europe/Berlin" });
    expect(new Set(log.submissions.map((s) => s.tls))).toEqual(new Set(["TLS1.0", "TLS1.1", "TLS1.2", "TLS1.3", "none"]));
    expect(new Set(log.submissions.map((s) => s.auth))).toEqual(new Set(["basic", "oauth", "unknown"]));
    expect(log.text).toMatch(/ X=TLSv1\.2:/);
    expect(log.text).toMatch(/ X=TLS1\.2:/);
    const file = logFile("exim/mainlog", log.text);
    const run = runCli(["export", file, "--all", "--tz", "Europe/Berlin"]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe(expected(log, "Europe/Berlin"));
    expect(runCli(["export", file, "--all", "--tz", "Europe/Berlin", "--input-format", "exim"]).stdout).toBe(run.stdout);
    const summary = JSON.parse(runCli(["summary", file, "--all", "--tz", "Europe/Berlin", "--format", "json"]).stdout);
    expect(summary.failed_logins).toBe(failedTotal(log));
    expect(summary.failed_logins).toBeGreaterThan(100);
  });

  it("with offsets after the times (log_timezone): the offsets, not --tz, place each line", () => {
    const log = eximLog({ seed: 42, sessions: 800, start: NOV(20), span: 2 * 86_400, timeZone: "America/New_York", offsets: true });
    expect(log.text).toMatch(/^2026-11-\d\d \d\d:\d\d:\d\d -0500 /m);
    expect(runCli(["export", logFile("exim/mainlog-tz", log.text), "--all"]).stdout).toBe(expected(log));
  });

  it("in syslog (exim4[pid]:), with or without Exim's own timestamp", () => {
    const file = logFile("exim/syslog", [
      "Nov 20 10:00:01 mx2 exim[301]: 2026-11-20 10:00:01 1tAbCd-000123-AB <= env@x.example H=(pc) [10.0.0.4]:5000 P=esmtpsa X=TLSv1:ECDHE-RSA-AES256-SHA:256 A=login:one@x.example S=100",
      "Nov 20 10:00:02 mx2 exim4[302]: 1tAbCe-000124-AB <= env@x.example H=pc.lan [10.0.0.5]:5001 P=esmtpa A=plain:two@x.example S=100",
      "Nov 20 10:00:03 mx2 exim4[303]: dovecot_login authenticator failed for (x) [203.0.113.1]:5002: 535 Incorrect authentication data",
      "",
    ].join("\n"));
    expect(runCli(["export", file, "--all"]).stdout).toBe([
      HEADER,
      "2026-11-20,one@x.example,x.example,TLS1.0,basic,10.0.0.4,1,2026-11-20T10:00:01Z,2026-11-20T10:00:01Z",
      "2026-11-20,two@x.example,x.example,none,basic,10.0.0.5,1,2026-11-20T10:00:02Z,2026-11-20T10:00:02Z",
      "",
    ].join("\n"));
    expect(JSON.parse(runCli(["summary", file, "--all", "--format", "json"]).stdout).failed_logins).toBe(1);
  });

  it("a quoted user id (a name with a space) is read whole, without its quotes and escapes", () => {
    const file = logFile("exim/quoted", [
      '2026-11-20 08:00:00 1tA001-000011-AB <= env@x.example H=(pc) [10.1.1.1]:5000 P=esmtpsa X=TLS1.2:ECDHE-RSA-AES256-GCM-SHA384:256 CV=no A=plain:"John Doe" S=100',
      '2026-11-20 08:00:01 1tA001-000012-AB <= env@x.example H=(pc) [10.1.1.2]:5001 P=esmtpsa X=TLS1.3:TLS_AES_256_GCM_SHA384:256 A=login:"ops \\"night\\" desk" S=200',
      "",
    ].join("\n"));
    expect(runCli(["export", file, "--all"]).stdout).toBe([
      HEADER,
      "2026-11-20,john doe,,TLS1.2,basic,10.1.1.1,1,2026-11-20T08:00:00Z,2026-11-20T08:00:00Z",
      '2026-11-20,"ops ""night"" desk",,TLS1.3,basic,10.1.1.2,1,2026-11-20T08:00:01Z,2026-11-20T08:00:01Z',
      "",
    ].join("\n"));
  });
});

describe("Postfix logs as they really look", () => {
  it("grep-filtered to the TLS and sasl_username= lines: legacy-TLS senders keep their version", () => {
    const log = grepFiltered(postfixEvents({ seed: 51, sessions: 1500, start: NOV(20), span: 86_400, classic: false }), "rfc3339");
    expect(log.text).not.toMatch(/connect from/);
    expect(log.submissions.some((s) => s.tls === "TLS1.0")).toBe(true);
    const run = runCli(["export", logFile("grep/maillog", log.text), "--all"]);
    expect(run.stdout).toBe(expected(log));
    const legacy = runCli(["summary", logFile("grep/maillog", log.text), "--all", "--format", "json"]);
    expect(JSON.parse(legacy.stdout).legacy_tls_senders).toBeGreaterThan(0);
  });

  it("one log of two hosts, one whose smtpd logs TLS and one whose never does: each host settled on its own", () => {
    const log = twoHosts({ seed: 56, sessions: 1200, start: NOV(20), span: 86_400, classic: true, devices: 30 });
    // mx1's sessions without TLS are `none`; every one of mx2's is `unknown`, TLS lines of mx1 before and after them.
    const none = log.submissions.filter((s) => s.tls === "none").length;
    const unknown = log.submissions.filter((s) => s.tls === "unknown").length;
    expect({ none: none > 50, unknown: unknown > 500 }).toEqual({ none: true, unknown: true });
    for (const form of ["classic", "json", "short-iso"] as const) {
      const run = runCli(["export", logFile(`hosts/mail.${form}`, writeEvents(log.events, form)), "--all"]);
      expect({ form, code: run.code, stderr: run.stderr }).toEqual({ form, code: 0, stderr: "" });
      expect(run.stdout, form).toBe(expected(log));
    }
    const summary = JSON.parse(runCli(["summary", logFile("hosts/again.log", writeEvents(log.events, "classic")), "--all", "--format", "json"]).stdout);
    expect(summary.failed_logins).toBe(failedTotal(log));
  });

  it("the same log written twice: each message counted once, and said so", () => {
    const sessions = postfixEvents({ seed: 52, sessions: 1200, start: NOV(20), span: 86_400, classic: true });
    const run = runCli(["export", logFile("twice/maillog", writtenTwice(sessions.events, "classic")), "--all"]);
    expect(run.stdout).toBe(expected(sessions));
    expect(run.stderr).toMatch(new RegExp(`note: .*maillog: ${sessions.submissions.length} submission lines repeat lines read before .*counted once`));
  });

  it("a log of failed logins only: exit 0, and the failed logins shown", () => {
    const log = passwordGuessing({ seed: 53, start: NOV(20, 3), span: 600, attempts: 57, form: "classic" });
    const file = logFile("guessing/maillog", log.text);
    const json = runCli(["summary", file, "--format", "json"]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ messages: 0, senders: 0, failed_logins: 57 });
    const text = runCli(["summary", file]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Failed logins\s+57/i);
    expect(runCli(["export", file]).code).toBe(0);
  });

  it("--all covers every dated line: failed logins before the first and after the last submission", () => {
    const before = passwordGuessing({ seed: 54, start: NOV(17, 22), span: 300, attempts: 23, form: "rfc3339" });
    const mail = postfixLog({ seed: 55, sessions: 300, start: NOV(19), span: 86_400, classic: false });
    const after = passwordGuessing({ seed: 56, start: NOV(22, 4), span: 300, attempts: 57, form: "rfc3339" });
    const file = logFile("ends/maillog", before.text + mail.text + after.text);
    const summary = JSON.parse(runCli(["summary", file, "--all", "--format", "json"]).stdout);
    expect(summary.range).toEqual({ from: "2026-11-17T00:00:00Z", to: "2026-11-23T00:00:00Z", timezone: "UTC" });
    expect(summary.failed_logins).toBe(23 + failedTotal(mail) + 57);
    expect(summary.messages).toBe(mail.submissions.length);
  });

  it("unpadded syslog days (Aug 3 15:30:49) are read", () => {
    const log = postfixLog({ seed: 57, sessions: 600, start: NOV(1), span: 9 * 86_400, classic: true, form: "unpadded" });
    expect(log.text).toMatch(/^Nov 1 \d\d:/m);
    const run = runCli(["export", logFile("unpadded/maillog", log.text), "--all"]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe(expected(log));
  });

  it("a mechanism the SPEC does not list (GSSAPI) is unknown and counted in the warning, in Postfix and Exchange logs", () => {
    const postfix = logFile("mechanisms/maillog", [
      "Nov 20 10:07:00 mx1 postfix/submission/smtpd[2200]: connect from ws7[10.0.0.7]",
      "Nov 20 10:07:01 mx1 postfix/submission/smtpd[2200]: 6DEF01: client=ws7[10.0.0.7], sasl_method=GSSAPI, sasl_username=krb",
      "Nov 20 10:08:01 mx1 postfix/submission/smtpd[2200]: 6DEF02: client=ws7[10.0.0.7], sasl_method=LOGIN, sasl_username=pw",
      "",
    ].join("\n"));
    const run = runCli(["export", postfix, "--all"]);
    expect(run.stdout).toContain("2026-11-20,krb,,unknown,unknown,10.0.0.7,1,");
    expect(run.stderr).toMatch(/warning: 1 auth value not recognised, counted as unknown: "GSSAPI" \(.*maillog:2\)/);
    const exchange = logFile("mechanisms/RECV.LOG", [
      "2026-11-20T08:00:00.000Z,EX01\\Client Frontend EX01,08DD9,0,10.0.0.5:587,10.1.1.9:5000,+,,",
      "2026-11-20T08:00:00.010Z,EX01\\Client Frontend EX01,08DD9,1,10.0.0.5:587,10.1.1.9:5000,<,AUTH GSSAPI,",
      "",
    ].join("\n"));
    expect(runCli(["summary", exchange, "--all"]).stderr).toMatch(/warning: 1 auth value not recognised, counted as unknown: "GSSAPI" \(.*RECV\.LOG:2\)/);
  });

  it("client ports logged (smtpd_client_port_logging = yes: host[address]:port): TLS, addresses and failed logins as without", () => {
    const log = postfixLog({ seed: 59, sessions: 600, start: NOV(20), span: 86_400, classic: true });
    // Addresses (with a dot or colon), not process ids, get a port.
    const withPorts = log.text.replace(/(\[[0-9a-f]*[.:][0-9a-f.:]*)\](?=: |, | |$)/gm, "$1]:40001");
    expect(withPorts).toMatch(/TLS connection established from \S+\[[^\]]+\]:40001: TLSv1\.\d /);
    expect(withPorts).toMatch(/client=\S+\[[^\]]+\]:40001, sasl_method=/);
    const run = runCli(["export", logFile("ports/maillog", withPorts), "--all"]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe(expected(log));
    const doc = JSON.parse(runCli(["summary", logFile("ports/again", withPorts), "--all", "--format", "json"]).stdout);
    expect(doc.failed_logins).toBe(failedTotal(log));
  });

  it("a log that went through a spreadsheet: the trailing run of commas is not part of any value", () => {
    const log = postfixLog({ seed: 58, sessions: 600, start: NOV(20), span: 86_400, classic: true });
    const mangled = throughSpreadsheet(log.text);
    expect(mangled).toMatch(/sasl_username=[^,\s]+,,,,,,,,,,\n/);
    const run = runCli(["export", logFile("spreadsheet/maillog.csv", mangled), "--all"]);
    expect(run.stdout).toBe(expected(log));
  });
});

describe("Exchange protocol log excerpts without their #Fields: header", () => {
  it("are read with Exchange's standard fields, and the assumed header is named on stderr", () => {
    const log = exchangeLog({ seed: 61, sessions: 400, start: NOV(20), span: 86_400 });
    const excerpt = log.text.split("\n").filter((line) => !line.startsWith("#")).join("\n");
    const run = runCli(["export", logFile("exchange/excerpt.log", excerpt), "--all"]);
    expect(run.stdout).toBe(expected(log));
    expect(run.stderr).toMatch(/note: .*excerpt\.log: no #Fields: header; read with Exchange's standard SMTP Receive fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context/);
  });

  it("take the account from 'authenticated as U' or a 235 reply that names it, not the MAIL FROM address", () => {
    const line = (session: string, n: number, event: string, data: string, context = ""): string =>
      `2026-11-20T08:00:0${n}.000Z,EX01\\Client Frontend EX01,${session},${n},10.0.0.5:587,10.1.1.${session.slice(-1)}:5000,${event},${data},${context}`;
    const file = logFile("exchange/named.log", [
      line("08DD1", 0, "+", ""), line("08DD1", 1, "*", "", '"TLS protocol SP_PROT_TLS1_0_SERVER negotiation succeeded using bulk encryption algorithm CALG_AES_256"'),
      line("08DD1", 2, "<", "AUTH LOGIN"), line("08DD1", 3, ">", "235 2.7.0 Authentication successful as CONTOSO\\scanner"),
      line("08DD1", 4, "<", "MAIL FROM:<scan@contoso.example>"), line("08DD1", 5, ">", "250 2.1.0 Sender OK"),
      line("08DD2", 0, "+", ""), line("08DD2", 1, "<", "AUTH PLAIN"), line("08DD2", 2, "*", "", "authenticated as app@contoso.example"),
      line("08DD2", 3, ">", "235 2.7.0 Authentication successful"), line("08DD2", 4, "<", "MAIL FROM:<other@contoso.example>"), line("08DD2", 5, ">", "250 2.1.0 Sender OK"),
      "",
    ].join("\n"));
    expect(runCli(["export", file, "--all"]).stdout).toBe([
      HEADER,
      "2026-11-20,app@contoso.example,contoso.example,none,basic,10.1.1.2,1,2026-11-20T08:00:04Z,2026-11-20T08:00:04Z",
      "2026-11-20,contoso\\scanner,,TLS1.0,basic,10.1.1.1,1,2026-11-20T08:00:04Z,2026-11-20T08:00:04Z",
      "",
    ].join("\n"));
  });
});

describe("detection by content", () => {
  it("tells a journal, an Exim log, a Postfix log, JSONL and a CSV apart without --input-format", () => {
    const sessions = postfixEvents({ seed: 71, sessions: 200, start: NOV(20), span: 86_400, classic: false });
    const exim = eximLog({ seed: 72, sessions: 200, start: NOV(20), span: 86_400 });
    // Another log (of later days: the generator numbers queue ids alike): the same log as journal and
    // syslog would be one log read twice, counted once.
    const other = postfixEvents({ seed: 73, sessions: 200, start: NOV(23), span: 86_400, classic: false });
    const csv = `timestamp,sender,tls_version,auth\n${sessions.submissions.map((s) => `${new Date(s.timestamp).toISOString()},${s.sender},${s.tls},${s.auth}`).join("\n")}\n`;
    const jsonl = sessions.submissions.map((s) => JSON.stringify({ timestamp: new Date(s.timestamp).toISOString(), sender: s.sender, tls: s.tls, auth: s.auth })).join("\n");
    const files = [
      logFile("detect/journal", writeEvents(sessions.events, "json")),
      logFile("detect/exim", exim.text),
      logFile("detect/postfix", writeEvents(other.events, "rfc3339")),
      logFile("detect/csv", csv),
      logFile("detect/jsonl", jsonl),
    ];
    const together = runCli(["summary", ...files, "--all", "--format", "json"]);
    expect(together.stderr).toBe("");
    expect(JSON.parse(together.stdout).messages).toBe(3 * sessions.submissions.length + other.submissions.length + exim.submissions.length);
  });

  it("a file in none of the formats: exit 1 naming what was expected", () => {
    const file = logFile("detect/access.log", '203.0.113.9 - - [20/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 512\n');
    const run = runCli(["summary", file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/access\.log: not a format this tool reads; expected a CSV export with a header row, JSONL, journalctl -o json, a syslog or journalctl text log with Postfix or Exim lines, an Exim main log, or an Exchange SMTP Receive protocol log/);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  });
});
