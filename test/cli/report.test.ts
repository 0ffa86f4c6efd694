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

const LEGACY = ["SSL2", "SSL3", "TLS1.0", "TLS1.1", "none"];
const TLS_ORDER = ["SSL2", "SSL3", "TLS1.0", "TLS1.1", "TLS1.2", "TLS1.3", "none", "unknown"];
const AUTH_ORDER = ["basic", "oauth", "unknown"];

interface CsvRow { time: string; sender: string; tls: string; auth: string; ip: string }

/** The sample CSV's submissions, read plainly (it has no quoted fields). */
function sampleRows(): CsvRow[] {
  return readFileSync(join(FIXTURES, "submissions.csv"), "utf8").trim().split("\n").slice(1).map((l) => l.split(","))
    .map(([time, sender, tls, auth, ip]) => ({ time: time!, sender: sender!, tls: tls!, auth: auth!, ip: ip! }));
}

/** "2026-11-20T10:05:54Z" as the page writes it in UTC: "2026-11-20 10:05". */
const minute = (time: string): string => time.slice(0, 16).replace("T", " ");
const text = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const pct = (part: number, whole: number): string => `${(Math.round((part * 10_000) / whole) / 100).toFixed(2)} %`;

/** The details tables and the action list of some submissions, counted naively: the cells each row should show, in order. */
function naiveTables(rows: CsvRow[]) {
  const total = rows.length;
  const bySender = new Map<string, CsvRow[]>();
  for (const r of rows) bySender.set(r.sender, [...(bySender.get(r.sender) ?? []), r]);
  const senders = [...bySender].map(([sender, own]) => ({ sender, own, times: own.map((r) => r.time).sort() }))
    .sort((a, b) => b.own.length - a.own.length || text(a.sender, b.sender));
  const volume = senders.map((s) => [s.sender, s.sender.split("@")[1]!, s.own.length.toLocaleString("en-US"), pct(s.own.length, total), minute(s.times[0]!), minute(s.times.at(-1)!)]);
  const category = (kind: "tls" | "auth", columns: string[]): string[][] => {
    const needs = (v: string): boolean => (kind === "tls" ? LEGACY.includes(v) : v === "basic");
    const values = columns.slice(2, -2).map((c) => c.replace(/ %$/, ""));
    return senders.map((s) => ({ s, flag: s.own.some((r) => needs(r[kind])) }))
      .sort((a, b) => Number(b.flag) - Number(a.flag) || b.s.own.length - a.s.own.length || text(a.s.sender, b.s.sender))
      .map(({ s }) => [s.sender, s.sender.split("@")[1]!, ...values.map((v) => {
        const n = s.own.filter((r) => r[kind] === v).length;
        return n === 0 ? "" : pct(n, s.own.length);
      }), s.own.length.toLocaleString("en-US"), minute(s.times.at(-1)!)]);
  };
  const pairs = new Map<string, CsvRow[]>();
  for (const r of rows.filter((x) => LEGACY.includes(x.tls) || x.auth === "basic")) pairs.set(`${r.sender} ${r.ip}`, [...(pairs.get(`${r.sender} ${r.ip}`) ?? []), r]);
  // The summary's order: senders on legacy TLS first, then by all their messages; a sender's addresses together, legacy TLS first, then by messages.
  const senderOf = (own: CsvRow[]) => senders.find((s) => s.sender === own[0]!.sender)!;
  const senderLegacy = (own: CsvRow[]): number => Number(senderOf(own).own.some((r) => LEGACY.includes(r.tls)));
  const action = [...pairs.values()].map((own) => ({ own, last: own.map((r) => r.time).sort().at(-1)!, legacy: own.some((r) => LEGACY.includes(r.tls)) }))
    .sort((a, b) => senderLegacy(b.own) - senderLegacy(a.own) || senderOf(b.own).own.length - senderOf(a.own).own.length || text(a.own[0]!.sender, b.own[0]!.sender)
      || Number(b.legacy) - Number(a.legacy) || b.own.length - a.own.length || text(a.own[0]!.ip, b.own[0]!.ip))
    .map(({ own, last }) => {
      const tls = TLS_ORDER.filter((v) => own.some((r) => r.tls === v));
      const auth = AUTH_ORDER.filter((v) => own.some((r) => r.auth === v));
      const problems = [...tls.filter((v) => LEGACY.includes(v)).map((v) => (v === "none" ? "no TLS" : v)), ...(auth.includes("basic") ? ["Basic auth"] : [])];
      return [own[0]!.sender, own[0]!.ip, problems.join(", "), tls.join(" "), auth.join(" "), own.length.toLocaleString("en-US"), minute(last)];
    });
  return { volume, category, action };
}

