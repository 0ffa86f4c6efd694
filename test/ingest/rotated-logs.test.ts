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
});
