import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { closeSync, openSync, rmSync, writeSync } from "node:fs";
import { rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { Chalk, supportsColor, type ChalkInstance } from "chalk";
import { InputError } from "../core/errors.js";

// Temporary files being written: removed if the run is interrupted (Ctrl-C, kill), so none is left.
const unfinished = new Set<string>();
for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
  process.once(signal, () => {
    for (const path of unfinished) rmSync(path, { force: true });
    process.exit(code);
  });
}

/**
 * Writes a command's output, a string or chunks (text or bytes): to standard output, or atomically to `path`
 * (a temporary file beside it, renamed into place when complete, removed if anything fails).
 */
export async function writeOutput(text: string | Iterable<string | Uint8Array>, path: string | undefined): Promise<void> {
  const chunks = typeof text === "string" ? [text] : text;
  if (path === undefined || path === "-") {
    for (const chunk of chunks) {
      if (!process.stdout.write(chunk)) await once(process.stdout, "drain");
    }
    await new Promise<void>((resolve, reject) => process.stdout.write("", (error) => (error ? reject(error) : resolve())));
    return;
  }
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  unfinished.add(temporary);
  try {
    // Synchronous writes: nothing else runs meanwhile, and they skip a promise per chunk.
    const file = openSync(temporary, "w");
    try {
      for (const chunk of chunks) {
        const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
        for (let done = 0; done < bytes.length; ) done += writeSync(file, bytes, done);
      }
    } finally {
      closeSync(file);
    }
    await rename(temporary, path);
    unfinished.delete(temporary);
  } catch (error) {
    unfinished.delete(temporary);
    await unlink(temporary).catch(() => undefined);
    throw new InputError(`${path}: cannot write: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; check the folder exists and is writable`);
  }
}

/** Whether to colour output: never with --no-color or NO_COLOR, always with FORCE_COLOR, else on a terminal. */
export function painter(colorOption: boolean, toFile: boolean): ChalkInstance {
  const env = process.env;
  if (!colorOption || (env.NO_COLOR !== undefined && env.NO_COLOR !== "")) return new Chalk({ level: 0 });
  if (env.FORCE_COLOR !== undefined) {
    const forced = env.FORCE_COLOR === "" || env.FORCE_COLOR === "true" ? 1 : Number(env.FORCE_COLOR);
    return new Chalk({ level: Number.isInteger(forced) ? (Math.max(0, Math.min(3, forced)) as 0 | 1 | 2 | 3) : 1 });
  }
  if (toFile || !process.stdout.isTTY) return new Chalk({ level: 0 });
  return new Chalk({ level: supportsColor ? supportsColor.level : 1 });
}