/** Picks a domain ("" for all) and a range of periods with the page's own controls. */
async function pick(page: Page, domain: string, from: string, to: string): Promise<void> {
  await page.selectOption("#show-domain", domain === "" ? { index: 0 } : domain);
  await page.selectOption("#show-from", { label: from });
  await page.selectOption("#show-to", { label: to });
}

/** Each table of the page: its column labels, its rows' cells (text), which rows are highlighted, and whether it says rows are left out. */
async function allTables(page: Page): Promise<Record<string, { columns: string[]; rows: string[][]; sorts: string[][]; flagged: boolean[]; note: string | null; capped: boolean }>> {
  return page.evaluate(() => Object.fromEntries(Array.from(document.querySelectorAll(".table-block"), (block) => {
    const body = Array.from(block.querySelectorAll("tbody tr")) as HTMLTableRowElement[];
    const note = block.querySelector<HTMLElement>(".table-note");
    return [block.id, {
      columns: Array.from(block.querySelectorAll("th"), (th) => th.textContent!),
      rows: body.map((r) => Array.from(r.cells, (c) => c.textContent!)),
      sorts: body.map((r) => Array.from(r.cells, (c) => c.dataset.sort ?? "")),
      flagged: body.map((r) => r.classList.contains("flagged")),
      note: note === null || note.hidden ? null : note.textContent,
      capped: !(block.querySelector<HTMLElement>(".capped")?.hidden ?? true),
    }];
  })));
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
    expect(tiles.map((t) => t.replace(/\s+/g, " ").trim())).toEqual(["28Senders using SMTP AUTH", "1,098Messages", "6Senders on legacy TLSnot counted: 1 sender with TLS unknown", "16Senders on Basic authnot counted: 1 sender with auth unknown", "n/aFailed loginsthese inputs cannot record failed logins (only server logs do)"]);
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

  it("recounts tiles, charts, every details table and the action list for the domain and dates picked, as counted from the CSV itself", async () => {
    const { page, requests } = await open(report);
    const before = await allTables(page);
    await pick(page, "fabrikam.example", "2026-11-17", "2026-11-20");
    // The naive count: the CSV's rows of that domain on those days.
    const rows = sampleRows().filter((r) => r.time >= "2026-11-17" && r.time < "2026-11-21" && r.sender.endsWith("@fabrikam.example"));
    const senders = new Set(rows.map((r) => r.sender));
    const legacy = new Set(rows.filter((r) => LEGACY.includes(r.tls)).map((r) => r.sender));
    const basic = new Set(rows.filter((r) => r.auth === "basic").map((r) => r.sender));
    expect(rows.length).toBeGreaterThan(50);
    const tile = async (name: string): Promise<string> => (await page.locator(`[data-tile="${name}"] .value`).textContent())!;
    expect([await tile("senders"), await tile("messages"), await tile("legacy"), await tile("basic")])
      .toEqual([senders.size, rows.length, legacy.size, basic.size].map((n) => n.toLocaleString("en-US")));
    // Senders with TLS unknown for some messages and none on legacy TLS: the legacy count is a lower bound, and the tile says by how many.
    const unknownTls = new Set(rows.filter((r) => r.tls === "unknown" && !legacy.has(r.sender)).map((r) => r.sender));
    const why = page.locator('[data-tile="legacy"] .why');
    expect((await why.isVisible()) ? await why.textContent() : "").toBe(unknownTls.size === 0 ? "" : `not counted: ${unknownTls.size} sender${unknownTls.size === 1 ? "" : "s"} with TLS unknown`);
    const charts = await page.evaluate(() => {
      const get = (id: string): any => (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): any } }).Chart.getChart(document.getElementById(id) as HTMLCanvasElement);
      const volume = get("volume-chart");
      const top = get("top-senders-chart");
      const tls = get("senders-tls-chart");
      return {
        labels: volume.data.labels, volume: volume.data.datasets.map((d: { label: string; data: number[] }) => [d.label, d.data]),
        top: top.data.labels.map((l: string, i: number) => [l, top.data.datasets[0].data[i]]),
        tls: tls.data.labels.map((l: string, i: number) => [l, tls.data.datasets[0].data[i]]),
      };
    });
    expect(charts.labels).toEqual(["2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"]);
    expect(charts.volume).toEqual([["fabrikam.example", charts.labels.map((day: string) => rows.filter((r) => r.time.startsWith(day)).length)]]);
    const expected = naiveTables(rows);
    expect(charts.top).toEqual(expected.volume.slice(0, 10).map((r) => [r[0], Number(r[2].replace(/,/g, ""))]));
    const byTls = new Map<string, Set<string>>();
    for (const r of rows) byTls.set(r.tls, (byTls.get(r.tls) ?? new Set()).add(r.sender));
    expect(new Map(charts.tls)).toEqual(new Map([...byTls].map(([v, s]) => [v, s.size])));
    // Every details table and the action list: each row, in the table's order, as counted from the CSV.
    const tables = await allTables(page);
    expect(tables["volume-table"]!.rows).toEqual(expected.volume);
    expect(tables["tls-table"]!.rows).toEqual(expected.category("tls", tables["tls-table"]!.columns));
    expect(tables["auth-table"]!.rows).toEqual(expected.category("auth", tables["auth-table"]!.columns));
    expect(tables["action-table"]!.rows).toEqual(expected.action);
    expect(tables["action-table"]!.rows.length).toBeGreaterThan(3);
    expect(tables["tls-table"]!.flagged).toEqual(expected.category("tls", tables["tls-table"]!.columns).map((r) => LEGACY.some((v) => rows.some((x) => x.sender === r[0] && x.tls === v))));
    for (const id of ["volume-table", "tls-table", "auth-table", "action-table"]) expect(tables[id]!.capped).toBe(false);
    expect(await page.textContent("#show-note")).toBe("Tiles, charts and tables count fabrikam.example, 2026-11-17 to 2026-11-20. Unusual activity is of the whole report.");
    expect(await page.locator("#unusual-table .scope").textContent()).toBe("Of the whole report (all domains, 2026-11-16 to 2026-11-22), not only fabrikam.example, 2026-11-17 to 2026-11-20.");
    // Back to all domains and the whole range: the page's own count is the server's, row for row.
    await pick(page, "", "2026-11-16", "2026-11-22");
    expect(await allTables(page)).toEqual(before);
    expect(await page.locator("#unusual-table .scope").isVisible()).toBe(false);
    expect(requests).toEqual([`file://${report}`]);
    await page.close();
  }, 60_000);

  it("says how many rows a table leaves out for the part picked, and recounts a table's sorting and filtering", async () => {
    // 2,400 senders of big.example on the first day, 300 of small.example on both days.
    const lines = ["timestamp,sender,tls,auth,client_ip"];
    for (let i = 0; i < 2_400; i++) lines.push(`2026-11-20T10:${String(i % 60).padStart(2, "0")}:00Z,dev-${i}@big.example,TLS1.0,LOGIN,10.1.${i >> 8}.${i & 255}`);
    for (let i = 0; i < 300; i++) for (const day of ["20", "21"]) lines.push(`2026-11-${day}T12:00:00Z,app-${i}@small.example,TLS1.2,XOAUTH2,10.2.${i >> 8}.${i & 255}`);
    const out = join(folder, "many-rows.html");
    expect(runCli(["report", put(folder, "many-rows.csv", `${lines.join("\n")}\n`), "--from", "2026-11-20", "--to", "2026-11-21", "-o", out]).code).toBe(0);
    const { page } = await open(out);
    const capped = async (id: string): Promise<string | null> => ((await page.locator(`#${id} .capped`).isVisible()) ? (await page.locator(`#${id} .capped`).textContent())!.replace(/\s+/g, " ") : null);
    expect(await capped("volume-table")).toContain("the first 2,000 of 2,700 rows, in this table's order; 700 more are left out");
    await pick(page, "big.example", "2026-11-20", "2026-11-21");
    expect(await capped("volume-table")).toContain("the first 2,000 of 2,400 rows, in this table's order; 400 more are left out");
    expect(await capped("action-table")).toContain("the first 2,000 of 2,400 rows");
    expect(await page.locator("#volume-table tbody tr").count()).toBe(2_000);
    await pick(page, "", "2026-11-21", "2026-11-21");
    expect(await capped("volume-table")).toBeNull();
    expect(await capped("action-table")).toBeNull();
    expect(await page.locator("#volume-table tbody tr").count()).toBe(300);
    // No legacy TLS, no Basic auth on that day: the action list says so for the part picked.
    expect(await page.locator("#action-table tbody tr").count()).toBe(0);
    expect(await page.textContent("#action-table .table-note")).toBe("Nothing to do: no legacy TLS and no Basic authentication in all domains, 2026-11-21 to 2026-11-21.");
    // A filter typed before a pick holds for the rows recounted after it; a header sorts them.
    await page.fill("#volume-table .filter", "app-29");
    await pick(page, "small.example", "2026-11-20", "2026-11-21");
    expect(await page.locator("#volume-table tbody tr:not([hidden]) td:first-child").allTextContents()).toEqual(["app-29@small.example", ...Array.from({ length: 10 }, (_, i) => `app-29${i}@small.example`)].sort());
    await page.click("#volume-table th:nth-child(1)");
    await page.click("#volume-table th:nth-child(1)");
    expect((await page.locator("#volume-table tbody tr:not([hidden]) td:first-child").allTextContents())[0]).toBe("app-29@small.example");
    await page.close();
  }, 60_000);

  it("never says 'nothing to do' for a part picked where a sender's TLS or auth is unknown, and says the counts are lower bounds", async () => {
    const csv = "timestamp,sender,tls_version,auth\n2026-11-20T08:00:00Z,app@a.example,TLS1.2,XOAUTH2\n2026-11-21T09:00:00Z,printer@a.example,,XOAUTH2\n2026-11-21T10:00:00Z,app@a.example,TLS1.3,XOAUTH2\n";
    const out = join(folder, "unknown-part.html");
    expect(runCli(["report", put(folder, "unknown-part.csv", csv), "--from", "2026-11-20", "--to", "2026-11-21", "-o", out]).code).toBe(0);
    const { page } = await open(out);
    const seen = async (): Promise<[string, string | null, boolean]> => [
      (await page.textContent("#action-table .table-note"))!,
      (await page.locator('[data-tile="legacy"] .why').isVisible()) ? await page.textContent('[data-tile="legacy"] .why') : null,
      await page.locator('[data-tile="legacy"]').evaluate((e) => e.classList.contains("alert")),
    ];
    await pick(page, "", "2026-11-21", "2026-11-21");
    expect(await seen()).toEqual(["No use found, but this is not an all-clear: not counted: 1 sender with TLS unknown.", "not counted: 1 sender with TLS unknown", true]);
    await pick(page, "", "2026-11-20", "2026-11-20");
    expect(await seen()).toEqual(["Nothing to do: no legacy TLS and no Basic authentication in all domains, 2026-11-20 to 2026-11-20.", null, false]);
    await page.close();
  }, 60_000);

  it("keeps saying which command-line filters failed logins do not follow, and says they are of the whole report where they are kept by day (--by hour)", async () => {
    const log = join(FIXTURES, "postfix", "maillog");
    const byDay = join(folder, "failed-domain.html");
    expect(runCli(["report", log, "--year", "2026", "--all", "--domain", "northwind.example", "-o", byDay]).code).toBe(0);
    const day = await open(byDay);
    // Filtered on the command line, "all" is what the filters kept, not every domain of the input.
    expect(await day.page.textContent("#show-note")).toBe("Tiles, charts and tables count all the filters above keep over the whole range.");
    expect(await day.page.textContent("#show-domain option[value='']")).toBe("all the filters above keep");
    await pick(day.page, "", "2026-11-22", "2026-11-22");
    expect(await day.page.textContent("#show-note")).toMatch(/^Tiles, charts and tables count all the filters above keep, 2026-11-22 to 2026-11-22\./);
    expect(await day.page.textContent("#failed-table .table-note")).toContain("--domain does not apply to failed logins (they have a client address only; --client-ip applies).");
    expect(await day.page.locator("#failed-table .scope").isVisible()).toBe(false);
    await day.page.close();
    const byHour = join(folder, "failed-hour.html");
    expect(runCli(["report", log, "--year", "2026", "--all", "--by", "hour", "-o", byHour]).code).toBe(0);
    const hour = await open(byHour);
    const before = await hour.page.textContent("#failed-table h2");
    await pick(hour.page, "", "2026-11-21T05:00Z", "2026-11-21T18:00Z");
    expect(await hour.page.textContent("#failed-table h2")).toBe(before);
    expect(await hour.page.textContent("#failed-table .scope")).toMatch(/^Of the whole report \(all domains, 2026-11-21T00:00Z to 2026-11-22T23:00Z\), not only all domains, 2026-11-21T05:00Z to 2026-11-21T18:00Z\.$/);
    expect(await hour.page.textContent("#show-note")).toContain("Failed logins are of the whole report.");
    await hour.page.close();
  }, 60_000);

  it("writes first and last seen on the report's clock across a daylight-saving change, as the server does", async () => {
    // Europe/Berlin leaves summer time at 01:00 UTC on 2026-10-25: 02:30 local comes twice.
    const times = ["2026-10-24T22:10:00Z", "2026-10-25T00:30:00Z", "2026-10-25T00:59:00Z", "2026-10-25T01:30:00Z", "2026-10-25T23:45:00Z", "2026-10-26T09:00:00Z"];
    const lines = ["timestamp,sender,tls,auth,client_ip", ...times.flatMap((t, i) => [`${t},dev-${i}@a.example,TLS1.0,LOGIN,10.0.0.${i}`, `${t},app@b.example,TLS1.2,XOAUTH2,10.0.1.1`])];
    const out = join(folder, "berlin.html");
    expect(runCli(["report", put(folder, "berlin.csv", `${lines.join("\n")}\n`), "--tz", "Europe/Berlin", "--from", "2026-10-24", "--to", "2026-10-26", "-o", out]).code).toBe(0);
    const { page } = await open(out);
    const before = await allTables(page);
    expect(before["volume-table"]!.rows.find((r) => r[0] === "app@b.example")!.slice(4)).toEqual(["2026-10-25 00:10", "2026-10-26 10:00"]);
    expect(before["volume-table"]!.rows.find((r) => r[0] === "dev-3@a.example")!.slice(4)).toEqual(["2026-10-25 02:30", "2026-10-25 02:30"]);
    await pick(page, "a.example", "2026-10-25", "2026-10-26");
    await pick(page, "", "2026-10-24", "2026-10-26");
    expect(await allTables(page)).toEqual(before);
    await page.close();
  }, 60_000);

  it("recounts the failed logins per client address for the dates picked, as counted in the log, and says a domain cannot split them", async () => {
    const log = join(FIXTURES, "postfix", "maillog");
    const out = join(folder, "failed-picked.html");
    expect(runCli(["report", log, "--year", "2026", "--all", "-o", out]).code).toBe(0);
    // The naive count of one day: one "authentication failed" warning is one failed login from the address in brackets.
    const day = (prefix: string): Map<string, number> => {
      const counts = new Map<string, number>();
      for (const m of readFileSync(log, "utf8").matchAll(/^(\w{3} \d\d) .*\[([^\]]+)\]: SASL \S+ authentication failed/gm)) if (m[1] === prefix) counts.set(m[2]!, (counts.get(m[2]!) ?? 0) + 1);
      return counts;
    };
    const { page } = await open(out);
    const shown = async (): Promise<Map<string, number>> => new Map((await page.locator("#failed-table tbody tr").evaluateAll((trs) => trs.map((tr) => [tr.cells[0]!.textContent!, Number(tr.cells[1]!.textContent!.replace(/,/g, ""))] as [string, number]))));
    for (const [label, prefix] of [["2026-11-21", "Nov 21"], ["2026-11-22", "Nov 22"]] as const) {
      await pick(page, "", label, label);
      const expected = day(prefix);
      expect(expected.size).toBeGreaterThan(1);
      expect(await shown()).toEqual(expected);
      const total = [...expected.values()].reduce((a, b) => a + b, 0);
      expect(await page.textContent("#failed-table h2")).toBe(`Failed logins by client address: ${total} from ${expected.size} addresses`);
      expect(await page.textContent('[data-tile="failed"] .value')).toBe(String(total));
    }
    // Picking a domain keeps every failed login of the dates, and says why beside the table.
    const domain = await page.locator("#show-domain option").nth(1).textContent();
    await pick(page, domain!, "2026-11-22", "2026-11-22");
    expect(await shown()).toEqual(day("Nov 22"));
    expect(await page.textContent("#failed-table .scope")).toBe("Failed logins of all domains, 2026-11-22 to 2026-11-22: a failed login names no sender, so no domain.");
    await page.close();
  }, 60_000);

  it("fits a 390 px phone: nothing overflows the page, wide tables scroll in their own box, with and without a domain and dates picked", async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`file://${report}`);
    const fits = async (): Promise<void> => {
      const fit = await page.evaluate(() => ({
        page: document.documentElement.scrollWidth,
        canvases: Array.from(document.querySelectorAll("canvas"), (c) => c.getBoundingClientRect()).map((r) => [r.left, r.right]),
        table: (() => { const box = document.querySelector("#action-table .scroll")!; return [box.scrollWidth, box.clientWidth]; })(),
        lines: Array.from(document.querySelectorAll<HTMLElement>(".scope, #show-note, .table-note, .capped"), (e) => e.getBoundingClientRect().right),
      }));
      expect(fit.page).toBeLessThanOrEqual(390);
      expect(fit.canvases).toHaveLength(6);
      for (const [left, right] of fit.canvases) {
        expect(left).toBeGreaterThanOrEqual(0);
        expect(right).toBeLessThanOrEqual(390);
        expect(right! - left!).toBeGreaterThan(250);
      }
      for (const right of fit.lines) expect(right).toBeLessThanOrEqual(390);
      // The action table is wider than a phone: it scrolls inside its box.
      expect(fit.table[0]).toBeGreaterThan(fit.table[1]!);
    };
    await fits();
    await page.screenshot({ path: join(folder, "report-phone.png"), fullPage: true });
    await pick(page, "northwind.example", "2026-11-18", "2026-11-21");
    expect(await page.locator("#unusual-table .scope").isVisible()).toBe(true);
    await fits();
    await page.close();
  }, 60_000);

  it("draws lines as straight segments (no curve passes a value the data lacks) and bar names whole or with an ellipsis, whole in the tooltip", async () => {
    for (const width of [1400, 390]) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await page.goto(`file://${report}`);
      const drawn = await page.evaluate(() => {
        const get = (id: string): any => (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): any } }).Chart.getChart(document.getElementById(id) as HTMLCanvasElement);
        const tensions = ["volume-chart", "tls-chart", "auth-chart", "progress-chart"].flatMap((id) => get(id).data.datasets.map((_: unknown, i: number) => get(id).getDatasetMeta(i).dataset.options.tension));
        const bars = get("top-senders-chart");
        const y = bars.scales.y;
        const ctx = bars.ctx as CanvasRenderingContext2D;
        ctx.font = y._resolveTickFontOptions(0).string;
        const ticks = y.ticks.map((t: { label: string }) => ({ label: t.label, width: ctx.measureText(t.label).width }));
        bars.tooltip.setActiveElements([{ datasetIndex: 0, index: 6 }], { x: 0, y: 0 });
        bars.update();
        return { tensions, names: bars.data.labels as string[], ticks, axis: y.width, left: y.left, title: bars.tooltip.title };
      });
      expect(drawn.tensions.length).toBeGreaterThan(8);
      expect(new Set(drawn.tensions)).toEqual(new Set([0]));
      expect(drawn.left).toBeGreaterThanOrEqual(0);
      // Each name is drawn whole, or as its start and "…", inside the axis (not cut off at the canvas's left edge).
      drawn.ticks.forEach((t, i) => {
        const name = drawn.names[i]!;
        expect(t.label === name || (t.label.endsWith("…") && name.startsWith(t.label.slice(0, -1)))).toBe(true);
        expect(t.width).toBeLessThanOrEqual(drawn.axis);
      });
      expect(drawn.names[6]).toBe("scan-warehouse@fabrikam.example");
      expect(drawn.title).toEqual(["scan-warehouse@fabrikam.example"]);
      if (width === 390) expect(drawn.ticks[6]!.label).toMatch(/^scan-warehouse@.*…$/);
      await page.close();
    }
  }, 60_000);

  it("stacks the share charts (each area above the one under it) and tells messages and percent in the tooltip", async () => {
    const { page } = await open(report);
    const tls = await page.evaluate(() => {
      const chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): any } }).Chart.getChart(document.getElementById("tls-chart") as HTMLCanvasElement);
      const datasets = chart.data.datasets as { label: string; fill: unknown; data: number[]; messages: number[]; backgroundColor: string }[];
      chart.tooltip.setActiveElements(datasets.map((_, datasetIndex) => ({ datasetIndex, index: 6 })), { x: 0, y: 0 });
      chart.update();
      const legend = chart.legend.legendItems.map((l: { text: string; fillStyle: string }) => [l.text, l.fillStyle]);
      return {
        stacked: chart.options.scales.y.stacked, fills: datasets.map((d) => d.fill), legend,
        colours: datasets.map((d) => [d.label, d.backgroundColor]),
        last: datasets.map((d) => [d.label, d.messages[6], d.data[6]]),
        tooltip: chart.tooltip.body.flatMap((b: { lines: string[] }) => b.lines),
      };
    });
    expect(tls.stacked).toBe(true);
    expect(tls.fills).toEqual(tls.fills.map((_, i) => (i === 0 ? "origin" : "-1")));
    expect(tls.legend).toEqual(tls.colours);
    // The last day's shares: each series' messages over the day's messages, as the tooltip says.
    const day = tls.last.reduce((n, [, m]) => n + (m as number), 0);
    expect(day).toBeGreaterThan(0);
    expect(tls.tooltip).toEqual(tls.last.map(([label, messages, share]) => `${label}: ${(messages as number).toLocaleString("en-US")} messages (${(share as number).toFixed(2)} %)`));
    for (const [, messages, share] of tls.last) expect(share).toBeCloseTo((100 * (messages as number)) / day, 2);
    await page.close();
  }, 60_000);

  for (const [format, widthMm, points] of [["A4", 210, [595, 842]], ["Letter", 215.9, [612, 792]]] as const) {
    it(`prints on ${format}, a domain and dates picked: every chart canvas lies within the page's width`, async () => {
      const { page } = await open(report);
      await pick(page, "fabrikam.example", "2026-11-17", "2026-11-20");
      await page.emulateMedia({ media: "print" });
      // The printed width: the paper less the page's 12 mm margins, in CSS pixels (96 per inch).
      const width = Math.floor(((widthMm - 24) * 96) / 25.4);
      await page.setViewportSize({ width, height: 1000 });
      await page.evaluate(() => window.dispatchEvent(new Event("beforeprint")));
      // Chart.js redraws on its next frame: on a loaded machine that can come later than the next evaluate.
      await page.waitForFunction((w) => Array.from(document.querySelectorAll("canvas")).every((c) => c.getBoundingClientRect().width > w * 0.8), width, { timeout: 10_000 }).catch(() => undefined);
      const canvases = await page.evaluate(() => Array.from(document.querySelectorAll("canvas"), (c) => c.getBoundingClientRect()).map((r) => [r.left, r.right]));
      expect(canvases).toHaveLength(6);
      for (const [left, right] of canvases) {
        expect(left).toBeGreaterThanOrEqual(0);
        expect(right).toBeLessThanOrEqual(width);
        expect(right! - left!).toBeGreaterThan(width * 0.8);
      }
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      // What is printed is what was picked.
      expect(await page.textContent('[data-tile="messages"] .value')).toBe(String(sampleRows().filter((r) => r.time >= "2026-11-17" && r.time < "2026-11-21" && r.sender.endsWith("@fabrikam.example")).length));
      const pdf = await page.pdf({ format });
      expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
      // Every page is of the paper asked for (in points, 72 per inch).
      const boxes = [...pdf.toString("latin1").matchAll(/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/g)].map((m) => [Number(m[1]), Number(m[2])]);
      expect(boxes.length).toBeGreaterThan(1);
      for (const [w, h] of boxes) {
        expect(Math.abs(w! - points[0])).toBeLessThan(1.5);
        expect(Math.abs(h! - points[1])).toBeLessThan(1.5);
      }
      await page.close();
    }, 60_000);
  }

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

