import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Zone } from "../../src/core/zone.js";
import { parseTimestamp } from "../../src/core/timestamp.js";

const utc = Zone.named("UTC");
const berlin = Zone.named("Europe/Berlin");
const newYork = Zone.named("America/New_York");

const p2 = (n: number): string => String(n).padStart(2, "0");

/** Instants in this century at whole seconds (the forms that carry seconds). */
const instants = fc.integer({ min: Date.UTC(2000, 0, 1) / 1000, max: Date.UTC(2099, 11, 31) / 1000 }).map((s) => s * 1000);

/** The wall clock of an instant in a zone, read independently of the code under test (Intl). */
function wall(instant: number, zone: string) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" })
      .formatToParts(new Date(instant)).map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  return { y: parts.year!, mo: parts.month!, d: parts.day!, h: parts.hour!, mi: parts.minute!, s: parts.second! };
}

describe("timestamps", () => {
  it("reads ISO 8601 with Z or any offset as the same instant", () => {
    fc.assert(
      fc.property(instants, fc.integer({ min: -14 * 4, max: 14 * 4 }), fc.boolean(), (t, quarterHours, colon) => {
        const offset = quarterHours * 15;
        const w = new Date(t + offset * 60_000);
        const sign = offset < 0 ? "-" : "+";
        const abs = Math.abs(offset);
        const suffix = offset === 0 && !colon ? "Z" : `${sign}${p2(Math.floor(abs / 60))}${colon ? ":" : ""}${p2(abs % 60)}`;
        const text = `${w.toISOString().slice(0, 19)}${suffix}`;
        expect(parseTimestamp(text, berlin)).toBe(t);
      }),
    );
  });

  it("reads naive date-times, US and dotted dates as wall-clock time in the zone", () => {
    fc.assert(
      fc.property(instants, fc.constantFrom("UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"), (t, zoneName) => {
        const zone = Zone.named(zoneName);
        const w = wall(t, zoneName);
        const hour12 = w.h % 12 === 0 ? 12 : w.h % 12;
        const forms = [
          `${w.y}-${p2(w.mo)}-${p2(w.d)} ${p2(w.h)}:${p2(w.mi)}:${p2(w.s)}`,
          `${w.y}-${p2(w.mo)}-${p2(w.d)}T${p2(w.h)}:${p2(w.mi)}:${p2(w.s)}`,
          `${w.mo}/${w.d}/${w.y} ${hour12}:${p2(w.mi)}:${p2(w.s)} ${w.h < 12 ? "AM" : "PM"}`,
          `${w.d}.${w.mo}.${w.y} ${p2(w.h)}:${p2(w.mi)}:${p2(w.s)}`,
        ];
        for (const form of forms) {
          const read = parseTimestamp(form, zone);
          // In the hour a DST change repeats, the wall clock names two instants; either is right.
          expect(wall(read, zoneName)).toEqual(w);
        }
        const dayFirst = `${w.d}/${w.mo}/${w.y} ${p2(w.h)}:${p2(w.mi)}:${p2(w.s)}`;
        expect(wall(parseTimestamp(dayFirst, zone, "dmy"), zoneName)).toEqual(w);
      }),
    );
  });

  it("reads a wall-clock time the clocks skip (DST begins) at the offset before the change, and a day that begins in such a gap at its first hour", () => {
    // Berlin skips 02:00-03:00 on 2026-03-29: 02:30 is 03:30 CEST (01:30Z), as Temporal and java.time read it.
    expect(new Date(parseTimestamp("2026-03-29 02:30:00", Zone.named("Europe/Berlin"))).toISOString()).toBe("2026-03-29T01:30:00.000Z");
    expect(new Date(parseTimestamp("2026-03-08 02:30:00", Zone.named("America/New_York"))).toISOString()).toBe("2026-03-08T07:30:00.000Z");
    // Santiago moves midnight to 01:00 on 2026-09-06: the day begins at 04:00Z, not at 23:00 of the day before.
    const santiago = Zone.named("America/Santiago");
    expect(new Date(parseTimestamp("2026-09-06", santiago)).toISOString()).toBe("2026-09-06T04:00:00.000Z");
    expect(santiago.dayNumber(parseTimestamp("2026-09-06 00:30:00", santiago))).toBe(santiago.dayNumber(parseTimestamp("2026-09-06 12:00:00", santiago)));
  });

  it("tells epoch seconds, milliseconds and microseconds apart by size", () => {
    fc.assert(
      fc.property(instants, (t) => {
        expect(parseTimestamp(String(t / 1000), utc)).toBe(t);
        expect(parseTimestamp(t, utc)).toBe(t);
        expect(parseTimestamp(String(t * 1000), utc)).toBe(t);
        expect(parseTimestamp(t / 1000, utc)).toBe(t);
      }),
    );
  });

  it("reads the shorter forms", () => {
    expect(parseTimestamp("2026-11-20", newYork)).toBe(Date.UTC(2026, 10, 20, 5));
    expect(parseTimestamp("2026-11-20 14:03", utc)).toBe(Date.UTC(2026, 10, 20, 14, 3));
    expect(parseTimestamp("2026-11-20T14:03:12.5Z", utc)).toBe(Date.UTC(2026, 10, 20, 14, 3, 12, 500));
    expect(parseTimestamp("2026-11-20T14:00Z", utc)).toBe(Date.UTC(2026, 10, 20, 14));
    expect(parseTimestamp("11/20/2026 2:03 PM", utc)).toBe(Date.UTC(2026, 10, 20, 14, 3));
    expect(parseTimestamp("11/20/2026 12:03 AM", utc)).toBe(Date.UTC(2026, 10, 20, 0, 3));
    expect(parseTimestamp("20.11.2026 14:03", berlin)).toBe(Date.UTC(2026, 10, 20, 13, 3));
    expect(parseTimestamp("1795190400.25", utc)).toBe(1795190400250);
  });

  it("refuses what is not a date", () => {
    for (const bad of ["", "yesterday-ish", "2026-13-01", "2026-02-30", "13/13/2026", "11/20/2026 13:00 PM", "2026-11-20 25:00", "42", "1970-01-01T00:00:00Z", "3000-01-01"]) {
      expect(parseTimestamp(bad, utc), bad).toBeNaN();
    }
  });
});
