import { type Interval, type WindowSchedule, windowOccurrences } from "@retrain/schedule";
import { DEFAULT_WEEKS, horizon, MAX_WEEKS, overlappingRuns } from "@retrain/windows";
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
    .max(MAX_WEEKS)
    .default(DEFAULT_WEEKS)
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
    const range = horizon(new Date(), config.horizonWeeks);
    const list: (Window & { runs: Interval[] })[] = [];
    for (const w of windows.values()) {
      try {
        list.push({ ...w, runs: windowOccurrences(w.schedule, range) });
      } catch {
        // an invalid schedule is maintenance-window-limits' finding
      }
    }
    const shared = (a: Window, b: Window) => [...a.targets].filter((t) => b.targets.has(t));
    // The plan's sweep over every run of the stack; pairs in window order, as the messages list them.
    const pairs = overlappingRuns(
      list.map((w) => w.runs),
      (i, j) => shared(list[i]!, list[j]!).length > 0,
    ).sort((p, q) => p.a - q.a || p.b - q.b);
    const out: Violation[] = [];
    for (const p of pairs) {
      const a = list[p.a]!;
      const b = list[p.b]!;
      const clashes = [...p.overlaps].sort(
        (x, y) => x.start.getTime() - y.start.getTime() || x.end.getTime() - y.end.getTime(),
      );
      const first = clashes[0]!;
      out.push({
        urn: b.resource.urn,
        message: `MaintenanceWindow "${b.resource.name}" and "${a.resource.name}" both target ${shared(a, b).join(", ")} and are open at the same time ${clashes.length} time(s) in the next ${config.horizonWeeks} weeks, first from ${first.start.toISOString()} to ${first.end.toISOString()}. Fix: move one schedule so they never overlap, or target different pools.`,
      });
    }
    return out;
  },
});
