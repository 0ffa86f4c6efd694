// Rotated logs in time order: `'/var/log/mail.log*'` expands to mail.log, mail.log.1, mail.log.2.gz (name
// order, newest first); the tool reads a log's rotations oldest first, so a session cut at each rotation
// keeps its TLS version, and classic times without a year are dated by each file's own date.
import { utimesSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { eximLog, postfixEvents, writeEvents, type LogEvent } from "../../fixtures/mail-logs.js";
import { oldestFirst } from "../../src/ingest/open.js";
import { put, runCli, scratch } from "../helpers.js";
import { expected } from "./generated-logs.js";

/** Where to cut events after a session's TLS line whose submission comes after the cut, from `from` on. */
function cutAfterTls(events: readonly LogEvent[], from: number): number {
  for (let i = from; i < events.length; i++) {
    if (!events[i]!.message.includes("TLS connection established")) continue;
    const next = events.slice(i + 1).find((e) => e.pid === events[i]!.pid);
    if (next?.message.includes("sasl_username=")) return i + 1;
  }
  throw new Error("no session to cut");
}

/** A file dated a minute after its last line, as a rotated log is. */
function rotated(folder: string, name: string, events: readonly LogEvent[], gzip = false): string {
  const text = writeEvents(events, "classic");
  const file = put(folder, name, gzip ? gzipSync(text) : text);
  const date = new Date(events[events.length - 1]!.t + 60_000);
  utimesSync(file, date, date);
  return file;
}

describe("rotated logs", () => {
  it("reads mail.log* oldest first: sessions cut at each rotation keep their TLS version, across a turn of the year", () => {
    const sessions = postfixEvents({ seed: 41, sessions: 900, start: Date.UTC(2025, 11, 30), span: 4 * 86_400, classic: true, devices: 40 });
    const { events } = sessions;
    const first = cutAfterTls(events, Math.floor(events.length / 3));
    const second = cutAfterTls(events, Math.floor((2 * events.length) / 3));
    const folder = scratch();
    // The oldest file holds December 2025 only; the newest January 2026: each is dated by its own date.
    const oldest = rotated(folder, "mail.log.2.gz", events.slice(0, first), true);
    const middle = rotated(folder, "mail.log.1", events.slice(first, second));
    const newest = rotated(folder, "mail.log", events.slice(second));
    const truth = expected(sessions);
    expect(truth).toMatch(/\n2025-12-30,/);
    expect(truth).toMatch(/\n2026-01-02,/);
    const globbed = runCli(["export", join(folder, "mail.log*"), "--all"]);
    expect({ stderr: globbed.stderr, code: globbed.code }).toEqual({ stderr: "", code: 0 });
    expect(globbed.stdout).toBe(truth);
    // Named newest first, or in any order: the same.
    expect(runCli(["export", newest, middle, oldest, "--all"]).stdout).toBe(truth);
    expect(runCli(["export", middle, newest, oldest, "--all"]).stdout).toBe(truth);
    // Read newest first, the submission after each cut would have lost its session's TLS line: the order matters.
    const alone = runCli(["export", newest, "--all"]).stdout;
    expect(alone.split("\n").some((row) => row.includes(",unknown,"))).toBe(true);
  });

  it("orders numbered and dated rotations (logrotate's dateext) by age, and leaves other inputs where they are", () => {
    const names = (list: string[]): string[] => oldestFirst(list.map((name) => ({ name, path: name }))).map((s) => s.name);
    expect(names(["/var/log/mail.log", "/var/log/mail.log.1", "/var/log/mail.log.10.gz", "/var/log/mail.log.2.gz"]))
      .toEqual(["/var/log/mail.log.10.gz", "/var/log/mail.log.2.gz", "/var/log/mail.log.1", "/var/log/mail.log"]);
    expect(names(["a.csv", "exim_mainlog", "b.csv", "exim_mainlog-20261120.gz", "exim_mainlog-20261113.gz", "c.jsonl"]))
      .toEqual(["a.csv", "exim_mainlog-20261113.gz", "b.csv", "exim_mainlog-20261120.gz", "exim_mainlog", "c.jsonl"]);
    expect(names(["z.csv", "y.csv", "x.json"])).toEqual(["z.csv", "y.csv", "x.json"]);
    expect(names(["maillog", "maillog.1", "mail.log.1", "mail.log"])).toEqual(["maillog.1", "maillog", "mail.log.1", "mail.log"]);
  });

  it("Exim's mainlog and its rotation by a glob: every message of both, once", () => {
    const day = Date.UTC(2026, 10, 20);
    const older = eximLog({ seed: 3, sessions: 300, start: day, span: 86_400 });
    const newer = eximLog({ seed: 4, sessions: 300, start: day + 86_400_000, span: 86_400 });
    const folder = scratch();
    put(folder, "exim4/mainlog.1", older.text);
    put(folder, "exim4/mainlog", newer.text);
    const run = runCli(["export", join(folder, "exim4/mainlog*"), "--all"]);
    expect(run.stdout).toBe(expected({ submissions: [...older.submissions, ...newer.submissions] }));
  });

  it("a session without TLS cut by a rotation is none when the host logs TLS in the run, not unknown (whichever file has the TLS lines)", () => {
    const line = (day: number, time: string, pid: number, message: string): string => `Nov ${day} ${time} mx1 postfix/submission/smtpd[${pid}]: ${message}`;
    const folder = scratch();
    const file = (name: string, lines: string[], date: number): string => {
      const path = put(folder, name, `${lines.join("\n")}\n`);
      utimesSync(path, new Date(date), new Date(date));
      return path;
    };
    // mail.log.1 logs TLS and holds the scanner's connect line; a fresh mail.log holds its client= line and no TLS line.
    file("a/mail.log.1", [
      line(20, "10:00:00", 7, "connect from pc[10.0.0.1]"),
      line(20, "10:00:00", 7, "Anonymous TLS connection established from pc[10.0.0.1]: TLSv1.3 with cipher X"),
      line(20, "10:00:01", 7, "A1: client=pc[10.0.0.1], sasl_method=PLAIN, sasl_username=pc@x.example"),
      line(20, "10:00:02", 8, "connect from scanner[10.0.0.2]"),
    ], Date.UTC(2026, 10, 20, 10, 1));
    file("a/mail.log", [
      line(20, "10:05:00", 8, "A2: client=scanner[10.0.0.2], sasl_method=LOGIN, sasl_username=scanner@x.example"),
      line(20, "10:05:01", 8, "disconnect from scanner[10.0.0.2]"),
    ], Date.UTC(2026, 10, 20, 10, 6));
    const run = runCli(["export", join(folder, "a/mail.log*"), "--all", "--fail-on", "legacy-tls"]);
    expect(run.stdout).toContain(",scanner@x.example,x.example,none,basic,10.0.0.2,1,");
    expect(run.code).toBe(3);
    // The other way round: the older file has no TLS line, the newer one has.
    file("b/mail.log.1", [line(20, "10:00:02", 8, "connect from scanner[10.0.0.2]"), line(20, "10:00:03", 8, "A2: client=scanner[10.0.0.2], sasl_method=LOGIN, sasl_username=scanner@x.example")], Date.UTC(2026, 10, 20, 10, 1));
    file("b/mail.log", [line(20, "10:05:00", 7, "connect from pc[10.0.0.1]"), line(20, "10:05:00", 7, "Anonymous TLS connection established from pc[10.0.0.1]: TLSv1.3 with cipher X")], Date.UTC(2026, 10, 20, 10, 6));
    expect(runCli(["export", join(folder, "b/mail.log*"), "--all"]).stdout).toContain(",scanner@x.example,x.example,none,basic,10.0.0.2,1,");
    // A run whose files have no TLS line at all cannot tell: unknown.
    expect(runCli(["export", join(folder, "b/mail.log.1"), "--all"]).stdout).toContain(",scanner@x.example,x.example,unknown,basic,10.0.0.2,1,");
  });

  it("an Exchange session without TLS cut by the rollover is none when the run's logs have TLS lines", () => {
    const fields = "#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context";
    const row = (time: string, session: string, sequence: number, remote: string, event: string, data: string, context = ""): string =>
      `2026-11-20T${time}.000Z,EX01\\Client Proxy,${session},${sequence},10.0.0.5:587,${remote}:50000,${event},${data},${context}`;
    const folder = scratch();
    put(folder, "RECV2026112012-1.LOG", [fields,
      row("12:00:00", "F", 0, "10.40.0.78", "+", "", ""),
      row("12:00:01", "F", 1, "10.40.0.78", "<", "AUTH LOGIN"),
      row("12:00:02", "F", 2, "10.40.0.78", ">", "235 2.7.0 Authentication successful as CORP\\scan-dock"),
      row("12:00:03", "G", 0, "10.40.0.9", "+", ""),
      row("12:00:04", "G", 1, "10.40.0.9", "*", "", "TLS protocol SP_PROT_TLS1_2_SERVER negotiation succeeded"),
    ].join("\n") + "\n");
    put(folder, "RECV2026112012-2.LOG", [fields,
      row("12:10:00", "F", 3, "10.40.0.78", "<", "MAIL FROM:<scan@corp.example>"),
      row("12:10:01", "F", 4, "10.40.0.78", ">", "250 2.1.0 Sender OK"),
    ].join("\n") + "\n");
    const run = runCli(["export", join(folder, "RECV*.LOG"), "--all", "--fail-on", "legacy-tls"]);
    expect(run.stdout).toContain(",none,basic,10.40.0.78,1,");
    expect(run.code).toBe(3);
  });
});
