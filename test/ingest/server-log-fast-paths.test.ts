// The server-log reading fast paths (a plain file read with readSync into one buffer; syslog lines told
// by their program tag read byte by byte; Exim lines by the bytes after the message's first word;
// journal keys looked for where they were in the entry before) against the plain path
// (SMTP_AUTH_REPORT_PLAIN: the stream, a regular expression over each syslog line's text, a search of
// each line for Exim's markers and for each journal key): on random generated logs, grep-filtered,
// doubled, started mid-session, mangled by a spreadsheet, with stray lines, journal entries with their
// fields shuffled or padded; in zones other than UTC and any period, both must give the same export, the
// same failed logins and the same skipped lines and notes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AggregatorSpec } from "../../src/engine/aggregate.js";
import { eximLog, postfixEvents, prng, throughSpreadsheet, writeEvents, type LogForm } from "../../fixtures/mail-logs.js";
import { runCli } from "../helpers.js";
import { NOV, expected, logFile, postfixCaseText, readLogs, withStrays, type PostfixCase } from "./generated-logs.js";

const ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"];
const FORMS: LogForm[] = ["classic", "unpadded", "rfc3339", "short-iso", "short-iso-precise", "short-precise", "json"];

// Lines that are none of the readers' and some that look nearly like theirs.
const STRAY = [
  "Nov 20 10:00:01 mx1 dovecot[900]: imap-login: Login: user=<a@b.example>, method=PLAIN, rip=10.0.0.9",
  "Nov 20 10:00:01 smtpd[1]host postfix/cleanup[4000]: ABC: message-id=<x@y>",
  "Nov 20 10:00:02 mx1 postfix/cleanup[4000]: ABC: client=a[10.0.0.1], sasl_username=notsmtpd@x.example",
  "2026-11-20T10:00:03 exim-relay postfix/smtps/smtpd[77]: connect from z[10.9.9.9]",
  "Not a time mx1 postfix/smtpd[1]: ABC: client=a[10.0.0.1], sasl_method=LOGIN, sasl_username=bad@x.example",
  "2026-11-20T10:00:04.000000+00:00 mx1 postfix/smtpd[]: connect from q[10.0.0.4]",
  "2026-11-20T10:00:05.000000+00:00  postfix/smtpd[5]: ABC5: client=q[10.0.0.5], sasl_method=PLAIN, sasl_username=nohost@x.example",
  "2026-11-20 10:00:06 [12] 1abcde-000000-AB <= u@x.example H=(h) [10.0.0.6]:1 P=esmtpsa A=dovecot_login:u@x.example S=1",
  "2026-11-20 10:00:07 1abcde-000000-AC => u@x.example R=x T=y H=h [10.0.0.7] X=TLS1.2:x:256 <= not an arrival",
  "2026-11-20 10:00:08 dovecot_plain authenticator failed for (x) [203.0.113.8]:1: 535 Incorrect authentication data",
  "",
  "   ",
];

type Case = PostfixCase;

/** A generated Postfix log in a form and variant, with stray lines (journal entries shuffled). */
const postfixText = (c: Case): string => postfixCaseText(c, STRAY, (text) => (c.form === "json" ? shuffledJson(text, c.seed) : text));

/** Journal entries with, for some, their fields in another order, padding fields, or spaces after the colons. */
function shuffledJson(text: string, seed: number): string {
  const random = prng(seed);
  return text.replace(/^\{.*\}$/gm, (line) => {
    const roll = random();
    if (roll < 0.6) return line;
    const entry = Object.entries(JSON.parse(line) as Record<string, unknown>);
    if (roll < 0.75) entry.sort(() => random() - 0.5);
    else if (roll < 0.9) entry.splice(Math.floor(random() * entry.length), 0, ["PAD", "x".repeat(Math.floor(random() * 200))]);
    else return `{${entry.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(", ")}}`;
    return JSON.stringify(Object.fromEntries(entry));
  });
}

