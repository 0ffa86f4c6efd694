import { join } from "node:path";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FIXTURES, runCli, scratch } from "../helpers.js";

const CSV = join(FIXTURES, "submissions.csv");
// The fixture's default range: its last seven days.
const RANGE = "2026-11-16 to 2026-11-22 (7 days, UTC)";

/** A usage error: exit 2, nothing on stdout, one line on stderr. */
function usage(args: string[]): string {
  const run = runCli(args);
  expect(run.code, run.stderr).toBe(2);
  expect(run.stdout).toBe("");
  expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
  return run.stderr;
}

describe("--compare FROM..TO", () => {
  it("a window overlapping the range is a usage error naming both (summary and report; no page written)", () => {
    expect(usage(["summary", CSV, "--compare", "2026-11-18..2026-11-25"])).toBe(
      `smtp-auth-report: --compare 2026-11-18..2026-11-25 overlaps the range: the window is 2026-11-18 to 2026-11-25 (8 days, UTC), the range ${RANGE}; compare with a window before the range, or --compare previous\n`,
    );
    // One shared day is an overlap too.
    expect(usage(["summary", CSV, "--compare", "2026-11-10..2026-11-16", "--format", "json"])).toContain("the window is 2026-11-10 to 2026-11-16 (7 days, UTC), the range");
    const page = join(scratch(), "r.html");
    expect(usage(["report", CSV, "--compare", "2026-11-20..2026-11-21", "-o", page])).toContain("--compare 2026-11-20..2026-11-21 overlaps the range");
    expect(existsSync(page)).toBe(false);
    // With an explicit range, that range is named.
    expect(usage(["summary", CSV, "--from", "2026-11-20", "--to", "2026-11-22", "--compare", "2026-11-14..2026-11-20"])).toContain("the range 2026-11-20 to 2026-11-22 (3 days, UTC)");
  });

  it("a window just before the range is fine", () => {
    const run = runCli(["summary", CSV, "--compare", "2026-11-09..2026-11-15", "--width", "120"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Compared with 2026-11-09 to 2026-11-15 (7 days, UTC)");
  });

  it("a reversed window names --compare, not --from/--to", () => {
    expect(usage(["summary", CSV, "--compare", "2026-11-08..2026-11-02"])).toBe(
      "smtp-auth-report: --compare 2026-11-08..2026-11-02: 2026-11-08 is not before 2026-11-02: the window would be empty (a TO date is included, a TO date-time is not)\n",
    );
  });
});
