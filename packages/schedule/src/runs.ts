/** Runs of a schedule as UTC instants: cron in a zone across DST, rate anchored, at() once. */
import { nextWallClockRun } from "./cron-engine.js";
import { parseSchedule } from "./parse.js";
import { assertTimeZone, instantToWall, wallToInstant } from "./timezone.js";
import type { NextRunsOptions, Schedule } from "./types.js";

const DAY_MS = 86_400_000;

export interface RunWindow {
  /** Runs strictly after this instant (epoch ms). */
  afterMs: number;
  /** Runs strictly before this instant (epoch ms); Infinity for no bound. */
  beforeMs: number;
  timezone: string;
  /** Inclusive lower bound, and the rate anchor when after `afterMs` (epoch ms). */
  startMs?: number;
  offsetDays: number;
}

function toMs(value: string | Date, what: string): number {
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(ms)) throw new RangeError(`${what} is not a valid date: ${String(value)}`);
  return ms;
}

/** Normalises NextRunsOptions-like input into a RunWindow (validates zone, dates and offset). */
export function runWindow(
  schedule: Schedule,
  opts: Omit<NextRunsOptions, "from" | "count" | "kind"> & { afterMs: number; beforeMs?: number },
): RunWindow {
  const timezone = opts.timezone ?? "UTC";
  assertTimeZone(timezone);
  const offsetDays = opts.offsetDays ?? 0;
  if (!Number.isInteger(offsetDays) || offsetDays < 0 || offsetDays > 6) {
    throw new RangeError(`offsetDays must be a whole number 1-6 (ScheduleOffset), found ${offsetDays}`);
  }
  if (offsetDays !== 0 && schedule.type !== "cron") {
    throw new RangeError("offsetDays (ScheduleOffset) applies to cron(...) schedules only");
  }
  const startMs = opts.startDate === undefined ? undefined : toMs(opts.startDate, "startDate");
  const endMs = opts.endDate === undefined ? Number.POSITIVE_INFINITY : toMs(opts.endDate, "endDate");
  const w: RunWindow = {
    afterMs: opts.afterMs,
    beforeMs: Math.min(opts.beforeMs ?? Number.POSITIVE_INFINITY, endMs),
    timezone,
    offsetDays,
  };
  if (startMs !== undefined) w.startMs = startMs;
  return w;
}

/** All runs in the window, ascending. Lazy, so callers can stop early. */
export function* iterateRuns(schedule: Schedule, w: RunWindow): Generator<number> {
  // StartDate is inclusive: a run exactly at it counts, so search from just before it.
  const after = w.startMs !== undefined ? Math.max(w.afterMs, w.startMs - 1) : w.afterMs;
  if (schedule.type === "at") {
    const [date, time] = schedule.dateTime.split("T") as [string, string];
    const naive = Date.parse(`${date}T${time}Z`);
    const at = wallToInstant(naive, w.timezone);
    if (at !== null && at > after && at < w.beforeMs) yield at;
    return;
  }
  if (schedule.type === "rate") {
    // Fixed intervals of elapsed time (a day is 24 h, also across DST), as EventBridge Scheduler,
    // from StartDate; a StartDate already past is replaced by the current time, which `afterMs`
    // stands for ("if you provide a start date that occurs in the past, the current date and time
    // are used as the start date", CreateMaintenanceWindow, StartDate), as is a missing one.
    const anchor = w.startMs !== undefined && w.startMs > w.afterMs ? w.startMs : w.afterMs;
    const step = schedule.intervalMs;
    let k = after < anchor ? 0 : Math.floor((after - anchor) / step) + 1;
    for (let t = anchor + k * step; t < w.beforeMs; t = anchor + ++k * step) if (t > after) yield t;
    return;
  }
  // Cron: walk wall-clock runs from the wall time of `after` (shifted back by the offset days), map
  // each (shifted forward again) to an instant. With 'earlier' disambiguation the mapping never goes
  // backwards, so wall times before wall(after) cannot be after `after`.
  const shift = w.offsetDays * DAY_MS;
  let wall = instantToWall(after, w.timezone) - shift - 1000;
  for (;;) {
    const next = nextWallClockRun(schedule, wall);
    if (next === null) return;
    wall = next;
    const at = wallToInstant(next + shift, w.timezone);
    if (at === null || at <= after) continue;
    if (at >= w.beforeMs) return;
    yield at;
  }
}

/** The next `count` runs (default 5) strictly after `from`, as UTC instants. */
export function nextRuns(expression: string, options: NextRunsOptions): Date[] {
  const schedule = parseSchedule(expression, options.kind === undefined ? {} : { kind: options.kind });
  const count = options.count ?? 5;
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`count must be a whole number >= 0, found ${count}`);
  const from = options.from.getTime();
  if (Number.isNaN(from)) throw new RangeError("from is not a valid date");
  const out: Date[] = [];
  if (count === 0) return out;
  for (const t of iterateRuns(schedule, runWindow(schedule, { ...options, afterMs: from }))) {
    out.push(new Date(t));
    if (out.length >= count) break;
  }
  return out;
}
