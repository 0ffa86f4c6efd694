import { splitCsvLine } from "./csv.js";
import { eachLine } from "./lines.js";
import { quote, type ReadReport } from "./read-report.js";
import { parseTimestamp } from "../core/timestamp.js";
import { Zone } from "../core/zone.js";
import { domainOf, parseAuthKind, parseTlsVersion, recognisedAuthKind, type SubmissionSink, type TlsVersion } from "../core/record.js";
import { Repeats, type ExchangeSession, type ServerLogRun } from "./server-log-run.js";

interface Columns {
  time: number;
  session: number;
  sequence: number;
  remote: number;
  event: number;
  data: number;
  context: number;
}

const UTC = Zone.named("UTC");
/** The fields of Exchange's SMTP Receive protocol log, in the order Exchange writes them. */
export const STANDARD_FIELDS = "date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context";
const TLS_NEGOTIATED = /TLS protocol (\S+) negotiation succeeded/;
/** Where a line names the authenticated account: `User Name: U`, `authenticated as U`, `successful for user U`. */
const AUTHENTICATED_AS = /(?:User Name: ?|authenticated as |successful (?:as|for)(?: user)? )"?([^\s,"]+)/i;

/**
 * Reads Exchange Server SMTP Receive protocol logs (`#Fields:` CSV with session-id and
 * sequence-number). Per session: the negotiated TLS version, the `AUTH` mechanism, the authenticated
 * user, the client address; every `MAIL FROM` accepted (a 2xx reply) after a successful login is one
 * submission. `535` replies count as failed logins. A new `#Fields:` line (log rollover) is honoured.
 * Sessions are the run's: one cut by the log's rollover goes on in the next file. A submission (session
 * id and sequence number) or a failed-login line read before in the run (a copy of a log) is counted once.
 * Accepted `MAIL FROM` lines of sessions that began before the run's inputs are counted in a note.
 * Returns the number of log lines read (not `#` lines).
 */
