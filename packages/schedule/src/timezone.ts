/**
 * Wall-clock time ↔ instant in an IANA zone, with EventBridge Scheduler's DST rule: a wall time in
 * the spring-forward gap does not exist (no run), a wall time in the fall-back overlap maps to its
 * first occurrence. "Naive" dates below are Dates whose UTC fields hold the wall-clock fields.
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#daylist-savings-time
 */
import { Temporal } from "temporal-polyfill";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

const validZones = new Map<string, boolean>();

/** Throws a RangeError naming the zone when it is not an IANA zone known to the runtime. */
export function assertTimeZone(timezone: string): void {
  let ok = validZones.get(timezone);
  if (ok === undefined) {
    try {
      Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(timezone);
      ok = true;
    } catch {
      ok = false;
    }
    validZones.set(timezone, ok);
  }
  if (!ok)
    throw new RangeError(`unknown time zone "${timezone}": use an IANA name such as Europe/Berlin or UTC`);
}

function isUtc(timezone: string): boolean {
  return timezone === "UTC" || timezone === "Etc/UTC" || timezone === "Etc/GMT" || timezone === "GMT";
}

/** UTC offset in ms at an instant. */
function offsetAt(epochMs: number, timezone: string): number {
  return Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(timezone).offsetNanoseconds / 1e6;
}

/**
 * Per zone and wall-clock day: the UTC offset when it is the same for every instant that can carry
 * that day's wall times (so the day has no transition), else null. Most days take the fast path; only
 * transition days go through Temporal's disambiguation for each run.
 */
const dayOffsets = new Map<string, Map<number, number | null>>();

function steadyOffsetOfDay(day: number, timezone: string): number | null {
  let zone = dayOffsets.get(timezone);
  if (!zone) {
    zone = new Map();
    dayOffsets.set(timezone, zone);
  }
  let offset = zone.get(day);
  if (offset === undefined) {
    // Wall times of the day exist between day 00:00 - 14 h and day 24:00 + 12 h (the extreme offsets).
    const start = day * DAY_MS - 14 * HOUR_MS;
    const end = (day + 1) * DAY_MS + 12 * HOUR_MS;
    const a = offsetAt(start, timezone);
    offset = a === offsetAt(end, timezone) && a === offsetAt((start + end) / 2, timezone) ? a : null;
    if (zone.size > 50_000) zone.clear();
    zone.set(day, offset);
  }
  return offset;
}

/**
 * The instant of a wall-clock time in `timezone`; null when the wall time falls into a DST gap
 * (skipped); the first occurrence when it is repeated in a DST overlap.
 */
export function wallToInstant(naive: number, timezone: string): number | null {
  if (isUtc(timezone)) return naive;
  const steady = steadyOffsetOfDay(Math.floor(naive / DAY_MS), timezone);
  if (steady !== null) return naive - steady;
  const d = new Date(naive);
  const wall = Temporal.PlainDateTime.from({
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    millisecond: d.getUTCMilliseconds(),
  });
  // 'earlier' picks the first of two occurrences; in a gap it moves the time, which we detect by
  // comparing the wall time back (Temporal's 'reject' would also throw for overlaps).
  const zoned = wall.toZonedDateTime(timezone, { disambiguation: "earlier" });
  if (Temporal.PlainDateTime.compare(zoned.toPlainDateTime(), wall) !== 0) return null;
  return zoned.epochMilliseconds;
}

/** The wall-clock time (as a naive epoch) of an instant in `timezone`. */
export function instantToWall(epochMs: number, timezone: string): number {
  if (isUtc(timezone)) return epochMs;
  return epochMs + offsetAt(epochMs, timezone);
}

/** Instants of DST (or other offset) transitions in (fromMs, toMs]. */
export function transitionsBetween(fromMs: number, toMs: number, timezone: string): number[] {
  if (isUtc(timezone)) return [];
  const out: number[] = [];
  let z: Temporal.ZonedDateTime | null =
    Temporal.Instant.fromEpochMilliseconds(fromMs).toZonedDateTimeISO(timezone);
  while (z) {
    z = z.getTimeZoneTransition("next");
    if (!z || z.epochMilliseconds > toMs) break;
    out.push(z.epochMilliseconds);
  }
  return out;
}
