import {
  firstRunAfter,
  minimumIntervalMs,
  type NoUpcomingRun,
  noUpcomingRun,
  tryParseSchedule,
} from "@retrain/schedule";
import { z } from "zod";
import { defineResourcePolicy, type Violation } from "../policy-kit.js";
import { num, str } from "../values.js";
import { ASSOCIATION_TYPE, isDisabled, WINDOW_TYPE } from "../windows/model.js";

export const maintenanceWindowLimitsConfig = z.strictObject({
  maxDurationHours: z
    .number()
    .int()
    .min(1)
    .max(24)
    .default(4)
    .describe("Longest allowed window duration in hours (SSM allows 1-24)."),
  minIntervalMinutes: z
    .number()
    .int()
    .min(5)
    .default(60)
    .describe("Windows and associations must not fire more often than once per this many minutes."),
});

type Config = z.output<typeof maintenanceWindowLimitsConfig>;

type Gap = { ok: true; ms: number } | { ok: false; message: string };

/**
 * minimumIntervalMs walks a year of runs (up to 5000, plus every DST night): milliseconds per call,
 * tens of ms for a schedule every few minutes, and the pack is asked once per window of every stack
 * while teams share a handful of schedules. So the gap (or the evaluation error) is remembered per
 * (kind, time zone, expression) for at most ten minutes. The sampled year then starts up to ten
 * minutes earlier than an uncached call's would, which changes the answer only for a gap that occurs
 * in those minutes and nowhere else in the year. Bounded, as one pack process may serve many plans.
 */
const GAP_TTL_MS = 10 * 60_000;
const GAP_CACHE_MAX = 1024;
const gapCache = new Map<string, { at: number; gap: Gap }>();

function smallestGap(
  expr: string,
  kind: "maintenance-window" | "association",
  timezone: string | undefined,
): Gap {
  const key = `${kind}\u0000${timezone ?? ""}\u0000${expr}`;
  const now = Date.now();
  const hit = gapCache.get(key);
  if (hit && now - hit.at < GAP_TTL_MS) return hit.gap;
  let gap: Gap;
  try {
    gap = {
      ok: true,
      ms: minimumIntervalMs(expr, { kind, from: new Date(now), ...(timezone ? { timezone } : {}) }),
    };
  } catch (e) {
    gap = { ok: false, message: (e as Error).message };
  }
  if (gapCache.size >= GAP_CACHE_MAX) gapCache.clear();
  gapCache.set(key, { at: now, gap });
  return gap;
}

/** The window's bounds and offset, as the runs read them (associations have none). */
interface RunBounds {
  offsetDays?: number;
  startDate?: string;
  endDate?: string;
}

/**
 * Whether a run is still ahead, remembered per distinct schedule and bounds: a first run at T stays
 * ahead until T, and "none ahead" stays true for good (no run after t means none after a later t),
 * so a hit is exact, not approximate. Bounded, like the gaps.
 */
const UPCOMING_CACHE_MAX = 1024;
const upcomingCache = new Map<string, { firstRunMs: number } | { none: NoUpcomingRun }>();

function upcoming(
  expr: string,
  kind: "maintenance-window" | "association",
  timezone: string | undefined,
  bounds: RunBounds,
): NoUpcomingRun | undefined {
  const key = JSON.stringify([
    kind,
    timezone ?? "",
    expr,
    bounds.offsetDays ?? 0,
    bounds.startDate ?? "",
    bounds.endDate ?? "",
  ]);
  const now = Date.now();
  const hit = upcomingCache.get(key);
  if (hit && "none" in hit) return hit.none;
  if (hit && now < hit.firstRunMs) return undefined;
  const opts = { from: new Date(now), kind, ...(timezone ? { timezone } : {}), ...bounds };
  const firstRunMs = firstRunAfter(expr, opts);
  // The reason is worked out only for a schedule that has no run (the rare case).
  const none = firstRunMs === undefined ? noUpcomingRun(expr, opts) : undefined;
  if (upcomingCache.size >= UPCOMING_CACHE_MAX) upcomingCache.clear();
  upcomingCache.set(key, none ? { none } : { firstRunMs: firstRunMs as number });
  return none;
}

const NEVER_RUNS_FIX: Record<NoUpcomingRun["field"], string> = {
  endDate: "move endDate past a run of the schedule (or drop it), or remove the window if its work is done",
  startDate: "move startDate before a run of the schedule, or change the schedule",
  schedule: "write a schedule that fires in the future, or remove the window if its work is done",
};

/** ISO 8601 extended date-time with a zone, as SSM's StartDate/EndDate and the team config take it. */
const isoDateTime = z.iso.datetime({ offset: true });

