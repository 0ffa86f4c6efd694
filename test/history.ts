// Generated weeks of a Postfix submission log, with the truth of what they hold: devices and people
// sending every working day (addresses changing inside their /24, as DHCP does), password typos from
// the LAN and password guessing from the internet, and, when asked, a migration (devices that move
// to TLS 1.2 and OAuth, regress, appear, go quiet) and a misused account (guessed, then a burst from
// a new network). Written from Postfix's documented line formats.
import { domainOf, type AuthKind, type Submission, type TlsVersion } from "../src/core/record.js";
import { prng } from "../fixtures/mail-logs.js";

const DAY = 86_400_000;
const OPENSSL: Record<string, string> = { "TLS1.0": "TLSv1", "TLS1.1": "TLSv1.1", "TLS1.2": "TLSv1.2", "TLS1.3": "TLSv1.3" };
const MECHANISM: Record<AuthKind, string> = { basic: "LOGIN", oauth: "XOAUTH2", unknown: "ANONYMOUS" };

/** How a device submits on a given day (undefined: it sends nothing that day). */
interface Habit {
  tls: TlsVersion;
  auth: AuthKind;
  /** Its /24 (three octets); the last octet changes now and then. */
  network: string;
  perDay: number;
}

interface Device {
  sender: string;
  habit(day: number): Habit | undefined;
}

/** A generated log and what it holds. */
export interface History {
  text: string;
  submissions: Submission[];
  /** Every failed login: when, and from which address. */
  failures: { timestamp: number; clientIp: string }[];
}

/** Options: the first day (UTC midnight), how many days, and whether the migration and misuse happen. */
export interface HistoryOptions {
  seed: number;
  start: number;
  days: number;
  /** Day index from which the migration's changes and the misuse show (the compared range's start). */
  changeDay?: number;
}

const steady = (tls: TlsVersion, auth: AuthKind, network: string, perDay: number) => (): Habit => ({ tls, auth, network, perDay });

/** The devices: an ordinary office, plus the migration's cast when `changeDay` is given. */
function devices(changeDay: number | undefined): Device[] {
  const list: Device[] = [];
  for (let i = 0; i < 6; i++) list.push({ sender: `mfp-${i}@corp.example`, habit: steady("TLS1.0", "basic", `10.20.${i}`, 12) });
  for (let i = 0; i < 4; i++) list.push({ sender: `scanner-${i}@corp.example`, habit: steady("none", "basic", `10.21.${i}`, 6) });
  for (let i = 0; i < 8; i++) list.push({ sender: `user-${i}@corp.example`, habit: steady("TLS1.3", "oauth", "10.30.1", 8) });
  for (let i = 0; i < 3; i++) list.push({ sender: `app-${i}@corp.example`, habit: steady("TLS1.2", "basic", `10.40.${i}`, 25) });
  list.push({ sender: "j.doe@corp.example", habit: steady("TLS1.3", "basic", "10.30.2", 10) });
  if (changeDay === undefined) return list;
  const from = (day: number, before: Habit | undefined, after: Habit | undefined) => (d: number): Habit | undefined => (d < day ? before : after);
  list.push(
    // fixed: moves to OAuth over TLS 1.2 on the first day of the range.
    { sender: "mfp-fixed@corp.example", habit: from(changeDay, { tls: "TLS1.0", auth: "basic", network: "10.22.0", perDay: 10 }, { tls: "TLS1.2", auth: "oauth", network: "10.22.0", perDay: 10 }) },
    // still: moves to TLS 1.2 but keeps its password.
    { sender: "mfp-half@corp.example", habit: from(changeDay, { tls: "TLS1.1", auth: "basic", network: "10.22.1", perDay: 9 }, { tls: "TLS1.2", auth: "basic", network: "10.22.1", perDay: 9 }) },
    // regressed: a firmware reset puts it back on TLS 1.0 two days into the range.
    { sender: "scanner-reset@corp.example", habit: from(changeDay + 2, { tls: "TLS1.2", auth: "oauth", network: "10.22.2", perDay: 7 }, { tls: "TLS1.0", auth: "oauth", network: "10.22.2", perDay: 7 }) },
    // new: a device set up in the range, with a password.
    { sender: "printer-new@corp.example", habit: from(changeDay + 1, undefined, { tls: "TLS1.2", auth: "basic", network: "10.22.3", perDay: 5 }) },
    // quiet: retired three days before the range.
    { sender: "fax-old@corp.example", habit: from(changeDay - 3, { tls: "none", auth: "basic", network: "10.22.4", perDay: 4 }, undefined) },
  );
  return list;
}

