/**
 * Does everything a maintenance window runs fit before its cutoff? Tasks of different priority run
 * one after another; no task starts after `duration - cutoff`, so a stop-instances task that would
 * start later never runs and the GPUs stay on. The config schema, the policy pack and the plan's
 * cross-stack check all judge a window with this one function.
 */

/**
 * Upper bounds, in seconds, we assume for the AWS-owned start/stop runbooks. Both run one
 * `aws:changeInstanceState` step; for `running` it waits until EC2 reports the instance running and
 * both status checks OK, for `stopped` until it is stopped. AWS documents only the step's default
 * timeout (3600 s, https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-changestate.html);
 * a GPU instance normally passes its status checks in a few minutes, so these are estimates with
 * margin, not guarantees (docs/plan.md says so).
 */
export const AUTOMATION_TASK_SECONDS = {
  "AWS-StartEC2Instance": 900,
  "AWS-StopEC2Instance": 600,
} as const;

export type AutomationRunbook = keyof typeof AUTOMATION_TASK_SECONDS;

export interface BudgetPart {
  /** What runs: a task name, or the runbook of a start/stop task. */
  label: string;
  /** Worst-case seconds it takes (its timeout, times the batches it runs in). */
  seconds: number;
}

export interface WindowBudgetInput {
  durationHours: number;
  cutoffHours: number;
  /** Runs AWS-StartEC2Instance first and AWS-StopEC2Instance last. */
  startStopInstances: boolean;
  /** The window's own tasks in their order, each with its worst-case seconds. */
  tasks: readonly BudgetPart[];
}

export interface WindowBudget {
  /** Seconds in which tasks may start: (duration - cutoff) hours. */
  availableSeconds: number;
  /** Sum of every part, start and stop included. */
  neededSeconds: number;
  parts: BudgetPart[];
  fits: boolean;
}

export function windowBudget(w: WindowBudgetInput): WindowBudget {
  const parts: BudgetPart[] = [
    ...(w.startStopInstances
      ? [{ label: "AWS-StartEC2Instance", seconds: AUTOMATION_TASK_SECONDS["AWS-StartEC2Instance"] }]
      : []),
    ...w.tasks,
    ...(w.startStopInstances
      ? [{ label: "AWS-StopEC2Instance", seconds: AUTOMATION_TASK_SECONDS["AWS-StopEC2Instance"] }]
      : []),
  ];
  const availableSeconds = (w.durationHours - w.cutoffHours) * 3600;
  const neededSeconds = parts.reduce((n, p) => n + p.seconds, 0);
  return { availableSeconds, neededSeconds, parts, fits: neededSeconds <= availableSeconds };
}

/** `start 900 s + train 6000 s + stop 600 s = 7500 s` */
export function describeBudget(b: WindowBudget): string {
  return `${b.parts.map((p) => `${p.label} ${p.seconds} s`).join(" + ")} = ${b.neededSeconds} s`;
}

/**
 * How many rounds a task runs in over `targets` instances: SSM runs it on at most MaxConcurrency
 * targets at a time (a count, or a percentage of the targets, at least one).
 * ("Using concurrency controls", https://docs.aws.amazon.com/systems-manager/latest/userguide/send-commands-multiple.html);
 * a percentage is taken of the targets, rounded down, at least one (our reading, not stated exactly)
 */
export function batchesOf(maxConcurrency: string, targets: number): number {
  if (targets <= 0) return 0;
  const pct = /^(\d+)%$/.exec(maxConcurrency);
  const atOnce = pct ? Math.max(1, Math.floor((targets * Number(pct[1])) / 100)) : Number(maxConcurrency);
  if (!Number.isFinite(atOnce) || atOnce < 1) return targets;
  return Math.ceil(targets / Math.min(atOnce, targets));
}
