/** A window's schedule fields, gathered from its config in one place. */
import type { WindowConfig } from "@retrain/config/workspace";
import {
  type NextRunsOptions,
  type NoUpcomingRun,
  nextRuns,
  noUpcomingRun,
  type WindowSchedule,
} from "@retrain/schedule";

/** Hours a window holds its pool per run: its duration, or an association's longest task timeout. */
export function holdHours(w: WindowConfig): number {
  return w.mode === "association"
    ? Math.max(...w.tasks.map((t) => t.timeoutSeconds)) / 3600
    : w.durationHours;
}

/**
 * The window's schedule as SSM runs it (expression, zone, offset, start and end date), held for
 * {@link holdHours} per run: what `windowOccurrences` and {@link windowNextRuns} read.
 */
export function windowSchedule(w: WindowConfig): WindowSchedule {
  return {
    schedule: w.schedule,
    timezone: w.timezone,
    durationHours: holdHours(w),
    ...(w.offsetDays === undefined ? {} : { offsetDays: w.offsetDays }),
    ...(w.startDate === undefined ? {} : { startDate: w.startDate }),
    ...(w.endDate === undefined ? {} : { endDate: w.endDate }),
  };
}

/** The window's next `count` runs strictly after `from` (the rules of its mode). */
export function windowNextRuns(w: WindowConfig, from: Date, count: number): Date[] {
  return nextRuns(w.schedule, { ...runOptions(w, from), count });
}

/** The schedule fields `nextRuns` and `noUpcomingRun` read, for a run query from `from`. */
function runOptions(w: WindowConfig, from: Date): Omit<NextRunsOptions, "count"> {
  const s = windowSchedule(w);
  return {
    from,
    kind: w.mode,
    ...(s.timezone === undefined ? {} : { timezone: s.timezone }),
    ...(s.offsetDays === undefined ? {} : { offsetDays: s.offsetDays }),
    ...(s.startDate === undefined ? {} : { startDate: s.startDate }),
    ...(s.endDate === undefined ? {} : { endDate: s.endDate }),
  };
}

/** Why the window has no run after `from`, or undefined when it has one (the rules of its mode). */
export function windowNoUpcomingRun(w: WindowConfig, from: Date): NoUpcomingRun | undefined {
  return noUpcomingRun(w.schedule, runOptions(w, from));
}