function postfixTime(t: number): string {
  return new Date(t).toISOString().replace(/\.(\d{3})Z$/, ".$1000+00:00");
}

/** Generates the log. Working days only for most devices (weekends a trickle), in time order. */
export function generateHistory(options: HistoryOptions): History {
  const random = prng(options.seed);
  const cast = devices(options.changeDay);
  const sessions: { t: number; lines: (pid: number) => string[] }[] = [];
  const submissions: Submission[] = [];
  const failures: History["failures"] = [];
  let queue = 0x100000;
  const submit = (t: number, sender: string, habit: Habit, clientIp: string): void => {
    const host = `host-${clientIp.replace(/\./g, "-")}`;
    const queueId = (queue++).toString(16).toUpperCase();
    submissions.push({ timestamp: t, sender, domain: domainOf(sender), tls: habit.tls, auth: habit.auth, clientIp, messages: 1 });
    sessions.push({
      t,
      lines: (pid) => [
        `${postfixTime(t - 500)} mx1 postfix/submission/smtpd[${pid}]: connect from ${host}[${clientIp}]`,
        ...(habit.tls === "none" ? [] : [`${postfixTime(t - 400)} mx1 postfix/submission/smtpd[${pid}]: Anonymous TLS connection established from ${host}[${clientIp}]: ${OPENSSL[habit.tls]} with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits)`]),
        `${postfixTime(t)} mx1 postfix/submission/smtpd[${pid}]: ${queueId}: client=${host}[${clientIp}], sasl_method=${MECHANISM[habit.auth]}, sasl_username=${sender}`,
        `${postfixTime(t + 300)} mx1 postfix/submission/smtpd[${pid}]: disconnect from ${host}[${clientIp}] ehlo=2 auth=1 mail=1 rcpt=1 data=1 quit=1 commands=7`,
      ],
    });
  };
  const fail = (t: number, clientIp: string): void => {
    failures.push({ timestamp: t, clientIp });
    sessions.push({ t, lines: (pid) => [`${postfixTime(t)} mx1 postfix/submission/smtpd[${pid}]: warning: unknown[${clientIp}]: SASL LOGIN authentication failed: UGFzc3dvcmQ6`] });
  };
  for (let day = 0; day < options.days; day++) {
    const midnight = options.start + day * DAY;
    const weekend = new Date(midnight).getUTCDay() % 6 === 0;
    for (const device of cast) {
      const habit = device.habit(day);
      if (habit === undefined) continue;
      // Working hours on weekdays, a trickle at weekends; the count varies by a third either way.
      const count = weekend ? Math.floor(random() * 2) : Math.max(1, Math.round(habit.perDay * (0.67 + random() * 0.66)));
      const host = 10 + Math.floor(random() * 3) * 40 + (device.sender.length % 30);
      for (let k = 0; k < count; k++) {
        const t = midnight + (7 + random() * 11) * 3_600_000;
        submit(Math.floor(t / 1000) * 1000, device.sender, habit, `${habit.network}.${host}`);
      }
    }
    // A password typo on the LAN now and then (followed by the right one), and guessing from outside that never succeeds.
    if (random() < 0.5) fail(midnight + 9 * 3_600_000 + Math.floor(random() * 3600) * 1000, `10.30.1.${10 + Math.floor(random() * 3) * 40 + "user-0@corp.example".length}`);
    for (let k = 0; k < 20; k++) fail(midnight + Math.floor(random() * 86_400) * 1000, `203.0.113.${1 + Math.floor(random() * 40)}`);
  }
  if (options.changeDay !== undefined) {
    // The misuse: j.doe's password is guessed from 198.51.100.77 on the range's fourth day at 02:00,
    // then 400 messages go out from there within the hour.
    const night = options.start + (options.changeDay + 3) * DAY + 2 * 3_600_000;
    for (let k = 0; k < 25; k++) fail(night + k * 20_000, "198.51.100.77");
    const stolen: Habit = { tls: "TLS1.2", auth: "basic", network: "198.51.100", perDay: 0 };
    for (let k = 0; k < 400; k++) submit(night + 600_000 + k * 7_000, "j.doe@corp.example", stolen, "198.51.100.77");
  }
  sessions.sort((a, b) => a.t - b.t);
  const text = sessions.map((s, i) => s.lines(1000 + (i % 5000)).join("\n")).join("\n");
  return { text: `${text}\n`, submissions, failures };
}
