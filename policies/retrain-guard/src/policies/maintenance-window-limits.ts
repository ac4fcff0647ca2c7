import { resolvedZone, timeZoneProblem } from "@retrain/config/time-zones";
import { describeGap, minimumIntervalMs, type NoUpcomingRun, tryParseSchedule } from "@retrain/schedule";
import { z } from "zod";
import { maxDurationHoursField } from "../config-fields.js";
import { defineResourcePolicy, type Violation } from "../policy-kit.js";
import { isRecord, isUnknown, num, reveal, str } from "../values.js";
import { ASSOCIATION_TYPE, isDisabled, WINDOW_TYPE } from "../windows/model.js";
import { firstRun, type RunBounds, type ScheduleKind } from "../windows/runs.js";

export const maintenanceWindowLimitsConfig = z.strictObject({
  maxDurationHours: maxDurationHoursField(),
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

function upcoming(
  expr: string,
  kind: ScheduleKind,
  timezone: string | undefined,
  bounds: RunBounds,
): NoUpcomingRun | undefined {
  const first = firstRun(expr, kind, timezone, bounds);
  return "none" in first ? first.none : undefined;
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
  /** How long one run may stay open (a window's duration, an association's timeout), when known. */
  hold?: { ms: number; what: string; fix: string },
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
      `${field} "${expr}" fires as often as every ${Math.round(gapMs / 60_000)} minutes, more often than the allowed minimum interval of ${config.minIntervalMinutes} minutes. Fix: schedule it less often (or lower minIntervalMinutes in the pack config, with security's review).`,
    ];
  }
  // A run still open at the next start: the training document's host lock fails the later run, and
  // a window's stop task stops the pool under the earlier one. Checked on the same measured gap.
  if (hold && gapMs < hold.ms) {
    return [
      `${field} "${expr}" starts again ${describeGap(gapMs)} after a run at times, but ${hold.what}: the next run would start while the last is still open and fail on the host's lock. Fix: ${hold.fix}.`,
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

/**
 * An association's run has no window around it: State Manager runs the document at every scheduled
 * time for as long as the document lets it, so a 48 h `executionTimeout` every day holds the pool for
 * good. The scheduling program puts the team task's `timeoutSeconds` in the association's
 * `parameters.executionTimeout` (documentParameterMap in @retrain/components), which the training
 * document enforces; it is bounded by the same maxDurationHours as a window's duration. Fail closed:
 * a timeout that is missing from known parameters (or no parameters at all: the run then takes the
 * document's default, which is not visible here) or is not a number is not known to be within the
 * limit. Unknown during preview (the parameters map or its executionTimeout computed from another
 * resource) is not a violation by itself, as everywhere in the pack: it is judged at up with the
 * real value.
 */
function associationTimeoutProblems(p: Record<string, unknown>, config: Config): string[] {
  const maxS = config.maxDurationHours * 3600;
  const fix = `Fix: set the task's timeoutSeconds (the association's parameters.executionTimeout) to at most ${maxS} s, or split the work across runs.`;
  const parameters = reveal(p.parameters);
  const raw = isRecord(parameters) ? reveal(parameters.executionTimeout) : parameters;
  if (isUnknown(raw)) return [];
  if (raw === undefined || raw === null)
    return [
      `it sets no parameters.executionTimeout, so how long its run holds the pool is the document's default, which the pack cannot see (maintenance-window-limits fails closed). ${fix}`,
    ];
  const seconds = num(raw);
  if (seconds === undefined)
    return [
      `parameters.executionTimeout ${JSON.stringify(raw)} is not a number of seconds, so its run is not known to stay within the maximum of ${config.maxDurationHours} h (maintenance-window-limits fails closed). ${fix}`,
    ];
  if (seconds > maxS)
    return [
      `parameters.executionTimeout is ${seconds} s (${Math.round((seconds / 3600) * 10) / 10} h), above the maximum of ${config.maxDurationHours} h (${maxS} s) a window may hold its pool: an association's run holds the pool as long as its timeout, at every scheduled time. ${fix}`,
    ];
  return [];
}

export const maintenanceWindowLimits = defineResourcePolicy({
  name: "maintenance-window-limits",
  description:
    "SSM maintenance windows and associations must have a valid AWS schedule that fires no more often than allowed, never while its last run may still be open (the gap to the next start at least the duration or executionTimeout), and still has a run ahead (within startDate..endDate), a duration within the maximum (for an association: its run's executionTimeout, which must be set), a cutoff below the duration, an offset only with cron, and a time zone spelled exactly as the IANA tz database does.",
  remediation:
    "Shorten the window's duration or the association's executionTimeout (or split the work into several windows), set cutoff below duration, fix the schedule expression to AWS's syntax and make it fire less often (never more often than a run lasts), give it a run ahead (a future date, an endDate after a run, or remove a window whose work is done), drop scheduleOffset unless the schedule is a cron, and name the zone as IANA spells it (Europe/Berlin, not europe/berlin or CET).",
  enforcementLevel: "mandatory",
  config: maintenanceWindowLimitsConfig,
  resourceTypes: [WINDOW_TYPE, ASSOCIATION_TYPE],
  check(resource, config): Violation[] {
    const p = resource.props;
    const what = `${resource.type === WINDOW_TYPE ? "MaintenanceWindow" : "Association"} "${resource.name}"`;
    const problems: string[] = [];
    if (resource.type === ASSOCIATION_TYPE) {
      const expr = str(p.scheduleExpression);
      const parameters = reveal(p.parameters);
      const timeout = isRecord(parameters) ? num(reveal(parameters.executionTimeout)) : undefined;
      const hold =
        timeout === undefined
          ? undefined
          : {
              ms: timeout * 1000,
              what: `its run may last parameters.executionTimeout = ${timeout} s`,
              fix: "lower the task's timeoutSeconds (the association's parameters.executionTimeout) to at most the gap, or schedule the runs further apart",
            };
      if (expr)
        problems.push(
          ...scheduleProblems(expr, "association", "scheduleExpression", undefined, config, {}, true, hold),
        );
      problems.push(...associationTimeoutProblems(p, config));
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
    // The runtime resolves "europe/berlin" or "CET" and would judge the runs; SSM takes the raw
    // text and the config schema the IANA spelling. A zone nothing resolves is scheduleProblems'.
    const zoneProblem = timezone === undefined ? undefined : timeZoneProblem(timezone);
    if (zoneProblem !== undefined && timezone !== undefined && resolvedZone(timezone) !== undefined)
      problems.push(
        `scheduleTimezone: ${zoneProblem}. Fix: name the zone exactly as the IANA tz database spells it, e.g. Europe/Berlin or UTC.`,
      );
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
        ...scheduleProblems(
          expr,
          "maintenance-window",
          "schedule",
          timezone,
          config,
          bounds,
          !isDisabled(p),
          duration === undefined
            ? undefined
            : {
                ms: duration * 3_600_000,
                what: `the window is open ${duration} h`,
                fix: "shorten duration to at most the gap, or schedule the runs further apart",
              },
        ),
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
