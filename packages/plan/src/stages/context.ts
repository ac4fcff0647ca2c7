/**
 * What every stage of the plan reads and nothing changes: the workspace, the horizon, how paths are
 * shown and where progress goes. Stages return their findings; none appends to a shared list.
 */
import path from "node:path";
import { workspaceRelative } from "@retrain/config";
import { DEFAULT_WEEKS, horizon, MAX_WEEKS } from "@retrain/windows";
import type { StackStatus } from "../model.js";

export interface PlanOptions {
  /** Workspace root (holding stacks/ and policies/). */
  workspace: string;
  /** Stacks to plan, as `<kind>/<stack>` (or a stack name that is unique); default: all. */
  stacks?: readonly string[];
  /** Teams to plan (their scheduling stacks); combined with `stacks`. */
  teams?: readonly string[];
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
}

export type ProgressEvent =
  | { type: "start"; total: number }
  | { type: "stack-start"; id: string; index: number; total: number }
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
  /** A path as reports show it: workspace-relative POSIX. */
  readonly rel: (file: string) => string;
  readonly progress: (event: ProgressEvent) => void;
}

/** The context of one plan; throws RangeError for a horizon out of range. */
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
    rel: (file: string) => workspaceRelative(root, file),
    progress: options.onProgress ?? (() => {}),
  });
}
