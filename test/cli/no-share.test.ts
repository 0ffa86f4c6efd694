import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../browser.js";
import { put, runCli, scratch } from "../helpers.js";

// Two days with messages in a seven-day range: the five others have no messages, so no share.
const GAPS = "timestamp,sender,tls,auth\n2026-11-20T10:00:00Z,a@x.example,TLS1.0,LOGIN\n2026-11-22T10:00:00Z,b@x.example,TLS1.2,XOAUTH2\n";

describe("a period without messages has no share in the views people read (not 0 %)", () => {
  const folder = scratch();
  const file = put(folder, "gaps.csv", GAPS);

  it("tls and auth CSV and JSON keep the SPEC's number (0.00, messages 0) for it: scripts parse the column", () => {
    const csv = runCli(["tls", file, "--format", "csv"]);
    expect(csv.code).toBe(0);
    expect(csv.stdout.split("\n").slice(0, 3)).toEqual(["period,tls_version,messages,percent", "2026-11-16,TLS1.0,0,0.00", "2026-11-16,TLS1.2,0,0.00"]);
    expect(csv.stdout).toContain("\n2026-11-20,TLS1.0,1,100.00\n2026-11-20,TLS1.2,0,0.00\n2026-11-21,TLS1.0,0,0.00\n");
    const json = JSON.parse(runCli(["auth", file, "--format", "json"]).stdout) as { rows: { period: string; auth: string; messages: number; percent: number }[] };
    expect(json.rows.filter((r) => r.period === "2026-11-21")).toEqual([
      { period: "2026-11-21", auth: "basic", messages: 0, percent: 0 },
      { period: "2026-11-21", auth: "oauth", messages: 0, percent: 0 },
    ]);
  });

  it("the percent table leaves its cells blank, the chart says 'no messages'", () => {
    const table = runCli(["tls", file, "--format", "table", "--width", "80"]);
    expect(table.stdout).toContain("│ 2026-11-21 │          │          │     0 │");
    expect(table.stdout).toContain("│ 2026-11-22 │   0.00 % │ 100.00 % │     1 │");
    const chart = runCli(["auth", file, "--width", "80"]);
    expect(chart.stdout).toMatch(/2026-11-21 +no messages/);
  });
});

describe("report: no share drawn for a period without messages, no Basic/legacy line where the input cannot tell", () => {
  const folder = scratch();
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => browser?.close());

  /** The datasets of a chart in the written page, after it ran in Chromium; and the page's errors. */
  async function charts(csv: string): Promise<{ errors: string[]; tls: { label: string; data: (number | null)[]; tooltip: string[] }; progress: string[] }> {
    const input = put(folder, `in-${Math.random().toString(36).slice(2)}.csv`, csv);
    const output = `${input}.html`;
    const run = runCli(["report", input, "--output", output]);
    expect(run.code, run.stderr).toBe(0);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`file://${output}`);
    const found = await page.evaluate(() => {
      const get = (id: string) => (window as unknown as { Chart: { getChart(c: HTMLElement): any } }).Chart.getChart(document.getElementById(id)!);
      const tls = get("tls-chart");
      // The tooltip of a day without messages (index 5: 2026-11-21).
      tls.tooltip.setActiveElements(tls.data.datasets.map((_: unknown, datasetIndex: number) => ({ datasetIndex, index: 5 })), { x: 0, y: 0 });
      tls.update();
      return {
        tls: { label: tls.data.datasets[0].label, data: tls.data.datasets[0].data, tooltip: tls.tooltip.body.flatMap((b: { lines: string[] }) => b.lines) },
        progress: get("progress-chart").data.datasets.map((d: { label: string }) => d.label),
      };
    });
    await page.close();
    return { errors, ...found };
  }

  it("TLS and auth shares are gaps (null) on days without messages, the tooltip says so", async () => {
    const { errors, tls, progress } = await charts(GAPS);
    expect(errors).toEqual([]);
    expect(tls.data).toEqual([null, null, null, null, 100, null, 0]);
    expect(tls.tooltip).toEqual(["TLS1.0: no messages", "TLS1.2: no messages"]);
    expect(progress).toEqual(["senders", "on legacy TLS", "on Basic auth"]);
  }, 60_000);

  it("an input without TLS or auth columns draws no 'on legacy TLS' / 'on Basic auth' line at 0 in the progress chart", async () => {
    const { errors, progress } = await charts("timestamp,sender\n2026-11-20T10:00:00Z,a@x.example\n2026-11-22T10:00:00Z,b@x.example\n");
    expect(errors).toEqual([]);
    expect(progress).toEqual(["senders"]);
    const auth = await charts("timestamp,sender,tls\n2026-11-20T10:00:00Z,a@x.example,TLS1.2\n2026-11-22T10:00:00Z,b@x.example,TLS1.0\n");
    expect(auth.progress).toEqual(["senders", "on legacy TLS"]);
  }, 60_000);
});
