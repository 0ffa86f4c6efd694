import { describe, expect, it } from "vitest";
import { put, runCli, scratch } from "../helpers.js";

const HEADER = "period,sender,domain,tls_version,auth,client_ip,messages,first_seen,last_seen";

describe("a messages count written with thousands separators", () => {
  const folder = scratch();

  it("is read as the whole number (English, German, French and Swiss grouping), fast and plain paths alike", () => {
    const file = put(folder, "counts.csv", [
      "timestamp,sender,tls,messages",
      '2026-11-20T10:00:00Z,a@x.example,TLS1.2,"1,234"',
      "2026-11-20T10:00:00Z,b@x.example,TLS1.2,1.234",
      "2026-11-20T10:00:00Z,c@x.example,TLS1.2,1 234",
      "2026-11-20T10:00:00Z,d@x.example,TLS1.2,1\u00a0234",
      "2026-11-20T10:00:00Z,e@x.example,TLS1.2,1'234",
      "2026-11-20T10:00:00Z,f@x.example,TLS1.2,12.345.678",
      "2026-11-20T10:00:00Z,g@x.example,TLS1.2,17",
      "",
    ].join("\n"));
    for (const env of [{}, { SMTP_AUTH_REPORT_PLAIN: "1" }]) {
      const run = runCli(["export", file], { env });
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      const counts = run.stdout.trimEnd().split("\n").slice(1).map((l) => l.split(",").slice(1, 2).concat(l.split(",")[6]!).join(" "));
      expect(counts).toEqual(["a@x.example 1234", "b@x.example 1234", "c@x.example 1234", "d@x.example 1234", "e@x.example 1234", "f@x.example 12345678", "g@x.example 17"]);
    }
    // A German Excel CSV: `;` between fields, `.` between thousands.
    const german = put(folder, "de.csv", "Datum;Benutzer;TLS;Anzahl\n20.11.2026 10:00;a@x.example;TLS1.2;2.500\n");
    const run = runCli(["export", german, "--map", "timestamp=Datum", "--map", "sender=Benutzer", "--map", "messages=Anzahl"]);
    expect(run.stdout).toBe(`${HEADER}\n2026-11-20,a@x.example,x.example,TLS1.2,unknown,,2500,2026-11-20T10:00:00Z,2026-11-20T10:00:00Z\n`);
  });

  it("anything else is still a bad record, with a reason that says what is read", () => {
    const values = ["1,5", "1.234,5", "1,234.5", "-3", "1,23", "1,234.567", "1 2345", "12e3"];
    const file = put(folder, "bad.csv", `timestamp,sender,messages\n${values.map((v, i) => `2026-11-20T10:00:00Z,s${i}@x.example,"${v}"`).join("\n")}\n2026-11-20T10:00:00Z,ok@x.example,3\n`);
    const run = runCli(["export", file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${HEADER}\n2026-11-20,ok@x.example,x.example,unknown,unknown,,3,2026-11-20T10:00:00Z,2026-11-20T10:00:00Z\n`);
    expect(run.stderr).toBe(`smtp-auth-report: warning: skipped 8 of 9 records; first: ${file}:2: message count "1,5" is not a whole number (digits, grouped by thousands or not: 1234, 1,234, 1.234, 1 234); ${file}:3: message count "1.234,5" is not a whole number (digits, grouped by thousands or not: 1234, 1,234, 1.234, 1 234); ${file}:4: message count "1,234.5" is not a whole number (digits, grouped by thousands or not: 1234, 1,234, 1.234, 1 234)\n`);
  });
});
