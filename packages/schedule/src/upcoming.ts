/**
 * Whether a schedule still has a run ahead. SSM accepts a window or association that can never run
 * (an endDate already past, an at() in the past, a cron naming February 30 or a past year, a
 * startDate..endDate span no run falls in): it deploys, shows no NextExecutionTime and trains
 * nothing. The pack refuses those, so "plan OK" means the schedule will fire.
 */
import { parseSchedule } from "./parse.js";
import { iterateRuns, runWindow } from "./runs.js";
import { wallToInstant } from "./timezone.js";
import type { NextRunsOptions } from "./types.js";

/** Which field a team changes to make the schedule fire again. */
export type NoUpcomingRunField = "schedule" | "startDate" | "endDate";

export interface NoUpcomingRun {
  field: NoUpcomingRunField;
  /** Says why, naming the values: "its endDate 2020-01-01T00:00:00Z has passed". */
  reason: string;
}

type UpcomingOptions = Omit<NextRunsOptions, "count">;

const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

/** The first run strictly after `from` within the options' bounds, as epoch ms; undefined: none. */
export function firstRunAfter(expression: string, options: UpcomingOptions): number | undefined {
  const schedule = parseSchedule(expression, options.kind === undefined ? {} : { kind: options.kind });
  const from = options.from.getTime();
  if (Number.isNaN(from)) throw new RangeError("from is not a valid date");
  for (const t of iterateRuns(schedule, runWindow(schedule, { ...options, afterMs: from }))) return t;
  return undefined;
}

/**
 * Why the schedule has no run after `from` (its startDate and endDate applied), or undefined when it
 * has one. Throws what {@link firstRunAfter} throws for an invalid expression, zone or date.
 */
export function noUpcomingRun(expression: string, options: UpcomingOptions): NoUpcomingRun | undefined {
  if (firstRunAfter(expression, options) !== undefined) return undefined;
  const from = options.from.getTime();
  const { startDate, endDate, ...unbounded } = options;
  const end = endDate === undefined ? undefined : new Date(endDate).getTime();
  const start = startDate === undefined ? undefined : new Date(startDate).getTime();
  if (end !== undefined && end <= from)
    return { field: "endDate", reason: `its endDate ${iso(end)} has passed` };
  if (start !== undefined && end !== undefined && start >= end)
    return { field: "endDate", reason: `its endDate ${iso(end)} is not after its startDate ${iso(start)}` };
  const bounds = [
    start !== undefined ? `startDate ${iso(start)}` : `now (${iso(from)})`,
    ...(end !== undefined ? [`endDate ${iso(end)}`] : []),
  ];
  const withoutEnd = firstRunAfter(expression, {
    ...unbounded,
    ...(startDate === undefined ? {} : { startDate }),
  });
  if (end !== undefined && withoutEnd !== undefined)
    return {
      field: "endDate",
      reason: `no run falls between ${bounds.join(" and ")}: the first is ${iso(withoutEnd)}`,
    };
  if (start !== undefined && start > from && firstRunAfter(expression, unbounded) !== undefined)
    return {
      field: "startDate",
      reason: `every run is before its startDate ${iso(start)}`,
    };
  const schedule = parseSchedule(expression, options.kind === undefined ? {} : { kind: options.kind });
  if (schedule.type === "at") {
    const zone = options.timezone ?? "UTC";
    return {
      field: "schedule",
      reason:
        wallToInstant(Date.parse(`${schedule.dateTime}Z`), zone) === null
          ? `it runs once, at ${schedule.dateTime} in ${zone}, a wall-clock time that does not exist there (the clocks skip it for daylight saving)`
          : `it runs once, and that time is past (now: ${iso(from)})`,
    };
  }
  return {
    field: "schedule",
    reason: `the expression has no run after now (${iso(from)}): a past year or a date that does not exist`,
  };
}
