/**
 * Maintenance-window occurrences as [start, start + duration) intervals. Which occurrences of
 * different windows overlap is @retrain/windows' sweep.
 */
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
  // A rate window without StartDate, or with one already past (AWS then uses the current time), is
  // anchored at the range start: nothing else anchors it offline.
  if (schedule.type === "rate" && (w.startMs === undefined || w.startMs < from)) w.startMs = from;
  const out: [number, number][] = [];
  for (const start of iterateRuns(schedule, w)) out.push([start, start + duration]);
  return out;
}
