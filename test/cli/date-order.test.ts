import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { put, runCli, scratch } from "../helpers.js";

const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const HEADER = "timestamp,sender,tls,auth";
const READINGS = { "two threads": { SMTP_AUTH_REPORT_SPLIT_BYTES: "500" }, "one thread": { SMTP_AUTH_REPORT_THREADS: "1" }, "the plain path": { SMTP_AUTH_REPORT_PLAIN: "1" } };

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

  it("the hint is in the warning even where other bad records come first", () => {
    const file = put(folder, "mixed.csv", [
      HEADER,
      "2026-11-02T10:00:00Z,,TLS1.2,LOGIN",
      "garbage,c@x.example,TLS1.2,LOGIN",
      "2026-11-02T10:00:00Z,,TLS1.2,LOGIN",
      "2026-11-05T14:03:00Z,a@x.example,TLS1.2,LOGIN",
      "20/11/2026 14:03,b@x.example,TLS1.0,XOAUTH2",
      "",
    ].join("\n"));
    const run = runCli(["export", "--all", file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("2026-11-05,a@x.example,");
    expect(run.stderr).toMatch(new RegExp(`^smtp-auth-report: warning: day-first dates\\? use --date-order dmy \\(first at ${escaped(file)}:6: "20/11/2026 14:03"\\) \\| skipped 4 of 5 records; first: [^\\n]*\\n$`));
  });

  describe("dates that can only be day first beside dates that could be either, none only month first: a usage error, no output", () => {
    // A month of day-first dates: the 1st to the 12th could be either order, the 13th on only day first.
    const days = Array.from({ length: 30 }, (_, i) => `${String(i + 1).padStart(2, "0")}/11/2026 08:00,printer@x.example,TLS1.0,LOGIN`);
    const rows = [...days, ...Array.from({ length: 40 }, (_, i) => `2026-11-${String(1 + (i % 30)).padStart(2, "0")}T09:00:00Z,s${i}@x.example,TLS1.2,LOGIN`)];
    const file = put(folder, "november.csv", `${HEADER}\n${rows.join("\n")}\n`);
    for (const [name, env] of Object.entries(READINGS)) {
      it(`${name}: exit 2 naming the first day-first date and how many were read month first; -o keeps the previous file`, () => {
        const output = put(folder, `previous-${name}.csv`, "the previous report\n");
        const run = runCli(["export", "--all", file, "-o", output, "--fail-on", "legacy-tls"], { env });
        expect(run.stderr).toBe(`smtp-auth-report: ${file}:14: '13/11/2026 08:00' can only be day first, and 11 other slash dates were read month first: give --date-order dmy (or --date-order mdy to read them so)\n`);
        expect(run.code).toBe(2);
        expect(readFileSync(output, "utf8")).toBe("the previous report\n");
        const dmy = runCli(["export", "--all", file, "--date-order", "dmy"], { env });
        expect(dmy.code).toBe(0);
        expect(dmy.stdout).toContain("2026-11-01,printer@x.example,x.example,TLS1.0,basic,,1,");
        expect(dmy.stdout).toContain("2026-11-30,printer@x.example,x.example,TLS1.0,basic,,1,");
        // As the message says, mdy reads the either-order ones month first and skips the rest.
        const mdy = runCli(["export", "--all", file, "--date-order", "mdy"], { env });
        expect(mdy.code).toBe(0);
        expect(mdy.stdout).toContain("2026-01-11,printer@x.example,");
        expect(mdy.stderr).toMatch(/^smtp-auth-report: warning: skipped 18 of 70 records; first: /);
      });
    }

    it("a placeholder date outside the years read (31/12/9999) and a date the same either way (11/11) are no evidence of the order (review 11)", () => {
      const us = put(folder, "us-placeholder.csv", `${HEADER}\n${Array.from({ length: 12 }, (_, i) => `${i + 1}/5/2026 2:00 PM,printer@x.example,TLS1.0,LOGIN`).join("\n")}\n31/12/9999 12:00 AM,never@x.example,TLS1.2,LOGIN\n`);
      const run = runCli(["export", "--all", us]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("2026-12-05,printer@x.example,");
      expect(run.stderr).toContain(`skipped 1 of 13 records; first: ${us}:14: timestamp "31/12/9999 12:00 AM" dated 9999, outside 2000-2099`);
      const same = put(folder, "same-day-month.csv", `${HEADER}\n11/11/2026 08:00,a@x.example,TLS1.2,LOGIN\n13/11/2026 08:00,b@x.example,TLS1.2,LOGIN\n`);
      const both = runCli(["export", "--all", same]);
      expect(both.code).toBe(0);
      expect(both.stdout).toContain("2026-11-11,a@x.example,");
    });

    it("one month-first-only date settles the order: read month first as before, the day-first ones skipped", () => {
      const told = put(folder, "told-mdy.csv", `${HEADER}\n${days.join("\n")}\n11/20/2026 08:00,us@x.example,TLS1.2,LOGIN\n`);
      const run = runCli(["export", "--all", told]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("2026-01-11,printer@x.example,");
      expect(run.stdout).toContain("2026-11-20,us@x.example,");
      expect(run.stderr).toBe(`smtp-auth-report: warning: skipped 18 of 31 records; first: ${[13, 14, 15].map((day) => `${told}:${day + 1}: timestamp "${day}/11/2026 08:00" not understood: day-first dates? use --date-order dmy`).join("; ")}\n`);
    });
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

  describe("--date-order dmy with a date that can only be month first", () => {
    const file = put(folder, "us-with-dmy.csv", `${HEADER}\n${Array.from({ length: 30 }, (_, i) => `${String(1 + (i % 12)).padStart(2, "0")}/11/2026 08:00,s${i}@x.example,TLS1.2,LOGIN`).join("\n")}\n11/16/2026 12:04:04 AM,us@x.example,TLS1.2,LOGIN\n`);
    for (const [name, env] of Object.entries(READINGS)) {
      it(`${name}: the skip says it is month first and --date-order dmy was given, not to use its own format`, () => {
        const run = runCli(["export", "--all", file, "--date-order", "dmy"], { env });
        expect(run.code).toBe(0);
        expect(run.stdout).toContain("2026-11-01,s0@x.example,");
        expect(run.stderr).toBe(`smtp-auth-report: warning: skipped 1 of 31 records; first: ${file}:32: timestamp "11/16/2026 12:04:04 AM" not understood: month first (M/D/YYYY h:mm AM/PM), but --date-order dmy was given\n`);
      });
    }
  });
});
