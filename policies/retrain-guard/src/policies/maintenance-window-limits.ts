import { minimumIntervalMs, tryParseSchedule } from "@retrain/schedule";
import { z } from "zod";
import { defineResourcePolicy, type Violation } from "../policy-kit.js";
import { num, str } from "../values.js";
import { ASSOCIATION_TYPE, WINDOW_TYPE } from "../windows/model.js";

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

function scheduleProblems(
  expr: string,
  kind: "maintenance-window" | "association",
  field: string,
  timezone: string | undefined,
  config: Config,
): string[] {
  const parsed = tryParseSchedule(expr, { kind });
  if (!parsed.ok) {
    return [
      `${field} "${expr}" is not valid for ${kind === "association" ? "an association" : "a maintenance window"}: ${parsed.error.message} (at character ${parsed.error.position + 1}). Fix: write it as AWS documents it, e.g. cron(0 4 ? * SUN *) or rate(7 days).`,
    ];
  }
  let gapMs: number;
  try {
    gapMs = minimumIntervalMs(expr, { kind, ...(timezone ? { timezone } : {}) });
  } catch (e) {
    return [
      `${field} "${expr}" cannot be evaluated in time zone "${timezone}": ${(e as Error).message}. Fix: use an IANA zone such as Europe/Berlin.`,
    ];
  }
  const minMs = config.minIntervalMinutes * 60_000;
  if (gapMs < minMs) {
    return [
      `${field} "${expr}" fires as often as every ${Math.round(gapMs / 60_000)} minutes, more often than the allowed minimum interval of ${config.minIntervalMinutes} minutes. Fix: schedule it less often (or raise minIntervalMinutes in the pack config, with security's review).`,
    ];
  }
  return [];
}

export const maintenanceWindowLimits = defineResourcePolicy({
  name: "maintenance-window-limits",
  description:
    "SSM maintenance windows and associations must have a valid AWS schedule that fires no more often than allowed, a duration within the maximum, a cutoff below the duration, and an offset only with cron.",
  remediation:
    "Shorten the window's duration (or split the work into several windows), set cutoff below duration, fix the schedule expression to AWS's syntax and make it fire less often, and drop scheduleOffset unless the schedule is a cron.",
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
    if (expr) {
      problems.push(...scheduleProblems(expr, "maintenance-window", "schedule", timezone, config));
      const offset = num(p.scheduleOffset);
      if (offset !== undefined && offset > 0 && !expr.trim().startsWith("cron(")) {
        problems.push(
          `scheduleOffset is ${offset} days but schedule "${expr}" is not a cron expression; AWS accepts an offset only with cron. Fix: remove scheduleOffset or use a cron schedule.`,
        );
      }
    }
    return problems.map((m) => ({ message: `${what}: ${m}` }));
  },
});
