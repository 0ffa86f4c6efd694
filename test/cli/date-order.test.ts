import { describe, expect, it } from "vitest";
import { put, runCli, scratch } from "../helpers.js";

const HEADER = "timestamp,sender,tls,auth";

describe("slash dates without --date-order", () => {
  const folder = scratch();

  it("day-first dates that cannot be month first: exit 1 saying to use --date-order dmy, naming file:line", () => {
    const file = put(folder, "dmy.csv", `${HEADER}\n20/11/2026 14:03,a@x.example,TLS1.2,LOGIN\n21/11/2026 09:00,b@x.example,TLS1.0,XOAUTH2\n`);
    const run = runCli(["summary", file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(`smtp-auth-report: no submission could be read: all 2 records were bad; first: ${file}:2: timestamp "20/11/2026 14:03" not understood: day-first dates? use --date-order dmy\n`);
    const fixed = runCli(["export", file, "--date-order", "dmy"]);
    expect(fixed.code).toBe(0);
    expect(fixed.stderr).toBe("");
    expect(fixed.stdout).toContain("2026-11-20,a@x.example,x.example,TLS1.2,basic,,1,2026-11-20T14:03:00Z,2026-11-20T14:03:00Z\n");
  });

  it("the hint is in the warning even where other bad records come first, and says that the ambiguous ones were read month first", () => {
    const file = put(folder, "mixed.csv", [
      HEADER,
      "2026-11-02T10:00:00Z,,TLS1.2,LOGIN",
      "garbage,c@x.example,TLS1.2,LOGIN",
      "2026-11-02T10:00:00Z,,TLS1.2,LOGIN",
      "05/11/2026 14:03,a@x.example,TLS1.2,LOGIN",
      "20/11/2026 14:03,b@x.example,TLS1.0,XOAUTH2",
      "",
    ].join("\n"));
    const run = runCli(["export", "--all", file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("2026-05-11,a@x.example,");
    const lines = run.stderr.trimEnd().split("\n");
    expect(lines).toEqual([
      `smtp-auth-report: note: 1 slash date that could be either order was read month first (${file}:5: "05/11/2026 14:03" read as May 11, 2026); for day-first dates use --date-order dmy`,
      expect.stringMatching(new RegExp(`^smtp-auth-report: warning: day-first dates\\? use --date-order dmy \\(first at ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:6: "20/11/2026 14:03"\\) \\| skipped 4 of 5 records; first: `)),
    ]);
  });

  it("dates that could be either order: read month first (US), with a note saying so and how to change it; none with --date-order", () => {
    const file = put(folder, "either.csv", `${HEADER}\n05/11/2026 14:03,a@x.example,TLS1.2,LOGIN\n06/11/2026 2:03 PM,b@x.example,TLS1.0,XOAUTH2\n`);
    const run = runCli(["export", "--all", file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("2026-05-11,a@x.example,");
    expect(run.stdout).toContain("2026-06-11,b@x.example,");
    expect(run.stderr).toBe(`smtp-auth-report: note: slash dates read month first (M/D/YYYY, as US and Microsoft exports), as none says otherwise (${file}:2: "05/11/2026 14:03" read as May 11, 2026); for day-first dates use --date-order dmy, or --date-order mdy to confirm\n`);
    for (const order of ["mdy", "dmy"]) {
      const given = runCli(["export", "--all", file, "--date-order", order]);
      expect(given.code).toBe(0);
      expect(given.stderr).toBe("");
      expect(given.stdout).toContain(order === "mdy" ? "2026-05-11,a@x.example," : "2026-11-05,a@x.example,");
    }
    // One date that only month first can read settles it: no note.
    const told = put(folder, "told.csv", `${HEADER}\n05/11/2026 14:03,a@x.example,TLS1.2,LOGIN\n11/20/2026 14:03,b@x.example,TLS1.0,XOAUTH2\n`);
    expect(runCli(["export", "--all", told]).stderr).toBe("");
  });

  it("a file read in two parts (a second thread) says the same, with the line in the whole file", () => {
    const rows = Array.from({ length: 400 }, (_, i) => `2026-11-0${1 + (i % 9)}T10:00:00Z,s${i}@x.example,TLS1.2,LOGIN`);
    const file = put(folder, "split.csv", `${HEADER}\n${rows.join("\n")}\n25/11/2026 10:00,late@x.example,TLS1.2,LOGIN\n`);
    const run = runCli(["export", "--all", file], { env: { SMTP_AUTH_REPORT_SPLIT_BYTES: "1000" } });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(`smtp-auth-report: warning: skipped 1 of 401 records; first: ${file}:402: timestamp "25/11/2026 10:00" not understood: day-first dates? use --date-order dmy\n`);
    const ambiguous = put(folder, "split-either.csv", `${HEADER}\n${rows.join("\n")}\n05/11/2026 10:00,late@x.example,TLS1.2,LOGIN\n`);
    const either = runCli(["export", "--all", ambiguous], { env: { SMTP_AUTH_REPORT_SPLIT_BYTES: "1000" } });
    expect(either.stderr).toBe(`smtp-auth-report: note: slash dates read month first (M/D/YYYY, as US and Microsoft exports), as none says otherwise (${ambiguous}:402: "05/11/2026 10:00" read as May 11, 2026); for day-first dates use --date-order dmy, or --date-order mdy to confirm\n`);
  });
});
