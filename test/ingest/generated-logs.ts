// What the server-log tests share: the export a generated log should give, its failed logins, and its
// file dated just after its last line.
import { utimesSync } from "node:fs";
import type { GeneratedLog } from "../../fixtures/mail-logs.js";
import { Zone } from "../../src/core/zone.js";
import { createAggregator, type AggregatorSpec } from "../../src/engine/aggregate.js";
import { readInputs, type ReadOptions } from "../../src/ingest/read.js";
import { exportCsv } from "../../src/render/rows.js";
import { put, scratch } from "../helpers.js";
import { naiveExport } from "../naive.js";

/** The header row of an export. */
export const HEADER = "period,sender,domain,tls_version,auth,client_ip,messages,first_seen,last_seen";

/** The export (`--all`, by day) that a generated log's submissions give, computed naively. */
export const expected = (log: Pick<GeneratedLog, "submissions">, zone = "UTC"): string =>
  `${[HEADER, ...naiveExport(log.submissions, zone, "day", { kind: "all" })].join("\n")}\n`;

/** All failed logins of a generated log. */
export const failedTotal = (log: Pick<GeneratedLog, "failedLogins">): number => [...log.failedLogins.values()].reduce((a, b) => a + b, 0);

/** An instant in November 2026 (UTC). */
export const NOV = (day: number, hour = 0): number => Date.UTC(2026, 10, day, hour);

const folder = scratch();

/** A file of a generated log, dated just after its last line (classic times take their year from it). */
export function logFile(name: string, text: string): string {
  const file = put(folder, name, text);
  utimesSync(file, new Date(NOV(28)), new Date(NOV(28)));
  return file;
}

let files = 0;

/**
 * Texts read as files (dated as logFile's) in one run, in a zone and period, with reading options added:
 * the export, the failed logins and what the read report says (file names as F), or the error.
 */
export async function readLogs(texts: string[], view: { zone: string; by: AggregatorSpec["by"] }, extra: (spec: AggregatorSpec) => Partial<ReadOptions> = () => ({})): Promise<string> {
  const sources = texts.map((text) => {
    const path = logFile(`read-logs/${files++}.log`, text);
    return { name: path.replace(/^.*\//, ""), path };
  });
  const spec: AggregatorSpec = { timeZone: view.zone, by: view.by, filters: { domains: [], senders: [], tls: [], auth: [], clientIps: [] }, all: true };
  const aggregator = createAggregator(spec);
  const report = await readInputs(sources, { zone: Zone.named(view.zone), dateOrder: "mdy", plain: false, maps: new Map(), strict: false, now: NOV(28), ...extra(spec) }, aggregator).catch((error: Error) => error.message);
  if (typeof report === "string") return `error: ${report.replace(/\d+\.log/g, "F")}`;
  const summary = aggregator.finish();
  const out = Buffer.concat([...exportCsv(summary, false)]).toString();
  const names = (s: string): string => s.replace(/\d+\.log/g, "F");
  const found = { ...report.counts(), failedLogins: report.failedLogins, notes: report.notes.map(names), empty: report.empty.map(names), failed: [...(summary.failedLogins ?? new Map())] };
  return names(`${JSON.stringify(found)}\n${out}`);
}
