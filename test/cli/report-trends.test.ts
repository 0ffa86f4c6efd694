import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../browser.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LEGACY_TLS } from "../../src/core/record.js";
import { generateHistory } from "../history.js";
import { FIXTURES, put, runCli, scratch } from "../helpers.js";

const folder = scratch();
const history = generateHistory({ seed: 14, start: Date.UTC(2026, 10, 2), days: 21, changeDay: 14 });
const log = put(folder, "maillog", history.text);
let browser: Browser;

async function open(path: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  await page.goto(`file://${path}`);
  return page;
}

const rows = async (page: Page, id: string): Promise<string[][]> =>
  page.locator(`#${id} tbody tr`).evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")));

describe("report: migration progress, comparison and unusual activity", () => {
  const report = join(folder, "report.html");

  beforeAll(async () => {
    const run = runCli(["report", log, "--compare", "previous", "--output", report]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => browser?.close());

  it("draws the burndown: distinct senders per day in all, on legacy TLS and on Basic auth, as an independent count", async () => {
    const page = await open(report);
    const chart = await page.evaluate(() => {
      const canvas = document.getElementById("progress-chart") as HTMLCanvasElement;
      const c = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { labels: string[]; datasets: { label: string; data: number[] }[] } } | undefined } }).Chart.getChart(canvas);
      return { labels: c?.data.labels ?? [], datasets: c?.data.datasets.map((d) => ({ label: d.label, data: d.data })) ?? [] };
    });
    const days = ["16", "17", "18", "19", "20", "21", "22"].map((d) => `2026-11-${d}`);
    expect(chart.labels).toEqual(days);
    const count = (keep: (r: (typeof history.submissions)[number]) => boolean) =>
      days.map((d) => new Set(history.submissions.filter((r) => new Date(r.timestamp).toISOString().startsWith(d) && keep(r)).map((r) => r.sender)).size);
    expect(chart.datasets).toEqual([
      { label: "senders", data: count(() => true) },
      { label: "on legacy TLS", data: count((r) => LEGACY_TLS.has(r.tls)) },
      { label: "on Basic auth", data: count((r) => r.auth === "basic") },
    ]);
    await page.close();
  }, 60_000);

  it("lists the compared figures, each sender's class (new and regressed first) and the unusual activity", async () => {
    const page = await open(report);
    const figures = await rows(page, "compare-figures");
    expect(figures.map((r) => r[0])).toEqual(["Senders using SMTP AUTH", "Messages", "Domains", "Senders on legacy TLS", "Senders on Basic auth", "Failed logins"]);
    const senders = await rows(page, "compare-senders");
    expect(senders.slice(0, 4).map((r) => `${r[0]} ${r[1]}`)).toEqual([
      "new printer-new@corp.example", "regressed scanner-reset@corp.example", "fixed mfp-fixed@corp.example", "quiet fax-old@corp.example",
    ]);
    expect(senders.slice(4).every((r) => r[0] === "still")).toBe(true);
    // The legend says what regressed means: a problem it did not have before, not only "clean before".
    expect(await page.textContent("#compare-senders .table-note")).toContain("regressed: a problem now that it did not have before (it sent without one, or had the other one);");
    const unusual = await rows(page, "unusual-table");
    expect(unusual.map((r) => `${r[0]} ${r[1]} ${r[2]}`)).toEqual([
      "2026-11-19 j.doe@corp.example burst", "2026-11-19 j.doe@corp.example login after failures", "2026-11-19 j.doe@corp.example new address",
    ]);
    expect(unusual[1]![3]).toContain("198.51.100.77: 25 failed logins from 2026-11-19 02:00");
    await page.close();
  }, 60_000);

  it("says beside the comparison and unusual activity that they are of the whole report when a domain or shorter range is picked", async () => {
    const page = await open(report);
    const scopes = async (): Promise<(string | null)[]> => Promise.all(["compare-figures", "compare-senders", "unusual-table"].map(async (id) => {
      const line = page.locator(`#${id} .scope`);
      return (await line.isVisible()) ? line.textContent() : null;
    }));
    expect(await scopes()).toEqual([null, null, null]);
    await page.selectOption("#show-to", { label: "2026-11-19" });
    const whole = "Of the whole report (all domains, 2026-11-16 to 2026-11-22), not only all domains, 2026-11-16 to 2026-11-19.";
    expect(await scopes()).toEqual([whole, whole, whole]);
    expect(await page.textContent("#show-note")).toContain("The comparison and unusual activity are of the whole report.");
    // The figures themselves stay the whole report's.
    expect((await rows(page, "unusual-table")).length).toBe(3);
    await page.selectOption("#show-to", { label: "2026-11-22" });
    expect(await scopes()).toEqual([null, null, null]);
    await page.close();
  }, 60_000);

  it("shows the sample data's progress section as the README does (UPDATE_GOLDEN=1 takes the screenshot again)", async () => {
    const sample = join(folder, "sample.html");
    expect(runCli(["report", join(FIXTURES, "submissions.csv"), "--all", "--output", sample]).code).toBe(0);
    const page = await open(sample);
    const section = page.locator("#progress");
    expect(await section.isVisible()).toBe(true);
    const legacy = await page.evaluate(() => {
      const c = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { datasets: { data: number[] }[] } } | undefined } }).Chart.getChart(document.getElementById("progress-chart") as HTMLCanvasElement);
      return c?.data.datasets[1]?.data ?? [];
    });
    // One printer and a monitoring job move to TLS 1.2 during the three weeks: fewer on legacy TLS each week.
    expect([legacy[0], legacy[7], legacy[14]]).toEqual([7, 6, 5]);
    if (process.env.UPDATE_GOLDEN === "1") await section.screenshot({ path: join(FIXTURES, "screenshots", "progress.png") });
    await page.close();
  }, 60_000);
});
