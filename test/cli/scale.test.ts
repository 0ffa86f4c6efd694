// Views at scale: 100,000 distinct senders render in seconds (tables are drawn in time linear in their
// rows), a table longer than a screen shows its top rows and says how many more there are; every
// command and format finishes within SECONDS, and the report stays under REPORT_BYTES.
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { put, runCli, scratch } from "../helpers.js";

const SENDERS = 100_000;
const TLS = ["TLS1.0", "TLS1.2", "TLS1.3", "none"];
// Each run of a command on the 100,000 senders: 1.4-6.4 s on an idle 2-core machine (the report is
// the slowest); the bound leaves room for a CI machine running other suites at the same time.
const SECONDS = 30;
const REPORT_BYTES = 8 * 1024 * 1024;

/**
 * One submission for each of 100,000 senders over a week (the default range), each with its own
 * address; half of them sent in the week before too (on Basic auth, some on another TLS version), the
 * window `--compare previous` reads.
 */
function manySenders(): string {
  const rows = ["timestamp,sender,tls,auth,client_ip"];
  for (let i = 0; i < SENDERS; i++) {
    const at = new Date(Date.UTC(2026, 10, 16 + (i % 7), i % 24, i % 60)).toISOString();
    const address = `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`;
    rows.push(`${at},dev-${i}@site${i % 40}.example,${TLS[i % 4]},${i % 2 === 0 ? "LOGIN" : "XOAUTH2"},${address}`);
    if (i % 2 === 0) {
      const before = new Date(Date.UTC(2026, 10, 9 + (i % 7), i % 24, i % 60)).toISOString();
      rows.push(`${before},dev-${i}@site${i % 40}.example,${TLS[(i >> 1) % 4]},LOGIN,${address}`);
    }
  }
  return `${rows.join("\n")}\n`;
}

/** Runs the command, which must succeed (or exit 3 where --fail-on finds use) within SECONDS. */
function timed(args: string[], code = 0): ReturnType<typeof runCli> {
  const started = performance.now();
  const run = runCli(args);
  const seconds = (performance.now() - started) / 1000;
  expect(run.code, `${args.join(" ")}: ${run.stderr}`).toBe(code);
  expect(seconds, args.join(" ")).toBeLessThan(SECONDS);
  return run;
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
    expect(statSync(page).size).toBeLessThan(REPORT_BYTES);
  });

  it(`summary, as text and JSON, alone and against the previous week, each within ${SECONDS} s`, () => {
    expect(timed(["summary", file]).stdout).toMatch(/Senders using SMTP AUTH +100,000/);
    expect(JSON.parse(timed(["summary", file, "--format", "json"]).stdout).senders).toBe(SENDERS);
    expect(timed(["summary", file, "--compare", "previous"]).stdout).toContain("Compared with 2026-11-09 to 2026-11-15");
    const json = JSON.parse(timed(["summary", file, "--compare", "previous", "--format", "json"]).stdout);
    expect(json.senders).toBe(SENDERS);
    expect(json).toHaveProperty("compare");
    timed(["summary", file, "--fail-on", "new"], 3);
  });

  for (const view of ["volume", "tls", "auth"]) {
    it(`${view} as chart, table, CSV and JSON, in periods and by sender, each within ${SECONDS} s`, () => {
      expect(timed([view, file, "--width", "100"]).stdout).not.toBe("");
      expect(timed([view, file, "--format", "table", "--width", "100"]).stdout).toContain("2026-11-16");
      expect(timed([view, file, "--format", "csv"]).stdout.split("\n")[0]).toMatch(/^period,/);
      expect(JSON.parse(timed([view, file, "--format", "json"]).stdout)).toHaveProperty("rows");
      // By sender, CSV and JSON carry every sender.
      expect(timed([view, file, "--details", "--format", "csv"]).stdout.trimEnd().split("\n").length).toBe(SENDERS + 1);
      expect(JSON.parse(timed([view, file, "--details", "--format", "json"]).stdout).rows.length).toBe(SENDERS);
    });
  }

  it(`export as CSV (to a pipe and to a file, the same bytes) and JSONL, each within ${SECONDS} s`, () => {
    const piped = timed(["export", file]).stdout;
    expect(piped.trimEnd().split("\n").length).toBe(SENDERS + 1);
    const saved = join(scratch(), "export.csv");
    timed(["export", file, "-o", saved]);
    expect(readFileSync(saved, "utf8")).toBe(piped);
    const jsonl = timed(["export", file, "--format", "jsonl"]).stdout.trimEnd().split("\n");
    expect(jsonl.length).toBe(SENDERS);
    expect(JSON.parse(jsonl[0]!)).toHaveProperty("sender");
  });

  it(`the report against the previous week within ${SECONDS} s, under ${REPORT_BYTES / 1024 / 1024} MB`, () => {
    const page = join(scratch(), "compared.html");
    timed(["report", file, "--compare", "previous", "-o", page]);
    expect(readFileSync(page, "utf8")).toContain("</html>");
    expect(statSync(page).size).toBeLessThan(REPORT_BYTES);
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
