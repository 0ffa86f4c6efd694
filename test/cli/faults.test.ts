import { spawn, spawnSync } from "node:child_process";
import { chmodSync, chownSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { csvCell } from "../../src/render/csv.js";
import { CLI_SHELL, FIXTURES, NODE, ROOT, put, runCli, scratch } from "../helpers.js";

const CSV_FIXTURE = join(FIXTURES, "submissions.csv");
const BIN = join(ROOT, "bin", "smtp-auth-report.js");
const isRoot = process.getuid?.() === 0;

/** Runs a shell command line (the CLI is `$CLI`), as a user's shell would. */
function shell(script: string, env: Record<string, string> = {}): { stdout: string; stderr: string; code: number } {
  const run = spawnSync("bash", ["-c", script], { cwd: ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", CLI: CLI_SHELL, ...env } });
  return { stdout: run.stdout, stderr: run.stderr, code: run.status ?? -1 };
}

/** One line on stderr, no stack trace. */
function oneLine(stderr: string): string {
  expect(stderr).not.toMatch(/\n\s+at |node:internal|unexpected error/);
  expect(stderr.trimEnd().split("\n")).toHaveLength(1);
  return stderr;
}

/** The files of a folder, hidden ones too (temporary files start with a dot). */
const filesIn = (folder: string): string[] => readdirSync(folder).sort();

describe("write errors end in exit 1 with one line (#15 item 1)", () => {
  const commands = [
    ["export", CSV_FIXTURE, "--all"],
    ["export", CSV_FIXTURE, "--format", "jsonl"],
    ["summary", CSV_FIXTURE],
    ["summary", CSV_FIXTURE, "--format", "json"],
    ["volume", CSV_FIXTURE],
    ["tls", CSV_FIXTURE, "--details", "--format", "csv"],
    ["report", CSV_FIXTURE],
  ];

  it("standard output on a full device (/dev/full): every command", () => {
    for (const args of commands) {
      const run = shell(`$CLI ${args.join(" ")} > /dev/full`);
      expect(run.code, args.join(" ")).toBe(1);
      expect(oneLine(run.stderr)).toBe("smtp-auth-report: standard output: cannot write: no space left on device (ENOSPC); the output is incomplete\n");
    }
    const output = runCli(["export", CSV_FIXTURE, "-o", "/dev/full"]);
    expect(output.code).toBe(1);
    expect(oneLine(output.stderr)).toBe("smtp-auth-report: /dev/full: cannot write: no space left on device (ENOSPC); the output is incomplete\n");
  });

  it("a file that cannot grow (a full disk or a size limit): standard output and --output, the previous file untouched", () => {
    const folder = scratch();
    const previous = put(folder, "week.csv", "the previous report\n");
    // A file size limit makes every write past 16 KiB fail as a full disk does (EFBIG), without root.
    for (const args of [["export", CSV_FIXTURE, "--all"], ["report", CSV_FIXTURE]]) {
      const redirected = shell(`trap '' XFSZ; ulimit -f 16; $CLI ${args.join(" ")} > ${join(folder, "out")}`);
      expect(redirected.code).toBe(1);
      expect(oneLine(redirected.stderr)).toBe("smtp-auth-report: standard output: cannot write: file too large (EFBIG); the output is incomplete\n");
      const atomic = shell(`trap '' XFSZ; ulimit -f 16; $CLI ${args.join(" ")} -o ${previous}`);
      expect(atomic.code).toBe(1);
      expect(oneLine(atomic.stderr)).toBe(`smtp-auth-report: ${previous}: cannot write: file too large (EFBIG); the previous file is untouched\n`);
      expect(readFileSync(previous, "utf8")).toBe("the previous report\n");
      expect(filesIn(folder)).toEqual(["out", "week.csv"]);
    }
    // A real full disk: a small tmpfs, where this machine lets us mount one (root).
    const disk = join(folder, "disk");
    mkdirSync(disk);
    if (spawnSync("mount", ["-t", "tmpfs", "-o", "size=32k", "tmpfs", disk]).status !== 0) return;
    try {
      put(disk, "week.csv", "the previous report\n");
      const full = shell(`cd ${disk} && $CLI export ${CSV_FIXTURE} --all > out.csv; echo "exit $?" >&2; $CLI export ${CSV_FIXTURE} --all -o week.csv`);
      expect(full.stderr).toBe("smtp-auth-report: standard output: cannot write: no space left on device (ENOSPC); the output is incomplete\nexit 1\n" +
        "smtp-auth-report: week.csv: cannot write: no space left on device (ENOSPC); the previous file is untouched\n");
      expect(full.code).toBe(1);
      expect(readFileSync(join(disk, "week.csv"), "utf8")).toBe("the previous report\n");
      expect(filesIn(disk)).toEqual(["out.csv", "week.csv"]);
    } finally {
      spawnSync("umount", [disk]);
    }
  });

  it("a folder that does not exist: exit 1, nothing written, and no claim of a previous file", () => {
    const folder = scratch();
    const run = runCli(["export", CSV_FIXTURE, "-o", join(folder, "missing", "week.csv")]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`smtp-auth-report: ${join(folder, "missing", "week.csv")}: cannot write: no such file or directory (ENOENT); nothing was written\n`);
    expect(readdirSync(folder)).toEqual([]);
  });

  it("a closed pipe still ends quietly with exit 0, for every output kind", () => {
    for (const args of [["export", CSV_FIXTURE, "--all", "--by", "hour"], ["export", CSV_FIXTURE, "--all", "--by", "hour", "--format", "jsonl"], ["summary", CSV_FIXTURE, "--format", "json"], ["volume", CSV_FIXTURE, "--details", "--all"]]) {
      const run = shell(`set -o pipefail; $CLI ${args.join(" ")} | head -c 10 >/dev/null`);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
    }
  });

  it("a closed pipe keeps the --fail-on verdict: exit 3 where legacy TLS was found, not 0", () => {
    for (const args of [["export", CSV_FIXTURE, "--all", "--by", "hour"], ["volume", CSV_FIXTURE, "--details", "--format", "csv", "--all"], ["summary", CSV_FIXTURE, "--all", "--width", "200"]]) {
      const run = shell(`set -o pipefail; $CLI ${args.join(" ")} --fail-on legacy-tls | head -c 10 >/dev/null`);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/--fail-on legacy-tls: /);
    }
  });

  it("standard error closed with it (`2>&1 | head`) while notes are written: still exit 0", () => {
    const folder = scratch();
    const rows = Array.from({ length: 200_000 }, (_, i) => `2026-11-2${i % 7}T10:00:00Z,u${i % 5000}@x.example,TLS1.0,LOGIN`);
    const file = put(folder, "big.csv", `timestamp,sender,tls_version,auth\n${rows.join("\n")}\nbad,row\n2026-13-45,x@y,TLS1.0,LOGIN\n`);
    const run = shell(`set -o pipefail; $CLI summary ${file} 2>&1 | head -3 >/dev/null`);
    expect(run.code).toBe(0);
  });
});

describe("--output onto special files writes through them (#15 item 2)", () => {
  const expected = runCli(["export", CSV_FIXTURE]).stdout;

  it("a character device, a FIFO, /dev/stdout and a link to /proc/self/fd/1 are written to, never replaced", async () => {
    const folder = scratch();
    if (isRoot) {
      // A copy of the null device: what `-o /dev/null` run as root would otherwise replace.
      expect(spawnSync("mknod", [join(folder, "null"), "c", "1", "3"]).status).toBe(0);
      const run = runCli(["export", CSV_FIXTURE, "-o", join(folder, "null")]);
      expect(run.code).toBe(0);
      expect(lstatSync(join(folder, "null")).isCharacterDevice()).toBe(true);
    } else {
      // Without root no device can be made, and none replaced: the system's null device then.
      expect(runCli(["export", CSV_FIXTURE, "-o", "/dev/null"]).code).toBe(0);
      expect(lstatSync("/dev/null").isCharacterDevice()).toBe(true);
    }

    const fifo = join(folder, "fifo");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const reader = spawn("cat", [fifo]);
    let read = "";
    reader.stdout.on("data", (chunk: Buffer) => (read += chunk.toString()));
    const closed = new Promise((resolve) => reader.on("close", resolve));
    const writer = spawn(NODE[0]!, [...NODE.slice(1), BIN, "export", CSV_FIXTURE, "-o", fifo]);
    const code = await new Promise((resolve) => writer.on("close", resolve));
    await closed;
    expect(code).toBe(0);
    expect(read).toBe(expected);
    expect(lstatSync(fifo).isFIFO()).toBe(true);

    symlinkSync("/proc/self/fd/1", join(folder, "to-fd1"));
    symlinkSync("/dev/stdout", join(folder, "to-stdout"));
    for (const target of [join(folder, "to-fd1"), join(folder, "to-stdout"), "/dev/stdout", "-"]) {
      const run = runCli(["export", CSV_FIXTURE, "-o", target]);
      expect(run.code, target).toBe(0);
      expect(run.stdout, target).toBe(expected);
    }
    expect(lstatSync(join(folder, "to-fd1")).isSymbolicLink()).toBe(true);
    // Appending through /dev/stdout appends (opening it afresh would have truncated the file).
    const appended = shell(`echo first > ${folder}/log.csv && $CLI export ${CSV_FIXTURE} -o /dev/stdout >> ${folder}/log.csv`);
    expect(appended.code).toBe(0);
    expect(readFileSync(join(folder, "log.csv"), "utf8")).toBe(`first\n${expected}`);
    expect(filesIn(folder).filter((f) => f.startsWith("."))).toEqual([]);
  });

  it("a regular file is still replaced atomically, keeping its mode (and owner where permitted); a link to it stays a link", () => {
    const folder = scratch();
    const report = put(folder, "week.csv", "old\n");
    chmodSync(report, 0o640);
    if (isRoot) chownSync(report, 1234, 2345);
    symlinkSync("week.csv", join(folder, "latest.csv"));
    for (const target of [report, join(folder, "latest.csv")]) {
      expect(runCli(["export", CSV_FIXTURE, "-o", target]).code).toBe(0);
      const info = statSync(report);
      expect(info.mode & 0o777).toBe(0o640);
      if (isRoot) expect([info.uid, info.gid]).toEqual([1234, 2345]);
      expect(readFileSync(report, "utf8")).toBe(expected);
    }
    expect(lstatSync(join(folder, "latest.csv")).isSymbolicLink()).toBe(true);
    const folderRun = runCli(["export", CSV_FIXTURE, "-o", folder]);
    expect(folderRun.code).toBe(1);
    expect(oneLine(folderRun.stderr)).toBe(`smtp-auth-report: ${folder}: is a folder; name a file to write\n`);
    expect(filesIn(folder)).toEqual(["latest.csv", "week.csv"]);
  });
});

let large: string | undefined;

/** A CSV of 150k distinct senders (made once): read for a while, and an export of as many groups written for a while. */
function largeInput(): string {
  if (large !== undefined) return large;
  const lines = ["timestamp,sender,tls_version,auth,client_ip"];
  for (let i = 0; i < 150_000; i++) lines.push(`2026-11-${String(1 + (i % 28)).padStart(2, "0")}T${String(i % 24).padStart(2, "0")}:00:00Z,user${i}@d${i % 97}.example,TLS1.${i % 4},LOGIN,10.${i % 200}.${i % 250}.${i % 7}`);
  return (large = put(scratch(), "large.csv", `${lines.join("\n")}\n`));
}

/** Whether a process has a file open (it is reading it), from /proc. */
function hasOpen(pid: number, path: string): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === path;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

/**
 * Runs an export of `input` onto `output`, sends `signal` once `when` says so (polled every 2 ms), and
 * resolves with the exit code and how long the run took to end after the signal.
 */
function interrupted(input: string, output: string, signal: NodeJS.Signals, when: (pid: number) => boolean): Promise<{ code: number | null; signal: NodeJS.Signals | null; afterSignal: number; sent: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(NODE[0]!, [...NODE.slice(1), BIN, "export", input, "--all", "--by", "hour", "-o", output], { stdio: "ignore" });
    let sentAt = 0;
    const poll = setInterval(() => {
      if (sentAt === 0 && when(child.pid!)) {
        sentAt = Date.now();
        child.kill(signal);
      }
    }, 2);
    child.on("close", (code, signalled) => {
      clearInterval(poll);
      resolve({ code, signal: signalled, afterSignal: Date.now() - sentAt, sent: sentAt !== 0 });
    });
  });
}

