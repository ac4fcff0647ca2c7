/**
 * First runs of schedules, cached: maintenance-window-limits asks whether a schedule still has a run
 * ahead, maintenance-window-overlap whether it runs within the clash horizon. Both read one cache,
 * so a stack's windows are evaluated once per distinct schedule and bounds, not once per policy.
 */
import { firstRunAfter, type NoUpcomingRun, noUpcomingRun } from "@retrain/schedule";
import { z } from "zod";
import { num, type PropertyMap, str } from "../values.js";

export type ScheduleKind = "maintenance-window" | "association";

/** The window's bounds and offset, as the runs read them (associations have none). */
export interface RunBounds {
  offsetDays?: number;
  startDate?: string;
  endDate?: string;
}

export type FirstRun = { firstRunMs: number } | { none: NoUpcomingRun };

/**
 * The first run after now, remembered per distinct schedule and bounds: a first run at T stays the
 * first run until T, and "none ahead" stays true for good (no run after t means none after a later
 * t), so a hit is exact, not approximate. Bounded, as one pack process may serve many plans. Throws
 * what the schedule package throws for a schedule whose runs cannot be computed (not cached).
 */
const FIRST_RUN_CACHE_MAX = 1024;
const firstRunCache = new Map<string, FirstRun>();

export function firstRun(
  expr: string,
  kind: ScheduleKind,
  timezone: string | undefined,
  bounds: RunBounds,
  now: number = Date.now(),
): FirstRun {
  const key = JSON.stringify([
    kind,
    timezone ?? "",
    expr,
    bounds.offsetDays ?? 0,
    bounds.startDate ?? "",
    bounds.endDate ?? "",
  ]);
  const hit = firstRunCache.get(key);
  if (hit && ("none" in hit || now < hit.firstRunMs)) return hit;
  const opts = { from: new Date(now), kind, ...(timezone ? { timezone } : {}), ...bounds };
  const firstRunMs = firstRunAfter(expr, opts);
  // The reason is worked out only for a schedule that has no run (the rare case).
  const result: FirstRun =
    firstRunMs === undefined
      ? {
          none: noUpcomingRun(expr, opts) ?? {
            field: "schedule",
            reason: "the expression has no run after now",
          },
        }
      : { firstRunMs };
  if (firstRunCache.size >= FIRST_RUN_CACHE_MAX) firstRunCache.clear();
  firstRunCache.set(key, result);
  return result;
}

/** ISO 8601 extended date-time with a zone, as SSM's StartDate/EndDate take it. */
const isoDateTime = z.iso.datetime({ offset: true });

/**
 * A window's bounds as its runs read them, valid values only: an offset of 1-6 days with a cron
 * (AWS applies offsets to cron only), startDate and endDate when ISO 8601 with a zone. What is left
 * out is maintenance-window-limits' finding.
 */
export function runBoundsOf(props: PropertyMap): RunBounds {
  const bounds: RunBounds = {};
  const expr = str(props.schedule);
  const offset = num(props.scheduleOffset);
  if (
    offset !== undefined &&
    Number.isInteger(offset) &&
    offset >= 1 &&
    offset <= 6 &&
    expr?.trim().startsWith("cron(")
  )
    bounds.offsetDays = offset;
  for (const field of ["startDate", "endDate"] as const) {
    const value = str(props[field]);
    if (value !== undefined && isoDateTime.safeParse(value).success) bounds[field] = value;
  }
  return bounds;
}
