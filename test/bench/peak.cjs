// Preloaded into a measured process: reports its peak resident memory (VmHWM, in kB) on exit, on
// file descriptor 3, from the main thread only (worker threads load this too). Not getrusage's maxRSS:
// that one is carried over from the parent across exec.
const { readFileSync, writeSync } = require("node:fs");
const { isMainThread } = require("node:worker_threads");
if (isMainThread) {
  process.on("exit", () => {
    try {
      const peak = /VmHWM:\s*(\d+)\s*kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? "";
      writeSync(3, `${peak}\n`);
    } catch {
      // Not measured (no descriptor 3): nothing to report.
    }
  });
}
