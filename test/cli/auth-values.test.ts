import { describe, expect, it } from "vitest";
import { put, runCli, scratch } from "../helpers.js";

const NAMES = "Basic is LOGIN, PLAIN, CRAM-MD5, DIGEST-MD5, NTLM or Basic; OAuth is XOAUTH2, OAUTHBEARER or OAuth";

describe("auth values the SPEC does not list", () => {
  const folder = scratch();
  const rows = [
    "2026-11-20T10:00:00Z,a@x.example,TLS1.2,Password",
    "2026-11-20T11:00:00Z,b@x.example,TLS1.2,SCRAM-SHA-256",
    "2026-11-20T12:00:00Z,a@x.example,TLS1.2,Password",
    "2026-11-20T13:00:00Z,c@x.example,TLS1.2,GSSAPI",
    "2026-11-21T13:00:00Z,d@x.example,TLS1.2,Kerberos",
    "2026-11-21T14:00:00Z,e@x.example,TLS1.2,unknown",
    "2026-11-21T15:00:00Z,e@x.example,TLS1.2,",
  ];
  const csv = put(folder, "auth.csv", `timestamp,sender,tls,auth\n${rows.join("\n")}\n`);

  it("are counted as unknown in the warning, the first few distinct ones named with where; empty and `unknown` are not", () => {
    const warning = `smtp-auth-report: warning: 5 auth values not recognised, counted as unknown: "Password" (${csv}:2), "SCRAM-SHA-256" (${csv}:3), "GSSAPI" (${csv}:5); ${NAMES}\n`;
    for (const env of [{}, { SMTP_AUTH_REPORT_PLAIN: "1" }]) {
      const run = runCli(["export", csv], { env });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("2026-11-20,a@x.example,x.example,TLS1.2,unknown,,2,");
      expect(run.stderr).toBe(warning);
    }
    // JSONL is read the same way.
    const jsonl = put(folder, "auth.jsonl", `${rows.map((r) => {
      const [timestamp, sender, tls, auth] = r.split(",");
      return JSON.stringify({ timestamp, sender, tls, auth });
    }).join("\n")}\n`);
    expect(runCli(["export", jsonl]).stderr).toBe(`smtp-auth-report: warning: 5 auth values not recognised, counted as unknown: "Password" (${jsonl}:1), "SCRAM-SHA-256" (${jsonl}:2), "GSSAPI" (${jsonl}:4); ${NAMES}\n`);
  });

  it("summary's n/a names them instead of saying the column holds no mechanism", () => {
    const text = runCli(["summary", csv, "--width", "200"]);
    expect(text.code).toBe(0);
    // The reason wraps under the figure: compared with its line breaks as spaces.
    expect(text.stdout.replace(/\s+/g, " ")).toContain(` Senders on Basic auth n/a every submission in the range has auth unknown: its auth values are not recognised ("Password", "SCRAM-SHA-256", "GSSAPI"); ${NAMES} `);
    expect(text.stdout).not.toContain("holds no mechanism");
    const json = JSON.parse(runCli(["summary", csv, "--format", "json"]).stdout) as { basic_auth_senders: unknown };
    expect(json.basic_auth_senders).toBeNull();
    const failOn = runCli(["summary", csv, "--fail-on", "basic-auth", "--quiet"]);
    expect(failOn.code).toBe(1);
    expect(failOn.stderr).toContain(`its auth values are not recognised ("Password", "SCRAM-SHA-256", "GSSAPI")`);
  });

  it("a file read in two parts names each value once, with its line in the whole file", () => {
    const filler = Array.from({ length: 300 }, (_, i) => `2026-11-20T09:00:00Z,s${i}@x.example,TLS1.2,LOGIN`);
    const file = put(folder, "split.csv", `timestamp,sender,tls,auth\n${filler.join("\n")}\n2026-11-20T10:00:00Z,z@x.example,TLS1.2,Password\n2026-11-20T10:00:00Z,y@x.example,TLS1.2,Password\n`);
    const run = runCli(["export", file], { env: { SMTP_AUTH_REPORT_SPLIT_BYTES: "1000" } });
    expect(run.stderr).toBe(`smtp-auth-report: warning: 2 auth values not recognised, counted as unknown: "Password" (${file}:302); ${NAMES}\n`);
  });

  it("likewise for TLS: summary's n/a names the spellings not recognised instead of saying the column holds no version", () => {
    const file = put(folder, "tls.csv", "timestamp,sender,tls,auth\n2026-11-20T10:00:00Z,a@x.example,high,LOGIN\n2026-11-20T11:00:00Z,b@x.example,high,LOGIN\n2026-11-20T12:00:00Z,c@x.example,TLS 9,LOGIN\n");
    const text = runCli(["summary", file, "--width", "200"]);
    expect(text.stdout.replace(/\s+/g, " ")).toContain(' Senders on legacy TLS n/a every submission in the range has TLS unknown: its TLS values are not recognised ("high", "TLS 9"); versions are written as TLS1.2, TLSv1.2, TLS 1.2, 1.2 or SSLv3, and none for no TLS ');
    expect(text.stdout).not.toContain("holds no version");
  });
});
