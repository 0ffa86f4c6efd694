// Preloaded into a measured process: reports its peak resident memory on exit, on file descriptor 3
// (from the main thread only: worker threads load this too).
const { writeSync } = require("node:fs");
const { isMainThread } = require("node:worker_threads");
if (isMainThread) {
  process.on("exit", () => {
    try {
      writeSync(3, `${process.resourceUsage().maxRSS}\n`);
    } catch {
      // Not measured (no descriptor 3): nothing to report.
    }
  });
}
