#!/usr/bin/env node
import { run } from "./program.js";

// `retrain --help | head`: the reader closed the pipe; what is left unwritten has no one to read
// it. Exit quietly (as `cat` does) instead of crashing with an unhandled EPIPE stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (e) {
  // An unexpected failure (a bug, not bad input): show the stack and exit 1.
  process.stderr.write(
    `retrain: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
  );
  process.exitCode = 1;
}
