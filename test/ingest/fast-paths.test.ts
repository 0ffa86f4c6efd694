// The reading fast paths (line tails, the day of a timestamp reused, quoted fields read from their
// bytes, group rows reused per device) against the plain path (every record read as text by
// csv-parse or JSON.parse): on random logs in many shapes, both must give the same export and the
// same skipped records, in any zone, period and filter.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Zone } from "../../src/core/zone.js";
import { createAggregator, type AggregatorSpec } from "../../src/engine/aggregate.js";
import { readCsv } from "../../src/ingest/csv.js";
import { readJsonl } from "../../src/ingest/jsonl.js";
import { ReadReport } from "../../src/ingest/read-report.js";
import { exportCsv } from "../../src/render/rows.js";
import { prng } from "../../fixtures/mail-logs.js";
import { runCli, scratch } from "../helpers.js";

const DAY = 86_400_000;
const START = Date.UTC(2026, 9, 20);
const SENDERS = ["scanner@a.example", "App@B.example", "erp@sub.a.example", "printer01", " spaced@a.example ", "x;y@a.example", "", "Scanner HQ <SCANNER@a.example>", "<erp@sub.a.example>", "a>b", "<>"];
const TLS = ["TLS1.2", "TLSv1", "tls 1.3", "none", "", "TLS9", "SSLv3"];
const AUTH = ["LOGIN", "XOAUTH2", "basic", "", "weird"];
const IPS = ["10.0.0.1", "192.0.2.7", "", "2001:db8::1"];
const ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"];

interface Row {
  t: number;
  sender: string;
  tls: string;
  auth: string;
  ip: string;
  /** How the timestamp is written. */
  form: number;
  /** A broken line instead of the record. */
  junk: number;
}

// Runs of records mostly in time order (as logs are), a few out of order, across both DST ends.
const rows = fc.array(
  fc.record({
    t: fc.integer({ min: 0, max: 20 * DAY }).map((d) => START + d),
    sender: fc.constantFrom(...SENDERS),
    tls: fc.constantFrom(...TLS),
    auth: fc.constantFrom(...AUTH),
    ip: fc.constantFrom(...IPS),
    form: fc.nat({ max: 9 }),
    junk: fc.oneof(fc.constant(0), fc.constant(0), fc.constant(0), fc.nat({ max: 6 })),
  }),
  { minLength: 1, maxLength: 120 },
).map((list) => {
  const sorted = [...list].sort((a, b) => a.t - b.t);
  // Repeat records so that tails and days repeat, as in real logs.
  return sorted.flatMap((r, i) => (i % 3 === 0 ? [r, { ...r, t: r.t + 1000 }, { ...r, t: r.t + 61_000, form: (r.form + 1) % 10 }] : [r]));
});

/** A timestamp in one of the forms logs write. */
function stamp(t: number, form: number): string {
  const iso = new Date(t).toISOString();
  switch (form) {
    case 0: return iso;
    case 1: return iso.replace(/\.\d+Z$/, "Z");
    case 2: return iso.replace("T", " ").replace("Z", "");
    case 3: return iso.replace("Z", "+00:00");
    case 4: return new Date(t + 2 * 3_600_000).toISOString().replace("Z", "+02:00");
    case 5: return iso.replace(/\.(\d+)Z$/, ".$1123Z");
    case 6: return String(t);
    case 7: return iso.slice(0, 19);
    case 8: return iso.replace(/:\d\d\.\d+Z$/, ":60Z");
    default: return new Date(t - 5 * 3_600_000).toISOString().replace("Z", "-0500");
  }
}

const quote = (v: string): string => `"${v.replace(/"/g, '""')}"`;

