import { isUtf8 } from "node:buffer";
import { closeSync, createReadStream, fstatSync, openSync, readSync } from "node:fs";
import { stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { isAbsolute } from "node:path";
import type { Readable } from "node:stream";
import { InputError, UsageError } from "../core/errors.js";
import { binaryData, isLineBeforeHeader, looksBinary } from "./csv.js";
import { textLines } from "./lines.js";

/** One input: a file path, or standard input (`path` undefined). */
export interface InputSource {
  /** Name used in messages: the path, or `stdin`. */
  name: string;
  path?: string;
}

/**
 * The inputs named on the command line: files, `-` for standard input, and quoted globs expanded
 * here (for cron and Windows shells). With no names and a piped stdin, stdin. A file reached twice
 * (the same path, two globs, a link) is one input; `onRepeat` hears of each repeat, with the name it
 * was first reached by. The file `output` names (a run's --output) is no input: a glob that matches it
 * (`'reports/*.csv' -o reports/weekly.csv`) would read the last run's output and count it again;
 * `output.onSkip` hears of it.
 */
export async function expandInputs(
  args: string[], stdinIsTerminal: boolean, onRepeat: (name: string, first: string) => void = () => undefined,
  output?: { path: string; onSkip: (name: string) => void },
): Promise<InputSource[]> {
  if (args.length === 0) {
    if (stdinIsTerminal) throw new UsageError("no input: give log files or globs, or pipe a log into standard input (see --help)");
    return [{ name: "stdin" }];
  }
  const sources: InputSource[] = [];
  // A file is known by its device and inode, so that paths spelt differently still meet.
  const seen = new Map<string, string>();
  const outputIdentity = output === undefined ? undefined : await stat(output.path).then((s) => `${s.dev}:${s.ino}`, () => undefined);
  const add = (source: InputSource, identity: string): void => {
    if (identity === outputIdentity) return output!.onSkip(source.name);
    const first = seen.get(identity);
    if (first !== undefined) return onRepeat(source.name, first);
    seen.set(identity, source.name);
    sources.push(source);
  };
  for (const arg of args) {
    if (arg === "-") {
      add({ name: "stdin" }, "-");
      continue;
    }
    const exists = await stat(arg).then((s) => s, () => undefined);
    const { glob, isDynamicPattern } = exists === undefined ? await import("tinyglobby") : { glob: undefined, isDynamicPattern: () => false };
    if (exists === undefined && isDynamicPattern(arg) && glob !== undefined) {
      // Names in messages as the pattern was written: an absolute pattern gives absolute paths.
      const matches = (await glob(arg, { onlyFiles: true, expandDirectories: false, absolute: isAbsolute(arg) })).sort();
      if (matches.length === 0) throw new InputError(`${arg}: no file matches this pattern`);
      for (const path of matches) add({ name: path, path }, await fileIdentity(path));
      continue;
    }
    if (exists === undefined) throw new InputError(`${arg}: no such file`);
    if (exists.isDirectory()) throw new InputError(`${arg}: is a directory; name the files, or a quoted glob such as '${arg}/*.csv.gz'`);
    add({ name: arg, path: arg }, `${exists.dev}:${exists.ino}`);
  }
  if (sources.length === 0) throw new UsageError(`${args.join(" ")}: only the --output file; name the logs to read`);
  return sources;
}

// A logrotate rotation: NAME.N or NAME-YYYYMMDD[HH] (dateext), either maybe .gz; NAME alone is the live log.
const ROTATION = /^(.+?)(?:\.(\d{1,6})|-(\d{8}(?:\d{2})?))?(?:\.gz)?$/;

// An Exchange protocol log's files: PREFIXyyyymmdd[hh]-N.LOG, numbered from 1 without zero padding (RECV2026102009-10.LOG).
const EXCHANGE_FILE = /^(.*?)(\d{10}|\d{8})-(\d{1,6})\.log(?:\.gz)?$/i;

/** A name's log and how old its rotation is: a number (higher is older), a date, or the live log; Exchange's files by date, hour and number. */
function rotationOf(name: string): { log: string; rank: number } {
  const exchange = EXCHANGE_FILE.exec(name);
  // Its own group (a NUL cannot be in a name), oldest first: the date and hour, then the number as a number.
  if (exchange !== null) return { log: `${exchange[1]!.toLowerCase()}\0exchange`, rank: Number(exchange[2]!.padEnd(10, "0")) * 1e6 + Number(exchange[3]) };
  const match = ROTATION.exec(name);
  if (match === null) return { log: name, rank: 0 };
  const [, log, number, date] = match;
  // Numbered rotations first (the highest number first), then dated ones (the earliest first), then the log.
  if (number !== undefined) return { log: log!, rank: -1e12 - Number(number) };
  if (date !== undefined) return { log: log!, rank: -1e11 + Number(date.slice(0, 8)) * 100 + Number(date.slice(8) || 0) };
  return { log: log!, rank: 0 };
}

/**
 * The inputs with the rotations of one log oldest first, whatever order they were named or globbed in
 * (a glob of `mail.log*` gives mail.log, mail.log.1, mail.log.2.gz, newest first): names that are one
 * name with logrotate's suffixes (`mail.log.2.gz`, `mail.log.1`, `mail.log`; `exim_mainlog-20261120.gz`,
 * `exim_mainlog`) are read the highest number first, then the earliest date, the log without a suffix
 * last, in the places the group's inputs had. Exchange's protocol log files of one folder and prefix
 * (`RECV2026102009-9.LOG`, `RECV2026102009-10.LOG`, `RECV2026102010-1.LOG`) are read by their date and
 * hour, then their number as a number (a glob gives -10 before -9). Other inputs keep their order.
 */
export function oldestFirst(sources: readonly InputSource[]): InputSource[] {
  const rotations = sources.map((source) => rotationOf(source.name));
  const logs = new Map<string, number[]>();
  rotations.forEach(({ log }, i) => logs.set(log, [...(logs.get(log) ?? []), i]));
  const ordered = [...sources];
  for (const places of logs.values()) {
    if (places.length < 2) continue;
    const byAge = [...places].sort((a, b) => rotations[a]!.rank - rotations[b]!.rank || a - b);
    places.forEach((place, k) => (ordered[place] = sources[byAge[k]!]!));
  }
  return ordered;
}

/** A file's identity: its device and inode (the path itself when it cannot be read; reading will say why). */
async function fileIdentity(path: string): Promise<string> {
  return stat(path).then((s) => `${s.dev}:${s.ino}`, () => `path:${path}`);
}

const READ_CHUNK = 1 << 20;
/**
 * How much of a file tells its encoding: a stream's first chunk, and as much of a file read with
 * readSync or in parts (a Windows-1252 CSV whose first accented name came after 64 KiB was read as
 * UTF-8 by one path and not by the other).
 */
export const ENCODING_SNIFF_BYTES = READ_CHUNK;

/**
 * The text bytes of an input as UTF-8 chunks: gunzipped when it starts with gzip's magic bytes,
 * converted when it is UTF-16 with a byte-order mark or Windows-1252 (see textEncoding). Read errors become one-line InputErrors.
 */
export async function* inputBytes(source: InputSource, onBytes: (n: number) => void = () => undefined): AsyncGenerator<Buffer> {
  const raw: Readable = source.path === undefined ? process.stdin : createReadStream(source.path, { highWaterMark: READ_CHUNK });
  const chunks = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let first: IteratorResult<Buffer>;
  try {
    first = await chunks.next();
  } catch (error) {
    throw new InputError(`${source.name}: cannot read: ${(error as Error).message}`);
  }
  if (first.done) return;
  const rest = (async function* () {
    onBytes(first.value.length);
    yield first.value;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
      onBytes(next.value.length);
      yield next.value;
    }
  })();
  const gzipped = isGzip(first.value);
  const decoded = gzipped ? gunzip(rest) : rest;
  try {
    yield* utf8(decoded);
  } catch (error) {
    if (error instanceof InputError) throw error;
    const message = (error as Error).message;
    if (gzipped) throw new InputError(`${source.name}: gzip data is truncated or corrupt (${message}); check the file is complete`);
    throw new InputError(`${source.name}: cannot read: ${message}`);
  }
}

