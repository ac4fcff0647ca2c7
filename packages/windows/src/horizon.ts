/** How far ahead the plan, the calendar and the pack's overlap check look, in weeks. */
export const DEFAULT_WEEKS = 4;
export const MAX_WEEKS = 52;
export const WEEK_MS = 7 * 86_400_000;

/** The horizon [from, to) of `weeks` weeks from `from`. */
export function horizon(from: Date, weeks: number): { from: Date; to: Date } {
  return { from, to: new Date(from.getTime() + weeks * WEEK_MS) };
}
