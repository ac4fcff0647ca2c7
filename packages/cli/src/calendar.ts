/**
 * The calendar behind `retrain calendar`: every team's windows and associations over the next
 * weeks, per pool, straight from the validated stack configs (no stack program runs, nothing from
 * Pulumi), with the cross-team clashes of the plan. Built from the plan's own schedule view and
 * clash sweep so the calendar and `retrain plan` can never disagree.
 */
import path from "node:path";
import {
  discoverStacks,
  type ExitCode,
  exitCodeOf,
  invalidEntries,
  noStacksMessage,
  orderStacks,
  type Problem,
  StackGraphError,
  workspaceRelative,
} from "@retrain/config/workspace";
import {
  buildScheduleView,
  type Clash,
  findClashes,
  horizon,
  isoLocal,
  isoUtc,
  type ScheduleEntry,
} from "@retrain/windows";
import { UsageError } from "./context.js";

export interface CalendarOptions {
  /** Workspace root (holding stacks/). */
  workspace: string;
  from: Date;
  weeks: number;
  /** Only these teams' windows (and clashes involving them); empty: every team. */
  teams?: readonly string[];
  /** Only these pools, `<env>/<pool>`; empty: every pool. */
  pools?: readonly string[];
  /** Show local times in this zone instead of each window's own zone. */
  timezone?: string;
}

/** Which window a run or row is about: the plan's schedule entry fields the calendar shows. */
type WindowRef = Pick<
  ScheduleEntry,
  "environment" | "pool" | "team" | "stackId" | "window" | "mode" | "enabled" | "timezone"
>;

/** The WindowRef fields of a schedule entry (an explicit copy: the JSON output must not grow with the entry). */
function windowRef(e: ScheduleEntry): WindowRef {
  const { environment, pool, team, stackId, window, mode, enabled, timezone } = e;
  return { environment, pool, team, stackId, window, mode, enabled, timezone };
}

/** One run of a window (or association) in the horizon. A disabled window's runs never clash. */
export interface CalendarRun extends WindowRef {
  /** [start, end) in UTC, `2025-10-19T02:00:00Z`. */
  start: string;
  end: string;
  /** The same run in the zone shown (`--tz`, else the window's own), ISO 8601 with offset. */
  local: { zone: string; start: string; end: string };
  /** `team/window` of every other team's window this run overlaps on the pool. */
  clashesWith: string[];
}

/**
 * A window shown in the calendar, with how many runs it has in the horizon (0: none this time) and,
 * for an enabled window with no run ahead at all, why (the plan's pack refuses it).
 */
export interface CalendarWindow
  extends WindowRef,
    Pick<ScheduleEntry, "schedule" | "description" | "neverRuns"> {
  runs: number;
}

/**
 * Invalid input: the file and key at fault, as `retrain plan` and `retrain config check` report it.
 * @deprecated the name: it is `@retrain/config`'s `Problem`.
 */
export type CalendarProblem = Problem;

export interface Calendar {
  /** Horizon [from, to), UTC. */
  from: string;
  to: string;
  weeks: number;
  workspace: string;
  /** `--tz`, or null when each window shows in its own zone. */
  timezone: string | null;
  windows: CalendarWindow[];
  runs: CalendarRun[];
  /** Cross-team clashes among the windows shown (the plan's Clash, see docs/plan.md). */
  clashes: Clash[];
  errors: Problem[];
  /** 0 no clashes, 1 clashes between teams, 2 invalid input. */
  exitCode: ExitCode;
}

const poolKey = (x: { environment: string; pool: string }) => `${x.environment}/${x.pool}`;

