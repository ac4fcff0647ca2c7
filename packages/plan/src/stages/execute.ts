/**
 * One stack program's run under mocks, as plain data: what the run stage needs from it, the same
 * whether the program ran in this thread or in a worker (stages/worker.ts), where the result
 * crosses threads by structured clone.
 */
import { ConfigError, type ConfigProblem } from "@retrain/config";
import { type RecordedResource, runStackProgram } from "@retrain/offline";
import type { ProgramLoader } from "./load.js";

/** What a program needs to run: no functions, so it can be posted to a worker. */
export interface ProgramInput {
  readonly programDir: string;
  readonly project: string;
  readonly stack: string;
  /** The stack's config as written (`DiscoveredStack.config.raw`). */
  readonly config: Record<string, unknown>;
  /** Upstream outputs by StackReference name. */
  readonly upstream: Record<string, Record<string, unknown>>;
}

export type ProgramRun =
  /** The program could not be imported. */
  | { readonly loadError: string }
  | {
      readonly resources: RecordedResource[];
      readonly outputs: Record<string, unknown>;
      /** The run's errors, by message (Error objects do not keep their class across threads). */
      readonly errors: string[];
      /**
       * The config problems of those errors that were a {@link ConfigError} (a check only the program
       * makes, e.g. a reference to another environment's stack), by the error's message: reported
       * one problem each, with its key and place, as the load stage reports its own.
       */
      readonly configErrors?: { readonly message: string; readonly problems: ConfigProblem[] }[];
    };

export async function executeProgram(load: ProgramLoader, input: ProgramInput): Promise<ProgramRun> {
  let program: Awaited<ReturnType<ProgramLoader>>;
  try {
    program = await load(input.programDir);
  } catch (e) {
    return { loadError: (e as Error).message };
  }
  const result = await runStackProgram({
    project: input.project,
    stack: input.stack,
    program,
    config: input.config,
    upstream: input.upstream,
  });
  const configErrors = result.errors
    // By class, or by shape when the program's copy of @retrain/config is another module instance.
    .filter(
      (e): e is ConfigError =>
        e instanceof ConfigError || (e.name === "ConfigError" && Array.isArray((e as ConfigError).problems)),
    )
    .map((e) => ({ message: e.message, problems: e.problems }));
  return {
    resources: result.resources,
    outputs: result.outputs,
    errors: result.errors.map((e) => e.message),
    ...(configErrors.length > 0 ? { configErrors } : {}),
  };
}
