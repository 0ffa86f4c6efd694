import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/core/errors.js";
import { completeRange, resolveBound } from "../../src/engine/range.js";
import { Zone } from "../../src/core/zone.js";
import { runCli, FIXTURES } from "../helpers.js";

const berlin = Zone.named("Europe/Berlin");
// 23 November 2026, 00:30 in Berlin (still the 22nd in UTC).
const now = Date.UTC(2026, 10, 22, 23, 30);
const iso = (t: number): string => new Date(t).toISOString();

describe("range bounds", () => {
  it("reads dates as whole days in the zone, the --to day included", () => {
    expect(iso(resolveBound("2026-11-16", "from", berlin, now))).toBe("2026-11-15T23:00:00.000Z");
    expect(iso(resolveBound("2026-11-16", "to", berlin, now))).toBe("2026-11-16T23:00:00.000Z");
    // The day the clocks go back has 25 hours.
    expect(resolveBound("2026-10-25", "to", berlin, now) - resolveBound("2026-10-25", "from", berlin, now)).toBe(25 * 3_600_000);
  });

  it("reads date-times as instants", () => {
    expect(iso(resolveBound("2026-11-16T08:00", "from", berlin, now))).toBe("2026-11-16T07:00:00.000Z");
    expect(iso(resolveBound("2026-11-16T08:00:00Z", "to", berlin, now))).toBe("2026-11-16T08:00:00.000Z");
  });

  it("counts today, yesterday, now and -Nd / -Nh / -Nw from now, in the zone", () => {
    expect(iso(resolveBound("today", "from", berlin, now))).toBe("2026-11-22T23:00:00.000Z");
    expect(iso(resolveBound("today", "to", berlin, now))).toBe("2026-11-23T23:00:00.000Z");
    expect(iso(resolveBound("yesterday", "to", berlin, now))).toBe("2026-11-22T23:00:00.000Z");
    expect(resolveBound("now", "to", berlin, now)).toBe(now);
    expect(iso(resolveBound("-7d", "from", berlin, now))).toBe("2026-11-15T23:00:00.000Z");
    expect(iso(resolveBound("-2w", "from", berlin, now))).toBe("2026-11-08T23:00:00.000Z");
    expect(resolveBound("-12h", "from", berlin, now)).toBe(now - 12 * 3_600_000);
  });

  it("are taken from the command line, with now pinned by SMTP_AUTH_REPORT_NOW", () => {
    const run = runCli(["summary", `${FIXTURES}/submissions.csv`, "--from", "-7d", "--to", "yesterday", "--tz", "Europe/Berlin", "--format", "json"], { env: { SMTP_AUTH_REPORT_NOW: iso(now) } });
    expect(JSON.parse(run.stdout).range).toEqual({ from: "2026-11-15T23:00:00Z", to: "2026-11-22T23:00:00Z", timezone: "Europe/Berlin" });
  });
});

describe("the completed range", () => {
  it("is never reversed: its end is after its start, or it is a usage error naming the input's last day", () => {
    const instant = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) });
    fc.assert(
      fc.property(fc.option(instant, { nil: undefined }), fc.option(instant, { nil: undefined }), fc.option(fc.tuple(instant, instant), { nil: undefined }), fc.boolean(), instant, fc.constantFrom("UTC", "Europe/Berlin", "Pacific/Auckland"),
        (from, to, span, all, now, zoneName) => {
          // Bounds given together are checked in order before reading (checkRangeOrder).
          fc.pre(from === undefined || to === undefined || from < to);
          const extent = span === undefined ? undefined : { min: Math.min(...span), max: Math.max(...span) };
          let range;
          try {
            range = completeRange({ from, to, all, now }, Zone.named(zoneName), extent);
          } catch (error) {
            expect(error).toBeInstanceOf(UsageError);
            const message = (error as Error).message;
            if (from === undefined) {
              // Only --to given, before the default --from (six days before the newest submission).
              expect(message).toMatch(/^--to \d{4}-\d\d-\d\d is before the default --from, \d{4}-\d\d-\d\d \(six days before (the input's newest submission|today), \d{4}-\d\d-\d\d\): the range would be empty/);
              expect(to).toBeDefined();
            } else {
              expect(message).toMatch(/^--from \d{4}-\d\d-\d\d is after (the input's last day|today), \d{4}-\d\d-\d\d: the range would be empty/);
              expect(to).toBeUndefined();
            }
            return;
          }
          expect(range.to).toBeGreaterThan(range.from);
          if (from !== undefined) expect(range.from).toBe(from);
          if (to !== undefined) expect(range.to).toBe(to);
          // The default --from is six days before the newest submission's day, whatever --to is.
          const zone = Zone.named(zoneName);
          if (from === undefined && !all) expect(range.from).toBe(zone.dayStart(zone.dayNumber(extent?.max ?? now) - 6));
        }),
      { numRuns: 500 },
    );
  });
});
