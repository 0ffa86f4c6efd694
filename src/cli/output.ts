import { once } from "node:events";
import { accessSync, closeSync, constants, existsSync, fchmodSync, fchownSync, fstatSync, lstatSync, openSync, readlinkSync, renameSync, rmSync, writeSync } from "node:fs";
import { open } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { isatty } from "node:tty";
import { getSystemErrorMap } from "node:util";
import { Chalk, supportsColor, type ChalkInstance } from "chalk";
import { OutputError } from "../core/errors.js";
import { escapeInvisible } from "../render/text.js";

// The signals that end a run, with their numbers: the exit code is 128 + the number, as shells report.
const SIGNALS = [["SIGHUP", 1], ["SIGINT", 2], ["SIGQUIT", 3], ["SIGTERM", 15]] as const;

// Temporary files being written: removed when the run is ended by a signal, so none is left and the
// previous output stays as it was.
const unfinished = new Set<string>();
for (const [signal, number] of SIGNALS) {
  try {
    process.on(signal, () => {
      for (const path of unfinished) rmSync(path, { force: true });
      process.exit(128 + number);
    });
  } catch {
    // A signal this platform does not have (SIGQUIT on Windows).
  }
}

// Writing gives the event loop a turn every 20 ms or so (the clock is read after each chunk), so
// that a signal is acted on promptly even while a large output is made and written.
const MS_PER_TURN = 20;
// A terminal takes text in pieces this large, for the same reason (a long table can take seconds to draw).
const TERMINAL_PIECE = 1 << 16;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A turn of the event loop when the last was long enough ago (signals are heard in a turn). */
function turnTaker(): () => Promise<void> | undefined {
  // The first call takes a turn: making the output (sorting, rendering) took its time before.
  let last = -Infinity;
  return () => {
    if (performance.now() - last < MS_PER_TURN) return undefined;
    return nextTurn().then(() => void (last = performance.now()));
  };
}

/** Where an output goes: our own standard output (or error), a special file written through, or a regular file. */
type OutputTarget =
  | { kind: "stream"; fd: 1 | 2; name: string }
  | { kind: "through"; path: string }
  | { kind: "file"; path: string; mode?: number; uid?: number; gid?: number };

// Names of our own standard output and error: written to as such, never opened afresh (which would
// truncate a file the shell opened for appending).
const OWN_STREAM = /^\/(?:dev\/(?:std(out|err)|fd\/([12]))|proc\/(self|\d+)\/fd\/([12]))$/;

/**
 * What `--output` names, followed through symbolic links: a regular file (or none yet) is written
 * atomically where the links lead, keeping the old file's mode and owner; a device, FIFO or socket
 * is written through, never replaced; `-`, /dev/stdout and the like are standard output.
 */
function outputTarget(path: string | undefined): OutputTarget {
  if (path === undefined || path === "-") return { kind: "stream", fd: 1, name: "standard output" };
  let current = resolve(path);
  for (let hops = 0; hops <= 40; hops++) {
    const own = OWN_STREAM.exec(current);
    if (own && (own[3] === undefined || own[3] === "self" || Number(own[3]) === process.pid)) {
      const fd = own[1] === "err" || own[2] === "2" || own[4] === "2" ? 2 : 1;
      return { kind: "stream", fd, name: fd === 1 ? "standard output" : "standard error" };
    }
    let info;
    try {
      info = lstatSync(current);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { kind: "file", path: current };
      throw outputError(path, error, "");
    }
    if (info.isSymbolicLink()) {
      // Links inside /dev and /proc (/dev/fd/5, /proc/self/fd/7) lead to what the kernel knows, not to paths.
      if (current.startsWith("/dev/") || current.startsWith("/proc/")) return { kind: "through", path: current };
      current = resolve(dirname(current), readlinkSync(current));
      continue;
    }
    if (info.isFile()) return { kind: "file", path: current, mode: info.mode & 0o7777, uid: info.uid, gid: info.gid };
    if (info.isDirectory()) throw new OutputError(`${path}: is a folder; name a file to write`);
    return { kind: "through", path: current };
  }
  throw new OutputError(`${path}: too many levels of symbolic links`);
}

