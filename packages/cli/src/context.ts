import type { Command } from "commander";

/** What every command runs with: injectable output streams, working directory and clock (for tests). */

/** The three exit codes (one definition, in @retrain/config, shared with the plan and the calendar). */
export { EXIT } from "@retrain/config/workspace";

export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  violations or failures found (e.g. mandatory policy violations, window clashes)
  2  invalid input (unknown flag or value, invalid schedule expression, invalid stack config)`;

/** Commands that say what their own exit codes mean: their help shows that, not EXIT_CODES_HELP. */
const OWN_EXIT_CODES = new WeakSet<Command>();

/**
 * A command's own "Exit codes: ..." help line, for `.addHelpText("after", ...)`, shown instead of the
 * generic block. Commander writes a command's "after" text before its ancestors' "afterAll" text, so
 * the command is marked by the time {@link genericExitCodesHelp} asks.
 */
export function ownExitCodesHelp(text: string): (context: { command: Command }) => string {
  return ({ command }) => {
    OWN_EXIT_CODES.add(command);
    return `\nExit codes: ${text}`;
  };
}

/** The generic block, for the help of any command that has no text of its own (`afterAll`). */
export function genericExitCodesHelp({ command }: { command: Command }): string {
  return OWN_EXIT_CODES.has(command) ? "" : EXIT_CODES_HELP;
}

export interface Output {
  write(text: string): void;
  /** True when a person reads it: enables carets under expressions and progress. */
  isTTY?: boolean;
}

export interface CliContext {
  stdout: Output;
  stderr: Output;
  /** Directory relative paths and the workspace are resolved from. */
  cwd: string;
  /** The current instant (schedule commands count runs from it by default). */
  now(): Date;
  /** The exit code the run ends with; commands raise it, never lower it. */
  exitCode: number;
}

/**
 * Bad input found by a command after parsing (e.g. an unknown time zone): printed as
 * `error: <message>` and the run exits 2.
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Raises the run's exit code to `code` (a failure never hides invalid input). */
export function fail(ctx: CliContext, code: number): void {
  ctx.exitCode = Math.max(ctx.exitCode, code);
}
