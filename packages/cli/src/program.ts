/** The `retrain` command line: commander program built from one module per command. */
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { COMMANDS } from "./commands/index.js";
import { type CliContext, EXIT, genericExitCodesHelp, type Output, UsageError } from "./context.js";

function version(): string {
  // package.json sits one level above both src/ and dist/.
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

/** The commander program; parse errors throw CommanderError (exitOverride) instead of exiting. */
export function createProgram(ctx: CliContext): Command {
  const program = new Command("retrain")
    .description("Periodic GPU model retraining on AWS: plan, validate and explain stacks and schedules.")
    .version(version())
    .showHelpAfterError("(add --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
      getOutHelpWidth: () => 100,
      getErrHelpWidth: () => 100,
    })
    .addHelpText("afterAll", genericExitCodesHelp);
  // Subcommands inherit exitOverride and the output configuration from here.
  for (const register of COMMANDS) register(program, ctx);
  return program;
}

export interface RunOptions {
  stdout?: Output;
  stderr?: Output;
  cwd?: string;
  now?: () => Date;
}

/** Runs `retrain <argv...>` and resolves to its exit code (0 ok, 1 failures, 2 invalid input). */
export async function run(argv: readonly string[], opts: RunOptions = {}): Promise<number> {
  const ctx: CliContext = {
    stdout: opts.stdout ?? process.stdout,
    stderr: opts.stderr ?? process.stderr,
    cwd: opts.cwd ?? process.cwd(),
    now: opts.now ?? (() => new Date()),
    exitCode: EXIT.ok,
  };
  const program = createProgram(ctx);
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version end the run successfully; every other parse error is a usage error.
      return e.code === "commander.helpDisplayed" || e.code === "commander.version"
        ? EXIT.ok
        : EXIT.invalidInput;
    }
    if (e instanceof UsageError) {
      ctx.stderr.write(`error: ${e.message}\n`);
      return EXIT.invalidInput;
    }
    throw e;
  }
  return ctx.exitCode;
}
