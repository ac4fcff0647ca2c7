/** Formatting instants for people: in a window's own zone and in UTC, one cached formatter per zone. */
import type { RunTime } from "./model.js";

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZoneName: "short",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** `2026-11-29 04:00 GMT+1` style wall-clock time of `instant` in `timeZone`. */
export function formatInZone(instant: Date, timeZone: string): string {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) parts[p.type] = p.value;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${parts.timeZoneName}`;
}

/** ISO 8601 in UTC without milliseconds: `2026-11-29T03:00:00Z`. */
export function isoUtc(instant: Date): string {
  return instant.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function runTime(instant: Date, timeZone: string): RunTime {
  return { utc: isoUtc(instant), local: formatInZone(instant, timeZone) };
}
