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
