export { ScheduleError } from "./errors.js";
export {
  ASSOCIATION_RATE_MAX_MS,
  ASSOCIATION_RATE_MIN_MS,
  parseSchedule,
  tryParseSchedule,
} from "./parse.js";
export type * from "./types.js";
