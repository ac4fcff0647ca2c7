/** Wall-clock parts of an instant in a time zone (one cached Intl formatter per zone). */
const formatters = new Map<string, Intl.DateTimeFormat>();

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
}

export function wallClock(instant: Date, timeZone: string): WallClock {
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
      timeZoneName: "longOffset",
    });
    formatters.set(timeZone, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(instant)) p[part.type] = part.value;
  // `GMT+02:00` → `+02:00`; plain `GMT` is offset zero.
  const offset = (p.timeZoneName ?? "").replace(/^GMT/, "") || "+00:00";
  return {
    date: `${p.year}-${p.month}-${p.day}`,
    weekday: p.weekday ?? "",
    time: `${p.hour}:${p.minute}`,
    seconds: `${p.hour}:${p.minute}:${p.second}`,
    offset,
  };
}

/** `2025-06-01T04:00:00+02:00`: the instant as ISO 8601 local time with its offset in `timeZone`. */
export function isoLocal(instant: Date, timeZone: string): string {
  const w = wallClock(instant, timeZone);
  return `${w.date}T${w.seconds}${w.offset}`;
}
