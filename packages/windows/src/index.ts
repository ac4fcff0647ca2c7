/**
 * `@retrain/windows`: the workspace's windows over the horizon, from the validated stack configs
 * alone (nothing here loads Pulumi): the schedule view, the plan's cross-team clashes (on
 * @retrain/schedule's overlap sweep, which the pack's stack-wide overlap check uses too), the horizon, and the wall-clock time and
 * terminal colours the plan and the calendar print them with.
 */

// The overlap sweep is @retrain/schedule's (window occurrences and overlaps); re-exported for the
// pack and the plan, which read it beside the horizon.
export { type OverlapPair, overlappingRuns, overlaps } from "@retrain/schedule";
export * from "./clashes.js";
export * from "./counted.js";
export * from "./horizon.js";
export * from "./model.js";
export * from "./schedule-view.js";
export * from "./style.js";
export * from "./time.js";
export * from "./window-schedule.js";
