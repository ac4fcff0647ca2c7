import { overlaps, type WindowSchedule } from "@retrain/schedule";
import { z } from "zod";
import { defineStackPolicy, type StackResource, type Violation } from "../policy-kit.js";
import {
  isDisabled,
  TARGET_TYPE,
  TASK_TYPE,
  targetsOf,
  WINDOW_TYPE,
  windowOf,
  windowScheduleOf,
} from "../windows/model.js";

export const maintenanceWindowOverlapConfig = z.strictObject({
  horizonWeeks: z
    .number()
    .int()
    .min(1)
    .max(52)
    .default(4)
    .describe("How many weeks ahead windows are compared."),
});

interface Window {
  resource: StackResource;
  schedule: WindowSchedule;
  /** "key=value" of every target registered with the window, e.g. "tag:retrain:pool=a10g". */
  targets: Set<string>;
}

export const maintenanceWindowOverlap = defineStackPolicy({
  name: "maintenance-window-overlap",
  description:
    "Two maintenance windows of one stack that target the same instances (e.g. the same pool) must not be open at the same time.",
  remediation:
    "Move one window's schedule so the two never overlap (leave at least the longer duration between starts), or target different pools.",
  enforcementLevel: "mandatory",
  config: maintenanceWindowOverlapConfig,
  check(resources, config): Violation[] {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const windows = new Map<string, Window>();
    for (const r of resources) {
      if (r.type !== WINDOW_TYPE || isDisabled(r.props)) continue;
      const schedule = windowScheduleOf(r.props);
      if (schedule) windows.set(r.urn, { resource: r, schedule, targets: new Set() });
    }
    // Targets registered with the window, and tasks' own targets (other than window target ids).
    for (const t of resources.filter((r) => r.type === TARGET_TYPE || r.type === TASK_TYPE)) {
      const w = windowOf(t, byUrn, resources);
      const entry = w && windows.get(w.urn);
      if (!entry) continue;
      for (const { key, values } of targetsOf(t.props)) {
        if (key !== "WindowTargetIds") for (const v of values) entry.targets.add(`${key}=${v}`);
      }
    }
    const from = new Date();
    const to = new Date(from.getTime() + config.horizonWeeks * 7 * 86_400_000);
    const list = [...windows.values()];
    const out: Violation[] = [];
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const a = list[i] as Window;
        const b = list[j] as Window;
        const shared = [...a.targets].filter((t) => b.targets.has(t));
        if (shared.length === 0) continue;
        let clashes: { start: Date; end: Date }[];
        try {
          clashes = overlaps(a.schedule, b.schedule, { from, to });
        } catch {
          continue; // an invalid schedule is maintenance-window-limits' finding
        }
        const first = clashes[0];
        if (!first) continue;
        out.push({
          urn: b.resource.urn,
          message: `MaintenanceWindow "${b.resource.name}" and "${a.resource.name}" both target ${shared.join(", ")} and are open at the same time ${clashes.length} time(s) in the next ${config.horizonWeeks} weeks, first from ${first.start.toISOString()} to ${first.end.toISOString()}. Fix: move one schedule so they never overlap, or target different pools.`,
        });
      }
    }
    return out;
  },
});
