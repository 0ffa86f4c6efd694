import { describe, expect, it } from "vitest";
import { prng } from "../../fixtures/mail-logs.js";
import { put, runCli, scratch } from "../helpers.js";

const READINGS = { "two threads": { SMTP_AUTH_REPORT_SPLIT_BYTES: "500" }, "one thread": { SMTP_AUTH_REPORT_THREADS: "1" }, "the plain path": { SMTP_AUTH_REPORT_PLAIN: "1" } };

/** Random bytes without a NUL byte, with a delimiter in the first line (so that it could pass for a CSV). */
function garbage(seed: number): Buffer {
  const random = prng(seed);
  const bytes = Buffer.from(Array.from({ length: 3000 }, () => 1 + Math.floor(random() * 255)));
  bytes[5] = 0x2c;
  return bytes;
}

describe("binary data without NUL bytes is not a CSV: exit 1, no garbage printed as a header", () => {
  const folder = scratch();
  const files = {
    "random bytes": put(folder, "garbage.bin", garbage(7)),
    "text of U+FFFD (bytes that were not UTF-8) with delimiters": put(folder, "replaced.csv", `${"\uFFFD\uFFFD\uFFFD,".repeat(20)}\n${"\uFFFD\uFFFD,\uFFFD\n".repeat(40)}`),
    "a header with control characters": put(folder, "controls.csv", "time\u0001stamp,sen\u001bder,tls\nx,y,z\n"),
  };
  for (const [shape, file] of Object.entries(files)) {
    for (const [reading, env] of Object.entries(READINGS)) {
      for (const forced of [[], ["--input-format", "csv"]]) {
        it(`${shape}, ${reading}${forced.length > 0 ? ", --input-format csv" : ""}`, () => {
          const run = runCli(["export", "--all", file, ...forced], { env });
          expect(run.stderr).toBe(`smtp-auth-report: ${file}: not a format this tool reads (binary data?)\n`);
          expect(run.code).toBe(1);
          expect(run.stdout).toBe("");
        });
      }
    }
  }

  it("a header with a tab, or with one U+FFFD in a name, is still a header", () => {
    const file = put(folder, "fine.csv", "timestamp\tsender\tGr\uFFFD\uFFFDe\n2026-11-02T10:00:00Z\ta@x.example\tx\n");
    const run = runCli(["export", "--all", file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("2026-11-02,a@x.example,x.example,");
  });
});
