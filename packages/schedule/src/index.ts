export type * from "./types.js";
import type { ParseResult, ScheduleKind } from "./types.js";

/** Replaced by the real parser (issue 3); fails every expression until then. */
export function tryParseSchedule(expression: string, _opts: { kind?: ScheduleKind } = {}): ParseResult {
  return { ok: false, error: { message: "schedule parser not implemented yet", position: 0, expression } };
}