/** A CSV of the rows: delimiter, quoting (none, all, some), BOM and CRLF as the case says. */
function csvText(list: Row[], delimiter: string, quoting: number, bom: boolean, crlf: boolean, stampFirst: boolean): string {
  const cell = (v: string, i: number): string => (quoting === 1 || (quoting === 2 && i % 2 === 0) || v.includes(delimiter) || v.includes('"') ? quote(v) : v);
  const line = (cells: string[]): string => (stampFirst ? cells : [cells[1]!, cells[0]!, ...cells.slice(2)]).map(cell).join(delimiter);
  const lines = [line(["timestamp", "sender", "tls_version", "auth", "client_ip"])];
  for (const r of list) {
    const cells = [stamp(r.t, r.form), r.sender, r.tls, r.auth, r.ip];
    switch (r.junk) {
      case 1: lines.push(line(["not a time", ...cells.slice(1)])); break;
      case 2: lines.push(cells.slice(0, 3).join(delimiter)); break;
      case 3: lines.push(`${cells[0]}${delimiter}"say ""hi"" ${r.sender}"${delimiter}${cells.slice(2).join(delimiter)}`); break;
      case 4: lines.push(`${cells[0]}${delimiter}"open ${r.sender}${delimiter}${cells.slice(2).join(delimiter)}`); break;
      case 5: lines.push(`${line(cells)}${delimiter}${delimiter}`); break;
      case 6: lines.push(""); break;
      default: lines.push(line(cells));
    }
  }
  return `${bom ? "\uFEFF" : ""}${lines.join(crlf ? "\r\n" : "\n")}${crlf ? "\r\n" : "\n"}`;
}

/** JSONL of the rows: the timestamp first (the tail path) or later, some lines with escapes or junk. */
function jsonlText(list: Row[], stampFirst: boolean): string {
  return list.map((r) => {
    const fields: [string, string | number][] = [["sender", r.sender], ["tls_version", r.tls], ["auth", r.auth], ["client_ip", r.ip]];
    const time: [string, string | number] = ["timestamp", r.form === 6 ? r.t : stamp(r.t, r.form)];
    const object = Object.fromEntries(stampFirst ? [time, ...fields] : [...fields, time]);
    switch (r.junk) {
      case 1: return JSON.stringify({ ...object, timestamp: "not a time" });
      case 2: return JSON.stringify(object).slice(0, -3);
      case 3: return JSON.stringify({ ...object, sender: `say "hi" ${r.sender}` });
      case 4: return JSON.stringify(object).replace('{"', '{ "');
      case 5: return JSON.stringify({ ...object, extra: { nested: 1 } });
      case 6: return "";
      default: return JSON.stringify(object);
    }
  }).join("\n") + "\n";
}

