import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { prng } from "../../fixtures/mail-logs.js";
import { runCli, scratch } from "../helpers.js";

/** A file large enough to be read by two threads (24 MB and more), with one bad record near its end. */
function largeInput(format: "csv" | "jsonl"): { path: string; badLine: number } {
  const random = prng(3);
  const lines: string[] = format === "csv" ? ["timestamp,sender,tls_version,auth,client_ip"] : [];
  const start = Date.UTC(2026, 9, 1);
  for (let i = 0; i < 360_000; i++) {
    const t = new Date(start + Math.floor(random() * 60 * 86_400_000)).toISOString();
    const device = Math.floor(random() ** 2 * 3000);
    const tls = ["TLS1.2", "TLS1.0", "TLSv1.3", "none"][device % 4]!;
    const auth = ["LOGIN", "XOAUTH2", "basic"][device % 3]!;
    const sender = `device-${device}@${device % 2 ? "a" : "b"}.example`;
    const ip = `10.0.${device % 250}.${device % 7}`;
    lines.push(format === "csv" ? `${t},${sender},${tls},${auth},${ip}` : JSON.stringify({ time: t, user: sender, tls, auth, ip }));
  }
  const badLine = lines.length - 10;
  lines[badLine - 1] = format === "csv" ? "not-a-time,x@y.example,TLS1.2,LOGIN,10.0.0.1" : '{"time": "not-a-time", "user": "x@y.example"}';
  const path = join(scratch(), `large.${format}`);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return { path, badLine };
}

describe("a large file read by two threads", () => {
  for (const format of ["csv", "jsonl"] as const) {
    it(`${format}: gives exactly what one thread gives, with the right line numbers`, () => {
      const { path, badLine } = largeInput(format);
      const two = runCli(["export", path, "--all", "--by", "week"]);
      expect(two.stderr).toMatch(new RegExp(`skipped 1 of 360,000 records; first: .*:${badLine}: timestamp "not-a-time" not understood`));
      const one = runCli(["export", path, "--all", "--by", "week"], { env: { SMTP_AUTH_REPORT_THREADS: "1" } });
      expect(one.stderr).toBe(two.stderr);
      expect(two.stdout).toBe(one.stdout);
      expect(two.stdout.trimEnd().split("\n").slice(1).reduce((n, l) => n + Number(l.split(",")[6]), 0)).toBe(359_999);
    });
  }
});

describe("which files are read in two parts", () => {
  it("only plain UTF-8 of 24 MB or more: not UTF-16, Windows-1252 or gzip, which are converted as one stream", async () => {
    const { splitPoint } = await import("../../src/ingest/parallel.js");
    const folder = scratch();
    const body = `timestamp,sender\n${"2026-11-20T10:00:00Z,a@b.example\n".repeat(800_000)}`;
    const utf8 = join(folder, "utf8.csv");
    writeFileSync(utf8, body);
    expect(await splitPoint({ name: utf8, path: utf8 })).toBeGreaterThan(12_000_000);
    const utf16 = join(folder, "utf16.csv");
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body, "utf16le")]));
    expect(await splitPoint({ name: utf16, path: utf16 })).toBeUndefined();
    const cp1252 = join(folder, "cp1252.csv");
    writeFileSync(cp1252, Buffer.concat([Buffer.from("timestamp,sender\n2026-11-20T10:00:00Z,m\xfcller@b.example\n", "latin1"), Buffer.from(body)]));
    expect(await splitPoint({ name: cp1252, path: cp1252 })).toBeUndefined();
    const small = join(folder, "small.csv");
    writeFileSync(small, "timestamp,sender\n2026-11-20T10:00:00Z,a@b.example\n");
    expect(await splitPoint({ name: small, path: small })).toBeUndefined();
  });
});

