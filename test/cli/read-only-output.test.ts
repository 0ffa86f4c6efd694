// SPEC "Errors": --output is written atomically. A read-only file is not replaced behind the user's
// back by the rename: it is refused as a shell's `>` would refuse it (root may write it, as with `>`).
import { spawnSync } from "node:child_process";
import { chmodSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NODE, ROOT, put, runCli, scratch } from "../helpers.js";

const BIN = join(ROOT, "bin", "smtp-auth-report.js");
const NOBODY = 65534;

/** Runs the CLI as a user who is not root: as ourselves, or (as root) as nobody through setpriv. */
function runAsUser(args: string[], cwd: string): { code: number; stderr: string } {
  const asRoot = process.getuid?.() === 0;
  const command = asRoot ? ["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", ...NODE, BIN, ...args] : [...NODE, BIN, ...args];
  const result = spawnSync(command[0]!, command.slice(1), { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", HOME: cwd } });
  expect(result.error).toBeUndefined();
  return { code: result.status ?? -1, stderr: result.stderr };
}

describe("--output naming a read-only file", () => {
  it("is refused with exit 1, the previous file untouched and no temporary file left", () => {
    const folder = scratch();
    // The folder is writable by anyone (the rename would succeed there); the file is not.
    chmodSync(folder, 0o777);
    put(folder, "in.csv", "timestamp,sender,tls_version,auth\n2026-11-20T08:00:00Z,app@a.example,TLS1.2,XOAUTH2\n");
    const previous = put(folder, "prev.csv", "last week's report\n");
    chmodSync(previous, 0o444);
    const run = runAsUser(["export", "in.csv", "-o", "prev.csv"], folder);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("smtp-auth-report: prev.csv: cannot write: permission denied (the file is read-only); the previous file is untouched\n");
    expect(readFileSync(previous, "utf8")).toBe("last week's report\n");
    expect(statSync(previous).mode & 0o777).toBe(0o444);
    expect(readdirSync(folder).sort()).toEqual(["in.csv", "prev.csv"]);
    if (process.getuid?.() === 0) {
      // Root writes it, as `>` would, keeping its mode.
      expect(runCli(["export", "in.csv", "-o", "prev.csv"], { cwd: folder }).code).toBe(0);
      expect(readFileSync(previous, "utf8")).toMatch(/^period,sender,/);
      expect(statSync(previous).mode & 0o777).toBe(0o444);
    }
  });
});
