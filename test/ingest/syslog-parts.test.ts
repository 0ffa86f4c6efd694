// A large syslog file read in two parts (the later one by another reader, replayed after the first:
// PostfixSmtpd.absorbPart) must give what one reader gives: on random generated Postfix logs cut at any
// place (mid-session, between a session's TLS line and its client= line, inside a doubled log's pair,
// between a failed login and its repeat), grep-filtered, doubled, started mid-session, mangled by a
// spreadsheet, of two hosts (one logging TLS, one not), with connect lines lost, with stray lines (an Exim line makes the part
// reader decline: the first reader then reads on), alone and as a run of two inputs; any zone and period.
import fc from "fast-check";
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Zone } from "../../src/core/zone.js";
import { createAggregator, type AggregatorSpec } from "../../src/engine/aggregate.js";
import { fileBytes } from "../../src/ingest/open.js";
import { splitPoint } from "../../src/ingest/parallel.js";
import { readSyslogPart } from "../../src/ingest/syslog.js";
import { twoHosts, writeEvents, type LogForm } from "../../fixtures/mail-logs.js";
import { runCli } from "../helpers.js";
import { NOV, expected, failedTotal, logFile, postfixCaseText, readLogs, type PostfixCase } from "./generated-logs.js";

const ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"];
const FORMS: LogForm[] = ["classic", "unpadded", "rfc3339", "short-iso", "short-iso-precise", "short-precise"];

// Lines of other programs, and some near Postfix's; the Exim ones make a part reader decline.
const STRAY = [
  "Nov 20 10:00:01 mx1 dovecot[900]: imap-login: Login: user=<a@b.example>, method=PLAIN, rip=10.0.0.9",
  "Nov 20 10:00:02 mx1 postfix/cleanup[4000]: ABC: client=a[10.0.0.1], sasl_username=notsmtpd@x.example",
  "Not a time mx1 postfix/smtpd[1]: ABC: client=a[10.0.0.1], sasl_method=LOGIN, sasl_username=bad@x.example",
  "2026-11-20T10:00:05.000000+00:00  postfix/smtpd[5]: ABC5: client=q[10.0.0.5], sasl_method=PLAIN, sasl_username=nohost@x.example",
  "2026-11-20T10:00:06.000000+00:00 mx1 postfix/smtpd[6]: ABC6: client=q[10.0.0.6], sasl_method=GSSAPI, sasl_username=kerberos@x.example",
  "2026-11-20T10:00:07+00:00 mx1 exim4[100]: 1abcde-000000-AB <= u@x.example H=(h) [10.0.0.6]:1 P=esmtpsa A=dovecot_login:u@x.example S=1",
  "",
];

type Case = PostfixCase & { shift: number };

const postfixText = (c: Case): string => postfixCaseText(c, STRAY);

/** Lines as a file whose middle falls between `before` and `after` (a line of another program pads the shorter side). */
function cutBetween(before: string[], after: string[]): string {
  const bytes = (lines: string[]): number => Buffer.byteLength(lines.map((l) => `${l}\n`).join(""));
  const pad = (n: number): string => `Nov 20 10:00:00 mx1 postfix/anvil[9]: statistics: ${"x".repeat(Math.max(0, n))}`;
  // The first part 20 bytes longer than the rest, ending in a padding line: the middle falls in that line.
  let rest = after;
  const short = bytes(rest) + 20 - bytes(before) - pad(0).length - 1;
  if (short < 0) rest = [...rest, pad(-short)];
  const first = [...before, pad(bytes(rest) + 20 - bytes(before) - pad(0).length - 1)];
  const text = [...first, ...rest].map((l) => `${l}\n`).join("");
  const middle = Math.floor(Buffer.byteLength(text) / 2);
  expect(text.indexOf("\n", middle) + 1).toBe(bytes(first));
  return text;
}

/** The export, failed logins and read report of files read by one reader, or in two parts (every file split at its middle, the part read in this thread as the CLI's worker reads it). */
function read(texts: string[], c: Case, parts?: { read: number; declined: number }): Promise<string> {
  if (parts === undefined) return readLogs(texts, c);
  return readLogs(texts, c, (spec) => ({
    splitBytes: 1,
    readSyslogPart: (part) => ({
      result: readSyslogPart(part.source, fileBytes(part.path, part.start, part.end, undefined), Zone.named(c.zone), part.reference, createAggregator(spec)).then((found) => {
        parts.read++;
        if (found.declined) parts.declined++;
        return found;
      }),
      stop: () => undefined,
    }),
  }));
}

const cases = fc.record({
  seed: fc.nat({ max: 100_000 }),
  form: fc.constantFrom(...FORMS),
  variant: fc.nat({ max: 6 }),
  zone: fc.constantFrom(...ZONES),
  by: fc.constantFrom<AggregatorSpec["by"]>("day", "week", "month"),
  strays: fc.oneof(fc.constant(0), fc.constant(0), fc.nat({ max: 8 })),
  shift: fc.nat({ max: 40 }),
});

