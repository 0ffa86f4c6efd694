// What the server-log tests share: the export a generated log should give, its failed logins, and its
// file dated just after its last line.
import { utimesSync } from "node:fs";
import type { GeneratedLog } from "../../fixtures/mail-logs.js";
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
