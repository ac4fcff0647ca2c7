/** Smallest real gap between two consecutive runs, for "fires more often than allowed" checks. */
import { parseSchedule } from "./parse.js";
import { iterateRuns, runWindow } from "./runs.js";
import { transitionsBetween } from "./timezone.js";
import type { MinimumIntervalOptions } from "./types.js";

const DAY_MS = 86_400_000;
/** Runs looked at per sample; enough to see every pattern within a day or a few weeks. */
const SAMPLE_RUNS = 5000;

/**
 * The smallest gap in ms between consecutive runs (Infinity for at() or a cron with fewer than two
 * runs in the horizon). rate(...) is exact. For cron it is measured, not assumed: the runs from
 * `from` (at most 5000 of them, within `horizonDays`, default 366), plus the runs around every DST
 * transition in the horizon, where a wall-clock schedule can fire closer together than on other
 * days (e.g. 01:59 and 03:01 are 2 minutes apart on a spring-forward night in New York).
 */
export function minimumIntervalMs(expression: string, options: MinimumIntervalOptions = {}): number {
  const schedule = parseSchedule(expression, options.kind === undefined ? {} : { kind: options.kind });
  if (schedule.type === "rate") return schedule.intervalMs;
  if (schedule.type === "at") return Number.POSITIVE_INFINITY;
  const timezone = options.timezone ?? "UTC";
  const from = (options.from ?? new Date()).getTime();
  const end = from + (options.horizonDays ?? 366) * DAY_MS;
  const sample = (afterMs: number, beforeMs: number): number => {
    let best = Number.POSITIVE_INFINITY;
    let prev: number | undefined;
    let n = 0;
    for (const t of iterateRuns(schedule, runWindow(schedule, { timezone, afterMs, beforeMs }))) {
      if (prev !== undefined) best = Math.min(best, t - prev);
      prev = t;
      if (++n >= SAMPLE_RUNS) break;
    }
    return best;
  };
  let best = sample(from, end);
  for (const t of transitionsBetween(from, end, timezone)) {
    best = Math.min(best, sample(Math.max(from, t - DAY_MS), Math.min(end, t + DAY_MS)));
  }
  return best;
}
