import { rmSync, utimesSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Zone } from "../../src/core/zone.js";
import { createAggregator } from "../../src/engine/aggregate.js";
import { readInputs } from "../../src/ingest/read.js";
import { put, runCli, scratch } from "../helpers.js";

const HEADER = "period,sender,domain,tls_version,auth,client_ip,messages,first_seen,last_seen";
const EXCHANGE_FIELDS = "#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context";

/** One authenticated Exchange session that submits one message at `time` (as the log writes it). */
function exchangeSession(id: string, time: string, user: string): string[] {
  const row = (event: string, data: string, context = ""): string => `${time},EX01\\Client,${id},0,10.0.0.5:587,10.1.1.1:5000,${event},${data},${context}`;
  return [row("+", ""), row("*", user, "authenticated"), row(">", "235 2.7.0 Authentication successful"), row("<", `MAIL FROM:<${user}>`), row(">", "250 2.1.0 Sender OK"), row("-", "", "Local")];
}

describe("small reader defects (#15 item 8)", () => {
  const folder = scratch();

  it("CR-only line ends (old Mac Excel) are lines, not one header", () => {
    const file = put(folder, "mac.csv", "timestamp,sender\r2026-11-20T10:00:00Z,a@b.example\r2026-11-20T11:00:00Z,c@b.example\r");
    const run = runCli(["export", file]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${HEADER}\n2026-11-20,a@b.example,b.example,unknown,unknown,,1,2026-11-20T10:00:00Z,2026-11-20T10:00:00Z\n2026-11-20,c@b.example,b.example,unknown,unknown,,1,2026-11-20T11:00:00Z,2026-11-20T11:00:00Z\n`);
  });

  it("a line over 1 MiB is skipped as a bad record, quickly, and the lines after it are read", () => {
    const huge = "x".repeat(3 << 20);
    const file = put(folder, "long.csv", `timestamp,sender\n2026-11-20T10:00:00Z,a@b.example\n${huge},${huge}\n2026-11-20T11:00:00Z,c@b.example\n`);
    const started = Date.now();
    const run = runCli(["export", file]);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(run.code).toBe(0);
    expect(run.stdout.trimEnd().split("\n")).toHaveLength(3);
    expect(run.stderr).toBe(`smtp-auth-report: warning: skipped 1 of 3 records; first: ${file}:3: a line longer than 1 MiB (no line ends, or not a log); skipped\n`);
    // A JSONL file that is one endless line: nothing readable, one line saying why.
    const endless = put(folder, "endless.jsonl", `{"time":"${"9".repeat(3 << 20)}`);
    const none = runCli(["export", endless]);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe(`smtp-auth-report: ${endless}:1: the first line is longer than 1 MiB (no line ends, or not a log/CSV)\n`);
  });

  it("a JSONL sender that is an object or a boolean is a bad record, not a sender", () => {
    const file = put(folder, "senders.jsonl", [
      '{"time":"2026-11-20T10:00:00Z","user":{"name":"x@b.example"}}',
      '{"time":"2026-11-20T10:00:00Z","user":true}',
      '{"time":"2026-11-20T10:00:00Z","user":"ok@b.example"}',
      '{"time":"2026-11-20T10:00:00Z","user":4711}',
    ].join("\n"));
    const run = runCli(["export", file]);
    expect(run.stdout.split("\n").slice(1, -1).map((l) => l.split(",")[1])).toEqual(["4711", "ok@b.example"]);
    expect(run.stderr).toBe(`smtp-auth-report: warning: skipped 2 of 4 records; first: ${file}:1: sender "{\\"name\\":\\"x@b.example\\"}" is not a text; ${file}:2: sender "true" is not a text\n`);
  });

  it("an empty sasl_username= is counted as skipped, not dropped in silence", () => {
    const file = put(folder, "empty-user.log", [
      "2026-11-20T10:00:00+00:00 mx1 postfix/submission/smtpd[100]: A1: client=dev[10.0.0.1], sasl_method=LOGIN, sasl_username=",
      "2026-11-20T10:01:00+00:00 mx1 postfix/submission/smtpd[100]: A2: client=dev[10.0.0.1], sasl_method=LOGIN, sasl_username=a@b.example",
    ].join("\n"));
    const run = runCli(["export", file]);
    expect(run.stdout.trimEnd().split("\n")).toHaveLength(2);
    expect(run.stderr).toBe(`smtp-auth-report: warning: skipped 1 of 2 records; first: ${file}:1: empty sasl_username= (no account named)\n`);
  });

  it("--client-ip 10.9.9.9/ is a usage error, not a block matching everything", () => {
    const file = put(folder, "ip.csv", "timestamp,sender,client_ip\n2026-11-20T10:00:00Z,a@b.example,10.1.1.1\n");
    const run = runCli(["export", file, "--client-ip", "10.9.9.9/"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("smtp-auth-report: --client-ip: '10.9.9.9/' is not an address or CIDR block; use e.g. 192.0.2.0/24, 203.0.113.7 or 2001:db8::/32\n");
  });

  it("a quoted field of 300 lines (valid RFC 4180) is read", () => {
    const note = Array.from({ length: 300 }, (_, i) => `line ${i}, with a comma`).join("\n");
    const file = put(folder, "note.csv", `timestamp,sender,note\n2026-11-20T10:00:00Z,a@b.example,"${note}"\n2026-11-20T11:00:00Z,c@b.example,x\n`);
    const run = runCli(["export", file]);
    expect(run.stderr).toBe("");
    expect(run.stdout.split("\n").slice(1, -1).map((l) => l.split(",")[1])).toEqual(["a@b.example", "c@b.example"]);
  });

  it("a file removed while its second part is read: one InputError naming it, nothing unhandled", async () => {
    const file = put(folder, "removed.csv", `timestamp,sender\n${"2026-11-20T10:00:00Z,a@b.example\n".repeat(800_000)}`);
    const aggregator = createAggregator({ timeZone: "UTC", by: "day", all: true, filters: { domains: [], senders: [], tls: [], auth: [], clientIps: [] } });
    const reading = readInputs([{ name: file, path: file }], {
      zone: Zone.named("UTC"), dateOrder: "mdy", maps: new Map(), strict: false, now: Date.now(),
      // The second reader starts, the file goes away, and the part fails later, as a worker's would.
      readPart: () => {
        rmSync(file);
        const failed = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("the worker failed too")), 50));
        return { result: failed, stop: () => undefined };
      },
    }, aggregator);
    await expect(reading).rejects.toThrow(`${file}: cannot read: the file was removed or moved while being read`);
    // An unhandled rejection of the part would fail this test file (vitest reports it).
    await new Promise((resolve) => setTimeout(resolve, 100));
  });
});

describe("one timestamp bound for every reader (#15 item 4)", () => {
  const folder = scratch();

  it("Postfix classic lines of a file dated 1970 are skipped with the reason, not dated 1969", () => {
    const file = put(folder, "maillog", "Nov 20 10:00:00 mx1 postfix/submission/smtpd[100]: A1: client=dev[10.0.0.1], sasl_method=LOGIN, sasl_username=a@b.example\n");
    utimesSync(file, 0, 0);
    const run = runCli(["export", file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`smtp-auth-report: no submission could be read: all 1 records were bad; first: ${file}:1: syslog timestamp "Nov 20 10:00:00" dated 1969, outside 2000-2099 (check the file's date, or give --year)\n`);
    for (const view of ["volume", "tls", "auth", "summary"]) expect(runCli([view, file]).stderr).not.toMatch(/unexpected|\n\s+at /);
    expect(runCli(["export", file, "--year", "2026"]).stdout).toContain("2026-11-20,a@b.example,");
  });

  it("Exchange lines dated 1969, 9999-12-31 or `1` are skipped: the range stays on the real records", () => {
    const file = put(folder, "exchange.log", [
      EXCHANGE_FIELDS,
      ...exchangeSession("S1", "1969-12-31T23:00:00.000Z", "old@b.example"),
      ...exchangeSession("S2", "2026-11-20T10:00:00.000Z", "real@b.example"),
      ...exchangeSession("S3", "9999-12-31T23:59:59.000Z", "future@b.example"),
      ...exchangeSession("S4", "1", "one@b.example"),
    ].join("\n"));
    const run = runCli(["export", file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${HEADER}\n2026-11-20,real@b.example,b.example,unknown,unknown,10.1.1.1,1,2026-11-20T10:00:00Z,2026-11-20T10:00:00Z\n`);
    expect(run.stderr).toBe(`smtp-auth-report: warning: skipped 3 of 4 records; first: ${file}:6: date-time "1969-12-31T23:00:00.000Z" not understood (ISO 8601 instants of 2000-2099); ${file}:18: date-time "9999-12-31T23:59:59.000Z" not understood (ISO 8601 instants of 2000-2099); ${file}:24: date-time "1" not understood (ISO 8601 instants of 2000-2099)\n`);
    for (const view of ["volume", "tls", "auth"]) expect(runCli([view, file]).code).toBe(0);
    expect(runCli(["report", file, "-o", `${folder}/page.html`]).code).toBe(0);
  });

  it("Exim lines with an offset beyond ±14:00, or an instant past 2099 once the offset is applied, are skipped", () => {
    const line = (time: string, user: string): string => `${time} 1abcDE-000001-AB <= ${user} H=(dev) [10.0.0.1]:587 P=esmtpsa X=TLS1.2:ECDHE A=login:${user} S=1234`;
    const file = put(folder, "exim.log", [
      line("2026-11-20 10:00:00 +1500", "a@b.example"), line("2026-11-20 10:00:00 +0099", "b@b.example"),
      line("2099-12-31 23:30:00 -0100", "c@b.example"), line("2026-11-20 10:00:00 +1400", "d@b.example"),
    ].join("\n"));
    const run = runCli(["export", file, "--input-format", "exim", "--all"]);
    expect(run.stdout).toBe(`${HEADER}\n2026-11-19,d@b.example,b.example,TLS1.2,basic,10.0.0.1,1,2026-11-19T20:00:00Z,2026-11-19T20:00:00Z\n`);
    expect(run.stderr).toMatch(/skipped 3 of 4 records; first: .*:1: Exim timestamp .*:2: Exim timestamp .*:3: Exim timestamp "2099-12-31 23:30:00" not understood or outside 2000-2099/);
  });

  it("--year outside 2000-2099 is a usage error", () => {
    const file = put(folder, "year.log", "Nov 20 10:00:00 mx1 postfix/submission/smtpd[100]: A1: client=dev[10.0.0.1], sasl_method=LOGIN, sasl_username=a@b.example\n");
    for (const year of ["1999", "2100", "9999", "20x6"]) {
      const run = runCli(["export", file, "--year", year]);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(`smtp-auth-report: option '--year <yyyy>' argument '${year}' is invalid. --year takes a whole number from 2000 to 2099\n`);
    }
  });

  it("offsets beyond ±14:00 are not timestamps, in CSV and JSONL alike", () => {
    const csv = put(folder, "offsets.csv", "timestamp,sender\n2026-11-20T10:00:00+15:00,a@b.example\n2026-11-20T10:00:00-14:30,b@b.example\n2026-11-20 10:00:00 +1460,c@b.example\n2026-11-20T10:00:00+14:00,d@b.example\n2026-11-20T10:00:00-12:00,e@b.example\n");
    const run = runCli(["export", csv, "--all"]);
    expect(run.stdout.split("\n").slice(1, -1).map((l) => l.split(",")[1])).toEqual(["d@b.example", "e@b.example"]);
    expect(run.stderr).toMatch(/skipped 3 of 5 records; first: .*:2: timestamp "2026-11-20T10:00:00\+15:00" not understood.*:3: timestamp "2026-11-20T10:00:00-14:30" not understood.*:4: timestamp "2026-11-20 10:00:00 \+1460" not understood/);
  });
});