describe("a reading thread started before the arguments are read", () => {
  it("is started for the files that are read in two parts, judged from the command line alone", async () => {
    const { threadReadingInParts: readsInParts } = await import("../../src/cli/read-parts.js");
    const folder = scratch();
    const csv = join(folder, "big.csv");
    writeFileSync(csv, `timestamp,sender\n${"2026-11-20T10:00:00Z,a@b.example\n".repeat(800_000)}`);
    const jsonl = join(folder, "big.jsonl");
    writeFileSync(jsonl, '{"timestamp":"2026-11-20T10:00:00Z","sender":"a@b.example"}\n'.repeat(450_000));
    const gzip = join(folder, "big.csv.gz");
    writeFileSync(gzip, Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.alloc(25 << 20)]));
    const syslog = join(folder, "mail.log");
    writeFileSync(syslog, "Nov 20 10:00:00 mx1 postfix/smtpd[12]: 4ABC: client=x[192.0.2.7], sasl_method=LOGIN, sasl_username=a@b.example\n".repeat(250_000));
    const small = join(folder, "small.csv");
    writeFileSync(small, "timestamp,sender\n2026-11-20T10:00:00Z,a@b.example\n");
    const argv = (...args: string[]): string[] => ["node", "smtp-auth-report", ...args];
    for (const command of ["export", "summary", "volume", "tls", "auth", "report"]) expect(readsInParts(argv(command, small, csv, "--all"), {})).toBe("records");
    expect(readsInParts(argv("export", "--all", jsonl), {})).toBe("records");
    expect(readsInParts(argv("export", jsonl, "--input-format", "jsonl"), {})).toBe("records");
    // A Postfix log has a thread of its own kind (a file forced to be one too), but not with --year or on the plain path.
    expect(readsInParts(argv("summary", syslog), {})).toBe("syslog");
    expect(readsInParts(argv("export", csv, "--input-format=postfix"), {})).toBe("syslog");
    expect(readsInParts(argv("export", syslog, "--year", "2026"), {})).toBeUndefined();
    expect(readsInParts(argv("export", syslog), { SMTP_AUTH_REPORT_PLAIN: "1" })).toBeUndefined();
    // Not read in parts: one thread asked for, strict, help, other formats, gzip, small files, the output file.
    expect(readsInParts(argv("export", csv), { SMTP_AUTH_REPORT_THREADS: "1" })).toBeUndefined();
    expect(readsInParts(argv("export", csv, "--strict"), {})).toBeUndefined();
    expect(readsInParts(argv("export", csv, "--help"), {})).toBeUndefined();
    expect(readsInParts(argv("export", csv, "--input-format=exim"), {})).toBeUndefined();
    expect(readsInParts(argv("export", gzip), {})).toBeUndefined();
    expect(readsInParts(argv("export", small, "-o", csv), {})).toBeUndefined();
    expect(readsInParts(argv("export", small, "--output", csv), {})).toBeUndefined();
    expect(readsInParts(argv("other", csv), {})).toBeUndefined();
    // The split size tests ask for counts too.
    expect(readsInParts(argv("export", small), { SMTP_AUTH_REPORT_SPLIT_BYTES: "10" })).toBe("records");
  });

  it("gives what a thread started when its part is known gives (a glob: no early thread), and what one thread gives", () => {
    for (const format of ["csv", "jsonl"] as const) {
      const { path } = largeInput(format);
      const args = ["export", "--all", "--by", "week", "--tz", "Europe/Berlin"];
      const early = runCli([...args, path]);
      const late = runCli([...args, path.replace(/large\./, "larg?.")]);
      const one = runCli([...args, path], { env: { SMTP_AUTH_REPORT_THREADS: "1" } });
      expect(early.code).toBe(0);
      expect(early.stdout).toBe(one.stdout);
      expect(late.stdout).toBe(one.stdout);
      expect(early.stderr).toBe(one.stderr);
      expect(late.stderr).toBe(one.stderr);
    }
  });

  it("is ended when it gets no part: a usage error exits at once", () => {
    const { path } = largeInput("csv");
    const started = performance.now();
    const usage = runCli(["export", path, "--tz", "Nowhere/Zone"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/Nowhere\/Zone/);
    const option = runCli(["export", path, "--by", "fortnight"]);
    expect(option.code).toBe(2);
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});
