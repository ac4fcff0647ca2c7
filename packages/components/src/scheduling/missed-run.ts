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
 * the run starts (docs/operations.md). A window whose runs are further apart (monthly, or an
 * irregular cron) cannot be watched over its gap; it is watched from each start instead (`after-start`):
 * "the window started between its run + slack and twice that ago" AND NOT "it started within its run
 * + slack" AND NOT "a run succeeded within twice its run + slack". Every success of that run falls in
 * the last window, so only a started run with no success goes off, once the run should have
 * succeeded. It cannot see a window that never starts (disabled or deleted outside Pulumi). An
 * association has no start event: runs more than 7 days apart get `none`, with the reason.
 */
import type { WindowConfig } from "@retrain/config";
import { windowNextRuns } from "@retrain/windows";

export const MAX_ALARM_RANGE_S = 7 * 86_400;
const HOUR_S = 3600;
/** Time allowed after a run's expected end for its success event to arrive. */
export const SLACK_S = HOUR_S;
/** Runs sampled for the longest gap: a year of daily runs, every DST change of the zone included. */
/** The most a DST change moves a wall-clock schedule (Lord Howe's half hour included). */
const DST_SHIFT_S = HOUR_S;
const SAMPLE_DAYS = 371;
const DAY_MS = 86_400_000;
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
  | {
      kind: "after-start";
      /** "Started recently" alarm: the run's duration + slack, whole hours. */
      startedPeriodSeconds: number;
      /** "Started earlier" and "succeeded recently" alarms: twice the started period. */
      periodSeconds: number;
      maxGapSeconds: number;
    }
  | { kind: "none"; reason: string };

const ceilHours = (s: number) => Math.ceil(s / HOUR_S) * HOUR_S;

/**
 * The window's runs after `from` (its schedule fields, windowNextRuns), at most `count`, up to `until`
 * instead of the window's own endDate: the gap is the schedule's, sampled as if the window went on.
 */
function runsOf(w: WindowConfig, from: Date, count: number, until?: Date): Date[] {
  const { endDate: _own, ...rest } = w;
  return windowNextRuns(until === undefined ? rest : { ...rest, endDate: until.toISOString() }, from, count);
}

/** The runs the gap is taken over: up to MAX_SAMPLES runs strictly after `from`, within SAMPLE_DAYS. */
function sampledRuns(w: WindowConfig, from: Date): number[] {
  return runsOf(w, from, MAX_SAMPLES)
    .map((d) => d.getTime())
    .filter((t) => t - from.getTime() <= SAMPLE_DAYS * DAY_MS);
}

function maxGap(runs: readonly number[]): number | undefined {
  if (runs.length < 2) return undefined;
  let max = 0;
  for (let i = 1; i < runs.length; i++)
    max = Math.max(max, ((runs[i] as number) - (runs[i - 1] as number)) / 1000);
  return max;
}

/**
 * Longest gap between consecutive runs over the next year, in seconds; undefined with < 2 runs.
 * It ignores the window's endDate: after it the alarm goes off, and the pack refuses the window
 * (no run ahead) until the team removes it (docs/operations.md, "After a window's endDate").
 */
export function longestGapSeconds(w: WindowConfig, from: Date): number | undefined {
  if (!w.schedule.startsWith("cron(")) return uncachedLongestGapSeconds(w, from);
  return maxGap(cachedCronRuns(w, from) ?? sampledRuns(w, from));
}

/** {@link longestGapSeconds} walking the runs every time (the reference the cache is tested against). */
export function uncachedLongestGapSeconds(w: WindowConfig, from: Date): number | undefined {
  return maxGap(sampledRuns(w, from));
}

/**
 * Walking a year of cron runs (croner, per run, across DST) is most of a plan's CPU in TeamAlerts,
 * while every team's stack asks it with its own `now` and teams share a handful of schedules. A cron
 * run is an absolute instant, whatever instant the walk starts from, so the runs after a later
 * `from` are a slice of the runs after an earlier one: each distinct schedule (every field the runs
 * depend on) keeps the runs from its first `from` over the sampled year plus RUNS_REUSE_MS, and a
 * `from` within that time takes the same slice `nextRuns` would return (identical results; a test
 * compares them). Rate schedules are anchored at `from` (no slice) and cheap: computed directly.
 * Bounded and cleared when full: a hostile config can only make it recompute.
 */
const RUNS_REUSE_MS = 60 * 60_000;
const RUNS_CACHE_MAX = 256;
interface CachedRuns {
  readonly fromMs: number;
  /** Runs strictly after fromMs, ascending. */
  readonly runs: readonly number[];
  /** Every run up to this instant (inclusive) is in `runs`. */
  readonly completeUntilMs: number;
}
const runsCache = new Map<string, CachedRuns>();

function cachedCronRuns(w: WindowConfig, from: Date): number[] | undefined {
  const fromMs = from.getTime();
  if (Number.isNaN(fromMs)) return undefined;
  const key = JSON.stringify([w.mode, w.timezone, w.schedule, w.startDate ?? null, w.offsetDays ?? null]);
  const hit = runsCache.get(key);
  const slice = hit && sliceOf(hit, fromMs);
  if (slice) return slice;
  const endMs = fromMs + SAMPLE_DAYS * DAY_MS + RUNS_REUSE_MS + 1;
  const limit = 2 * MAX_SAMPLES;
  const runs = runsOf(w, from, limit, new Date(endMs)).map((d) => d.getTime());
  // Cut short by the count, the list is complete up to its last run; otherwise up to the end bound.
  const completeUntilMs = runs.length >= limit ? (runs.at(-1) as number) : endMs - 1;
  const entry = { fromMs, runs, completeUntilMs };
  if (runsCache.size >= RUNS_CACHE_MAX) runsCache.clear();
  runsCache.set(key, entry);
  return sliceOf(entry, fromMs);
}

/** What sampledRuns(w, from) returns, from a cached walk; undefined when the walk does not cover it. */
function sliceOf(c: CachedRuns, fromMs: number): number[] | undefined {
  if (fromMs < c.fromMs || fromMs - c.fromMs > RUNS_REUSE_MS) return undefined;
  const sampleEnd = fromMs + SAMPLE_DAYS * DAY_MS;
  let start = 0;
  while (start < c.runs.length && (c.runs[start] as number) <= fromMs) start++;
  const out: number[] = [];
  for (let i = start; i < c.runs.length && out.length < MAX_SAMPLES; i++) out.push(c.runs[i] as number);
  // Complete if it reached MAX_SAMPLES runs or the sampled year lies inside what the walk covered.
  if (out.length < MAX_SAMPLES && sampleEnd > c.completeUntilMs) return undefined;
  return out.filter((t) => t <= sampleEnd);
}

/** For tests: forget the remembered runs. */
export function clearRunsCache(): void {
  runsCache.clear();
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
  if (w.mode === "maintenance-window" && gap <= MAX_ALARM_RANGE_S + DST_SHIFT_S)
    return {
      kind: "composite",
      periodSeconds: MAX_ALARM_RANGE_S,
      startedPeriodSeconds: started,
      maxGapSeconds: gap,
    };
  if (w.mode === "maintenance-window" && 2 * started <= MAX_ALARM_RANGE_S)
    return {
      kind: "after-start",
      startedPeriodSeconds: started,
      periodSeconds: 2 * started,
      maxGapSeconds: gap,
    };
  return {
    kind: "none",
    reason: `runs are up to ${(gap / 86_400).toFixed(1)} days apart; a CloudWatch alarm looks back at most 7 days, and an association has no start event to watch from`,
  };
}
