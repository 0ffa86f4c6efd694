// Hostile input, at random: random bytes, random CSV/JSONL/server-log lines and random option values
// go to every reader (in-process, many runs) and to every command (the built CLI, a few runs). What
// may happen is what the SPEC allows: records read, bad ones skipped, an InputError (exit 1) or a
// UsageError (exit 2), exit 3 for --fail-on; never a crash, an "unexpected error" or a stack trace.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Chalk } from "chalk";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError, UsageError } from "../src/core/errors.js";
import { Zone } from "../src/core/zone.js";
import { createAggregator } from "../src/engine/aggregate.js";
import { summarize } from "../src/engine/views.js";
import { INPUT_FORMATS, type InputFormat } from "../src/ingest/open.js";
import { readInputs } from "../src/ingest/read.js";
import { categoryChart, categoryDetailsText, volumeChart, volumeDetailsText } from "../src/render/pivots.js";
import { exportCsv, summaryJson } from "../src/render/rows.js";
import { summaryText } from "../src/render/summary.js";
import { runCli, scratch } from "./helpers.js";

const folder = scratch();

/** Text that makes readers work: separators, quotes, escapes, controls, invisible and astral characters. */
const nasty = fc.stringMatching(/^[a-zA-Z0-9 @.,;:|\t"'\\{}[\]=+\-_/()<>#*\u0000\u001b\u009b\u200b\u202e\u00e9\u20ac\r]{0,24}$/);
const timestamp = fc.oneof(
  fc.constantFrom("2026-11-20T10:00:00Z", "2026-11-20 10:00", "11/20/2026 10:00 AM", "20.11.2026 10:00", "1763632800", "1763632800000", "1", "0",
    "1969-12-31T23:59:59Z", "9999-12-31T23:59:59Z", "2026-11-20T10:00:00+15:00", "2026-02-30", "", "2100-01-01T00:00:00Z"),
  fc.integer({ min: -1e15, max: 1e16 }).map(String),
  nasty,
);
const tls = fc.oneof(fc.constantFrom("TLSv1.2", "TLS1.0", "SSLv3", "none", "1.3", "SP_PROT_TLS1_2_SERVER", ""), nasty);
const mechanism = fc.oneof(fc.constantFrom("LOGIN", "PLAIN", "XOAUTH2", "NTLM", ""), nasty);
const sender = fc.oneof(fc.constantFrom("a@b.example", "ADMIN@B.EXAMPLE", "", "no-domain"), nasty);
const ip = fc.oneof(fc.constantFrom("10.0.0.1", "2001:db8::1", "[2001:db8::1]:25", "10.0.0.1:587", "999.1.1.1", ""), nasty);
const syslogTime = fc.oneof(fc.constantFrom("Nov 20 10:00:00", "Feb 30 25:61:61", "Nov  2 10:00:00", "2026-11-20T10:00:00+01:00", "2026-11-20T10:00:00.123456+00:00"), nasty);

const csvInput = fc.tuple(
  fc.shuffledSubarray(["timestamp", "sender", "tls_version", "auth", "client_ip", "messages", "domain", "note"], { minLength: 0, maxLength: 8 }),
  fc.constantFrom(",", ";", "\t", "|"),
  fc.array(fc.tuple(timestamp, sender, tls, mechanism, ip, fc.oneof(fc.constantFrom("1", "0", "-1", "1e3", "9007199254740993"), nasty), nasty, nasty), { maxLength: 20 }),
  fc.constantFrom("\n", "\r\n", "\r"),
).map(([header, delimiter, rows, end]) => [header.join(delimiter), ...rows.map((r) => r.slice(0, Math.max(1, header.length)).map((v) => (v.includes(delimiter) || v.includes('"') ? `"${v.replace(/"/g, '""')}"` : v)).join(delimiter))].join(end));

const jsonValue = fc.oneof(timestamp, sender, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant({ nested: "x" }), fc.constant([1, 2]));
const jsonlInput = fc.array(
  fc.oneof(
    { weight: 5, arbitrary: fc.dictionary(fc.constantFrom("time", "timestamp", "user", "sender", "tls", "auth", "ip", "count", "domain", "x"), jsonValue).map((o) => JSON.stringify(o)) },
    { weight: 1, arbitrary: nasty },
  ),
  { maxLength: 20 },
).map((lines) => lines.join("\n"));

const postfixInput = fc.array(
  fc.tuple(syslogTime, fc.integer({ min: 1, max: 4 }), fc.constantFrom("connect from", "TLS", "client", "failed", "disconnect from", "noise"), ip, sender, mechanism, tls).map(([t, pid, kind, address, user, method, version]) => {
    const head = `${t} mx1 postfix/submission/smtpd[${pid}]:`;
    switch (kind) {
      case "connect from": return `${head} connect from dev[${address}]`;
      case "TLS": return `${head} Anonymous TLS connection established from dev[${address}]: ${version} with cipher X`;
      case "client": return `${head} ABC123: client=dev[${address}], sasl_method=${method}, sasl_username=${user}`;
      case "failed": return `${head} warning: dev[${address}]: SASL ${method} authentication failed: x`;
      case "disconnect from": return `${head} disconnect from dev[${address}]`;
      default: return `${t} mx1 kernel: ${user}`;
    }
  }),
  { maxLength: 20 },
).map((lines) => lines.join("\n"));

const eximInput = fc.array(
  fc.tuple(timestamp, fc.constantFrom("", " +0100", " -1500", " +0099"), sender, ip, tls, mechanism, fc.boolean()).map(([t, offset, user, address, version, method, arrival]) => arrival
    ? `${t}${offset} [123] 1abcDE-000001-AB <= ${user} H=(dev) [${address}]:587 P=esmtpsa X=${version}:ECDHE A=${method}:${user} S=1234`
    : `${t}${offset} ${method} authenticator failed for (dev) [${address}]:587: 535 Incorrect authentication data (set_id=${user})`),
  { maxLength: 20 },
).map((lines) => lines.join("\n"));

const exchangeInput = fc.tuple(
  fc.boolean(),
  fc.array(fc.tuple(timestamp, fc.constantFrom("S1", "S2"), fc.constantFrom("+", "-", "*", "<", ">"), fc.oneof(fc.constantFrom("AUTH LOGIN", "MAIL FROM:<a@b.example>", "235 2.7.0 ok", "250 2.1.0 ok", "535 no"), nasty), fc.oneof(fc.constantFrom("authenticated", "TLS protocol SP_PROT_TLS1_0_SERVER negotiation succeeded"), nasty), ip), { maxLength: 20 }),
).map(([header, rows]) => [
  ...(header ? ["#Software: Microsoft Exchange Server", "#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context"] : []),
  ...rows.map(([t, id, event, data, context, address]) => [t, "C", id, "0", "10.0.0.5:587", `${address}:5000`, event, data, context].map((v) => (/[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(",")),
].join("\n"));

const journalInput = fc.array(
  fc.tuple(fc.oneof(fc.integer({ min: -1, max: 2 ** 52 }).map(String), nasty), fc.constantFrom("postfix/submission/smtpd", "exim", "sshd"), postfixInput, sender).map(([micros, identifier, message, user]) =>
    JSON.stringify({ __REALTIME_TIMESTAMP: micros, SYSLOG_IDENTIFIER: identifier, _PID: "12", _HOSTNAME: "mx1", MESSAGE: message.split("\n")[0] ?? user })),
  { maxLength: 20 },
).map((lines) => lines.join("\n"));

/** An input of any kind, with the format it should be read as (undefined: detected). */
const anyInput: fc.Arbitrary<{ content: string | Uint8Array; format?: InputFormat }> = fc.oneof(
  fc.uint8Array({ maxLength: 400 }).map((content) => ({ content })),
  csvInput.map((content) => ({ content, format: "csv" as const })),
  jsonlInput.map((content) => ({ content, format: "jsonl" as const })),
  postfixInput.map((content) => ({ content, format: "postfix" as const })),
  eximInput.map((content) => ({ content, format: "exim" as const })),
  exchangeInput.map((content) => ({ content, format: "exchange" as const })),
  journalInput.map((content) => ({ content, format: "journal" as const })),
);

const terminal = { width: 80, paint: new Chalk({ level: 0 }) };

describe("fuzz: random inputs to every reader and view (in-process)", () => {
  it("read, aggregated and rendered, or refused with an InputError or UsageError; nothing else", async () => {
    expect(INPUT_FORMATS).toEqual(expect.arrayContaining(["csv", "jsonl", "journal", "postfix", "exim", "exchange"]));
    await fc.assert(
      fc.asyncProperty(anyInput, fc.boolean(), fc.boolean(), fc.constantFrom("hour", "day", "week", "month" as const), async ({ content, format }, forced, strict, by) => {
        const path = join(folder, "input");
        writeFileSync(path, content);
        const aggregator = createAggregator({ timeZone: "Europe/Berlin", by, all: true, filters: { domains: [], senders: [], tls: [], auth: [], clientIps: [] } });
        try {
          await readInputs([{ name: path, path }], { zone: Zone.named("Europe/Berlin"), dateOrder: "mdy", maps: new Map(), strict, now: Date.UTC(2026, 10, 27), format: forced ? format : undefined }, aggregator);
        } catch (error) {
          if (error instanceof InputError || error instanceof UsageError) return;
          throw error;
        }
        const aggregate = aggregator.finish();
        const summary = summarize(aggregate, 10);
        for (const view of [
          () => [...exportCsv(aggregate, true, true)].length, () => summaryText(aggregate, summary, terminal), () => summaryJson(aggregate, summary),
          () => volumeChart(aggregate, 8, terminal), () => volumeDetailsText(aggregate, 5, terminal), () => categoryChart(aggregate, "tls", "percent", 8, terminal),
          () => categoryDetailsText(aggregate, "auth", 5, terminal),
        ]) view();
      }),
      { numRuns: 300, seed: 1515 },
    );
  });
});

describe("fuzz: random inputs and option values to every command (the built CLI)", () => {
  const option = fc.oneof(
    fc.constantFrom<string[]>([], ["--all"], ["--by", "hour"], ["--by", "month"], ["--tz", "Pacific/Kiritimati"], ["--year", "2026"], ["--year", "2100"], ["--from", "-7d"],
      ["--from", "2026-11-20", "--to", "2026-11-01"], ["--to", "1"], ["--client-ip", "10.9.9.9/"], ["--client-ip", "10.0.0.0/8"], ["--tls", "legacy"], ["--auth", "OAUTH"],
      ["--top", "0"], ["--top", "1"], ["--width", "39"], ["--strict"], ["--fail-on", "any"], ["--date-order", "dmy"], ["--map", "sender=note"], ["--excel-safe"], ["--quiet"]),
    // A command line cannot hold a NUL byte.
    fc.tuple(fc.constantFrom("--from", "--to", "--tz", "--domain", "--sender", "--top", "--width", "--year", "--map"), nasty).map(([name, value]) => [name, value.replace(/\u0000/g, "")]),
  );
  const command = fc.constantFrom<string[]>(["summary"], ["summary", "--format", "json"], ["volume"], ["volume", "--details"], ["tls", "--format", "csv"], ["auth", "--details", "--format", "json"], ["export"], ["export", "--format", "jsonl"], ["report"]);

  it("exit 0, 1, 2 or 3 with no stack trace and no 'unexpected error'", () => {
    fc.assert(
      fc.property(anyInput, command, fc.array(option, { maxLength: 3 }), ({ content }, cmd, options) => {
        const path = join(folder, "cli-input");
        writeFileSync(path, content);
        const run = runCli([...cmd, path, ...options.flat(), "-o", join(folder, "out")]);
        expect([0, 1, 2, 3], run.stderr).toContain(run.code);
        expect(run.stderr).not.toMatch(/unexpected error|\n\s+at |node:internal|FATAL/);
      }),
      { numRuns: 16, seed: 15 },
    );
  });
});
