// `npm run bench`: our export beside DuckDB doing the same group-by on the same files, alternating,
// several runs; prints rows/s, MB/s, peak memory and the median time ratio ours / DuckDB.
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
}

/** Runs a node script with the peak-memory preload; wall time and peak resident memory. */
function measure(args: string[], cwd = ROOT): Measure {
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ["--require", join(HERE, "peak.cjs"), ...args], { cwd, stdio: ["ignore", "ignore", "pipe", "pipe"], encoding: "utf8", maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (run.status !== 0) throw new Error(`${args.join(" ")} failed (${run.status}): ${run.stderr}`);
  const peakKB = Number(String(run.output[3] ?? "").trim());
  return { seconds, peakMB: peakKB / 1024 };
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
  console.log(`node ${process.version}, ${RUNS} runs each, alternating; median times\n`);
  for (const input of inputs) {
    const bytes = statSync(input.path).size;
    const lines = input.rows || Number(spawnSync("wc", ["-l", input.path], { encoding: "utf8" }).stdout.trim().split(/\s+/)[0]);
    const ours: Measure[] = [];
    const theirs: Measure[] = [];
    for (let run = 0; run < RUNS; run++) {
      ours.push(measure([join(ROOT, "bin", "smtp-auth-report.js"), "export", input.path, "--all", "--quiet", "-o", join(CACHE, "ours.csv")]));
      if (input.duckdb) theirs.push(measure([join(HERE, "duckdb-export.mjs"), input.format, input.path, join(CACHE, "duckdb.csv")], duck));
    }
    const t = median(ours.map((m) => m.seconds));
    const peak = Math.max(...ours.map((m) => m.peakMB));
    let line = `${input.name.padEnd(8)} ${fmt(lines)} ${input.format === "postfix" ? "lines" : "rows"}, ${fmt(bytes / 1e6)} MB: ours ${fmt(t, 2)} s, ${fmt(lines / t / 1e6, 2)}M ${input.format === "postfix" ? "lines" : "rows"}/s, ${fmt(bytes / 1e6 / t)} MB/s, peak ${fmt(peak)} MB`;
    if (input.duckdb) {
      const d = median(theirs.map((m) => m.seconds));
      line += ` | DuckDB ${fmt(d, 2)} s, ${fmt(lines / d / 1e6, 2)}M rows/s, peak ${fmt(Math.max(...theirs.map((m) => m.peakMB)))} MB | ratio ours/DuckDB ${fmt(t / d, 2)}`;
    }
    console.log(line);
  }
}

await main();
