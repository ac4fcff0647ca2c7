/**
 * The workspace's windows over the planning horizon, straight from the validated team configs (no
 * program run needed): each window's runs, its next runs in its zone and UTC, the fleet pools they
 * hold. Clashes and cost are computed from this; a 500-team workspace costs one pass over configs.
 */
import {
  type DiscoveredStack,
  type LoadedStack,
  locateConfigKey,
  type Problem,
  poolStopWhenIdleMinutes,
  type WindowConfig,
  workspaceRelative,
} from "@retrain/config/workspace";
import { describe, windowOccurrences } from "@retrain/schedule";
import { type WindowRuns, windowRunsOf } from "./clashes.js";
import { clashLookahead, splitAtHorizon } from "./horizon.js";
import type { PoolInfo, ScheduleEntry, WindowUsage } from "./model.js";
import { isoUtc, runTime } from "./time.js";
import { holdHours, windowNextRuns, windowNoUpcomingRun, windowSchedule } from "./window-schedule.js";

const HOUR = 3_600_000;
/** Next runs listed per window: in the plan report, the calendar and the scheduling stack's `windows` output. */
export const NEXT_RUNS = 5;

export interface ScheduleView {
  entries: ScheduleEntry[];
  windows: WindowRuns[];
  pools: PoolInfo[];
  usage: WindowUsage[];
  problems: Problem[];
}

type SchedulingStack = DiscoveredStack & { config: LoadedStack<"scheduling"> };
type FleetStack = DiscoveredStack & { config: LoadedStack<"fleet"> };

