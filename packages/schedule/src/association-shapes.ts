/**
 * The cron shapes State Manager runs for an association. AWS's Systems Manager cron and rate reference
 * gives associations a closed list ("every 1/2, 1, 2, 4, 8, or 12 hours; every day, every week, every
 * nth day, or the last x day of the month at a specific time") where maintenance windows "support all
 * cron and rate expressions": a cron outside the list is one AWS does not promise to run. The shapes are
 * matched on the fields' values, not their spelling, so `0/30`, `*\/30` and `0,30` are the same minutes.
 * No cron library models this list; it is a small table of our own (see docs/schedule.md).
 */
import type { CronField, CronItem, CronSchedule } from "./types.js";

/** How often per day a sub-daily association may run: every 30 minutes, or every N hours. */
export const ASSOCIATION_HOUR_STEPS = [1, 2, 4, 8, 12] as const;

/** One shape of the reference's list, with the example the error message quotes. */
interface Shape {
  name: string;
  example: string;
}

/** Every shape, in the order the error message lists them. */
export const ASSOCIATION_CRON_SHAPES: readonly Shape[] = [
  { name: "every 30 minutes", example: "cron(0/30 * * * ? *)" },
  {
    name: `every ${ASSOCIATION_HOUR_STEPS.join(", ").replace(/, (\d+)$/, " or $1")} hours`,
    example: "cron(0 0/4 * * ? *)",
  },
  { name: "every day at a time", example: "cron(15 13 ? * * *)" },
  { name: "one day a week at a time", example: "cron(15 13 ? * MON *)" },
  { name: "the nth weekday of the month", example: "cron(30 23 ? * TUE#3 *)" },
  { name: "day n of the month", example: "cron(0 2 15 * ? *)" },
  { name: "the last day, or last such weekday, of the month", example: "cron(0 0 ? * 3L *)" },
];

/** What the day fields name: every day, or one of the once-a-week/once-a-month forms. */
type DayPart = "daily" | "weekly" | "monthly" | "other";

const only = (field: CronField): CronItem | undefined =>
  field.items.length === 1 ? field.items[0] : undefined;

const isEvery = (field: CronField, size: number): boolean => {
  const item = only(field);
  return item?.type === "any" || field.values.length === size;
};

const isSingleValue = (field: CronField): boolean => {
  const item = only(field);
  return item?.type === "range" && item.from === item.to;
};

function dayPart(s: CronSchedule): DayPart {
  const domOpen = only(s.dayOfMonth)?.type === "any";
  const dowOpen = only(s.dayOfWeek)?.type === "any";
  if (isEvery(s.dayOfMonth, 31) && isEvery(s.dayOfWeek, 7)) return "daily";
  if (domOpen) {
    const dow = only(s.dayOfWeek);
    if (dow?.type === "nthWeekdayOfMonth" || dow?.type === "lastWeekdayOfMonth") return "monthly";
    return isSingleValue(s.dayOfWeek) ? "weekly" : "other";
  }
  if (dowOpen) {
    const dom = only(s.dayOfMonth);
    if (dom?.type === "lastDayOfMonth") return "monthly";
    return isSingleValue(s.dayOfMonth) ? "monthly" : "other";
  }
  return "other";
}

/** Whether `values` are `first, first + step, ...` over the whole of 0..size-1. */
const isEvenStep = (values: readonly number[], step: number, size: number): boolean =>
  values.length === size / step && values.every((v, i) => v === values[0]! + i * step);

/**
 * Why `s` is not an association shape, with the field to point at, or undefined when it is one.
 * Month and year are checked before (they must be `*`).
 */
export function associationShapeProblem(s: CronSchedule): { message: string; position: number } | undefined {
  const days = dayPart(s);
  const atOneTime = s.minutes.values.length === 1 && s.hours.values.length === 1;
  const halfHourly = isEvenStep(s.minutes.values, 30, 60) && s.hours.values.length === 24 && days === "daily";
  const everyNHours =
    s.minutes.values.length === 1 &&
    ASSOCIATION_HOUR_STEPS.some((n) => isEvenStep(s.hours.values, n, 24)) &&
    days === "daily";
  if (halfHourly || everyNHours || (atOneTime && days !== "other")) return undefined;

  const list = ASSOCIATION_CRON_SHAPES.map((shape) => `${shape.name} (${shape.example})`).join("; ");
  const tail = `State Manager runs an association's cron only as: ${list}. For anything else use a rate(...) or mode: maintenance-window`;
  if (days === "other") {
    const field = only(s.dayOfMonth)?.type === "any" ? s.dayOfWeek : s.dayOfMonth;
    const label = field === s.dayOfWeek ? "day-of-week" : "day-of-month";
    return {
      message: `an association runs every day, on one day of the week or on one day of the month; ${label} "${field.text}" is none of these. ${tail}`,
      position: field.position,
    };
  }
  if (days !== "daily" && !atOneTime) {
    return {
      message: `an association that runs ${days} runs once that day, at one minute and hour; "${s.minutes.text} ${s.hours.text}" is more than one time. ${tail}`,
      position: s.minutes.values.length === 1 ? s.hours.position : s.minutes.position,
    };
  }
  return {
    message: `an association runs every 30 minutes, every ${ASSOCIATION_HOUR_STEPS.join(", ")} hours or at one time a day; minutes "${s.minutes.text}" and hours "${s.hours.text}" are none of these. ${tail}`,
    position: s.minutes.values.length === 1 ? s.hours.position : s.minutes.position,
  };
}
