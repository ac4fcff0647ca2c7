/** Runs the CLI in-process with captured output. */
import { run } from "../src/index.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function retrain(
  argv: string[],
  opts: { cwd?: string; tty?: boolean; now?: Date } = {},
): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await run(argv, {
    stdout: {
      write: (s) => {
        stdout += s;
      },
      isTTY: opts.tty ?? false,
    },
    stderr: {
      write: (s) => {
        stderr += s;
      },
      isTTY: opts.tty ?? false,
    },
    cwd: opts.cwd ?? process.cwd(),
    now: () => opts.now ?? new Date("2025-06-01T00:00:00Z"),
  });
  return { code, stdout, stderr };
}
