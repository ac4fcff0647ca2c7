/**
 * Maintenance-window occurrences as [start, start + duration) intervals. Which occurrences of
 * different windows overlap is @retrain/windows' sweep.
 */
import { parseSchedule } from "./parse.js";
import { iterateRuns, runWindow } from "./runs.js";
import type { Interval, WindowSchedule } from "./types.js";

const HOUR_MS = 3_600_000;

/** An instant: a Date, epoch milliseconds, or an ISO 8601 text with a UTC offset (or a bare date, UTC). */
export type Instant = Date | number | string;

/**
 * The range to look in, [from, to). An {@link Interval} (`{ start, end }`, what the functions
 * return) is taken as well, so a run can be passed back as the range.
 */
export type TimeRange = { from: Instant; to: Instant } | { start: Instant; end: Instant };

/** Offset required: local time would make the range depend on the machine's zone. */
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/i;

function instantMs(value: unknown, key: string): number {
  const ms =
    value instanceof Date
      ? value.getTime()
      : typeof value === "number"
        ? value
        : typeof value === "string" && ISO_WITH_OFFSET.test(value)
          ? Date.parse(value)
          : Number.NaN;
  if (!Number.isFinite(ms))
    throw new RangeError(
      `range.${key} must be a valid Date, epoch milliseconds or an ISO 8601 instant with an offset, found ${JSON.stringify(value) ?? String(value)}`,
    );
  return ms;
}

function rangeMs(range: TimeRange): [number, number] {
  if (typeof range !== "object" || range === null)
    throw new RangeError("range must be { from, to } (or an interval { start, end })");
  const r = range as Partial<Record<"from" | "to" | "start" | "end", unknown>>;
  if ("from" in r || "to" in r) return [instantMs(r.from, "from"), instantMs(r.to, "to")];
  if ("start" in r || "end" in r) return [instantMs(r.start, "start"), instantMs(r.end, "end")];
  throw new RangeError("range must be { from, to } (or an interval { start, end })");
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
