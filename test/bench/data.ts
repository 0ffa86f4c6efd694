// Deterministic benchmark inputs shaped like a real organisation's submission logs: thousands of
// senders (people, printers, applications) with one or two devices each; each sender has its own
// TLS and auth habits (a second device, a phone or a printer, may differ), a few upgrade during the
// 90 days; activity is heavy-tailed (a few busy senders, many that send now and then), weekdays and
// office hours are busier. The number of senders sets the number of groups (active device-days).
import { createWriteStream, existsSync, mkdirSync, renameSync } from "node:fs";
import { dirname } from "node:path";
import { once } from "node:events";
import { eximLog, postfixEvents, postfixLog, prng, writeEvents } from "../../fixtures/mail-logs.js";

const DAY = 86_400_000;
const DAYS = 90;
const START = Date.UTC(2026, 7, 24);
const OPENSSL: Record<string, string> = { "TLS1.0": "TLSv1", "TLS1.1": "TLSv1.1", "TLS1.2": "TLSv1.2", "TLS1.3": "TLSv1.3", none: "none" };
const SASL: Record<string, string[]> = { basic: ["LOGIN", "PLAIN"], oauth: ["XOAUTH2"] };
const FIRST = ["anna", "ben", "carla", "david", "eva", "farid", "greta", "hugo", "ines", "jonas", "karin", "lukas", "mia", "noah", "olga", "paul"];
const LAST = ["schmidt", "meyer", "okafor", "novak", "garcia", "kowalski", "jensen", "rossi", "tanaka", "dubois", "silva", "berg"];
const DOMAINS = ["northwind.example", "eu.northwind.example", "fabrikam.example", "contoso.example", "mail.tailspin.example"];

interface Device {
  sender: string;
  ip: string;
  tls: string;
  auth: string;
  /** Raw SASL mechanism as a server logs it (JSONL). */
  mechanism: string;
  /** Day on which the device moves to TLS 1.2 and OAuth, if it does. */
  fixedOn: number;
}

interface Sender {
  devices: Device[];
  /** Relative activity. */
  weight: number;
}

function choose<T>(random: () => number, items: readonly (readonly [T, number])[]): T {
  let r = random();
  for (const [item, p] of items) if ((r -= p) < 0) return item;
  return items[items.length - 1]![0];
}

/** The organisation: `count` senders, deterministic. */
function organisation(count: number): Sender[] {
  const random = prng(99);
  const habit = (): { tls: string; auth: string } => ({
    tls: choose(random, [["TLS1.2", 0.55], ["TLS1.3", 0.2], ["TLS1.0", 0.12], ["TLS1.1", 0.06], ["none", 0.07]] as const),
    auth: choose(random, [["basic", 0.65], ["oauth", 0.35]] as const),
  });
  return Array.from({ length: count }, (_, i) => {
    const domain = DOMAINS[Math.floor(random() ** 2 * DOMAINS.length)]!;
    const kind = random();
    // People (some written in mixed case, as UPNs often are), devices and applications.
    const local = kind < 0.7
      ? `${FIRST[i % FIRST.length]}.${LAST[Math.floor(i / FIRST.length) % LAST.length]}${i}`
      : kind < 0.85 ? `mfp-${i}` : `app-${["crm", "erp", "alerts", "noreply"][i % 4]}-${i}`;
    const sender = `${random() < 0.1 ? local[0]!.toUpperCase() + local.slice(1) : local}@${domain}`;
    const own = habit();
    const deviceCount = random() < 0.3 ? 2 : 1;
    const devices = Array.from({ length: deviceCount }, (_, d): Device => {
      const h = d === 0 || random() < 0.5 ? own : habit();
      const subnet = 16 + (i % 200);
      return {
        sender, ip: d === 0 ? `10.${subnet}.${(i >> 8) & 255}.${i & 255}` : `172.${16 + (i % 16)}.${(i >> 4) & 255}.${(i * 7 + d) & 255}`,
        tls: h.tls, auth: h.auth, mechanism: SASL[h.auth]![i % SASL[h.auth]!.length]!,
        fixedOn: random() < 0.15 ? Math.floor(random() * DAYS) : 999,
      };
    });
    // Heavy-tailed activity: most senders send a little, a few send a lot.
    return { devices, weight: 1 / (0.02 + random()) ** 1.2 };
  });
}

