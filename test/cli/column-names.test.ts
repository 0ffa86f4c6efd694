import { describe, expect, it } from "vitest";
import { put, runCli, scratch } from "../helpers.js";

const EXPORT_HEADER = "period,sender,domain,tls_version,auth,client_ip,messages,first_seen,last_seen\n";

describe("column names of common exports, read without --map", () => {
  const folder = scratch();

  it("Exchange Online message trace: origin_timestamp_utc (naive times read as UTC whatever --tz), sender_address, original_client_ip", () => {
    const file = put(folder, "trace.csv", [
      "origin_timestamp_utc,sender_address,recipient_status,message_subject,total_bytes,message_id,network_message_id,original_client_ip,directionality,connector_id,delivery_priority",
      "2026-11-20 10:00:00,Scanner@Contoso.example,Delivered,Scan,1234,<1@contoso.example>,0a1b,198.51.100.7,Originating,,Normal",
      "",
    ].join("\n"));
    const run = runCli(["export", file, "--tz", "Europe/Berlin"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${EXPORT_HEADER}2026-11-20,scanner@contoso.example,contoso.example,unknown,unknown,198.51.100.7,1,2026-11-20T10:00:00Z,2026-11-20T10:00:00Z\n`);
  });

  it("Elastic/Kibana: @timestamp, user.name, tls.version, client_ip_address (CSV) and source.ip (JSONL)", () => {
    const csv = put(folder, "kibana.csv", '"@timestamp","user.name","tls.version","client_ip_address","message_count"\n"Nov 20, 2026 @ 10:00:00.000",x,1.2,y,1\n2026-11-20T10:00:00.000Z,a@x.example,1.2,198.51.100.7,3\n');
    const run = runCli(["export", csv]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${EXPORT_HEADER}2026-11-20,a@x.example,x.example,TLS1.2,unknown,198.51.100.7,3,2026-11-20T10:00:00Z,2026-11-20T10:00:00Z\n`);
    // The first row's Kibana display date is no timestamp the tool reads: skipped, with its line.
    expect(run.stderr).toContain(`skipped 1 of 2 records; first: ${csv}:2: timestamp "Nov 20, 2026 @ 10:00:00.000" not understood`);
    const jsonl = put(folder, "kibana.jsonl", '{"@timestamp":"2026-11-20T10:00:00.000Z","user.name":"a@x.example","tls.version":"TLSv1.1","source.ip":"198.51.100.7"}\n');
    expect(runCli(["export", jsonl]).stdout).toBe(`${EXPORT_HEADER}2026-11-20,a@x.example,x.example,TLS1.1,unknown,198.51.100.7,1,2026-11-20T10:00:00Z,2026-11-20T10:00:00Z\n`);
  });

  it("a sign-in log download: Date (UTC), Username, IP address, Authentication Protocol", () => {
    const file = put(folder, "signins.csv", 'Date (UTC),Request ID,Username,IP address,Client app,Authentication Protocol\n2026-11-20T10:00:00Z,r1,b@y.example,2001:db8::7,Authenticated SMTP,Basic\n');
    const run = runCli(["export", file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${EXPORT_HEADER}2026-11-20,b@y.example,y.example,unknown,basic,2001:db8::7,1,2026-11-20T10:00:00Z,2026-11-20T10:00:00Z\n`);
  });

  it("the first accepted name present still wins: timestamp before an @timestamp or a _utc column", () => {
    const file = put(folder, "both.csv", "time_utc,timestamp,sender\n2026-11-21T10:00:00Z,2026-11-20T10:00:00Z,a@x.example\n");
    expect(runCli(["export", file]).stdout).toContain(",1,2026-11-20T10:00:00Z,");
    const missing = put(folder, "none.csv", "@when,sender\n2026-11-20T10:00:00Z,a@x.example\n");
    const run = runCli(["export", missing]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no timestamp column; header found: "@when", "sender"/);
  });

  it("a header cell with a quoted line break is read alike by one thread and two (review 11: two threads found no header)", () => {
    const rows = Array.from({ length: 40 }, (_, i) => `2026-11-${String(10 + (i % 10)).padStart(2, "0")}T10:00:00Z,dev${i % 4}@x.example,TLSv1.${i % 2 === 0 ? 2 : 0},LOGIN`);
    const file = put(folder, "multiline-header.csv", `Date,Sender,"TLS\nversion",Auth\n${rows.join("\n")}\n`);
    const one = runCli(["export", "--all", file], { env: { SMTP_AUTH_REPORT_THREADS: "1" } });
    expect(one.code).toBe(0);
    expect(one.stdout.split("\n").length).toBeGreaterThan(8);
    const two = runCli(["export", "--all", file], { env: { SMTP_AUTH_REPORT_SPLIT_BYTES: "500" } });
    expect(two.stderr).toBe(one.stderr);
    expect(two.code).toBe(0);
    expect(two.stdout).toBe(one.stdout);
  });
});