function scheduleProblems(
  expr: string,
  kind: "maintenance-window" | "association",
  field: string,
  timezone: string | undefined,
  config: Config,
  bounds: RunBounds = {},
  /** False for a disabled window: it is meant not to run. */
  mustRun = true,
): string[] {
  const parsed = tryParseSchedule(expr, { kind });
  if (!parsed.ok) {
    return [
      `${field} "${expr}" is not valid for ${kind === "association" ? "an association" : "a maintenance window"}: ${parsed.error.message} (at character ${parsed.error.position + 1}). Fix: write it as AWS documents it, e.g. cron(0 4 ? * SUN *) or rate(7 days).`,
    ];
  }
  const gap = smallestGap(expr, kind, timezone);
  if (!gap.ok) {
    return [
      `${field} "${expr}" cannot be evaluated in time zone "${timezone}": ${gap.message}. Fix: use an IANA zone such as Europe/Berlin.`,
    ];
  }
  const gapMs = gap.ms;
  const minMs = config.minIntervalMinutes * 60_000;
  if (gapMs < minMs) {
    return [
      `${field} "${expr}" fires as often as every ${Math.round(gapMs / 60_000)} minutes, more often than the allowed minimum interval of ${config.minIntervalMinutes} minutes. Fix: schedule it less often (or raise minIntervalMinutes in the pack config, with security's review).`,
    ];
  }
  if (!mustRun) return [];
  let none: NoUpcomingRun | undefined;
  try {
    none = upcoming(expr, kind, timezone, bounds);
  } catch (e) {
    // Fail closed: a schedule whose runs cannot be computed is not known to run.
    return [`${field} "${expr}": its next run cannot be computed: ${(e as Error).message}.`];
  }
  return none
    ? [`${field} "${expr}" never runs again: ${none.reason}. Fix: ${NEVER_RUNS_FIX[none.field]}.`]
    : [];
}

export const maintenanceWindowLimits = defineResourcePolicy({
  name: "maintenance-window-limits",
  description:
    "SSM maintenance windows and associations must have a valid AWS schedule that fires no more often than allowed and still has a run ahead (within startDate..endDate), a duration within the maximum, a cutoff below the duration, and an offset only with cron.",
  remediation:
    "Shorten the window's duration (or split the work into several windows), set cutoff below duration, fix the schedule expression to AWS's syntax and make it fire less often, give it a run ahead (a future date, an endDate after a run, or remove a window whose work is done), and drop scheduleOffset unless the schedule is a cron.",
  enforcementLevel: "mandatory",
  config: maintenanceWindowLimitsConfig,
  resourceTypes: [WINDOW_TYPE, ASSOCIATION_TYPE],
  check(resource, config): Violation[] {
    const p = resource.props;
    const what = `${resource.type === WINDOW_TYPE ? "MaintenanceWindow" : "Association"} "${resource.name}"`;
    const problems: string[] = [];
    if (resource.type === ASSOCIATION_TYPE) {
      const expr = str(p.scheduleExpression);
      if (expr)
        problems.push(...scheduleProblems(expr, "association", "scheduleExpression", undefined, config));
      return problems.map((m) => ({ message: `${what}: ${m}` }));
    }
    const duration = num(p.duration);
    const cutoff = num(p.cutoff);
    if (duration !== undefined && duration > config.maxDurationHours) {
      problems.push(
        `duration is ${duration} h, above the maximum of ${config.maxDurationHours} h. Fix: shorten the window or split the work across windows.`,
      );
    }
    if (duration !== undefined && cutoff !== undefined && cutoff >= duration) {
      problems.push(
        `cutoff is ${cutoff} h, not below the duration of ${duration} h, so no task could ever start. Fix: set cutoff below duration (e.g. 1 h for a 3 h window).`,
      );
    }
    const expr = str(p.schedule);
    const timezone = str(p.scheduleTimezone);
    const bounds: RunBounds = {};
    for (const field of ["startDate", "endDate"] as const) {
      const value = str(p[field]);
      if (value === undefined) continue;
      // A date that fails here is reported; the runs are judged with the valid ones.
      if (isoDateTime.safeParse(value).success) bounds[field] = value;
      else {
        problems.push(
          `${field} "${value}" is not an ISO 8601 date-time with a zone. Fix: write it like 2027-01-31T00:00:00Z.`,
        );
      }
    }
    if (expr) {
      const offset = num(p.scheduleOffset);
      // ScheduleOffset is 1-6 (the provider checks the range); the runs are judged with a valid one.
      if (
        offset !== undefined &&
        Number.isInteger(offset) &&
        offset >= 1 &&
        offset <= 6 &&
        expr.trim().startsWith("cron(")
      )
        bounds.offsetDays = offset;
      problems.push(
        ...scheduleProblems(expr, "maintenance-window", "schedule", timezone, config, bounds, !isDisabled(p)),
      );
      if (offset !== undefined && offset > 0 && !expr.trim().startsWith("cron(")) {
        problems.push(
          `scheduleOffset is ${offset} days but schedule "${expr}" is not a cron expression; AWS accepts an offset only with cron. Fix: remove scheduleOffset or use a cron schedule.`,
        );
      }
    }
    return problems.map((m) => ({ message: `${what}: ${m}` }));
  },
});
