/**
 * Cross-team clashes: windows of different teams that hold the same pool of the same environment
 * at the same time. A stack's own overlapping windows are the policy pack's stack-wide check; here
 * only pairs of different teams count, because no single stack (and so no policy) sees both.
 */
import { type Interval, type OverlapPair, overlappingRuns } from "@retrain/schedule";
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
  /** [start, end) in UTC, sorted by start: the runs starting in the horizon. */
  occurrences: readonly { start: Date; end: Date }[];
  /**
   * The runs after the horizon up to the clash lookahead (CLASH_LOOKAHEAD_WEEKS), sorted by start;
   * set only for a window on a pool another team's windows hold too.
   */
  later?: readonly { start: Date; end: Date }[];
}

/** A team's window with its runs, as the schedule view and `retrain team add` hand it to the check. */
export function windowRunsOf(
  owner: { team: string; stackId: string; environment: string },
  w: { name: string; pool: string; timezone: string },
  runs: { occurrences: WindowRuns["occurrences"]; later?: WindowRuns["later"] },
): WindowRuns {
  const later = runs.later ?? [];
  return {
    ...owner,
    window: w.name,
    pool: w.pool,
    timezone: w.timezone,
    occurrences: runs.occurrences,
    ...(later.length > 0 ? { later } : {}),
  };
}

/**
 * Every pair of windows (different teams, same environment and pool) with at least one overlapping
 * run, with the first overlap and how many pairs of runs overlap: the shared sweep
 * ({@link overlappingRuns}) over the runs of each pool. A pair that does not overlap in the horizon
 * but does in the windows' `later` runs is a clash too (`beyondHorizon`), found when the second
 * window is added rather than months later, once both are deployed.
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
    const pool = members.map((i) => windows[i]!);
    const pairs = overlappingRuns(
      pool.map((w) => w.occurrences),
      (a, b) => pool[a]!.team !== pool[b]!.team,
    );
    const inHorizon = new Set<string>();
    for (const p of pairs) {
      inHorizon.add(`${p.a}:${p.b}`);
      clashes.push(clashOf(pool[p.a]!, pool[p.b]!, p, false));
    }
    if (!pool.some((w) => w.later && w.later.length > 0)) continue;
    const beyond = overlappingRuns(
      pool.map((w) => (w.later ? [...w.occurrences, ...w.later] : w.occurrences)),
      (a, b) => pool[a]!.team !== pool[b]!.team && !inHorizon.has(`${a}:${b}`),
    );
    for (const p of beyond) clashes.push(clashOf(pool[p.a]!, pool[p.b]!, p, true));
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

function clashOf(wa: WindowRuns, wb: WindowRuns, p: OverlapPair, beyondHorizon: boolean): Clash {
  return {
    environment: wa.environment,
    pool: wa.pool,
    a: side(wa, p.first.a),
    b: side(wb, p.first.b),
    firstOverlap: interval(p.overlaps[0]!),
    // Counts and lists stay the horizon's (the calendar marks them); none is in it here.
    overlapCount: beyondHorizon ? 0 : p.count,
    overlaps: beyondHorizon ? [] : p.overlaps.map(interval),
    ...(beyondHorizon ? { beyondHorizon: true as const } : {}),
  };
}

function interval(i: Interval) {
  return { start: isoUtc(i.start), end: isoUtc(i.end) };
}

function side(w: WindowRuns, run: Interval): ClashSide {
  return {
    team: w.team,
    stackId: w.stackId,
    window: w.window,
    timezone: w.timezone,
    firstRun: {
      start: runTime(run.start, w.timezone),
      end: runTime(run.end, w.timezone),
    },
  };
}

/** One line per clash for people: both teams, windows and the first clash in local time and UTC. */
export function describeClash(c: Clash): string {
  const at = (s: ClashSide) => `${s.firstRun.start.local} (${s.firstRun.start.utc})`;
  return (
    `${c.a.team}/${c.a.window} and ${c.b.team}/${c.b.window} both hold pool ${c.pool} in ${c.environment}: ` +
    `first clash ${c.firstOverlap.start}${c.beyondHorizon ? " (after the horizon)" : ""}, ` +
    `${c.a.team}'s run starts ${at(c.a)}, ${c.b.team}'s starts ${at(c.b)}` +
    (c.overlapCount > 1 ? `; ${c.overlapCount} overlapping runs in the horizon` : "")
  );
}
