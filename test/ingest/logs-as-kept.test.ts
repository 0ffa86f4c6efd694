// Server logs as administrators keep them, from a reviewer's third round on #11: a Postfix log saved
// through a semicolon-locale spreadsheet, classic syslog years near the file's date, Exim's quoted
// user ids, Exchange rollover files numbered past 9, the same log in local time and in UTC. Each log
// is written by fixtures/mail-logs.ts with the truth it holds, and the CLI's output is compared with it.
import { readFileSync, utimesSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  classicInZone, exchangeLog, exchangeRollover, eximQuotedIds, postfixEvents, postfixLog, submissionsAt, throughSemicolonSpreadsheet, writeEvents, type GeneratedLog,
} from "../../fixtures/mail-logs.js";
import { put, runCli, scratch } from "../helpers.js";
import { NOV, expected, failedTotal, logFile } from "./generated-logs.js";

const HOUR = 3_600_000;
const folder = scratch();

/** A file of a log, modified at `mtime`. */
function fileAt(name: string, text: string, mtime: number): string {
  const file = put(folder, name, text);
  utimesSync(file, new Date(mtime), new Date(mtime));
  return file;
}

describe("a Postfix log saved through a semicolon-locale spreadsheet", () => {
  it("ends sasl_method= and sasl_username= at '; ' as at ', ': Basic auth is told, and --fail-on basic-auth finds it", () => {
    const log = postfixLog({ seed: 91, sessions: 600, start: NOV(20), span: 86_400, classic: true });
    const mangled = throughSemicolonSpreadsheet(log.text);
    expect(mangled).toMatch(/\]; sasl_method=LOGIN; sasl_username=[^;\s]+;;;\r\n/);
    const file = logFile("semicolons/maillog.csv", mangled);
    const run = runCli(["export", file, "--all"]);
    expect({ stderr: run.stderr, code: run.code }).toEqual({ stderr: "", code: 0 });
    expect(run.stdout).toBe(expected(log));
    expect(log.submissions.some((s) => s.auth === "basic")).toBe(true);
    const failOn = runCli(["summary", file, "--all", "--format", "json", "--fail-on", "basic-auth"]);
    expect(failOn.code).toBe(3);
    const doc = JSON.parse(failOn.stdout);
    expect(doc.basic_auth_senders).toBe(new Set(log.submissions.filter((s) => s.auth === "basic").map((s) => s.sender)).size);
    expect(doc.failed_logins).toBe(failedTotal(log));
  });
});

describe("classic syslog times take the latest year that does not put them more than 14 hours after the file's date", () => {
  // The file was last written at 06:00 UTC on 27 November 2026 (logrotate's hour).
  const mtime = Date.UTC(2026, 10, 27, 6);
  const lastYear = (t: number): number => Date.UTC(new Date(t).getUTCFullYear() - 1, new Date(t).getUTCMonth(), new Date(t).getUTCDate(), new Date(t).getUTCHours());
  const exported = (name: string, log: GeneratedLog): string => {
    const run = runCli(["export", fileAt(name, log.text, mtime), "--all"]);
    expect(run.stderr).toBe("");
    return run.stdout;
  };

  it("a line 13 hours after the file's date keeps its year (a server 13 hours ahead of UTC wrote it)", () => {
    const log = submissionsAt([mtime + 13 * HOUR], "classic");
    expect(log.text).toMatch(/^Nov 27 18:59:59 /);
    expect(exported("year/13h.log", log)).toBe(expected(log));
  });

  it("lines 15 and 24 hours after the file's date are of the year before (no zone is that far ahead)", () => {
    for (const hours of [15, 24]) {
      const written = submissionsAt([mtime + hours * HOUR], "classic");
      const truth = submissionsAt([lastYear(mtime + hours * HOUR)], "classic");
      expect(truth.text).toBe(written.text);
      expect(exported(`year/${hours}h.log`, written), `${hours} h`).toBe(expected(truth));
    }
  });

  it("an ordered file's 28 and 29 November lines, of a file dated 27 November, are both of the year before", () => {
    const written = submissionsAt([Date.UTC(2026, 10, 28, 8), Date.UTC(2026, 10, 29, 8)], "classic");
    const truth = submissionsAt([Date.UTC(2025, 10, 28, 8), Date.UTC(2025, 10, 29, 8)], "classic");
    expect(truth.text).toBe(written.text);
    const out = exported("year/ordered.log", written);
    expect(out).toBe(expected(truth));
    expect(out).toMatch(/\n2025-11-28,.*\n2025-11-29,/);
  });
});

