// `npm run bench`: our export beside DuckDB doing the same group-by on the same files, alternating,
// several runs; prints rows/s, MB/s, median peak memory and the ratio ours / DuckDB (median of the
// runs' ratios, with their spread), and checks that both wrote the same bytes. Inputs are generated
// once into test/bench/.cache; DuckDB (@duckdb/node-api) is installed there on first use, so it is
// not a dependency of the package. BENCH_BIG=1 adds the large sizes (0.5M to 20M rows; 1k to 3M
// groups), BENCH_ONLY=name,name runs only the inputs named, BENCH_RUNS=n sets the runs (5).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { csvInput, eximInput, journalInput, jsonlInput, postfixInput } from "./data.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..");
const CACHE = join(HERE, ".cache");
const DUCKDB_VERSION = "1.5.6-r.1";
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BIN = process.env.BENCH_BIN ?? join(ROOT, "bin", "smtp-auth-report.js");
// Our tool as its bin starts it (the shebang's flag: see bin/smtp-auth-report.js), so the bench times what users run.
const OURS = ["--no-concurrent-recompilation", BIN];
// With NODE_EXTRA_CA_CERTS set, Node reads every root certificate as it starts (35-40 ms a process on
// this project's machine, which sets it for its proxy), before either tool's code runs. Neither opens a
// network connection here, so both run without it, as on most machines; BENCH_KEEP_CA=1 keeps it.
const { NODE_EXTRA_CA_CERTS: extraCaCerts, ...withoutExtraCa } = process.env;
const ENV = process.env.BENCH_KEEP_CA === "1" ? process.env : withoutExtraCa;
// About 300k groups at 2M rows: the shape of the real data the issue measured.
const SENDERS = 3500;

interface Measure {
  seconds: number;
  peakMB: number;
  stderr: string;
}

