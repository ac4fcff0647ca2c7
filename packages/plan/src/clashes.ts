/**
 * Cross-team clashes: windows of different teams that hold the same pool of the same environment
 * at the same time. A stack's own overlapping windows are the policy pack's stack-wide check; here
 * only pairs of different teams count, because no single stack (and so no policy) sees both.
 */
import type { Clash, ClashSide } from "./model.js";
import { isoUtc, runTime } from "./time.js";

/** A window with its runs over the horizon, as the clash check needs it. */
export interface WindowRuns {
  team: string;
  stackId: string;
  environment: string;
  window: string;
  pool: string;
  timezone: string;
  /** [start, end) in UTC, sorted by start. */
  occurrences: { start: Date; end: Date }[];
}

interface Run {
  start: number;
  end: number;
  owner: number;
}

interface PairState {
  a: number;
  b: number;
  first: { a: Run; b: Run };
  overlaps: { start: number; end: number }[];
}

/**
 * Every pair of windows (different teams, same environment and pool) with at least one overlapping
 * run, with the first overlap and how many pairs of runs overlap. A sweep over the runs of each pool
 * sorted by start (O(n log n + overlaps)) instead of comparing every pair of windows: a workspace of
 * hundreds of teams on a handful of pools would otherwise be quadratic in windows.
 */
export function findClashes(windows: readonly WindowRuns[]): Clash[] {
  const byPool = new Map<string, number[]>();
  windows.forEach((w, i) => {
    const key = `${w.environment}\u0000${w.pool}`;
    const list = byPool.get(key);
    if (list) list.push(i);
    else byPool.set(key, [i]);
  });

  const clashes: Clash[] = [];
  for (const members of byPool.values()) {
    if (new Set(members.map((i) => windows[i]!.team)).size < 2) continue;
    const runs: Run[] = [];
    for (const owner of members) {
      for (const o of windows[owner]!.occurrences)
        runs.push({ start: o.start.getTime(), end: o.end.getTime(), owner });
    }
    runs.sort((x, y) => x.start - y.start || x.end - y.end || x.owner - y.owner);

    const pairs = new Map<string, PairState>();
    let active: Run[] = [];
    for (const run of runs) {
      active = active.filter((r) => r.end > run.start);
      for (const other of active) {
        if (windows[other.owner]!.team === windows[run.owner]!.team) continue;
        // Order each pair by window index so (x, y) and (y, x) are one pair.
        const [first, second] = other.owner < run.owner ? [other, run] : [run, other];
        const key = `${first.owner}:${second.owner}`;
        const overlap = { start: run.start, end: Math.min(run.end, other.end) };
        const state = pairs.get(key);
        // Runs arrive by start, so the first overlap found for a pair is its earliest.
        if (state) state.overlaps.push(overlap);
        else
          pairs.set(key, {
            a: first.owner,
            b: second.owner,
            first: { a: first, b: second },
            overlaps: [overlap],
          });
      }
      active.push(run);
    }

    for (const p of pairs.values()) {
      const wa = windows[p.a]!;
      const wb = windows[p.b]!;
      clashes.push({
        environment: wa.environment,
        pool: wa.pool,
        a: side(wa, p.first.a),
        b: side(wb, p.first.b),
        firstOverlap: interval(p.overlaps[0]!),
        overlapCount: p.overlaps.length,
        overlaps: p.overlaps.map(interval),
      });
    }
  }
  return clashes.sort(
    (x, y) =>
      x.firstOverlap.start.localeCompare(y.firstOverlap.start) ||
      x.environment.localeCompare(y.environment) ||
      x.pool.localeCompare(y.pool) ||
      x.a.stackId.localeCompare(y.a.stackId) ||
      x.a.window.localeCompare(y.a.window),
  );
}

function interval(i: { start: number; end: number }) {
  return { start: isoUtc(new Date(i.start)), end: isoUtc(new Date(i.end)) };
}

function side(w: WindowRuns, run: Run): ClashSide {
  return {
    team: w.team,
    stackId: w.stackId,
    window: w.window,
    timezone: w.timezone,
    firstRun: {
      start: runTime(new Date(run.start), w.timezone),
      end: runTime(new Date(run.end), w.timezone),
    },
  };
}

/** One line per clash for people: both teams, windows and the first clash in local time and UTC. */
export function describeClash(c: Clash): string {
  const at = (s: ClashSide) => `${s.firstRun.start.local} (${s.firstRun.start.utc})`;
  return (
    `${c.a.team}/${c.a.window} and ${c.b.team}/${c.b.window} both hold pool ${c.pool} in ${c.environment}: ` +
    `first clash ${c.firstOverlap.start}, ${c.a.team}'s run starts ${at(c.a)}, ${c.b.team}'s starts ${at(c.b)}` +
    (c.overlapCount > 1 ? `; ${c.overlapCount} overlapping runs in the horizon` : "")
  );
}
