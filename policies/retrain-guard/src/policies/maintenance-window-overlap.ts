import { type Interval, type WindowSchedule, windowOccurrences } from "@retrain/schedule";
import {
  CLASH_LOOKAHEAD_WEEKS,
  clashLookahead,
  DEFAULT_WEEKS,
  horizon,
  MAX_WEEKS,
  type OverlapPair,
  overlappingRuns,
  WEEK_MS,
} from "@retrain/windows";
import { z } from "zod";
import { defineStackPolicy, type StackPolicyDef, type StackResource, type Violation } from "../policy-kit.js";
import { type PackRegistry, packRegistry, packRegistryFile, teamsOnPool } from "../tenancy/registry.js";
import { reachOf } from "../tenancy/stack.js";
import { bool, isUnknown, num, reveal, str } from "../values.js";
import {
  ASSOCIATION_TYPE,
  isDisabled,
  TARGET_TYPE,
  TASK_TYPE,
  targetsOf,
  WINDOW_TYPE,
  windowOf,
  windowScheduleOf,
} from "../windows/model.js";
import { firstRun, type RunBounds, runBoundsOf, type ScheduleKind } from "../windows/runs.js";

export const maintenanceWindowOverlapConfig = z.strictObject({
  horizonWeeks: z
    .number()
    .int()
    .min(1)
    .max(MAX_WEEKS)
    .default(DEFAULT_WEEKS)
    .describe(
      "How many weeks ahead a stack's own windows are compared (the plan's --weeks, default 4). On a shared pool a window must first run within the cross-team clash check's lookahead of 53 weeks.",
    ),
  sharedPools: z
    .array(
      z
        .string()
        .regex(/^[a-z][a-z0-9-]*\/[a-z0-9][a-z0-9-]*$/, "a shared pool is written <environment>/<pool>"),
    )
    .default([])
    .describe(
      "Pools (<environment>/<pool>) judged as shared besides those the tenant registry grants to more than one team, e.g. one about to be granted to a second team.",
    ),
});

type Config = z.output<typeof maintenanceWindowOverlapConfig>;

interface Window {
  resource: StackResource;
  schedule: WindowSchedule;
  /** "key=value" of every target registered with the window, e.g. "tag:retrain:pool=a10g". */
  targets: Set<string>;
}

const label = (r: StackResource) =>
  `${r.type === ASSOCIATION_TYPE ? "Association" : "MaintenanceWindow"} "${r.name}"`;

/**
 * The targets two windows (or associations) share, when they can reach the same instances: at least
 * one key=value in common, and no tag key both name with values apart (SSM matches an instance on
 * every tag of a target: `retrain:pool=a10g` and `retrain:pool=l4` of one fleet are different
 * instances, however many other tags they share). Empty: not the same instances as far as known.
 */
function sharedTargets(a: ReadonlySet<string>, b: ReadonlySet<string>): string[] {
  const common = [...a].filter((t) => b.has(t));
  if (common.length === 0) return [];
  const byKey = (set: ReadonlySet<string>) => {
    const m = new Map<string, Set<string>>();
    for (const t of set) {
      const i = t.indexOf("=");
      const key = t.slice(0, i);
      if (!key.startsWith("tag:")) continue;
      m.set(key, (m.get(key) ?? new Set()).add(t.slice(i + 1)));
    }
    return m;
  };
  const ka = byKey(a);
  const kb = byKey(b);
  for (const [key, values] of ka) {
    const other = kb.get(key);
    if (other && ![...values].some((v) => other.has(v))) return [];
  }
  return common;
}

/**
 * An association as the overlap sweep reads a window: its schedule, held for its run's
 * executionTimeout (no timeout known: maintenance-window-limits' finding), on its own targets.
 */