export async function readExchange(source: string, bytes: AsyncGenerator<Buffer>, report: ReadReport, sink: SubmissionSink, run: ServerLogRun): Promise<number> {
  sink.expectFailedLogins();
  const sessions = run.exchange;
  const repeats = new Repeats(run, report, sink);
  let lines = 0;
  let columns: Columns | undefined;
  let sawFields = false;
  // Whether the run's Exchange logs so far have a TLS line (a session cut by the rollover goes on here).
  let fileHasTls = run.exchangeHasTls;
  // Accepted MAIL FROM lines of sessions whose start and login came before the input.
  let beganBefore = 0;
  // Whether this file itself has a TLS line and an AUTH command: a file with submissions and neither cannot tell it at all.
  let tlsHere = false;
  let authHere = false;
  const recordsBefore = report.records;
  await eachLine(bytes, (buffer, start, end, lineNumber) => {
    const rawLine = buffer.toString("utf8", start, end);
    const line = lineNumber === 1 ? rawLine.replace(/^\uFEFF/, "") : rawLine;
    if (line.startsWith("#")) {
      if (line.startsWith("#Fields:")) {
        sawFields = true;
        columns = fieldColumns(splitCsvLine(line.slice(8).trim()), source, lineNumber, report);
      }
      return;
    }
    if (!sawFields && columns === undefined) {
      // An excerpt without its header lines: Exchange's standard fields, in their order.
      sawFields = true;
      columns = fieldColumns(STANDARD_FIELDS.split(","), source, lineNumber, report);
      report.note(`${source}: no #Fields: header; read with Exchange's standard SMTP Receive fields: ${STANDARD_FIELDS}`);
    }
    if (line === "" || columns === undefined) return;
    lines++;
    const cells = splitCsvLine(line);
    const id = cells[columns.session] ?? "";
    const event = cells[columns.event] ?? "";
    const data = cells[columns.data] ?? "";
    const context = cells[columns.context] ?? "";
    if (event === "+") {
      sessions.set(id, { auth: "unknown", user: "", authenticated: false, observed: true } satisfies ExchangeSession);
      return;
    }
    let session = sessions.get(id);
    if (event === "-") {
      sessions.delete(id);
      return;
    }
    if (session === undefined) {
      session = { auth: "unknown", user: "", authenticated: false, observed: false };
      sessions.set(id, session);
    }
    // Exchange writes UTC instants; the same bounds as every reader (2000-2099) apply.
    const timestamp = parseTimestamp(cells[columns.time] ?? "", UTC);
    if (event === "*") {
      const tls = TLS_NEGOTIATED.exec(context) ?? TLS_NEGOTIATED.exec(data);
      if (tls) {
        tlsHere = true;
        session.tls = parseTlsVersion(tls[1]!) ?? "unknown";
        if (!fileHasTls) {
          fileHasTls = run.exchangeHasTls = true;
          sink.settle("none");
        }
      } else if (context === "authenticated" && data !== "") {
        session.user = data;
        session.authenticated = true;
      } else {
        const named = AUTHENTICATED_AS.exec(`${data} ${context}`);
        if (named) session.user = named[1]!;
      }
      return;
    }
    if (event === "<") {
      const command = data.trimStart().toUpperCase();
      if (command.startsWith("AUTH ")) {
        authHere = true;
        const mechanism = data.trim().split(/\s+/)[1] ?? "";
        session.auth = parseAuthKind(mechanism);
        if (mechanism !== "" && recognisedAuthKind(mechanism) === undefined) report.unrecognisedAuth(source, lineNumber, mechanism);
      } else if (command.startsWith("MAIL FROM:")) {
        const address = /<([^>]*)>/.exec(data)?.[1] ?? data.slice(data.indexOf(":") + 1).trim().split(/\s/)[0] ?? "";
        session.mail = { address, timestamp, sequence: cells[columns.sequence] ?? "" };
      }
      return;
    }
    if (event !== ">") return;
    if (data.startsWith("235")) {
      session.authenticated = true;
      // A reply that names the account (`235 2.7.0 Authentication successful as NORTHWIND\mfp`) names the user too.
      const named = AUTHENTICATED_AS.exec(data);
      if (named && session.user === "") session.user = named[1]!;
      return;
    }
    if (data.startsWith("535")) {
      if (Number.isNaN(timestamp)) report.skip(source, lineNumber, `date-time ${quote(cells[columns.time] ?? "")} not understood (ISO 8601 instants of 2000-2099)`);
      else repeats.failedLogin(buffer, start, end, 0, timestamp, endpointAddress(cells[columns.remote] ?? ""));
      return;
    }
    const mail = session.mail;
    if (mail === undefined) return;
    session.mail = undefined;
    if (!data.startsWith("2")) return;
    if (!session.authenticated) {
      // A session whose start is not in the run's inputs (the log begins mid-session): whether it logged in cannot be told.
      if (!session.observed) beganBefore++;
      return;
    }
    if (Number.isNaN(mail.timestamp)) {
      report.skip(source, lineNumber, `date-time ${quote(cells[columns.time] ?? "")} not understood (ISO 8601 instants of 2000-2099)`);
      return;
    }
    const sender = (session.user || mail.address).toLowerCase();
    if (sender === "") return;
    // A session id is unique to its server; with the MAIL FROM's sequence number it names one message.
    const key = Buffer.from(`${id},${mail.sequence}`);
    if (repeats.submission(key, 0, key.length, 0, mail.timestamp)) return;
    const submission = {
      timestamp: mail.timestamp, sender, domain: domainOf(sender), tls: session.tls ?? (session.observed && fileHasTls ? "none" : "unknown") as TlsVersion,
      auth: session.auth, clientIp: endpointAddress(cells[columns.remote] ?? ""), messages: 1,
    };
    report.records++;
    if (session.observed && session.tls === undefined && !fileHasTls) sink.addUnsettled(submission);
    else sink.add(submission);
  }, (lineNumber, reason) => report.skip(source, lineNumber, reason));
  repeats.finish(source);
  if (report.records > recordsBefore) {
    if (!tlsHere) report.untoldInput(source, "tls", "no TLS negotiation lines; set protocol logging to Verbose on the receive connector");
    if (!authHere) report.untoldInput(source, "auth", "no AUTH commands");
  }
  if (beganBefore > 0) {
    const lines = beganBefore === 1 ? "line was" : "lines were";
    // The day's files by Exchange's name (`RECV2026102009-2.LOG` → `RECV20261020*.LOG`).
    const name = /([^/\\]*?\d{8})\d{0,2}-\d+\.(log)$/i.exec(source);
    // In the file's own case: a glob of `recv...*.LOG` matches no `recv...-1.log` on Linux.
    const glob = name === null ? "RECV20261120*.LOG" : `${name[1]}*.${name[2]}`;
    report.note(`${source}: ${beganBefore} accepted MAIL FROM ${lines} in sessions that began before the input (their login is not in it, so their auth cannot be told): not counted; give the log's earlier files too (the files of a day together, e.g. '${glob}')`);
  }
  // Submissions still waiting (no TLS line in the run's Exchange logs yet) wait for the run's later
  // files; the aggregate settles them `unknown` if none has one.
  return lines;
}

function fieldColumns(names: string[], source: string, line: number, report: ReadReport): Columns | undefined {
  const at = (name: string): number => names.findIndex((n) => n.trim().toLowerCase() === name);
  const columns = { time: at("date-time"), session: at("session-id"), sequence: at("sequence-number"), remote: at("remote-endpoint"), event: at("event"), data: at("data"), context: at("context") };
  if (Object.values(columns).some((i) => i < 0)) {
    report.skip(source, line, "#Fields: line without date-time, session-id, sequence-number, remote-endpoint, event, data and context; lines up to the next #Fields: are passed over");
    return undefined;
  }
  return columns;
}

/** The address of an `address:port` endpoint (`[v6]:port` too). */
function endpointAddress(endpoint: string): string {
  const v6 = /^\[([^\]]+)\]/.exec(endpoint);
  if (v6) return v6[1]!;
  const colon = endpoint.lastIndexOf(":");
  return colon > 0 && endpoint.indexOf(":") === colon ? endpoint.slice(0, colon) : endpoint;
}