/** Calls `row` for each of `rows` submissions by `senders` senders, in time order. */
function submissions(rows: number, senders: number, row: (t: number, d: Device, tls: string, auth: string) => void): void {
  const random = prng(7);
  const all = organisation(senders);
  const cumulative = new Float64Array(all.length);
  let total = 0;
  all.forEach((s, i) => (cumulative[i] = total += s.weight));
  const pick = (): Sender => {
    const r = random() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return all[lo]!;
  };
  // Weekdays carry most mail.
  const dayWeight = Array.from({ length: DAYS }, (_, day) => ([0, 6].includes(new Date(START + day * DAY).getUTCDay()) ? 0.25 : 1));
  const weightSum = dayWeight.reduce((a, b) => a + b, 0);
  let written = 0;
  for (let day = 0; day < DAYS && written < rows; day++) {
    const today = day === DAYS - 1 ? rows - written : Math.min(rows - written, Math.round((rows * dayWeight[day]!) / weightSum));
    const times = new Float64Array(today);
    for (let i = 0; i < today; i++) times[i] = START + day * DAY + Math.floor((random() < 0.8 ? 7 + random() * 11 : random() * 24) * 3_600_000) + Math.floor(random() * 1000);
    times.sort();
    for (const t of times) {
      const sender = pick();
      const d = sender.devices[sender.devices.length === 1 || random() < 0.7 ? 0 : 1]!;
      const fixed = day >= d.fixedOn;
      row(t, d, fixed ? "TLS1.2" : d.tls, fixed ? "oauth" : d.auth);
      written++;
    }
  }
}

async function writeLines(path: string, lines: (write: (line: string) => void) => void): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.partial`;
  const out = createWriteStream(temporary);
  let buffer: string[] = [];
  lines((line) => {
    buffer.push(line);
    if (buffer.length >= 10_000) {
      out.write(`${buffer.join("\n")}\n`);
      buffer = [];
    }
  });
  if (buffer.length > 0) out.write(`${buffer.join("\n")}\n`);
  out.end();
  await once(out, "finish");
  renameSync(temporary, path);
}

/** How a CSV is written: plain (`,`, LF), or as Excel and admin tools export it (`;`, every field quoted, BOM, CRLF). */
export type CsvDialect = "plain" | "excel";

/** A canonical CSV of `rows` submissions by `senders` senders (cached at `path`). */
export async function csvInput(path: string, rows: number, senders: number, dialect: CsvDialect = "plain"): Promise<string> {
  if (!existsSync(path)) {
    if (dialect === "plain") {
      await writeLines(path, (write) => {
        write("timestamp,sender,tls_version,auth,client_ip");
        submissions(rows, senders, (t, d, tls, auth) => write(`${new Date(t).toISOString()},${d.sender},${tls},${auth},${d.ip}`));
      });
    } else {
      await writeLines(path, (write) => {
        write('\uFEFF"timestamp";"sender";"tls_version";"auth";"client_ip"\r');
        submissions(rows, senders, (t, d, tls, auth) => write(`"${new Date(t).toISOString()}";"${d.sender}";"${tls}";"${auth}";"${d.ip}"\r`));
      });
    }
  }
  return path;
}

/** JSONL of `rows` submissions as a log shipper writes them: OpenSSL TLS names, SASL mechanisms (cached). */
export async function jsonlInput(path: string, rows: number, senders: number): Promise<string> {
  if (!existsSync(path)) {
    await writeLines(path, (write) =>
      submissions(rows, senders, (t, d, tls, auth) => write(JSON.stringify({ timestamp: new Date(t).toISOString(), sender: d.sender, tls_version: OPENSSL[tls], auth: auth === d.auth ? d.mechanism : "XOAUTH2", client_ip: d.ip }))),
    );
  }
  return path;
}

/**
 * A Postfix maillog of about `lines` lines with RFC 3339 timestamps (cached), written day by day, with
 * each message's delivery as a real log has it (about 11 lines a session, 40% of them smtpd's).
 */
export async function postfixInput(path: string, lines: number): Promise<string> {
  if (!existsSync(path)) {
    await writeLines(path, (write) => {
      const perDay = Math.ceil(lines / DAYS / 11.2);
      for (let day = 0; day < DAYS; day++) {
        const log = postfixLog({ seed: day, sessions: perDay, start: START + day * DAY, span: 86_400 - 60, classic: false, devices: 2000, deliveries: true });
        write(log.text.trimEnd());
      }
    });
  }
  return path;
}

/** An Exim main log of about `lines` lines (cached), written day by day in a local zone. */
export async function eximInput(path: string, lines: number): Promise<string> {
  if (!existsSync(path)) {
    await writeLines(path, (write) => {
      const perDay = Math.ceil(lines / DAYS / 3.5);
      for (let day = 0; day < DAYS; day++) {
        write(eximLog({ seed: day, sessions: perDay, start: START + day * DAY, span: 86_400 - 60, timeZone: "Europe/Berlin" }).text.trimEnd());
      }
    });
  }
  return path;
}

/** `journalctl -u 'postfix*' -o json` of about `lines` entries (cached), written day by day. */
export async function journalInput(path: string, lines: number): Promise<string> {
  if (!existsSync(path)) {
    await writeLines(path, (write) => {
      const perDay = Math.ceil(lines / DAYS / 7.5);
      for (let day = 0; day < DAYS; day++) {
        const { events } = postfixEvents({ seed: day, sessions: perDay, start: START + day * DAY, span: 86_400 - 60, classic: false, devices: 2000 });
        for (const line of writeEvents(events, "json").trimEnd().split("\n")) write(line);
      }
    });
  }
  return path;
}
