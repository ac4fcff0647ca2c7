/** Maintenance-window occurrences as [start, start + duration) intervals, and clashes between two windows. */
import { parseSchedule } from "./parse.js";
import { iterateRuns, runWindow } from "./runs.js";
import type { Interval, WindowSchedule } from "./types.js";

const HOUR_MS = 3_600_000;

export interface TimeRange {
  from: Date;
  to: Date;
}

function rangeMs(range: TimeRange): [number, number] {
  const from = range.from.getTime();
  const to = range.to.getTime();
  if (Number.isNaN(from) || Number.isNaN(to))
    throw new RangeError("range.from and range.to must be valid dates");
  return [from, to];
}

/** Occurrences of the window whose open interval intersects [range.from, range.to), ascending. */
export function windowOccurrences(window: WindowSchedule, range: TimeRange): Interval[] {
  return occurrencesMs(window, range).map(([s, e]) => ({ start: new Date(s), end: new Date(e) }));
}

function occurrencesMs(window: WindowSchedule, range: TimeRange): [number, number][] {
  const [from, to] = rangeMs(range);
  if (!(window.durationHours > 0))
    throw new RangeError(`durationHours must be above 0, found ${window.durationHours}`);
  const duration = window.durationHours * HOUR_MS;
  const schedule = parseSchedule(window.schedule);
  // A run starting up to one duration before the range still reaches into it: start > from - duration.
  const w = runWindow(schedule, {
    ...(window.timezone === undefined ? {} : { timezone: window.timezone }),
    ...(window.offsetDays === undefined ? {} : { offsetDays: window.offsetDays }),
    ...(window.startDate === undefined ? {} : { startDate: window.startDate }),
    ...(window.endDate === undefined ? {} : { endDate: window.endDate }),
    afterMs: from - duration,
    beforeMs: to,
  });
  // A rate window without StartDate is anchored at the range start (nothing else anchors it offline).
  if (schedule.type === "rate" && w.startMs === undefined) w.startMs = from;
  const out: [number, number][] = [];
  for (const start of iterateRuns(schedule, w)) out.push([start, start + duration]);
  return out;
}

/**
 * Intervals in which both windows are open, ascending by start: the intersections of every pair of
 * occurrences that meet inside the range (not clipped to the range). Touching intervals
 * ([a, b) and [b, c)) do not overlap.
 */
export function overlaps(a: WindowSchedule, b: WindowSchedule, range: TimeRange): Interval[] {
  const xs = occurrencesMs(a, range);
  const ys = occurrencesMs(b, range);
  const [from, to] = rangeMs(range);
  const out: [number, number][] = [];
  // Sweep: occurrences of one window may overlap each other (duration longer than the period), so
  // compare each x with the ys that start before it ends.
  let j0 = 0;
  for (const [xs0, xe] of xs) {
    while (j0 < ys.length && ys[j0]![1] <= xs0) j0++;
    for (let j = j0; j < ys.length && ys[j]![0] < xe; j++) {
      const start = Math.max(xs0, ys[j]![0]);
      const end = Math.min(xe, ys[j]![1]);
      if (start < end && end > from && start < to) out.push([start, end]);
    }
  }
  out.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  return out.map(([s, e]) => ({ start: new Date(s), end: new Date(e) }));
}
