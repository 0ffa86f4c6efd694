// The export's CSV written as bytes from the aggregate's columns (exportCsv, what `export` writes)
// against the same rows written as text cell by cell (csvDocument of exportTable, the plain path):
// awkward senders and addresses, large counts, instants of the first and last years read, Excel-safe and terminal
// escaping, chunks reused or not, and a row longer than a chunk.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Calendar, type PeriodUnit } from "../../src/core/period.js";
import { AUTH_KINDS, TLS_VERSIONS, domainOf, type Submission } from "../../src/core/record.js";
import { Zone } from "../../src/core/zone.js";
import { SubmissionAggregator, type Aggregate } from "../../src/engine/aggregate.js";
import { compileSelection } from "../../src/engine/filter.js";
import { csvDocument } from "../../src/render/csv.js";
import { exportCsv, exportTable } from "../../src/render/rows.js";

const NO_FILTER = compileSelection({ domains: [], senders: [], tls: [], auth: [], clientIps: [] });

function aggregateOf(records: Submission[], zone: string, by: PeriodUnit): Aggregate {
  const aggregator = new SubmissionAggregator(new Calendar(Zone.named(zone), by), NO_FILTER, { all: true });
  for (const r of records) aggregator.add(r);
  return aggregator.finish();
}

/** What exportCsv writes, its chunks joined (a reused chunk is copied as it comes, as a consumer must). */
function bytesOf(aggregate: Aggregate, excelSafe: boolean, terminal: boolean, reuse: boolean): string {
  return Buffer.concat(Array.from(exportCsv(aggregate, excelSafe, terminal, reuse), (chunk) => Buffer.from(chunk))).toString("utf8");
}

const text = fc.oneof(
  fc.constantFrom("scanner@a.example", "=cmd@a.example", "say \"hi\"@b.example", "a,b@c.example", "tab\there@x.example", "é@ü.example", "🙂@x.example", "+1@x.example", "", "line\nbreak@x.example"),
  fc.string({ unit: "grapheme", maxLength: 12 }),
);

const records = fc.array(
  fc.record({
    timestamp: fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2026, 2, 31) }),
    sender: text,
    tls: fc.constantFrom(...TLS_VERSIONS),
    auth: fc.constantFrom(...AUTH_KINDS),
    clientIp: fc.oneof(fc.constantFrom("10.0.0.1", "2001:db8::1", ""), text),
    messages: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 2 ** 40 })),
  }).map((r): Submission => ({ ...r, domain: domainOf(r.sender) })),
  { minLength: 0, maxLength: 200 },
);

describe("the export's CSV bytes", () => {
  it("are the plain CSV writer's, for any senders, addresses, counts, instants, zone, period and escaping", () => {
    fc.assert(
      fc.property(records, fc.constantFrom("UTC", "Europe/Berlin", "Asia/Kolkata"), fc.constantFrom<PeriodUnit>("hour", "day", "week", "month"), fc.boolean(), fc.boolean(), fc.boolean(),
        (list, zone, by, excelSafe, terminal, reuse) => {
          const aggregate = aggregateOf(list, zone, by);
          expect(bytesOf(aggregate, excelSafe, terminal, reuse)).toBe(csvDocument(exportTable(aggregate), excelSafe, terminal));
        }),
      { numRuns: 300 },
    );
  });

  it("are the plain CSV writer's for the first and last years a timestamp can have (EARLIEST_YEAR, LATEST_YEAR)", () => {
    for (const [instants, shown] of [[["2000-01-01T00:00:01Z", "2000-01-01T23:59:59.999Z"], "2000-01-01T00:00:01Z,2000-01-01T23:59:59Z"], [["2099-12-31T12:30:05Z"], "2099-12-31T12:30:05Z,2099-12-31T12:30:05Z"]] as const) {
      const list: Submission[] = instants.map((instant) => ({ timestamp: Date.parse(instant), sender: "a@b.example", domain: "b.example", tls: "TLS1.2", auth: "basic", clientIp: "10.0.0.1", messages: 3 }));
      const aggregate = aggregateOf(list, "UTC", "day");
      const plain = csvDocument(exportTable(aggregate), false);
      expect(plain).toContain(shown);
      expect(bytesOf(aggregate, false, false, true)).toBe(plain);
    }
  });

  it("are the plain CSV writer's across chunks, with a row longer than a chunk", () => {
    const long = `${"x".repeat(3 << 20)}@long.example`;
    const list: Submission[] = [];
    for (let i = 0; i < 30_000; i++) {
      const sender = i === 12_345 ? long : `user${i % 997}@d${i % 7}.example`;
      list.push({ timestamp: Date.UTC(2026, 0, 1) + i * 3_600_000, sender, domain: domainOf(sender), tls: TLS_VERSIONS[i % TLS_VERSIONS.length]!, auth: AUTH_KINDS[i % AUTH_KINDS.length]!, clientIp: `10.0.${i % 13}.${i % 251}`, messages: 1 + (i % 5) });
    }
    const aggregate = aggregateOf(list, "UTC", "day");
    const plain = csvDocument(exportTable(aggregate), false);
    for (const reuse of [false, true]) {
      const chunks = Array.from(exportCsv(aggregate, false, false, reuse), (chunk) => Buffer.from(chunk));
      expect(chunks.length).toBeGreaterThan(3);
      // Not toBe: a failure would print megabytes.
      expect(Buffer.concat(chunks).toString("utf8") === plain).toBe(true);
    }
  });
});
