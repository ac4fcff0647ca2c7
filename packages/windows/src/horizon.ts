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

/**
 * The clash check's range: the horizon, extended to {@link CLASH_LOOKAHEAD_WEEKS} when shorter. With
 * `latestFirstRun` (the latest first run among a pool's windows) after the horizon, it reaches a
 * lookahead past that run, so a window that starts late is compared over a year of its own runs, not
 * one or two (at most two lookaheads from the start: the pack refuses a later first run on a shared
 * pool). A first run within the horizon leaves it at the lookahead: the runs a year on from it are
 * those of the horizon again, and every pool keeps one range (the schedule view's walks are shared).
 */
export function clashLookahead(
  range: { from: Date; to: Date },
  latestFirstRun?: Date,
): { from: Date; to: Date } {
  const from = range.from.getTime();
  const span = CLASH_LOOKAHEAD_WEEKS * WEEK_MS;
  const first = latestFirstRun?.getTime();
  const late = first === undefined || first < range.to.getTime() ? 0 : Math.min(first, from + span) + span;
  return { from: range.from, to: new Date(Math.max(from + span, range.to.getTime(), late)) };
}

/** A window's runs over a clash range split at the horizon's end: `occurrences` before, `later` after. */
export function splitAtHorizon<T extends { start: Date }>(
  all: readonly T[],
  horizonEnd: Date,
): { occurrences: readonly T[]; later: readonly T[] } {
  const cut = all.findIndex((o) => o.start.getTime() >= horizonEnd.getTime());
  return cut < 0
    ? { occurrences: all, later: [] }
    : { occurrences: all.slice(0, cut), later: all.slice(cut) };
}