/** Runs a node script with the peak-memory preload; wall time and peak resident memory. */
function measure(args: string[], cwd = ROOT, env: Record<string, string> = {}): Measure {
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ["--require", join(HERE, "peak.cjs"), ...args], { cwd, env: { ...ENV, ...env }, stdio: ["ignore", "ignore", "pipe", "pipe"], encoding: "utf8", maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (run.status !== 0) throw new Error(`${args.join(" ")} failed (${run.status}): ${run.stderr}`);
  const peakKB = Number(String(run.output[3] ?? "").trim());
  return { seconds, peakMB: peakKB / 1024, stderr: run.stderr };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function ensureDuckDb(): string {
  const folder = join(CACHE, "duckdb");
  if (!existsSync(join(folder, "node_modules", "@duckdb", "node-api"))) {
    mkdirSync(folder, { recursive: true });
    console.log(`installing @duckdb/node-api@${DUCKDB_VERSION} into ${folder} (once)`);
    const npm = spawnSync("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--prefix", folder, `@duckdb/node-api@${DUCKDB_VERSION}`], { stdio: "inherit" });
    if (npm.status !== 0) throw new Error("could not install DuckDB");
  }
  return folder;
}

const fmt = (n: number, digits = 0): string => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

interface Input {
  name: string;
  /** How DuckDB reads it; undefined: DuckDB has no reader for it. */
  duckdb?: "csv" | "jsonl";
  /** Lines of the file that are records (0: count them). */
  rows: number;
  unit: "rows" | "lines";
  path: () => Promise<string>;
}

const cache = (name: string): string => join(CACHE, name);

function inputs(): Input[] {
  const csv = (name: string, rows: number, senders: number): Input => ({
    name, duckdb: "csv", rows, unit: "rows", path: () => csvInput(cache(`submissions-${rows}-${senders}.csv`), rows, senders),
  });
  const list: Input[] = [
    csv("CSV 2M", 2_000_000, SENDERS),
    { name: "JSONL 1M", duckdb: "jsonl", rows: 1_000_000, unit: "rows", path: () => jsonlInput(cache(`submissions-1000000-${SENDERS}.jsonl`), 1_000_000, SENDERS) },
    { name: "quoted ; CSV 2M", duckdb: "csv", rows: 2_000_000, unit: "rows", path: () => csvInput(cache(`excel-2000000-${SENDERS}.csv`), 2_000_000, SENDERS, "excel") },
    { name: "Postfix 1M", rows: 0, unit: "lines", path: () => postfixInput(cache("maillog-1m-deliveries"), 1_000_000) },
    { name: "Exim 1M", rows: 0, unit: "lines", path: () => eximInput(cache("exim-mainlog-1m"), 1_000_000) },
    { name: "journal JSON 1M", rows: 0, unit: "lines", path: () => journalInput(cache("journal-1m.json"), 1_000_000) },
  ];
  if (process.env.BENCH_BIG === "1") {
    list.push(
      csv("CSV 0.5M", 500_000, SENDERS),
      csv("CSV 8M", 8_000_000, SENDERS),
      csv("CSV 20M", 20_000_000, SENDERS),
      csv("CSV 2M 1k groups", 2_000_000, 10),
      csv("CSV 8M 3M groups", 8_000_000, 60_000),
    );
  }
  const only = process.env.BENCH_ONLY?.split(",").map((s) => s.trim());
  return only === undefined ? list : list.filter((i) => only.includes(i.name));
}

async function main(): Promise<void> {
  mkdirSync(CACHE, { recursive: true });
  const duck = ensureDuckDb();
  const baseline = measure([...OURS, "--version"]).peakMB;
  console.log(`node ${process.version}, ${RUNS} runs each, ours and DuckDB alternating; medians; ratio = median of the runs' ours/DuckDB [min-max]; a process that does nothing peaks at ${fmt(baseline)} MB${extraCaCerts !== undefined && ENV !== process.env ? "; both run without NODE_EXTRA_CA_CERTS (BENCH_KEEP_CA=1 keeps it)" : ""}\n`);
  for (const input of inputs()) {
    const path = await input.path();
    const bytes = statSync(path).size;
    const lines = input.rows || Number(spawnSync("wc", ["-l", path], { encoding: "utf8" }).stdout.trim().split(/\s+/)[0]);
    const ours: Measure[] = [];
    const theirs: Measure[] = [];
    const one: Measure[] = [];
    // With --debug (its reading time and groups); not timed end to end: --debug turns on the bundle's source maps.
    const debug: Measure[] = [];
    const oursOut = cache("ours.csv");
    const duckOut = cache("duckdb.csv");
    for (let run = 0; run < RUNS; run++) {
      ours.push(measure([...OURS, "export", path, "--all", "-o", oursOut]));
      if (input.duckdb !== undefined) theirs.push(measure([join(HERE, "duckdb-export.mjs"), input.duckdb, path, duckOut], duck));
      // One thread, for the memory figure (every third run, to keep the bench short).
      if (run % 3 === 0) one.push(measure([...OURS, "export", path, "--all", "-o", oursOut], ROOT, { SMTP_AUTH_REPORT_THREADS: "1" }));
      if (run % 2 === 0) debug.push(measure([...OURS, "export", path, "--all", "--debug", "-o", oursOut]));
    }
    const t = median(ours.map((m) => m.seconds));
    const groups = Number(/; ([\d,]+) groups/.exec(debug[0]!.stderr)?.[1]?.replace(/,/g, "") ?? NaN);
    const readSeconds = median(debug.map((m) => Number(/read [\d,]+ records in ([\d.]+) s/.exec(m.stderr)?.[1] ?? NaN)));
    console.log(`${input.name}: ${fmt(lines)} ${input.unit}, ${fmt(bytes / 1e6)} MB, ${fmt(groups)} groups`);
    const peak = median(ours.map((m) => m.peakMB));
    console.log(`  ours    ${fmt(t, 2)} s end to end: ${fmt(lines / t / 1e6, 2)}M ${input.unit}/s, ${fmt(bytes / 1e6 / t)} MB/s; reading alone ${fmt(readSeconds, 2)} s (${fmt(lines / readSeconds / 1e6, 2)}M ${input.unit}/s); peak ${fmt(peak)} MB (one thread ${fmt(median(one.map((m) => m.peakMB)))} MB)`);
    if (input.duckdb !== undefined) {
      const d = median(theirs.map((m) => m.seconds));
      const ratios = ours.map((m, i) => m.seconds / theirs[i]!.seconds);
      const same = readFileSync(oursOut).equals(readFileSync(duckOut));
      console.log(`  DuckDB  ${fmt(d, 2)} s end to end: ${fmt(lines / d / 1e6, 2)}M ${input.unit}/s, ${fmt(bytes / 1e6 / d)} MB/s; peak ${fmt(median(theirs.map((m) => m.peakMB)))} MB`);
      console.log(`  ratio ours/DuckDB: time ${fmt(median(ratios), 2)} [${fmt(Math.min(...ratios), 2)}-${fmt(Math.max(...ratios), 2)}], peak memory ${fmt(peak / median(theirs.map((m) => m.peakMB)), 2)}; output ${same ? "byte-identical" : "DIFFERENT"}`);
      if (!same) process.exitCode = 1;
    }
  }
}

await main();