/** Builds the calendar; throws UsageError for an unknown --team or --pool or an empty workspace. */
export function buildCalendar(opts: CalendarOptions): Calendar {
  const root = path.resolve(opts.workspace);
  const { from, to } = horizon(opts.from, opts.weeks);

  const workspace = discoverStacks(root);
  if (workspace.stacks.length === 0 && workspace.errors.length === 0) {
    throw new UsageError(`${noStacksMessage(root)}; pass --workspace <dir>`);
  }
  const errors: Problem[] = [...workspace.problems];
  // References (a team's fleet stack) only mean something once every config loads.
  if (workspace.errors.length === 0) {
    try {
      orderStacks(workspace.stacks);
    } catch (e) {
      if (!(e instanceof StackGraphError)) throw e;
      for (const p of e.problems)
        errors.push({ file: workspaceRelative(root, p.file), key: p.key, message: p.message });
    }
  }

  const view = buildScheduleView(workspace.stacks, root, { from, to });
  errors.push(...view.problems);

  const teams = selection(opts.teams, knownTeams(workspace), "--team", "teams");
  const knownPools = [...new Set([...view.pools.map(poolKey), ...view.entries.map(poolKey)])];
  const pools = selection(opts.pools, knownPools, "--pool", "pools (<env>/<pool>)");
  const shown = (team: string, environment: string, pool: string) =>
    (!teams || teams.has(team)) && (!pools || pools.has(`${environment}/${pool}`));

  const clashes = findClashes(view.windows).filter(
    (c) => (!pools || pools.has(poolKey(c))) && (!teams || teams.has(c.a.team) || teams.has(c.b.team)),
  );
  const entries = view.entries.filter((e) => shown(e.team, e.environment, e.pool));
  const runs = entries.flatMap((e) =>
    e.occurrences.map((o): CalendarRun => {
      const zone = opts.timezone ?? e.timezone;
      return {
        ...windowRef(e),
        start: o.start,
        end: o.end,
        local: {
          zone,
          start: isoLocal(new Date(o.start), zone),
          end: isoLocal(new Date(o.end), zone),
        },
        clashesWith: clashingWindows(clashes, e, o),
      };
    }),
  );
  runs.sort(
    (x, y) =>
      poolKey(x).localeCompare(poolKey(y)) ||
      x.start.localeCompare(y.start) ||
      x.team.localeCompare(y.team) ||
      x.window.localeCompare(y.window),
  );
  const windows = entries
    .map(
      (e): CalendarWindow => ({
        ...windowRef(e),
        schedule: e.schedule,
        description: e.description,
        runs: e.occurrences.length,
        ...(e.neverRuns === undefined ? {} : { neverRuns: e.neverRuns }),
      }),
    )
    .sort(
      (x, y) =>
        poolKey(x).localeCompare(poolKey(y)) ||
        x.team.localeCompare(y.team) ||
        x.window.localeCompare(y.window),
    );

  return {
    from: isoUtc(from),
    to: isoUtc(to),
    weeks: opts.weeks,
    workspace: root,
    timezone: opts.timezone ?? null,
    windows,
    runs,
    clashes,
    errors,
    exitCode: exitCodeOf({ invalidInput: errors.length, findings: clashes.length }),
  };
}

/** Every team with a scheduling config, valid or not (an invalid one is still a team the user may name). */
function knownTeams(workspace: ReturnType<typeof discoverStacks>): string[] {
  const valid = workspace.stacks.filter((s) => s.kind === "scheduling").map((s) => s.stack);
  const invalid = invalidEntries(workspace)
    .filter((e) => e.kind === "scheduling")
    .map((e) => e.stack);
  return [...new Set([...valid, ...invalid])].sort();
}

/** The names asked for, undefined for "all"; an unknown name is a usage error listing the known ones. */
function selection(
  wanted: readonly string[] | undefined,
  known: readonly string[],
  flag: string,
  what: string,
): Set<string> | undefined {
  if (!wanted || wanted.length === 0) return undefined;
  const unknown = wanted.filter((w) => !known.includes(w));
  if (unknown.length > 0) {
    throw new UsageError(
      `${flag} ${unknown.map((u) => `"${u}"`).join(", ")}: unknown; known ${what}: ${[...known].sort().join(", ") || "none"}`,
    );
  }
  return new Set(wanted);
}

/** `team/window` of each other team's window whose clash with `entry` overlaps this run. */
function clashingWindows(
  clashes: readonly Clash[],
  entry: ScheduleEntry,
  run: { start: string; end: string },
): string[] {
  const out: string[] = [];
  for (const c of clashes) {
    const [self, other] =
      c.a.stackId === entry.stackId && c.a.window === entry.window
        ? [c.a, c.b]
        : c.b.stackId === entry.stackId && c.b.window === entry.window
          ? [c.b, c.a]
          : [undefined, undefined];
    if (!self || c.environment !== entry.environment || c.pool !== entry.pool) continue;
    // Overlaps lie inside both runs; ISO UTC strings of one format compare as instants.
    if (c.overlaps.some((o) => o.start < run.end && o.end > run.start))
      out.push(`${other.team}/${other.window}`);
  }
  return [...new Set(out)].sort();
}
