import { describe, expect, it } from "vitest";
import { put, runCli, scratch } from "../helpers.js";

// A submission every three hours from 2026-11-10 to 2026-11-27T09:00Z.
function spanCsv(): string {
  const lines = ["timestamp,sender,tls_version,auth"];
  for (let t = Date.UTC(2026, 10, 10); t <= Date.UTC(2026, 10, 27, 9); t += 3 * 3_600_000) {
    lines.push(`${new Date(t).toISOString()},scan@corp.example,TLS1.0,LOGIN`);
  }
  return `${lines.join("\n")}\n`;
}

const NOW = { SMTP_AUTH_REPORT_NOW: "2026-11-27T10:00:00Z" };

function rangeOf(args: string[], file: string): { from: string; to: string } {
  const run = runCli(["summary", file, "--format", "json", ...args], { env: NOW });
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout).range;
}

describe("the default --from (SPEC: six days before the newest record's day)", () => {
  const file = put(scratch(), "span.csv", spanCsv());

  it("is counted from the newest submission, not from a --to that is given", () => {
    expect(rangeOf(["--to", "2026-11-25T12:00:00Z"], file)).toMatchObject({ from: "2026-11-21T00:00:00Z", to: "2026-11-25T12:00:00Z" });
    expect(rangeOf(["--to", "yesterday"], file)).toMatchObject({ from: "2026-11-21T00:00:00Z", to: "2026-11-27T00:00:00Z" });
    expect(rangeOf(["--to", "-12h"], file)).toMatchObject({ from: "2026-11-21T00:00:00Z", to: "2026-11-26T22:00:00Z" });
    expect(rangeOf([], file)).toMatchObject({ from: "2026-11-21T00:00:00Z", to: "2026-11-28T00:00:00Z" });
  });

  it("makes a --to before it a usage error that says what to give", () => {
    const run = runCli(["summary", file, "--to", "2026-11-15"], { env: NOW });
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      "smtp-auth-report: --to 2026-11-15 is before the default --from, 2026-11-21 (six days before the input's newest submission, 2026-11-27): the range would be empty; give --from as well",
    );
    expect(run.stdout).toBe("");
  });
});

describe("failed logins are not submissions: they do not move the default range", () => {
  // One authenticated arrival on 2026-11-20, a failed login on 2026-11-26 (Exim's main log).
  const exim = [
    "2026-11-20 09:00:00 1vAbCd-000001-AB <= scan@corp.example H=(scan) [192.0.2.10] P=esmtpsa X=TLS1.0:ECDHE-RSA-AES256-SHA:256 CV=no A=login:scan@corp.example S=1200",
    "2026-11-26 23:00:00 login authenticator failed for (x) [198.51.100.7]: 535 Incorrect authentication data (set_id=admin)",
  ].join("\n");
  const file = put(scratch(), "mainlog", `${exim}\n`);

  it("ends the default range with the newest submission's day", () => {
    const range = rangeOf([], file);
    expect(range).toMatchObject({ from: "2026-11-14T00:00:00Z", to: "2026-11-21T00:00:00Z" });
  });

  it("--all still covers every dated line, the failed login included", () => {
    const run = runCli(["summary", file, "--all", "--format", "json"], { env: NOW });
    const summary = JSON.parse(run.stdout);
    expect(summary.range).toMatchObject({ from: "2026-11-20T00:00:00Z", to: "2026-11-27T00:00:00Z" });
    expect(summary.failed_logins).toBe(1);
  });

  it("a log of failed logins alone is dated by them", () => {
    const only = put(scratch(), "mainlog", `${exim.split("\n")[1]}\n`);
    const run = runCli(["summary", only, "--format", "json"], { env: NOW });
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.range).toMatchObject({ from: "2026-11-20T00:00:00Z", to: "2026-11-27T00:00:00Z" });
    expect(summary.failed_logins).toBe(1);
  });
});

describe("the range as JSON says it", () => {
  const file = put(scratch(), "span.csv", spanCsv());

  it("keeps a bound's fraction of a second, and names the zone as the zone database spells it", () => {
    const run = runCli(["volume", file, "--format", "json", "--tz", "europe/berlin", "--from", "2026-11-20T09:00:00Z", "--to", "2026-11-20T12:00:00.500Z"], { env: NOW });
    expect(JSON.parse(run.stdout).range).toEqual({ from: "2026-11-20T09:00:00Z", to: "2026-11-20T12:00:00.500Z", timezone: "Europe/Berlin" });
    // Only the case is Intl's: a current name is not swapped for an older alias (Intl says Asia/Calcutta, Europe/Kiev).
    for (const zone of ["Asia/Kolkata", "Europe/Kyiv"]) {
      expect(JSON.parse(runCli(["volume", file, "--format", "json", "--tz", zone], { env: NOW }).stdout).range.timezone).toBe(zone);
    }
  });
});
