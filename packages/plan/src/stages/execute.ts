/**
 * One stack program's run under mocks, as plain data: what the run stage needs from it, the same
 * whether the program ran in this thread or in a worker (stages/worker.ts), where the result
 * crosses threads by structured clone.
 */
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
  return {
    resources: result.resources,
    outputs: result.outputs,
    errors: result.errors.map((e) => e.message),
  };
}