/**
 * True when the path is a regular file of plain UTF-8 text (not gzip, UTF-16 or Windows-1252, judged on
 * its first 64 KiB as stored), which fileBytes can read as it is.
 */
export function isPlainUtf8File(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    if (!fstatSync(fd).isFile()) return false;
    const head = Buffer.allocUnsafe(ENCODING_SNIFF_BYTES);
    const read = readSync(fd, head, 0, head.length, 0);
    return !isGzip(head.subarray(0, read)) && textEncoding(head.subarray(0, read)) === "utf-8";
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** True when bytes start with gzip's magic number. */
export function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * Bytes [start, end) of a file, for reading it in parts. `close` closes the stream already opened on
 * it for peeking; the part is read afresh, with readSync into one buffer that each chunk fills again
 * (consumers copy what they keep, as eachLine does): no garbage per chunk, and no wait for a thread
 * pool on a loaded machine. The event loop gets a turn every few chunks (progress, the other thread).
 */
export async function* fileBytes(path: string, start: number, end: number, close: (() => Promise<void>) | undefined, onBytes: (n: number) => void = () => undefined): AsyncGenerator<Buffer> {
  await close?.();
  const cannotRead = (error: unknown): InputError => {
    const code = (error as NodeJS.ErrnoException).code;
    return new InputError(`${path}: cannot read: ${code === "ENOENT" ? "the file was removed or moved while being read" : (error as Error).message}`);
  };
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    throw cannotRead(error);
  }
  try {
    const buffer = Buffer.allocUnsafe(READ_CHUNK);
    for (let at = start, chunks = 0; at < end; chunks++) {
      let read: number;
      try {
        read = readSync(fd, buffer, 0, Math.min(READ_CHUNK, end - at), at);
      } catch (error) {
        throw cannotRead(error);
      }
      if (read === 0) break;
      at += read;
      onBytes(read);
      yield buffer.subarray(0, read);
      if (chunks % 16 === 15) await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    closeSync(fd);
  }
}

// zlib and streams are loaded for gzip input only: most runs read plain files (5 ms less at start).
const lazyRequire = createRequire(import.meta.url);

async function* gunzip(compressed: AsyncGenerator<Buffer>): AsyncGenerator<Buffer> {
  const { createGunzip } = lazyRequire("node:zlib") as typeof import("node:zlib");
  const { Readable, pipeline } = lazyRequire("node:stream") as typeof import("node:stream");
  const inflate = createGunzip({ chunkSize: READ_CHUNK });
  pipeline(Readable.from(compressed, { objectMode: false }), inflate, () => undefined);
  yield* inflate as AsyncIterable<Buffer>;
}

/**
 * The encoding of a text from its first bytes: UTF-16 by its byte-order mark; Windows-1252 (what Excel's
 * plain "CSV" export writes on Western systems) when the bytes are not valid UTF-8; else UTF-8.
 */
export function textEncoding(head: Buffer): "utf-8" | "utf-16le" | "utf-16be" | "windows-1252" {
  if (head[0] === 0xff && head[1] === 0xfe) return "utf-16le";
  if (head[0] === 0xfe && head[1] === 0xff) return "utf-16be";
  // Up to the last line end, so that a character cut at the end of the chunk is not taken for an error.
  const lastLine = head.lastIndexOf(10);
  // isUtf8 checks without making a string (0.05 ms a MiB, where a strict TextDecoder took 1-2 ms).
  return isUtf8(lastLine < 0 ? head : head.subarray(0, lastLine)) ? "utf-8" : "windows-1252";
}

async function* utf8(chunks: AsyncGenerator<Buffer>): AsyncGenerator<Buffer> {
  // The encoding is told from the first ENCODING_SNIFF_BYTES, however the source cuts its chunks (a pipe's are 64 KiB).
  const seen: Buffer[] = [];
  let size = 0;
  while (size < ENCODING_SNIFF_BYTES) {
    const next = await chunks.next();
    if (next.done) break;
    seen.push(next.value);
    size += next.value.length;
  }
  if (size === 0) return;
  const head = seen.length === 1 ? seen[0]! : Buffer.concat(seen);
  const encoding = textEncoding(head);
  if (encoding === "utf-8") {
    yield head;
    yield* chunks;
    return;
  }
  const decoder = new TextDecoder(encoding);
  yield Buffer.from(decoder.decode(head, { stream: true }));
  for await (const chunk of chunks) yield Buffer.from(decoder.decode(chunk, { stream: true }));
  const tail = decoder.decode();
  if (tail) yield Buffer.from(tail);
}

/** The log formats the tool reads (`postfix` is any syslog text with Postfix or Exim lines; `journal` is `journalctl -o json`). */
export type InputFormat = "csv" | "jsonl" | "journal" | "postfix" | "exim" | "exchange";
/** The accepted `--input-format` values. */
export const INPUT_FORMATS: readonly InputFormat[] = ["csv", "jsonl", "journal", "postfix", "exim", "exchange"];

const SYSLOG_TIME = String.raw`(?:[A-Z][a-z]{2} +\d{1,2} \d\d:\d\d:\d\d(?:\.\d+)?|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\S*)`;
// A syslog line of Postfix or Exim: `/var/log/mail.log`, `journalctl -o short`, `short-iso`, `short-precise`.
const SYSLOG_MAIL = new RegExp(String.raw`^${SYSLOG_TIME} +\S+ +(?:postfix[\w/.-]*\/\w+|exim4?)\[\d+\]:`, "m");
// Any syslog line (another daemon's first): read as syslog, which finds the mail lines wherever they are.
const SYSLOG_ANY = new RegExp(String.raw`^${SYSLOG_TIME} +\S+ +[^\s\[:]+(?:\[\d+\])?: `);
const EXIM_TIME = String.raw`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?(?: [+-]\d{4})?(?: \[\d+(?:\/\d+)?\])? `;
// Exim's main log: a message id (`1rAbCd-000123-AB`, or 4.97's longer ids) or one of its own lines.
const EXIM_MAIN = new RegExp(String.raw`^${EXIM_TIME}(?:\w{6}-\w{6,11}-\w{2,4} |\S+ authenticator failed for |SMTP connection from |(?:Start|End) queue run|exim \d|H=)`, "m");
// An Exchange protocol log line without its #Fields: header: date-time,connector,session,sequence,local,remote,event,...
const EXCHANGE_LINE = /^\d{4}-\d\d-\d\dT[\d:.]+Z,[^,]*,[^,]+,\d+,[^,]*,[^,]*,[-+<>*],/;

/** What the tool reads, for the message about a file that is none of them. */
export const FORMATS_READ = "a CSV export with a header row, JSONL, journalctl -o json, a syslog or journalctl text log with Postfix or Exim lines, an Exim main log, or an Exchange SMTP Receive protocol log";

/** The format of an input from its first bytes; an InputError for binary data or text in no format the tool reads. */
export function detectFormat(head: Buffer, source: string): InputFormat {
  const nul = head.indexOf(0);
  if (nul >= 0) {
    throw new InputError(`${source}: binary data (a NUL byte at offset ${nul}), not a CSV, JSONL or mail log; only gzip compression is read`);
  }
  const text = head.toString("utf8", 0, Math.min(head.length, 65_536)).replace(/^\uFEFF/, "");
  // journalctl writes `-- Boot ... --` and `-- Logs begin at ... --` between the lines.
  // A CSV's header may come after lines that are none (isLineBeforeHeader: `#TYPE ...`, `;;;`).
  const firstLine = textLines(text).find((line) => line.trim() !== "" && !line.startsWith("-- ") && !isLineBeforeHeader(line)) ?? "";
  if (/^#(Software: Microsoft Exchange|Fields:.*session-id)/im.test(text)) return "exchange";
  if (firstLine.trimStart().startsWith("{")) return /"__REALTIME_TIMESTAMP" *:/.test(firstLine) ? "journal" : "jsonl";
  if (SYSLOG_MAIL.test(text)) return "postfix";
  if (EXIM_MAIN.test(text)) return "exim";
  if (EXCHANGE_LINE.test(firstLine)) return "exchange";
  if (SYSLOG_ANY.test(firstLine)) return "postfix";
  if (looksBinary(firstLine)) throw binaryData(source);
  if (/[,;\t|]/.test(firstLine)) return "csv";
  throw new InputError(`${source}: not a format this tool reads; expected ${FORMATS_READ} (or name it with --input-format); the first line is ${quoteLine(firstLine)}`);
}

function quoteLine(line: string): string {
  const short = line.length > 80 ? `${line.slice(0, 80)}…` : line;
  return JSON.stringify(short);
}

/** Collects the first chunks of a byte stream until there is enough to detect its format. */
export async function peek(chunks: AsyncGenerator<Buffer>, bytes = 65_536): Promise<{ head: Buffer; all: AsyncGenerator<Buffer>; close: () => Promise<void> }> {
  const seen: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < bytes) {
    const next = await chunks.next();
    if (next.done) {
      done = true;
      break;
    }
    seen.push(next.value);
    size += next.value.length;
  }
  const head = Buffer.concat(seen);
  const all = (async function* () {
    if (head.length > 0) yield head;
    if (!done) yield* chunks;
  })();
  // Closing the source itself: `all` may never have started, and then its return() reaches nothing.
  return { head, all, close: async () => void (await chunks.return(undefined)) };
}