describe("Exim's quoted user ids", () => {
  it("are read without their quotes and escapes: A=cram_md5:\"dev\\\"q@corp.example\" is the account dev\"q@corp.example", () => {
    const log = eximQuotedIds(NOV(20, 9));
    expect(log.text).toContain(String.raw`A=cram_md5:"dev\"q@corp.example" S=`);
    expect(log.text).toContain(String.raw`A=cram_md5:"back\\slash@corp.example" S=`);
    const file = logFile("exim-quoted/mainlog", log.text);
    for (const env of [{}, { SMTP_AUTH_REPORT_PLAIN: "1" }]) {
      const run = runCli(["export", file, "--all"], { env });
      expect({ stderr: run.stderr, code: run.code }).toEqual({ stderr: "", code: 0 });
      expect(run.stdout).toBe(expected(log));
    }
    expect(expected(log)).toContain('"dev""q@corp.example"');
  });
});

describe("Exchange rollover files numbered past 9", () => {
  const log = exchangeLog({ seed: 93, sessions: 600, start: NOV(20, 9), span: 2 * 3600 });
  // Hour 09's files -1 to -10, then hour 10's -1 and -2: a glob gives -1, -10, -2, ... by name.
  const names = [...Array.from({ length: 10 }, (_, i) => `RECV2026112009-${i + 1}.LOG`), "RECV2026112010-1.LOG", "RECV2026112010-2.LOG"];
  const parts = exchangeRollover(log, names);
  const files = parts.map((part) => logFile(`rollover/${part.name}`, part.text));
  const glob = join(dirname(files[0]!), "RECV*.LOG");

  it("are read by hour and then number as a number, however globbed or named: a session cut by each rollover is read whole", () => {
    // Every cut falls between a login and its MAIL FROM lines.
    expect(parts.slice(1).every((part) => part.beganBefore > 0)).toBe(true);
    const truth = expected(log);
    const globbed = runCli(["export", glob, "--all"]);
    expect({ stderr: globbed.stderr, code: globbed.code }).toEqual({ stderr: "", code: 0 });
    expect(globbed.stdout).toBe(truth);
    expect(runCli(["export", ...[...files].reverse(), "--all"]).stdout).toBe(truth);
    expect(runCli(["export", files[1]!, files[0]!, ...files.slice(2), "--all"]).stdout).toBe(truth);
    const failOn = runCli(["summary", glob, "--all", "--format", "json", "--fail-on", "legacy-tls"]);
    expect(failOn.code).toBe(3);
    expect(JSON.parse(failOn.stdout).messages).toBe(log.submissions.length);
  });

  it("a file read without the one before says how many accepted MAIL FROM lines were in sessions that began before it", () => {
    for (const k of [1, 9, 10]) {
      const run = runCli(["summary", files[k]!, "--all", "--format", "json"]);
      const count = parts[k]!.beganBefore;
      expect(run.stderr, names[k]).toContain(`${files[k]}: ${count} accepted MAIL FROM ${count === 1 ? "line was" : "lines were"} in sessions that began before the input (their login is not in it, so their auth cannot be told): not counted`);
    }
    // The glob it suggests is in the file's own case: a lower-case copy is told `recv....log`, not `.LOG`.
    const lower = put(scratch(), basename(files[1]!).toLowerCase(), readFileSync(files[1]!));
    const day = basename(files[1]!).toLowerCase().replace(/\d{0,2}-\d+\.log$/, "");
    expect(runCli(["summary", lower, "--all"]).stderr).toContain(`(the files of a day together, e.g. '${day}*.log')`);
    // Read after the file before it, -10 has no such line; -9 (read first) has.
    const pair = runCli(["export", files[9]!, files[8]!, "--all"]);
    expect(pair.stderr).toContain(`${files[8]}: ${parts[8]!.beganBefore} accepted MAIL FROM`);
    expect(pair.stderr).not.toContain(`${files[9]}:`);
  });
});

