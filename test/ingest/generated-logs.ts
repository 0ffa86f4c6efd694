// What the server-log tests share: the export a generated log should give, its failed logins, and its
// file dated just after its last line.
import { utimesSync } from "node:fs";
import { grepFiltered, postfixEvents, prng, throughSpreadsheet, twoHosts, writeEvents, type GeneratedLog, type LogEvent, type LogForm } from "../../fixtures/mail-logs.js";
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

/** A random Postfix log as the property tests make it: its form, how it was mangled, how it is read. */
export interface PostfixCase {
  seed: number;
  form: LogForm;
  /** 0 as written, 1 grep-filtered, 2 written twice, 3 from mid-session, 4 through a spreadsheet, 5 two hosts, 6 lossy (some connect lines lost). */
  variant: number;
  zone: string;
  by: AggregatorSpec["by"];
  /** Stray lines put in (0: none). */
  strays: number;
  /** Lines of another program put first (moving a file's middle by a line or more). */
  shift?: number;
}

/**
 * A generated Postfix log of a case, with `strays` lines from `stray` put in at random places;
 * `written` changes the text as written, before a spreadsheet mangles it (journal entries shuffled).
 */
export function postfixCaseText(c: PostfixCase, stray: string[], written: (text: string) => string = (t) => t): string {
  const options = { seed: c.seed, sessions: 20 + (c.seed % 150), start: NOV(20) + (c.seed % 7) * 3_600_000, span: 2 * 86_400, classic: false, devices: 12 };
  const sessions = c.variant === 5 ? twoHosts(options) : postfixEvents(options);
  let events: LogEvent[] = sessions.events;
  if (c.variant === 3) events = events.slice(Math.floor(events.length / 3));
  if (c.variant === 2) events = events.flatMap((e) => [e, e]);
  // Lost connect lines (syslog over UDP): a session may then follow another's end on the same process without one.
  const random = prng(c.seed + 1);
  if (c.variant === 6) events = events.filter((e) => !e.message.startsWith("connect from") || random() < 0.5);
  const shift = Array.from({ length: c.shift ?? 0 }, (_, k): LogEvent => ({ t: options.start, seq: k, program: "postfix/anvil", pid: 9, message: `statistics: max connection rate ${k}/60s` }));
  events = [...shift, ...events];
  let text = written(c.variant === 1 ? grepFiltered({ events, submissions: sessions.submissions }, c.form).text : writeEvents(events, c.form));
  if (c.variant === 4) text = throughSpreadsheet(text);
  return withStrays(text, c, stray);
}

/** A text with a case's number of lines from `stray` put in at random places. */
export function withStrays(text: string, c: Pick<PostfixCase, "seed" | "strays">, stray: string[]): string {
  if (c.strays === 0) return text;
  const random = prng(c.seed + 2);
  const lines = text.split("\n");
  for (let k = 0; k < c.strays; k++) lines.splice(Math.floor(random() * lines.length), 0, stray[Math.floor(random() * stray.length)]!);
  return lines.join("\n");
}
