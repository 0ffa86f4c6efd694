// What a comparison is judged on: every message of each sender in each window (--tls and --auth choose
// who is listed, not what a sender's status is judged on), and an input that begins inside the earlier
// window is said, since `new` and the before figures then cover only part of it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { put, runCli, scratch } from "../helpers.js";

const folder = scratch();
// 9-15 November is the earlier window of the default range, 16-22.
const days = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => `2026-11-${from + i}T10:00:00Z`);
const rowsOf = (sender: string, tls: string, auth: string, when: string[]): string[] => when.map((t) => `${t},${sender},${tls},${auth},10.0.0.1`);
const BEFORE = days(9, 15);
const AFTER = days(16, 22);
const migration = put(folder, "migration.csv", `${[
  "timestamp,sender,tls,auth,client_ip",
  ...rowsOf("fixed@a.example", "TLS1.0", "LOGIN", BEFORE), ...rowsOf("fixed@a.example", "TLS1.2", "XOAUTH2", AFTER),
  ...rowsOf("tls-fixed@a.example", "TLS1.0", "XOAUTH2", BEFORE), ...rowsOf("tls-fixed@a.example", "TLS1.3", "XOAUTH2", AFTER),
  // Moved to OAuth, but some messages now say no auth: not shown fixed.
  ...rowsOf("partial@a.example", "TLS1.2", "LOGIN", BEFORE), ...rowsOf("partial@a.example", "TLS1.2", "XOAUTH2", days(16, 18)), ...rowsOf("partial@a.example", "TLS1.2", "", days(19, 22)),
  ...rowsOf("regressed@a.example", "TLS1.2", "XOAUTH2", BEFORE), ...rowsOf("regressed@a.example", "TLS1.2", "PLAIN", days(20, 20)),
  ...rowsOf("quiet@a.example", "TLS1.0", "LOGIN", BEFORE),
  ...rowsOf("fine@a.example", "TLS1.2", "XOAUTH2", [...BEFORE, ...AFTER]),
].join("\n")}\n`);

type Listed = { sender: string; status: string; before: { messages: number } | null; after: { messages: number } | null };
const statuses = (args: string[]): string[] => {
  const run = runCli(["summary", migration, "--compare", "previous", "--format", "json", ...args]);
  expect(run.code, run.stderr).toBe(0);
  return (JSON.parse(run.stdout).compare.senders as Listed[]).map((s) => `${s.status} ${s.sender} ${s.before?.messages ?? "-"}/${s.after?.messages ?? "-"}`);
};