/** Bytes in chunks of random sizes, so that lines are cut across chunks. */
async function* chunks(bytes: Buffer, seed: number): AsyncGenerator<Buffer> {
  const random = prng(seed);
  for (let at = 0; at < bytes.length;) {
    const size = 1 + Math.floor(random() * 200);
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

interface Case {
  zone: string;
  by: AggregatorSpec["by"];
  filter: number;
  seed: number;
}

/** The export and read report of a document, read plain or fast. */
async function read(format: "csv" | "jsonl", text: string, c: Case, plain: boolean): Promise<string> {
  const filters = { domains: c.filter === 1 ? ["a.example"] : [], senders: c.filter === 2 ? ["scanner@a.example", "printer01"] : [], tls: c.filter === 3 ? ["legacy"] : [], auth: c.filter === 4 ? ["basic"] : [], clientIps: [] };
  const spec: AggregatorSpec = { timeZone: c.zone, by: c.by, filters, all: true, from: c.filter === 5 ? START + 3 * DAY + 3_600_000 : undefined, to: c.filter === 5 ? START + 9 * DAY : undefined };
  const aggregator = createAggregator(spec);
  const report = new ReadReport(false);
  const bytes = Buffer.from(text);
  const settings = { zone: Zone.named(c.zone), dateOrder: "mdy" as const, plain };
  const lines = format === "csv"
    ? await readCsv("in", bytes.subarray(0, 65_536), chunks(bytes, c.seed), new Map(), settings, report, aggregator)
    : await readJsonl("in", chunks(bytes, c.seed), new Map(), settings, report, aggregator);
  const out = Buffer.concat([...exportCsv(aggregator.finish(), false)]).toString();
  return `${lines} lines\n${JSON.stringify(report.counts())}\n${out}`;
}

const cases = fc.record({
  zone: fc.constantFrom(...ZONES),
  by: fc.constantFrom<AggregatorSpec["by"]>("hour", "day", "week", "month"),
  filter: fc.nat({ max: 6 }),
  seed: fc.nat(),
});

describe("the reading fast paths give what the plain path gives", () => {
  it("CSV: any delimiter, quoting, BOM, CRLF, column order, timestamp form, bad lines; any zone, period, filter", async () => {
    await fc.assert(
      fc.asyncProperty(rows, cases, fc.constantFrom(",", ";", "\t", "|"), fc.nat({ max: 2 }), fc.boolean(), fc.boolean(), fc.boolean(), async (list, c, delimiter, quoting, bom, crlf, stampFirst) => {
        const text = csvText(list, delimiter, quoting, bom, crlf, stampFirst);
        expect(await read("csv", text, c, false)).toBe(await read("csv", text, c, true));
      }),
      { numRuns: 300 },
    );
  });

  it("JSONL: the timestamp first or later, escapes, nesting, bad lines; any zone, period, filter", async () => {
    await fc.assert(
      fc.asyncProperty(rows, cases, fc.boolean(), async (list, c, stampFirst) => {
        const text = jsonlText(list, stampFirst);
        expect(await read("jsonl", text, c, false)).toBe(await read("jsonl", text, c, true));
      }),
      { numRuns: 300 },
    );
  });
});

describe("the fast paths in the command, with one thread and two", () => {
  // Large enough to be read by two threads (over 24 MB); both thread counts against the plain path.
  it("export --by week --tz Europe/Berlin --tls legacy: the same bytes, fast or plain, one thread or two", () => {
    const random = prng(11);
    const list: Row[] = [];
    for (let i = 0; i < 400_000; i++) {
      const device = Math.floor(random() ** 2 * 40);
      list.push({ t: START + Math.floor((i / 400_000) * 20 * DAY), sender: `${SENDERS[device % SENDERS.length]}${device}`, tls: TLS[device % TLS.length]!, auth: AUTH[device % AUTH.length]!, ip: IPS[device % IPS.length]!, form: device % 3 === 0 ? 3 : 0, junk: i % 80_000 === 7 ? 1 : 0 });
    }
    const folder = scratch();
    for (const [name, text] of [["big.csv", csvText(list, ",", 0, false, false, true)], ["big.jsonl", jsonlText(list, true)]] as const) {
      const path = join(folder, name);
      writeFileSync(path, text);
      const args = ["export", path, "--all", "--by", "week", "--tz", "Europe/Berlin", "--tls", "legacy"];
      const plain = runCli(args, { env: { SMTP_AUTH_REPORT_PLAIN: "1", SMTP_AUTH_REPORT_THREADS: "1" } });
      expect(plain.code).toBe(0);
      expect(plain.stderr).toMatch(/skipped 5 of 400,000 records/);
      for (const threads of ["1", "2"]) {
        const fast = runCli(args, { env: { SMTP_AUTH_REPORT_THREADS: threads } });
        expect(fast.stdout).toBe(plain.stdout);
        expect(fast.stderr).toBe(plain.stderr);
      }
    }
  });
});

describe("lines from chunks that their source fills again", () => {
  it("are the text's lines, whatever the chunk sizes and line ends", async () => {
    const { eachLine } = await import("../../src/ingest/lines.js");
    await fc.assert(
      fc.asyncProperty(fc.array(fc.stringMatching(/^[a-z,"é]{0,30}$/), { maxLength: 40 }), fc.constantFrom("\n", "\r\n", "\r"), fc.boolean(), fc.nat(), async (lines, end, last, seed) => {
        const text = lines.join(end) + (last ? end : "");
        const random = prng(seed);
        // One buffer filled again for every chunk, as fileBytes does.
        const reused = Buffer.alloc(64);
        async function* source(): AsyncGenerator<Buffer> {
          const bytes = Buffer.from(text);
          for (let at = 0; at < bytes.length;) {
            const size = Math.min(bytes.length - at, 1 + Math.floor(random() * 64));
            bytes.copy(reused, 0, at, at + size);
            at += size;
            yield reused.subarray(0, size);
          }
        }
        const seen: string[] = [];
        await eachLine(source(), (buffer, start, stop) => seen.push(buffer.toString("utf8", start, stop)), () => seen.push("skipped"));
        // A line end closes a line; nothing after the last one is no line.
        const expected = text.split(end);
        if (expected[expected.length - 1] === "") expected.pop();
        expect(seen).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});