/** Whether an output (standard output for undefined or `-`) is a terminal: it then gets escapes, colour and no HTML. */
export function outputsToTerminal(path: string | undefined): boolean {
  const target = outputTarget(path);
  if (target.kind === "stream") return isatty(target.fd);
  if (target.kind === "file") return false;
  try {
    // Only character devices can be terminals; a FIFO is not opened here (that would wait for a reader).
    if (!lstatSync(target.path).isCharacterDevice()) return false;
    const fd = openSync(target.path, constants.O_WRONLY | constants.O_NOCTTY | constants.O_NONBLOCK);
    try {
      return isatty(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** A write error as one line: what could not be written, why in words, and what became of the output. */
function outputError(name: string, error: unknown, outcome: string): OutputError {
  const e = error as NodeJS.ErrnoException;
  const described = e.errno === undefined ? undefined : getSystemErrorMap().get(e.errno)?.[1];
  const why = described === undefined ? e.message : `${described} (${e.code})`;
  return new OutputError(`${name}: cannot write: ${why}${outcome === "" ? "" : `; ${outcome}`}`);
}

/** True for an error of a system call (a file gone, no permission, a full disk), as opposed to one of ours. */
export function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === "string";
}

function bytesOf(chunk: string | Uint8Array): Uint8Array {
  return typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
}

/** Writes all of `bytes` to a file descriptor (a write may take only part of them). */
function writeAll(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
}

let closedPipeVerdict: () => number = () => 0;

/**
 * Sets what a closed standard output (`| head`) ends the run with: the `--fail-on` verdict, as the run
 * would have ended; a cron job's `set -o pipefail; ... | head` must not read a found problem as 0.
 */
export function onClosedPipe(verdict: () => number): void {
  closedPipeVerdict = verdict;
}

/** The exit code for a closed standard output (see onClosedPipe): 0 unless a `--fail-on` verdict says otherwise. */
export function closedPipeExitCode(): number {
  return closedPipeVerdict();
}

/**
 * Writes a command's output, a string or chunks (text or bytes): to standard output; through to a
 * device or FIFO; or atomically to a regular file (a temporary file beside it, renamed into place when
 * complete, removed if anything fails or a signal ends the run). Text for a terminal has invisible
 * and bidi characters escaped. A write error is an OutputError naming the output. Each chunk is done
 * with (written, or copied) before the next is asked for, so its maker may write the next over it.
 */
export async function writeOutput(text: string | Iterable<string | Uint8Array>, path: string | undefined): Promise<void> {
  const target = outputTarget(path);
  const chunks = typeof text === "string" ? [text] : text;
  if (target.kind === "file") return writeAtomically(chunks, path!, target);
  if (target.kind === "stream") return writeStream(chunks, target.fd, target.name);
  let handle;
  try {
    // Opened without waiting: a FIFO's open waits for a reader, and signals must still be heard.
    handle = await open(target.path, "w");
    const terminal = isatty(handle.fd);
    for (const chunk of chunks) {
      const bytes = bytesOf(terminal && typeof chunk === "string" ? escapeInvisible(chunk) : chunk);
      for (let done = 0; done < bytes.length; ) done += (await handle.write(bytes, done)).bytesWritten;
    }
  } catch (error) {
    throw isSystemError(error) ? outputError(path!, error, "the output is incomplete") : error;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Standard output (or error): files and devices written directly, every byte checked; pipes and terminals through Node's stream. */
async function writeStream(chunks: Iterable<string | Uint8Array>, fd: 1 | 2, name: string): Promise<void> {
  const info = fstatSync(fd);
  const terminal = isatty(fd);
  if (!terminal && (info.isFile() || info.isCharacterDevice() || info.isBlockDevice())) {
    // Node's stream for a file drops what a short write leaves (a full disk), so the bytes are written here.
    try {
      const turn = turnTaker();
      for (const chunk of chunks) {
        writeAll(fd, bytesOf(chunk));
        await turn();
      }
    } catch (error) {
      throw isSystemError(error) ? outputError(name, error, "the output is incomplete") : error;
    }
    return;
  }
  // A closed pipe ends the run quietly (see main); other stream errors are caught there too.
  const stream = fd === 1 ? process.stdout : process.stderr;
  for (const chunk of chunks) {
    // Bytes are copied: the stream holds them until written, and their maker may reuse the buffer (see writeOutput).
    const text = typeof chunk === "string" ? (terminal ? escapeInvisible(chunk) : chunk) : Buffer.from(chunk);
    for (let at = 0; at < text.length; ) {
      let end = Math.min(at + TERMINAL_PIECE, text.length);
      // A piece never ends between the two halves of a surrogate pair (each half alone would be written as U+FFFD).
      if (typeof text === "string" && end < text.length && (text.charCodeAt(end - 1) & 0xfc00) === 0xd800) end++;
      const piece = at === 0 && end === text.length ? text : typeof text === "string" ? text.slice(at, end) : text.subarray(at, end);
      at = end;
      if (!stream.write(piece)) await once(stream, "drain");
      else await nextTurn();
    }
  }
  await new Promise<void>((resolve, reject) => stream.write("", (error) => (error ? reject(error) : resolve())));
}

/** Throws an OutputError where an existing file may not be written by this user (root may write any, as with `>`). */
function refuseReadOnly(path: string, name: string): void {
  try {
    accessSync(path, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EACCES" || code === "EPERM") throw new OutputError(`${name}: cannot write: permission denied (the file is read-only); the previous file is untouched`);
    // Anything else (the file gone meanwhile) is left to the write itself.
  }
}

/** A regular file: written beside, with the old file's mode and owner, and renamed into place when complete. */
async function writeAtomically(chunks: Iterable<string | Uint8Array>, name: string, target: { path: string; mode?: number; uid?: number; gid?: number }): Promise<void> {
  // A file we may not write is refused, as a shell's `>` would: the rename would replace it all the same.
  if (target.mode !== undefined) refuseReadOnly(target.path, name);
  // Unique enough with the process id (opened with wx: never an existing file); node:crypto costs 5 ms at start.
  const temporary = join(dirname(target.path), `.${basename(target.path)}.${process.pid}.${Math.random().toString(16).slice(2, 10)}.tmp`);
  unfinished.add(temporary);
  let file: number | undefined;
  try {
    file = openSync(temporary, "wx", target.mode ?? 0o666);
    if (target.mode !== undefined) {
      try {
        fchownSync(file, target.uid!, target.gid!);
      } catch {
        // Only root may give a file away: the new file is then the user's own.
      }
      fchmodSync(file, target.mode);
    }
    const turn = turnTaker();
    for (const chunk of chunks) {
      writeAll(file, bytesOf(chunk));
      await turn();
    }
    closeSync(file);
    file = undefined;
    // Synchronous: no signal can come between the last check and the rename.
    renameSync(temporary, target.path);
  } catch (error) {
    if (file !== undefined) closeSync(file);
    rmSync(temporary, { force: true });
    throw isSystemError(error) ? outputError(name, error, existsSync(target.path) ? "the previous file is untouched" : "nothing was written") : error;
  } finally {
    unfinished.delete(temporary);
  }
}

/** Whether to colour output: never with --no-color or NO_COLOR, always with FORCE_COLOR, else on a terminal. */
export function painter(colorOption: boolean, terminal: boolean): ChalkInstance {
  const env = process.env;
  if (!colorOption || (env.NO_COLOR !== undefined && env.NO_COLOR !== "")) return new Chalk({ level: 0 });
  if (env.FORCE_COLOR !== undefined) {
    const forced = env.FORCE_COLOR === "" || env.FORCE_COLOR === "true" ? 1 : Number(env.FORCE_COLOR);
    return new Chalk({ level: Number.isInteger(forced) ? (Math.max(0, Math.min(3, forced)) as 0 | 1 | 2 | 3) : 1 });
  }
  if (!terminal) return new Chalk({ level: 0 });
  return new Chalk({ level: supportsColor ? supportsColor.level : 1 });
}
