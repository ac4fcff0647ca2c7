/**
 * The windows of the workspace over the planning horizon, as the plan report and the calendar carry
 * them: runs, next runs in a window's zone and UTC, clashes between teams, the pools they hold.
 * Instants are ISO 8601 UTC strings so a report round-trips through JSON unchanged.
 */
import type { Problem } from "@retrain/config/workspace";

/** One planned run of a window: its instant in UTC and in the window's own time zone. */
export interface RunTime {
  utc: string;
  /** Wall-clock time in the window's zone, `yyyy-mm-dd hh:mm (zone abbreviation)`. */
  local: string;
}

export interface ScheduleEntry {
  team: string;
  /** `scheduling/<team>`. */
  stackId: string;
  environment: string;
  window: string;
  mode: "maintenance-window" | "association";
  pool: string;
  schedule: string;
  timezone: string;
  /** English description of the schedule (from @retrain/schedule). */
  description: string;
  /** Hours the pool is held per run (window duration, or the task timeout of an association). */
  durationHours: number;
  enabled: boolean;
  startStopInstances: boolean;
  nextRuns: RunTime[];
  /** Every run in the planning horizon, [start, end) in UTC. */
  occurrences: { start: string; end: string }[];
  /**
   * Set on an enabled window with no run ahead at all: why (`noUpcomingRun` of @retrain/schedule),
   * e.g. "its endDate 2020-01-01T00:00:00Z has passed". The pack refuses such a window.
   */
  neverRuns?: string;
}

/** One side of a clash: a team's window. */
export interface ClashSide {
  team: string;
  stackId: string;
  window: string;
  timezone: string;
  /** The first clashing run of this window, in its zone and UTC. */
  firstRun: { start: RunTime; end: RunTime };
}

/** Two windows of different teams holding the same pool of the same environment at the same time. */
export interface Clash {
  environment: string;
  pool: string;
  a: ClashSide;
  b: ClashSide;
  /** The first overlap in the horizon (after it when `beyondHorizon`), UTC. */
  firstOverlap: { start: string; end: string };
  /** How many pairs of runs overlap in the horizon (0 when `beyondHorizon`). */
  overlapCount: number;
  /** Every overlap in the horizon, UTC, earliest first (empty when `beyondHorizon`). */
  overlaps: { start: string; end: string }[];
  /**
   * Set when the windows do not overlap in the horizon but do later within the clash lookahead
   * (CLASH_LOOKAHEAD_WEEKS): e.g. a window that pauses after the horizon and runs again in its next
   * season. Still a clash (exit 1): both would be deployed by then.
   */
  beyondHorizon?: true;
}

/**
 * An input problem (exit 2): which file, which key, where, what is wrong.
 * @deprecated the name: it is `@retrain/config`'s `Problem`, the one shape of every workspace error.
 */
export type InputProblem = Problem;

/** A fleet pool as the cost estimate needs it (from the fleet stack's validated config). */
export interface PoolInfo {
  environment: string;
  pool: string;
  region: string;
  instanceType: string;
  instanceCount: number;
  /** True when the fleet stops idle instances on its own (stopWhenIdleMinutes > 0). */
  stopsWhenIdle: boolean;
}

/** A team's window with the hours it holds its pool within the horizon. */
export interface WindowUsage {
  team: string;
  environment: string;
  pool: string;
  /** Σ (end − start) of the runs inside the horizon, in hours. */
  hoursInHorizon: number;
  startStopInstances: boolean;
  enabled: boolean;
}
