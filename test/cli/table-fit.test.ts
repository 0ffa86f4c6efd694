// A table that must leave a too-wide column out keeps the columns that fit once it is gone (they had
// gone before it, in the order of what matters least).
import { describe, expect, it } from "vitest";
import { put, runCli, scratch } from "../helpers.js";

const folder = scratch();

describe("columns that fit without the too-wide one stay", () => {
  it("volume --format table at 80 columns: only the long domain is left out, the smaller domain and the total stay", () => {
    const rows = ["timestamp,sender"];
    for (const day of ["20", "21"]) {
      for (let i = 1; i <= 4; i++) rows.push(`2026-11-${day}T1${i}:00:00Z,u${i}@northwind.example`);
      for (let i = 1; i <= 3; i++) rows.push(`2026-11-${day}T1${i}:10:00Z,u${i}@fabrikam.example`);
      for (let i = 1; i <= 2; i++) rows.push(`2026-11-${day}T1${i}:20:00Z,relay${i}@a-subsidiary-with-a-very-long-domain-name-indeed.example`);
      rows.push(`2026-11-${day}T10:30:00Z,x@contoso.example`);
    }
    const file = put(folder, "domains.csv", `${rows.join("\n")}\n`);
    expect(runCli(["volume", file, "--all", "--format", "table", "--width", "80"]).stdout).toBe([
      "Sending volume by domain, 2026-11-20 to 2026-11-21 (2 days, UTC)",
      "┌────────────┬───────────────────┬──────────────────┬─────────────────┬───────┐",
      "│ period     │ northwind.example │ fabrikam.example │ contoso.example │ total │",
      "├────────────┼───────────────────┼──────────────────┼─────────────────┼───────┤",
      "│ 2026-11-20 │                 4 │                3 │               1 │    10 │",
      "│ 2026-11-21 │                 4 │                3 │               1 │    10 │",
      "│ total      │                 8 │                6 │               2 │    20 │",
      "└────────────┴───────────────────┴──────────────────┴─────────────────┴───────┘",
      "Left out at this width: a-subsidiary-with-a-very-long-domain-name-indeed.example",
      "(--width, or --format csv)",
      "",
    ].join("\n"));
  });
});
