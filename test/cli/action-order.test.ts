// "Action needed" in one order everywhere: legacy TLS first, then Basic auth, each by messages, then
// by sender (the terminal's list, the JSON's action_needed and the report page's table).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, runCli, scratch } from "../helpers.js";

const folder = scratch();
const SAMPLE = join(FIXTURES, "submissions.csv");

describe("the action list's order", () => {
  it("the report's table lists the senders in the summary's order (legacy TLS first, then by messages), a sender's addresses together", () => {
    const summary = JSON.parse(runCli(["summary", SAMPLE, "--format", "json"]).stdout);
    const order: string[] = summary.action_needed.map((a: { sender: string }) => a.sender);
    const text = runCli(["summary", SAMPLE, "--width", "120"]).stdout;
    const listed = text.slice(text.indexOf("Action needed")).split("\n").slice(2, 12).map((l) => l.trim().split(/\s+/)[0]);
    expect(listed).toEqual(order.slice(0, 10));

    const page = join(folder, "sample.html");
    expect(runCli(["report", SAMPLE, "-o", page]).code).toBe(0);
    const table = /<section class="table-block" id="action-table">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(readFileSync(page, "utf8"))![1]!;
    const rows = [...table.matchAll(/<tr[^>]*>(.*?)<\/tr>/g)].map((m) => [...m[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1]!));
    // One row per sender and client address: a sender's rows together, in the summary's order, the most messages first.
    const pairs = rows.map((r) => ({ sender: r[0]!, ip: r[1]!, messages: Number(r[5]!.replace(/,/g, "")) }));
    expect(pairs.length).toBeGreaterThan(order.length);
    expect(pairs.map((p) => p.sender).filter((s, i, all) => all[i - 1] !== s)).toEqual(order);
    const erp = pairs.filter((p) => p.sender === "erp-notify@northwind.example");
    expect(erp.map((p) => [p.ip, p.messages])).toEqual([["10.10.0.22", 114], ["10.10.0.21", 106]]);
  });
});