describe("signals at any phase: the previous output intact, no temporary file, exit 128+n (#15 item 6)", () => {
  const folder = scratch();
  const SIGNALS = [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129], ["SIGQUIT", 131]] as const;

  for (const [signal, code] of SIGNALS) {
    it(`${signal} while reading and while writing`, async () => {
      const input = largeInput();
      const out = join(folder, `${signal}.csv`);
      let readingSince = 0;
      const phases: [string, (pid: number) => boolean][] = [
        // Reading: the input has been open for a little while (past the start-up).
        ["reading", (pid) => hasOpen(pid, input) && Date.now() - (readingSince ||= Date.now()) > 100],
        // Writing: the temporary file beside the output has its first rows.
        ["writing", () => readdirSync(folder).some((f) => f.startsWith(`.${signal}.csv.`) && statSync(join(folder, f), { throwIfNoEntry: false })?.size)],
      ];
      for (const [phase, when] of phases) {
        writeFileSync(out, "the previous report\n");
        const run = await interrupted(input, out, signal, when);
        expect(run.sent, `${signal} ${phase}: the run ended before the signal`).toBe(true);
        expect(run.code, `${signal} ${phase}`).toBe(code);
        // The aim is under a second (so it ran here, even at a load of 10); the bound leaves room for a loaded CI
        // machine (1,102 ms was seen once with five test suites running on two cores).
        expect(run.afterSignal, `${signal} ${phase}`).toBeLessThan(2500);
        expect(readFileSync(out, "utf8"), `${signal} ${phase}`).toBe("the previous report\n");
        expect(readdirSync(folder).filter((f) => f.endsWith(".tmp")), `${signal} ${phase}`).toEqual([]);
      }
    });
  }
});

