import { describe, expect, it } from "vitest";
import { put, runCli, scratch } from "../helpers.js";

// Exports write a sender with a display name or in brackets as mail headers do.
const FORMS = ["Printer HQ <printer@contoso.example>", "<PRINTER@contoso.example>", " printer@contoso.example ", "\"HQ, Printer\" <Printer@Contoso.example >"];
const READINGS = { "two threads": { SMTP_AUTH_REPORT_SPLIT_BYTES: "500" }, "one thread": { SMTP_AUTH_REPORT_THREADS: "1" }, "the plain path": { SMTP_AUTH_REPORT_PLAIN: "1" } };

describe("a sender with a display name or in brackets is the address inside the last <...>", () => {
  const folder = scratch();
  // Enough rows that two threads split the file; each form many times, in the timestamp-first tail path and not.
  const rows = Array.from({ length: 60 }, (_, i) => ({ t: `2026-11-${String(1 + (i % 20)).padStart(2, "0")}T10:00:00Z`, sender: FORMS[i % FORMS.length]! }));
  const csv = (stampFirst: boolean): string => [
    stampFirst ? "timestamp,from,tls,auth" : "from,timestamp,tls,auth",
    ...rows.map((r) => {
      const sender = r.sender.includes(",") ? `"${r.sender.replace(/"/g, '""')}"` : r.sender;
      return stampFirst ? `${r.t},${sender},TLSv1,LOGIN` : `${sender},${r.t},TLSv1,LOGIN`;
    }),
  ].join("\n") + "\n";
  const files = {
    "CSV, timestamp first": put(folder, "first.csv", csv(true)),
    "CSV, sender first": put(folder, "later.csv", csv(false)),
    JSONL: put(folder, "senders.jsonl", rows.map((r) => JSON.stringify({ timestamp: r.t, sender: r.sender, tls: "TLSv1", auth: "LOGIN" })).join("\n") + "\n"),
  };
  for (const [format, file] of Object.entries(files)) {
    for (const [reading, env] of Object.entries(READINGS)) {
      it(`${format}, ${reading}: one sender printer@contoso.example of domain contoso.example`, () => {
        const run = runCli(["export", "--all", "--by", "month", file], { env });
        expect(run.stderr).toBe("");
        expect(run.code).toBe(0);
        expect(run.stdout).toBe("period,sender,domain,tls_version,auth,client_ip,messages,first_seen,last_seen\n2026-11-01,printer@contoso.example,contoso.example,TLS1.0,basic,,60,2026-11-01T10:00:00Z,2026-11-20T10:00:00Z\n");
      });
    }
  }

  it("a value without a closing >, or without an address inside the brackets, is kept as it is", () => {
    const file = put(folder, "odd.csv", "timestamp,sender\n2026-11-02T10:00:00Z,a>b@x.example\n2026-11-02T10:00:00Z,Printer <>\n2026-11-02T10:00:00Z,<c@x.example\n2026-11-02T10:00:00Z,CONTOSO\\svc<1>\n");
    for (const env of Object.values(READINGS)) {
      const run = runCli(["export", "--all", file], { env });
      expect(run.code).toBe(0);
      expect(run.stdout.split("\n").slice(1, -1).map((line) => line.split(",").slice(1, 3).join(","))).toEqual(["<c@x.example,x.example", "a>b@x.example,x.example", "contoso\\svc<1>,", "printer <>,"]);
    }
  });
});
