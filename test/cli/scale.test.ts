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
    expect(html.replace(/<[^>]+>/g, "")).toContain(`The page carries the first 2,000 of ${SENDERS.toLocaleString("en-US")} rows`);
    expect(html.match(/dev-\d+@site/g)!.length).toBeLessThan(4 * 2_000 * 3);
    expect(statSync(page).size).toBeLessThan(8 * 1024 * 1024);
  });

  it("the report at its controls' cap (50,000 groups) carries every group to recount from, and stays a few MB", () => {
    // 10,000 senders on five days, one address each: 50,000 groups of (day, sender, address, TLS, auth).
    const rows = ["timestamp,sender,tls,auth,client_ip"];
    for (let i = 0; i < 50_000; i++) {
      const s = i % 10_000;
      rows.push(`2026-11-${16 + Math.floor(i / 10_000)}T${String(i % 24).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}:17Z,dev-${s}@site${s % 40}.example,${TLS[s % 4]},${s % 2 ? "LOGIN" : "XOAUTH2"},10.0.${s >> 8}.${s & 255}`);
    }
    const folder = scratch();
    const page = join(folder, "capped.html");
    expect(runCli(["report", put(folder, "cap.csv", `${rows.join("\n")}\n`), "-o", page]).code).toBe(0);
    const html = readFileSync(page, "utf8");
    const data = JSON.parse(/<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)![1]!) as { cube: { rows: number[] } | null };
    expect(data.cube!.rows.length).toBe(50_000 * 8);
    expect(html).not.toContain("These controls are off");
    // 4.2 MB when measured (the groups 2.1 MB of it).
    expect(statSync(page).size).toBeLessThan(6 * 1024 * 1024);
  });
});