function associationAsWindow(r: StackResource): Window | undefined {
  const expr = str(r.props.scheduleExpression);
  const parameters = reveal(r.props.parameters);
  const timeout =
    parameters !== null && typeof parameters === "object"
      ? num(reveal((parameters as Record<string, unknown>).executionTimeout))
      : undefined;
  if (expr === undefined || timeout === undefined || timeout <= 0) return undefined;
  const targets = new Set<string>();
  for (const { key, values } of targetsOf(r.props)) for (const v of values) targets.add(`${key}=${v}`);
  return { resource: r, schedule: { schedule: expr, durationHours: timeout / 3600 }, targets };
}

/** A window or association of the stack with the schedule the cross-team clash check sweeps. */
interface Scheduled {
  resource: StackResource;
  kind: ScheduleKind;
  field: "schedule" | "scheduleExpression";
  expr: string;
  timezone?: string;
  bounds: RunBounds;
  /** `environment\0pool` → the pool it reaches (known values only). */
  pools: Map<string, { environment: string; pool: string }>;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * What the cross-team clash check cannot see, on a pool more than one team holds. The plan sweeps
 * the runs of such a pool's windows in [now, now + CLASH_LOOKAHEAD_WEEKS) (or the horizon, when
 * longer) that the schedule alone determines; these escape that sweep:
 * - rate(): AWS anchors a rate window at the time it is created or updated: "When using a rate
 *   schedule, if you provide a start date that occurs in the past, the current date and time are used
 *   as the start date" (CreateMaintenanceWindow / UpdateMaintenanceWindow StartDate,
 *   https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateMaintenanceWindow.html),
 *   and the provider sends StartDate again on every update, so the runs land wherever the deploy time
 *   puts them. State Manager runs an association "immediately after it is created [or updated] and
 *   then according to the schedule", and ApplyOnlyAtCronInterval, which turns that first run off,
 *   "isn't supported for rate expressions" (CreateAssociation / UpdateAssociation,
 *   https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateAssociation.html; offsets
 *   and rates: Reference: Cron and rate expressions for Systems Manager,
 *   https://docs.aws.amazon.com/systems-manager/latest/userguide/reference-cron-and-rate-expressions.html).
 *   No offline sweep knows that phase, so the clash it would find is a guess.
 * - a cron association without applyOnlyAtCronInterval: its extra run at each create or update lands
 *   at deploy time (the scheduling program sets it for every cron association).
 * - a first run after the lookahead (a future startDate, a cron of a later year, a future at()):
 *   none of its runs is in the sweep, so another team's window on the pool is never compared with it
 *   until a later plan's lookahead reaches it.
 * A pool only its own team holds has no cross-team clash to hide: both stay allowed there.
 */
function sharedPoolProblems(
  resources: readonly StackResource[],
  owners: ReadonlyMap<StackResource, StackResource>,
  config: Config,
  horizonEndMs: number,
  locate: () => string | undefined,
): Violation[] {
  const scheduled = new Map<string, Scheduled>();
  const addReach = (s: Scheduled, props: unknown) => {
    const reach = reachOf(props);
    // Unknown during preview (judged at `up`, when it is known), or tenant-grants' finding.
    if (!reach.environment) return;
    for (const pool of reach.pools)
      s.pools.set(`${reach.environment}\u0000${pool}`, { environment: reach.environment, pool });
  };
  for (const r of resources) {
    if (r.type === WINDOW_TYPE && !isDisabled(r.props)) {
      const expr = str(r.props.schedule);
      if (expr === undefined) continue;
      const tz = str(r.props.scheduleTimezone);
      scheduled.set(r.urn, {
        resource: r,
        kind: "maintenance-window",
        field: "schedule",
        expr,
        ...(tz ? { timezone: tz } : {}),
        bounds: runBoundsOf(r.props),
        pools: new Map(),
      });
    } else if (r.type === ASSOCIATION_TYPE) {
      const expr = str(r.props.scheduleExpression);
      if (expr === undefined) continue;
      const s: Scheduled = {
        resource: r,
        kind: "association",
        field: "scheduleExpression",
        expr,
        bounds: {},
        pools: new Map(),
      };
      addReach(s, r.props);
      scheduled.set(r.urn, s);
    }
  }
  if (scheduled.size === 0) return [];
  for (const [target, window] of owners) {
    const s = scheduled.get(window.urn);
    if (s) addReach(s, target.props);
  }

  // Loaded only when a window needs it (the loader caches it by the file's stat and content).
  let registry: PackRegistry | undefined;
  const sharedBy = (environment: string, pool: string): string | undefined => {
    registry ??= packRegistry(locate);
    // Fail closed: without the registry no pool is known to be held by one team only.
    if (!registry.ok) return `counted as shared because ${registry.reason}`;
    const teams = teamsOnPool(registry.loaded.registry, environment, pool);
    if (teams.length > 1) return `which the tenant registry grants to teams ${teams.join(", ")}`;
    if (config.sharedPools.includes(`${environment}/${pool}`))
      return "which the pack config (maintenance-window-overlap.sharedPools) lists as shared";
    return undefined;
  };

  const out: Violation[] = [];
  // horizonWeeks is at most MAX_WEEKS (52), so the lookahead is always clashLookahead's 53 weeks.
  const weeks = CLASH_LOOKAHEAD_WEEKS;
  for (const s of scheduled.values()) {
    if (s.pools.size === 0) continue;
    const what = `${s.kind === "association" ? "Association" : "MaintenanceWindow"} "${s.resource.name}"`;
    const isRate = s.expr.trim().startsWith("rate(");
    // An association runs at creation unless applyOnlyAtCronInterval (a rate one always, counted
    // below; an at() one too, since AWS documents the flag for cron only). Unknown during preview is
    // judged at `up`; only a known false or a missing value runs at deploy.
    const isAt = s.expr.trim().startsWith("at(");
    const runsAtDeploy =
      s.kind === "association" &&
      (isAt ||
        (s.expr.trim().startsWith("cron(") &&
          !isUnknown(reveal(s.resource.props.applyOnlyAtCronInterval)) &&
          bool(s.resource.props.applyOnlyAtCronInterval) !== true));
    let firstMs: number | undefined;
    if (!isRate && !runsAtDeploy) {
      try {
        const first = firstRun(s.expr, s.kind, s.timezone, s.bounds);
        // No run ahead at all is maintenance-window-limits' finding.
        if ("none" in first) continue;
        firstMs = first.firstRunMs;
      } catch {
        continue; // an invalid schedule is maintenance-window-limits' finding
      }
      if (firstMs < horizonEndMs) continue;
    }
    for (const { environment, pool } of s.pools.values()) {
      const why = sharedBy(environment, pool);
      if (why === undefined) continue;
      const on = `pool ${pool} of ${environment}, ${why}`;
      out.push({
        urn: s.resource.urn,
        message:
          runsAtDeploy && isAt
            ? `${what}: ${s.field} "${s.expr}" on ${on}: State Manager runs an association right after each create or update as well as at its at(...) time (applyOnlyAtCronInterval is for cron), at deploy time, which the cross-team clash check cannot see. Fix: use a maintenance window for a one-time run.`
            : runsAtDeploy
              ? `${what}: ${s.field} "${s.expr}" on ${on}, without applyOnlyAtCronInterval: State Manager also runs it right after each create or update, at deploy time, which the cross-team clash check cannot see. Fix: set applyOnlyAtCronInterval to true (the scheduling program does for every cron association).`
              : firstMs === undefined
                ? `${what}: ${s.field} "${s.expr}" is a rate on ${on}: AWS anchors a rate schedule at the time it is created or updated (a past startDate is replaced by that time), so when it runs depends on the deploy and the cross-team clash check cannot know it. Fix: use a cron so the clash check can see when it runs (e.g. cron(0 4 ? * SUN *) for weekly).`
                : `${what} on ${on}, first runs at ${iso(firstMs)} (${s.field} "${s.expr}"${s.bounds.startDate ? `, startDate ${s.bounds.startDate}` : ""}), after the clash check's lookahead of ${weeks} weeks (until ${iso(horizonEndMs)}), so the cross-team clash check cannot see it yet. Fix: add it to the stack only within ${weeks} weeks of its first run (or give it a run within the next ${weeks} weeks).`,
      });
      break;
    }
  }
  return out;
}

/** The policy reading the registry from `locate()` (tests pass their own files). */
export function maintenanceWindowOverlapPolicy(
  locate: () => string | undefined = packRegistryFile,
): StackPolicyDef<typeof maintenanceWindowOverlapConfig> {
  return defineStackPolicy({
    name: "maintenance-window-overlap",
    description:
      "Two maintenance windows or associations of one stack that target the same instances (e.g. the same pool) must not be open at the same time (an association for its executionTimeout), in the horizon or within the cross-team clash check's 53 weeks, and a rate() one may not run beside another (AWS anchors it at deploy time). On a pool the tenant registry grants to more than one team, windows and associations must be ones the cross-team clash check can see: no rate() schedule (AWS anchors it at deploy time), no association that also runs at deploy (a cron one without applyOnlyAtCronInterval, or an at() one), and a first run within the cross-team clash check's lookahead (53 weeks).",
    remediation:
      "Move one window's or association's schedule so the two never overlap (leave at least the longer duration between starts), or target different pools; use a cron, not rate(), beside another window. On a shared pool, use a cron instead of rate(), set applyOnlyAtCronInterval on a cron association, make a one-time run a maintenance window, and add a window whose first run is more than 53 weeks away only once it is within 53 weeks.",
    enforcementLevel: "mandatory",
    config: maintenanceWindowOverlapConfig,
    check(resources, config): Violation[] {
      const byUrn = new Map(resources.map((r) => [r.urn, r]));
      const windows = new Map<string, Window>();
      for (const r of resources) {
        if (r.type === ASSOCIATION_TYPE) {
          const a = associationAsWindow(r);
          if (a) windows.set(r.urn, a);
          continue;
        }
        if (r.type !== WINDOW_TYPE || isDisabled(r.props)) continue;
        const schedule = windowScheduleOf(r.props);
        if (schedule) windows.set(r.urn, { resource: r, schedule, targets: new Set() });
      }
      // Targets registered with the window, and tasks' own targets (other than window target ids).
      const owners = new Map<StackResource, StackResource>();
      for (const t of resources.filter((r) => r.type === TARGET_TYPE || r.type === TASK_TYPE)) {
        const w = windowOf(t, byUrn, resources);
        if (w && t.type === TARGET_TYPE) owners.set(t, w);
        const entry = w && windows.get(w.urn);
        if (!entry || entry.resource.type !== WINDOW_TYPE) continue;
        for (const { key, values } of targetsOf(t.props)) {
          if (key !== "WindowTargetIds") for (const v of values) entry.targets.add(`${key}=${v}`);
        }
      }
      const range = horizon(new Date(), config.horizonWeeks);
      let list: (Window & { runs: Interval[] })[] = [];
      for (const w of windows.values()) {
        try {
          list.push({ ...w, runs: windowOccurrences(w.schedule, range) });
        } catch {
          // an invalid schedule is maintenance-window-limits' finding
        }
      }
      // A window first running after the horizon (a season, a later startDate, allowed on a shared
      // pool within the lookahead) is compared over a horizon from its first run, else its overlaps
      // with the stack's other windows would show only weeks before they happen, after the deploy.
      // Rare, so the longer walk is paid only then.
      const lookahead = clashLookahead(range);
      let latestFirst = 0;
      for (const w of list) {
        if (w.runs.length > 0) continue;
        const first = windowOccurrences(w.schedule, lookahead)[0];
        if (first) latestFirst = Math.max(latestFirst, first.start.getTime());
      }
      const sweep =
        latestFirst > 0
          ? { from: range.from, to: new Date(latestFirst + config.horizonWeeks * WEEK_MS) }
          : range;
      if (sweep !== range) list = list.map((w) => ({ ...w, runs: windowOccurrences(w.schedule, sweep) }));
      const shared = (a: Window, b: Window) => sharedTargets(a.targets, b.targets);
      const overlapsIn = (runs: Interval[][]) =>
        overlappingRuns(runs, (i, j) => shared(list[i]!, list[j]!).length > 0).sort(
          (p, q) => p.a - q.a || p.b - q.b,
        );
      const firstOf = (overlaps: Iterable<Interval>) =>
        [...overlaps].sort(
          (x, y) => x.start.getTime() - y.start.getTime() || x.end.getTime() - y.end.getTime(),
        )[0]!;
      const both = (a: Window, b: Window) =>
        a.resource.type === WINDOW_TYPE && b.resource.type === WINDOW_TYPE
          ? `MaintenanceWindow "${b.resource.name}" and "${a.resource.name}"`
          : `${label(b.resource)} and ${label(a.resource)}`;
      const out: Violation[] = [];
      const report = (p: OverlapPair, when: string) => {
        const a = list[p.a]!;
        const b = list[p.b]!;
        const first = firstOf(p.overlaps);
        out.push({
          urn: b.resource.urn,
          message: `${both(a, b)} both target ${shared(a, b).join(", ")} and are open at the same time ${p.count} time(s) ${when}, first from ${first.start.toISOString()} to ${first.end.toISOString()}. Fix: move one schedule so they never overlap, or target different pools.`,
        });
      };
      // The plan's sweep over every run of the stack; pairs in window order, as the messages list them.
      const pairs = overlapsIn(list.map((w) => w.runs));
      for (const p of pairs)
        report(
          p,
          sweep === range
            ? `in the next ${config.horizonWeeks} weeks`
            : `until ${sweep.to.toISOString()} (${config.horizonWeeks} weeks from the first run of a window starting after the horizon)`,
        );
      // Beyond the horizon, as far as the cross-team clash check looks (53 weeks): a monthly run on
      // a weekly window's Sunday, months ahead, is a clash to refuse now, not in the plan of that
      // month. Only pairs the horizon did not already report; only when two could meet at all.
      if (sweep === range && list.length > 1) {
        const seen = new Set(pairs.map((p) => `${p.a}\u0000${p.b}`));
        const later = overlapsIn(
          list.map((w) => {
            try {
              return windowOccurrences(w.schedule, lookahead);
            } catch {
              return [];
            }
          }),
        );
        for (const p of later)
          if (!seen.has(`${p.a}\u0000${p.b}`))
            report(p, `in the next ${CLASH_LOOKAHEAD_WEEKS} weeks (none in the next ${config.horizonWeeks})`);
      }
      // A rate() runs where its deploy time anchors it (sharedPoolProblems, below): beside another
      // window or association of the stack on the same instances, no sweep knows whether they meet.
      for (const w of list) {
        if (!w.schedule.schedule.trim().startsWith("rate(")) continue;
        const beside = list.find((o) => o !== w && shared(w, o).length > 0);
        if (beside)
          out.push({
            urn: w.resource.urn,
            message: `${label(w.resource)}: schedule "${w.schedule.schedule}" is a rate beside ${label(beside.resource)} on ${shared(w, beside).join(", ")}: AWS anchors a rate schedule at the time it is created or updated, so whether the two overlap depends on the deploy, and no check can know it. Fix: use a cron (e.g. cron(0 4 ? * SUN *) for weekly) at a time apart from the other.`,
          });
      }
      // The cross-team clash check follows shared pools' windows over its lookahead (53 weeks or
      // the horizon, the longer): a first run within it is one the plan compares.
      out.push(...sharedPoolProblems(resources, owners, config, clashLookahead(range).to.getTime(), locate));
      return out;
    },
  });
}

export const maintenanceWindowOverlap = maintenanceWindowOverlapPolicy();