describe("no crash at scale (#15 item 5)", () => {
  it("volume --details --top 10 on 150k distinct senders", () => {
    const run = runCli(["volume", largeInput(), "--all", "--details", "--top", "10", "--width", "100"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("total (150,000)");
  });

  it("no spread of an array into a call's arguments anywhere (Math.min/max(...))", () => {
    const sources = spawnSync("grep", ["-rnE", "Math\\.(min|max)\\(\\.\\.\\.", join(ROOT, "src")], { encoding: "utf8" });
    expect(sources.stdout).toBe("");
  });

  it("out of memory ends in exit 1 with one line saying what was held and how to narrow it", () => {
    const folder = scratch();
    const lines = ["timestamp,sender"];
    for (let i = 0; i < 400_000; i++) lines.push(`2026-11-20T10:00:00Z,u${i}@x.example`);
    const input = put(folder, "many.csv", `${lines.join("\n")}\n`);
    const run = runCli(["export", input, "-o", join(folder, "out.csv")], { env: { NODE_OPTIONS: "--max-old-space-size=64" } });
    expect(run.code).toBe(1);
    expect(oneLine(run.stderr)).toMatch(/^smtp-auth-report: out of memory: the heap is nearly full after holding [\d,]+ groups of [\d,]+ senders; ask for fewer: a shorter range \(--from\/--to\), a longer period \(--by day, week or month\), or filters/);
    expect(filesIn(folder)).toEqual(["many.csv"]);
  });
});

/** Runs the CLI with a terminal as standard output (through `script`), returning what the terminal got. */
function onTerminal(args: string[]): string {
  const command = [...NODE, BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  const run = spawnSync("script", ["-qec", command, "/dev/null"], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1", COLUMNS: "160" } });
  return run.stdout.replace(/\r\n/g, "\n");
}

describe("escapes on a terminal (#15 item 7)", () => {
  const folder = scratch();
  // A sender with a zero-width space, one with a right-to-left override, one with a C1 CSI (U+009B).
  const input = put(folder, "hostile.csv", [
    "timestamp,sender,tls_version,auth",
    "2026-11-20T10:00:00Z,ad\u200bmin@b.example,TLS1.0,LOGIN",
    "2026-11-20T10:00:00Z,evil\u202egpj.exe@b.example,TLS1.0,LOGIN",
    "2026-11-20T10:00:00Z,c1\u009b31m@b.example,TLS1.0,LOGIN",
    "2026-11-20T10:00:00Z,esc\u001b]0;x\u0007@b.example,TLS1.0,LOGIN",
    "2026-11-20T10:00:00Z,tag\u{e0041}\ufeff\u2060\u061c\u2028@b.example,TLS1.0,LOGIN",
  ].join("\n"));
  const hidden = /[\u0080-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u001b\u0007]|\udb40[\udc00-\udc7f]/;

  it("every view, -o - included, and JSON and JSONL show them escaped", () => {
    const views = [
      ["export", input], ["export", input, "-o", "-"], ["export", input, "--format", "jsonl"], ["export", input, "--format", "jsonl", "-o", "-"],
      ["summary", input], ["summary", input, "--format", "json"], ["volume", input, "--details"], ["volume", input, "--details", "--format", "json"],
      ["tls", input, "--details"], ["auth", input, "--details", "--format", "csv", "-o", "/dev/stdout"],
    ];
    for (const args of views) {
      const shown = onTerminal(args);
      expect(shown, args.join(" ")).toContain("ad\\u200bmin@b.example");
      expect(shown, args.join(" ")).not.toMatch(hidden);
    }
    // JSON on a terminal is still JSON, and reads back to the exact senders.
    const json = JSON.parse(onTerminal(["volume", input, "--details", "--format", "json"])) as { rows: { sender: string }[] };
    expect(json.rows.map((r) => r.sender).sort()).toEqual(["ad\u200bmin@b.example", "c1\u009b31m@b.example", "esc\u001b]0;x\u0007@b.example", "evil\u202egpj.exe@b.example", "tag\u{e0041}\ufeff\u2060\u061c\u2028@b.example"].sort());
    // report refuses a terminal, -o - too.
    expect(onTerminal(["report", input, "-o", "-"])).toBe("smtp-auth-report: report writes an HTML page: give --output report.html (or redirect standard output)\n");
  });

  it("files and pipes keep the exact text", () => {
    const run = runCli(["export", input, "--format", "jsonl"]);
    expect(run.stdout).toContain(JSON.stringify("ad\u200bmin@b.example"));
    expect(run.stdout).toContain("\u202e");
  });

  it("--excel-safe also defuses cells starting with TAB or CR (OWASP's list)", () => {
    // Readers trim senders and addresses, so the cell writer is checked itself.
    for (const start of ["=", "+", "-", "@", "\t", "\r"]) expect(csvCell(`${start}cmd`, true)).toMatch(/^"?'/);
    expect(csvCell("\tcmd", true)).toBe("'\tcmd");
    expect(csvCell("\rcmd", true)).toBe("\"'\rcmd\"");
    expect(csvCell("\tcmd", false)).toBe("\tcmd");
  });
});
