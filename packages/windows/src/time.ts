/** Formatting instants for people: in a window's own zone and in UTC, one cached formatter per zone. */
import type { RunTime } from "./model.js";

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      weekday: "short",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
      timeZoneName: "short",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Wall-clock parts of an instant in a time zone. */
export interface WallClock {
  /** `2025-06-01` */
  date: string;
  /** `Sun` */
  weekday: string;
  /** `04:00` */
  time: string;
  /** `04:00:00` */
  seconds: string;
  /** `+02:00` */
  offset: string;
  /** `EDT`, or `GMT+2` where the runtime knows no abbreviation for the zone */
  zoneName: string;
}

function two(n: number): string {
  return String(n).padStart(2, "0");
}

export function wallClock(instant: Date, timeZone: string): WallClock {
  const p: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(instant)) p[part.type] = part.value;
  const date = `${p.year}-${p.month}-${p.day}`;
  const seconds = `${p.hour}:${p.minute}:${p.second}`;
  // The offset is the wall clock read as UTC minus the instant (Intl's "short" name is not always
  // numeric, so one formatter gives both the abbreviation and, by this difference, the offset).
  const minutes = Math.round(
    (Date.parse(`${date}T${seconds}Z`) - Math.floor(instant.getTime() / 1000) * 1000) / 60_000,
  );
  const abs = Math.abs(minutes);
  return {
    date,
    weekday: p.weekday ?? "",
    time: `${p.hour}:${p.minute}`,
    seconds,
    offset: `${minutes < 0 ? "-" : "+"}${two(Math.floor(abs / 60))}:${two(abs % 60)}`,
    zoneName: p.timeZoneName ?? "",
  };
}

/** `2025-06-01T04:00:00+02:00`: the instant as ISO 8601 local time with its offset in `timeZone`. */
export function isoLocal(instant: Date, timeZone: string): string {
  const w = wallClock(instant, timeZone);
  return `${w.date}T${w.seconds}${w.offset}`;
}

/** `2026-11-29 04:00 GMT+1` style wall-clock time of `instant` in `timeZone`. */
export function formatInZone(instant: Date, timeZone: string): string {
  const w = wallClock(instant, timeZone);
  return `${w.date} ${w.time} ${w.zoneName}`;
}

/** ISO 8601 in UTC without milliseconds: `2026-11-29T03:00:00Z`. */
export function isoUtc(instant: Date): string {
  return instant.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function runTime(instant: Date, timeZone: string): RunTime {
  return { utc: isoUtc(instant), local: formatInZone(instant, timeZone) };
}
