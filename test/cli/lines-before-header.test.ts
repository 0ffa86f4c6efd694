import { describe, expect, it } from "vitest";
import { put, runCli, scratch } from "../helpers.js";

const READINGS = { "two threads": { SMTP_AUTH_REPORT_SPLIT_BYTES: "500" }, "one thread": { SMTP_AUTH_REPORT_THREADS: "1" }, "the plain path": { SMTP_AUTH_REPORT_PLAIN: "1" } };
const EXPORT_HEADER = "period,sender,domain,tls_version,auth,client_ip,messages,first_seen,last_seen";

describe("lines before the header: PowerShell's #TYPE line, Excel's lines of delimiters alone", () => {
  const folder = scratch();
  // 40 rows, so that two threads split the file; the 6th row (line 6 + the lines before the header) has a bad timestamp.
  const rows = (delimiter: string, quoted: boolean): string[] => Array.from({ length: 40 }, (_, i) => {
    const cells = [i === 5 ? "not a time" : `11/${String(1 + (i % 20)).padStart(2, "0")}/2026 10:00:00 AM`, "Printer-HQ@Contoso.example", "10.0.0.5", "Basic"];
    return cells.map((cell) => (quoted ? `"${cell}"` : cell)).join(delimiter);
  });
  const files = {
    "PowerShell 5.1's Export-Csv (#TYPE first)": {
      text: `#TYPE Deserialized.Microsoft.Exchange.Management.FfoReporting.MessageTrace\r\n"Received","SenderAddress","Client_IP","Auth"\r\n${rows(",", true).join("\r\n")}\r\n`,
      before: 2,
    },
    "Excel, lines of delimiters and spaces before the header": {
      text: `;;;;\n ; ;\n\n;;;;\nDate;Sender Address;Client IP;Auth\n${rows(";", false).join("\n")}\n`,
      before: 5,
    },
    "Excel, sep= and then lines of delimiters": {
      text: `sep=;\n;;;\nDate;Sender Address;Client IP;Auth\n${rows(";", false).join("\n")}\n`,
      before: 3,
    },
  };
  for (const [shape, { text, before }] of Object.entries(files)) {
    for (const [reading, env] of Object.entries(READINGS)) {
      it(`${shape}, ${reading}: the header found, lines numbered as in the file`, () => {
        const file = put(folder, `${shape.replace(/\W+/g, "-")}.csv`, text);
        const run = runCli(["export", "--all", "--by", "month", file], { env });
        expect(run.stderr).toBe(`smtp-auth-report: warning: skipped 1 of 40 records; first: ${file}:${before + 6}: timestamp "not a time" not understood (use ISO 8601, epoch, M/D/YYYY h:mm AM/PM or D.M.YYYY HH:mm)\n`);
        expect(run.code).toBe(0);
        expect(run.stdout).toBe(`${EXPORT_HEADER}\n2026-11-01,printer-hq@contoso.example,contoso.example,unknown,basic,10.0.0.5,39,2026-11-01T10:00:00Z,2026-11-20T10:00:00Z\n`);
      });
    }
  }

  it("lines of a title are still the header (only #TYPE lines and lines of delimiters and spaces are passed over)", () => {
    const file = put(folder, "title.csv", `;;;\nSMTP AUTH report;;;\nDate;Sender;Client IP;Auth\n`);
    const run = runCli(["export", "--all", file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no timestamp column; header found: "SMTP AUTH report", "", "", ""/);
  });
});
