/**
 * `@retrain/windows`: the workspace's windows over the horizon, from the validated stack configs
 * alone (nothing here loads Pulumi): the schedule view, the one overlap sweep behind the plan's
 * cross-team clashes and the pack's stack-wide overlap check, the horizon, and the wall-clock time and
 * terminal colours the plan and the calendar print them with.
 */
export * from "./clashes.js";
export * from "./horizon.js";
export * from "./model.js";
export * from "./overlap.js";
export * from "./schedule-view.js";
export * from "./style.js";
export * from "./time.js";
export * from "./window-schedule.js";
