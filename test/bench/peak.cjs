// Preloaded into a measured process: reports its peak resident memory on exit, on file descriptor 3.
const { writeSync } = require("node:fs");
process.on("exit", () => {
  try {
    writeSync(3, `${process.resourceUsage().maxRSS}\n`);
  } catch {
    // Not measured (no descriptor 3): nothing to report.
  }
});
