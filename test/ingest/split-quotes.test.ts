import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runCli, scratch } from "../helpers.js";

describe("a CSV read by two threads is never split inside a quoted field (#15 item 3)", () => {
  const folder = scratch();

  it("26 MB, no quote in the first MiB, 40 line ends in a quoted field across the middle: as one thread", () => {
    const row = (i: number): string => `2026-11-${String(10 + (i % 10)).padStart(2, "0")}T10:${String(i % 60).padStart(2, "0")}:00Z,device-${i % 500}@a.example,TLS1.2,\n`;
    const half: string[] = [];
    let size = 0;
    for (let i = 0; size < 13_000_000; i++) {
      const line = row(i);
      half.push(line);
      size += line.length;
    }
    const inside = Array.from({ length: 40 }, (_, i) => `2026-11-15T10:00:00Z,inject${i}@evil.example,TLS1.0,x`).join("\n");
    const path = join(folder, "quoted-middle.csv");
    // The quoted field starts a little before the middle, so the split line falls inside it.
    writeFileSync(path, `timestamp,sender,tls_version,note\n${half.join("")}2026-11-15T10:00:00Z,note@a.example,TLS1.2,"${inside}"\n${half.join("")}`);
    const two = runCli(["export", path, "--all"]);
    const one = runCli(["export", path, "--all"], { env: { SMTP_AUTH_REPORT_THREADS: "1" } });
    expect(two.code).toBe(0);
    expect(two.stdout).not.toContain("evil.example");
    expect(two.stderr).toBe(one.stderr);
    expect(two.stdout).toBe(one.stdout);
    const total = (csv: string): number => csv.trimEnd().split("\n").slice(1).reduce((n, l) => n + Number(l.split(",")[6]), 0);
    expect(total(two.stdout)).toBe(2 * half.length + 1);
  });

  it("on random quoted files, split at any line, one thread and two give the same output", () => {
    const plain = fc.stringMatching(/^[a-z0-9 .@]{0,8}$/);
    // Notes with what makes quoting hard: line ends, doubled quotes, delimiters, and now and then a
    // quote that is never closed or one inside an unquoted field.
    const note = fc.oneof(
      { weight: 4, arbitrary: plain },
      { weight: 4, arbitrary: fc.array(fc.stringMatching(/^[a-z0-9 ,@"]{0,10}$/), { minLength: 1, maxLength: 6 }).map((lines) => `"${lines.join("\n").replace(/"/g, '""')}"`) },
      { weight: 1, arbitrary: plain.map((text) => `"${text}`) },
      { weight: 1, arbitrary: plain.map((text) => `a"${text}`) },
    );
    const record = fc.record({ day: fc.integer({ min: 1, max: 28 }), device: fc.integer({ min: 0, max: 30 }), tls: fc.constantFrom("TLS1.0", "TLS1.2", "none"), note });
    fc.assert(
      fc.property(fc.array(record, { minLength: 20, maxLength: 400 }), (records) => {
        const rows = records.map((r) => `2026-10-${String(r.day).padStart(2, "0")}T08:00:00Z,dev-${r.device}@b.example,${r.tls},${r.note}`);
        const path = join(folder, "random.csv");
        writeFileSync(path, `timestamp,sender,tls_version,note\n${rows.join("\n")}\n`);
        const args = ["export", path, "--all"];
        const two = runCli(args, { env: { SMTP_AUTH_REPORT_SPLIT_BYTES: "1" } });
        const one = runCli(args, { env: { SMTP_AUTH_REPORT_THREADS: "1" } });
        expect(two.code).toBe(one.code);
        expect(two.stderr).toBe(one.stderr);
        expect(two.stdout).toBe(one.stdout);
      }),
      { numRuns: 12, seed: 15 },
    );
  });
});
