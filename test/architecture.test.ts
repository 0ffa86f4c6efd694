// The layers of src/ import one way (STYLE.md): core imports nothing of ours; ingest and engine
// import core; render imports engine and core; only cli sees everything; nothing imports cli; and no
// file reaches itself through its imports.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "../src");

const ALLOWED: Record<string, readonly string[]> = {
  core: ["core"],
  ingest: ["core", "ingest"],
  engine: ["core", "engine"],
  render: ["core", "engine", "render"],
  cli: ["core", "ingest", "engine", "render", "cli"],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Each file of src/ (relative, with .ts) and the files of src/ it imports, type-only imports included. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, "utf8");
    const targets = [...text.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g), ...text.matchAll(/new URL\(\s*["'](\.{1,2}\/[^"']+)["']/g)]
      .map((m) => relative(SRC, resolve(dirname(file), m[1]!)).replace(/\.js$/, ".ts"))
      .filter((target) => !target.startsWith("..")); // package.json, read for the version
    graph.set(relative(SRC, file), [...new Set(targets)]);
  }
  return graph;
}

const layerOf = (file: string): string => file.split("/")[0]!;

/** Every cycle's files in order, found by depth-first search (each cycle reported from one entry). */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (file: string): void => {
    state.set(file, "open");
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "open") found.push([...path.slice(path.indexOf(next)), next]);
      else if (state.get(next) === undefined) visit(next);
    }
    path.pop();
    state.set(file, "done");
  };
  for (const file of [...graph.keys()].sort()) if (state.get(file) === undefined) visit(file);
  return found;
}

/** Each import that runs against the layers, as `file -> target`. */
function forbiddenImports(graph: Map<string, string[]>): string[] {
  return [...graph].flatMap(([file, targets]) =>
    targets.filter((t) => !(ALLOWED[layerOf(file)] ?? []).includes(layerOf(t))).map((t) => `${file} -> ${t}`));
}

describe("the import graph of src/", () => {
  const graph = importGraph();

  it("has every file in a known layer and every import resolving to a file", () => {
    for (const [file, targets] of graph) {
      expect(Object.keys(ALLOWED), file).toContain(layerOf(file));
      for (const target of targets) expect(graph.has(target), `${file} imports ${target}`).toBe(true);
    }
  });

  it("imports only downwards: core ← ingest, engine ← render ← cli", () => {
    expect(forbiddenImports(graph)).toEqual([]);
  });

  it("has no cycle", () => {
    expect(cycles(graph).map((c) => c.join(" -> "))).toEqual([]);
  });

  it("would see a forbidden import and a cycle (the checks can fail)", () => {
    const planted = new Map(graph);
    planted.set("engine/planted.ts", ["ingest/read.ts", "engine/planted-too.ts"]);
    planted.set("engine/planted-too.ts", ["engine/planted.ts"]);
    expect(forbiddenImports(planted)).toEqual(["engine/planted.ts -> ingest/read.ts"]);
    expect(cycles(planted)).toEqual([["engine/planted-too.ts", "engine/planted.ts", "engine/planted-too.ts"]]);
  });
});
