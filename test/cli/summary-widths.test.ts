// The summary's tables at narrow widths say which columns they left out, as every other table does
// (its JSON has them all).
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, put, runCli, scratch } from "../helpers.js";

const folder = scratch();

describe("summary: columns left out at a width are named", () => {
  it("top senders and the action list at 80 and 60 columns; none at 120", () => {
    const at = (width: number): string => runCli(["summary", join(FIXTURES, "submissions.csv"), "--width", String(width)]).stdout;
    const eighty = at(80);
    expect(eighty).toContain("  legacy-invoicing@fabrikam.exa…        30  TLS1.0  basic  10.40.0.33\n  Left out at this width: last seen (--width, or --format json)\n\nAction needed");
    expect(eighty).toContain("  … and 5 more\n  Left out at this width: last seen (--width, or --format json)\n");
    expect(at(60).match(/Left out at this width: client IPs, last seen \(--width, or\n  --format json\)\n/g)).toHaveLength(2);
    expect(at(120)).not.toContain("Left out");
  });

  it("the unusual activity's period", () => {
    const rows = ["timestamp,sender,tls,auth,client_ip"];
    for (let d = 9; d <= 15; d++) rows.push(`2026-11-${d}T10:00:00Z,moved@x.example,TLS1.2,XOAUTH2,10.1.3.5`);
    rows.push("2026-11-18T10:00:00Z,moved@x.example,TLS1.2,XOAUTH2,10.9.9.9");
    const file = put(folder, "moved.csv", `${rows.join("\n")}\n`);
    expect(runCli(["summary", file, "--width", "60"]).stdout).toContain("  sender           kind         evidence\n  moved@x.example  new address  10.9.9.9 from 2026-11-18 10…\n  Left out at this width: period (--width, or --format json)\n");
    expect(runCli(["summary", file, "--width", "100"]).stdout).toContain("  period      sender           kind         evidence\n");
  });
});
