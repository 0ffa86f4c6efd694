import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runCli } from "./helpers.js";

/** The README's examples: a `$ smtp-auth-report ...` line (optionally `| head -N`) and the output under it. */
function examples(): { command: string; args: string[]; head?: number; output: string }[] {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const found = [];
  for (const block of readme.matchAll(/```\n\$ smtp-auth-report ([^\n]*)\n([\s\S]*?)```/g)) {
    const [, commandLine, output] = block;
    const [command, head] = commandLine!.split(" | head -");
    found.push({ command: command!, args: command!.split(" "), head: head === undefined ? undefined : Number(head), output: output! });
  }
  return found;
}

describe("the README's examples", () => {
  const all = examples();
  it("are there", () => expect(all.length).toBeGreaterThan(10));
  for (const example of all) {
    it(`print what the README shows: ${example.command}`, () => {
      const run = runCli(example.args);
      const stdout = example.head === undefined ? run.stdout : `${run.stdout.split("\n").slice(0, example.head).join("\n")}\n`;
      expect(stdout).toBe(example.output);
    });
  }
});
