#!/usr/bin/env -S node --no-concurrent-recompilation
import "../dist/cli/main.js";
