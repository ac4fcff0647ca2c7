/** English sentences for schedules, built from the validated AST (so they say what AWS will do). */
import { parseSchedule } from "./parse.js";
import type { CronField, CronItem, CronSchedule, ScheduleKind } from "./types.js";

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const ORDINALS = ["first", "second", "third", "fourth", "fifth"];

export interface DescribeOptions {
  /** Appended as "(Europe/Berlin time)" when given and not UTC. */
  timezone?: string;
  kind?: ScheduleKind;
}

/** e.g. "At 04:00 every Sunday", "Every 2 hours", "Once at 2025-07-07 15:55:00". Throws ScheduleError. */
export function describe(expression: string, options: DescribeOptions = {}): string {
  const s = parseSchedule(expression, options.kind === undefined ? {} : { kind: options.kind });
  const zone = options.timezone && options.timezone !== "UTC" ? ` (${options.timezone} time)` : " (UTC)";
  if (s.type === "rate") {
    const unit = s.unit.slice(0, -1);
    return s.value === 1 ? `Every ${unit}` : `Every ${s.value} ${s.unit}`;
  }
  if (s.type === "at") return `Once at ${s.dateTime.replace("T", " ")}${zone}`;
  return `${timePart(s)} ${dayPart(s)}${monthPart(s)}${yearPart(s)}${zone}`;
}

const pad = (n: number) => String(n).padStart(2, "0");

function join(parts: string[]): string {
  if (parts.length <= 1) return parts.join("");
  return `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}

function isAll(field: CronField, min: number, max: number): boolean {
  return field.values.length === max - min + 1;
}

/** "MON", "MON through FRI"; stepped items are spelled out value by value (clearer than "every 2nd"). */
function list(field: CronField, name: (n: number) => string): string {
  const stepped = field.items.some((i) => i.type === "range" && i.step > 1);
  if (stepped) return join(field.values.map(name));
  const parts = field.items.map((i: CronItem) => {
    if (i.type !== "range") return "";
    return i.from === i.to ? name(i.from) : `${name(i.from)} through ${name(i.to)}`;
  });
  return join(parts);
}

function timePart(s: CronSchedule): string {
  const mins = s.minutes.values;
  const hourValues = s.hours.values;
  if (hourValues.length * mins.length <= 4) {
    return `At ${join(hourValues.flatMap((h) => mins.map((m) => `${pad(h)}:${pad(m)}`)))}`;
  }
  const hourText = isAll(s.hours, 0, 23) ? "" : ` during hours ${list(s.hours, pad)}`;
  const stepItem = s.minutes.items.length === 1 ? s.minutes.items[0] : undefined;
  if (stepItem?.type === "range" && stepItem.step > 1 && stepItem.to === 59) {
    const start = stepItem.from === 0 ? "" : ` starting at minute ${stepItem.from}`;
    return `Every ${stepItem.step} minutes${start}${hourText}`;
  }
  if (isAll(s.minutes, 0, 59)) return `Every minute${hourText}`;
  const hours = isAll(s.hours, 0, 23)
    ? "every hour"
    : `hour${s.hours.values.length > 1 ? "s" : ""} ${list(s.hours, pad)}`;
  const minuteText = mins.length === 1 ? `minute ${mins[0]}` : `minutes ${list(s.minutes, String)}`;
  return `At ${minuteText} past ${hours}`;
}

function dayPart(s: CronSchedule): string {
  const dom = s.dayOfMonth.items[0]!;
  const dow = s.dayOfWeek.items[0]!;
  if (dom.type === "any") {
    if (dow.type === "lastWeekdayOfMonth") return `on the last ${WEEKDAYS[dow.weekday - 1]} of the month`;
    if (dow.type === "nthWeekdayOfMonth")
      return `on the ${ORDINALS[dow.nth - 1]} ${WEEKDAYS[dow.weekday - 1]} of the month`;
    if (isAll(s.dayOfWeek, 1, 7)) return "every day";
    return `every ${list(s.dayOfWeek, (n) => WEEKDAYS[n - 1]!)}`;
  }
  if (dom.type === "lastDayOfMonth") return "on the last day of the month";
  if (dom.type === "nearestWeekday") return `on the weekday nearest day ${dom.day} of the month`;
  if (isAll(s.dayOfMonth, 1, 31)) return "every day";
  const days = list(s.dayOfMonth, String);
  return `on day${s.dayOfMonth.values.length > 1 ? "s" : ""} ${days} of the month`;
}

function monthPart(s: CronSchedule): string {
  if (isAll(s.month, 1, 12)) return "";
  return `, in ${list(s.month, (n) => MONTHS[n - 1]!)}`;
}

function yearPart(s: CronSchedule): string {
  if (isAll(s.year, 1970, 2199)) return "";
  return `, in ${list(s.year, String)}`;
}
