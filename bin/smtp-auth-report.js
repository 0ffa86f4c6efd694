#!/usr/bin/env -S node --no-concurrent-recompilation
// --debug prints stack traces: with the bundle's source maps (read only then), they name src/ files and lines.
if (process.argv.includes("--debug")) process.setSourceMapsEnabled(true);
await import("../dist/bundle/main.js");
