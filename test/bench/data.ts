// Deterministic benchmark inputs with the realism of a large organisation: devices keep their client
// IP, TLS version and auth kind (a few change over time), 90 days, office-hours peaks.
import { createWriteStream, existsSync, mkdirSync, renameSync } from "node:fs";
import { dirname } from "node:path";
import { once } from "node:events";
import { postfixLog, prng } from "../../fixtures/mail-logs.js";

const DAY = 86_400_000;
const START = Date.UTC(2026, 7, 24);
const TLS = ["TLS1.2", "TLS1.2", "TLS1.2", "TLS1.3", "TLS1.0", "TLS1.1", "none"];
const OPENSSL: Record<string, string> = { "TLS1.0": "TLSv1", "TLS1.1": "TLSv1.1", "TLS1.2": "TLSv1.2", "TLS1.3": "TLSv1.3", none: "none" };
const AUTH = ["basic", "basic", "oauth"];

interface Device {
  sender: string;
  ip: string;
  tls: string;
  auth: string;
  /** Day on which the device moves to TLS 1.2 and OAuth, if it does. */
  fixedOn: number;
}

function devices(count: number): Device[] {
  const random = prng(99);
  return Array.from({ length: count }, (_, i) => ({
    sender: `${["mfp", "scan", "app", "user", "svc"][i % 5]}-${i}@${["northwind.example", "fabrikam.example", "eu.northwind.example", "contoso.example"][i % 4]}`,
    ip: `10.${i % 200}.${Math.floor(i / 200) % 250}.${1 + (i % 250)}`,
    tls: TLS[Math.floor(random() * TLS.length)]!,
    auth: AUTH[Math.floor(random() * AUTH.length)]!,
    fixedOn: random() < 0.2 ? Math.floor(random() * 90) : 999,
  }));
}

/** Calls `row` for each of `rows` submissions in time order. */
function submissions(rows: number, row: (t: number, d: Device, tls: string, auth: string) => void): void {
  const random = prng(7);
  const all = devices(5000);
  const perDay = Math.ceil(rows / 90);
  let written = 0;
  for (let day = 0; day < 90 && written < rows; day++) {
    const times = Array.from({ length: Math.min(perDay, rows - written) }, () => START + day * DAY + Math.floor((random() < 0.8 ? 7 + random() * 11 : random() * 24) * 3_600_000)).sort((a, b) => a - b);
    for (const t of times) {
      // A few busy devices send most mail.
      const d = all[Math.floor(all.length * random() ** 3)]!;
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
  let pending: Promise<unknown> = Promise.resolve();
  lines((line) => {
    buffer.push(line);
    if (buffer.length >= 10_000) {
      out.write(`${buffer.join("\n")}\n`);
      buffer = [];
    }
  });
  if (buffer.length > 0) out.write(`${buffer.join("\n")}\n`);
  out.end();
  await pending;
  await once(out, "finish");
  renameSync(temporary, path);
}

/** A canonical CSV of `rows` submissions (cached). */
export async function csvInput(path: string, rows: number): Promise<string> {
  if (!existsSync(path)) {
    await writeLines(path, (write) => {
      write("timestamp,sender,tls_version,auth,client_ip");
      submissions(rows, (t, d, tls, auth) => write(`${new Date(t).toISOString()},${d.sender},${tls},${auth},${d.ip}`));
    });
  }
  return path;
}

/** JSONL of `rows` submissions as a log shipper writes them (cached). */
export async function jsonlInput(path: string, rows: number): Promise<string> {
  if (!existsSync(path)) {
    await writeLines(path, (write) =>
      submissions(rows, (t, d, tls, auth) => write(JSON.stringify({ timestamp: new Date(t).toISOString(), sender: d.sender, tls_version: OPENSSL[tls], auth: auth === "oauth" ? "XOAUTH2" : "LOGIN", client_ip: d.ip }))),
    );
  }
  return path;
}

/** A Postfix maillog of about `lines` lines with RFC 3339 timestamps (cached), written day by day. */
export async function postfixInput(path: string, lines: number): Promise<string> {
  if (!existsSync(path)) {
    await writeLines(path, (write) => {
      const perDay = Math.ceil(lines / 90 / 7.5);
      for (let day = 0; day < 90; day++) {
        const log = postfixLog({ seed: day, sessions: perDay, start: START + day * DAY, span: 86_400 - 60, classic: false, devices: 2000 });
        write(log.text.trimEnd());
      }
    });
  }
  return path;
}
