// Views at scale: 100,000 distinct senders render in seconds (tables are drawn in time linear in their
// rows), a table longer than a screen shows its top rows and says how many more there are.
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { put, runCli, scratch } from "../helpers.js";

const SENDERS = 100_000;
const TLS = ["TLS1.0", "TLS1.2", "TLS1.3", "none"];

/** One submission for each of 100,000 senders over a week, each with its own address. */
function manySenders(): string {
  const rows = ["timestamp,sender,tls,auth,client_ip"];
  for (let i = 0; i < SENDERS; i++) {
    const at = new Date(Date.UTC(2026, 10, 16 + (i % 7), i % 24, i % 60)).toISOString();
    rows.push(`${at},dev-${i}@site${i % 40}.example,${TLS[i % 4]},${i % 2 === 0 ? "LOGIN" : "XOAUTH2"},10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
  }
  return `${rows.join("\n")}\n`;
}

describe("views of 100,000 senders", () => {
  const file = put(scratch(), "senders.csv", manySenders());

  for (const view of ["volume", "tls", "auth"]) {
    it(`${view} --details finishes in seconds and shows a screen's worth, then how many more`, () => {
      const started = performance.now();
      const run = runCli([view, file, "--details", "--width", "120"]);
      const seconds = (performance.now() - started) / 1000;
      expect(run.code).toBe(0);
      expect(seconds).toBeLessThan(30);
      expect(run.stdout).toContain(`… and ${(SENDERS - 50).toLocaleString("en-US")} more rows (--top, or --format csv for all)`);
      expect(run.stdout).toContain("total (100,000)");
      for (const line of run.stdout.split("\n")) expect([...line].length).toBeLessThanOrEqual(120);
    });
  }

  it("draws every row when --top asks for them all, in time linear in the rows", () => {
    const started = performance.now();
    const run = runCli(["tls", file, "--details", "--top", String(SENDERS), "--width", "120"]);
    const seconds = (performance.now() - started) / 1000;
    expect(run.code).toBe(0);
    expect(seconds).toBeLessThan(30);
    expect(run.stdout.split("\n").filter((l) => l.includes("@site")).length).toBe(SENDERS);
  });

  it("a terminal shows as many rows as fit its height (LINES)", () => {
    const run = runCli(["volume", file, "--details", "--width", "100"], { env: { LINES: "30" } });
    expect(run.stdout.split("\n").filter((l) => l.includes("@site")).length).toBe(20);
    expect(run.stdout).toContain(`… and ${(SENDERS - 20).toLocaleString("en-US")} more rows`);
  });

  it("the report carries at most 2,000 rows a table, says how many it left out, and stays a few MB", () => {
    const page = join(scratch(), "report.html");
    const run = runCli(["report", file, "-o", page]);
    expect(run.code).toBe(0);
    const html = readFileSync(page, "utf8");
    expect(html).toContain(`The page carries the first 2,000 of ${SENDERS.toLocaleString("en-US")} rows`);
    expect(html.match(/dev-\d+@site/g)!.length).toBeLessThan(4 * 2_000 * 3);
    expect(statSync(page).size).toBeLessThan(8 * 1024 * 1024);
  });
});
