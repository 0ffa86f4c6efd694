// The entry point. A reading thread that the command line will need (a large CSV, JSONL or Postfix file) is
// started first, so that it loads its code while this thread loads the program and reads the
// arguments; then the program runs.
import { endSpareThread, startSpareThread } from "./read-parts.js";

startSpareThread(process.argv, process.env);
const { runProgram } = await import("./program.js");
try {
  await runProgram(process.argv);
} finally {
  endSpareThread();
}
// Done, with nothing left to write: exit now rather than wait for Node to tear down the heap and the
// reading threads (10-15 ms after a large read). Output still queued (a pipe on some systems is
// written asynchronously) is left to drain the ordinary way.
if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit();
