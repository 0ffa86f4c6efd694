import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SubmissionAggregator, groupOrder, radixOrder } from "../../src/engine/aggregate.js";
import { compileSelection } from "../../src/engine/filter.js";
import { Calendar, type PeriodUnit } from "../../src/core/period.js";
import { resolveBound } from "../../src/engine/range.js";
import { Zone } from "../../src/core/zone.js";
import type { Submission } from "../../src/core/record.js";
import { csvDocument } from "../../src/render/csv.js";
import { exportTable } from "../../src/render/rows.js";
import { naiveExport, submissions, WINDOW_END, WINDOW_START, type NaiveRange } from "../naive.js";

const ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Auckland"];
const NO_FILTER = compileSelection({ domains: [], senders: [], tls: [], auth: [], clientIps: [] });


function engineExport(records: Submission[], zone: Zone, by: PeriodUnit, from: number | undefined, to: number | undefined, all: boolean): string[] {
  const aggregator = new SubmissionAggregator(new Calendar(zone, by), NO_FILTER, { from, to, all });
  for (const r of records) aggregator.add(r);
  return csvDocument(exportTable(aggregator.finish()), false).trimEnd().split("\n").slice(1).filter((l) => l !== "");
}

describe("the aggregate behind the export", () => {
  it("agrees with a naive computation for the default range and --all, in any zone and period", () => {
    fc.assert(
      fc.property(submissions, fc.constantFrom(...ZONES), fc.constantFrom<PeriodUnit>("hour", "day", "week", "month"), fc.boolean(), (records, zoneName, by, all) => {
        const range: NaiveRange = all ? { kind: "all" } : { kind: "default" };
        expect(engineExport(records, Zone.named(zoneName), by, undefined, undefined, all)).toEqual(naiveExport(records, zoneName, by, range));
      }),
      { numRuns: 150 },
    );
  });

  it("gives the same when the records are read in parts by other aggregators and absorbed (as a worker thread's are), equal keys in several parts", () => {
    fc.assert(
      fc.property(submissions, fc.constantFrom(...ZONES), fc.constantFrom<PeriodUnit>("hour", "day", "week", "month"), fc.boolean(), fc.array(fc.nat(), { maxLength: 3 }),
        (records, zoneName, by, all, cuts) => {
          const zone = Zone.named(zoneName);
          const make = (): SubmissionAggregator => new SubmissionAggregator(new Calendar(zone, by), NO_FILTER, { all });
          // The records in consecutive parts (some may be empty); the first is read by the aggregator that absorbs the rest.
          const at = [0, ...cuts.map((c) => (records.length === 0 ? 0 : c % (records.length + 1))).sort((a, b) => a - b), records.length];
          const [first, ...others] = at.slice(1).map((end, i) => records.slice(at[i], end));
          const main = make();
          for (const r of first!) main.add(r);
          for (const part of others) {
            const reader = make();
            for (const r of part) reader.add(r);
            const snapshot = reader.snapshot();
            // Posted to another thread: a structured clone, its arrays transferred.
            main.absorb(structuredClone(snapshot, { transfer: [snapshot.keys.buffer, snapshot.messages.buffer, snapshot.first.buffer, snapshot.last.buffer] }));
          }
          const lines = csvDocument(exportTable(main.finish()), false).trimEnd().split("\n").slice(1).filter((l) => l !== "");
          expect(lines).toEqual(engineExport(records, zone, by, undefined, undefined, all));
          expect(lines).toEqual(naiveExport(records, zoneName, by, all ? { kind: "all" } : { kind: "default" }));
        }),
      { numRuns: 150 },
    );
  });

  it("agrees with a naive computation for date bounds (both days included) and instants (end excluded)", () => {
    const day = fc.integer({ min: 18, max: 38 }).map((d) => new Date(Date.UTC(2026, 9, d)).toISOString().slice(0, 10));
    fc.assert(
      fc.property(submissions, fc.constantFrom(...ZONES), fc.constantFrom<PeriodUnit>("hour", "day", "week", "month"), day, day, fc.integer({ min: WINDOW_START, max: WINDOW_END }), fc.integer({ min: 1, max: 9 * 86_400_000 }),
        (records, zoneName, by, a, b, start, length) => {
          const zone = Zone.named(zoneName);
          const [fromDay, toDay] = a <= b ? [a, b] : [b, a];
          const from = resolveBound(fromDay, "from", zone, 0);
          const to = resolveBound(toDay, "to", zone, 0);
          expect(engineExport(records, zone, by, from, to, false)).toEqual(naiveExport(records, zoneName, by, { kind: "dates", from: fromDay, to: toDay }));
          expect(engineExport(records, zone, by, start, start + length, false)).toEqual(naiveExport(records, zoneName, by, { kind: "instants", from: start, to: start + length }));
          // Only one bound given: the other comes from the data.
          // A --from after the input's last day would make the range end before it starts: a usage error.
          const lastDayEnd = records.length === 0 ? Infinity : zone.dayStart(zone.dayNumber(Math.max(...records.map((r) => r.timestamp))) + 1);
          if (from >= lastDayEnd) expect(() => engineExport(records, zone, by, from, undefined, false)).toThrow(/--from \S+ is after the input's last day/);
          else expect(engineExport(records, zone, by, from, undefined, false)).toEqual(naiveExport(records, zoneName, by, { kind: "dates", from: fromDay, to: "9999-12-31" }));
          // Only --to given: --from is still six days before the newest record's day (SPEC), a usage error when that is not before --to.
          if (records.length > 0) {
            const newestDay = zone.dayNumber(Math.max(...records.map((r) => r.timestamp)));
            const defaultFrom = new Date((newestDay - 6) * 86_400_000).toISOString().slice(0, 10);
            if (zone.dayStart(newestDay - 6) >= to) expect(() => engineExport(records, zone, by, undefined, to, false)).toThrow(/--to \S+ is before the default --from/);
            else expect(engineExport(records, zone, by, undefined, to, false)).toEqual(naiveExport(records, zoneName, by, { kind: "dates", from: defaultFrom, to: toDay }));
          }
        }),
      { numRuns: 120 },
    );
  });

  it("labels hours across a DST change with the offset of each hour", () => {
    const zone = Zone.named("Europe/Berlin");
    // 02:30 local happens twice on 25 October 2026: at 00:30Z (+02:00) and 01:30Z (+01:00).
    const records: Submission[] = [Date.UTC(2026, 9, 25, 0, 30), Date.UTC(2026, 9, 25, 1, 30)].map((timestamp) => ({
      timestamp, sender: "a@b.example", domain: "b.example", tls: "TLS1.2", auth: "basic", clientIp: "", messages: 1,
    }));
    // The SPEC sorts by plain string comparison, so the later hour (+01:00) comes first.
    expect(engineExport(records, zone, "hour", undefined, undefined, false).map((l) => l.split(",")[0])).toEqual([
      "2026-10-25T02:00+01:00",
      "2026-10-25T02:00+02:00",
    ]);
  });
});

describe("the order of the export's rows (the sort in finish)", () => {
  // Few primary values (many rows each: insertion sort, or a sort of the run), many (most alone), or
  // more than a table of counts is made for (the radix sort).
  const rows = fc.oneof(
    fc.array(fc.tuple(fc.nat({ max: 3 }), fc.nat({ max: 40 })), { maxLength: 400 }),
    fc.array(fc.tuple(fc.nat({ max: 5_000 }), fc.nat({ max: 2 ** 40 })), { maxLength: 400 }),
    fc.array(fc.tuple(fc.nat({ max: 2 ** 33 }), fc.nat({ max: 2 ** 20 })), { maxLength: 400 }),
  );

  it("is by primary, then secondary, every row once, whichever sort is taken", () => {
    fc.assert(
      fc.property(rows, fc.nat({ max: 10 }), (list, spare) => {
        const primary = Float64Array.from(list, ([p]) => p);
        const secondary = Float64Array.from(list, ([, s]) => s);
        const count = list.reduce((max, [p]) => Math.max(max, p + 1), 0) + spare;
        const expected = list.map(([p, s]) => `${p}/${s}`).sort((a, b) => {
          const [pa, sa] = a.split("/").map(Number);
          const [pb, sb] = b.split("/").map(Number);
          return pa! - pb! || sa! - sb!;
        });
        for (const order of [groupOrder(primary, secondary, count), radixOrder(primary, secondary)]) {
          expect(new Set(order).size).toBe(list.length);
          expect(Array.from(order, (i) => `${primary[i]}/${secondary[i]}`)).toEqual(expected);
        }
      }),
      { numRuns: 300 },
    );
  });
});
