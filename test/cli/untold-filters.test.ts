// SPEC "What the data cannot tell": whether the input tells TLS or auth is judged before --tls and
// --auth narrow it. An --auth basic of an input without auth is n/a (null, exit 1 under --fail-on),
// never "0 senders on Basic auth" because the filter left nothing.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, put, runCli, scratch } from "../helpers.js";

const folder = scratch();
const RELAY = join(FIXTURES, "relay-export.csv");
const AUTH_WHY = "every submission in the range has auth unknown: no auth column, or it holds no mechanism; name one with --map auth=COLUMN";
const TLS_WHY = "every submission in the range has TLS unknown: no TLS column, or it holds no version; name one with --map tls_version=COLUMN";
// A message trace without TLS or auth columns.
const noInfo = put(folder, "trace.csv", "timestamp,sender\n2026-11-01T10:00:00Z,printer@a.example\n2026-11-02T10:00:00Z,app@a.example\n");

describe("--tls and --auth on an input that cannot tell them", () => {
  it("--auth basic --fail-on basic-auth on an export without auth: n/a with the reason, null, exit 1, as without the filter", () => {
    for (const filter of [[], ["--auth", "basic"]]) {
      const run = runCli(["summary", RELAY, ...filter, "--fail-on", "basic-auth", "--format", "json"]);
      expect(run.code).toBe(1);
      expect(JSON.parse(run.stdout).basic_auth_senders).toBeNull();
      expect(run.stderr).toContain(`--fail-on basic-auth: cannot decide: Basic auth cannot be told (${AUTH_WHY})`);
    }
    const text = runCli(["summary", RELAY, "--auth", "basic", "--width", "200"]);
    expect(text.stdout).toContain(`  No submissions in this range with these filters.\n\n  Senders on Basic auth  n/a  ${AUTH_WHY}\n`);
    expect(text.stdout).not.toMatch(/Senders on Basic auth +0/);
    const page = join(folder, "relay-basic.html");
    expect(runCli(["report", RELAY, "--auth", "basic", "-o", page]).code).toBe(0);
    expect(readFileSync(page, "utf8")).toContain(`<div class="value">n/a</div><div class="label">Senders on Basic auth</div><div class="why">${AUTH_WHY}</div>`);
  });

  it("--tls legacy --fail-on legacy-tls on a trace without TLS or auth: both n/a, exit 1", () => {
    const run = runCli(["summary", noInfo, "--tls", "legacy", "--fail-on", "legacy-tls", "--format", "json"]);
    expect(run.code).toBe(1);
    const doc = JSON.parse(run.stdout);
    expect([doc.legacy_tls_senders, doc.basic_auth_senders]).toEqual([null, null]);
    expect(run.stderr).toContain(`--fail-on legacy-tls: cannot decide: legacy TLS cannot be told (${TLS_WHY})`);
    const text = runCli(["summary", noInfo, "--tls", "legacy", "--width", "80"]).stdout;
    expect(text).toContain([
      "  No submissions in this range with these filters.",
      "",
      "  Senders on legacy TLS  n/a",
      "    every submission in the range has TLS unknown: no TLS column, or it holds no",
      "    version; name one with --map tls_version=COLUMN",
      "  Senders on Basic auth  n/a",
      "    every submission in the range has auth unknown: no auth column, or it holds",
      "    no mechanism; name one with --map auth=COLUMN",
    ].join("\n"));
  });

  it("a filter on a dimension the input tells still counts: --tls legacy on the sample keeps its figures", () => {
    const doc = JSON.parse(runCli(["summary", join(FIXTURES, "submissions.csv"), "--tls", "legacy", "--format", "json"]).stdout);
    expect([doc.legacy_tls_senders, doc.basic_auth_senders]).toEqual([5, 5]);
    const run = runCli(["summary", RELAY, "--tls", "TLS1.3", "--fail-on", "legacy-tls"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("--fail-on legacy-tls: none found");
  });
});
