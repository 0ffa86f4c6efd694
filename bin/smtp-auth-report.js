#!/usr/bin/env -S node --no-concurrent-recompilation
import "../dist/bundle/main.js";
