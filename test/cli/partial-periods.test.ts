// A week or month the range cuts is marked `*` with a footnote in charts as in tables, also where the
// range holds one period only (the chart then has nothing to draw but says which period, and that it is partial).
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, runCli } from "../helpers.js";

const SAMPLE = join(FIXTURES, "submissions.csv");

describe("volume --by month of a range inside one month", () => {
  it("the chart marks the month `*` with the table's footnote", () => {
    const chart = runCli(["volume", SAMPLE, "--all", "--by", "month", "--width", "80"]).stdout;
    expect(chart).toContain([
      "  One month only (2026-11-01*): nothing to draw over time; try a finer --by or a",
      "  longer range.",
      "  * partial month: the range covers only part of it",
      "",
    ].join("\n"));
    const table = runCli(["volume", SAMPLE, "--all", "--by", "month", "--format", "table", "--width", "100"]).stdout;
    expect(table).toContain("│ 2026-11-01* │");
    expect(table).toContain("* partial month: the range covers only part of it");
  });

  it("a whole month is not marked", () => {
    const chart = runCli(["volume", SAMPLE, "--by", "month", "--from", "2026-11-01", "--to", "2026-11-30", "--width", "80", "--quiet"]).stdout;
    expect(chart).toContain("  One month only (2026-11-01): nothing to draw");
    expect(chart).not.toContain("partial");
  });
});