/** The export, failed logins and read report of files read plain or fast, in one run. */
const read = (texts: string[], c: Case, plain: boolean): Promise<string> => readLogs(texts, c, () => ({ plain }));

const cases = fc.record({
  seed: fc.nat({ max: 100_000 }),
  form: fc.constantFrom(...FORMS),
  variant: fc.nat({ max: 4 }),
  zone: fc.constantFrom(...ZONES),
  by: fc.constantFrom<AggregatorSpec["by"]>("day", "week", "month"),
  strays: fc.oneof(fc.constant(0), fc.nat({ max: 12 })),
});

describe("the server-log fast paths give what the plain path gives", () => {
  it("Postfix as syslog in every form and as journal JSON: filtered, doubled, mid-session, mangled, with stray lines; any zone and period", async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const text = postfixText(c);
        expect(await read([text], c, false)).toBe(await read([text], c, true));
      }),
      { numRuns: 150 },
    );
  });

  it("a run of several inputs (sessions carry from one to the next, ids seen in one are not counted again)", async () => {
    await fc.assert(
      fc.asyncProperty(cases, cases, async (a, b) => {
        const texts = [postfixText(a), postfixText({ ...b, seed: a.seed + 1 })];
        expect(await read(texts, a, false)).toBe(await read(texts, a, true));
      }),
      { numRuns: 60 },
    );
  });

  it("Exim's main log in a local zone, with and without offsets, doubled, mangled, with stray lines, and inside syslog", async () => {
    await fc.assert(
      fc.asyncProperty(cases, fc.boolean(), fc.boolean(), async (c, offsets, inSyslog) => {
        const log = eximLog({ seed: c.seed, sessions: 20 + (c.seed % 100), start: NOV(20), span: 2 * 86_400, timeZone: c.zone, offsets });
        let text = c.variant === 2 ? log.text.replace(/^.+$/gm, (line) => `${line}\n${line}`) : log.text;
        if (inSyslog) text = text.replace(/^.+$/gm, (line, at: number) => `2026-11-2${1 + (at % 3)}T10:00:00+00:00 mx1 exim4[${100 + (at % 9)}]: ${line}`);
        if (c.variant === 4) text = throughSpreadsheet(text);
        text = withStrays(text, c, STRAY);
        expect(await read([text], c, false)).toBe(await read([text], c, true));
      }),
      { numRuns: 120 },
    );
  });
});

describe("the server-log fast paths in the command", () => {
  it("export of a large Postfix log, its journal JSON and an Exim log: the same bytes fast or plain, one thread or two, and the truth", () => {
    const sessions = postfixEvents({ seed: 5, sessions: 6000, start: NOV(18), span: 4 * 86_400, classic: false, devices: 300 });
    const exim = eximLog({ seed: 6, sessions: 4000, start: NOV(18), span: 4 * 86_400, timeZone: "Asia/Kolkata" });
    for (const [name, text, truth] of [
      ["big/mail.log", writeEvents(sessions.events, "short-iso"), expected(sessions, "Asia/Kolkata")],
      ["big/mail.json", writeEvents(sessions.events, "json"), expected(sessions, "Asia/Kolkata")],
      ["big/mainlog", exim.text, expected(exim, "Asia/Kolkata")],
    ] as const) {
      const file = logFile(name, text);
      const args = ["export", file, "--all", "--tz", "Asia/Kolkata"];
      const fast = runCli(args);
      expect({ name, stderr: fast.stderr, code: fast.code }).toEqual({ name, stderr: "", code: 0 });
      expect(fast.stdout, name).toBe(truth);
      expect(runCli(args, { env: { SMTP_AUTH_REPORT_THREADS: "1" } }).stdout, name).toBe(fast.stdout);
      expect(runCli(args, { env: { SMTP_AUTH_REPORT_PLAIN: "1" } }).stdout, name).toBe(fast.stdout);
      // Piped, the same log streams in (no readSync).
      expect(runCli(["export", "--all", "--tz", "Asia/Kolkata"], { input: text }).stdout, name).toBe(fast.stdout);
    }
  });
});
