// Server logs across the inputs of one run (the reviewer's findings on #11): journal JSON with spaces
// after its colons, the same log given twice (syslog and its journal export, a copy, a log written
// twice), failed logins of a doubled log, a session cut by log rotation. Each CLI run is compared with
// the truth fixtures/mail-logs.ts writes with the log.
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { exchangeLog, eximLog, postfixEvents, rotatedAfterTls, spacedJson, writeEvents, writtenTwice } from "../../fixtures/mail-logs.js";
import { SeenKeys } from "../../src/ingest/server-log-run.js";
import { runCli } from "../helpers.js";
import { NOV, expected, failedTotal, logFile } from "./generated-logs.js";


function summary(files: string[]): { messages: number; failed_logins: number } {
  const run = runCli(["summary", ...files, "--all", "--format", "json"]);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
}

describe("server logs across the inputs of a run", () => {
  const sessions = postfixEvents({ seed: 71, sessions: 500, start: NOV(20), span: 2 * 86_400, classic: true, devices: 40 });
  const messages = sessions.submissions.length;
  const failed = failedTotal(sessions);

  it("reads journal JSON with a space after the colons as the compact form, and counts an unreadable line as skipped", () => {
    const compact = writeEvents(sessions.events, "json");
    const spaced = spacedJson(compact);
    expect(spaced.split("\n")[0]).toMatch(/^\{"__CURSOR": "s=.*", "__REALTIME_TIMESTAMP": "\d{16}", /);
    const run = runCli(["export", logFile("spaced/journal.json", spaced), "--all"]);
    expect({ stderr: run.stderr, code: run.code }).toEqual({ stderr: "", code: 0 });
    expect(run.stdout).toBe(expected(sessions));
    expect(summary([logFile("spaced/again.json", spaced)]).failed_logins).toBe(failed);
    // A line cut short (a shipper's partial write) is no entry: skipped, counted and named.
    const lines = spaced.split("\n");
    const cut = [...lines.slice(0, 5), lines[5]!.slice(0, 40), ...lines.slice(6)].join("\n");
    const broken = runCli(["export", logFile("spaced/cut.json", cut), "--all"]);
    expect(broken.stderr).toMatch(/warning: skipped 1 of [\d,]+ records; first: .*cut\.json:6: /);
  });

  it("the syslog file and its journal export, or a copy under another name: each message and failed login counted once, and said so", () => {
    const syslog = logFile("twice/mail.log", writeEvents(sessions.events, "classic"));
    const journal = logFile("twice/mail.json", writeEvents(sessions.events, "json"));
    const copy = logFile("twice/mail.log.copy", writeEvents(sessions.events, "classic"));
    expect(summary([syslog])).toMatchObject({ messages, failed_logins: failed });
    expect(summary([syslog, journal])).toMatchObject({ messages, failed_logins: failed });
    expect(summary([journal, copy])).toMatchObject({ messages, failed_logins: failed });
    const run = runCli(["export", syslog, journal, "--all"]);
    expect(run.stdout).toBe(expected(sessions));
    expect(run.stderr).toMatch(new RegExp(`note: .*mail\\.json: ${messages} submission lines repeat lines read before .*; ${failed} failed-login lines repeat lines read before .*the same event; counted once`));
    expect(run.stderr).not.toMatch(/no submissions in/);
  });

  it("a log written twice counts its failed logins once; repeated failed logins of a log that repeats no message all count", () => {
    expect(failed).toBeGreaterThan(0);
    expect(summary([logFile("doubled/maillog", writtenTwice(sessions.events, "classic"))])).toMatchObject({ messages, failed_logins: failed });
    // A client retrying within the second: the same line twice, in a log that is not doubled.
    const failures = sessions.events.filter((e) => e.message.includes("authentication failed"));
    const retried = writeEvents([...failures, ...failures].sort((a, b) => a.t - b.t || a.seq - b.seq), "classic");
    expect(summary([logFile("doubled/retried", retried)]).failed_logins).toBe(2 * failed);
  });

  it("a log of failed logins alone read twice (the file and its copy, the syslog file and the journal's export) counts each once", () => {
    const failures = sessions.events.filter((e) => e.message.includes("authentication failed"));
    const syslog = logFile("guessing/mail.log", writeEvents(failures, "classic"));
    const copy = logFile("guessing/copy/mail.log", writeEvents(failures, "classic"));
    const journal = logFile("guessing/mail.json", writeEvents(failures, "json"));
    expect(summary([syslog]).failed_logins).toBe(failed);
    const run = runCli(["summary", syslog, copy, journal, "--all", "--format", "json"]);
    expect(JSON.parse(run.stdout).failed_logins).toBe(failed);
    expect(run.stderr).toMatch(new RegExp(`copy/mail\\.log: ${failed} failed-login lines repeat lines read before .*counted once`));
  });

  it("a failed login whose text ends in a space (an empty reason) is the same in the syslog file and the journal's export", () => {
    const failures = sessions.events.filter((e) => e.message.includes("authentication failed")).map((e) => ({ ...e, message: e.message.replace(/authentication failed:.*$/, "authentication failed: ") }));
    const journal = logFile("empty-reason/mail.json", writeEvents(failures, "json"));
    const syslog = logFile("empty-reason/mail.log", writeEvents(failures, "classic"));
    expect(summary([syslog, journal]).failed_logins).toBe(failed);
    expect(summary([journal, syslog]).failed_logins).toBe(failed);
  });

  it("the journal's host name may be the full name where syslog writes the short one: still the same log", () => {
    const journal = writeEvents(sessions.events, "json").replace(/"_HOSTNAME":"mx1"/g, '"_HOSTNAME":"mx1.corp.example"');
    expect(journal).toContain('"_HOSTNAME":"mx1.corp.example"');
    const files = [logFile("fqdn/mail.log", writeEvents(sessions.events, "classic")), logFile("fqdn/mail.json", journal)];
    expect(summary(files)).toMatchObject({ messages, failed_logins: failed });
    expect(runCli(["export", ...files, "--all"]).stdout).toBe(expected(sessions));
  });

  it("Exim: a message id seen again is the same message", () => {
    const log = eximLog({ seed: 72, sessions: 400, start: NOV(20), span: 86_400 });
    const doubled = log.text.replace(/^.*$/gm, (line) => (line === "" ? line : `${line}\n${line}`));
    const run = runCli(["export", logFile("exim/mainlog", doubled), "--all"]);
    expect(run.stdout).toBe(expected(log));
    expect(run.stderr).toMatch(new RegExp(`mainlog: ${log.submissions.length} submission lines repeat lines read before`));
    expect(summary([logFile("exim/once", log.text), logFile("exim/again", log.text)]).messages).toBe(log.submissions.length);
  });

  it("a line written 12 times is 11 repeats, and the note says so (not 'twice')", () => {
    const log = eximLog({ seed: 73, sessions: 40, start: NOV(20), span: 86_400 });
    const lines = log.text.split("\n");
    const arrival = lines.findIndex((line) => line.includes(" <= "));
    const twelve = [...lines.slice(0, arrival), ...new Array<string>(12).fill(lines[arrival]!), ...lines.slice(arrival + 1)].join("\n");
    const run = runCli(["export", logFile("exim/twelve", twelve), "--all"]);
    expect(run.stdout).toBe(expected(log));
    expect(run.stderr).toContain("exim/twelve: 11 submission lines repeat lines read before (the log was written or read more than once");
    expect(run.stderr).not.toContain("twice");
  });

  it("a session cut by rotation carries from mail.log.1 to mail.log, given oldest first; neither file is called empty", () => {
    const { older, newer } = rotatedAfterTls(sessions.events);
    const previous = logFile("rotated/mail.log.1", writeEvents(older, "classic"));
    const current = logFile("rotated/mail.log", writeEvents(newer, "classic"));
    const run = runCli(["export", previous, current, "--all"]);
    expect({ stderr: run.stderr, code: run.code }).toEqual({ stderr: "", code: 0 });
    expect(run.stdout).toBe(expected(sessions));
    // The session's TLS line alone ends a file of no submissions: it is part of the run, not empty.
    const tail = logFile("rotated/tail.log", writeEvents(older.slice(-1), "classic"));
    expect(runCli(["export", tail, current, "--all"]).stderr).not.toMatch(/no submissions in/);
    expect(runCli(["export", tail, "--all"]).stderr).toMatch(/no submissions in .*tail\.log/);
  });
});

describe("Exchange protocol logs across the inputs of a run", () => {
  const log = exchangeLog({ seed: 83, sessions: 600, start: NOV(20), span: 86_400 });
  // The generator rolls the log over half-way (a second #Software header): as two files, sessions cut there go on.
  const cut = log.text.indexOf("#Software", 1);
  const first = logFile("exchange/RECV2026112000-1.LOG", log.text.slice(0, cut));
  const second = logFile("exchange/RECV2026112000-2.LOG", log.text.slice(cut));

  it("a session cut by the log's rollover into the next file is read whole, and no file is called empty", () => {
    const lines = log.text.slice(0, cut).trimEnd().split("\n");
    const lastSession = lines.at(-1)!.split(",")[2]!;
    // The cut falls inside a session: its later lines are in the second file.
    expect(log.text.slice(cut)).toContain(`,${lastSession},`);
    const run = runCli(["export", first, second, "--all"]);
    expect({ stderr: run.stderr, code: run.code }).toEqual({ stderr: "", code: 0 });
    expect(run.stdout).toBe(expected(log));
    expect(runCli(["export", join(dirname(first), "RECV*.LOG"), "--all"]).stdout).toBe(expected(log));
  });

  it("a copy of the log counts each message and failed login once, and says so", () => {
    const copy = logFile("exchange/copy/RECV2026112000-1.LOG", log.text);
    const whole = logFile("exchange/whole.LOG", log.text);
    const run = runCli(["summary", whole, copy, "--all", "--format", "json"]);
    const doc = JSON.parse(run.stdout);
    expect(doc.messages).toBe(log.submissions.length);
    expect(doc.failed_logins).toBe(failedTotal(log));
    expect(run.stderr).toMatch(new RegExp(`copy/RECV2026112000-1\\.LOG: ${log.submissions.length} submission lines repeat lines read before .*; counted once`));
    expect(runCli(["export", whole, copy, "--all"]).stdout).toBe(expected(log));
  });
});

describe("SeenKeys", () => {
  it("stays within its limit by forgetting the earliest hours of log time", () => {
    const seen = new SeenKeys(1000);
    for (let i = 0; i < 10_000; i++) expect(seen.repeated(i, i, NOV(20) + i * 60_000)).toBe(false);
    // The latest keys are remembered, the earliest forgotten.
    expect(seen.repeated(9_999, 9_999, NOV(20) + 9_999 * 60_000)).toBe(true);
    expect(seen.repeated(0, 0, NOV(20))).toBe(false);
    expect(seen.repeated(9_000, 9_000, NOV(20) + 9_000 * 60_000)).toBe(true);
  });

  it("remembers every key of a busy hour (its table grows), the halves told apart", () => {
    const seen = new SeenKeys();
    for (let i = 0; i < 20_000; i++) expect(seen.repeated(i, i * 7, NOV(20))).toBe(false);
    for (let i = 0; i < 20_000; i++) expect(seen.repeated(i, i * 7, NOV(20))).toBe(true);
    expect(seen.repeated(1, 0, NOV(20))).toBe(false);
    expect(seen.repeated(0, 0, NOV(20))).toBe(true);
  });
});
