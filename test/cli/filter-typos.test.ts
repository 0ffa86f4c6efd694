// A --domain, --sender or --client-ip value that matches no record of the input at all is most likely a
// typo: with --fail-on, where every value of that filter matches nothing, its "none found" is no
// all-clear (exit 1); beside values that match, it is said and their answer stands. One that matches records outside the
// range only is a real answer (exit 0).
import { describe, expect, it } from "vitest";
import { put, runCli, scratch } from "../helpers.js";

const folder = scratch();
// 600 rows, so that a second thread reads part of the file where asked: an old printer on 1 November
// only, the others on 20 and 21 November, all on TLS 1.2 with OAuth.
const rows = Array.from({ length: 600 }, (_, i) => {
  const sender = i < 200 ? "old-printer@fabrikam.example" : i % 2 === 0 ? "app@contoso.example" : "crm@contoso.example";
  const day = i < 200 ? "2026-11-01" : i % 3 === 0 ? "2026-11-20" : "2026-11-21";
  return `${day}T${String(8 + (i % 10)).padStart(2, "0")}:00:00Z,${sender},TLS1.2,OAuth,10.0.${i < 200 ? 9 : 0}.${i % 200}`;
});
put(folder, "trace.csv", `timestamp,sender,tls_version,auth,client_ip\n${rows.join("\n")}\n`);
const RANGE = ["--from", "2026-11-15", "--to", "2026-11-21"];

// The same answers on every reading path: the byte fast paths, the plain path, a file read by two threads.
const PATHS: Record<string, Record<string, string>> = {
  fast: { SMTP_AUTH_REPORT_THREADS: "1" },
  plain: { SMTP_AUTH_REPORT_PLAIN: "1", SMTP_AUTH_REPORT_THREADS: "1" },
  threads: { SMTP_AUTH_REPORT_SPLIT_BYTES: "4096" },
};

describe.each(Object.entries(PATHS))("--fail-on with a filter that matches nothing (%s)", (_path, env) => {
  const run = (args: string[]) => runCli(["summary", "trace.csv", ...RANGE, "--fail-on", "legacy-tls", "--quiet", ...args], { cwd: folder, env });

  it("a mistyped --domain, --sender or --client-ip cannot be decided: exit 1 naming it", () => {
    const domain = run(["--domain", "contoso.exmaple"]);
    expect(domain.code).toBe(1);
    expect(domain.stderr).toBe("smtp-auth-report: --fail-on legacy-tls: cannot decide: --domain contoso.exmaple matches no record of the input (a typo?)\n");
    const sender = run(["--sender", "ap@contoso.example"]);
    expect(sender.code).toBe(1);
    expect(sender.stderr).toBe("smtp-auth-report: --fail-on legacy-tls: cannot decide: --sender ap@contoso.example matches no record of the input (a typo?)\n");
    const ip = run(["--client-ip", "10.1.0.0/16"]);
    expect(ip.code).toBe(1);
    expect(ip.stderr).toBe("smtp-auth-report: --fail-on legacy-tls: cannot decide: --client-ip 10.1.0.0/16 matches no record of the input (a typo?)\n");
  });

  it("one value of a watch list that matches nothing beside others that do: the others' answer stands, the value is said even with --quiet", () => {
    const watch = run(["--domain", "contoso.example,northwind.example"]);
    expect(watch.code).toBe(0);
    expect(watch.stderr).toMatch(/^smtp-auth-report: --fail-on legacy-tls: none found: .*; --domain northwind\.example matches no record of the input \(a typo\?\)\n$/);
    const sender = run(["--sender", "ap@contoso.example,crm@*"]);
    expect(sender.code).toBe(0);
    expect(sender.stderr).toContain("--sender ap@contoso.example matches no record of the input (a typo?)");
    // Named after any verdict (review 12: it went unsaid where use was found).
    put(folder, "basic.csv", "timestamp,sender,tls_version,auth\n2026-11-20T10:00:00Z,app@contoso.example,TLS1.2,LOGIN\n");
    const found = runCli(["summary", "basic.csv", ...RANGE, "--fail-on", "basic-auth", "--quiet", "--domain", "contoso.example,northwind.example"], { cwd: folder, env });
    expect(found.code).toBe(3);
    expect(found.stderr).toContain("--domain northwind.example matches no record of the input (a typo?)");
  });

  it("a value that matches records outside the range only is an answer: exit 0", () => {
    const old = run(["--domain", "fabrikam.example"]);
    expect(old.code).toBe(0);
    expect(run(["--sender", "old-printer@*"]).code).toBe(0);
    expect(run(["--client-ip", "10.0.9.0/24"]).code).toBe(0);
    expect(run(["--domain", "contoso.example"]).code).toBe(0);
  });
});