describe("report: the README's screenshots of the sample data", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => browser?.close());

  it("picks a domain and dates in the sample's report: every table holds that domain only (UPDATE_GOLDEN=1 takes the screenshots again)", async () => {
    const sample = join(folder, "sample.html");
    // The input named as the README's example names it (runs start in the repository's folder).
    expect(runCli(["report", "fixtures/submissions.csv", "--output", sample]).code).toBe(0);
    const shots = process.env.UPDATE_GOLDEN === "1" ? join(FIXTURES, "screenshots") : folder;
    const desktop = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await desktop.goto(`file://${sample}`);
    // The top of the page: the controls, tiles, action list, progress and the first charts (the whole page is 4,000 px, too big a picture).
    await desktop.screenshot({ path: join(shots, "report.png"), clip: { x: 0, y: 0, width: 1280, height: 1760 }, fullPage: true });
    await pick(desktop, "fabrikam.example", "2026-11-16", "2026-11-20");
    const tables = await allTables(desktop);
    for (const id of ["volume-table", "tls-table", "auth-table"]) {
      expect(tables[id]!.rows.length).toBeGreaterThan(3);
      expect(new Set(tables[id]!.rows.map((r) => r[1]))).toEqual(new Set(["fabrikam.example"]));
    }
    expect(tables["action-table"]!.rows.every((r) => r[0]!.endsWith("@fabrikam.example"))).toBe(true);
    await desktop.screenshot({ path: join(shots, "report-domain.png"), clip: { x: 0, y: 0, width: 1280, height: 1150 }, fullPage: true });
    await desktop.close();
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    await phone.goto(`file://${sample}`);
    const charts = (await phone.locator(".charts").boundingBox())!;
    await phone.screenshot({ path: join(shots, "report-phone.png"), clip: { x: 0, y: charts.y, width: 390, height: 844 }, fullPage: true });
    await phone.close();
    for (const name of ["report.png", "report-domain.png", "report-phone.png"]) expect(statSync(join(shots, name)).size).toBeLessThan(300_000);
  }, 60_000);
});

describe("report command", () => {
  it("turns the page's own filters off above the stated cap, and says so", () => {
    const lines = ["timestamp,sender,tls_version,auth,client_ip"];
    for (let i = 0; i < 50_001; i++) lines.push(`2026-11-20T10:00:00Z,s${i}@many.example,TLS1.2,oauth,10.0.0.1`);
    const out = join(folder, "capped.html");
    expect(runCli(["report", put(folder, "many.csv", `${lines.join("\n")}\n`), "-o", out]).code).toBe(0);
    const html = readFileSync(out, "utf8");
    expect(html).toContain("These controls are off: the page carries at most 50,000 rows");
    expect(html).toMatch(/<select id="show-domain" disabled>/);
    expect(html).toContain('"cube":null');
  }, 60_000);

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
    const rows = [...section.matchAll(/<tr><td class="wrap">([^<]+)<\/td><td class="num" data-sort="(\d+)">/g)].map((m) => [m[1], Number(m[2])]);
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
