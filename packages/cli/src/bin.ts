#!/usr/bin/env node
import { run } from "./program.js";

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (e) {
  // An unexpected failure (a bug, not bad input): show the stack and exit 1.
  process.stderr.write(
    `retrain: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
  );
  process.exitCode = 1;
}
