import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect } from "vitest";

/** The repository's root folder. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
/** The shipped sample data. */
export const FIXTURES = join(ROOT, "fixtures");
const BIN = join(ROOT, "bin", "smtp-auth-report.js");
/**
 * Node as the bin's shebang starts it: without concurrent TurboFan, whose background job can deadlock
 * Node's shutdown when it asks for a garbage collection as the main thread exits (nodejs/node#54918).
 */
export const NODE = [process.execPath, "--no-concurrent-recompilation"];
/** The CLI as one shell word list: node, its flags and the bin. */
export const CLI_SHELL = [...NODE, BIN].join(" ");

/** What a run of the CLI printed and returned. */
export interface CliRun {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs the built CLI as a user would, with colour off unless the test asks for it. */
export function runCli(args: string[], options: { input?: string | Buffer; env?: Record<string, string | undefined>; cwd?: string } = {}): CliRun {
  const result = spawnSync(NODE[0]!, [...NODE.slice(1), BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input ?? "",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined, COLUMNS: undefined, ...options.env },
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  return { stdout: result.stdout, stderr: result.stderr, code: result.status ?? -1 };
}

const scratchFolders: string[] = [];
// A test file's folders go after its tests, so runs leave nothing behind in the temporary folder.
afterAll(() => {
  for (const folder of scratchFolders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A fresh temporary folder, removed after the test file's tests. */
export function scratch(): string {
  const folder = mkdtempSync(join(tmpdir(), "smtp-auth-report-"));
  scratchFolders.push(folder);
  return folder;
}

/** Writes a file in a folder and returns its path. */
export function put(folder: string, name: string, content: string | Buffer): string {
  const path = join(folder, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

/** Compares text with a golden file under test/golden (UPDATE_GOLDEN=1 rewrites it). */
export function expectGolden(name: string, actual: string): void {
  const path = join(ROOT, "test", "golden", name);
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  expect(actual).toBe(readFileSync(path, "utf8"));
}
