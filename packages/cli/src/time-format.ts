import { wallClock } from "@retrain/windows";

/** `Sun 2025-06-01 06:00 +02:00 Europe/Berlin`: an instant as wall-clock time in a zone, for people reading run lists. */
export function formatLocal(date: Date, timeZone: string): string {
  const w = wallClock(date, timeZone);
  return `${w.weekday} ${w.date} ${w.time} ${w.offset} ${timeZone}`;
}
