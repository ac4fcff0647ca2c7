/** How far ahead the plan, the calendar and the pack's overlap check look, in weeks. */
export const DEFAULT_WEEKS = 4;
export const MAX_WEEKS = 52;
export const WEEK_MS = 7 * 86_400_000;

/** The horizon [from, to) of `weeks` weeks from `from`. */
export function horizon(from: Date, weeks: number): { from: Date; to: Date } {
  return { from, to: new Date(from.getTime() + weeks * WEEK_MS) };
}

/**
 * How far ahead the cross-team clash check looks, in weeks from the horizon's start, for windows on
 * a pool more than one team uses: a little over a year, so a window that runs in the horizon and
 * then pauses (e.g. `cron(0 4 ? JUN,DEC SUN *)` planned in December) is compared with its next
 * season too. The calendar, cost and the runs listed stay within the horizon.
 */
export const CLASH_LOOKAHEAD_WEEKS = 53;

/** The clash check's range: the horizon, extended to {@link CLASH_LOOKAHEAD_WEEKS} when shorter. */
export function clashLookahead(range: { from: Date; to: Date }): { from: Date; to: Date } {
  const far = range.from.getTime() + CLASH_LOOKAHEAD_WEEKS * WEEK_MS;
  return { from: range.from, to: new Date(Math.max(far, range.to.getTime())) };
}
