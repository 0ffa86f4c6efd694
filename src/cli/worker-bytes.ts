// What both reading workers share: the bytes of their part of a file, with progress posted to the main thread.
import { parentPort } from "node:worker_threads";
import { fileBytes } from "../ingest/open.js";

/** The bytes [start, end) of a file; the bytes read are posted every 16 MB or so, the rest by `flush`. */
export function postedBytes(path: string, start: number, end: number): { bytes: AsyncGenerator<Buffer>; flush: () => void } {
  let unreported = 0;
  const flush = (): void => {
    if (unreported > 0) parentPort!.postMessage({ bytes: unreported });
    unreported = 0;
  };
  const bytes = fileBytes(path, start, end, undefined, (n) => {
    unreported += n;
    if (unreported >= 1 << 24) flush();
  });
  return { bytes, flush };
}
