import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LEGACY_TLS, type Submission } from "../../src/core/record.js";
import { expectGolden, FIXTURES, put, runCli, scratch } from "../helpers.js";
import { localParts, submissions } from "../naive.js";

const CSV_FIXTURE = join(FIXTURES, "submissions.csv");
const JSONL_FIXTURE = join(FIXTURES, "submissions.jsonl");

describe("summary", () => {
  it("prints the widget and flyout for the sample data (golden text)", () => {
    const run = runCli(["summary", CSV_FIXTURE]);
    expect(run.code).toBe(0);
    expectGolden("summary-default.txt", run.stdout);
  });

  for (const width of [60, 80, 120, 200]) {
    it(`fits ${width} columns, the Postfix sample's long lists too (golden text)`, () => {
      const run = runCli(["summary", join(FIXTURES, "postfix", "maillog"), "--year", "2026", "--width", String(width)]);
      expect(run.code).toBe(0);
      for (const line of run.stdout.split("\n")) expect([...line].length, line).toBeLessThanOrEqual(width);
      expectGolden(`summary-postfix-${width}.txt`, run.stdout);
    });
  }

  it("prints the SPEC's JSON keys (golden JSON), the same from CSV and JSONL", () => {
    const csv = runCli(["summary", CSV_FIXTURE, "--format", "json", "--tz", "Europe/Berlin", "--from", "2026-11-09", "--to", "2026-11-15"]);
    expectGolden("summary-week2-berlin.json", csv.stdout);
    const doc = JSON.parse(csv.stdout);
    expect(Object.keys(doc)).toEqual(["range", "filters", "senders", "messages", "domains", "tls", "auth", "legacy_tls_senders", "basic_auth_senders", "failed_logins", "failed_logins_by_client_ip", "top_senders", "action_needed", "unusual"]);
    expect(doc.range).toEqual({ from: "2026-11-08T23:00:00Z", to: "2026-11-15T23:00:00Z", timezone: "Europe/Berlin" });
    const jsonl = runCli(["summary", JSONL_FIXTURE, "--format", "json", "--tz", "Europe/Berlin", "--from", "2026-11-09", "--to", "2026-11-15"]);
    expect(jsonl.stdout).toBe(csv.stdout);
  });

  it("agrees with an independent count on data it has never seen", () => {
    const records: Submission[] = fc.sample(submissions, { seed: 99, numRuns: 6 }).flat().filter((r) => r.messages > 0);
    const folder = scratch();
    const file = put(folder, "unseen.csv", `time,upn,tls,auth,ip,count\n${records.map((r) => [r.timestamp, `"${r.sender.replace(/"/g, '""')}"`, r.tls, r.auth, r.clientIp, r.messages].join(",")).join("\n")}\n`);
    const doc = JSON.parse(runCli(["summary", file, "--format", "json", "--tz", "America/New_York", "--from", "2026-10-25", "--to", "2026-11-03"]).stdout);
    const kept = records.filter((r) => {
      const date = localParts(r.timestamp, "America/New_York").date;
      return date >= "2026-10-25" && date <= "2026-11-03";
    });
    const messages = kept.reduce((n, r) => n + r.messages, 0);
    expect(doc.messages).toBe(messages);
    expect(doc.senders).toBe(new Set(kept.map((r) => r.sender)).size);
    expect(doc.domains).toBe(new Set(kept.map((r) => r.domain)).size);
    expect(doc.legacy_tls_senders).toBe(new Set(kept.filter((r) => LEGACY_TLS.has(r.tls)).map((r) => r.sender)).size);
    expect(doc.basic_auth_senders).toBe(new Set(kept.filter((r) => r.auth === "basic").map((r) => r.sender)).size);
    for (const share of doc.tls) {
      const of = kept.filter((r) => r.tls === share.tls_version);
      expect(share.messages).toBe(of.reduce((n, r) => n + r.messages, 0));
      expect(share.senders).toBe(new Set(of.map((r) => r.sender)).size);
      expect(share.percent).toBe(Math.round((share.messages * 10_000) / messages) / 100);
    }
    expect(doc.tls.reduce((n: number, s: { messages: number }) => n + s.messages, 0)).toBe(messages);
    // The action list: every sender on legacy TLS or Basic auth, legacy TLS first, with its addresses.
    const needing = [...new Set(kept.filter((r) => LEGACY_TLS.has(r.tls) || r.auth === "basic").map((r) => r.sender))];
    expect(doc.action_needed.map((a: { sender: string }) => a.sender).sort()).toEqual(needing.sort());
    const legacyCount = new Set(kept.filter((r) => LEGACY_TLS.has(r.tls)).map((r) => r.sender)).size;
    for (const [i, action] of (doc.action_needed as { sender: string; client_ips: string[]; tls_versions: string[]; auth: string[]; messages: number; last_seen: string; problem: string }[]).entries()) {
      const mine = kept.filter((r) => r.sender === action.sender);
      expect(action.messages).toBe(mine.reduce((n, r) => n + r.messages, 0));
      expect(action.client_ips).toEqual([...new Set(mine.map((r) => r.clientIp).filter((ip) => ip !== ""))].sort());
      expect(new Set(action.tls_versions)).toEqual(new Set(mine.map((r) => r.tls)));
      expect(new Set(action.auth)).toEqual(new Set(mine.map((r) => r.auth)));
      expect(action.problem.includes("Basic auth")).toBe(mine.some((r) => r.auth === "basic"));
      expect(i < legacyCount).toBe(mine.some((r) => LEGACY_TLS.has(r.tls)));
    }
    expect(doc.auth.reduce((n: number, s: { messages: number }) => n + s.messages, 0)).toBe(messages);
  });

  it("says so when the range holds nothing, with exit 0", () => {
    const run = runCli(["summary", CSV_FIXTURE, "--from", "2025-01-01", "--to", "2025-01-07"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("No submissions in this range");
  });

  it("uses colour only when asked and never prints log text raw", () => {
    const folder = scratch();
    const file = put(folder, "ansi.csv", "timestamp,sender,tls\n2026-11-20T10:00:00Z,\"evil\x1b[2J\x1b]0;owned\x07@x.example\",TLS1.0\n");
    const plain = runCli(["summary", file]);
    expect(plain.stdout).not.toContain("\x1b");
    expect(plain.stdout).toContain("evil\\x1b[2j\\x1b]0;owned\\x07@x.example");
    const forced = runCli(["summary", file], { env: { NO_COLOR: undefined, FORCE_COLOR: "1" } });
    expect(forced.stdout).toContain("\x1b[1m");
    expect(forced.stdout).not.toContain("\x1b[2j");
    expect(runCli(["summary", file, "--no-color"], { env: { NO_COLOR: undefined, FORCE_COLOR: "1" } }).stdout).not.toContain("\x1b");
  });
});

describe("filters", () => {
  const records: Submission[] = fc.sample(submissions, { seed: 7, numRuns: 6 }).flat().filter((r) => r.messages > 0);
  const folder = scratch();
  const file = put(folder, "unseen.jsonl", records.map((r) => JSON.stringify({ timestamp: new Date(r.timestamp).toISOString(), sender: r.sender, tls_version: r.tls, auth: r.auth, client_ip: r.clientIp, messages: r.messages })).join("\n"));
  const exported = (args: string[]): string[] => runCli(["export", file, "--all", ...args]).stdout.trimEnd().split("\n").slice(1).filter(Boolean);
  const total = (lines: string[]): number => lines.reduce((n, l) => n + Number(l.split(",").at(-3)), 0);
  const expected = (keep: (r: Submission) => boolean): number => records.filter(keep).reduce((n, r) => n + r.messages, 0);

  it("--domain, --sender, --tls, --auth and --client-ip keep exactly the matching records", () => {
    expect(total(exported(["--domain", "A.example"]))).toBe(expected((r) => r.domain === "a.example"));
    expect(total(exported(["--domain", "sub.a.example,(none)"]))).toBe(expected((r) => r.domain === "sub.a.example" || r.domain === ""));
    expect(total(exported(["--sender", "*@A.EXAMPLE"]))).toBe(expected((r) => r.sender.endsWith("@a.example")));
    expect(total(exported(["--sender", "scan*", "--sender", "printer01"]))).toBe(expected((r) => r.sender.startsWith("scan") || r.sender === "printer01"));
    expect(total(exported(["--tls", "legacy"]))).toBe(expected((r) => LEGACY_TLS.has(r.tls)));
    expect(total(exported(["--tls", "tlsv1.2,TLS1.3"]))).toBe(expected((r) => r.tls === "TLS1.2" || r.tls === "TLS1.3"));
    expect(total(exported(["--auth", "basic"]))).toBe(expected((r) => r.auth === "basic"));
    expect(total(exported(["--client-ip", "10.0.0.0/8", "--client-ip", "2001:db8::/32"]))).toBe(expected((r) => r.clientIp === "10.0.0.1" || r.clientIp === "2001:db8::1"));
    expect(total(exported(["--tls", "legacy", "--auth", "basic", "--domain", "b.example"]))).toBe(expected((r) => LEGACY_TLS.has(r.tls) && r.auth === "basic" && r.domain === "b.example"));
    expect(total(exported([]))).toBe(expected(() => true));
  });
});

describe("failed logins of a log cut down by grep", () => {
  const lines = [
    "Nov 20 10:00:01 mx1 postfix/submission/smtpd[4242]: Anonymous TLS connection established from scan[10.0.0.5]: TLSv1 with cipher AES256-SHA (256/256 bits)",
    "Nov 20 10:00:02 mx1 postfix/submission/smtpd[4242]: 1A2B3C4D5E: client=scan[10.0.0.5], sasl_method=LOGIN, sasl_username=scan@corp.example",
  ];
  const failure = "Nov 20 11:00:00 mx1 postfix/submission/smtpd[4243]: warning: unknown[198.51.100.7]: SASL LOGIN authentication failed: UGFzc3dvcmQ6";

  it("a 0 says the input has no failed-login line at all, on the terminal and on the page", () => {
    const folder = scratch();
    const log = put(folder, "grep.log", `${lines.join("\n")}\n`);
    const run = runCli(["summary", log, "--year", "2026", "--all", "--width", "120"]);
    expect(run.stdout).toContain("  Failed logins            0  no failed-login line in the input (none logged, or filtered out)\n");
    expect(runCli(["report", log, "--year", "2026", "--all", "-o", join(folder, "r.html")]).code).toBe(0);
    expect(readFileSync(join(folder, "r.html"), "utf8")).toContain("no failed-login line in the input (none logged, or filtered out)");
  });

  it("failed logins after the default range (a burst after the last submission) are said, on the terminal and on the page", () => {
    const folder = scratch();
    const log = put(folder, "later.log", `${lines.join("\n")}\n${failure.replace("Nov 20", "Nov 25")}\n`);
    const run = runCli(["summary", log, "--year", "2026", "--width", "200"]);
    expect(run.stdout).toContain("  Failed logins            0  from 0 client addresses; the input has failed logins after this range, the newest 2026-11-25 11:00 UTC (--all takes them in)\n");
    expect(runCli(["report", log, "--year", "2026", "-o", join(folder, "r.html")]).code).toBe(0);
    expect(readFileSync(join(folder, "r.html"), "utf8")).toContain("No failed logins in this range. The input has failed logins after this range, the newest 2026-11-25 11:00 UTC (--all takes them in).");
  });

  it("a 0 in the range of a log that has failed logins before it says from how many addresses, and where the others are", () => {
    const log = put(scratch(), "full.log", `${lines.join("\n")}\n${failure.replace("Nov 20", "Nov 10")}\n`);
    const run = runCli(["summary", log, "--year", "2026", "--from", "2026-11-20", "--to", "2026-11-20", "--width", "200"]);
    expect(run.stdout).toContain("  Failed logins            0  from 0 client addresses; the input has failed logins before this range, from 2026-11-10 11:00 UTC (--all takes them in)\n");
  });
});

describe("summary written to a file or a pipe (cron mail)", () => {
  const long = "scanner-warehouse-north-building-7@fabrikam-logistics.example";
  const rows = ["timestamp,sender,tls,auth,client_ip"];
  for (let day = 9; day <= 22; day++) {
    const messages = day === 20 ? 200 : 10;
    for (let m = 0; m < messages; m++) rows.push(`2026-11-${day}T10:${String(m % 60).padStart(2, "0")}:00Z,${long},TLS1.0,LOGIN,10.40.0.77`);
  }
  const file = put(scratch(), "cron.csv", `${rows.join("\n")}\n`);
  const burst = new RegExp(`^  2026-11-20  ${long}  burst  200 messages; usually 10 \\(median of 13 days with mail\\)$`, "m");

  it("keeps every column and whole names in its tables without --width or COLUMNS; a width still fits", () => {
    const out = join(scratch(), "u.txt");
    expect(runCli(["summary", file, "-o", out]).code).toBe(0);
    const piped = runCli(["summary", file]);
    for (const text of [readFileSync(out, "utf8"), piped.stdout]) {
      expect(text).toMatch(burst);
      expect(text).toMatch(new RegExp(`^  ${long} +260 +TLS1\\.0 +basic +10\\.40\\.0\\.77 +2026-11-22 10:09$`, "m"));
      expect(text).not.toContain("…");
    }
    for (const fitted of [runCli(["summary", file, "--width", "80"]).stdout, runCli(["summary", file], { env: { COLUMNS: "80" } }).stdout]) {
      expect(Math.max(...fitted.split("\n").map((l) => l.length))).toBeLessThanOrEqual(80);
      expect(fitted).not.toMatch(burst);
    }
  });
});