describe("the same Postfix log as classic syslog in local time and as the journal's JSON in UTC", () => {
  // Two days across the end of summer time in Berlin (25 October 2026, 03:00 CEST is 02:00 CET again).
  const sessions = postfixEvents({ seed: 95, sessions: 700, start: Date.UTC(2026, 9, 24), span: 2 * 86_400, classic: true, devices: 40 });
  const messages = sessions.submissions.length;
  const failed = failedTotal(sessions);
  // The wall hour 02:00 to 03:00 is written twice (00:00 to 02:00 UTC); read in Berlin's zone it is taken
  // as its second pass (CET), so the first pass's lines (00:00 to 01:00 UTC) come out an hour late.
  const repeatedHour = (t: number): boolean => t >= Date.UTC(2026, 9, 25, 0) && t < Date.UTC(2026, 9, 25, 1);
  const inRepeatedHour = sessions.submissions.filter((s) => repeatedHour(s.timestamp)).length;
  const local = logFile("zones/mail.log", classicInZone(sessions.events, "Europe/Berlin"));
  const journal = logFile("zones/mail.json", writeEvents(sessions.events, "json"));
  // Files of 1,000 bytes or more read in two parts (the later part by a second reader), as large files are.
  const split = { SMTP_AUTH_REPORT_SPLIT_BYTES: "1000" };
  const summary = (args: string[], env: Record<string, string> = {}): { doc: { messages: number; failed_logins: number }; stderr: string } => {
    const run = runCli(["summary", ...args, "--all", "--format", "json"], { env });
    expect(run.code, run.stderr).toBe(0);
    return { doc: JSON.parse(run.stdout), stderr: run.stderr };
  };

  it("read in UTC, the copies are 1 or 2 hours apart: each message and failed login counted once, and stderr says why and names --tz", () => {
    expect(inRepeatedHour).toBeGreaterThan(0);
    expect(failed).toBeGreaterThan(0);
    const { doc, stderr } = summary([local, journal]);
    expect(doc).toMatchObject({ messages, failed_logins: failed });
    expect(stderr).toContain(`${journal}: ${messages} submission lines and ${failed} failed-login lines repeat earlier ones at times 1 or 2 hours apart`);
    // The syslog file read in two parts, first or last: the same.
    expect(summary([local, journal], split).doc).toMatchObject({ messages, failed_logins: failed });
    expect(summary([journal, local], split)).toMatchObject({ doc: { messages, failed_logins: failed } });
    expect(runCli(["export", journal, local, "--all"], { env: split }).stdout).toBe(expected(sessions));
    expect(stderr).toContain("classic syslog times (Mmm dd HH:MM:SS) carry no zone and are read in --tz (UTC unless given;");
    // Said once: a third copy, written in Tokyo's time, adds its own count, not the advice again.
    const tokyo = logFile("zones/tokyo.log", classicInZone(sessions.events, "Asia/Tokyo"));
    const again = summary([local, journal, tokyo]);
    expect(again.doc).toMatchObject({ messages, failed_logins: failed });
    expect(again.stderr).toContain(`${tokyo}: ${messages} submission lines and ${failed} failed-login lines repeat earlier ones at times 7 or 8 hours apart`);
    expect(again.stderr.match(/carry no zone/g)).toHaveLength(1);
  });

  it("with --tz Europe/Berlin, the repeated hour's messages (an hour off) are still counted once; the journal first gives the truth exactly", () => {
    const { doc, stderr } = summary([local, journal, "--tz", "Europe/Berlin"]);
    expect(doc).toMatchObject({ messages, failed_logins: failed });
    expect(stderr).toContain(`${journal}: ${messages - inRepeatedHour} submission lines repeat lines read before`);
    expect(stderr).toMatch(new RegExp(`mail\\.json: ${inRepeatedHour} submission lines? (and \\d+ failed-login lines? )?repeats? earlier ones at times 1 hour apart`));
    // --tz was given: the note says why the repeated hour's copies differ, and does not ask for --tz.
    expect(stderr).toContain("are read in --tz Europe/Berlin, where the hour that repeats when the clocks go back is read as one");
    expect(stderr).not.toContain("name the zone");
    const run = runCli(["export", journal, local, "--all"]);
    expect(run.stdout).toBe(expected(sessions));
    expect(runCli(["export", journal, local, "--all", "--tz", "Europe/Berlin"]).stdout).toBe(expected(sessions, "Europe/Berlin"));
  });

  it("a copy 15 hours off is no zone's: its messages and failed logins are others", () => {
    const moved = logFile("zones/moved.json", writeEvents(sessions.events.map((e) => ({ ...e, t: e.t + 15 * HOUR })), "json"));
    const { doc, stderr } = summary([journal, moved]);
    expect(doc).toMatchObject({ messages: 2 * messages, failed_logins: 2 * failed });
    expect(stderr).toBe("");
  });
});
