export { describe } from "./describe.js";
export { ScheduleError } from "./errors.js";
export { minimumIntervalMs } from "./interval.js";
export { type OverlapPair, overlappingRuns, overlaps } from "./overlap.js";
export {
  ASSOCIATION_RATE_MAX_MS,
  ASSOCIATION_RATE_MIN_MS,
  parseSchedule,
  tryParseSchedule,
} from "./parse.js";
export { nextRuns } from "./runs.js";
export { describeGap, selfOverlapGapMs } from "./self-overlap.js";
export type * from "./types.js";
export { firstRunAfter, type NoUpcomingRun, type NoUpcomingRunField, noUpcomingRun } from "./upcoming.js";
export {
  AUTOMATION_TASK_SECONDS,
  type AutomationRunbook,
  type BudgetPart,
  batchesOf,
  describeBudget,
  type WindowBudget,
  type WindowBudgetInput,
  windowBudget,
} from "./window-budget.js";
export { type Instant, type TimeRange, windowOccurrences } from "./windows.js";