/** The rows of a page's table, as text cells, from the page as written. */
function pageRows(html: string, id: string): string[][] {
  const table = html.slice(html.indexOf(`id="${id}"`));
  const body = table.slice(table.indexOf("<tbody>"), table.indexOf("</tbody>"));
  return [...body.matchAll(/<tr[^>]*>(.*?)<\/tr>/gs)].map((tr) => [...tr[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((td) => td[1]!.replace(/<[^>]+>/g, "")));
}

describe("--compare with --tls or --auth", () => {
  it("judges each listed sender on all it sent: moved to OAuth is fixed (not quiet), Basic auth after OAuth is regressed (not new)", () => {
    expect(statuses([])).toEqual([
      "regressed regressed@a.example 7/1", "fixed fixed@a.example 7/7", "fixed tls-fixed@a.example 7/7", "quiet quiet@a.example 7/-", "still partial@a.example 7/7",
    ]);
    // --auth basic lists the senders with Basic auth in either window; their statuses stay as above.
    expect(statuses(["--auth", "basic"])).toEqual(["regressed regressed@a.example 7/1", "fixed fixed@a.example 7/7", "quiet quiet@a.example 7/-", "still partial@a.example 7/7"]);
    expect(statuses(["--tls", "legacy"])).toEqual(["fixed fixed@a.example 7/7", "fixed tls-fixed@a.example 7/7", "quiet quiet@a.example 7/-"]);
    // The filters still narrow the figures: Basic auth messages only.
    const doc = JSON.parse(runCli(["summary", migration, "--auth", "basic", "--compare", "previous", "--format", "json"]).stdout);
    expect(doc.compare.figures.messages).toEqual({ before: 21, after: 1, change: -20 });
  });

  it("gives the same when a second thread reads part of the file", () => {
    const args = ["summary", migration, "--auth", "basic", "--compare", "previous", "--format", "json"];
    const two = runCli(args, { env: { SMTP_AUTH_REPORT_SPLIT_BYTES: "1000" } });
    const one = runCli(args, { env: { SMTP_AUTH_REPORT_THREADS: "1" } });
    expect(two.stdout).toBe(one.stdout);
    expect(JSON.parse(two.stdout).compare.senders.map((s: Listed) => s.status)).toEqual(["regressed", "fixed", "quiet", "still"]);
  });

  it("the text says what statuses are judged on; --fail-on new and the page agree with it", () => {
    const text = runCli(["summary", migration, "--auth", "basic", "--compare", "previous", "--width", "120"]);
    expect(text.stdout).toContain("  fixed      fixed@a.example      TLS1.0 basic, 7 messages  TLS1.2 oauth, 7 messages\n");
    expect(text.stdout.replace(/\s+/g, " ")).toContain("Statuses, before and after are judged on all each sender sent in each window, whatever its TLS and auth; --tls and --auth choose which senders are listed.");
    expect(runCli(["summary", migration, "--compare", "previous"]).stdout).not.toContain("Statuses, before and after");
    const failOn = runCli(["summary", migration, "--auth", "basic", "--fail-on", "new"]);
    expect(failOn.code).toBe(3);
    expect(failOn.stderr).toContain("--fail-on new: 1 sender newly on legacy TLS or Basic auth since 2026-11-09 to 2026-11-15 (7 days, UTC): regressed@a.example (regressed)\n");
    expect(runCli(["summary", migration, "--tls", "legacy", "--fail-on", "new"]).code).toBe(0);
    const page = join(folder, "report.html");
    expect(runCli(["report", migration, "--auth", "basic", "--compare", "previous", "-o", page]).code).toBe(0);
    const html = readFileSync(page, "utf8");
    expect(pageRows(html, "compare-senders").map((r) => `${r[0]} ${r[1]}`)).toEqual(["regressed regressed@a.example", "fixed fixed@a.example", "quiet quiet@a.example", "still partial@a.example"]);
    expect(html).toContain("Statuses, before and after are judged on all each sender sent in each window");
  });
});

describe("--compare where the input begins inside the earlier window", () => {
  const late = put(folder, "late.csv", `${[
    "timestamp,sender,tls,auth,client_ip",
    ...rowsOf("printer@a.example", "TLS1.0", "LOGIN", days(14, 22)),
    ...rowsOf("app@a.example", "TLS1.2", "PLAIN", days(17, 22)),
  ].join("\n")}\n`);
  const NOTE = `the input's oldest submission is from 2026-11-14 10:00 UTC, inside the earlier window 2026-11-09 to 2026-11-15 (7 days, UTC): "new" and the before figures cover only part of it (a sender seen only before then reads as new)`;

  it("says so on stderr, in the text, on the page and beside --fail-on new's verdict; JSON keeps its shape", () => {
    const text = runCli(["summary", late, "--compare", "previous"]);
    expect(text.stderr).toBe(`smtp-auth-report: note: ${NOTE}\n`);
    expect(text.stdout.replace(/\s+/g, " ")).toContain(`Compared with 2026-11-09 to 2026-11-15 (7 days, UTC) Partly covered: ${NOTE}.`);
    const json = runCli(["summary", late, "--compare", "previous", "--format", "json"]);
    expect(json.stderr).toBe(`smtp-auth-report: note: ${NOTE}\n`);
    expect(Object.keys(JSON.parse(json.stdout).compare)).toEqual(["range", "figures", "senders", "unknown_senders"]);
    const failOn = runCli(["summary", late, "--fail-on", "new", "--quiet"]);
    expect(failOn.code).toBe(3);
    expect(failOn.stderr).toBe("smtp-auth-report: --fail-on new: 1 sender newly on legacy TLS or Basic auth since 2026-11-09 to 2026-11-15 (7 days, UTC): app@a.example (new); the input begins 2026-11-14 10:00 UTC, inside the earlier window: a sender seen only before then reads as new\n");
    const page = join(folder, "late.html");
    expect(runCli(["report", late, "--compare", "previous", "-o", page]).stderr).toContain(NOTE);
    expect(readFileSync(page, "utf8")).toContain(`Partly covered: ${NOTE.replace(/'/g, "&#39;").replace(/"/g, "&quot;")}.`);
  });

  it("says nothing where the input begins on the window's first day", () => {
    const run = runCli(["summary", migration, "--compare", "previous"]);
    expect(run.stderr).toBe("");
    expect(run.stdout).not.toContain("Partly covered");
    expect(runCli(["summary", migration, "--fail-on", "new"]).stderr).not.toContain("inside the earlier window");
  });
});
