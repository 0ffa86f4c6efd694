import type { SingleBar as SingleBarType } from "cli-progress";
import { createRequire } from "node:module";
import { stat } from "node:fs/promises";
import type { InputSource } from "../ingest/open.js";

/** Reads shorter than this (in bytes on disk) get no progress bar. */
const WORTH_A_BAR = 64 * 1024 * 1024;

/** Bytes read so far, shown as a bar on stderr; a no-op where no bar is wanted. */
export interface Progress {
  advance(bytes: number): void;
  stop(): void;
}

/** A progress bar for a long read: only on a terminal, never with --quiet, only for large files. */
export async function progressFor(sources: InputSource[], quiet: boolean): Promise<Progress> {
  const none: Progress = { advance: () => undefined, stop: () => undefined };
  if (quiet || process.stderr.isTTY !== true || sources.some((s) => s.path === undefined)) return none;
  const sizes = await Promise.all(sources.map((s) => stat(s.path!).then((st) => st.size, () => 0)));
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total < WORTH_A_BAR) return none;
  // Loaded only when a bar is shown.
  const { SingleBar } = createRequire(import.meta.url)("cli-progress") as { SingleBar: typeof SingleBarType };
  const bar = new SingleBar({
    stream: process.stderr,
    format: "reading {bar} {percentage}% | {done}/{all} MB | {eta_formatted} left",
    barsize: 30,
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 50,
  });
  const mb = (n: number): string => (n / 1e6).toFixed(0);
  let done = 0;
  bar.start(total, 0, { done: "0", all: mb(total) });
  return {
    advance(bytes) {
      done += bytes;
      bar.update(Math.min(done, total), { done: mb(done), all: mb(total) });
    },
    stop() {
      bar.stop();
    },
  };
}
