/**
 * Whether a schedule starts again while its last run may still be open: a window lasting longer
 * than the gap to its own next start, an association whose timeout is longer than its interval.
 */
import { minimumIntervalMs } from "./interval.js";
import { parseSchedule } from "./parse.js";
import type { CronField, CronSchedule, MinimumIntervalOptions } from "./types.js";

const MINUTE_MS = 60_000;
const DAY_MINUTES = 1440;
/**
 * The most a zone's UTC offset changes at one transition (Antarctica/Troll's 2 h; most zones 1 h):
 * two runs on either side of it are that much closer in real time than on the wall clock.
 */
const MAX_ZONE_SHIFT_MINUTES = 120;

/** Whether the field holds only plain values (no `L`, `W`, `nL` or `#`, which depend on the month). */
const plain = (f: CronField): boolean =>
  f.items.every((i) => i.type === "all" || i.type === "any" || i.type === "range");

/** Whether two consecutive calendar days can both be run days (conservative: true when unsure). */
function adjacentRunDays(s: CronSchedule): boolean {
  const byWeekday = s.dayOfMonth.items.some((i) => i.type === "any");
  const field = byWeekday ? s.dayOfWeek : s.dayOfMonth;
  if (!plain(field)) return true;
  const days = new Set(field.values);
  if (byWeekday) return field.values.some((d) => days.has((d % 7) + 1));
  // The 28th to 31st can be a month's last day, followed by the 1st.
  return field.values.some((d) => days.has(d + 1) || (d >= 28 && days.has(1)));
}

/**
 * A lower bound in minutes of the real time between two consecutive runs of a cron, from its
 * structure alone: the closest times of day, or the last time of one day to the first of the next
 * when two run days can follow each other (at least two days apart otherwise), less a zone's
 * largest offset change. Cheap, so the exact walk over a year of runs is left to the rare schedule
 * near the limit.
 */
function cronGapLowerBoundMinutes(s: CronSchedule, timezone: string): number {
  const times = s.hours.values.flatMap((h) => s.minutes.values.map((m) => h * 60 + m)).sort((a, b) => a - b);
  const first = times[0];
  const last = times.at(-1);
  if (first === undefined || last === undefined) return 0;
  let gap = (adjacentRunDays(s) ? DAY_MINUTES : 2 * DAY_MINUTES) + first - last;
  for (let i = 1; i < times.length; i++) gap = Math.min(gap, (times[i] ?? 0) - (times[i - 1] ?? 0));
  return gap - (timezone === "UTC" ? 0 : MAX_ZONE_SHIFT_MINUTES);
}

/**
 * The shortest real gap between two consecutive runs of `expression` when it is below `holdMs` (a
 * run that lasts `holdMs` would still be open when the next one starts), else `undefined`. Exact:
 * {@link minimumIntervalMs} decides whenever the structural bound does not rule an overlap out.
 */
export function selfOverlapGapMs(
  expression: string,
  holdMs: number,
  options: MinimumIntervalOptions = {},
): number | undefined {
  const schedule = parseSchedule(expression, options.kind === undefined ? {} : { kind: options.kind });
  if (schedule.type === "at") return undefined;
  if (schedule.type === "rate") return schedule.intervalMs < holdMs ? schedule.intervalMs : undefined;
  if (cronGapLowerBoundMinutes(schedule, options.timezone ?? "UTC") * MINUTE_MS >= holdMs) return undefined;
  const gap = minimumIntervalMs(expression, options);
  return gap < holdMs ? gap : undefined;
}

/** A gap between two runs for people: minutes under an hour, else hours (one decimal). */
export function describeGap(ms: number): string {
  return ms < 3_600_000 ? `${Math.round(ms / MINUTE_MS)} min` : `${Math.round((ms / 3_600_000) * 10) / 10} h`;
}
