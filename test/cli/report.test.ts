import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../browser.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, put, runCli, scratch } from "../helpers.js";

const folder = scratch();
let browser: Browser;

/** Opens a report in headless Chromium, noting every request the page makes. */
async function open(path: string): Promise<{ page: Page; requests: string[]; dialogs: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  const requests: string[] = [];
  const dialogs: string[] = [];
  page.on("request", (request) => requests.push(request.url()));
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(`file://${path}`);
  return { page, requests, dialogs };
}

describe("report: the self-contained HTML page in a real browser", () => {
  const evil = put(folder, "evil.csv", 'timestamp,sender,tls,auth,client_ip\n2026-11-20T10:00:00Z,"<script>alert(1)</script><img src=x onerror=alert(2)>@evil.example",TLS1.0,LOGIN,"<b>10.0.0.1</b>"\n');
  const report = join(folder, "report.html");

  beforeAll(async () => {
    const run = runCli(["report", join(FIXTURES, "submissions.csv"), evil, "--output", report]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => browser?.close());

  it("draws the three charts, and no request leaves the page", async () => {
    const { page, requests } = await open(report);
    for (const id of ["volume-chart", "tls-chart", "auth-chart"]) {
      const drawn = await page.evaluate((canvasId) => {
        const canvas = document.getElementById(canvasId) as HTMLCanvasElement;
        const chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { datasets: { data: number[] }[] } } | undefined } }).Chart.getChart(canvas);
        const pixels = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) painted++;
        return { width: canvas.width, datasets: chart?.data.datasets.length ?? 0, points: chart?.data.datasets[0]?.data.length ?? 0, painted };
      }, id);
      expect(drawn.width).toBeGreaterThan(200);
      expect(drawn.datasets).toBeGreaterThan(1);
      expect(drawn.points).toBe(7);
      expect(drawn.painted).toBeGreaterThan(5000);
    }
    expect(requests).toEqual([`file://${report}`]);
    const shot = join(folder, "report.png");
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(50_000);
    await page.close();
  }, 60_000);

  it("shows the tiles and the senders that need action", async () => {
    const { page } = await open(report);
    const tiles = await page.locator(".tile").allTextContents();
    expect(tiles.map((t) => t.replace(/\s+/g, " ").trim())).toEqual(["28Senders using SMTP AUTH", "1,098Messages", "6Senders on legacy TLS", "16Senders on Basic auth", "n/aFailed loginsthese inputs cannot record failed logins (only server logs do)"]);
    // A CSV export cannot record failed logins: the table says n/a rather than showing none.
    expect((await page.locator("#failed-table").textContent())?.replace(/\s+/g, " ")).toContain("Failed logins by client address: n/a");
    expect(await page.locator("#failed-table tbody tr").count()).toBe(0);
    // Legacy TLS comes first, then Basic auth alone.
    const problems = await page.locator("#action-table tbody tr td:nth-child(3)").allTextContents();
    const firstBasicOnly = problems.indexOf("Basic auth");
    expect(firstBasicOnly).toBe(6);
    expect(problems.slice(0, 6).every((p) => /TLS1\.[01]|no TLS/.test(p))).toBe(true);
    await page.close();
  }, 60_000);

  it("sorts a table by a column and filters its rows", async () => {
    const { page } = await open(report);
    const messages = async (): Promise<number[]> => (await page.locator("#volume-table tbody tr:not([hidden]) td:nth-child(3)").allTextContents()).map((t) => Number(t.replace(/,/g, "")));
    const before = await messages();
    expect(before).toEqual([...before].sort((a, b) => b - a));
    await page.click("#volume-table th:nth-child(3)");
    const ascending = await messages();
    expect(ascending).toEqual([...before].sort((a, b) => a - b));
    await page.click("#volume-table th:nth-child(3)");
    expect(await messages()).toEqual([...before].sort((a, b) => b - a));
    await page.click("#volume-table th:nth-child(1)");
    const senders = await page.locator("#volume-table tbody tr td:first-child").allTextContents();
    expect(senders).toEqual([...senders].sort());
    await page.fill("#volume-table .filter", "fabrikam");
    const shown = await page.locator("#volume-table tbody tr:not([hidden]) td:first-child").allTextContents();
    expect(shown.length).toBeGreaterThan(2);
    expect(shown.every((s) => s.includes("fabrikam"))).toBe(true);
    await page.close();
  }, 60_000);

  it("shows a user name holding <script> as text, and runs none of it", async () => {
    const { page, dialogs } = await open(report);
    const body = await page.textContent("body");
    expect(body).toContain("<script>alert(1)</script><img src=x onerror=alert(2)>@evil.example");
    expect(body).toContain("<b>10.0.0.1</b>");
    expect(await page.locator("img").count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(readFileSync(report, "utf8")).not.toContain("<script>alert(1)");
    await page.close();
  }, 60_000);

  it("prints without the filter boxes and without scrolling areas", async () => {
    const { page } = await open(report);
    await page.emulateMedia({ media: "print" });
    expect(await page.locator(".filter").first().isVisible()).toBe(false);
    expect(await page.locator(".scroll").first().evaluate((e) => getComputedStyle(e).overflow)).toBe("visible");
    const pdf = await page.pdf({ format: "A4" });
    expect(pdf.length).toBeGreaterThan(50_000);
    await page.close();
  }, 60_000);
});

describe("report command", () => {
  it("tables the failed logins per client address, as counted in the log itself", () => {
    const log = join(FIXTURES, "postfix", "maillog");
    const out = join(folder, "failed.html");
    const run = runCli(["report", log, "--year", "2026", "--all", "-o", out]);
    expect(run.code).toBe(0);
    // The naive count: one "authentication failed" warning is one failed login from the address in brackets.
    const expected = new Map<string, number>();
    for (const m of readFileSync(log, "utf8").matchAll(/\[([^\]]+)\]: SASL \S+ authentication failed/g)) expected.set(m[1]!, (expected.get(m[1]!) ?? 0) + 1);
    expect(expected.size).toBeGreaterThan(1);
    const section = /<section class="table-block" id="failed-table">[\s\S]*?<\/section>/.exec(readFileSync(out, "utf8"))![0];
    const rows = [...section.matchAll(/<tr><td>([^<]+)<\/td><td class="num" data-sort="(\d+)">/g)].map((m) => [m[1], Number(m[2])]);
    expect(new Map(rows as [string, number][])).toEqual(expected);
    const total = [...expected.values()].reduce((a, b) => a + b, 0);
    expect(section).toContain(`Failed logins by client address: ${total.toLocaleString("en-US")} from ${expected.size} addresses`);
  });

  it("writes atomically, keeps the range and filters of every command, and --fail-on", () => {
    const out = join(folder, "filtered.html");
    const run = runCli(["report", join(FIXTURES, "submissions.csv"), "--domain", "fabrikam.example", "--all", "--fail-on", "legacy-tls", "-o", out]);
    expect(run.code).toBe(3);
    const html = readFileSync(out, "utf8");
    expect(html).toContain("2026-11-02 to 2026-11-22 (21 days, UTC)");
    expect(html).not.toContain("northwind.example</td>");
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none'/);
  });
});
