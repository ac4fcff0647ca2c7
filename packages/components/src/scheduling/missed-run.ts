/**
 * How to alarm on a run that should have happened and did not, from the schedule alone (pure: the
 * plan and the tests call it without Pulumi).
 *
 * SSM publishes no maintenance-window metrics to CloudWatch, so the stack makes one: an EventBridge
 * rule sends each successful target invocation (window) or instance association run (association)
 * to the team's run log group, and a metric filter per window counts them. An alarm whose period
 * covers the longest gap between two runs plus the run itself, with missing data treated as
 * breaching, goes off when a run is missing.
 *
 * CloudWatch caps an alarm's look-back (Period × EvaluationPeriods) at 7 days, and at 1 day for a
 * period under an hour (PutMetricAlarm, Period:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
 * A weekly window needs more than 7 days (the gap plus the run), so it gets two alarms joined by a
 * composite: "no success in the last 7 days" AND NOT "the window started within its duration"; the
 * first alone would go off at every run until its success arrives. A weekly run in a zone with DST is
 * 7 days + 1 hour apart once a year (fall back): that week the alarm can go off up to an hour before
 * the run starts (docs/operations.md). Runs further apart cannot be watched by an alarm at all:
 * `none`, with the reason.
 */
import type { WindowConfig } from "@retrain/config";
import { nextRuns } from "@retrain/schedule";

export const MAX_ALARM_RANGE_S = 7 * 86_400;
const HOUR_S = 3600;
/** Time allowed after a run's expected end for its success event to arrive. */
export const SLACK_S = HOUR_S;
/** Runs sampled for the longest gap: a year of daily runs, every DST change of the zone included. */
/** The most a DST change moves a wall-clock schedule (Lord Howe's half hour included). */
const DST_SHIFT_S = HOUR_S;
const SAMPLE_DAYS = 371;
const MAX_SAMPLES = 2000;

export type MissedRunPlan =
  | {
      kind: "single";
      /** Alarm period (seconds, whole hours): longest gap + run + slack. */
      periodSeconds: number;
      maxGapSeconds: number;
    }
  | {
      kind: "composite";
      /** "No success" alarm: 7 days, the most CloudWatch evaluates. */
      periodSeconds: number;
      /** "Started recently" alarm: the run's duration + slack, whole hours. */
      startedPeriodSeconds: number;
      maxGapSeconds: number;
    }
  | { kind: "none"; reason: string };

const ceilHours = (s: number) => Math.ceil(s / HOUR_S) * HOUR_S;

/** Longest gap between consecutive runs over the next year, in seconds; undefined with < 2 runs. */
export function longestGapSeconds(w: WindowConfig, from: Date): number | undefined {
  const runs = nextRuns(w.schedule, {
    from,
    count: MAX_SAMPLES,
    timezone: w.timezone,
    kind: w.mode,
    ...(w.startDate !== undefined ? { startDate: w.startDate } : {}),
    ...(w.offsetDays !== undefined ? { offsetDays: w.offsetDays } : {}),
  }).filter((d) => d.getTime() - from.getTime() <= SAMPLE_DAYS * 86_400_000);
  if (runs.length < 2) return undefined;
  let max = 0;
  for (let i = 1; i < runs.length; i++)
    max = Math.max(max, ((runs[i] as Date).getTime() - (runs[i - 1] as Date).getTime()) / 1000);
  return max;
}

/** How long one run may take before its success must have arrived, in seconds. */
function runSeconds(w: WindowConfig): number {
  if (w.mode === "association") return Math.max(...w.tasks.map((t) => t.timeoutSeconds));
  return w.durationHours * HOUR_S;
}

export function planMissedRunAlarm(w: WindowConfig, from = new Date()): MissedRunPlan {
  if (w.schedule.startsWith("at(")) return { kind: "none", reason: "an at(...) schedule runs once" };
  if (!w.enabled) return { kind: "none", reason: "the window is disabled" };
  const gap = longestGapSeconds(w, from);
  if (gap === undefined) return { kind: "none", reason: "fewer than two runs in the next year" };
  const run = runSeconds(w);
  const single = ceilHours(gap + run + SLACK_S);
  if (single <= MAX_ALARM_RANGE_S) return { kind: "single", periodSeconds: single, maxGapSeconds: gap };
  const started = ceilHours(run + SLACK_S);
  if (w.mode === "maintenance-window" && gap <= MAX_ALARM_RANGE_S + DST_SHIFT_S && started <= 86_400)
    return {
      kind: "composite",
      periodSeconds: MAX_ALARM_RANGE_S,
      startedPeriodSeconds: started,
      maxGapSeconds: gap,
    };
  return {
    kind: "none",
    reason: `runs are up to ${(gap / 86_400).toFixed(1)} days apart; a CloudWatch alarm looks back at most 7 days`,
  };
}
