import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, runCli, scratch } from "../helpers.js";

const LOG = join(FIXTURES, "postfix", "maillog");
// The fixture's failed logins in its last seven days, and those from one address among them.
const ALL = 90;
const FROM_ONE = 12;

const failedLogins = (args: string[]): number => (JSON.parse(runCli(["summary", LOG, "--format", "json", ...args]).stdout) as { failed_logins: number }).failed_logins;

describe("failed logins and the filters", () => {
  it("--client-ip applies to them: text, JSON and the report count only that address", () => {
    expect(failedLogins([])).toBe(ALL);
    expect(failedLogins(["--client-ip", "203.0.113.18"])).toBe(FROM_ONE);
    expect(failedLogins(["--client-ip", "10.0.0.0/8"])).toBe(0);
    const text = runCli(["summary", LOG, "--client-ip", "203.0.113.18", "--width", "100"]);
    expect(text.stdout).toMatch(/Failed logins +12 +from 1 client address\n/);
    expect(text.stdout).not.toContain("do not apply");
    const page = join(scratch(), "r.html");
    expect(runCli(["report", LOG, "--client-ip", "203.0.113.18", "-o", page]).code).toBe(0);
    expect(readFileSync(page, "utf8")).toContain("Failed logins by client address: 12 from 1 address");
  });

  it("--domain, --sender, --tls and --auth do not: the figure is the whole range's, and a note beside it says so", () => {
    expect(failedLogins(["--sender", "nobody*", "--tls", "legacy"])).toBe(ALL);
    const text = runCli(["summary", LOG, "--sender", "nobody*", "--width", "100"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("  No submissions in this range with these filters.\n\n  Failed logins  90  from 23 client addresses\n    --sender does not apply to failed logins (they have a client address only; --client-ip applies).\n");
    const several = runCli(["summary", LOG, "--tls", "legacy", "--auth", "basic", "--domain", "northwind.example", "--width", "100"]);
    expect(several.stdout.replace(/\n\s+/g, " ")).toMatch(/Failed logins +90 from 23 client addresses; --domain, --tls and --auth do not apply to failed logins \(they have a client address only; --client-ip applies\)/);
    // JSON stays as the SPEC has it (its filters say what was asked).
    const json = JSON.parse(runCli(["summary", LOG, "--format", "json", "--sender", "nobody*"]).stdout) as Record<string, unknown>;
    expect(Object.keys(json)).not.toContain("failed_logins_note");
    const page = join(scratch(), "r.html");
    expect(runCli(["report", LOG, "--auth", "basic", "-o", page]).code).toBe(0);
    const html = readFileSync(page, "utf8");
    expect(html).toContain('<div class="why">--auth does not apply to failed logins (they have a client address only; --client-ip applies)</div>');
    expect(html).toContain("--auth does not apply to failed logins (they have a client address only; --client-ip applies).</p>");
  });
});
