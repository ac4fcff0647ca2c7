/**
 * Occurrences of a validated AWS cron as naive wall-clock times, computed by croner.
 *
 * croner only ever sees a pattern we generate from the validated AST, never the user's text, and it
 * runs at UTC offset 0 as a plain wall clock: it would otherwise move times out of a DST gap instead
 * of skipping them, so timezones are mapped afterwards in timezone.ts. Translation:
 * - seconds field fixed to 0, croner's 7-part mode (seconds + year), years 1970-2199 checked by us;
 * - plain fields become explicit value lists (AWS `0/15` "numeric prefix" steps are not croner syntax);
 * - day-of-week stays 1-7 = SUN-SAT via `alternativeWeekdays` (Quartz numbering, as AWS);
 * - `?` becomes `*` and `domAndDow` is on, so the one restricted day field alone decides;
 * - `L` and `nW` in day-of-month map to croner's `L` and `nW` (croner, like Quartz, keeps `nW` in
 *   the month; a day that does not exist in a month, e.g. 31W in April, matches nothing that month);
 * - `nL` in day-of-week (last such weekday) maps to croner's `n#L`, `n#k` stays `n#k`.
 */
import { Cron } from "croner";
import type { CronField, CronItem, CronSchedule } from "./types.js";

const compiled = new WeakMap<CronSchedule, Cron>();

export function cronerPattern(s: CronSchedule): string {
  return [
    "0",
    plain(s.minutes, 0, 59),
    plain(s.hours, 0, 23),
    dayOfMonth(s.dayOfMonth),
    plain(s.month, 1, 12),
    dayOfWeek(s.dayOfWeek),
    plain(s.year, 1970, 2199),
  ].join(" ");
}

function plain(field: CronField, min: number, max: number): string {
  if (field.values.length === max - min + 1) return "*";
  return field.values.join(",");
}

function single(field: CronField): CronItem | undefined {
  return field.items.length === 1 ? field.items[0] : undefined;
}

function dayOfMonth(field: CronField): string {
  const item = single(field);
  if (item?.type === "any") return "*";
  if (item?.type === "lastDayOfMonth") return "L";
  if (item?.type === "nearestWeekday") return `${item.day}W`;
  return plain(field, 1, 31);
}

function dayOfWeek(field: CronField): string {
  const item = single(field);
  if (item?.type === "any") return "*";
  if (item?.type === "lastWeekdayOfMonth") return `${item.weekday}#L`;
  if (item?.type === "nthWeekdayOfMonth") return `${item.weekday}#${item.nth}`;
  return plain(field, 1, 7);
}

function engine(s: CronSchedule): Cron {
  let cron = compiled.get(s);
  if (!cron) {
    cron = new Cron(cronerPattern(s), {
      utcOffset: 0,
      mode: "7-part",
      alternativeWeekdays: true,
      domAndDow: true,
      paused: true,
    });
    compiled.set(s, cron);
  }
  return cron;
}

/** Naive wall-clock epoch ms of the first run strictly after `afterNaive`, or null when none is left. */
export function nextWallClockRun(s: CronSchedule, afterNaive: number): number | null {
  const next = engine(s).nextRun(new Date(afterNaive));
  if (!next) return null;
  const ms = next.getTime();
  // AWS years end at 2199; croner would go on to 9999.
  return ms >= LAST_WALL_MS ? null : ms;
}

const LAST_WALL_MS = Date.UTC(2200, 0, 1);
