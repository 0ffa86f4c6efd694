// `npm run bench`: our export beside DuckDB doing the same group-by on the same files, alternating,
// several runs; prints rows/s, MB/s, median peak memory and the median time ratio ours / DuckDB.
// Inputs are generated once into test/bench/.cache; DuckDB (@duckdb/node-api) is installed there on
// first use, so it is not a dependency of the package.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { csvInput, jsonlInput, postfixInput } from "./data.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..");
const CACHE = join(HERE, ".cache");
const DUCKDB_VERSION = "1.5.6-r.1";
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

interface Measure {
  seconds: number;
  peakMB: number;
  stderr: string;
}

/** Runs a node script with the peak-memory preload; wall time and peak resident memory. */
function measure(args: string[], cwd = ROOT): Measure {
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ["--require", join(HERE, "peak.cjs"), ...args], { cwd, stdio: ["ignore", "ignore", "pipe", "pipe"], encoding: "utf8", maxBuffer: 1 << 26 });
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

async function main(): Promise<void> {
  mkdirSync(CACHE, { recursive: true });
  const duck = ensureDuckDb();
  const inputs = [
    { name: "CSV", format: "csv", rows: 2_000_000, path: await csvInput(join(CACHE, "submissions-2m.csv"), 2_000_000), duckdb: true },
    { name: "JSONL", format: "jsonl", rows: 1_000_000, path: await jsonlInput(join(CACHE, "submissions-1m.jsonl"), 1_000_000), duckdb: true },
    { name: "Postfix", format: "postfix", rows: 0, path: await postfixInput(join(CACHE, "maillog-1m"), 1_000_000), duckdb: false },
  ];
  if (process.env.BENCH_BIG === "1") {
    inputs.push({ name: "CSV 10M", format: "csv", rows: 10_000_000, path: await csvInput(join(CACHE, "submissions-10m.csv"), 10_000_000), duckdb: false });
  }
  const baseline = measure([join(ROOT, "bin", "smtp-auth-report.js"), "--version"]).peakMB;
  console.log(`node ${process.version}, ${RUNS} runs each, alternating; median times; a process that does nothing peaks at ${fmt(baseline)} MB\n`);
  const peaks = new Map<string, number>();
  for (const input of inputs) {
    const bytes = statSync(input.path).size;
    const lines = input.rows || Number(spawnSync("wc", ["-l", input.path], { encoding: "utf8" }).stdout.trim().split(/\s+/)[0]);
    const unit = input.format === "postfix" ? "lines" : "rows";
    const ours: Measure[] = [];
    const theirs: Measure[] = [];
    for (let run = 0; run < RUNS; run++) {
      ours.push(measure([join(ROOT, "bin", "smtp-auth-report.js"), "export", input.path, "--all", "--debug", "-o", join(CACHE, "ours.csv")]));
      if (input.duckdb) theirs.push(measure([join(HERE, "duckdb-export.mjs"), input.format, input.path, join(CACHE, "duckdb.csv")], duck));
    }
    const t = median(ours.map((m) => m.seconds));
    const peak = median(ours.map((m) => m.peakMB));
    peaks.set(input.name, peak);
    // --debug says how long reading alone took and how many groups there were.
    const debug = /read [\d,]+ records in ([\d.]+) s .*?; ([\d,]+) groups/.exec(ours[ours.length - 1]!.stderr);
    const readSeconds = median(ours.map((m) => Number(/read [\d,]+ records in ([\d.]+) s/.exec(m.stderr)?.[1] ?? NaN)));
    const groups = Number(debug?.[2]?.replace(/,/g, "") ?? NaN);
    console.log(`${input.name}: ${fmt(lines)} ${unit}, ${fmt(bytes / 1e6)} MB, ${fmt(groups)} groups`);
    console.log(`  ours    ${fmt(t, 2)} s end to end: ${fmt(lines / t / 1e6, 2)}M ${unit}/s, ${fmt(bytes / 1e6 / t)} MB/s; reading alone ${fmt(readSeconds, 2)} s (${fmt(lines / readSeconds / 1e6, 2)}M ${unit}/s); peak ${fmt(peak)} MB (${fmt(((peak - baseline) * 1048576) / groups)} bytes a group above the baseline)`);
    if (input.duckdb) {
      const d = median(theirs.map((m) => m.seconds));
      console.log(`  DuckDB  ${fmt(d, 2)} s end to end: ${fmt(lines / d / 1e6, 2)}M ${unit}/s, ${fmt(bytes / 1e6 / d)} MB/s; peak ${fmt(median(theirs.map((m) => m.peakMB)))} MB`);
      console.log(`  ratio ours/DuckDB (median time): ${fmt(t / d, 2)}`);
    }
  }
  if (peaks.has("CSV 10M")) console.log(`\npeak memory, 10M rows / 2M rows with the same devices: ${fmt(peaks.get("CSV 10M")! / peaks.get("CSV")!, 2)}`);
}

await main();
