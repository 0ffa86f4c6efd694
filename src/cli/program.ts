// The program: its commands, and how an error becomes an exit code (main.ts runs it).
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { InputError, OutputError, UsageError } from "../core/errors.js";
import { escapeTerminal } from "../render/text.js";
import { authCommand } from "./commands/auth.js";
import { exportCommand } from "./commands/export.js";
import { reportCommand } from "./commands/report.js";
import { summaryCommand } from "./commands/summary.js";
import { tlsCommand } from "./commands/tls.js";
import { volumeCommand } from "./commands/volume.js";
import { closedPipeExitCode, isSystemError } from "./output.js";

const EXIT_INPUT = 1;
const EXIT_USAGE = 2;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

/** The program with every command; usage errors come back as CommanderErrors instead of exiting. */
export function buildProgram(): Command {
  const program = new Command("smtp-auth-report")
    .description("Who still submits mail with SMTP AUTH, Basic authentication or legacy TLS: reports from your own logs.")
    .version(version())
    .showSuggestionAfterError(true)
    .addHelpText("after", `
Examples:
  smtp-auth-report summary 'logs/*.csv.gz'                 who used SMTP AUTH in the last 7 days of the logs
  smtp-auth-report tls --details --tls legacy mail.jsonl     senders still on TLS 1.0/1.1 or no TLS
  smtp-auth-report auth /var/log/mail.log --from -30d        Basic vs OAuth from a Postfix log
  smtp-auth-report export logs/*.csv -o week.csv --fail-on any   for cron: exit 3 while anything needs action
  smtp-auth-report report logs/*.csv --output report.html     a page to mail to managers

Exit codes: 0 done, 1 input cannot be read or --fail-on cannot decide from the data, 2 usage error, 3 --fail-on found such use.`);
  for (const command of [summaryCommand(), volumeCommand(), tlsCommand(), authCommand(), exportCommand(), reportCommand()]) program.addCommand(command);
  for (const command of [program, ...program.commands]) {
    command.exitOverride().configureOutput({
      outputError: (message, write) => write(`smtp-auth-report: ${takenElsewhere(program, command, message.replace(/^error: /, "").trim().replace(/\s*\n\s*/g, " "))}\n`),
    });
  }
  return program;
}

/**
 * A usage error's message; an unknown option that other commands take (`export --compare`) says which
 * ones, in place of a guess at a similar option of this command.
 */
function takenElsewhere(program: Command, command: Command, message: string): string {
  const flag = /^unknown option '(--[\w-]+)'/.exec(message)?.[1];
  const takers = flag === undefined ? [] : program.commands.filter((c) => c.options.some((o) => o.long === flag)).map((c) => c.name());
  if (takers.length === 0) return message;
  const names = takers.length > 2 ? `${takers.slice(0, -1).join(", ")} and ${takers.at(-1)}` : takers.join(" and ");
  return `unknown option '${flag}' for ${command.name()} (${names} take${takers.length === 1 ? "s" : ""} it)`;
}

function fail(error: unknown, debug: boolean): number {
  if (error instanceof CommanderError) {
    return error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help" ? 0 : EXIT_USAGE;
  }
  const code = error instanceof UsageError ? EXIT_USAGE : EXIT_INPUT;
  // A system call that failed (a file gone, no permission, a full disk) is the machine's state, not a bug.
  const expected = error instanceof UsageError || error instanceof InputError || error instanceof OutputError || isSystemError(error);
  const message = error instanceof Error ? error.message : String(error);
  const hint = expected || debug ? "" : " (a bug: run again with --debug and report what it prints)";
  process.stderr.write(`smtp-auth-report: ${escapeTerminal(expected ? message : `unexpected error: ${message}`)}${hint}\n`);
  if (debug) process.stderr.write(`${(error as Error).stack ?? ""}\n`);
  return code;
}

/** Runs the program on a command line; the exit code is left in process.exitCode. */
export async function runProgram(argv: string[]): Promise<void> {
  // A closed pipe (`| head`) ends the run quietly; any other error of standard output ends it with one line.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(closedPipeExitCode());
    process.stderr.write(`smtp-auth-report: standard output: cannot write: ${escapeTerminal(error.message)}; the output is incomplete\n`);
    process.exit(EXIT_INPUT);
  });
  // Standard error closed too (`2>&1 | head`): its notes have no reader; the run goes on to its own exit code.
  process.stderr.on("error", () => {});
  const debug = argv.includes("--debug");
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    process.exitCode = fail(error, debug);
  }
}