export function buildScheduleView(
  stacks: readonly DiscoveredStack[],
  workspaceRoot: string,
  range: { from: Date; to: Date },
): ScheduleView {
  const rel = (file: string) => workspaceRelative(workspaceRoot, file);
  const byId = new Map(stacks.map((s) => [s.id, s]));
  const view: ScheduleView = { entries: [], windows: [], pools: [], usage: [], problems: [] };

  for (const s of stacks) {
    if (s.config.kind !== "fleet") continue;
    const fleet = s as FleetStack;
    for (const p of fleet.config.config.pools) {
      view.pools.push({
        environment: fleet.stack,
        pool: p.name,
        region: fleet.config.region,
        instanceType: p.instanceType,
        instanceCount: p.count,
        stopsWhenIdle: poolStopWhenIdleMinutes(fleet.config.config, p) > 0,
      });
    }
  }

  const teams = stacks.flatMap((s) => {
    if (s.config.kind !== "scheduling") return [];
    const team = s as SchedulingStack;
    // The fleet the team's windows run on: the stack its fleet reference resolves to.
    const fleetRef = team.references.find((r) => r.kind === "fleet");
    const fleet = fleetRef?.targetId ? (byId.get(fleetRef.targetId) as FleetStack | undefined) : undefined;
    const environment = fleet?.stack ?? team.config.config.environment;
    const poolNames = fleet ? new Set(fleet.config.config.pools.map((p) => p.name)) : undefined;
    return [{ team, fleet, environment, poolNames }];
  });
  // Pools more than one team's enabled windows hold: only there can teams clash, so only their
  // windows are followed beyond the horizon (clashLookahead).
  const teamsOfPool = new Map<string, Set<string>>();
  for (const { team, environment } of teams)
    for (const w of team.config.config.windows) {
      if (!w.enabled) continue;
      const key = `${environment}\u0000${w.pool}`;
      teamsOfPool.set(key, (teamsOfPool.get(key) ?? new Set()).add(team.config.config.team));
    }
  // Teams repeat one another's schedules (a pool's teams share its zone, many pick Sunday 02:00), and
  // a year of runs costs the cron engine ≈ 25 µs a run: each distinct schedule is walked once a range.
  const walked = new Map<string, readonly { start: Date; end: Date }[]>();
  const runsOf = (w: WindowConfig, r: { from: Date; to: Date }) => {
    const schedule = windowSchedule(w);
    const key = `${r.to.getTime()}\u0000${JSON.stringify(schedule)}`;
    const known = walked.get(key);
    if (known) return known;
    const runs = windowOccurrences(schedule, r);
    walked.set(key, runs);
    return runs;
  };
  // Each shared pool's clash range reaches a lookahead past its windows' latest first run.
  const lookahead = clashLookahead(range);
  const latestFirst = new Map<string, Date>();
  for (const { team, environment } of teams)
    for (const w of team.config.config.windows) {
      const key = `${environment}\u0000${w.pool}`;
      if (!w.enabled || (teamsOfPool.get(key)?.size ?? 0) < 2) continue;
      let first: Date | undefined;
      try {
        first = runsOf(w, lookahead)[0]?.start;
      } catch {
        continue; // an invalid schedule is reported below
      }
      const known = latestFirst.get(key);
      if (first && (!known || first > known)) latestFirst.set(key, first);
    }

  for (const { team, fleet, environment, poolNames } of teams) {
    const { config } = team.config;
    const file = rel(team.configFile);

    config.windows.forEach((w, i) => {
      const key = `scheduling:windows[${i}]`;
      if (poolNames && !poolNames.has(w.pool)) {
        view.problems.push({
          file,
          key: `${key}.pool`,
          message: `pool "${w.pool}" does not exist in ${fleet!.id} (${rel(fleet!.configFile)}); its pools: ${[...poolNames].join(", ")}`,
          ...locateConfigKey(team.configFile, `${key}.pool`),
        });
        return;
      }
      // An association holds the pool for as long as its one task may run.
      const durationHours = holdHours(w);
      const poolKey = `${environment}\u0000${w.pool}`;
      const shared = w.enabled && (teamsOfPool.get(poolKey)?.size ?? 0) > 1;
      let occurrences: readonly { start: Date; end: Date }[];
      let later: readonly { start: Date; end: Date }[] = [];
      let next: Date[];
      let description: string;
      let neverRuns: string | undefined;
      try {
        if (shared) {
          // One walk over the pool's clash range; the horizon's runs are those starting before its end.
          ({ occurrences, later } = splitAtHorizon(
            runsOf(w, clashLookahead(range, latestFirst.get(poolKey))),
            range.to,
          ));
        } else occurrences = runsOf(w, range);
        next = windowNextRuns(w, range.from, NEXT_RUNS);
        description = describe(w.schedule, { timezone: w.timezone, kind: w.mode });
        if (w.enabled && next.length === 0) neverRuns = windowNoUpcomingRun(w, range.from)?.reason;
      } catch (e) {
        view.problems.push({
          file,
          key: `${key}.schedule`,
          message: (e as Error).message,
          ...locateConfigKey(team.configFile, `${key}.schedule`),
        });
        return;
      }
      view.entries.push({
        team: config.team,
        stackId: team.id,
        environment,
        window: w.name,
        mode: w.mode,
        pool: w.pool,
        schedule: w.schedule,
        timezone: w.timezone,
        description,
        durationHours,
        enabled: w.enabled,
        startStopInstances: w.startStopInstances,
        nextRuns: next.map((d) => runTime(d, w.timezone)),
        occurrences: occurrences.map((o) => ({ start: isoUtc(o.start), end: isoUtc(o.end) })),
        ...(neverRuns === undefined ? {} : { neverRuns }),
      });
      if (w.enabled) {
        view.windows.push(
          windowRunsOf({ team: config.team, stackId: team.id, environment }, w, { occurrences, later }),
        );
      }
      const from = range.from.getTime();
      const to = range.to.getTime();
      const hours = occurrences.reduce(
        (sum, o) =>
          sum + Math.max(0, Math.min(o.end.getTime(), to) - Math.max(o.start.getTime(), from)) / HOUR,
        0,
      );
      view.usage.push({
        team: config.team,
        environment,
        pool: w.pool,
        hoursInHorizon: hours,
        startStopInstances: w.startStopInstances,
        enabled: w.enabled,
      });
    });
  }
  return view;
}
