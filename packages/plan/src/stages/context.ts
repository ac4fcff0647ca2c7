/**
 * What every stage of the plan reads and nothing changes: the workspace, the horizon, how paths are
 * shown and where progress goes. Stages return their findings; none appends to a shared list.
 */
import os from "node:os";
import path from "node:path";
import { PLAN_JOBS_ENV, workspaceRelative } from "@retrain/config";
import { DEFAULT_WEEKS, horizon, MAX_WEEKS } from "@retrain/windows";
import type { StackStatus } from "../model.js";

export interface PlanOptions {
  /** Workspace root (holding stacks/ and policies/). */
  workspace: string;
  /** Stacks to plan, as `<kind>/<stack>` (or a stack name that is unique); default: all. */
  stacks?: readonly string[];
  /** Teams to plan (their scheduling stacks); combined with `stacks`. */
  teams?: readonly string[];
  /**
   * The stacks whose findings decide the exit code (`--gate`), resolved like `stacks`; default
   * (undefined): every stack. Findings on other stacks are reported as not gating. An empty list
   * gates no stack: only invalid input fails. See gate.ts.
   */
  gate?: readonly string[];
  /** Weeks ahead for clashes, calendar and cost; default 4. */
  weeks?: number;
  /** Start of the horizon; default now. */
  from?: Date;
  /** A price table overlaid on the checked-in one and the workspace's plan.prices.json. */
  pricesFile?: string;
  /** Policy pack config file (workspace-relative or absolute); default policies/retrain-guard/policy-config.json. */
  policyConfigFile?: string;
  /** Called as the plan advances (for progress display). */
  onProgress?: (event: ProgressEvent) => void;
  /**
   * Stacks of one dependency level planned at once: 1 runs them one after another in this thread;
   * n > 1 runs them on n worker threads while this thread dispatches. Default: the env var
   * {@link PLAN_JOBS_ENV}, else up to {@link DEFAULT_PLAN_JOBS} for wide levels only
   * ({@link AUTO_STACKS_PER_LANE}).
   */
  jobs?: number;
}

/**
 * Without `jobs` or the env var: at most two lanes (two workers), fewer on one core. Measured on 2
 * cores (docs/benchmarks.md): two workers took 0.8× the wall time of this thread plus one worker at
 * 500 teams (session 9) and 0.90-0.95× of one thread at 100 teams, for 2.5× the memory at 100 (each
 * worker loads and JIT-compiles the SDK and @pulumi/aws again, with a larger young generation).
 * More than two is not measured, so it is opt-in (`--jobs`).
 */
export const DEFAULT_PLAN_JOBS = Math.max(1, Math.min(2, os.availableParallelism()));

/**
 * Without an explicit jobs count, one more lane per this many stacks in the widest level: a
 * worker's start-up (≈ 2-3 CPU-s) pays off only over many stacks (the example's 7 stacks plan
 * faster in this thread alone).
 */
export const AUTO_STACKS_PER_LANE = 100;

/** Environment variable with the default for {@link PlanOptions.jobs} (`retrain plan --jobs`). */
export { PLAN_JOBS_ENV };

export type ProgressEvent =
  | { type: "start"; total: number }
  /** `index`: how many stacks have started, this one included (stacks of one level start together). */
  | { type: "stack-start"; id: string; index: number; total: number }
  /** `index`: how many stacks have finished, this one included (so it only grows, also with jobs > 1). */
  | { type: "stack-done"; id: string; index: number; total: number; status: StackStatus; resources: number }
  | { type: "policy"; stacks: number }
  | { type: "done" };

export interface PlanContext {
  readonly options: Readonly<PlanOptions>;
  /** Absolute workspace root. */
  readonly root: string;
  readonly weeks: number;
  /** The horizon [from, to). */
  readonly from: Date;
  readonly to: Date;
  /** Stacks planned at once (≥ 1), at most; see {@link PlanOptions.jobs}. */
  readonly jobs: number;
  /** Whether `jobs` was asked for (option or env var), rather than the default for wide levels. */
  readonly jobsChosen: boolean;
  /** A path as reports show it: workspace-relative POSIX. */
  readonly rel: (file: string) => string;
  readonly progress: (event: ProgressEvent) => void;
}

/** `jobs`, else the env var, else {@link DEFAULT_PLAN_JOBS}; RangeError naming the source for anything but a whole number ≥ 1. */
function jobsOf(
  jobs: number | undefined,
  env: NodeJS.ProcessEnv = process.env,
): { jobs: number; jobsChosen: boolean } {
  if (jobs !== undefined) {
    if (!Number.isInteger(jobs) || jobs < 1)
      throw new RangeError(`jobs must be a whole number of at least 1, got ${jobs}`);
    return { jobs, jobsChosen: true };
  }
  const fromEnv = env[PLAN_JOBS_ENV];
  if (fromEnv === undefined || fromEnv === "") return { jobs: DEFAULT_PLAN_JOBS, jobsChosen: false };
  if (!/^\d+$/.test(fromEnv) || Number(fromEnv) < 1)
    throw new RangeError(`${PLAN_JOBS_ENV} must be a whole number of at least 1, got "${fromEnv}"`);
  return { jobs: Number(fromEnv), jobsChosen: true };
}

/** The context of one plan; throws RangeError for a horizon or a jobs count out of range. */
export function planContext(options: PlanOptions): PlanContext {
  const root = path.resolve(options.workspace);
  const weeks = options.weeks ?? DEFAULT_WEEKS;
  if (!Number.isInteger(weeks) || weeks < 1 || weeks > MAX_WEEKS) {
    throw new RangeError(`weeks must be a whole number from 1 to ${MAX_WEEKS}, got ${weeks}`);
  }
  const { from, to } = horizon(options.from ?? new Date(), weeks);
  return Object.freeze({
    options,
    root,
    weeks,
    from,
    to,
    ...jobsOf(options.jobs),
    rel: (file: string) => workspaceRelative(root, file),
    progress: options.onProgress ?? (() => {}),
  });
}
