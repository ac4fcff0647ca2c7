/**
 * The one overlap sweep: which runs of different owners (windows) are open at the same time. The
 * plan's cross-team clashes and the pack's stack-wide `maintenance-window-overlap` both use it, so a
 * clash means the same thing to both.
 */
import type { Interval, WindowSchedule } from "./types.js";
import { type TimeRange, windowOccurrences } from "./windows.js";

/** Two owners with overlapping runs, as the sweep found them. */
export interface OverlapPair {
  /** Owner indices (positions in the sweep's input), a < b. */
  a: number;
  b: number;
  /** The run of a and the run of b behind the first overlap. */
  first: { a: Interval; b: Interval };
  /**
   * The intersections of a run of a with a run of b, ascending by start (not clipped to any
   * range): every one, up to {@link MAX_KEPT_OVERLAPS}.
   */
  overlaps: Interval[];
  /** How many pairs of runs overlap (also those past {@link MAX_KEPT_OVERLAPS}). */
  count: number;
}

/**
 * Overlaps kept per pair of owners. Two real windows meet a few times a horizon; two windows of a
 * schedule every 5 minutes lasting 24 hours meet millions of times, and keeping each one took a
 * plan (and the pack) to gigabytes of memory: past this, they are only counted.
 */
export const MAX_KEPT_OVERLAPS = 1000;

interface Run {
  start: number;
  end: number;
  owner: number;
}

/**
 * Every pair of owners with at least one pair of overlapping runs, for the pairs `clash(a, b)`
 * admits (called with a < b; an owner's own runs never pair). A sweep over all runs sorted by start
 * (O(n log n + overlaps)) instead of comparing every pair of owners: hundreds of teams on a handful
 * of pools would otherwise be quadratic. Touching runs ([a, b) and [b, c)) do not overlap. Pairs
 * come in the order their first overlap was found.
 */
export function overlappingRuns(
  runsOf: readonly (readonly Interval[])[],
  clash: (a: number, b: number) => boolean = () => true,
): OverlapPair[] {
  const runs: Run[] = [];
  runsOf.forEach((occurrences, owner) => {
    for (const o of occurrences) runs.push({ start: o.start.getTime(), end: o.end.getTime(), owner });
  });
  runs.sort((x, y) => x.start - y.start || x.end - y.end || x.owner - y.owner);

  const owners = runsOf.length;
  const pairs = new Map<
    number,
    { a: Run; b: Run; overlaps: { start: number; end: number }[]; count: number }
  >();
  let active: Run[] = [];
  for (const run of runs) {
    active = active.filter((r) => r.end > run.start);
    for (const other of active) {
      if (other.owner === run.owner) continue;
      // Order each pair by owner so (x, y) and (y, x) are one pair.
      const [first, second] = other.owner < run.owner ? [other, run] : [run, other];
      if (!clash(first.owner, second.owner)) continue;
      const key = first.owner * owners + second.owner;
      const overlap = { start: run.start, end: Math.min(run.end, other.end) };
      const state = pairs.get(key);
      // Runs arrive by start, so the first overlap found for a pair is its earliest.
      if (!state) pairs.set(key, { a: first, b: second, overlaps: [overlap], count: 1 });
      else if (++state.count <= MAX_KEPT_OVERLAPS) state.overlaps.push(overlap);
    }
    active.push(run);
  }
  const interval = (i: { start: number; end: number }): Interval => ({
    start: new Date(i.start),
    end: new Date(i.end),
  });
  return [...pairs.values()].map((p) => ({
    a: p.a.owner,
    b: p.b.owner,
    first: { a: interval(p.a), b: interval(p.b) },
    overlaps: p.overlaps.map(interval),
    count: p.count,
  }));
}

/**
 * Intervals in which both windows are open, ascending by start: the intersections of every pair of
 * occurrences that meet inside the range (not clipped to the range).
 */
export function overlaps(a: WindowSchedule, b: WindowSchedule, range: TimeRange): Interval[] {
  const [pair] = overlappingRuns([windowOccurrences(a, range), windowOccurrences(b, range)]);
  return (pair?.overlaps ?? []).sort(
    (x, y) => x.start.getTime() - y.start.getTime() || x.end.getTime() - y.end.getTime(),
  );
}