describe("a syslog file read in two parts gives what one reader gives", () => {
  it("Postfix in every syslog form: filtered, doubled, mid-session, mangled, two hosts, with stray lines; cut at any place", async () => {
    const parts = { read: 0, declined: 0 };
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const text = postfixText(c);
        expect(await read([text], c, parts)).toBe(await read([text], c));
      }),
      { numRuns: 200 },
    );
    // Most parts were read by the part reader; some (with an Exim line) were declined and read on by the first.
    expect(parts.declined).toBeGreaterThan(0);
    expect(parts.read - parts.declined).toBeGreaterThan(parts.read / 2);
  });

  it("a run of two inputs, each cut (sessions and ids carry from one input to the next, across both cuts)", async () => {
    await fc.assert(
      fc.asyncProperty(cases, cases, async (a, b) => {
        const texts = [postfixText(a), postfixText({ ...b, seed: a.seed + 1 })];
        expect(await read(texts, a, { read: 0, declined: 0 })).toBe(await read(texts, a));
      }),
      { numRuns: 60 },
    );
  });

  it("cut exactly where a part cannot know: a session's end, its TLS line, its connect line, a doubled pair, a repeated failed login", async () => {
    const line = (s: number, pid: number, message: string): string => `Nov 20 10:00:${String(s).padStart(2, "0")} mx1 postfix/submission/smtpd[${pid}]: ${message}`;
    const client = (s: number, pid: number, id: string, ip: string, user: string): string => line(s, pid, `${id}: client=d[${ip}], sasl_method=PLAIN, sasl_username=${user}`);
    const tls = (s: number, pid: number, ip: string): string => line(s, pid, `Anonymous TLS connection established from d[${ip}]: TLSv1 with cipher X`);
    const failed = (s: number, pid: number): string => line(s, pid, "warning: unknown[203.0.113.9]: SASL LOGIN authentication failed: UGFzc3dvcmQ6");
    const cuts: [string[], string[]][] = [
      // The part sees the session end, then one of the same process without a connect line: not the first part's session.
      [[line(1, 7, "connect from d[10.0.0.1]"), tls(1, 8, "10.0.0.2")], [line(2, 7, "disconnect from d[10.0.0.1]"), client(3, 7, "A1", "10.0.0.1", "after-end@x.example")]],
      // TLS line before the cut, client= after it; a connect line before, no TLS line, the host's TLS lines after (none) or nowhere (unknown).
      [[line(1, 7, "connect from d[10.0.0.1]"), tls(1, 7, "10.0.0.1")], [client(2, 7, "A2", "10.0.0.1", "tls10@x.example")]],
      [[line(1, 7, "connect from d[10.0.0.1]")], [client(2, 7, "A3", "10.0.0.1", "plain@x.example"), tls(3, 8, "10.0.0.2")]],
      [[line(1, 7, "connect from d[10.0.0.1]")], [client(2, 7, "A4", "10.0.0.1", "plain@x.example")]],
      // A session ended before the cut: a client= line after it without a connect line is of a session begun before the input.
      [[line(1, 7, "connect from d[10.0.0.1]"), line(2, 7, "disconnect from d[10.0.0.1]"), tls(2, 8, "10.0.0.2")], [client(3, 7, "A5", "10.0.0.1", "unknown@x.example")]],
      // A doubled log cut inside a pair, and a failed login and its repeat.
      [[line(1, 7, "connect from d[10.0.0.1]"), client(2, 7, "A6", "10.0.0.1", "twice@x.example")], [client(2, 7, "A6", "10.0.0.1", "twice@x.example"), failed(4, 9)]],
      [[failed(4, 9)], [failed(4, 9), failed(5, 9)]],
      // The part sees the first part's session end, a whole session of the same process, then a client= line without a connect line: unknown, not the first part's TLS.
      [[line(1, 7, "connect from d[10.0.0.1]"), tls(1, 7, "10.0.0.1"), client(1, 7, "A7", "10.0.0.1", "tls10@x.example")],
        [line(2, 7, "disconnect from d[10.0.0.1]"), line(3, 7, "connect from d[10.0.0.3]"), line(4, 7, "disconnect from d[10.0.0.3]"), client(5, 7, "A8", "10.0.0.1", "unknown@x.example")]],
      // Process ids of 2^22 and more (AIX): a session of one across the cut.
      [[line(1, 9_000_001, "connect from d[10.0.0.1]"), tls(1, 9_000_001, "10.0.0.1")], [client(2, 9_000_001, "A9", "10.0.0.1", "bigpid@x.example")]],
    ];
    const c: Case = { seed: 0, form: "classic", variant: 0, zone: "UTC", by: "day", strays: 0, shift: 0 };
    for (const [before, after] of cuts) {
      const text = cutBetween(before, after);
      const parts = { read: 0, declined: 0 };
      const two = await read([text], c, parts);
      expect({ before, two }).toEqual({ before, two: await read([text], c) });
      expect(parts).toEqual({ read: 1, declined: 0 });
    }
  });

  it("a later part is at most so long (what it found is held until the first part is read)", async () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `Nov 20 10:00:00 mx1 postfix/anvil[9]: statistics: line ${i}`);
    const text = `${lines.join("\n")}\n`;
    const path = logFile("syslog-parts/long.log", text);
    const size = Buffer.byteLength(text);
    expect(await splitPoint({ name: "long.log", path }, 1)).toBe(text.indexOf("\n", Math.floor(size / 2)) + 1);
    expect(await splitPoint({ name: "long.log", path }, 1, 1000)).toBe(text.indexOf("\n", size - 1000) + 1);
    expect(await splitPoint({ name: "long.log", path }, 1, Infinity, 0.6)).toBe(text.indexOf("\n", Math.floor(size * 0.4)) + 1);
    expect(size - (await splitPoint({ name: "long.log", path }, 1, 1000))!).toBeLessThanOrEqual(1000);
  });

  it("a host name that is not UTF-8 (a Latin-1 byte after the first MiB, which tells the encoding) keeps its sessions across the cut", () => {
    const line = (s: number, message: string): string => `Nov 20 10:00:${String(s).padStart(2, "0")} mx\xe9 postfix/submission/smtpd[7]: ${message}\n`;
    const padding = (lines: number): string => Array.from({ length: lines }, (_, i) => `Nov 20 10:00:00 mx1 postfix/anvil[9]: statistics: line ${i}\n`).join("");
    // The session's start at 1.2 MB, the cut (at 0.4 of the file) in the padding after it, its client= line at the end.
    const text = padding(20_000) + line(1, "connect from d[10.0.0.1]") + line(1, "Anonymous TLS connection established from d[10.0.0.1]: TLSv1.1 with cipher X") + padding(40_000) + line(2, "A1: client=d[10.0.0.1], sasl_method=LOGIN, sasl_username=latin@x.example");
    const file = logFile("syslog-parts/latin1-host.log", "");
    writeFileSync(file, Buffer.from(text, "latin1"));
    const args = ["export", file, "--all"];
    const two = runCli(args, { env: { SMTP_AUTH_REPORT_SPLIT_BYTES: "1" } });
    const one = runCli(args, { env: { SMTP_AUTH_REPORT_THREADS: "1" } });
    expect(one.stdout).toMatch(/,latin@x\.example,x\.example,TLS1\.1,basic,10\.0\.0\.1,1,/);
    expect(two.stdout).toBe(one.stdout);
  });

  it("in the command, with a second thread started first or once its part is known: the truth, and the same output and messages as one thread", () => {
    const log = twoHosts({ seed: 8, sessions: 5000, start: NOV(18), span: 4 * 86_400, classic: false, devices: 300 });
    const text = writeEvents(log.events, "short-iso").replace(/\n/, "\nNov 18 00:00:00 mx1 postfix/smtpd[1]: ABC: client=a[10.0.0.1], sasl_method=GSSAPI, sasl_username=kerberos@x.example\n")
      // A bad line in the later part: its number is counted from the file's start.
      + "Not a time mx1 postfix/smtpd[1]: ABD: client=a[10.0.0.1], sasl_method=LOGIN, sasl_username=bad@x.example\n";
    const file = logFile("syslog-parts/big.log", text);
    const args = ["summary", file, "--all", "--format", "json"];
    const two = runCli(args, { env: { SMTP_AUTH_REPORT_SPLIT_BYTES: "1" } });
    const one = runCli(args, { env: { SMTP_AUTH_REPORT_THREADS: "1" } });
    // A glob is not expanded before the program runs: its thread starts once its part is known.
    const late = runCli(["summary", file.replace(/big\.log$/, "bi?.log"), "--all", "--format", "json"], { env: { SMTP_AUTH_REPORT_SPLIT_BYTES: "1" } });
    expect(two.code).toBe(0);
    expect(late.stdout).toBe(one.stdout);
    expect(late.stderr).toBe(one.stderr);
    expect(two.stderr).toMatch(new RegExp(`big.log:${text.split("\n").length - 1}: syslog timestamp not understood`));
    expect(two.stderr).toBe(one.stderr);
    expect(two.stdout).toBe(one.stdout);
    expect(JSON.parse(two.stdout).failed_logins).toBe(failedTotal(log));
    const clean = logFile("syslog-parts/clean.log", writeEvents(log.events, "rfc3339"));
    const exported = runCli(["export", clean, "--all"], { env: { SMTP_AUTH_REPORT_SPLIT_BYTES: "1" } });
    expect({ code: exported.code, stderr: exported.stderr }).toEqual({ code: 0, stderr: "" });
    expect(exported.stdout).toBe(expected(log));
  });
});
