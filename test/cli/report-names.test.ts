// Names from the log in the report page: shown with the terminal's visible escapes (a right-to-left
// override, zero-width space or control character cannot reorder, hide or blank a name), and long
// names wrap inside their cells instead of pushing the table's columns out of view.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../browser.js";
import { put, runCli, scratch } from "../helpers.js";

const folder = scratch();
// A right-to-left override in a domain, a zero-width space, ESC, CR and TAB in senders (quoted CSV fields).
const hostile = put(folder, "hostile.csv", [
  "timestamp,sender,tls,auth,client_ip",
  "2026-11-20T10:00:00Z,billing@\u202emoc.elpmaxe,TLS1.0,LOGIN,10.0.0.1",
  "2026-11-20T11:00:00Z,ad\u200bmin@a.example,TLS1.2,LOGIN,10.0.0.2",
  "2026-11-20T12:00:00Z,\"\u001b[31mred\u001b[0m@a.example\",TLS1.2,XOAUTH2,10.0.0.3",
  "2026-11-21T12:00:00Z,\"cr\rlf@a.example\",TLS1.2,XOAUTH2,10.0.0.4",
  "2026-11-21T13:00:00Z,\"tab\tx@a.example\",TLS1.1,XOAUTH2,10.0.0.5",
  "",
].join("\n"));
const page = join(folder, "hostile.html");
const SHOWN = ["billing@\\u202emoc.elpmaxe", "ad\\u200bmin@a.example", "\\x1b[31mred\\x1b[0m@a.example", "cr\\x0dlf@a.example", "tab\\x09x@a.example"];
// What must not reach the page raw: C0 controls but newline, C1 controls, bidi and zero-width characters.
const INVISIBLE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/u;

describe("report: names from the log as the terminal shows them", () => {
  let browser: Browser;
  beforeAll(async () => {
    const run = runCli(["report", hostile, "--all", "-o", page]);
    expect(run.code).toBe(0);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => browser?.close());

  it("the page holds no invisible or reordering character; tables, the menu and the page's data carry the escapes", () => {
    const html = readFileSync(page, "utf8");
    // (Matched as booleans: a failure must not print the page, with its chart library.)
    expect(INVISIBLE.exec(html)?.[0]).toBeUndefined();
    expect(html.includes('<td class="wrap">billing@\\u202emoc.elpmaxe</td>')).toBe(true);
    expect(html.includes("<option>\\u202emoc.elpmaxe</option>")).toBe(true);
    const data = JSON.parse(/<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)![1]!);
    expect(data.topSenders.map((s: [string, number]) => s[0]).sort()).toEqual([...SHOWN].sort());
  });

  it("in the browser: table cells, chart labels and tooltips, and a domain picked from the menu show the escapes", async () => {
    const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await tab.goto(`file://${page}`);
    const senders = async (): Promise<string[]> => tab.$$eval("#volume-table tbody tr", (rows) => rows.map((r) => (r as HTMLTableRowElement).cells[0]!.textContent!));
    expect((await senders()).sort()).toEqual([...SHOWN].sort());
    const chart = await tab.evaluate(() => {
      const get = (id: string): any => (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): any } }).Chart.getChart(document.getElementById(id) as HTMLCanvasElement);
      const bars = get("top-senders-chart");
      bars.tooltip.setActiveElements([{ datasetIndex: 0, index: 0 }], { x: 0, y: 0 });
      bars.update();
      return { names: bars.data.labels as string[], title: bars.tooltip.title as string[], domains: get("volume-chart").data.datasets.map((d: { label: string }) => d.label) as string[] };
    });
    expect([...chart.names].sort()).toEqual([...SHOWN].sort());
    expect(SHOWN).toContain(chart.title[0]);
    expect(chart.domains.sort()).toEqual(["\\u202emoc.elpmaxe", "a.example"]);
    // The menu's escaped name picks the domain's rows.
    await tab.selectOption("#show-domain", "\\u202emoc.elpmaxe");
    expect(await senders()).toEqual(["billing@\\u202emoc.elpmaxe"]);
    expect(await tab.textContent("#show-note")).toContain("\\u202emoc.elpmaxe");
    await tab.close();
  }, 60_000);
});

describe("report: a long name wraps in its cell", () => {
  let browser: Browser;
  const long = `${"x".repeat(120)}@a-very-long-domain-name-that-a-relay-wrote-into-its-export.example`;
  const input = put(folder, "long.csv", [
    "timestamp,sender,tls,auth,client_ip",
    `2026-11-20T10:00:00Z,${long},TLS1.0,LOGIN,10.0.0.1`,
    "2026-11-20T11:00:00Z,printer@b.example,TLS1.2,XOAUTH2,10.0.0.2",
    "",
  ].join("\n"));
  const out = join(folder, "long.html");
  beforeAll(async () => {
    expect(long.length).toBeGreaterThan(180);
    expect(runCli(["report", input, "--all", "-o", out]).code).toBe(0);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => browser?.close());

  it("at 1280 px every table fits its box with its last column in view; at 390 px the page and the menu fit, and the name wraps", async () => {
    const measure = async (width: number) => {
      const tab = await browser.newPage({ viewport: { width, height: 900 } });
      await tab.goto(`file://${out}`);
      await tab.screenshot({ path: join(folder, `long-${width}.png`), fullPage: true });
      const seen = await tab.evaluate((name) => {
        const blocks = ["action-table", "volume-table", "tls-table", "auth-table"].map((id) => document.getElementById(id)!);
        const cell = Array.from(document.querySelectorAll<HTMLTableCellElement>("#volume-table td")).find((td) => td.textContent === name)!;
        // The lines a cell's text takes.
        const lines = (td: HTMLTableCellElement): number => { const range = document.createRange(); range.selectNodeContents(td); return new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top))).size; };
        const dates = Array.from(document.querySelectorAll<HTMLTableCellElement>("#volume-table tbody td:last-child, #action-table tbody td:last-child"));
        return {
          page: document.documentElement.scrollWidth,
          boxes: blocks.map((b) => { const box = b.querySelector(".scroll")!; return [b.id, box.scrollWidth, box.clientWidth] as const; }),
          menu: document.getElementById("show-domain")!.getBoundingClientRect().right,
          name: { width: cell.getBoundingClientRect().width },
          // A date is on one line: only names wrap.
          dateLines: Math.max(...dates.map(lines)),
          nameLines: lines(cell),
        };
      }, long);
      await tab.close();
      return seen;
    };
    const wide = await measure(1280);
    for (const [id, scroll, client] of wide.boxes) expect(scroll, id).toBeLessThanOrEqual(client);
    expect(wide.nameLines).toBeGreaterThan(1);
    expect(wide.dateLines).toBe(1);
    const phone = await measure(390);
    expect(phone.page).toBeLessThanOrEqual(390);
    expect(phone.menu).toBeLessThanOrEqual(390);
    expect(phone.name.width).toBeLessThan(300);
    expect(phone.nameLines).toBeGreaterThan(3);
    expect(phone.dateLines).toBe(1);
  }, 60_000);
});
