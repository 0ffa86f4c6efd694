import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { put, runCli, scratch } from "../helpers.js";

const READINGS = { "two threads": { SMTP_AUTH_REPORT_SPLIT_BYTES: "500" }, "one thread": { SMTP_AUTH_REPORT_THREADS: "1" }, "the plain path": { SMTP_AUTH_REPORT_PLAIN: "1" } };
const ROWS = Array.from({ length: 40 }, (_, i) => `2026-11-${String(1 + (i % 20)).padStart(2, "0")}T10:00:00Z,s${i}@x.example,TLS1.2,LOGIN`).join("\n");

describe("a first line over 1 MiB: exit 1 saying so, not 'empty' nor the next line taken for the header", () => {
  const folder = scratch();
  const MiB = 1 << 20;
  const files = {
    "a CSV without line ends": put(folder, "nolf.csv", "a,b,c,".repeat(Math.ceil((1.5 * MiB) / 6))),
    "a header line of 1.5 MiB": put(folder, "longheader.csv", `timestamp,sender,tls,auth${",column".repeat(Math.ceil((1.5 * MiB) / 7))}\n${"timestamp,sender,tls,auth"}\n${ROWS}\n`),
    "JSONL whose first line is 1.5 MiB": put(folder, "long.jsonl", `{"timestamp":"2026-11-02T10:00:00Z","sender":"a@x.example","note":"${"x".repeat(1.5 * MiB)}"}\n{"timestamp":"2026-11-02T10:00:00Z","sender":"b@x.example"}\n`),
    "a gzipped CSV without line ends": put(folder, "nolf.csv.gz", gzipSync("a,b,c,".repeat(Math.ceil((1.5 * MiB) / 6)))),
  };
  for (const [shape, file] of Object.entries(files)) {
    for (const [reading, env] of Object.entries(READINGS)) {
      it(`${shape}, ${reading}`, () => {
        const run = runCli(["export", "--all", file], { env });
        expect(run.stderr).toBe(`smtp-auth-report: ${file}:1: the first line is longer than 1 MiB (no line ends, or not a log/CSV)\n`);
        expect(run.code).toBe(1);
        expect(run.stdout).toBe("");
      });
    }
  }

  it("a long line after the first is still one bad record, skipped", () => {
    const file = put(folder, "longlater.csv", `timestamp,sender,tls,auth\n${ROWS}\n2026-11-02T10:00:00Z,${"y".repeat(1.5 * MiB)}\n`);
    for (const env of Object.values(READINGS)) {
      const run = runCli(["export", "--all", file], { env });
      expect(run.code).toBe(0);
      expect(run.stderr).toBe(`smtp-auth-report: warning: skipped 1 of 41 records; first: ${file}:42: a line longer than 1 MiB (no line ends, or not a log); skipped\n`);
    }
  });
});
